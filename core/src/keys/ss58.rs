//! SS58 addresses: `base58([format] ++ public key ++ blake2b_512("SS58PRE" ++ both)[0..2])`.

use std::fmt;
use std::str::FromStr;

use blake2::{Blake2b512, Digest};

use super::KeyError;

/// Bittensor's SS58 address format (finney, test network and local nodes alike).
pub const SS58_FORMAT: u16 = 42;

const CHECKSUM_LEN: usize = 2;
const ACCOUNT_LEN: usize = 32;

/// A 32-byte sr25519 public key, the account's identity on chain. Shown as an SS58 address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId([u8; 32]);

/// Written as its SS58 address, the form people and the CLI's JSON read.
impl serde::Serialize for AccountId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_ss58())
    }
}

impl AccountId {
    /// Wraps raw public key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> AccountId {
        AccountId(bytes)
    }

    /// The raw public key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses a Bittensor (format 42) address, checking its checksum and network.
    pub fn from_ss58(address: &str) -> Result<AccountId, KeyError> {
        let (format, account) = decode_any(address)?;
        if format != SS58_FORMAT {
            return Err(KeyError::AddressWrongNetwork { found: format });
        }
        Ok(account)
    }

    /// The Bittensor (format 42) address, starting with `5`.
    pub fn to_ss58(&self) -> String {
        encode(self, SS58_FORMAT)
    }

    /// Parses `0x`-prefixed (or bare) hex of 32 bytes.
    pub fn from_hex(text: &str) -> Result<AccountId, KeyError> {
        let digits = text.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| KeyError::InvalidPublicKey)?;
        Ok(AccountId(bytes))
    }

    /// `0x` followed by 64 lower-case hex digits, as in keyfiles.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ss58())
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.to_ss58())
    }
}

impl FromStr for AccountId {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<AccountId, KeyError> {
        AccountId::from_ss58(s)
    }
}

fn checksum(payload: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut hasher = Blake2b512::new();
    hasher.update(b"SS58PRE");
    hasher.update(payload);
    let hash = hasher.finalize();
    let mut out = [0u8; CHECKSUM_LEN];
    out.copy_from_slice(&hash[..CHECKSUM_LEN]);
    out
}

/// The SS58 address of `account` in any format (0–16383); Bittensor uses [`SS58_FORMAT`].
pub fn encode(account: &AccountId, format: u16) -> String {
    let format = format & 0b0011_1111_1111_1111;
    let mut payload = Vec::with_capacity(2 + ACCOUNT_LEN + CHECKSUM_LEN);
    if format < 64 {
        payload.push(format as u8);
    } else {
        payload.push((((format & 0b1111_1100) >> 2) as u8) | 0b0100_0000);
        payload.push(((format >> 8) as u8) | (((format & 0b11) as u8) << 6));
    }
    payload.extend_from_slice(&account.0);
    let sum = checksum(&payload);
    payload.extend_from_slice(&sum);
    base58(&payload)
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

/// Decodes an address of any network, checking base58, length and checksum.
/// Returns the SS58 format and the account.
pub fn decode_any(address: &str) -> Result<(u16, AccountId), KeyError> {
    let address = address.trim();
    if address.is_empty() {
        return Err(KeyError::EmptyAddress);
    }
    let data = bs58::decode(address).into_vec().map_err(|e| match e {
        bs58::decode::Error::InvalidCharacter { character, index } => {
            KeyError::AddressBadCharacter {
                character,
                position: index + 1,
            }
        }
        _ => KeyError::AddressBadLength { length: 0 },
    })?;
    let (format, prefix_len) = match data.first() {
        Some(&first @ 0..=63) => (u16::from(first), 1),
        Some(&first @ 64..=127) => {
            let second = *data
                .get(1)
                .ok_or(KeyError::AddressBadLength { length: data.len() })?;
            let lower = (first << 2) | (second >> 6);
            let upper = second & 0b0011_1111;
            (u16::from(lower) | (u16::from(upper) << 8), 2)
        }
        _ => {
            return Err(KeyError::AddressBadLength { length: data.len() });
        }
    };
    if data.len() != prefix_len + ACCOUNT_LEN + CHECKSUM_LEN {
        return Err(KeyError::AddressBadLength { length: data.len() });
    }
    let (payload, sum) = data.split_at(prefix_len + ACCOUNT_LEN);
    if checksum(payload) != sum {
        return Err(KeyError::AddressBadChecksum);
    }
    let mut account = [0u8; ACCOUNT_LEN];
    account.copy_from_slice(&payload[prefix_len..]);
    Ok((format, AccountId(account)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn two_byte_formats_round_trip() {
        let account = AccountId([9u8; 32]);
        for format in [0u16, 42, 63, 64, 255, 1284, 16383] {
            let address = encode(&account, format);
            assert_eq!(decode_any(&address), Ok((format, account)), "{format}");
        }
    }
}
