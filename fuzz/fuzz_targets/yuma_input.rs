//! Fuzzes the Yuma case reader and the epoch behind it: any bytes must give either an
//! output or a clear error, never a panic, an overflow or an out-of-bounds access.
#![no_main]

use libfuzzer_sys::fuzz_target;
use taoscope_core::yuma::{case_output_json, parse_case, run_case};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(case) = parse_case(text) else {
        return;
    };
    if let Ok(outputs) = run_case(&case) {
        let _ = case_output_json(&case, &outputs);
    }
});
