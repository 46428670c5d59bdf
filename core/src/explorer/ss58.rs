//! SS58 addresses (format 42, Bittensor's) for the explorer: encode the 32-byte keys the
//! chain returns and check what a user types before any network access.
//!
//! A small local copy: the wallet work has its own `keys::ss58`; the two fold together later.

use std::fmt;

use crate::i18n::tr_with;

/// Bittensor's SS58 address format (`SS58Prefix = 42` in the runtime).
pub const SS58_FORMAT: u8 = 42;

/// Why a typed address was refused. Its text names the field it was typed into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ss58Error {
    /// The command-line or form field, e.g. "hotkey".
    pub field: String,
    /// What the user typed.
    pub given: String,
    /// Which check failed.
    pub kind: Ss58ErrorKind,
}

/// The check an address failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ss58ErrorKind {
    /// Not base58 at all.
    NotBase58,
    /// Base58, but not 35 bytes (1 format byte, 32 key bytes, 2 checksum bytes).
    WrongLength,
    /// The checksum does not match: a typo.
    BadChecksum,
    /// A valid address of another network (another format byte).
    WrongNetwork,
}

impl fmt::Display for Ss58Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.kind {
            Ss58ErrorKind::NotBase58 => "error.ss58.not_base58",
            Ss58ErrorKind::WrongLength => "error.ss58.wrong_length",
            Ss58ErrorKind::BadChecksum => "error.ss58.bad_checksum",
            Ss58ErrorKind::WrongNetwork => "error.ss58.wrong_network",
        };
        let reason = crate::i18n::tr(reason);
        f.write_str(&tr_with(
            "error.ss58.invalid",
            &[
                ("field", &self.field),
                ("given", &self.given),
                ("reason", &reason),
            ],
        ))
    }
}

impl std::error::Error for Ss58Error {}

/// The address of a 32-byte account on Bittensor (format 42).
pub fn encode(account: &[u8; 32]) -> String {
    crate::keys::ss58_encode(
        &crate::keys::AccountId::from_bytes(*account),
        u16::from(SS58_FORMAT),
    )
}

/// Checks an address typed into `field` and returns its 32-byte account. The checks
/// are `keys::ss58`'s; this names the field and insists on Bittensor's network.
pub fn decode(field: &str, address: &str) -> Result<[u8; 32], Ss58Error> {
    use crate::keys::KeyError;
    let fail = |kind| Ss58Error {
        field: field.to_string(),
        given: address.to_string(),
        kind,
    };
    match crate::keys::ss58_decode_any(address) {
        Ok((format, account)) if format == u16::from(SS58_FORMAT) => Ok(*account.as_bytes()),
        Ok(_) => Err(fail(Ss58ErrorKind::WrongNetwork)),
        Err(KeyError::AddressBadCharacter { .. }) => Err(fail(Ss58ErrorKind::NotBase58)),
        Err(KeyError::AddressBadChecksum) => Err(fail(Ss58ErrorKind::BadChecksum)),
        Err(_) => Err(fail(Ss58ErrorKind::WrongLength)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Alice's well-known development key and address (format 42).
    const ALICE_HEX: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    #[test]
    fn round_trips_a_known_address() {
        let key: [u8; 32] = hex::decode(ALICE_HEX).expect("hex").try_into().expect("32");
        assert_eq!(encode(&key), ALICE);
        assert_eq!(decode("hotkey", ALICE), Ok(key));
    }

    #[test]
    fn typos_and_other_networks_are_refused() {
        let typo = ALICE.replace('Q', "R");
        assert_eq!(
            decode("hotkey", &typo).map_err(|e| e.kind),
            Err(Ss58ErrorKind::BadChecksum)
        );
        assert_eq!(
            decode("hotkey", "0OIl").map_err(|e| e.kind),
            Err(Ss58ErrorKind::NotBase58)
        );
        assert_eq!(
            decode("hotkey", "5Grwva").map_err(|e| e.kind),
            Err(Ss58ErrorKind::WrongLength)
        );
        // Polkadot (format 0) address of the same key.
        assert_eq!(
            decode("hotkey", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5")
                .map_err(|e| e.kind),
            Err(Ss58ErrorKind::WrongNetwork)
        );
    }
}
