//! `taoscope forecast rewards` end to end: on the bundled snapshot (finney subnet 1 at
//! block 6,852,690), against the replay of the same block, and with bad input.

use std::process::Output;

use serde_json::{Value, json};
use subxt::ext::frame_decode::storage::encode_storage_key;
use subxt::metadata::Metadata;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

mod common;
use common::{runtime, taoscope};

/// The largest validator of subnet 1 at block 6,852,690 (UID 630).
const VALIDATOR: &str = "5CGLCBndTR1BvQZzn429ckT8GyxduzyjMgt4K1UVTYa8gKfb";

fn json_of(output: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn u(v: &Value) -> u128 {
    u128::from(v.as_u64().expect("an integer"))
}

/// The validator's neuron from `taoscope metagraph`, to check the forecast against.
/// `taoscope forecast rewards` on subnet 1 for `hotkey` and `amount` alpha, plus `extra`.
fn rewards(hotkey: &str, amount: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "forecast",
        "rewards",
        "--netuid",
        "1",
        "--hotkey",
        hotkey,
        "--amount-alpha",
        amount,
    ];
    args.extend_from_slice(extra);
    taoscope().args(&args).output().expect("runs")
}

fn neuron_630(extra: &[&str]) -> Value {
    let mut args = vec!["metagraph", "--netuid", "1", "--json"];
    args.extend_from_slice(extra);
    let mg = json_of(&taoscope().args(&args).output().expect("runs"));
    mg["neurons"][630].clone()
}

/// Re-derives alpha per epoch and per day from the neuron's numbers, the rule the
/// forecast documents: dividends × alpha/total stake × (1 − take) × amount / stake.
fn expected(neuron: &Value, amount: u128, take: u128, added: bool) -> (u128, u128) {
    let stake = u(&neuron["stake"]);
    let total = u(&neuron["total_stake"]);
    let emission = u(&neuron["emission"]);
    let validator_stake = if added { stake + amount } else { stake };
    let alpha_part = emission * validator_stake / (total + validator_stake - stake);
    let after_take = alpha_part * (65_535 - take) / 65_535;
    let per_tempo = after_take * amount / validator_stake;
    let per_day = after_take * amount * 7_200 / (validator_stake * 100);
    (per_tempo, per_day)
}

#[test]
fn forecast_on_the_bundled_snapshot() {
    let neuron = neuron_630(&["--snapshot", "bundled"]);
    assert_eq!(neuron["hotkey"], VALIDATOR);
    let output = rewards(VALIDATOR, "1000", &["--snapshot", "bundled", "--json"]);
    let f = json_of(&output);
    assert_eq!(f["uid"], 630);
    assert_eq!(f["block"], 6_852_690);
    assert_eq!(f["amount"], 1_000_000_000_000u64);
    assert_eq!(f["take_u16"], 11_796);
    let (per_tempo, per_day) = expected(&neuron, 1_000_000_000_000, 11_796, true);
    assert_eq!(u(&f["alpha_per_tempo"]), per_tempo);
    assert_eq!(u(&f["alpha_per_day"]), per_day);
    assert!(per_day > 0);
    // The snapshot has no swap price: the pool ratio stands in, and says so.
    let price = 22_079_400_556_774u128 * 1_000_000_000 / 2_316_467_425_363_654;
    assert_eq!(u(&f["price_rao_per_alpha"]), price);
    assert_eq!(u(&f["value_rao"]), 1_000 * price);
    assert_eq!(u(&f["tao_per_day_rao"]), per_day * price / 1_000_000_000);
    let apy = f["apy_percent"].as_f64().expect("apy");
    let daily = per_day as f64 / 1e12;
    assert!((apy - ((1.0 + daily).powi(365) - 1.0) * 100.0).abs() < 1e-6);
    let keys: Vec<&str> = f["assumptions"]
        .as_array()
        .expect("assumptions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for key in [
        "forecast.assumption.price_from_pool",
        "forecast.assumption.take_default",
        "forecast.assumption.keeps_weights",
        "forecast.assumption.price_constant",
        "forecast.assumption.position_added",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(
        f["assumption_texts"].as_array().map(Vec::len),
        Some(keys.len())
    );
    // Alpha issuance 3.24M α: the subnet's first alpha halving at 10.5M α halves the rate.
    let h = &f["next_halving"];
    assert_eq!(h["threshold"], 10_500_000_000_000_000u64);
    assert_eq!(u(&h["alpha_per_day_after"]), per_day / 2);
}

#[test]
fn an_existing_position_is_not_added_twice() {
    let neuron = neuron_630(&["--snapshot", "bundled"]);
    let output = rewards(
        VALIDATOR,
        "250.5",
        &["--existing", "--snapshot", "bundled", "--json"],
    );
    let f = json_of(&output);
    let (per_tempo, per_day) = expected(&neuron, 250_500_000_000, 11_796, false);
    assert_eq!(u(&f["alpha_per_tempo"]), per_tempo);
    assert_eq!(u(&f["alpha_per_day"]), per_day);
    assert_eq!(u(&f["validator_stake"]), u(&neuron["stake"]));
}

#[test]
fn bad_amounts_and_addresses_are_refused_before_any_network_access() {
    // Nothing listens here: a network attempt would exit 1, not 2.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("ws://127.0.0.1:{port}");
    for (hotkey, amount, says) in [
        (VALIDATOR, "0", "more than zero"),
        (VALIDATOR, "0.000000000", "more than zero"),
        (VALIDATOR, "1.0000000001", "9 decimals"),
        (VALIDATOR, "-5", "not an amount"),
        (VALIDATOR, "1e3", "not an amount"),
        (VALIDATOR, "NaN", "not an amount"),
        ("5CGLCBndTR1BvQZzn429ckT8Gyx", "1", "--hotkey"),
    ] {
        let output = rewards(hotkey, amount, &["--network", &url]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{amount}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(says), "{amount}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_hotkey_not_on_the_subnet_is_a_plain_error() {
    let output = rewards(
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
        "1",
        &["--snapshot", "bundled"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no UID in subnet 1"), "{stderr}");
}

#[test]
fn live_forecast_reads_the_take_and_the_spot_price() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay starts");
    // The recording holds the metagraph but not the take or the subnets list: the take is
    // encoded here under its storage key; the subnets list is left unanswered, so the
    // forecast falls back to the pool ratio and says so.
    let bytes = std::fs::read(default_fixtures_dir().join("metadata.scale")).expect("metadata");
    let md = Metadata::decode_from(&bytes).expect("decodes");
    let hotkey =
        taoscope_core::explorer::ss58::decode("hotkey", VALIDATOR).expect("a valid address");
    let key = encode_storage_key("SubtensorModule", "Delegates", (hotkey,), &md, md.types())
        .expect("Delegates key");
    server.answer_with(
        "state_getStorage",
        Some(&hex::encode(&key)),
        json!(format!("0x{}", hex::encode(6_553u16.to_le_bytes()))),
    );
    let output = rewards(VALIDATOR, "1000", &["--network", &server.url(), "--json"]);
    let f = json_of(&output);
    assert_eq!(f["take_u16"], 6_553);
    assert_eq!(f["block"], 6_852_690);
    let neuron = neuron_630(&["--network", &server.url()]);
    let (per_tempo, per_day) = expected(&neuron, 1_000_000_000_000, 6_553, true);
    assert_eq!(u(&f["alpha_per_tempo"]), per_tempo);
    assert_eq!(u(&f["alpha_per_day"]), per_day);
    let keys = f["assumptions"].to_string();
    assert!(keys.contains("forecast.assumption.take_constant"), "{keys}");
    assert!(
        keys.contains("forecast.assumption.price_from_pool"),
        "{keys}"
    );
}
