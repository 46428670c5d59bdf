//! Weights and bonds: the key shape read from the metadata (a mechanism-aware storage
//! index wherever the runtime has mechanisms), rows decoded by the metadata's value type, and the
//! read against the replay — the recorded `weights` seed, and scripted answers encoded
//! with the served registry where the recording has none.
#![cfg(feature = "replay")]

use scale_value::Value;
use serde_json::json;
use subxt::ext::frame_decode::storage::encode_storage_key;
use subxt::metadata::Metadata;
use taoscope_core::chain::ChainClient;
use taoscope_core::explorer::weights::{KeyShape, decode_row, key_shape, max_value};
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

mod common;

fn key(md: &Metadata, item: &str, index: u16, uid: Option<u16>) -> Vec<u8> {
    match uid {
        Some(uid) => encode_storage_key("SubtensorModule", item, (index, uid), md, md.types()),
        None => encode_storage_key("SubtensorModule", item, (index,), md, md.types()),
    }
    .expect("storage key")
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// `cells` SCALE-encoded as the value type of `item` in `md`'s own registry.
fn encode_row(md: &Metadata, item: &str, cells: &[(u16, u16)]) -> Vec<u8> {
    let ty = md
        .pallet_by_name("SubtensorModule")
        .and_then(|p| p.storage())
        .and_then(|s| s.entry_by_name(item))
        .map(|e| e.value_ty())
        .expect("storage entry");
    let value = Value::unnamed_composite(cells.iter().map(|&(j, v)| {
        Value::unnamed_composite([Value::u128(u128::from(j)), Value::u128(u128::from(v))])
    }));
    let mut out = Vec::new();
    scale_value::scale::encode_as_type(&value, ty, md.types(), &mut out).expect("encodes");
    out
}

#[test]
fn key_shape_follows_the_metadata() {
    // Both recorded runtimes already have mechanisms (`MechanismCountCurrent`); their key
    // types are both a bare u16 in the registry, so the storage item is what tells.
    let old = common::metadata_343();
    let new = common::metadata_393();
    assert_eq!(
        key_shape(&old, "Weights").expect("343"),
        KeyShape::MechanismIndex
    );
    assert_eq!(
        key_shape(&new, "Weights").expect("393"),
        KeyShape::MechanismIndex
    );
    assert_eq!(
        key_shape(&new, "Bonds").expect("393"),
        KeyShape::MechanismIndex
    );
    // Mechanism 0's storage index is the netuid, and both types are a u16: same key bytes.
    assert_eq!(
        key(&old, "Weights", 1, Some(7)),
        key(&new, "Weights", 1, Some(7))
    );
    assert!(key_shape(&new, "NoSuchItem").is_err());
}

#[test]
fn rows_decode_by_the_spec_393_registry() {
    let md = common::metadata_393();
    // A stored zero stays a cell: Yuma 3 with liquid alpha tells it from an absent one.
    let cells = [(3u16, 0u16), (7, 65_535), (1, 12)];
    for item in ["Weights", "Bonds"] {
        let bytes = encode_row(&md, item, &cells);
        assert_eq!(decode_row(&md, item, &bytes).expect("decodes"), cells);
        // Truncated bytes are an error in words, not a panic.
        assert!(decode_row(&md, item, &bytes[..bytes.len() - 1]).is_err());
    }
    let mut rows = std::collections::BTreeMap::new();
    rows.insert(0u16, cells.to_vec());
    assert_eq!(max_value(&rows), 65_535);
    assert_eq!(max_value(&Default::default()), 1);
}

async fn pinned(seed: &str) -> (ReplayServer, taoscope_core::chain::PinnedBlock) {
    let server = ReplayServer::start(&default_fixtures_dir(), seed)
        .await
        .expect("replay starts");
    let client = ChainClient::connect(&Network::parse(&server.url()).expect("url"))
        .await
        .expect("connects");
    let at = client.pin_latest().await.expect("pins the head");
    (server, at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_weights_of_netuid_23() {
    let (server, at) = pinned("weights").await;
    let md = common::metadata_343();
    // The recording paged keys 100 at a time; this read asks for 1,000, so the key list is
    // the recorded one, served for that prefix. The values come from the recording itself.
    server.answer_with(
        "state_getKeysPaged",
        Some(&hex::encode(key(&md, "Weights", 23, None))),
        json!([hex0x(&key(&md, "Weights", 23, Some(10)))]),
    );
    // The `weights` seed has no bonds for netuid 23 (the `bonds` seed is another block).
    server.answer_with(
        "state_getKeysPaged",
        Some(&hex::encode(key(&md, "Bonds", 23, None))),
        json!([]),
    );
    let wb = at.weights_and_bonds(23).await.expect("reads");
    assert_eq!(wb.netuid, 23);
    assert_eq!(wb.key_shape, KeyShape::MechanismIndex);
    assert_eq!(wb.weights.len(), 1);
    assert_eq!(wb.weights.get(&10), Some(&vec![(10u16, 65_535u16)]));
    assert!(wb.bonds.is_empty());
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_weights_and_bonds_of_netuid_1() {
    let (server, at) = pinned("metagraph").await;
    let md = common::metadata_343();
    let w5 = [(0u16, 100u16), (9, 0), (1023, 65_535)];
    let w9 = [(5u16, 7u16)];
    let b5 = [(1023u16, 40_000u16)];
    for (item, uids) in [("Weights", vec![5u16, 9]), ("Bonds", vec![5])] {
        let keys: Vec<String> = uids
            .iter()
            .map(|&u| hex0x(&key(&md, item, 1, Some(u))))
            .collect();
        server.answer_with(
            "state_getKeysPaged",
            Some(&hex::encode(key(&md, item, 1, None))),
            json!(keys),
        );
    }
    // One change set for every key: each map keeps only the keys under its own prefix.
    server.answer_with(
        "state_queryStorageAt",
        None,
        json!([{
            "block": at.block().hash,
            "changes": [
                [hex0x(&key(&md, "Weights", 1, Some(5))), hex0x(&encode_row(&md, "Weights", &w5))],
                [hex0x(&key(&md, "Weights", 1, Some(9))), hex0x(&encode_row(&md, "Weights", &w9))],
                [hex0x(&key(&md, "Bonds", 1, Some(5))), hex0x(&encode_row(&md, "Bonds", &b5))],
            ]
        }]),
    );
    let wb = at.weights_and_bonds(1).await.expect("reads");
    assert_eq!(wb.block, 6_852_690);
    assert_eq!(wb.weights.get(&5), Some(&w5.to_vec()));
    assert_eq!(wb.weights.get(&9), Some(&w9.to_vec()));
    assert_eq!(wb.bonds.len(), 1);
    assert_eq!(wb.bonds.get(&5), Some(&b5.to_vec()));

    // A garbled value is a plain error.
    server.answer_with(
        "state_queryStorageAt",
        None,
        json!([{
            "block": at.block().hash,
            "changes": [[hex0x(&key(&md, "Weights", 1, Some(5))), "0x0801"]]
        }]),
    );
    let err = at.weights_and_bonds(1).await.expect_err("garbage");
    assert!(err.to_string().contains("Weights"), "{err}");
}
