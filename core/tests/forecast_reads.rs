//! The forecast's reads against the replay of finney (seed `metagraph`, block 6,852,690):
//! `TotalIssuance` at the head and a day earlier as one pinned pair, and a validator's take.
//! The recording holds neither, so the answers are scripted in the served runtime's types.
#![cfg(feature = "replay")]

use serde_json::json;
use subxt::ext::frame_decode::storage::encode_storage_key;
use taoscope_core::chain::{ChainClient, IssuanceObservation};
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuance_at_two_blocks_and_a_take() {
    let server = ReplayServer::start(&default_fixtures_dir(), "metagraph")
        .await
        .expect("replay starts");
    let client = ChainClient::connect(&Network::parse(&server.url()).expect("url"))
        .await
        .expect("connects");
    let at = client.pin_latest().await.expect("pins");
    let md = common::metadata_343();
    let issuance_key =
        encode_storage_key("SubtensorModule", "TotalIssuance", (), &md, md.types()).expect("key");
    let earlier_hash = format!("0x{}", "ab".repeat(32));
    server.answer_with("chain_getBlockHash", None, json!(earlier_hash));
    // 10,400,000 TAO in rao, little-endian u64.
    let issuance: u64 = 10_400_000_000_000_000;
    server.answer_with(
        "state_getStorage",
        Some(&hex::encode(&issuance_key)),
        json!(format!("0x{}", hex::encode(issuance.to_le_bytes()))),
    );
    let obs = at.issuance_observation(7_200).await.expect("reads");
    assert_eq!(obs.head_block, 6_852_690);
    assert_eq!(obs.earlier_block, 6_852_690 - 7_200);
    assert_eq!(obs.head_issuance_rao, issuance);
    assert_eq!(obs.earlier_issuance_rao, issuance);
    assert_eq!(obs.rao_per_block(), 0);
    let asked: Vec<String> = server.served().iter().map(|r| r.method.clone()).collect();
    assert!(asked.iter().any(|m| m == "chain_getBlockHash"), "{asked:?}");

    let hotkey = [7u8; 32];
    let take_key = encode_storage_key("SubtensorModule", "Delegates", (hotkey,), &md, md.types())
        .expect("key");
    server.answer_with(
        "state_getStorage",
        Some(&hex::encode(&take_key)),
        json!("0x0a00"),
    );
    assert_eq!(at.delegate_take(&hotkey).await.expect("take"), Some(10));
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[test]
fn the_rate_is_net_issuance_per_block() {
    let obs = IssuanceObservation {
        head_block: 1_007_200,
        head_issuance_rao: 10_000_000_000_000_000 + 7_200 * 900_000_000,
        earlier_block: 1_000_000,
        earlier_issuance_rao: 10_000_000_000_000_000,
    };
    assert_eq!(obs.rao_per_block(), 900_000_000);
    // Issuance that fell (more recycled than minted) is no positive rate.
    let fell = IssuanceObservation {
        head_issuance_rao: 1,
        earlier_issuance_rao: 2,
        ..obs
    };
    assert_eq!(fell.rao_per_block(), 0);
}
