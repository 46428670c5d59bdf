//! `taoscope yuma` and `taoscope forecast halving` run as a user would, on the shared vectors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn taoscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taoscope"));
    let config = std::env::temp_dir().join(format!("taoscope-test-config-{}", std::process::id()));
    cmd.env("TAOSCOPE_CONFIG_DIR", config).env("LANG", "C");
    cmd
}

fn yuma_dir() -> PathBuf {
    std::env::var_os("TAOSCOPE_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"))
        .join("yuma")
}

fn vector_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(yuma_dir())
        .expect("yuma vectors folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn run_yuma(path: &Path) -> Output {
    taoscope()
        .args(["yuma", "--input"])
        .arg(path)
        .arg("--json")
        .output()
        .expect("runs")
}

fn write_case(name: &str, case: &Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("taoscope-yuma-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(case).expect("json")).expect("write case");
    path
}

/// The largest absolute difference between two JSON values of the same shape.
fn max_diff(a: &Value, b: &Value, what: &str) -> f64 {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{what}: lengths differ");
            x.iter()
                .zip(y)
                .map(|(p, q)| max_diff(p, q, what))
                .fold(0.0, f64::max)
        }
        (Value::Bool(p), Value::Bool(q)) => f64::from(u8::from(p != q)),
        (Value::Number(p), Value::Number(q)) => {
            (p.as_f64().unwrap_or(f64::NAN) - q.as_f64().unwrap_or(f64::NAN)).abs()
        }
        _ => panic!("{what}: {a} vs {b}"),
    }
}

fn assert_matches_expected(got: &Value, expected: &Value, tolerance: &Value, name: &str) {
    let float_abs = tolerance["float_fields_abs"].as_f64().unwrap_or(1e-9);
    let exact = |field: &str| field.ends_with("_u16") || field.ends_with("_rao");
    for (field, want) in expected.as_object().expect("expected object") {
        let have = &got[field];
        let diff = max_diff(want, have, &format!("{name} {field}"));
        let limit = if exact(field) || want.is_array() && want[0].is_boolean() {
            0.0
        } else {
            float_abs
        };
        assert!(
            diff <= limit,
            "{name}: {field} off by {diff}: {want} vs {have}"
        );
    }
}

#[test]
fn every_vector_file_prints_its_expected_outputs() {
    let files = vector_files();
    assert!(!files.is_empty(), "no vectors in {}", yuma_dir().display());
    for path in files {
        let name = path.display().to_string();
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let output = run_yuma(&path);
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let got: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
        match case.get("epochs").and_then(Value::as_array) {
            Some(epochs) => {
                let printed = got["epochs"].as_array().expect("epochs list");
                assert_eq!(printed.len(), epochs.len(), "{name}");
                for (k, (want, have)) in epochs.iter().zip(printed).enumerate() {
                    assert_matches_expected(
                        have,
                        &want["expected"],
                        &case["tolerance"],
                        &format!("{name} epoch {k}"),
                    );
                }
            }
            None => assert_matches_expected(&got, &case["expected"], &case["tolerance"], &name),
        }
    }
}

fn c03() -> Value {
    let path = yuma_dir().join("c03_four_neurons_bonds.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("c03")).expect("json")
}

#[test]
fn multi_epoch_case_feeds_bonds_and_permits_forward() {
    let base = c03();
    let mut second_inputs = base["inputs"].clone();
    // Later epochs take bonds and permits from the previous output, whatever the file says.
    second_inputs["bonds"] = json!([[], [], [], []]);
    second_inputs["current_block"] = json!(1360);
    second_inputs["last_update"] = json!([1350, 1350, 1350, 1350]);
    let case = json!({
        "params": base["params"],
        "epochs": [{"inputs": base["inputs"]}, {"inputs": second_inputs}],
    });
    let output = run_yuma(&write_case("multi.json", &case));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value = serde_json::from_slice(&output.stdout).expect("json");
    let epochs = got["epochs"].as_array().expect("epochs");
    assert_eq!(epochs.len(), 2);
    assert_eq!(epochs[0]["bonds_u16"], base["expected"]["bonds_u16"]);

    // The same second epoch as a single case, with the first epoch's stored state typed in.
    let mut single_inputs = second_inputs.clone();
    let bonds: Vec<Value> = epochs[0]["bonds_u16"]
        .as_array()
        .expect("bonds")
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .as_array()
                .expect("row")
                .iter()
                .enumerate()
                .filter(|(_, v)| v.as_u64() != Some(0))
                .map(|(j, v)| json!([j, v]))
                .collect();
            Value::Array(cells)
        })
        .collect();
    single_inputs["bonds"] = Value::Array(bonds);
    single_inputs["validator_permit"] = epochs[0]["new_validator_permit"].clone();
    let single = json!({"params": base["params"], "inputs": single_inputs});
    let output = run_yuma(&write_case("single.json", &single));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let alone: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(alone, epochs[1]);
}

fn expect_failure(name: &str, case: &Value, needle: &str) {
    let output = run_yuma(&write_case(name, case));
    assert_eq!(
        output.status.code(),
        Some(2),
        "{name} should be a usage error"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{name}: one line: {stderr}"
    );
    assert!(stderr.contains(needle), "{name}: {stderr}");
    assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
}

#[test]
fn bad_cases_are_rejected_with_one_line() {
    let base = c03();
    let mut negative = base.clone();
    negative["inputs"]["stake"][1] = json!(-400);
    expect_failure("negative.json", &negative, "uid 1 is negative");

    let mut nan = base.clone();
    nan["inputs"]["stake"][2] = json!("NaN");
    expect_failure("nan.json", &nan, "inputs.stake[2] is not a number");

    let mut kappa = base.clone();
    kappa["params"]["kappa"] = json!(70000);
    expect_failure("kappa.json", &kappa, "params.kappa is 70000");

    let mut short = base.clone();
    short["inputs"]["last_update"] = json!([990, 990]);
    expect_failure("short.json", &short, "inputs.last_update has 2 entries");

    let mut weight = base.clone();
    weight["inputs"]["weights"][0] = json!([[2, 70000]]);
    expect_failure("weight.json", &weight, "inputs.weights[0][0][1]");

    let output = run_yuma(&write_case("garbage.json", &json!("not a case")));
    assert_eq!(output.status.code(), Some(2));

    let path = std::env::temp_dir().join("taoscope-yuma-cli-not-json.json");
    std::fs::write(&path, "{\"inputs\": {\"stake\": [NaN]}}").expect("write");
    let output = run_yuma(&path);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid JSON"));

    let output = run_yuma(Path::new("/nonexistent/case.json"));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn weight_rows_longer_than_n_ignore_the_extra_uids() {
    let base = c03();
    let mut long = base.clone();
    long["inputs"]["weights"][0] = json!([[2, 65535], [3, 30000], [4, 65535], [900, 1]]);
    let output = run_yuma(&write_case("long.json", &long));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(got["incentive_u16"], base["expected"]["incentive_u16"]);
    assert_eq!(got["bonds_u16"], base["expected"]["bonds_u16"]);
}

#[test]
fn an_empty_subnet_gives_empty_outputs() {
    let case = json!({
        "params": {},
        "inputs": {"n": 0, "stake": [], "weights": [], "bonds": [], "last_update": [],
                   "block_at_registration": [], "validator_permit": [], "current_block": 10,
                   "rao_emission": 1000}
    });
    let output = run_yuma(&write_case("empty.json", &case));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(got["incentive"], json!([]));
    assert_eq!(got["bonds_u16"], json!([]));
    assert_eq!(got["server_emission_rao"], json!([]));
}

#[test]
fn halving_forecast_json() {
    let output = taoscope()
        .args([
            "forecast",
            "halving",
            "--issuance-rao",
            "14750000000000000",
            "--rate-rao-per-block",
            "400000000",
            "--at-block",
            "7000000",
            "--at-unix-time",
            "1800000000",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(got["block_emission_rao"], 500_000_000);
    let first = &got["halvings"][0];
    assert_eq!(first["threshold_rao"], 15_750_000_000_000_000u64);
    assert_eq!(first["eta_block"], 9_500_000);
    // 2.5M blocks × 12 s after 2027-01-15T08:00:00Z.
    assert_eq!(first["eta_date"], "2027-12-28T13:20:00Z");
    assert_eq!(first["block_emission_after_rao"], 250_000_000);
    assert_eq!(got["nominal_halvings"][0]["eta_block"], 9_000_000);
    assert_eq!(
        got["halvings"][1]["threshold_rao"],
        18_375_000_000_000_000u64
    );
}

#[test]
fn halving_forecast_bad_input() {
    for args in [
        vec!["--issuance-rao", "abc", "--at-block", "1"],
        vec!["--issuance-rao", "21000000000000000", "--at-block", "1"],
        vec![
            "--issuance-rao",
            "1",
            "--rate-rao-per-block",
            "0",
            "--at-block",
            "1",
        ],
        vec!["--at-block", "1"],
    ] {
        let output = taoscope()
            .args(["forecast", "halving"])
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}
