//! The keyfile encryption formats bittensor has used, newest first: NaCl secretbox with an
//! Argon2i key (read and written), Ansible Vault 1.1 and Fernet (read only).

use aes::cipher::{BlockDecryptMut, KeyIvInit, StreamCipher, block_padding::Pkcs7};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Nonce, XSalsa20Poly1305};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::keyfile::{Damage, KeyfileError};

/// Prefix of NaCl-encrypted keyfiles.
pub(crate) const NACL_PREFIX: &[u8] = b"$NACL";
/// Prefix of Ansible Vault keyfiles.
pub(crate) const ANSIBLE_PREFIX: &[u8] = b"$ANSIBLE_VAULT";
/// Prefix of Fernet keyfiles (base64 of the version byte 0x80 and a zero timestamp start).
pub(crate) const FERNET_PREFIX: &[u8] = b"gAAAAA";

/// libsodium's `crypto_pwhash_argon2i` salt that bittensor fixed for every keyfile.
const NACL_SALT: [u8; 16] = [
    0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
];
/// `OPSLIMIT_SENSITIVE`: Argon2i passes.
const NACL_T_COST: u32 = 8;
/// `MEMLIMIT_SENSITIVE` (536,870,912 bytes) in KiB.
const NACL_M_COST_KIB: u32 = 524_288;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

const FERNET_SALT: &[u8] = b"Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins";
const FERNET_ITERATIONS: u32 = 10_000_000;
const ANSIBLE_ITERATIONS: u32 = 10_000;

/// Memory the NaCl key derivation needs, in bytes (512 MiB).
pub const NACL_KDF_MEMORY_BYTES: u64 = 536_870_912;

/// The secretbox key for `password`: Argon2i v1.3, 8 passes over 512 MiB. Slow on purpose
/// (seconds); call it off the UI thread.
fn nacl_key(password: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeyfileError> {
    let params = Params::new(NACL_M_COST_KIB, NACL_T_COST, 1, Some(32))
        .map_err(|_| KeyfileError::KeyDerivation)?;
    let argon = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, &NACL_SALT, key.as_mut())
        .map_err(|_| KeyfileError::KeyDerivation)?;
    Ok(key)
}

/// Encrypts like bittensor-wallet: `$NACL` ‖ random 24-byte nonce ‖ secretbox(plaintext).
/// Slow (the Argon2i KDF uses 512 MiB and takes seconds).
pub(crate) fn nacl_encrypt(plaintext: &[u8], password: &str) -> Result<Vec<u8>, KeyfileError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| KeyfileError::RandomUnavailable)?;
    let key = nacl_key(password.as_bytes())?;
    let cipher = XSalsa20Poly1305::new(crypto_secretbox::Key::from_slice(key.as_slice()));
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plaintext)
        .map_err(|_| KeyfileError::KeyDerivation)?;
    let mut out = Vec::with_capacity(NACL_PREFIX.len() + NONCE_LEN + sealed.len());
    out.extend_from_slice(NACL_PREFIX);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a `$NACL` keyfile. Slow (Argon2i, 512 MiB).
pub(crate) fn nacl_decrypt(
    data: &[u8],
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    let body = data
        .strip_prefix(NACL_PREFIX)
        .ok_or(KeyfileError::NotAWallet)?;
    let (nonce, sealed) = body
        .split_at_checked(NONCE_LEN)
        .ok_or(KeyfileError::Damaged(Damage::TooShort))?;
    if sealed.len() < TAG_LEN {
        return Err(KeyfileError::Damaged(Damage::TooShort));
    }
    let key = nacl_key(password.as_bytes())?;
    let cipher = XSalsa20Poly1305::new(crypto_secretbox::Key::from_slice(key.as_slice()));
    cipher
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map(Zeroizing::new)
        .map_err(|_| KeyfileError::WrongPassword)
}

/// Opens an Ansible Vault 1.1/1.2 AES256 keyfile (PBKDF2-SHA256 10,000 iterations,
/// AES-256-CTR, HMAC-SHA256 over the ciphertext, PKCS#7 padding).
pub(crate) fn ansible_decrypt(
    data: &[u8],
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    let text = std::str::from_utf8(data).map_err(|_| KeyfileError::NotAWallet)?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().trim();
    let mut fields = header.split(';');
    if fields.next() != Some("$ANSIBLE_VAULT") {
        return Err(KeyfileError::NotAWallet);
    }
    match fields.next() {
        Some("1.1" | "1.2") => {}
        _ => return Err(KeyfileError::UnsupportedEncryption),
    }
    if fields.next().map(str::trim) != Some("AES256") {
        return Err(KeyfileError::UnsupportedEncryption);
    }
    let body: String = lines.flat_map(|l| l.trim().chars()).collect();
    let inner = hex::decode(body).map_err(|_| KeyfileError::Damaged(Damage::BadEncoding))?;
    let inner = String::from_utf8(inner).map_err(|_| KeyfileError::Damaged(Damage::BadEncoding))?;
    let mut parts = inner.split('\n');
    let decode_part = |part: Option<&str>| {
        hex::decode(part.unwrap_or_default().trim())
            .map_err(|_| KeyfileError::Damaged(Damage::BadEncoding))
    };
    let salt = decode_part(parts.next())?;
    let tag = decode_part(parts.next())?;
    let mut buffer = Zeroizing::new(decode_part(parts.next())?);
    if salt.is_empty() || buffer.is_empty() {
        return Err(KeyfileError::Damaged(Damage::TooShort));
    }
    ansible_open(
        password.as_bytes(),
        &salt,
        &tag,
        &mut buffer,
        ANSIBLE_ITERATIONS,
    )?;
    Ok(buffer)
}

/// Checks the tag and decrypts `buffer` in place, leaving the unpadded plaintext.
fn ansible_open(
    password: &[u8],
    salt: &[u8],
    tag: &[u8],
    buffer: &mut Vec<u8>,
    iterations: u32,
) -> Result<(), KeyfileError> {
    let mut derived = Zeroizing::new([0u8; 80]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, derived.as_mut());
    let (cipher_key, rest) = derived.split_at(32);
    let (mac_key, iv) = rest.split_at(32);
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(mac_key).map_err(|_| KeyfileError::KeyDerivation)?;
    mac.update(buffer);
    mac.verify_slice(tag)
        .map_err(|_| KeyfileError::WrongPassword)?;
    let mut ctr = ctr::Ctr128BE::<aes::Aes256>::new_from_slices(cipher_key, iv)
        .map_err(|_| KeyfileError::KeyDerivation)?;
    ctr.apply_keystream(buffer);
    let pad = usize::from(
        *buffer
            .last()
            .ok_or(KeyfileError::Damaged(Damage::TooShort))?,
    );
    let keep = buffer
        .len()
        .checked_sub(pad)
        .filter(|_| (1..=16).contains(&pad))
        .ok_or(KeyfileError::Damaged(Damage::BadEncoding))?;
    if buffer
        .get(keep..)
        .is_none_or(|p| p.iter().any(|&b| usize::from(b) != pad))
    {
        return Err(KeyfileError::Damaged(Damage::BadEncoding));
    }
    // Wipe the padding bytes before dropping them (truncate does not).
    for byte in buffer.iter_mut().skip(keep) {
        *byte = 0;
    }
    buffer.truncate(keep);
    Ok(())
}

/// Opens a Fernet keyfile: key = PBKDF2-HMAC-SHA256(password, bittensor's salt, 10,000,000).
/// Slow (seconds).
pub(crate) fn fernet_decrypt(
    data: &[u8],
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    fernet_decrypt_with_iterations(data, password, FERNET_ITERATIONS)
}

/// [`fernet_decrypt`] with a chosen PBKDF2 iteration count (tests use a few).
pub(crate) fn fernet_decrypt_with_iterations(
    data: &[u8],
    password: &str,
    iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), FERNET_SALT, iterations, key.as_mut());
    fernet_open(data, &key)
}

/// Verifies and decrypts a Fernet token with its 32-byte key (signing ‖ encryption halves).
/// The token's timestamp is not checked: keyfiles do not expire.
fn fernet_open(token: &[u8], key: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    let text = std::str::from_utf8(token).map_err(|_| KeyfileError::NotAWallet)?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let raw = engine
        .decode(text.trim())
        .map_err(|_| KeyfileError::Damaged(Damage::BadEncoding))?;
    // version (1) ‖ timestamp (8) ‖ IV (16) ‖ ciphertext (n·16) ‖ HMAC (32)
    if raw.len() < 1 + 8 + 16 + 16 + 32 || (raw.len() - 57) % 16 != 0 {
        return Err(KeyfileError::Damaged(Damage::TooShort));
    }
    if raw.first() != Some(&0x80) {
        return Err(KeyfileError::Damaged(Damage::BadEncoding));
    }
    let (signed, tag) = raw.split_at(raw.len() - 32);
    let (signing_key, encryption_key) = key.split_at(16);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_key)
        .map_err(|_| KeyfileError::KeyDerivation)?;
    mac.update(signed);
    mac.verify_slice(tag)
        .map_err(|_| KeyfileError::WrongPassword)?;
    let (iv, ciphertext) = signed
        .get(9..)
        .and_then(|rest| rest.split_at_checked(16))
        .ok_or(KeyfileError::Damaged(Damage::TooShort))?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let plain_len = cbc::Decryptor::<aes::Aes128>::new_from_slices(encryption_key, iv)
        .map_err(|_| KeyfileError::KeyDerivation)?
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .map_err(|_| KeyfileError::Damaged(Damage::BadEncoding))?
        .len();
    let mut plain = Zeroizing::new(Vec::with_capacity(plain_len));
    plain.extend_from_slice(buffer.get(..plain_len).unwrap_or_default());
    Ok(plain)
}

#[cfg(test)]
mod tests {
    //! The Ansible and Fernet readers are checked against the formats' own published vectors and
    //! against inputs built here with the primitive crates, independently of the readers.

    use aes::cipher::{BlockEncryptMut, block_padding::Pkcs7};
    use base64::Engine as _;

    use super::*;

    /// Ansible's own unit-test vault (`test_encrypt_decrypt_aes256_existing_vault`).
    const ANSIBLE_VECTOR: &str = "$ANSIBLE_VAULT;1.1;AES256
33363965326261303234626463623963633531343539616138316433353830356566396130353436
3562643163366231316662386565383735653432386435610a306664636137376132643732393835
63383038383730306639353234326630666539346233376330303938323639306661313032396437
6233623062366136310a633866373936313238333730653739323461656662303864663666653563
3138";

    #[test]
    fn ansible_reference_vector_decrypts() {
        let plain =
            ansible_decrypt(ANSIBLE_VECTOR.as_bytes(), "test-vault-password").expect("decrypts");
        assert_eq!(plain.as_slice(), b"Setec Astronomy");
        assert_eq!(
            ansible_decrypt(ANSIBLE_VECTOR.as_bytes(), "wrong").unwrap_err(),
            KeyfileError::WrongPassword
        );
    }

    /// Builds an Ansible Vault 1.1 text the way Ansible does, with the primitives only.
    fn ansible_encrypt(plaintext: &[u8], password: &str, salt: [u8; 32]) -> String {
        let mut derived = [0u8; 80];
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, 10_000, &mut derived);
        let pad = 16 - plaintext.len() % 16;
        let mut buffer = plaintext.to_vec();
        buffer.extend(std::iter::repeat_n(pad as u8, pad));
        let mut ctr = ctr::Ctr128BE::<aes::Aes256>::new_from_slices(&derived[..32], &derived[64..])
            .expect("sizes");
        ctr.apply_keystream(&mut buffer);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&derived[32..64]).expect("key");
        mac.update(&buffer);
        let tag = mac.finalize().into_bytes();
        let inner = format!(
            "{}\n{}\n{}",
            hex::encode(salt),
            hex::encode(tag),
            hex::encode(&buffer)
        );
        let outer = hex::encode(inner);
        let mut text = String::from("$ANSIBLE_VAULT;1.1;AES256");
        for chunk in outer.as_bytes().chunks(80) {
            text.push('\n');
            text.push_str(std::str::from_utf8(chunk).expect("hex"));
        }
        text
    }

    #[test]
    fn ansible_keyfile_built_here_decrypts() {
        let json = br#"{"secretPhrase":"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"}"#;
        let vault = ansible_encrypt(json, "hunter22", [7u8; 32]);
        assert_eq!(
            ansible_decrypt(vault.as_bytes(), "hunter22")
                .expect("decrypts")
                .as_slice(),
            json
        );
        assert_eq!(
            ansible_decrypt(vault.as_bytes(), "hunter23").unwrap_err(),
            KeyfileError::WrongPassword
        );
        let cut = &vault[..vault.len() - 40];
        assert!(ansible_decrypt(cut.as_bytes(), "hunter22").is_err());
    }

    /// The Fernet specification's `generate.json` / `verify.json` vector.
    #[test]
    fn fernet_reference_vector_decrypts() {
        let key: [u8; 32] = base64::engine::general_purpose::URL_SAFE
            .decode("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")
            .expect("key")
            .try_into()
            .expect("32 bytes");
        let token = b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
        assert_eq!(
            fernet_open(token, &key).expect("decrypts").as_slice(),
            b"hello"
        );
        let mut other = key;
        other[0] ^= 1;
        assert_eq!(
            fernet_open(token, &other).unwrap_err(),
            KeyfileError::WrongPassword
        );
    }

    /// Builds a bittensor legacy keyfile with the primitives: PBKDF2 key, then a Fernet token.
    fn fernet_encrypt(plaintext: &[u8], password: &str, iterations: u32) -> String {
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), FERNET_SALT, iterations, &mut key);
        let iv = [3u8; 16];
        let mut buffer = plaintext.to_vec();
        buffer.resize(plaintext.len() + 16, 0);
        let ciphertext = cbc::Encryptor::<aes::Aes128>::new_from_slices(&key[16..], &iv)
            .expect("sizes")
            .encrypt_padded_mut::<Pkcs7>(&mut buffer, plaintext.len())
            .expect("room for padding")
            .to_vec();
        let mut token = vec![0x80];
        token.extend_from_slice(&1_700_000_000u64.to_be_bytes());
        token.extend_from_slice(&iv);
        token.extend_from_slice(&ciphertext);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key[..16]).expect("key");
        mac.update(&token);
        token.extend_from_slice(&mac.finalize().into_bytes());
        base64::engine::general_purpose::URL_SAFE.encode(token)
    }

    #[test]
    fn fernet_keyfile_built_here_decrypts() {
        let json = br#"{"ss58Address":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}"#;
        let token = fernet_encrypt(json, "pässword", 1000);
        assert!(token.starts_with("gAAAAA"));
        assert_eq!(
            fernet_decrypt_with_iterations(token.as_bytes(), "pässword", 1000)
                .expect("decrypts")
                .as_slice(),
            json
        );
        assert_eq!(
            fernet_decrypt_with_iterations(token.as_bytes(), "password", 1000).unwrap_err(),
            KeyfileError::WrongPassword
        );
        assert!(fernet_decrypt_with_iterations(b"gAAAAA!!", "x", 1).is_err());
    }

    /// Made by Python `cryptography`'s Fernet with base64url(PBKDF2-HMAC-SHA256("fernet pw",
    /// bittensor's salt, 1000 rounds)) as the key: bittensor's old scheme with fewer rounds.
    #[test]
    fn fernet_token_from_python_cryptography_decrypts() {
        let token = "gAAAAABrBwOQT1BvxmQhxUipAChTvNQiVIYHGE6HHwJhWGusg4hiBBvkzuePH7vXFvEQEkqw4Z4ExBweAwb8_hDC6QcKOBLJDdFA0CWJudF0k3dOX3-DEBrL0o8Rfh9cnd850dn0j3vHl3kCWLPZ8FGvDQV-AfFPmKuc1d658tzTEw0MZ-ZVziJ7Mjg9Jjwt6bH4XuaEIobFFgS2fkO8YNg_uR0YuJSVt3v7LyyDzZ-pyawzF_IQgdM9RvntZgQk7TbCYcprGoMPRdorATJpjlX3lPu0MNpHqA==";
        let plain =
            fernet_decrypt_with_iterations(token.as_bytes(), "fernet pw", 1000).expect("decrypts");
        assert!(
            plain.starts_with(
                br#"{"ss58Address":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY""#
            )
        );
    }

    #[test]
    fn garbage_after_a_prefix_is_refused_without_a_panic() {
        assert_eq!(
            nacl_decrypt(b"$NACLshort", "x").unwrap_err(),
            KeyfileError::Damaged(Damage::TooShort)
        );
        assert!(ansible_decrypt(b"$ANSIBLE_VAULT;1.1;AES256\nzz", "x").is_err());
        assert!(ansible_decrypt(b"$ANSIBLE_VAULT;9.9;AES256\n00", "x").is_err());
        assert!(fernet_open(b"gAAAAAAA", &[0u8; 32]).is_err());
    }
}
