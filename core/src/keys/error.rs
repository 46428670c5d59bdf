//! What can go wrong with a recovery phrase, a key or an address, in plain words.

use std::fmt;

use crate::i18n::{tr, tr_with};

/// A refused recovery phrase, derivation path, seed or address. Its text comes from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The recovery phrase is empty.
    EmptyPhrase,
    /// The phrase does not have 12, 15, 18, 21 or 24 words.
    BadWordCount {
        /// How many words were given.
        count: usize,
    },
    /// A word is not in the BIP-39 English word list.
    UnknownWord {
        /// 1-based position of the word.
        position: usize,
        /// The word as typed.
        word: String,
        /// The list word it most likely stands for, when there is exactly one.
        suggestion: Option<&'static str>,
    },
    /// Every word is known but the phrase's checksum does not match.
    ChecksumMismatch {
        /// 1-based position of the word that is probably wrong, when it can be told.
        position: Option<usize>,
    },
    /// A derivation path (`//hard/soft///password`) that cannot be read.
    InvalidUri,
    /// A secret seed that is not 32 bytes of hex.
    InvalidSeed,
    /// A private key that is not 64 bytes of hex or not a valid sr25519 secret.
    InvalidPrivateKey,
    /// A public key that is not 32 bytes of hex.
    InvalidPublicKey,
    /// An empty address.
    EmptyAddress,
    /// An address with a character outside the base58 alphabet.
    AddressBadCharacter {
        /// The offending character.
        character: char,
        /// 1-based position of that character.
        position: usize,
    },
    /// An address that decodes to the wrong number of bytes.
    AddressBadLength {
        /// The decoded length in bytes.
        length: usize,
    },
    /// An address whose checksum does not match: a typo.
    AddressBadChecksum,
    /// A valid address of another network.
    AddressWrongNetwork {
        /// The SS58 format it carries.
        found: u16,
    },
    /// The operating system's random number generator failed.
    RandomUnavailable,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            KeyError::EmptyPhrase => tr("error.keys.empty_phrase"),
            KeyError::BadWordCount { count } => {
                tr_with("error.keys.bad_word_count", &[("count", count)])
            }
            KeyError::UnknownWord {
                position,
                word,
                suggestion: None,
            } => tr_with(
                "error.keys.unknown_word",
                &[("position", position), ("word", word)],
            ),
            KeyError::UnknownWord {
                position,
                word,
                suggestion: Some(suggestion),
            } => tr_with(
                "error.keys.unknown_word_suggest",
                &[
                    ("position", position),
                    ("word", word),
                    ("suggestion", suggestion),
                ],
            ),
            KeyError::ChecksumMismatch {
                position: Some(position),
            } => tr_with("error.keys.checksum_at", &[("position", position)]),
            KeyError::ChecksumMismatch { position: None } => tr("error.keys.checksum"),
            KeyError::InvalidUri => tr("error.keys.invalid_uri"),
            KeyError::InvalidSeed => tr("error.keys.invalid_seed"),
            KeyError::InvalidPrivateKey => tr("error.keys.invalid_private_key"),
            KeyError::InvalidPublicKey => tr("error.keys.invalid_public_key"),
            KeyError::EmptyAddress => tr("error.keys.empty_address"),
            KeyError::AddressBadCharacter {
                character,
                position,
            } => tr_with(
                "error.keys.address_bad_character",
                &[("character", character), ("position", position)],
            ),
            KeyError::AddressBadLength { length } => {
                tr_with("error.keys.address_bad_length", &[("length", length)])
            }
            KeyError::AddressBadChecksum => tr("error.keys.address_bad_checksum"),
            KeyError::AddressWrongNetwork { found } => {
                tr_with("error.keys.address_wrong_network", &[("found", found)])
            }
            KeyError::RandomUnavailable => tr("error.keys.random_unavailable"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for KeyError {}
