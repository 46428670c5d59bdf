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

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// 58^5, the largest power of 58 below 2^32: one long division yields five digits.
const BASE58_POW5: u64 = 656_356_768;

/// Base58 (Bitcoin alphabet) of `bytes`. A metagraph shows thousands of addresses, and
/// the general-purpose encoder, one digit per pass, was most of the decode time.
fn base58(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    // Big-endian u32 limbs, the first one padded with leading zero bytes.
    let mut limbs: Vec<u32> = Vec::with_capacity(bytes.len() / 4 + 1);
    let head = bytes.len() % 4;
    if head != 0 {
        limbs.push(
            bytes
                .iter()
                .take(head)
                .fold(0, |acc, b| (acc << 8) | u32::from(*b)),
        );
    }
    for chunk in bytes.get(head..).unwrap_or_default().chunks_exact(4) {
        limbs.push(chunk.iter().fold(0, |acc, b| (acc << 8) | u32::from(*b)));
    }
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 5);
    let mut start = 0;
    while start < limbs.len() {
        let mut remainder = 0u64;
        for limb in limbs.iter_mut().skip(start) {
            let current = (remainder << 32) | u64::from(*limb);
            // The quotient fits: remainder < 58^5 < 2^32, so current / 58^5 < 2^32.
            *limb = u32::try_from(current / BASE58_POW5).unwrap_or(u32::MAX);
            remainder = current % BASE58_POW5;
        }
        for _ in 0..5 {
            digits.push((remainder % 58) as u8);
            remainder /= 58;
        }
        while limbs.get(start) == Some(&0) {
            start += 1;
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(
        digits
            .iter()
            .rev()
            .map(|d| char::from(BASE58[usize::from(*d) % 58])),
    );
    out
}

/// The SS58 (format 42) text of a 32-byte account key.
pub fn encode(account: &[u8; 32]) -> String {
    let mut bytes = [0u8; 35];
    bytes[0] = SS58_FORMAT;
    bytes[1..33].copy_from_slice(account);
    let sum = checksum(&bytes[..33]);
    bytes[33..].copy_from_slice(&sum);
    base58(&bytes)
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
    fn base58_matches_the_reference_encoder() {
        let mut seed = 0x9e37_79b9_u32;
        for len in [0usize, 1, 2, 3, 4, 5, 31, 32, 33, 34, 35, 36, 64] {
            for zeros in [0usize, 1, 3] {
                let mut bytes = vec![0u8; zeros];
                for _ in 0..len {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    bytes.push((seed >> 24) as u8);
                }
                assert_eq!(
                    base58(&bytes),
                    bs58::encode(&bytes).into_string(),
                    "{bytes:?}"
                );
            }
        }
        assert_eq!(base58(&[0xff; 35]), bs58::encode([0xff; 35]).into_string());
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
