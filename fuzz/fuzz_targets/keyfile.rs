//! Any bytes as a keyfile: the format detection, the JSON parser and the envelope checks
//! must refuse garbage in words, never panic. The 512 MiB KDF is not run per input:
//! encrypted inputs are read without a password, and Ansible Vault (cheap KDF) with one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use taoscope_core::wallet::{Encryption, decrypt_keyfile, parse_keyfile_json, read_keyfile};

fuzz_target!(|data: &[u8]| {
    let _ = parse_keyfile_json(data);
    let _ = read_keyfile(data, None);
    if Encryption::detect(data) == Some(Encryption::AnsibleVault) {
        let _ = decrypt_keyfile(data, "fuzz-password");
    }
});
