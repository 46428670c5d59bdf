//! btcli keyfiles: the JSON inside (`accountId`, `publicKey`, `privateKey`, `secretPhrase`,
//! `secretSeed`, `ss58Address`, `cryptoType`) and the encryption around it.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::crypto;
use crate::i18n::{tr, tr_with};
use crate::keys::{AccountId, Keypair, SecretSeed};

/// How a keyfile is protected, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// `$NACL`: XSalsa20-Poly1305 secretbox with an Argon2i key. What btcli writes today.
    NaCl,
    /// `$ANSIBLE_VAULT`: Ansible Vault 1.1 AES256 (older btcli). Read only.
    AnsibleVault,
    /// `gAAAAA`: Fernet with a PBKDF2 key (the oldest btcli). Read only.
    Fernet,
    /// Plain JSON, as btcli writes hotkeys and public files.
    None,
}

impl Encryption {
    /// The format of keyfile bytes, or `None` when they are not a keyfile at all.
    pub fn detect(data: &[u8]) -> Option<Encryption> {
        if data.starts_with(crypto::NACL_PREFIX) {
            Some(Encryption::NaCl)
        } else if data.starts_with(crypto::ANSIBLE_PREFIX) {
            Some(Encryption::AnsibleVault)
        } else if data.starts_with(crypto::FERNET_PREFIX) {
            Some(Encryption::Fernet)
        } else if data.trim_ascii_start().starts_with(b"{") {
            Some(Encryption::None)
        } else {
            None
        }
    }

    /// Whether a password is needed to read the file.
    pub fn is_encrypted(self) -> bool {
        self != Encryption::None
    }
}

/// What is wrong inside a damaged keyfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// The file ends too early.
    TooShort,
    /// The JSON does not parse.
    BadJson,
    /// The encrypted body or its padding cannot be decoded.
    BadEncoding,
    /// A field holds a value that is not valid for it (named by its JSON key).
    BadField(&'static str),
    /// The secret key does not belong to the address written beside it.
    AddressMismatch,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Damage::TooShort => tr("error.keyfile.damage.too_short"),
            Damage::BadJson => tr("error.keyfile.damage.bad_json"),
            Damage::BadEncoding => tr("error.keyfile.damage.bad_encoding"),
            Damage::BadField(field) => {
                tr_with("error.keyfile.damage.bad_field", &[("field", field)])
            }
            Damage::AddressMismatch => tr("error.keyfile.damage.address_mismatch"),
        };
        f.write_str(&text)
    }
}

/// Why keyfile bytes could not be read or written. Its text comes from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyfileError {
    /// The bytes are neither JSON nor a known encryption format.
    NotAWallet,
    /// The file looks like a keyfile but is damaged.
    Damaged(Damage),
    /// The password does not open the file (or the ciphertext was altered).
    WrongPassword,
    /// The file is encrypted and no password was given.
    PasswordNeeded,
    /// The file uses an encryption variant Taoscope does not read.
    UnsupportedEncryption,
    /// The file holds an ed25519 key; only sr25519 is supported.
    UnsupportedKeyType,
    /// The password could not be turned into a key (the KDF failed, usually memory).
    KeyDerivation,
    /// The operating system's random number generator failed.
    RandomUnavailable,
}

impl fmt::Display for KeyfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            KeyfileError::NotAWallet => tr("error.keyfile.not_a_wallet"),
            KeyfileError::Damaged(damage) => {
                tr_with("error.keyfile.damaged", &[("reason", damage)])
            }
            KeyfileError::WrongPassword => tr("error.keyfile.wrong_password"),
            KeyfileError::PasswordNeeded => tr("error.keyfile.password_needed"),
            KeyfileError::UnsupportedEncryption => tr("error.keyfile.unsupported_encryption"),
            KeyfileError::UnsupportedKeyType => tr("error.keyfile.unsupported_key_type"),
            KeyfileError::KeyDerivation => tr("error.keyfile.key_derivation"),
            KeyfileError::RandomUnavailable => tr("error.keys.random_unavailable"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for KeyfileError {}

/// What a keyfile holds: a full key pair, or only a public key (`coldkeypub.txt`).
#[derive(Debug, Clone)]
pub enum KeyfileKey {
    /// A key pair that can sign.
    Secret(Box<Keypair>),
    /// An address only.
    Public(AccountId),
}

impl KeyfileKey {
    /// The account, whichever kind it is.
    pub fn account_id(&self) -> AccountId {
        match self {
            KeyfileKey::Secret(pair) => pair.account_id(),
            KeyfileKey::Public(account) => *account,
        }
    }
}

/// The decrypted JSON bytes of a keyfile (a copy for plain files).
///
/// Slow for NaCl files (Argon2i over 512 MiB, seconds) and Fernet files (10 million PBKDF2
/// rounds): call it from a background thread.
pub fn decrypt_keyfile(data: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    match Encryption::detect(data) {
        Some(Encryption::NaCl) => crypto::nacl_decrypt(data, password),
        Some(Encryption::AnsibleVault) => crypto::ansible_decrypt(data, password),
        Some(Encryption::Fernet) => crypto::fernet_decrypt(data, password),
        Some(Encryption::None) => Ok(Zeroizing::new(data.to_vec())),
        None => Err(KeyfileError::NotAWallet),
    }
}

/// Encrypts keyfile JSON exactly as bittensor-wallet does: `$NACL` ‖ random nonce ‖ secretbox.
///
/// Slow (Argon2i over 512 MiB, seconds): call it from a background thread.
pub fn encrypt_keyfile(plaintext: &[u8], password: &str) -> Result<Vec<u8>, KeyfileError> {
    crypto::nacl_encrypt(plaintext, password)
}

/// Reads keyfile bytes of any format. Encrypted files need `password` (slow, see
/// [`decrypt_keyfile`]); plain ones ignore it.
pub fn read_keyfile(data: &[u8], password: Option<&str>) -> Result<KeyfileKey, KeyfileError> {
    match Encryption::detect(data) {
        None => Err(KeyfileError::NotAWallet),
        Some(Encryption::None) => parse_keyfile_json(data),
        Some(_) => {
            let password = password.ok_or(KeyfileError::PasswordNeeded)?;
            let plain = decrypt_keyfile(data, password)?;
            parse_keyfile_json(&plain)
        }
    }
}

/// The keyfile fields, all optional. Secret ones are wiped when dropped.
#[derive(Deserialize, Default)]
struct KeyfileFields {
    #[serde(rename = "accountId", default)]
    account_id: Option<String>,
    #[serde(rename = "publicKey", default)]
    public_key: Option<String>,
    #[serde(rename = "privateKey", default)]
    private_key: Option<String>,
    #[serde(rename = "secretPhrase", default)]
    secret_phrase: Option<String>,
    #[serde(rename = "secretSeed", default)]
    secret_seed: Option<String>,
    #[serde(rename = "ss58Address", default)]
    ss58_address: Option<String>,
    #[serde(rename = "cryptoType", default)]
    crypto_type: Option<serde_json::Value>,
}

impl Drop for KeyfileFields {
    fn drop(&mut self) {
        self.private_key.zeroize();
        self.secret_phrase.zeroize();
        self.secret_seed.zeroize();
    }
}

fn present(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads plaintext keyfile JSON with btwallet's priority: `secretPhrase`, then `secretSeed`,
/// then `privateKey`, then the public `ss58Address` (or `publicKey`/`accountId`).
/// A secret that does not match the address written beside it is refused.
pub fn parse_keyfile_json(json: &[u8]) -> Result<KeyfileKey, KeyfileError> {
    let trimmed = json.trim_ascii();
    if !trimmed.starts_with(b"{") {
        return Err(KeyfileError::NotAWallet);
    }
    let fields: KeyfileFields =
        serde_json::from_slice(trimmed).map_err(|_| KeyfileError::Damaged(Damage::BadJson))?;
    if let Some(kind) = &fields.crypto_type
        && kind.as_u64() != Some(1)
    {
        return Err(if kind.as_u64() == Some(0) {
            KeyfileError::UnsupportedKeyType
        } else {
            KeyfileError::Damaged(Damage::BadField("cryptoType"))
        });
    }
    let declared = declared_account(&fields)?;
    let secret = if let Some(phrase) = present(&fields.secret_phrase) {
        Some(
            Keypair::from_phrase(phrase)
                .map_err(|_| KeyfileError::Damaged(Damage::BadField("secretPhrase")))?,
        )
    } else if let Some(seed) = present(&fields.secret_seed) {
        let seed = SecretSeed::from_hex(seed)
            .map_err(|_| KeyfileError::Damaged(Damage::BadField("secretSeed")))?;
        Some(Keypair::from_seed(&seed))
    } else if let Some(private) = present(&fields.private_key) {
        let digits = private.strip_prefix("0x").unwrap_or(private);
        let mut bytes = Zeroizing::new([0u8; 64]);
        hex::decode_to_slice(digits, bytes.as_mut())
            .map_err(|_| KeyfileError::Damaged(Damage::BadField("privateKey")))?;
        Some(
            Keypair::from_private_key(bytes.as_ref())
                .map_err(|_| KeyfileError::Damaged(Damage::BadField("privateKey")))?,
        )
    } else {
        None
    };
    match (secret, declared) {
        (Some(pair), Some(account)) if pair.account_id() != account => {
            Err(KeyfileError::Damaged(Damage::AddressMismatch))
        }
        (Some(pair), _) => Ok(KeyfileKey::Secret(Box::new(pair))),
        (None, Some(account)) => Ok(KeyfileKey::Public(account)),
        (None, None) => Err(KeyfileError::NotAWallet),
    }
}

/// The account named by the public fields, checked against each other.
fn declared_account(fields: &KeyfileFields) -> Result<Option<AccountId>, KeyfileError> {
    let mut found: Option<AccountId> = None;
    let candidates = [
        ("ss58Address", present(&fields.ss58_address), true),
        ("publicKey", present(&fields.public_key), false),
        ("accountId", present(&fields.account_id), false),
    ];
    for (name, value, is_ss58) in candidates {
        let Some(value) = value else { continue };
        let account = if is_ss58 {
            AccountId::from_ss58(value)
        } else {
            AccountId::from_hex(value)
        }
        .map_err(|_| KeyfileError::Damaged(Damage::BadField(name)))?;
        match found {
            Some(previous) if previous != account => {
                return Err(KeyfileError::Damaged(Damage::AddressMismatch));
            }
            _ => found = Some(account),
        }
    }
    Ok(found)
}

#[derive(Serialize)]
struct SecretJson<'a> {
    #[serde(rename = "accountId")]
    account_id: &'a str,
    #[serde(rename = "publicKey")]
    public_key: &'a str,
    #[serde(rename = "privateKey")]
    private_key: &'a str,
    #[serde(rename = "secretPhrase", skip_serializing_if = "Option::is_none")]
    secret_phrase: Option<&'a str>,
    #[serde(rename = "secretSeed", skip_serializing_if = "Option::is_none")]
    secret_seed: Option<&'a str>,
    #[serde(rename = "ss58Address")]
    ss58_address: &'a str,
    #[serde(rename = "cryptoType")]
    crypto_type: u8,
}

#[derive(Serialize)]
struct PublicJson<'a> {
    #[serde(rename = "accountId")]
    account_id: &'a str,
    #[serde(rename = "publicKey")]
    public_key: &'a str,
    #[serde(rename = "ss58Address")]
    ss58_address: &'a str,
    #[serde(rename = "cryptoType")]
    crypto_type: u8,
}

/// `0x` + hex of secret bytes, in a buffer that is wiped when dropped.
fn secret_hex(bytes: &[u8]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(2 + bytes.len() * 2));
    text.push_str("0x");
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            text.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    text
}

/// The full keyfile JSON of a key pair, as bittensor-wallet 4.1 writes it (compact, one line).
/// The buffer is wiped when dropped.
pub fn keyfile_json(keypair: &Keypair) -> Zeroizing<Vec<u8>> {
    let account = keypair.account_id();
    let public = account.to_hex();
    let address = account.to_ss58();
    let private = secret_hex(keypair.private_key().as_ref());
    let seed = keypair.secret_seed().map(SecretSeed::to_hex);
    let fields = SecretJson {
        account_id: &public,
        public_key: &public,
        private_key: &private,
        secret_phrase: keypair.mnemonic().map(|m| m.phrase()),
        secret_seed: seed.as_ref().map(|s| s.as_str()),
        ss58_address: &address,
        crypto_type: 1,
    };
    // Pre-sized so that serialising never reallocates and leaves stray copies behind.
    let mut out = Zeroizing::new(Vec::with_capacity(4096));
    if serde_json::to_writer(&mut *out, &fields).is_err() {
        out.clear();
    }
    out
}

/// The public keyfile JSON (`coldkeypub.txt`, `<hotkey>pub.txt`).
pub fn public_keyfile_json(account: &AccountId) -> String {
    let public = account.to_hex();
    let address = account.to_ss58();
    let fields = PublicJson {
        account_id: &public,
        public_key: &public,
        ss58_address: &address,
        crypto_type: 1,
    };
    serde_json::to_string(&fields).unwrap_or_default()
}
