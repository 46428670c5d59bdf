//! sr25519 key pairs derived exactly like substrate and bittensor-wallet: the mini-secret is
//! PBKDF2-SHA512(entropy, "mnemonic", 2048) (substrate-bip39, not BIP-32), expanded in
//! ed25519 mode; derivation URIs follow `Pair::from_string_with_seed`.

use std::fmt;

use sp_core::Pair as _;
use sp_core::crypto::SecretStringError;
use sp_core::sr25519;
use zeroize::{Zeroize, Zeroizing};

use super::{AccountId, KeyError, Mnemonic, WordCount};

/// A 32-byte sr25519 mini-secret ("secretSeed" in keyfiles). Wiped when dropped, never shown.
#[derive(Clone)]
pub struct SecretSeed(Zeroizing<[u8; 32]>);

impl SecretSeed {
    /// Wraps raw seed bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> SecretSeed {
        SecretSeed(Zeroizing::new(bytes))
    }

    /// Parses `0x`-prefixed (or bare) hex of 32 bytes.
    pub fn from_hex(text: &str) -> Result<SecretSeed, KeyError> {
        let digits = text.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(digits, bytes.as_mut()).map_err(|_| KeyError::InvalidSeed)?;
        Ok(SecretSeed(bytes))
    }

    /// The raw seed.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `0x` followed by 64 hex digits, as in keyfiles.
    pub fn to_hex(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(66));
        text.push_str("0x");
        let mut digits = Zeroizing::new([0u8; 64]);
        if hex::encode_to_slice(&self.0[..], &mut digits[..]).is_ok() {
            text.extend(digits.iter().map(|&d| char::from(d)));
        }
        text
    }
}

impl fmt::Debug for SecretSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretSeed(<redacted>)")
    }
}

impl PartialEq for SecretSeed {
    fn eq(&self, other: &SecretSeed) -> bool {
        self.0[..] == other.0[..]
    }
}

impl Eq for SecretSeed {}

/// A 64-byte sr25519 signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(0x{})", hex::encode(self.0))
    }
}

/// An sr25519 key pair with what it was made from (phrase, seed) when known.
/// The secret parts are wiped when dropped and never appear in `Debug`.
#[derive(Clone)]
pub struct Keypair {
    pair: sr25519::Pair,
    mnemonic: Option<Mnemonic>,
    seed: Option<SecretSeed>,
}

impl Keypair {
    /// A new key pair with a fresh random recovery phrase of `count` words.
    pub fn generate(count: WordCount) -> Result<Keypair, KeyError> {
        Keypair::from_mnemonic(&Mnemonic::generate(count)?)
    }

    /// The key pair of a recovery phrase, as btcli derives it (no derivation path).
    pub fn from_mnemonic(mnemonic: &Mnemonic) -> Result<Keypair, KeyError> {
        let (pair, mut seed) = sr25519::Pair::from_phrase(mnemonic.phrase(), None)
            .map_err(|_| KeyError::ChecksumMismatch { position: None })?;
        let secret = SecretSeed::from_bytes(seed);
        seed.zeroize();
        Ok(Keypair {
            pair,
            mnemonic: Some(mnemonic.clone()),
            seed: Some(secret),
        })
    }

    /// Parses and checks a typed phrase, then derives its key pair.
    pub fn from_phrase(phrase: &str) -> Result<Keypair, KeyError> {
        Keypair::from_mnemonic(&Mnemonic::parse(phrase)?)
    }

    /// The key pair of a secret URI: `phrase`, `phrase//hard/soft`, `phrase///password`,
    /// `0x<seed>//path`, or a dev account such as `//Alice` or `//Alice//stash`.
    pub fn from_uri(uri: &str) -> Result<Keypair, KeyError> {
        let uri = uri.trim();
        let split = uri.find('/').unwrap_or(uri.len());
        let (head, path) = uri.split_at(split);
        let mut mnemonic = None;
        let normalized: Zeroizing<String> = if head.trim().is_empty() {
            Zeroizing::new(uri.to_owned())
        } else if head.trim().starts_with("0x") {
            SecretSeed::from_hex(head)?;
            Zeroizing::new(format!("{}{}", head.trim(), path))
        } else {
            let parsed = Mnemonic::parse(head)?;
            let text = Zeroizing::new(format!("{}{}", parsed.phrase(), path));
            if path.is_empty() {
                mnemonic = Some(parsed);
            }
            text
        };
        let (pair, seed) =
            sr25519::Pair::from_string_with_seed(&normalized, None).map_err(|e| match e {
                SecretStringError::InvalidSeed | SecretStringError::InvalidSeedLength => {
                    KeyError::InvalidSeed
                }
                _ => KeyError::InvalidUri,
            })?;
        let seed = seed.map(|mut s| {
            let secret = SecretSeed::from_bytes(s);
            s.zeroize();
            secret
        });
        Ok(Keypair {
            pair,
            mnemonic,
            seed,
        })
    }

    /// The key pair of a 32-byte mini-secret.
    pub fn from_seed(seed: &SecretSeed) -> Keypair {
        Keypair {
            pair: sr25519::Pair::from_seed(seed.as_bytes()),
            mnemonic: None,
            seed: Some(seed.clone()),
        }
    }

    /// The key pair of a 64-byte sr25519 secret (key ‖ nonce), the keyfile's `privateKey`.
    pub fn from_private_key(bytes: &[u8]) -> Result<Keypair, KeyError> {
        if bytes.len() != 64 {
            return Err(KeyError::InvalidPrivateKey);
        }
        let pair =
            sr25519::Pair::from_seed_slice(bytes).map_err(|_| KeyError::InvalidPrivateKey)?;
        Ok(Keypair {
            pair,
            mnemonic: None,
            seed: None,
        })
    }

    /// The account (public key).
    pub fn account_id(&self) -> AccountId {
        AccountId::from_bytes(self.pair.public().0)
    }

    /// The Bittensor SS58 address.
    pub fn ss58_address(&self) -> String {
        self.account_id().to_ss58()
    }

    /// The recovery phrase, when the pair was made from one without a derivation path.
    pub fn mnemonic(&self) -> Option<&Mnemonic> {
        self.mnemonic.as_ref()
    }

    /// The mini-secret, when known (not after a soft derivation or from a private key alone).
    pub fn secret_seed(&self) -> Option<&SecretSeed> {
        self.seed.as_ref()
    }

    /// The 64-byte sr25519 secret (key ‖ nonce), the keyfile's `privateKey`.
    pub fn private_key(&self) -> Zeroizing<[u8; 64]> {
        let raw = Zeroizing::new(self.pair.to_raw_vec());
        let mut out = Zeroizing::new([0u8; 64]);
        if let Some(bytes) = raw.get(..64) {
            out.copy_from_slice(bytes);
        }
        out
    }

    /// Signs `message` (schnorrkel "substrate" context), as extrinsics are signed.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.pair.sign(message).0)
    }

    /// The underlying sp-core pair, for building signed extrinsics.
    pub fn as_sr25519(&self) -> &sr25519::Pair {
        &self.pair
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keypair")
            .field("address", &self.ss58_address())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Whether `signature` is `account`'s signature of `message`.
pub fn verify(signature: &Signature, message: &[u8], account: &AccountId) -> bool {
    let signature = sr25519::Signature::from_raw(signature.0);
    let public = sr25519::Public::from_raw(*account.as_bytes());
    sr25519::Pair::verify(&signature, message, &public)
}
