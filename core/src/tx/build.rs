//! Building and signing an extrinsic offline: everything the node would tell us (metadata,
//! genesis, spec and transaction versions, a recent block for the mortal era, the nonce)
//! comes in as a [`ChainContext`], so the same code signs for the live chain and in tests.

use std::sync::Arc;

use subxt::client::OfflineClient;
use subxt::config::DefaultExtrinsicParamsBuilder;
use subxt::config::substrate::{SpecVersionForRange, SubstrateConfig};
use subxt::metadata::{ArcMetadata, Metadata};
use subxt::transactions::Signer;
use subxt::utils::{AccountId32, H256, MultiSignature};

use super::TxError;
use super::call::{Action, CallSpec};
use crate::keys::{AccountId, Keypair};

/// How many blocks a transaction stays valid for (about 13 minutes): long enough for a
/// slow node, short enough that a stuck transaction expires instead of landing hours later.
pub const MORTAL_PERIOD_BLOCKS: u64 = 64;

/// What the node says that a signature commits to.
#[derive(Debug, Clone)]
pub struct ChainContext {
    /// The runtime metadata the node serves.
    pub metadata: ArcMetadata,
    /// Genesis block hash.
    pub genesis_hash: [u8; 32],
    /// Runtime spec version.
    pub spec_version: u32,
    /// Runtime transaction version.
    pub transaction_version: u32,
    /// The block the mortal era starts from: number and hash.
    pub era_block_number: u64,
    /// Hash of `era_block_number`.
    pub era_block_hash: [u8; 32],
    /// The signer's next nonce (`AccountNonceApi_account_nonce`).
    pub nonce: u64,
}

impl ChainContext {
    /// Decodes SCALE metadata bytes (as `state_getMetadata` or a `.scale` file hold them).
    pub fn decode_metadata(bytes: &[u8]) -> Result<ArcMetadata, TxError> {
        Metadata::decode_from(bytes)
            .map(Arc::new)
            .map_err(|e| TxError::Metadata(e.to_string()))
    }
}

/// A signed extrinsic, ready to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The SCALE-encoded extrinsic.
    pub bytes: Vec<u8>,
    /// Its hash (blake2-256 of `bytes`): how the node and the journal name it.
    pub hash: [u8; 32],
    /// The signer.
    pub signer: AccountId,
    /// The nonce it uses.
    pub nonce: u64,
}

impl SignedTransaction {
    /// The bytes as `0x`-hex, as `author_submitExtrinsic` takes them.
    pub fn hex(&self) -> String {
        format!("0x{}", hex::encode(&self.bytes))
    }

    /// The hash as `0x`-hex.
    pub fn hash_hex(&self) -> String {
        format!("0x{}", hex::encode(self.hash))
    }
}

/// Signs with one of the user's sr25519 keys.
struct KeypairSigner<'a>(&'a Keypair);

impl Signer<SubstrateConfig> for KeypairSigner<'_> {
    fn account_id(&self) -> AccountId32 {
        AccountId32(*self.0.account_id().as_bytes())
    }

    fn sign(&self, signer_payload: &[u8]) -> MultiSignature {
        MultiSignature::Sr25519(self.0.sign(signer_payload).0)
    }
}

/// Blake2-256, the hash Bittensor names extrinsics and blocks by.
pub fn blake2_256(bytes: &[u8]) -> [u8; 32] {
    use blake2::Digest;
    blake2::Blake2b::<blake2::digest::consts::U32>::digest(bytes).into()
}

/// Who signs: a real key, or nobody (an all-zero signature for fee quotes).
pub(super) enum SignWith<'a> {
    Key(&'a Keypair),
    ZeroSignature(AccountId),
}

/// Builds `action` against the node's metadata and signs it with `keypair`.
pub fn build_signed(
    action: &Action,
    context: &ChainContext,
    keypair: &Keypair,
) -> Result<SignedTransaction, TxError> {
    let spec = action.checked_call(&context.metadata)?;
    encode(&spec, context, SignWith::Key(keypair), MORTAL_PERIOD_BLOCKS)
}

/// Builds `action` for `signer` with an all-zero signature: the same length and call as
/// the real one, so the node can quote its fee before the user unlocks a key. The node
/// would reject it if it were ever submitted, which it never is.
pub fn build_for_fee_quote(
    action: &Action,
    context: &ChainContext,
    signer: AccountId,
) -> Result<SignedTransaction, TxError> {
    let spec = action.checked_call(&context.metadata)?;
    encode(
        &spec,
        context,
        SignWith::ZeroSignature(signer),
        MORTAL_PERIOD_BLOCKS,
    )
}

/// Encodes and signs `spec` with a mortal era of `period` blocks from the context's era
/// block (the MEV shield asks for a shorter one than ordinary transactions).
pub(super) fn encode(
    spec: &CallSpec,
    context: &ChainContext,
    sign_with: SignWith<'_>,
    period: u64,
) -> Result<SignedTransaction, TxError> {
    let config = SubstrateConfig::builder()
        .set_genesis_hash(H256(context.genesis_hash))
        .set_metadata_for_spec_versions([(context.spec_version, context.metadata.clone())])
        .set_spec_version_for_block_ranges([SpecVersionForRange {
            block_range: 0..u64::MAX,
            spec_version: context.spec_version,
            transaction_version: context.transaction_version,
        }])
        .build();
    let client = OfflineClient::new_with_config(config);
    let at = client
        .at_block(context.era_block_number)
        .map_err(|e| TxError::Encode(e.to_string()))?;
    let payload = subxt::transactions::dynamic(spec.pallet, spec.call, spec.composite());
    let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
        .nonce(context.nonce)
        .mortal_from_unchecked(
            period,
            context.era_block_number,
            H256(context.era_block_hash),
        )
        .build();
    let mut signable = at
        .tx()
        .create_v4_signable_offline(&payload, params)
        .map_err(|e| TxError::Encode(e.to_string()))?;
    let (signer, signed) = match sign_with {
        SignWith::Key(keypair) => (keypair.account_id(), signable.sign(&KeypairSigner(keypair))),
        SignWith::ZeroSignature(signer) => (
            signer,
            signable.sign_with_account_and_signature(
                &AccountId32(*signer.as_bytes()),
                &MultiSignature::Sr25519([0; 64]),
            ),
        ),
    };
    let bytes = signed
        .map_err(|e| TxError::Encode(e.to_string()))?
        .into_encoded();
    Ok(SignedTransaction {
        hash: blake2_256(&bytes),
        bytes,
        signer,
        nonce: context.nonce,
    })
}
