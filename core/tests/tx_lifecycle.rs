//! A transaction's life against a scripted node serving the spec-393 finney metadata:
//! submitted once, tracked to finality, its failure decoded to a sentence, and after a
//! dropped socket settled from the chain without a second broadcast.
#![cfg(feature = "replay")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};
use taoscope_core::chain::ChainClient;
use taoscope_core::explorer::Rao;
use taoscope_core::keys::Keypair;
use taoscope_core::network::{FINNEY_GENESIS_HASH, Network};
use taoscope_core::scripted_peer::{Scripted, ScriptedChain, ScriptedPeer, values};
use taoscope_core::tx::{
    Action, ChainContext, DispatchOutcome, Journal, PriceLimit, ShieldKey, ShieldedTransaction,
    SignedTransaction, TxError, TxStatus, build_shielded, build_signed, reconcile,
    submit_and_watch, submit_shielded_and_watch,
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
    ScriptedChain::block_hash(n)
}

fn genesis_bytes() -> [u8; 32] {
    hex::decode(FINNEY_GENESIS_HASH.trim_start_matches("0x"))
        .expect("hex")
        .try_into()
        .expect("32")
}

/// The index of `SubtensorModule::SlippageTooHigh` in the spec-393 error enum.
fn slippage_failure(chain: &ScriptedChain) -> scale_value::Value {
    let pallet = chain
        .metadata
        .pallet_by_name("SubtensorModule")
        .expect("pallet");
    let error_type = pallet.error_ty_id().expect("errors");
    let scale_info::TypeDef::Variant(errors) = &chain
        .metadata
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
    values::extrinsic_failed(pallet.error_index(), index)
}

struct Setup {
    world: Arc<Mutex<ScriptedChain>>,
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
    let mut chain = ScriptedChain::new(bytes, INCLUDED_AT).expect("chain");
    chain.include(INCLUDED_AT, signed.hex());
    chain
        .set_events(
            INCLUDED_AT,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .expect("events");
    chain.submission = Scripted::Subscribe {
        notify_method: "author_extrinsicUpdate".into(),
        items: submission,
        then_drop,
    };
    let world = Arc::new(Mutex::new(chain));
    let handler_world = world.clone();
    let peer = ScriptedPeer::start(move |method, params| match handler_world.lock() {
        Ok(w) => w.answer(method, params),
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

/// The node's statuses for a transaction that goes through to a final block `hash`.
fn to_finality(hash: &str) -> Vec<Json> {
    vec![
        json!("ready"),
        json!({"inBlock": hash}),
        json!({"finalized": hash}),
    ]
}

/// Submits the setup's transaction on `client`, recording every status it reports.
async fn submit(
    s: &Setup,
    client: &ChainClient,
    seen: &mut Vec<TxStatus>,
) -> Result<TxStatus, TxError> {
    submit_and_watch(
        client,
        &s.journal,
        &s.signed,
        "add_stake_limit",
        ERA_BLOCK,
        |st| seen.push(st.clone()),
    )
    .await
}

async fn connect(peer: &ScriptedPeer) -> ChainClient {
    let network = Network::parse(&peer.url()).expect("url");
    ChainClient::connect(&network).await.expect("connects")
}

#[tokio::test]
async fn happy_path_goes_ready_in_block_finalized_with_success() {
    let hash = block_hash(INCLUDED_AT);
    let s = setup(to_finality(&hash), false).await;
    let client = connect(&s.peer).await;
    let mut seen = Vec::new();
    let last = submit(&s, &client, &mut seen)
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
    let again = submit(&s, &client, &mut Vec::new()).await;
    assert!(
        matches!(again, Err(TxError::AlreadyPending { .. })),
        "{again:?}"
    );
    assert_eq!(s.peer.count("author_submitAndWatchExtrinsic"), 1);
}

#[tokio::test]
async fn a_slippage_failure_is_decoded_to_its_sentence() {
    let hash = block_hash(INCLUDED_AT);
    let s = setup(to_finality(&hash), false).await;
    {
        let mut w = s.world.lock().expect("world");
        let failure = slippage_failure(&w);
        w.set_events(INCLUDED_AT, &values::events_for_second_extrinsic(failure))
            .expect("events");
    }
    let client = connect(&s.peer).await;
    let last = submit(&s, &client, &mut Vec::new()).await.expect("tracked");
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
    let result = submit(&s, &client, &mut seen).await;
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
        let alice = Keypair::from_uri("//Alice").expect("alice").account_id();
        w.set_storage(
            "System",
            "Account",
            (alice.as_bytes(),),
            &values::account_info(NONCE as u32 + 1, 4_000_000_000),
        )
        .expect("account");
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
    let _ = submit(&s, &client, &mut Vec::new()).await;
    let entry = s.journal.entries().expect("journal").remove(0);
    {
        let mut w = s.world.lock().expect("world");
        let alice = Keypair::from_uri("//Alice").expect("alice").account_id();
        w.set_storage(
            "System",
            "Account",
            (alice.as_bytes(),),
            &values::account_info(NONCE as u32, 5_000_000_000),
        )
        .expect("account");
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

/// A shielded add-stake on a chain at `INCLUDED_AT + 3` whose node answers the wrapper's
/// submission with `statuses`; the wrapper lands in `INCLUDED_AT`.
struct ShieldedSetup {
    world: Arc<Mutex<ScriptedChain>>,
    peer: ScriptedPeer,
    shielded: ShieldedTransaction,
    journal: Journal,
    _dir: tempfile::TempDir,
}

async fn shielded_setup(statuses: Vec<Json>, then_drop: bool) -> ShieldedSetup {
    use ml_kem::{EncodedSizeUser, KemCore, MlKem768};
    let plain = setup(Vec::new(), false).await;
    let (_, ek) = MlKem768::generate(&mut rand_core::OsRng);
    let key = ShieldKey::from_bytes(ek.as_bytes().to_vec()).expect("key");
    let bytes = metadata_bytes();
    let context = ChainContext {
        metadata: ChainContext::decode_metadata(&bytes).expect("metadata"),
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
    let alice = Keypair::from_uri("//Alice").expect("alice");
    let shielded = build_shielded(&action, &context, &alice, &key).expect("shielded");
    let mut chain = ScriptedChain::new(bytes, INCLUDED_AT + 3).expect("chain");
    chain.include(INCLUDED_AT, shielded.outer.hex());
    chain.submission = Scripted::Subscribe {
        notify_method: "author_extrinsicUpdate".into(),
        items: statuses,
        then_drop,
    };
    let world = Arc::new(Mutex::new(chain));
    let handler_world = world.clone();
    let peer = ScriptedPeer::start(move |method, params| match handler_world.lock() {
        Ok(w) => w.answer(method, params),
        Err(_) => Scripted::Unknown,
    })
    .await
    .expect("peer");
    ShieldedSetup {
        world,
        peer,
        shielded,
        journal: plain.journal,
        _dir: plain._dir,
    }
}

async fn submit_shielded(s: &ShieldedSetup) -> Result<TxStatus, TxError> {
    let client = connect(&s.peer).await;
    submit_shielded_and_watch(
        &client,
        &s.journal,
        &s.shielded,
        "SubtensorModule.add_stake_limit",
        ERA_BLOCK,
        |_| {},
    )
    .await
}

#[tokio::test]
async fn a_shielded_send_reports_the_revealed_transactions_outcome() {
    let hash = block_hash(INCLUDED_AT);
    let s = shielded_setup(to_finality(&hash), false).await;
    {
        // The producer reveals the stake right after the wrapper, and the stake fails.
        let mut w = s.world.lock().expect("world");
        w.include(INCLUDED_AT, s.shielded.inner.hex());
        let failure = slippage_failure(&w);
        w.set_events(
            INCLUDED_AT,
            &values::events_for_extrinsics(vec![values::extrinsic_success(), failure]),
        )
        .expect("events");
    }
    let last = submit_shielded(&s).await.expect("tracked");
    let TxStatus::Finalized {
        block_number,
        outcome: DispatchOutcome::Failed { error, .. },
        ..
    } = &last
    else {
        panic!("the inner failure, got {last:?}");
    };
    assert_eq!(*block_number, INCLUDED_AT);
    assert_eq!(
        error, "SlippageTooHigh",
        "the wrapper's success is not the answer"
    );

    // Only the wrapper went to the node, once; the journal knows both hashes.
    let submitted: Vec<String> = s
        .peer
        .calls()
        .into_iter()
        .filter(|(m, _)| m == "author_submitAndWatchExtrinsic")
        .filter_map(|(_, p)| p.first().and_then(|x| x.as_str().map(str::to_string)))
        .collect();
    assert_eq!(submitted, vec![s.shielded.outer.hex()]);
    let entry = s.journal.entries().expect("journal").remove(0);
    assert_eq!(entry.hash, s.shielded.outer.hash_hex());
    assert_eq!(entry.nonce, NONCE);
    assert_eq!(
        entry.shielded_inner,
        Some(s.shielded.inner.hash_hex()),
        "the inner hash, for reconciling"
    );
    assert_eq!(entry.status, last);
}

#[tokio::test]
async fn a_shielded_send_the_producers_never_reveal_says_so() {
    let hash = block_hash(INCLUDED_AT);
    let s = shielded_setup(to_finality(&hash), false).await;
    {
        let mut w = s.world.lock().expect("world");
        w.set_events(
            INCLUDED_AT,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .expect("events");
    }
    let last = submit_shielded(&s).await.expect("tracked");
    assert_eq!(
        last,
        TxStatus::Finalized {
            block_number: INCLUDED_AT,
            block_hash: hash,
            outcome: DispatchOutcome::NotRevealed
        }
    );
}

#[tokio::test]
async fn a_dropped_shielded_send_is_reconciled_to_its_revealed_outcome() {
    let s = shielded_setup(vec![json!("ready")], true).await;
    let result = submit_shielded(&s).await;
    assert!(
        matches!(result, Err(TxError::ConnectionLost { .. })),
        "{result:?}"
    );
    let entry = s.journal.entries().expect("journal").remove(0);
    {
        let mut w = s.world.lock().expect("world");
        // Revealed one block later, and it worked.
        w.include(INCLUDED_AT + 1, s.shielded.inner.hex());
        w.set_events(
            INCLUDED_AT,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .expect("events");
        w.set_events(
            INCLUDED_AT + 1,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .expect("events");
        let alice = Keypair::from_uri("//Alice").expect("alice").account_id();
        w.set_storage(
            "System",
            "Account",
            (alice.as_bytes(),),
            &values::account_info(NONCE as u32 + 2, 4_000_000_000),
        )
        .expect("account");
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
    assert_eq!(s.peer.count("author_submitAndWatchExtrinsic"), 1);
}
