//! A transaction's life against a scripted node serving the spec-393 finney metadata:
//! submitted once, tracked to finality, its failure decoded to a sentence, and after a
//! dropped socket settled from the chain without a second broadcast.
#![cfg(feature = "replay")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use parity_scale_codec::Encode;
use scale_value::Value;
use serde_json::{Value as Json, json};
use subxt::ext::frame_decode::storage::encode_storage_key;
use subxt::metadata::Metadata;
use taoscope_core::chain::ChainClient;
use taoscope_core::explorer::Rao;
use taoscope_core::keys::Keypair;
use taoscope_core::network::{FINNEY_GENESIS_HASH, Network};
use taoscope_core::scripted_peer::{Scripted, ScriptedPeer};
use taoscope_core::tx::{
    Action, ChainContext, DispatchOutcome, Journal, PriceLimit, SignedTransaction, TxError,
    TxStatus, build_signed, reconcile, submit_and_watch,
};

const ERA_BLOCK: u64 = 95;
const INCLUDED_AT: u64 = 100;
const NONCE: u64 = 5;

fn metadata_bytes() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    std::fs::read(path).expect("spec-393 metadata")
}

fn block_hash(n: u64) -> String {
    format!("0x{:064x}", 0xb10c_0000_u64 + n)
}

fn header(n: u64) -> Json {
    json!({
        "parentHash": block_hash(n.saturating_sub(1)),
        "number": format!("0x{n:x}"),
        "stateRoot": format!("0x{}", "11".repeat(32)),
        "extrinsicsRoot": format!("0x{}", "22".repeat(32)),
        "digest": {"logs": []}
    })
}

fn genesis_bytes() -> [u8; 32] {
    hex::decode(FINNEY_GENESIS_HASH.trim_start_matches("0x"))
        .expect("hex")
        .try_into()
        .expect("32")
}

/// The chain as the scripted node tells it: its head, the account's nonce, which block
/// holds our extrinsic, the events there, and how the submission subscription behaves.
struct World {
    metadata: Arc<Metadata>,
    metadata_bytes: Vec<u8>,
    best: u64,
    finalized: u64,
    account_key: Vec<u8>,
    account_value: Option<Vec<u8>>,
    events_key: Vec<u8>,
    events: Vec<u8>,
    our_extrinsic: Option<(u64, String)>,
    submission: Scripted,
}

fn hex0(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn answer(world: &World, method: &str, params: &[Json]) -> Scripted {
    let first = params.first();
    match method {
        "chain_getBlockHash" => match first.and_then(Json::as_u64) {
            Some(0) => Scripted::Result(json!(FINNEY_GENESIS_HASH)),
            Some(n) => Scripted::Result(json!(block_hash(n))),
            None => Scripted::Result(json!(block_hash(world.best))),
        },
        "chain_getFinalizedHead" | "chain_getFinalisedHead" => {
            Scripted::Result(json!(block_hash(world.finalized)))
        }
        "chain_getHeader" => {
            let n = first
                .and_then(Json::as_str)
                .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
                .map(|h| h - 0xb10c_0000)
                .unwrap_or(world.best);
            Scripted::Result(header(n))
        }
        "chain_getBlock" => {
            let n = first
                .and_then(Json::as_str)
                .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
                .map(|h| h - 0xb10c_0000)
                .unwrap_or(world.best);
            let mut extrinsics = vec![json!("0x280402000b00000000000000")];
            if let Some((at, hex)) = &world.our_extrinsic
                && *at == n
            {
                extrinsics.push(json!(hex));
            }
            Scripted::Result(
                json!({"block": {"header": header(n), "extrinsics": extrinsics}, "justifications": null}),
            )
        }
        "state_getRuntimeVersion" | "chain_getRuntimeVersion" => Scripted::Result(json!({
            "specName": "node-subtensor", "implName": "node-subtensor", "authoringVersion": 1,
            "specVersion": 393, "implVersion": 1, "apis": [], "transactionVersion": 1,
            "systemVersion": 1, "stateVersion": 1
        })),
        "state_getMetadata" => Scripted::Result(json!(hex0(&world.metadata_bytes))),
        "state_call" => match first.and_then(Json::as_str) {
            Some("Core_version") => Scripted::Result(json!(hex0(
                &(
                    "node-subtensor".to_string(),
                    "node-subtensor".to_string(),
                    1u32,
                    393u32,
                    1u32,
                    Vec::<([u8; 8], u32)>::new(),
                    1u32,
                    1u8,
                )
                    .encode()
            ))),
            Some("Metadata_metadata_versions") => {
                Scripted::Result(json!(hex0(&vec![14u32, 15, 16].encode())))
            }
            Some("Metadata_metadata_at_version") => {
                Scripted::Result(json!(hex0(&Some(world.metadata_bytes.clone()).encode())))
            }
            _ => Scripted::Unknown,
        },
        "state_getStorage" | "state_getStorageAt" => {
            let key = first
                .and_then(Json::as_str)
                .and_then(|k| hex::decode(k.trim_start_matches("0x")).ok())
                .unwrap_or_default();
            if key == world.events_key {
                Scripted::Result(json!(hex0(&world.events)))
            } else if key == world.account_key {
                Scripted::Result(
                    world
                        .account_value
                        .as_ref()
                        .map_or(Json::Null, |v| json!(hex0(v))),
                )
            } else {
                Scripted::Result(Json::Null)
            }
        }
        "system_chain" => Scripted::Result(json!("Bittensor")),
        "author_submitAndWatchExtrinsic" => world.submission.clone(),
        "author_unwatchExtrinsic" | "chain_unsubscribeNewHeads" => Scripted::Result(json!(true)),
        _ => Scripted::Unknown,
    }
}

fn storage_value_type(metadata: &Metadata, pallet: &str, item: &str) -> u32 {
    metadata
        .pallet_by_name(pallet)
        .and_then(|p| p.storage())
        .and_then(|s| s.entry_by_name(item))
        .map(|e| e.value_ty())
        .expect("storage item")
}

fn encode(metadata: &Metadata, type_id: u32, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    scale_value::scale::encode_as_type(value, type_id, metadata.types(), &mut out)
        .expect("encodes against the spec-393 registry");
    out
}

fn dispatch_info() -> Value {
    Value::named_composite([
        (
            "weight",
            Value::named_composite([
                ("ref_time", Value::u128(1_000_000)),
                ("proof_size", Value::u128(0)),
            ]),
        ),
        ("class", Value::unnamed_variant("Normal", [])),
        ("pays_fee", Value::unnamed_variant("Yes", [])),
    ])
}

/// `System.Events` with an unrelated event for extrinsic 0 and `ours` for extrinsic 1.
fn events(metadata: &Metadata, ours: Value) -> Vec<u8> {
    let record = |index: u32, event: Value| {
        Value::named_composite([
            (
                "phase",
                Value::unnamed_variant("ApplyExtrinsic", [Value::u128(u128::from(index))]),
            ),
            ("event", event),
            ("topics", Value::unnamed_composite([])),
        ])
    };
    let system = |inner: Value| Value::unnamed_variant("System", [inner]);
    let success = Value::named_variant("ExtrinsicSuccess", [("dispatch_info", dispatch_info())]);
    let list = Value::unnamed_composite([record(0, system(success)), record(1, system(ours))]);
    encode(
        metadata,
        storage_value_type(metadata, "System", "Events"),
        &list,
    )
}

fn slippage_failure(metadata: &Metadata) -> Value {
    let pallet = metadata.pallet_by_name("SubtensorModule").expect("pallet");
    let error_type = pallet.error_ty_id().expect("errors");
    let scale_info::TypeDef::Variant(errors) = &metadata
        .types()
        .resolve(error_type)
        .expect("error type")
        .type_def
    else {
        panic!("errors are a variant");
    };
    let index = errors
        .variants
        .iter()
        .find(|v| v.name == "SlippageTooHigh")
        .expect("SlippageTooHigh exists at spec 393")
        .index;
    let module = Value::named_composite([
        ("index", Value::u128(u128::from(pallet.error_index()))),
        (
            "error",
            Value::unnamed_composite([
                Value::u128(u128::from(index)),
                Value::u128(0),
                Value::u128(0),
                Value::u128(0),
            ]),
        ),
    ]);
    Value::named_variant(
        "ExtrinsicFailed",
        [
            ("dispatch_error", Value::unnamed_variant("Module", [module])),
            ("dispatch_info", dispatch_info()),
        ],
    )
}

fn account_info(metadata: &Metadata, nonce: u32) -> Vec<u8> {
    let value = Value::named_composite([
        ("nonce", Value::u128(u128::from(nonce))),
        ("consumers", Value::u128(0)),
        ("providers", Value::u128(1)),
        ("sufficients", Value::u128(0)),
        (
            "data",
            Value::named_composite([
                ("free", Value::u128(5_000_000_000)),
                ("reserved", Value::u128(0)),
                ("frozen", Value::u128(0)),
                ("flags", Value::u128(1u128 << 127)),
            ]),
        ),
    ]);
    encode(
        metadata,
        storage_value_type(metadata, "System", "Account"),
        &value,
    )
}

struct Setup {
    world: Arc<Mutex<World>>,
    peer: ScriptedPeer,
    signed: SignedTransaction,
    journal: Journal,
    _dir: tempfile::TempDir,
}

async fn setup(submission: Vec<Json>, then_drop: bool) -> Setup {
    let bytes = metadata_bytes();
    let metadata = ChainContext::decode_metadata(&bytes).expect("metadata");
    let alice = Keypair::from_uri("//Alice").expect("alice");
    let context = ChainContext {
        metadata: metadata.clone(),
        genesis_hash: genesis_bytes(),
        spec_version: 393,
        transaction_version: 1,
        era_block_number: ERA_BLOCK,
        era_block_hash: hex::decode(block_hash(ERA_BLOCK).trim_start_matches("0x"))
            .expect("hex")
            .try_into()
            .expect("32"),
        nonce: NONCE,
    };
    let action = Action::AddStake {
        hotkey: Keypair::from_uri("//Charlie").expect("c").account_id(),
        netuid: 1,
        amount: Rao(1_000_000_000),
        limit: Some(PriceLimit {
            limit_price: 10_050_000,
            allow_partial: false,
        }),
    };
    let signed = build_signed(&action, &context, &alice).expect("signed");
    let account_key = encode_storage_key(
        "System",
        "Account",
        (alice.account_id().as_bytes(),),
        &*metadata,
        metadata.types(),
    )
    .expect("key");
    let events_key =
        encode_storage_key("System", "Events", (), &*metadata, metadata.types()).expect("key");
    let success = Value::named_variant("ExtrinsicSuccess", [("dispatch_info", dispatch_info())]);
    let world = Arc::new(Mutex::new(World {
        events: events(&metadata, success),
        metadata,
        metadata_bytes: bytes,
        best: INCLUDED_AT,
        finalized: INCLUDED_AT,
        account_key,
        account_value: None,
        events_key,
        our_extrinsic: Some((INCLUDED_AT, signed.hex())),
        submission: Scripted::Subscribe {
            notify_method: "author_extrinsicUpdate".into(),
            items: submission,
            then_drop,
        },
    }));
    let handler_world = world.clone();
    let peer = ScriptedPeer::start(move |method, params| match handler_world.lock() {
        Ok(w) => answer(&w, method, params),
        Err(_) => Scripted::Unknown,
    })
    .await
    .expect("peer");
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::at(dir.path().join("pending.json"));
    Setup {
        world,
        peer,
        signed,
        journal,
        _dir: dir,
    }
}

async fn connect(peer: &ScriptedPeer) -> ChainClient {
    let network = Network::parse(&peer.url()).expect("url");
    ChainClient::connect(&network).await.expect("connects")
}

#[tokio::test]
async fn happy_path_goes_ready_in_block_finalized_with_success() {
    let hash = block_hash(INCLUDED_AT);
    let s = setup(
        vec![
            json!("ready"),
            json!({"inBlock": hash}),
            json!({"finalized": hash}),
        ],
        false,
    )
    .await;
    let client = connect(&s.peer).await;
    let mut seen = Vec::new();
    let last = submit_and_watch(
        &client,
        &s.journal,
        &s.signed,
        "add_stake_limit",
        ERA_BLOCK,
        |st| seen.push(st.clone()),
    )
    .await
    .expect("tracked to the end");
    let expected_final = TxStatus::Finalized {
        block_number: INCLUDED_AT,
        block_hash: hash.clone(),
        outcome: DispatchOutcome::Success,
    };
    assert_eq!(last, expected_final);
    assert_eq!(
        seen,
        vec![
            TxStatus::Submitting,
            TxStatus::Ready,
            TxStatus::InBlock {
                block_number: INCLUDED_AT,
                block_hash: hash.clone(),
                outcome: DispatchOutcome::Success
            },
            expected_final.clone(),
        ]
    );
    assert_eq!(s.peer.count("author_submitAndWatchExtrinsic"), 1);
    let entries = s.journal.entries().expect("journal");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, expected_final);
    assert_eq!(entries[0].hash, s.signed.hash_hex());

    // A second click on the same transaction is refused, not rebroadcast.
    let again = submit_and_watch(
        &client,
        &s.journal,
        &s.signed,
        "add_stake_limit",
        ERA_BLOCK,
        |_| {},
    )
    .await;
    assert!(
        matches!(again, Err(TxError::AlreadyPending { .. })),
        "{again:?}"
    );
    assert_eq!(s.peer.count("author_submitAndWatchExtrinsic"), 1);
}

#[tokio::test]
async fn a_slippage_failure_is_decoded_to_its_sentence() {
    let hash = block_hash(INCLUDED_AT);
    let s = setup(
        vec![
            json!("ready"),
            json!({"inBlock": hash}),
            json!({"finalized": hash}),
        ],
        false,
    )
    .await;
    {
        let mut w = s.world.lock().expect("world");
        let failure = slippage_failure(&w.metadata);
        w.events = events(&w.metadata, failure);
    }
    let client = connect(&s.peer).await;
    let last = submit_and_watch(
        &client,
        &s.journal,
        &s.signed,
        "add_stake_limit",
        ERA_BLOCK,
        |_| {},
    )
    .await
    .expect("tracked");
    let TxStatus::Finalized { outcome, .. } = last else {
        panic!("finalized, got {last:?}");
    };
    let DispatchOutcome::Failed {
        pallet,
        error,
        explanation,
    } = outcome
    else {
        panic!("a failure, got {outcome:?}");
    };
    assert_eq!(pallet, "SubtensorModule");
    assert_eq!(error, "SlippageTooHigh");
    assert!(
        explanation.contains("price moved more than your tolerance"),
        "{explanation}"
    );
}

#[tokio::test]
async fn a_drop_between_ready_and_in_block_is_settled_without_resubmitting() {
    let s = setup(vec![json!("ready")], true).await;
    let client = connect(&s.peer).await;
    let mut seen = Vec::new();
    let result = submit_and_watch(
        &client,
        &s.journal,
        &s.signed,
        "add_stake_limit",
        ERA_BLOCK,
        |st| seen.push(st.clone()),
    )
    .await;
    assert_eq!(
        result,
        Err(TxError::ConnectionLost {
            hash: s.signed.hash_hex()
        })
    );
    assert_eq!(seen, vec![TxStatus::Submitting, TxStatus::Ready]);
    let entry = s.journal.entries().expect("journal").remove(0);
    assert_eq!(
        entry.status,
        TxStatus::Unknown,
        "the journal says it is unsettled"
    );

    // Meanwhile the chain included it: the nonce moved past ours, and block 100 holds it.
    {
        let mut w = s.world.lock().expect("world");
        let value = account_info(&w.metadata, NONCE as u32 + 1);
        w.account_value = Some(value);
        w.best = INCLUDED_AT + 3;
        w.finalized = INCLUDED_AT + 2;
    }
    let client = connect(&s.peer).await;
    let settled = reconcile(&client, &s.journal, &entry)
        .await
        .expect("reconciled");
    assert_eq!(
        settled,
        TxStatus::Finalized {
            block_number: INCLUDED_AT,
            block_hash: block_hash(INCLUDED_AT),
            outcome: DispatchOutcome::Success
        }
    );
    assert_eq!(
        s.peer.count("author_submitAndWatchExtrinsic"),
        1,
        "never broadcast twice"
    );
    assert_eq!(s.journal.entries().expect("journal")[0].status, settled);
}

#[tokio::test]
async fn an_unincluded_transaction_whose_era_ran_out_is_dropped() {
    let s = setup(vec![json!("ready")], true).await;
    let client = connect(&s.peer).await;
    let _ = submit_and_watch(
        &client,
        &s.journal,
        &s.signed,
        "add_stake_limit",
        ERA_BLOCK,
        |_| {},
    )
    .await;
    let entry = s.journal.entries().expect("journal").remove(0);
    {
        let mut w = s.world.lock().expect("world");
        let value = account_info(&w.metadata, NONCE as u32);
        w.account_value = Some(value);
        w.our_extrinsic = None;
        w.best = ERA_BLOCK + 200;
        w.finalized = ERA_BLOCK + 198;
    }
    let client = connect(&s.peer).await;
    assert_eq!(
        reconcile(&client, &s.journal, &entry).await,
        Ok(TxStatus::Dropped)
    );
    assert_eq!(s.peer.count("author_submitAndWatchExtrinsic"), 1);
}
