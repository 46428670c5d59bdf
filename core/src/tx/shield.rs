//! The MEV shield: a stake move sent encrypted, so nobody watching the transaction pool
//! can see it and trade ahead of it.
//!
//! The protocol is the chain's own `MevShield` pallet (subtensor `pallets/shield`, spec 393):
//! every block the producers publish an ML-KEM-768 encapsulation key, and the one users
//! encrypt to is `MevShield.NextKey`. The client signs the real call (the *inner*
//! extrinsic) with the next nonce but one, encrypts its bytes, and sends the ciphertext in
//! `MevShield.submit_encrypted(ciphertext)` (the *outer* extrinsic) signed with the next
//! nonce. The block producer holding the key decrypts it and puts the inner extrinsic in
//! the block itself. Wire format of the ciphertext:
//!
//! `key_hash(16) || kem_ct_len(u16 LE) || kem_ct || nonce(24) || aead_ct`
//!
//! where `key_hash = twox_128(NextKey)`, `kem_ct` is the ML-KEM-768 encapsulation to that
//! key, and `aead_ct` is XChaCha20-Poly1305 over the inner extrinsic's bytes with the
//! ML-KEM shared secret as key and no associated data. Both extrinsics use an 8-block era,
//! because the key rotates every block and a stale one is never decrypted.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ml_kem::kem::Encapsulate;
use ml_kem::{EncodedSizeUser, KemCore, MlKem768};
use rand_core::{CryptoRngCore, OsRng};
use scale_value::Value;
use subxt::metadata::Metadata;
use subxt::rpcs::rpc_params;

use super::build::{ChainContext, SignWith, SignedTransaction, encode};
use super::call::{Action, CallSpec, has_call};
use super::error::TxError;
use crate::chain::{ChainClient, PinnedBlock};
use crate::keys::{AccountId, Keypair};

/// The pallet that carries shielded transactions.
pub const SHIELD_PALLET: &str = "MevShield";
/// Its call for an encrypted extrinsic.
pub const SHIELD_CALL: &str = "submit_encrypted";
/// The storage item holding the key to encrypt to.
pub const SHIELD_KEY_ITEM: &str = "NextKey";
/// Length of an ML-KEM-768 encapsulation key.
pub const ENCAPSULATION_KEY_LEN: usize = 1184;
/// Era of both shielded extrinsics, in blocks: the chain's `MAX_SHIELD_ERA_PERIOD`, kept
/// short because the key they are encrypted to is good for only a block or two.
pub const SHIELD_PERIOD_BLOCKS: u64 = 8;
/// How many blocks after the outer extrinsic the inner one is looked for.
pub const REVEAL_BLOCKS: u64 = 3;

const KEY_HASH_LEN: usize = 16;
const XNONCE_LEN: usize = 24;
const AEAD_TAG_LEN: usize = 16;
/// An ML-KEM-768 ciphertext.
const KEM_CIPHERTEXT_LEN: usize = 1088;

/// A published shield key (ML-KEM-768 encapsulation key), checked for length.
#[derive(Clone, PartialEq, Eq)]
pub struct ShieldKey(Vec<u8>);

impl std::fmt::Debug for ShieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShieldKey(0x{})", hex::encode(self.key_hash()))
    }
}

impl ShieldKey {
    /// The key from storage bytes; `None` unless it is exactly an ML-KEM-768 key.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<ShieldKey> {
        (bytes.len() == ENCAPSULATION_KEY_LEN).then_some(ShieldKey(bytes))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `twox_128` of the key: how the ciphertext names the key it was made for.
    pub fn key_hash(&self) -> [u8; 16] {
        sp_crypto_hashing::twox_128(&self.0)
    }
}

/// Whether the node's runtime has the shield pallet, its call and its key.
pub fn shield_offered(metadata: &Metadata) -> bool {
    has_call(metadata, SHIELD_PALLET, SHIELD_CALL)
        && metadata
            .pallet_by_name(SHIELD_PALLET)
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name(SHIELD_KEY_ITEM))
            .is_some()
}

fn shield_error(reason: impl std::fmt::Display) -> TxError {
    TxError::Shield(reason.to_string())
}

/// `MevShield.NextKey` at the pinned block: `None` where the runtime has no shield or no
/// key is published (then the transaction goes out unshielded, with a warning).
pub async fn read_shield_key(pinned: &PinnedBlock) -> Result<Option<ShieldKey>, TxError> {
    if !shield_offered(pinned.metadata()) {
        return Ok(None);
    }
    let bytes: Option<Vec<u8>> = pinned
        .storage_value(SHIELD_PALLET, SHIELD_KEY_ITEM, ())
        .await
        .map_err(|e| TxError::Chain(e.to_string()))?;
    Ok(bytes.and_then(ShieldKey::from_bytes))
}

/// `MevShield.NextKey` at the node's best block, read just before signing: the key rotates
/// every block, and the finalized block the quote came from is a few blocks behind.
pub async fn read_fresh_shield_key(
    client: &ChainClient,
    metadata: &Metadata,
) -> Result<Option<ShieldKey>, TxError> {
    if !shield_offered(metadata) {
        return Ok(None);
    }
    let chain = |e: crate::chain::ChainError| TxError::Chain(e.to_string());
    let key = subxt::ext::frame_decode::storage::encode_storage_key(
        SHIELD_PALLET,
        SHIELD_KEY_ITEM,
        (),
        metadata,
        metadata.types(),
    )
    .map_err(shield_error)?;
    let best: Option<String> = client
        .call("chain_getBlockHash", rpc_params![])
        .await
        .map_err(chain)?;
    let raw: Option<String> = client
        .call(
            "state_getStorage",
            rpc_params![format!("0x{}", hex::encode(key)), best],
        )
        .await
        .map_err(chain)?;
    let Some(raw) = raw else {
        return Ok(None);
    };
    let bytes = hex::decode(raw.trim_start_matches("0x")).map_err(shield_error)?;
    // The item is a `BoundedVec<u8, _>`: a SCALE byte vector.
    let value: Vec<u8> =
        parity_scale_codec::Decode::decode(&mut &bytes[..]).map_err(shield_error)?;
    Ok(ShieldKey::from_bytes(value))
}

/// Encrypts `plaintext` (a signed extrinsic) to `key` in the chain's wire format.
pub fn encrypt(
    key: &ShieldKey,
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<u8>, TxError> {
    type EncapsulationKey = <MlKem768 as KemCore>::EncapsulationKey;
    let encoded = ml_kem::Encoded::<EncapsulationKey>::try_from(key.as_bytes())
        .map_err(|_| shield_error("encapsulation key length"))?;
    let encapsulation_key = EncapsulationKey::from_bytes(&encoded);
    let (kem_ct, shared) = encapsulation_key
        .encapsulate(rng)
        .map_err(|()| shield_error("ML-KEM encapsulation"))?;
    let mut nonce = [0u8; XNONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let aead = XChaCha20Poly1305::new_from_slice(shared.as_slice()).map_err(shield_error)?;
    let aead_ct = aead
        .encrypt(XNonce::from_slice(&nonce), plaintext)
        .map_err(shield_error)?;
    let kem_len = u16::try_from(kem_ct.len()).map_err(shield_error)?;
    let mut out = Vec::with_capacity(ciphertext_len(plaintext.len()));
    out.extend_from_slice(&key.key_hash());
    out.extend_from_slice(&kem_len.to_le_bytes());
    out.extend_from_slice(kem_ct.as_slice());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&aead_ct);
    Ok(out)
}

/// How long the ciphertext of a `plaintext_len`-byte extrinsic is.
pub fn ciphertext_len(plaintext_len: usize) -> usize {
    KEY_HASH_LEN + 2 + KEM_CIPHERTEXT_LEN + XNONCE_LEN + plaintext_len + AEAD_TAG_LEN
}

/// The parts of a ciphertext in the wire format, as the chain's parser splits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShieldedParts<'a> {
    /// `twox_128` of the key it was made for.
    pub key_hash: [u8; 16],
    /// The ML-KEM ciphertext.
    pub kem_ct: &'a [u8],
    /// The XChaCha20 nonce.
    pub nonce: [u8; 24],
    /// The AEAD ciphertext with its tag.
    pub aead_ct: &'a [u8],
}

/// Splits a ciphertext into its parts; `None` when it is malformed.
pub fn split_ciphertext(bytes: &[u8]) -> Option<ShieldedParts<'_>> {
    let key_hash: [u8; 16] = bytes.get(..KEY_HASH_LEN)?.try_into().ok()?;
    let len_bytes: [u8; 2] = bytes.get(KEY_HASH_LEN..KEY_HASH_LEN + 2)?.try_into().ok()?;
    let kem_len = usize::from(u16::from_le_bytes(len_bytes));
    let kem_start = KEY_HASH_LEN + 2;
    let kem_ct = bytes.get(kem_start..kem_start + kem_len)?;
    let nonce_start = kem_start + kem_len;
    let nonce: [u8; 24] = bytes
        .get(nonce_start..nonce_start + XNONCE_LEN)?
        .try_into()
        .ok()?;
    let aead_ct = bytes.get(nonce_start + XNONCE_LEN..)?;
    Some(ShieldedParts {
        key_hash,
        kem_ct,
        nonce,
        aead_ct,
    })
}

/// A stake move ready to send shielded: the outer extrinsic goes to the node; the inner
/// one is what the block producer reveals and runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShieldedTransaction {
    /// `MevShield.submit_encrypted`, signed with the next nonce.
    pub outer: SignedTransaction,
    /// The real call, signed with the nonce after that; sent only inside `outer`.
    pub inner: SignedTransaction,
    /// The key it is encrypted to (`twox_128` of it).
    pub key_hash: [u8; 16],
}

/// The outer call carrying `ciphertext`, checked against the node's metadata.
fn outer_call(metadata: &Metadata, ciphertext: Vec<u8>) -> Result<CallSpec, TxError> {
    CallSpec {
        pallet: SHIELD_PALLET,
        call: SHIELD_CALL,
        args: vec![("ciphertext", Value::from_bytes(ciphertext))],
    }
    .checked(metadata)
}

fn next_nonce(context: &ChainContext) -> ChainContext {
    ChainContext {
        nonce: context.nonce.saturating_add(1),
        ..context.clone()
    }
}

/// Signs `action` (nonce + 1), encrypts it to `key`, and wraps it in a signed
/// `MevShield.submit_encrypted` (the context's nonce).
pub fn build_shielded(
    action: &Action,
    context: &ChainContext,
    keypair: &Keypair,
    key: &ShieldKey,
) -> Result<ShieldedTransaction, TxError> {
    build_shielded_with_rng(action, context, keypair, key, &mut OsRng)
}

/// [`build_shielded`] with the randomness given (benchmarks and tests).
pub fn build_shielded_with_rng(
    action: &Action,
    context: &ChainContext,
    keypair: &Keypair,
    key: &ShieldKey,
    rng: &mut impl CryptoRngCore,
) -> Result<ShieldedTransaction, TxError> {
    let spec = action.checked_call(&context.metadata)?;
    let inner = encode(
        &spec,
        &next_nonce(context),
        SignWith::Key(keypair),
        SHIELD_PERIOD_BLOCKS,
    )?;
    let ciphertext = encrypt(key, &inner.bytes, rng)?;
    let outer_spec = outer_call(&context.metadata, ciphertext)?;
    let outer = encode(
        &outer_spec,
        context,
        SignWith::Key(keypair),
        SHIELD_PERIOD_BLOCKS,
    )?;
    Ok(ShieldedTransaction {
        outer,
        inner,
        key_hash: key.key_hash(),
    })
}

/// The outer extrinsic's shape for a fee quote: a ciphertext of the real length (zeros)
/// and an all-zero signature. The shielded send pays this fee in TAO on top of the inner
/// call's own.
pub fn build_shield_for_fee_quote(
    action: &Action,
    context: &ChainContext,
    signer: AccountId,
) -> Result<SignedTransaction, TxError> {
    let spec = action.checked_call(&context.metadata)?;
    let inner = encode(
        &spec,
        &next_nonce(context),
        SignWith::ZeroSignature(signer),
        SHIELD_PERIOD_BLOCKS,
    )?;
    let outer_spec = outer_call(
        &context.metadata,
        vec![0; ciphertext_len(inner.bytes.len())],
    )?;
    encode(
        &outer_spec,
        context,
        SignWith::ZeroSignature(signer),
        SHIELD_PERIOD_BLOCKS,
    )
}

/// A signed transaction as it goes to the node: plain, or shielded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// Sent as it is.
    Plain(SignedTransaction),
    /// Sent encrypted inside `MevShield.submit_encrypted`.
    Shielded(ShieldedTransaction),
}

impl Outgoing {
    /// The extrinsic handed to the node (the wrapper, for a shielded send).
    pub fn sent(&self) -> &SignedTransaction {
        match self {
            Outgoing::Plain(signed) => signed,
            Outgoing::Shielded(shielded) => &shielded.outer,
        }
    }

    /// The extrinsic that does the work (the inner one, for a shielded send).
    pub fn effective(&self) -> &SignedTransaction {
        match self {
            Outgoing::Plain(signed) => signed,
            Outgoing::Shielded(shielded) => &shielded.inner,
        }
    }

    /// Submits once and follows it to the end; see [`super::submit_and_watch`].
    pub async fn submit_and_watch(
        &self,
        client: &ChainClient,
        journal: &super::Journal,
        call: &str,
        era_block: u64,
        on_status: impl FnMut(&super::TxStatus),
    ) -> Result<super::TxStatus, TxError> {
        match self {
            Outgoing::Plain(signed) => {
                super::submit_and_watch(client, journal, signed, call, era_block, on_status).await
            }
            Outgoing::Shielded(shielded) => {
                super::submit_shielded_and_watch(
                    client, journal, shielded, call, era_block, on_status,
                )
                .await
            }
        }
    }
}

/// The key to encrypt to right now, for a transaction the review showed as shielded:
/// `None` for one going out plain. A key that was published at the review but is gone now
/// is an error (the user agreed to a shielded send; nothing is sent unshielded silently).
pub async fn key_for_signing(
    client: &ChainClient,
    prepared: &super::Prepared,
) -> Result<Option<ShieldKey>, TxError> {
    if !prepared.shielded() {
        return Ok(None);
    }
    match read_fresh_shield_key(client, &prepared.context.metadata).await? {
        Some(key) => Ok(Some(key)),
        None => Err(shield_error(crate::i18n::tr("tx.shield.no_key_now"))),
    }
}

/// Signs a prepared transaction: shielded to `key` when one is given, else plain.
pub fn sign_prepared(
    prepared: &super::Prepared,
    keypair: &Keypair,
    key: Option<&ShieldKey>,
) -> Result<Outgoing, TxError> {
    match key {
        Some(key) => build_shielded(&prepared.action, &prepared.context, keypair, key)
            .map(Outgoing::Shielded),
        None => {
            super::build_signed(&prepared.action, &prepared.context, keypair).map(Outgoing::Plain)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_the_wrong_length_are_refused() {
        assert!(ShieldKey::from_bytes(vec![7; ENCAPSULATION_KEY_LEN]).is_some());
        assert!(ShieldKey::from_bytes(vec![7; ENCAPSULATION_KEY_LEN - 1]).is_none());
        assert!(ShieldKey::from_bytes(Vec::new()).is_none());
    }

    #[test]
    fn ciphertexts_split_as_the_chain_reads_them() {
        let (_, ek) = MlKem768::generate(&mut OsRng);
        let key = ShieldKey::from_bytes(ek.as_bytes().to_vec()).expect("key");
        let bytes = encrypt(&key, b"inner extrinsic", &mut OsRng).expect("encrypt");
        assert_eq!(bytes.len(), ciphertext_len(15));
        let parts = split_ciphertext(&bytes).expect("parts");
        assert_eq!(parts.key_hash, key.key_hash());
        assert_eq!(parts.kem_ct.len(), KEM_CIPHERTEXT_LEN);
        assert_eq!(parts.aead_ct.len(), 15 + AEAD_TAG_LEN);
        assert!(split_ciphertext(&bytes[..20]).is_none());
        assert!(split_ciphertext(&[0; 5]).is_none());
    }

    #[test]
    fn key_hash_is_twox_128() {
        // twox_128(b"") from substrate's own test vectors.
        assert_eq!(
            hex::encode(sp_crypto_hashing::twox_128(b"")),
            "99e9d85137db46ef4bbea33613baafd5"
        );
    }
}
