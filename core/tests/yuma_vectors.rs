//! Every case in `shared/vectors/yuma/` (or `$TAOSCOPE_VECTORS/yuma/`) reproduced within
//! its stated tolerance. New case files in the folder are picked up automatically.

use std::path::{Path, PathBuf};

use serde_json::Value;
use taoscope_core::yuma::{ExpectedJson, parse_case, run_case};

fn vectors_dir() -> PathBuf {
    let base = std::env::var_os("TAOSCOPE_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    base.join("yuma")
}

fn case_files() -> Vec<PathBuf> {
    let dir = vectors_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Tolerances of a case: exact by default, as the vectors' README asks of fixed point.
struct Tolerance {
    u16_fields: f64,
    rao_fields: f64,
    float_abs: f64,
}

impl Tolerance {
    fn of(case: &Value) -> Self {
        let t = case.get("tolerance");
        let get = |k: &str, d: f64| {
            t.and_then(|t| t.get(k))
                .and_then(Value::as_f64)
                .unwrap_or(d)
        };
        Tolerance {
            u16_fields: get("u16_fields", 0.0),
            rao_fields: get("rao_fields", 0.0),
            float_abs: get("float_fields_abs", 1e-9),
        }
    }

    fn for_field(&self, field: &str) -> f64 {
        if field.ends_with("_u16") {
            self.u16_fields
        } else if field.ends_with("_rao") {
            self.rao_fields
        } else {
            self.float_abs
        }
    }
}

/// Flattens a JSON value into numbers (bools as 0/1), depth-first.
fn numbers(value: &Value, out: &mut Vec<f64>) {
    match value {
        Value::Bool(b) => out.push(f64::from(u8::from(*b))),
        Value::Number(n) => out.push(n.as_f64().unwrap_or(f64::NAN)),
        Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
        _ => out.push(f64::NAN),
    }
}

/// Compares one epoch's expected object with ours; returns (field, max error) pairs.
fn compare(
    name: &str,
    expected: &Value,
    got: &ExpectedJson,
    tol: &Tolerance,
) -> Vec<(String, f64)> {
    let got = serde_json::to_value(got).expect("serialise output");
    let expected = expected.as_object().expect("expected is an object");
    let mut report = Vec::new();
    for (field, want) in expected {
        let have = got
            .get(field)
            .unwrap_or_else(|| panic!("{name}: we print no field {field}"));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        numbers(want, &mut a);
        numbers(have, &mut b);
        assert_eq!(
            a.len(),
            b.len(),
            "{name}: {field} has {} values, we have {}",
            a.len(),
            b.len()
        );
        let max_err = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f64, f64::max);
        let limit = tol.for_field(field);
        assert!(
            max_err <= limit,
            "{name}: {field} differs by {max_err:e} (limit {limit:e})\n  expected {want}\n  got      {have}"
        );
        report.push((field.clone(), max_err));
    }
    report
}

#[test]
fn every_yuma_vector_is_reproduced() {
    let files = case_files();
    assert!(
        !files.is_empty(),
        "no yuma vectors in {}",
        vectors_dir().display()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read case");
        let raw: Value = serde_json::from_str(&text).expect("case is JSON");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let case = parse_case(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let outputs = run_case(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tol = Tolerance::of(&raw);
        let expected: Vec<&Value> = match raw.get("epochs").and_then(Value::as_array) {
            Some(epochs) => epochs.iter().filter_map(|e| e.get("expected")).collect(),
            None => raw.get("expected").into_iter().collect(),
        };
        assert_eq!(expected.len(), outputs.len(), "{name}: epoch count");
        let mut worst = 0.0f64;
        for (k, (want, got)) in expected.iter().zip(&outputs).enumerate() {
            let report = compare(
                &format!("{name} epoch {k}"),
                want,
                &ExpectedJson::from_output(got),
                &tol,
            );
            worst = report.iter().map(|(_, e)| *e).fold(worst, f64::max);
        }
        println!("{name}: {} epoch(s), max error {worst:e}", outputs.len());
    }
}
