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
    bs58::encode(payload).into_string()
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
    fn two_byte_formats_round_trip() {
        let account = AccountId([9u8; 32]);
        for format in [0u16, 42, 63, 64, 255, 1284, 16383] {
            let address = encode(&account, format);
            assert_eq!(decode_any(&address), Ok((format, account)), "{format}");
        }
    }
}
