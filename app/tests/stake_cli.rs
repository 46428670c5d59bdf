//! `taoscope stake …` and `taoscope transfer`: bad input is refused with a message naming
//! the field, before any network access (the node given here does not exist).

mod common;

use std::path::PathBuf;

use common::taoscope;

const VALIDATOR: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";
/// No node listens on port 1: a command that reached for the network would fail with a
/// connection message instead of the input message the tests expect.
const NOWHERE: &str = "ws://127.0.0.1:1";

fn wallets() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/keys/wallets")
}

fn refused(args: &[&str], field: &str, words: &str) {
    let out = taoscope()
        .args(["--network", NOWHERE])
        .args(args)
        .args(["--wallet", "alice-nacl", "--wallet-path"])
        .arg(wallets())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(field), "{args:?} names {field}: {stderr}");
    assert!(stderr.contains(words), "{args:?} says {words:?}: {stderr}");
    assert!(!stderr.contains("127.0.0.1"), "no network access: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

#[test]
fn bad_amounts_and_addresses_fail_fast_offline() {
    let add = |amount: &'static str, hotkey: &'static str| {
        vec![
            "stake", "add", "--netuid", "1", "--hotkey", hotkey, "--amount", amount,
        ]
    };
    refused(
        &add("1.0000000001", VALIDATOR),
        "--amount",
        "at most 9 digits",
    );
    refused(&add("0", VALIDATOR), "--amount", "more than zero");
    refused(&add("-1", VALIDATOR), "--amount", "positive");
    refused(&add("1e3", VALIDATOR), "--amount", "not an amount");
    // The last character changed: the checksum no longer matches.
    let typo = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Z";
    refused(&add("1", typo), "--hotkey", "checksum");
    refused(
        &["transfer", "--to", typo, "--amount", "1"],
        "--to",
        "checksum",
    );
    refused(
        &["transfer", "--to", VALIDATOR, "--amount", "0.1234567891"],
        "--amount",
        "at most 9 digits",
    );
    refused(
        &[
            "stake",
            "add",
            "--netuid",
            "1",
            "--hotkey",
            VALIDATOR,
            "--amount",
            "1",
            "--tolerance",
            "75",
        ],
        "--tolerance",
        "between 0 and 50",
    );
    refused(
        &[
            "stake", "remove", "--netuid", "1", "--hotkey", VALIDATOR, "--amount", "0.0",
        ],
        "--amount",
        "more than zero",
    );
}

#[test]
fn an_unknown_wallet_is_refused_before_the_network() {
    let out = taoscope()
        .args([
            "--network",
            NOWHERE,
            "transfer",
            "--to",
            VALIDATOR,
            "--amount",
            "1",
        ])
        .args(["--wallet", "no-such-wallet", "--wallet-path"])
        .arg(wallets())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no-such-wallet"), "{stderr}");
}
