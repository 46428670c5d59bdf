//! The explorer commands end to end: the `taoscope` binary against the replay of real
//! finney traffic. Where a scenario needs an answer the recording lacks, the test says so
//! and injects it with `ReplayServer::answer_with`.

use std::process::Output;

use serde_json::{Value, json};
use subxt::ext::frame_decode::storage::encode_storage_key;
use subxt::metadata::Metadata;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

mod common;
use common::{runtime, taoscope};

fn replay(rt: &tokio::runtime::Runtime, seed: &str) -> ReplayServer {
    rt.block_on(ReplayServer::start(&default_fixtures_dir(), seed))
        .expect("replay starts")
}

fn json_of(output: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn metadata_343() -> Metadata {
    let bytes = std::fs::read(default_fixtures_dir().join("metadata.scale")).expect("metadata");
    Metadata::decode_from(&bytes).expect("decodes")
}

#[test]
fn metagraph_json_of_netuid_1() {
    let rt = runtime();
    let server = replay(&rt, "metagraph");
    let output = taoscope()
        .args([
            "metagraph",
            "--netuid",
            "1",
            "--network",
            &server.url(),
            "--json",
        ])
        .output()
        .expect("runs");
    let mg = json_of(&output);
    assert_eq!(mg["netuid"], 1);
    assert_eq!(mg["block"], 6_852_690);
    assert_eq!(mg["n"], 1024);
    let neurons = mg["neurons"].as_array().expect("neurons");
    assert_eq!(neurons.len(), 1024);
    assert_eq!(
        neurons[0]["hotkey"],
        "5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ"
    );
    for key in [
        "uid",
        "hotkey",
        "coldkey",
        "stake",
        "incentive",
        "dividends",
        "emission",
        "validator_permit",
    ] {
        assert!(neurons[0].get(key).is_some(), "neuron has {key}");
    }
    assert!(neurons[0].get("trust").is_none() && neurons[0].get("rank").is_none());
    assert_eq!(server.unanswered(), Vec::<String>::new());
    // Connect, pin the head (finalized hash, header, runtime version, metadata), one call.
    assert!(server.served().len() <= 8, "{:?}", server.served());
}

#[test]
fn metagraph_text_lists_every_uid() {
    let rt = runtime();
    let server = replay(&rt, "metagraph");
    let output = taoscope()
        .args(["metagraph", "--netuid", "1", "--network", &server.url()])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(
        stdout.starts_with("Subnet 1: 1024 neurons at block #6852690"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 2 + 1024);
}

#[test]
fn an_unknown_netuid_is_one_plain_line() {
    let rt = runtime();
    let server = replay(&rt, "metagraph");
    // Not recorded: a node answers `None` for a subnet that does not exist.
    server.answer_with(
        "state_call",
        Some("SubnetInfoRuntimeApi_get_selective_mechagraph"),
        json!("0x00"),
    );
    let output = taoscope()
        .args(["metagraph", "--netuid", "999", "--network", &server.url()])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: Subnet 999 does not exist\n"
    );
}

#[test]
fn balance_json_of_a_recorded_account() {
    let rt = runtime();
    let server = replay(&rt, "get_balance");
    let output = taoscope()
        .args([
            "balance",
            "5CUkpcUWSSMKMdNUW23sfUke6WCkoYXixR4CPBDCLpvxLmSi",
            "--network",
            &server.url(),
            "--json",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        json_of(&output),
        json!({"free_rao": 7_450_117_072u64, "reserved_rao": 100_000_000, "frozen_rao": 0, "nonce": 141})
    );
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[test]
fn hotkey_json_lists_netuids_uids_and_owner() {
    let rt = runtime();
    let server = replay(&rt, "get_netuids_for_hotkey");
    let hotkey: [u8; 32] =
        hex::decode("1a33474e4a857009da52aaa4080f176465f99c09763e03b9cd5ee038cec4093e")
            .expect("hex")
            .try_into()
            .expect("32");
    // This seed records where the hotkey is registered (IsNetworkMember) but not its UID or
    // owner. Both come from other seeds of the same recording, for the same hotkey: `Uids`
    // from `get_neuron_for_pubkey_and_subnet` (29 on subnet 14), the owner from the coldkey
    // in that seed's recorded `get_neuron` answer.
    let md = metadata_343();
    let uids_key = encode_storage_key("SubtensorModule", "Uids", (14u16, hotkey), &md, md.types())
        .expect("Uids key");
    let owner_key = encode_storage_key("SubtensorModule", "Owner", (hotkey,), &md, md.types())
        .expect("Owner key");
    let owner = "0b6ebc1a522550ae9a3fd0d0906b8f64f85b2bb5ffa1fc43b2c41695906576b9";
    server.answer_with(
        "state_getStorage",
        Some(&hex::encode(&uids_key)),
        json!("0x1d00"),
    );
    server.answer_with(
        "state_getStorage",
        Some(&hex::encode(&owner_key)),
        json!(format!("0x{owner}")),
    );
    let hotkey_ss58 = "5Cf4LPRv6tiyuFsfLRQaFYEEn3zJRGi4bAE9DwbbKmbCSHpV";
    let output = taoscope()
        .args(["hotkey", hotkey_ss58, "--network", &server.url(), "--json"])
        .output()
        .expect("runs");
    let found = json_of(&output);
    assert_eq!(found["hotkey"], hotkey_ss58);
    assert_eq!(found["netuids"], json!([14]));
    assert_eq!(found["uids"], json!({"14": 29}));
    assert_eq!(
        found["owner_coldkey"],
        "5CKhH8nKAhXLmqxwaXzFtVFgxqwwnyckXG8qLpmGtzVJH9Ri"
    );
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[test]
fn a_bad_address_is_refused_before_any_network_access() {
    // Nothing listens here: a network attempt would exit 1, not 2.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("ws://127.0.0.1:{port}");
    for (command, field, address) in [
        ("balance", "address", "not-an-address"),
        (
            "hotkey",
            "hotkey",
            "5Cf4LPRv6tiyuFsfLRQaFYEEn3zJRGi4bAE9DwbbKmbCSHpW",
        ),
    ] {
        let output = taoscope()
            .args([command, address, "--network", &url, "--json"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains(field) && stderr.contains(address),
            "{stderr}"
        );
        assert!(output.stdout.is_empty());
    }
}

/// A `DynamicInfo` value for the spec-343 registry the replay serves.
fn dynamic_info(netuid: u16, name: &str, symbol: &str) -> scale_value::Value {
    use scale_value::Value;
    let n = |v: u64| Value::u128(u128::from(v));
    let account = |b: u8| Value::unnamed_composite([Value::from_bytes([b; 32])]);
    Value::named_composite([
        ("netuid", n(netuid.into())),
        ("owner_hotkey", account(1)),
        ("owner_coldkey", account(2)),
        ("subnet_name", Value::from_bytes(name)),
        ("token_symbol", Value::from_bytes(symbol)),
        ("tempo", n(99)),
        ("last_step", n(6_852_597)),
        ("blocks_since_last_step", n(93)),
        ("emission", n(0)),
        ("alpha_in", n(2_316_467_425_363_654)),
        ("alpha_out", n(924_521_643_526_855)),
        ("tao_in", n(22_079_400_556_774)),
        ("alpha_out_emission", n(0)),
        ("alpha_in_emission", n(0)),
        ("tao_in_emission", n(0)),
        ("pending_alpha_emission", n(0)),
        ("pending_root_emission", n(0)),
        ("subnet_volume", n(0)),
        ("network_registered_at", n(0)),
        ("subnet_identity", Value::unnamed_variant("None", [])),
        (
            "moving_price",
            Value::named_composite([("bits", Value::i128(0))]),
        ),
    ])
}

#[test]
fn subnets_json_has_the_listed_fields() {
    let rt = runtime();
    let server = replay(&rt, "metagraph");
    // The recording has no dynamic info, prices or Burn map: these answers are encoded here
    // with the served runtime's own registry (spec 343, which prices one subnet per call).
    let md = metadata_343();
    let output_type = md
        .runtime_api_trait_by_name("SubnetInfoRuntimeApi")
        .and_then(|t| t.method_by_name("get_all_dynamic_info"))
        .map(|m| m.output_ty())
        .expect("API");
    let value = scale_value::Value::unnamed_composite([
        scale_value::Value::unnamed_variant("Some", [dynamic_info(0, "root", "τ")]),
        scale_value::Value::unnamed_variant("Some", [dynamic_info(1, "apex", "α")]),
    ]);
    let mut bytes = Vec::new();
    scale_value::scale::encode_as_type(&value, output_type, md.types(), &mut bytes)
        .expect("encodes");
    server.answer_with(
        "state_call",
        Some("SubnetInfoRuntimeApi_get_all_dynamic_info"),
        json!(format!("0x{}", hex::encode(bytes))),
    );
    server.answer_with(
        "state_call",
        Some("SwapRuntimeApi_current_alpha_price"),
        json!(format!("0x{}", hex::encode(9_531_452u64.to_le_bytes()))),
    );
    server.answer_with("state_getKeysPaged", None, json!([]));
    let output = taoscope()
        .args(["subnets", "--network", &server.url(), "--json"])
        .output()
        .expect("runs");
    let subnets = json_of(&output);
    let list = subnets.as_array().expect("a list");
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["netuid"], 1);
    assert_eq!(list[1]["name"], "apex");
    assert_eq!(list[1]["symbol"], "α");
    assert_eq!(list[1]["price_rao_per_alpha"], 9_531_452);
    assert_eq!(list[1]["tao_in_rao"], 22_079_400_556_774u64);
    assert_eq!(list[1]["alpha_in"], 2_316_467_425_363_654u64);
    assert_eq!(list[1]["tempo"], 99);
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

/// A port nothing listens on: a command that touched the network would fail.
fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    format!("ws://127.0.0.1:{port}")
}

#[test]
fn the_bundled_snapshot_answers_with_no_network() {
    let url = dead_url();
    let output = taoscope()
        .args([
            "metagraph",
            "--netuid",
            "1",
            "--snapshot",
            "bundled",
            "--network",
            &url,
            "--json",
        ])
        .output()
        .expect("runs");
    let mg = json_of(&output);
    assert_eq!(mg["n"], 1024);
    assert_eq!(mg["block"], 6_852_690);
    let output = taoscope()
        .args(["subnets", "--snapshot", "bundled", "--network", &url])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: The snapshot (block #6852690) was saved without the subnets list\n"
    );
    let info = json_of(
        &taoscope()
            .args(["snapshot", "info", "--json"])
            .output()
            .expect("runs"),
    );
    assert_eq!(info["network"], "finney");
    assert_eq!(info["metagraphs"], json!([1]));
    assert_eq!(info["subnets"], Value::Null);
}

#[test]
fn a_saved_snapshot_reads_back_the_same_metagraph() {
    let rt = runtime();
    let server = replay(&rt, "metagraph");
    let dir = std::env::temp_dir().join(format!("taoscope-cli-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("netuid1.json.gz");
    let file_arg = file.to_string_lossy().to_string();
    let output = taoscope()
        .args([
            "snapshot",
            "save",
            "--network",
            &server.url(),
            "--netuid",
            "1",
            "--metagraphs-only",
            "--out",
            &file_arg,
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(server.unanswered(), Vec::<String>::new());
    let live = json_of(
        &taoscope()
            .args([
                "metagraph",
                "--netuid",
                "1",
                "--network",
                &server.url(),
                "--json",
            ])
            .output()
            .expect("runs"),
    );
    let saved = json_of(
        &taoscope()
            .args([
                "metagraph",
                "--netuid",
                "1",
                "--snapshot",
                &file_arg,
                "--json",
            ])
            .output()
            .expect("runs"),
    );
    assert_eq!(live, saved);
    let _ = std::fs::remove_dir_all(&dir);
}
