//! SS58 addresses (format 42, Bittensor's) for the explorer: encode the 32-byte keys the
//! chain returns and check what a user types before any network access.
//!
//! A small local copy: the wallet work has its own `keys::ss58`; the two fold together later.

use std::fmt;

use blake2::{Blake2b512, Digest};

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

fn checksum(body: &[u8]) -> [u8; 2] {
    let mut hasher = Blake2b512::new();
    hasher.update(b"SS58PRE");
    hasher.update(body);
    let hash = hasher.finalize();
    [hash[0], hash[1]]
}

/// The SS58 (format 42) text of a 32-byte account key.
pub fn encode(account: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(35);
    bytes.push(SS58_FORMAT);
    bytes.extend_from_slice(account);
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum);
    bs58::encode(bytes).into_string()
}

/// The 32-byte key of a format-42 address; `field` names the input in the error.
pub fn decode(field: &str, address: &str) -> Result<[u8; 32], Ss58Error> {
    let fail = |kind| Ss58Error {
        field: field.to_string(),
        given: address.to_string(),
        kind,
    };
    let bytes = bs58::decode(address.trim())
        .into_vec()
        .map_err(|_| fail(Ss58ErrorKind::NotBase58))?;
    // Only the one-byte prefix form is valid for format 42: 1 + 32 + 2 bytes.
    let Some((body, sum)) = bytes.split_at_checked(33) else {
        return Err(fail(Ss58ErrorKind::WrongLength));
    };
    if sum.len() != 2 {
        return Err(fail(Ss58ErrorKind::WrongLength));
    }
    if checksum(body) != sum {
        return Err(fail(Ss58ErrorKind::BadChecksum));
    }
    let Some((&format, key)) = body.split_first() else {
        return Err(fail(Ss58ErrorKind::WrongLength));
    };
    if format != SS58_FORMAT {
        return Err(fail(Ss58ErrorKind::WrongNetwork));
    }
    key.try_into().map_err(|_| fail(Ss58ErrorKind::WrongLength))
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
