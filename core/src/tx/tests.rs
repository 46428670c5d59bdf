//! Offline construction checked independently: each call is built and signed against the
//! spec-393 finney metadata, then read back with `frame-decode` over `frame-metadata`'s own
//! decoding of the same file (not subxt's), and the sr25519 signature is verified over a
//! signing payload rebuilt here from the metadata's list of transaction extensions.

use std::path::PathBuf;

use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use parity_scale_codec::Decode;
use scale_info::{PortableRegistry, TypeDef};
use scale_value::{Composite, Value, ValueDef};

use super::*;
use crate::explorer::{Alpha, Rao};
use crate::keys::{AccountId, Keypair, verify};

const SPEC_VERSION: u32 = 393;
const TRANSACTION_VERSION: u32 = 1;
const NONCE: u64 = 141;
const ERA_BLOCK: u64 = 6_852_690;
const ERA_HASH: [u8; 32] = [0xab; 32];

pub(crate) fn spec393_metadata_bytes() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn genesis() -> [u8; 32] {
    let hex = crate::network::FINNEY_GENESIS_HASH.trim_start_matches("0x");
    let bytes = hex::decode(hex).expect("genesis hex");
    bytes.try_into().expect("32 bytes")
}

pub(crate) fn context() -> ChainContext {
    ChainContext {
        metadata: ChainContext::decode_metadata(&spec393_metadata_bytes()).expect("metadata"),
        genesis_hash: genesis(),
        spec_version: SPEC_VERSION,
        transaction_version: TRANSACTION_VERSION,
        era_block_number: ERA_BLOCK,
        era_block_hash: ERA_HASH,
        nonce: NONCE,
    }
}

fn alice() -> Keypair {
    Keypair::from_uri("//Alice").expect("alice")
}

fn account(uri: &str) -> AccountId {
    Keypair::from_uri(uri).expect("key").account_id()
}

/// The independent reader's view of the metadata: frame-metadata's own decode.
struct Reference {
    metadata: frame_metadata::v16::RuntimeMetadataV16,
}

impl Reference {
    fn load() -> Reference {
        let prefixed = RuntimeMetadataPrefixed::decode(&mut &spec393_metadata_bytes()[..])
            .expect("prefixed metadata");
        let RuntimeMetadata::V16(metadata) = prefixed.1 else {
            panic!("the spec-393 fixture is V16 metadata");
        };
        Reference { metadata }
    }

    fn types(&self) -> &PortableRegistry {
        &self.metadata.types
    }

    fn is_empty_type(&self, id: u32) -> bool {
        let Some(ty) = self.types().resolve(id) else {
            return false;
        };
        match &ty.type_def {
            TypeDef::Composite(c) => c.fields.iter().all(|f| self.is_empty_type(f.ty.id)),
            TypeDef::Tuple(t) => t.fields.iter().all(|f| self.is_empty_type(f.id)),
            TypeDef::Array(a) => a.len == 0 || self.is_empty_type(a.type_param.id),
            _ => false,
        }
    }

    /// The "implicit" bytes a v4 signature commits to, rebuilt from the metadata's list.
    fn implicit_bytes(&self) -> Vec<u8> {
        let extrinsic = &self.metadata.extrinsic;
        let indexes = extrinsic
            .transaction_extensions_by_version
            .get(&0)
            .expect("v4 extension list");
        let mut out = Vec::new();
        for index in indexes {
            let ext = &extrinsic.transaction_extensions[index.0 as usize];
            match ext.identifier.as_str() {
                "CheckSpecVersion" => out.extend(SPEC_VERSION.to_le_bytes()),
                "CheckTxVersion" => out.extend(TRANSACTION_VERSION.to_le_bytes()),
                "CheckGenesis" => out.extend(genesis()),
                "CheckMortality" | "CheckEra" => out.extend(ERA_HASH),
                // Metadata-hash checking is off: the implicit value is `None`.
                "CheckMetadataHash" => out.push(0),
                other => assert!(
                    self.is_empty_type(ext.implicit.id),
                    "extension {other} has implicit data this test does not rebuild"
                ),
            }
        }
        out
    }
}

/// Every variant name, number and bool in a decoded value, depth first: a shape-agnostic
/// fingerprint to compare with what the test expects.
fn leaves(value: &Value<u32>, out: &mut Vec<String>) {
    match &value.value {
        ValueDef::Composite(c) => composite_leaves(c, out),
        ValueDef::Variant(v) => {
            out.push(v.name.clone());
            composite_leaves(&v.values, out);
        }
        ValueDef::Primitive(p) => out.push(p.to_string()),
        ValueDef::BitSequence(_) => out.push("bits".into()),
    }
}

fn composite_leaves(c: &Composite<u32>, out: &mut Vec<String>) {
    for v in c.values() {
        leaves(v, out);
    }
}

fn account_leaves(id: &AccountId) -> Vec<String> {
    id.as_bytes().iter().map(|b| b.to_string()).collect()
}

fn n(x: u64) -> Vec<String> {
    vec![x.to_string()]
}

struct Decoded {
    pallet: String,
    call: String,
    args: Vec<(String, Vec<String>)>,
    signer: Vec<String>,
    nonce: Vec<String>,
    era: Vec<String>,
}

fn decode_and_verify(signed: &SignedTransaction, signer: &AccountId) -> Decoded {
    let reference = Reference::load();
    let bytes = signed.bytes.as_slice();
    let cursor = &mut &bytes[..];
    let extrinsic =
        frame_decode::extrinsics::decode_extrinsic(cursor, &reference.metadata, reference.types())
            .expect("frame-decode reads the extrinsic back");
    assert!(cursor.is_empty(), "no bytes left over");
    assert!(extrinsic.is_signed());
    assert_eq!(extrinsic.version(), 4);

    let decode = |range: std::ops::Range<usize>, ty: u32| {
        let mut slice = &bytes[range];
        let value = scale_value::scale::decode_as_type(&mut slice, ty, reference.types())
            .expect("value decodes");
        assert!(slice.is_empty());
        let mut out = Vec::new();
        leaves(&value, &mut out);
        out
    };
    let args = extrinsic
        .call_data()
        .map(|arg| (arg.name().to_string(), decode(arg.range(), *arg.ty())))
        .collect();
    let sig = extrinsic.signature_payload().expect("signed");
    let signer_leaves = decode(sig.address_range(), *sig.address_type());
    let extensions = extrinsic
        .transaction_extension_payload()
        .expect("extensions");
    let mut nonce = Vec::new();
    let mut era = Vec::new();
    for ext in extensions.iter() {
        match ext.name() {
            "CheckNonce" => nonce = decode(ext.range(), *ext.ty()),
            "CheckMortality" => era = bytes[ext.range()].iter().map(|b| b.to_string()).collect(),
            _ => {}
        }
    }

    // MultiSignature::Sr25519 is variant 1, then the 64 signature bytes.
    let signature_bytes = &bytes[sig.signature_range()];
    assert_eq!(signature_bytes.len(), 65);
    assert_eq!(signature_bytes[0], 1, "an sr25519 signature");
    let mut raw = [0u8; 64];
    raw.copy_from_slice(&signature_bytes[1..]);

    let mut payload = bytes[extrinsic.call_data_range()].to_vec();
    payload.extend_from_slice(&bytes[extensions.range()]);
    payload.extend(reference.implicit_bytes());
    let message = if payload.len() > 256 {
        super::build::blake2_256(&payload).to_vec()
    } else {
        payload
    };
    assert!(
        verify(&crate::keys::Signature(raw), &message, signer),
        "the signature verifies over the signing payload rebuilt from metadata"
    );
    assert_eq!(
        signed.hash,
        super::build::blake2_256(bytes),
        "hash is blake2-256 of the bytes"
    );
    Decoded {
        pallet: extrinsic.pallet_name().to_string(),
        call: extrinsic.call_name().to_string(),
        args,
        signer: signer_leaves,
        nonce,
        era,
    }
}

fn expect(
    action: Action,
    pallet: &str,
    call: &str,
    args: Vec<(&str, Vec<String>)>,
) -> (Action, String, String, Vec<(String, Vec<String>)>) {
    (
        action,
        pallet.into(),
        call.into(),
        args.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    )
}

#[test]
fn every_call_signs_and_reads_back_independently() {
    let context = context();
    let keypair = alice();
    let signer = keypair.account_id();
    let bob = account("//Bob");
    let validator = account("//Charlie");
    let other = account("//Dave");
    let limit = PriceLimit {
        limit_price: 12_345_678,
        allow_partial: false,
    };
    let mut id_bob = vec!["Id".to_string()];
    id_bob.extend(account_leaves(&bob));
    let cases = vec![
        expect(
            Action::Transfer {
                dest: bob,
                amount: Rao(1_500_000_000),
                allow_death: false,
            },
            "Balances",
            "transfer_keep_alive",
            vec![("dest", id_bob.clone()), ("value", n(1_500_000_000))],
        ),
        expect(
            Action::Transfer {
                dest: bob,
                amount: Rao(7),
                allow_death: true,
            },
            "Balances",
            "transfer_allow_death",
            vec![("dest", id_bob), ("value", n(7))],
        ),
        expect(
            Action::AddStake {
                hotkey: validator,
                netuid: 1,
                amount: Rao(2_000_000_000),
                limit: Some(limit),
            },
            "SubtensorModule",
            "add_stake_limit",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("netuid", n(1)),
                ("amount_staked", n(2_000_000_000)),
                ("limit_price", n(12_345_678)),
                ("allow_partial", vec!["false".into()]),
            ],
        ),
        expect(
            Action::AddStake {
                hotkey: validator,
                netuid: 64,
                amount: Rao(3),
                limit: None,
            },
            "SubtensorModule",
            "add_stake",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("netuid", n(64)),
                ("amount_staked", n(3)),
            ],
        ),
        expect(
            Action::RemoveStake {
                hotkey: validator,
                netuid: 3,
                amount: Alpha(5_000_000_000),
                limit: Some(PriceLimit {
                    limit_price: 99,
                    allow_partial: true,
                }),
            },
            "SubtensorModule",
            "remove_stake_limit",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("netuid", n(3)),
                ("amount_unstaked", n(5_000_000_000)),
                ("limit_price", n(99)),
                ("allow_partial", vec!["true".into()]),
            ],
        ),
        expect(
            Action::RemoveStake {
                hotkey: validator,
                netuid: 3,
                amount: Alpha(5),
                limit: None,
            },
            "SubtensorModule",
            "remove_stake",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("netuid", n(3)),
                ("amount_unstaked", n(5)),
            ],
        ),
        expect(
            Action::RemoveStakeFull {
                hotkey: validator,
                netuid: 9,
                limit_price: Some(1_000),
            },
            "SubtensorModule",
            "remove_stake_full_limit",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("netuid", n(9)),
                ("limit_price", vec!["Some".into(), "1000".into()]),
            ],
        ),
        expect(
            Action::RemoveStakeFull {
                hotkey: validator,
                netuid: 9,
                limit_price: None,
            },
            "SubtensorModule",
            "remove_stake_full_limit",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("netuid", n(9)),
                ("limit_price", vec!["None".into()]),
            ],
        ),
        expect(
            Action::MoveStake {
                origin_hotkey: validator,
                destination_hotkey: other,
                origin_netuid: 1,
                destination_netuid: 2,
                amount: Alpha(42),
            },
            "SubtensorModule",
            "move_stake",
            vec![
                ("origin_hotkey", account_leaves(&validator)),
                ("destination_hotkey", account_leaves(&other)),
                ("origin_netuid", n(1)),
                ("destination_netuid", n(2)),
                ("alpha_amount", n(42)),
            ],
        ),
        expect(
            Action::SwapStake {
                hotkey: validator,
                origin_netuid: 4,
                destination_netuid: 5,
                amount: Alpha(43),
                limit: Some(limit),
            },
            "SubtensorModule",
            "swap_stake_limit",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("origin_netuid", n(4)),
                ("destination_netuid", n(5)),
                ("alpha_amount", n(43)),
                ("limit_price", n(12_345_678)),
                ("allow_partial", vec!["false".into()]),
            ],
        ),
        expect(
            Action::SwapStake {
                hotkey: validator,
                origin_netuid: 4,
                destination_netuid: 5,
                amount: Alpha(44),
                limit: None,
            },
            "SubtensorModule",
            "swap_stake",
            vec![
                ("hotkey", account_leaves(&validator)),
                ("origin_netuid", n(4)),
                ("destination_netuid", n(5)),
                ("alpha_amount", n(44)),
            ],
        ),
        expect(
            Action::TransferStake {
                destination_coldkey: bob,
                hotkey: validator,
                origin_netuid: 6,
                destination_netuid: 6,
                amount: Alpha(45),
            },
            "SubtensorModule",
            "transfer_stake",
            vec![
                ("destination_coldkey", account_leaves(&bob)),
                ("hotkey", account_leaves(&validator)),
                ("origin_netuid", n(6)),
                ("destination_netuid", n(6)),
                ("alpha_amount", n(45)),
            ],
        ),
        expect(
            Action::UnstakeAll { hotkey: validator },
            "SubtensorModule",
            "unstake_all",
            vec![("hotkey", account_leaves(&validator))],
        ),
        expect(
            Action::UnstakeAllAlpha { hotkey: validator },
            "SubtensorModule",
            "unstake_all_alpha",
            vec![("hotkey", account_leaves(&validator))],
        ),
        expect(
            Action::BurnedRegister {
                netuid: 12,
                hotkey: other,
            },
            "SubtensorModule",
            "burned_register",
            vec![("netuid", n(12)), ("hotkey", account_leaves(&other))],
        ),
        expect(
            Action::ClaimRoot {
                netuids: vec![1, 4, 64],
            },
            "SubtensorModule",
            "claim_root",
            vec![("subnets", vec!["1".into(), "4".into(), "64".into()])],
        ),
    ];

    let mut signer_leaves = vec!["Id".to_string()];
    signer_leaves.extend(account_leaves(&signer));
    for (action, pallet, call, args) in cases {
        let signed = build_signed(&action, &context, &keypair).expect("builds and signs");
        assert_eq!(signed.nonce, NONCE);
        assert_eq!(signed.signer, signer);
        let decoded = decode_and_verify(&signed, &signer);
        assert_eq!(
            (decoded.pallet.as_str(), decoded.call.as_str()),
            (pallet.as_str(), call.as_str())
        );
        assert_eq!(decoded.args, args, "{call}: every argument by name");
        assert_eq!(decoded.signer, signer_leaves, "{call}: signed by Alice");
        assert_eq!(decoded.nonce, n(NONCE), "{call}: nonce");
        // A mortal era is two bytes; immortal would be one zero byte.
        assert_eq!(decoded.era.len(), 2, "{call}: mortal era");
    }
}

#[test]
fn a_fee_quote_extrinsic_has_the_real_length_and_a_zero_signature() {
    let context = context();
    let keypair = alice();
    let action = Action::AddStake {
        hotkey: account("//Charlie"),
        netuid: 1,
        amount: Rao(1_000_000_000),
        limit: Some(PriceLimit {
            limit_price: 10,
            allow_partial: false,
        }),
    };
    let real = build_signed(&action, &context, &keypair).expect("signed");
    let quote = build_for_fee_quote(&action, &context, keypair.account_id()).expect("quote");
    assert_eq!(real.bytes.len(), quote.bytes.len());
    assert_ne!(real.bytes, quote.bytes);
    assert!(quote.bytes.windows(64).any(|w| w.iter().all(|b| *b == 0)));
}

#[test]
fn a_call_the_node_lacks_is_refused_before_signing() {
    // `register_limit` came after spec 393; there registration falls back to
    // `burned_register`, and asking for the newer call directly is refused unsigned.
    let context = context();
    let hotkey = account("//Dave");
    let action = Action::RegisterLimit {
        netuid: 1,
        hotkey,
        limit_price: 1_000_000_000,
    };
    let error = build_signed(&action, &context, &alice()).expect_err("refused");
    assert_eq!(
        error,
        TxError::CallNotSupported {
            call: "SubtensorModule.register_limit".into()
        }
    );
    assert!(error.to_string().contains("Nothing was sent"));
    assert_eq!(
        registration_action(&context.metadata, 1, hotkey, 1_000_000_000),
        Action::BurnedRegister { netuid: 1, hotkey }
    );
}

#[test]
fn garbage_metadata_is_a_plain_error() {
    let error = ChainContext::decode_metadata(b"meta garbage").expect_err("refused");
    assert!(matches!(error, TxError::Metadata(_)));
}

/// The mortal era's period from its two encoded bytes (low 4 bits: log2(period) − 1).
fn era_period(era: &[String]) -> u64 {
    let bytes: Vec<u8> = era.iter().map(|b| b.parse().expect("byte")).collect();
    let encoded = u16::from_le_bytes([bytes[0], bytes[1]]);
    1u64 << ((encoded & 0b1111) + 1)
}

fn leaves_to_bytes(leaves: &[String]) -> Vec<u8> {
    leaves
        .iter()
        .map(|b| b.parse::<u8>().expect("a byte"))
        .collect()
}

#[test]
fn a_shielded_stake_decrypts_to_the_signed_inner_call() {
    use chacha20poly1305::aead::{Aead, KeyInit};
    use ml_kem::kem::Decapsulate;
    use ml_kem::{EncodedSizeUser, KemCore, MlKem768};

    let context = context();
    let keypair = alice();
    let signer = keypair.account_id();
    let validator = account("//Charlie");
    // The test's own block-producer key pair: it publishes `ek` and decrypts with `dk`.
    let (dk, ek) = MlKem768::generate(&mut rand_core::OsRng);
    let key = ShieldKey::from_bytes(ek.as_bytes().to_vec()).expect("an ML-KEM-768 key");
    let action = Action::AddStake {
        hotkey: validator,
        netuid: 1,
        amount: Rao(2_000_000_000),
        limit: Some(PriceLimit {
            limit_price: 25_125_000,
            allow_partial: false,
        }),
    };
    let shielded = build_shielded(&action, &context, &keypair, &key).expect("shielded");

    // The outer extrinsic, read back by name: MevShield.submit_encrypted, nonce N, 8 blocks.
    let outer = decode_and_verify(&shielded.outer, &signer);
    assert_eq!(
        (outer.pallet.as_str(), outer.call.as_str()),
        ("MevShield", "submit_encrypted")
    );
    assert_eq!(outer.signer[1..], account_leaves(&signer)[..]);
    assert_eq!(outer.nonce, n(NONCE));
    assert_eq!(era_period(&outer.era), SHIELD_PERIOD_BLOCKS);
    assert_eq!(outer.args.len(), 1);
    assert_eq!(outer.args[0].0, "ciphertext");
    let ciphertext = leaves_to_bytes(&outer.args[0].1);

    // Split by the wire format and decrypt with the producer's decapsulation key.
    let key_hash = &ciphertext[..16];
    assert_eq!(
        key_hash,
        sp_crypto_hashing::twox_128(&ek.as_bytes()[..]),
        "names the key by twox_128"
    );
    let kem_len = usize::from(u16::from_le_bytes([ciphertext[16], ciphertext[17]]));
    assert_eq!(kem_len, 1088, "an ML-KEM-768 ciphertext");
    let kem_ct = &ciphertext[18..18 + kem_len];
    let nonce = &ciphertext[18 + kem_len..18 + kem_len + 24];
    let aead_ct = &ciphertext[18 + kem_len + 24..];
    let kem_ct = ml_kem::Ciphertext::<MlKem768>::try_from(kem_ct).expect("ciphertext size");
    let shared = dk.decapsulate(&kem_ct).expect("decapsulates");
    let aead = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&shared[..]).expect("key");
    let plaintext = aead
        .decrypt(chacha20poly1305::XNonce::from_slice(nonce), aead_ct)
        .expect("the producer's key opens it");
    let mut tampered = aead_ct.to_vec();
    tampered[0] ^= 1;
    assert!(
        aead.decrypt(chacha20poly1305::XNonce::from_slice(nonce), &tampered[..])
            .is_err(),
        "the AEAD tag guards the inner extrinsic"
    );

    // The inner extrinsic: the stake itself, signed by Alice with the next nonce but one.
    assert_eq!(plaintext, shielded.inner.bytes);
    let inner = SignedTransaction {
        hash: super::build::blake2_256(&plaintext),
        bytes: plaintext,
        signer,
        nonce: NONCE + 1,
    };
    let decoded = decode_and_verify(&inner, &signer);
    assert_eq!(
        (decoded.pallet.as_str(), decoded.call.as_str()),
        ("SubtensorModule", "add_stake_limit")
    );
    assert_eq!(
        decoded.args,
        vec![
            ("hotkey".to_string(), account_leaves(&validator)),
            ("netuid".to_string(), n(1)),
            ("amount_staked".to_string(), n(2_000_000_000)),
            ("limit_price".to_string(), n(25_125_000)),
            ("allow_partial".to_string(), vec!["false".to_string()]),
        ]
    );
    assert_eq!(decoded.nonce, n(NONCE + 1), "runs after the wrapper");
    assert_eq!(era_period(&decoded.era), SHIELD_PERIOD_BLOCKS);
    assert_eq!(shielded.inner.hash, inner.hash);
    assert_eq!(shielded.key_hash, key.key_hash());

    // The fee-quote wrapper has the real one's length.
    let quote = build_shield_for_fee_quote(&action, &context, signer).expect("quote");
    assert_eq!(quote.bytes.len(), shielded.outer.bytes.len());
}

#[test]
fn the_shield_is_offered_by_spec_393_and_not_by_the_recorded_runtime() {
    let spec393 = context();
    assert!(shield_offered(&spec393.metadata));
    let recorded = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/finney-recorded/metadata.scale"),
    )
    .expect("recorded metadata");
    let recorded = ChainContext::decode_metadata(&recorded).expect("decodes");
    assert!(
        !shield_offered(&recorded),
        "the recorded runtime has no MevShield"
    );
    let context = ChainContext {
        metadata: recorded,
        ..spec393
    };
    let action = Action::AddStake {
        hotkey: account("//Charlie"),
        netuid: 1,
        amount: Rao(2_000_000_000),
        limit: None,
    };
    let (_, ek) = {
        use ml_kem::KemCore;
        ml_kem::MlKem768::generate(&mut rand_core::OsRng)
    };
    let key = {
        use ml_kem::EncodedSizeUser;
        ShieldKey::from_bytes(ek.as_bytes().to_vec()).expect("key")
    };
    assert_eq!(
        build_shielded(&action, &context, &alice(), &key),
        Err(TxError::CallNotSupported {
            call: "MevShield.submit_encrypted".into()
        })
    );
}
