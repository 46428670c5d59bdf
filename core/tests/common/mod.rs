//! Shared by the explorer's tests and benchmarks: the fixture files and recorded answers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use subxt::metadata::Metadata;

/// `shared/fixtures/finney-recorded`, or `TAOSCOPE_FIXTURES` when set.
pub fn recorded_dir() -> PathBuf {
    match std::env::var("TAOSCOPE_FIXTURES") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/finney-recorded")
        }
    }
}

/// Spec 343 metadata: the runtime of the recorded `metagraph` seed.
pub fn metadata_343() -> Metadata {
    let bytes = std::fs::read(recorded_dir().join("metadata.scale")).expect("metadata.scale");
    Metadata::decode_from(&bytes).expect("spec 343 metadata decodes")
}

/// Spec 393 metadata (`shared/fixtures/finney-metadata`), beside the recording.
pub fn metadata_393() -> Metadata {
    let path = recorded_dir().join("../finney-metadata/metadata.scale");
    let bytes = std::fs::read(path).expect("finney-metadata/metadata.scale");
    Metadata::decode_from(&bytes).expect("spec 393 metadata decodes")
}

/// The recorded answer (SCALE bytes) to `state_call` of `api_method` in `seed`.
pub fn recorded_state_call(seed: &str, api_method: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(recorded_dir().join("recorded.jsonl")).expect("recording");
    for line in text.lines() {
        let e: serde_json::Value = serde_json::from_str(line).expect("json line");
        if e["seed"] == seed && e["method"] == "state_call" && e["params"][0] == api_method {
            let hex_text = e["result"].as_str().expect("hex result");
            return hex::decode(hex_text.trim_start_matches("0x")).expect("hex");
        }
    }
    panic!("no recorded {api_method} in seed {seed}");
}

/// `shared/vectors`, or `TAOSCOPE_VECTORS` when set.
pub fn vectors_dir() -> PathBuf {
    match std::env::var_os("TAOSCOPE_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
    }
}

/// A vector file (JSON) under [`vectors_dir`].
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("vector JSON")
}

/// A string field of a vector entry.
pub fn text<'a>(entry: &'a Value, field: &str) -> &'a str {
    entry[field]
        .as_str()
        .unwrap_or_else(|| panic!("field {field} in {entry}"))
}
