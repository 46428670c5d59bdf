//! Any text as an SS58 address: decoding refuses bad characters, lengths, checksums and
//! networks in words, never panics, and what decodes re-encodes to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use taoscope_core::keys::{AccountId, ss58_decode_any, ss58_encode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = AccountId::from_ss58(text);
    if let Ok((format, account)) = ss58_decode_any(text) {
        assert_eq!(ss58_encode(&account, format), text);
    }
});
