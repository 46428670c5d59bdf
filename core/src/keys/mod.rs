//! Keys: BIP-39 recovery phrases, sr25519 key pairs, SS58 addresses and signatures.
//!
//! Derivation matches substrate and bittensor-wallet (`sp_core::sr25519::Pair::from_phrase`,
//! `from_string_with_seed`), so the same phrase gives the same address as btcli.
//! Secrets are wiped from memory when dropped and redacted in `Debug` output.

mod error;
mod keypair;
mod mnemonic;
mod ss58;

pub use error::KeyError;
pub use keypair::{Keypair, SecretSeed, Signature, verify};
pub use mnemonic::{Mnemonic, WordCount};
pub use ss58::{AccountId, SS58_FORMAT, decode_any as ss58_decode_any, encode as ss58_encode};
