//! Wallet commands end to end: btcli layout, the reference library reading our files,
//! clean failures, and no secret in any log line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn vectors() -> PathBuf {
    std::env::var_os("TAOSCOPE_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"))
}

fn taoscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taoscope"))
        .args(args)
        .env(
            "TAOSCOPE_CONFIG_DIR",
            std::env::temp_dir().join("taoscope-wallet-test-config"),
        )
        .env("LANG", "C")
        .env("RUST_LOG", "trace")
        .output()
        .expect("taoscope runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn reference_wallet() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(vectors().join("keys/keys.json")).expect("keys.json");
    let keys: Value = serde_json::from_str(&text).expect("json");
    keys["wallets"][0]
        .as_object()
        .cloned()
        .expect("a wallet vector")
}

/// The reference library btcli uses (`bittensor-wallet`), from the venv scripts/test.sh makes.
fn reference_python() -> Option<PathBuf> {
    if std::env::var("TAOSCOPE_SKIP_REFERENCE").as_deref() == Ok("1") {
        return None;
    }
    let python = std::env::var_os("TAOSCOPE_REFERENCE_PYTHON").map(PathBuf::from).expect(
        "TAOSCOPE_REFERENCE_PYTHON must point at a python with bittensor-wallet (scripts/test.sh sets it)",
    );
    Some(python)
}

#[test]
fn an_imported_wallet_opens_in_the_reference_library() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vector = reference_wallet();
    let mnemonic = vector["coldkey_mnemonic"].as_str().expect("mnemonic");
    let password = vector["password"].as_str().expect("password");
    let expected = vector["coldkey_ss58"].as_str().expect("ss58");
    let hot = "because lonely sponsor shaft clean creek coconut senior afford feel figure please";
    let mnemonic_file = write(dir.path(), "m.txt", &format!("{mnemonic}\n"));
    let hot_file = write(dir.path(), "h.txt", hot);
    let password_file = write(dir.path(), "p.txt", &format!("{password}\n"));
    let wallets = dir.path().join("wallets");
    let wallets_arg = wallets.to_str().expect("utf-8");
    let output = taoscope(&[
        "wallet",
        "import",
        "--name",
        "mine",
        "--wallet-path",
        wallets_arg,
        "--mnemonic-file",
        mnemonic_file.to_str().expect("utf-8"),
        "--hotkey-mnemonic-file",
        hot_file.to_str().expect("utf-8"),
        "--password-file",
        password_file.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let imported: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(imported["coldkey_ss58"], expected);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&wallets.join("mine/coldkey")), 0o600);
        assert_eq!(mode(&wallets.join("mine")), 0o700);
    }

    // Our own list and unlock read it back.
    let listed = taoscope(&["wallet", "list", "--wallet-path", wallets_arg, "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert_eq!(listed[0]["name"], "mine");
    assert_eq!(listed[0]["coldkeypub_ss58"], expected);
    assert_eq!(
        listed[0]["hotkeys"][0]["ss58"],
        "5F4sGRWPUqVjVQ4sTLPMcDMBoDG3TyK52njheHVNkPgMUd77"
    );

    let Some(python) = reference_python() else {
        return;
    };
    let script = r#"
import json, sys
import bittensor_wallet as bw
w = bw.Wallet(name="mine", path=sys.argv[1])
cold = w.coldkey_file
assert cold.is_encrypted(), "coldkey must be encrypted"
pair = cold.get_keypair(password=sys.argv[2])
print(json.dumps({"pub": w.coldkeypub.ss58_address, "cold": pair.ss58_address,
                  "hot": w.hotkey.ss58_address}))
"#;
    let out = Command::new(python)
        .args(["-c", script, wallets_arg, password])
        .output()
        .expect("reference python runs");
    assert!(
        out.status.success(),
        "reference failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().expect("a JSON line");
    let seen: Value = serde_json::from_str(line).expect("json");
    assert_eq!(seen["pub"], expected);
    assert_eq!(
        seen["cold"], expected,
        "the reference decrypts our coldkey with the password"
    );
    assert_eq!(
        seen["hot"],
        "5F4sGRWPUqVjVQ4sTLPMcDMBoDG3TyK52njheHVNkPgMUd77"
    );
}

#[test]
fn the_reference_vector_wallet_unlocks_and_a_wrong_password_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vector = reference_wallet();
    let wallets = vectors().join("keys/wallets");
    let wallets_arg = wallets.to_str().expect("utf-8");
    let name = vector["wallet"].as_str().expect("name");
    let good = write(
        dir.path(),
        "good",
        vector["password"].as_str().expect("password"),
    );
    let output = taoscope(&[
        "wallet",
        "unlock",
        "--name",
        name,
        "--wallet-path",
        wallets_arg,
        "--password-file",
        good.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let unlocked: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(unlocked["coldkey_ss58"], vector["coldkey_ss58"]);

    let bad = write(dir.path(), "bad", "not the password");
    let output = taoscope(&[
        "wallet",
        "unlock",
        "--name",
        name,
        "--wallet-path",
        wallets_arg,
        "--password-file",
        bad.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.to_lowercase().contains("wrong password"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_input_is_refused_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let typo = write(
        dir.path(),
        "typo",
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    );
    let output = taoscope(&[
        "keys",
        "inspect",
        "--mnemonic-file",
        typo.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.to_lowercase().contains("checksum"), "{stderr}");

    let missing = taoscope(&[
        "wallet",
        "unlock",
        "--name",
        "nope",
        "--wallet-path",
        dir.path().to_str().expect("utf-8"),
        "--password-file",
        typo.to_str().expect("utf-8"),
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));

    // A corrupt coldkey file is "not a Bittensor wallet", not a panic.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).expect("dir");
    std::fs::write(broken.join("coldkey"), b"$NACL garbage").expect("write");
    std::fs::write(broken.join("coldkeypub.txt"), b"{not json").expect("write");
    let output = taoscope(&[
        "wallet",
        "unlock",
        "--name",
        "broken",
        "--wallet-path",
        dir.path().to_str().expect("utf-8"),
        "--password-file",
        typo.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let listed = taoscope(&[
        "wallet",
        "list",
        "--wallet-path",
        dir.path().to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        listed.status.success(),
        "a broken wallet does not break the list"
    );
    let rows: Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert!(rows[0]["error"].is_string(), "{rows}");
}

#[test]
fn no_secret_reaches_any_log_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wallets = dir.path().join("wallets");
    let wallets_arg = wallets.to_str().expect("utf-8");
    let password = "unusual-pass-phrase-4829";
    let pw = write(dir.path(), "pw", password);
    let mut logs = String::new();

    let created = taoscope(&[
        "wallet",
        "create",
        "--name",
        "fresh",
        "--wallet-path",
        wallets_arg,
        "--password-file",
        pw.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    logs.push_str(&String::from_utf8_lossy(&created.stderr));
    let info: Value = serde_json::from_slice(&created.stdout).expect("json");
    let cold_phrase = info["coldkey_mnemonic"]
        .as_str()
        .expect("phrase")
        .to_string();
    let hot_phrase = info["hotkey_mnemonic"]
        .as_str()
        .expect("phrase")
        .to_string();
    assert_eq!(cold_phrase.split_whitespace().count(), 12);

    let phrase_file = write(dir.path(), "phrase", &cold_phrase);
    for args in [
        vec![
            "wallet",
            "import",
            "--name",
            "again",
            "--wallet-path",
            wallets_arg,
            "--mnemonic-file",
            phrase_file.to_str().expect("utf-8"),
            "--password-file",
            pw.to_str().expect("utf-8"),
        ],
        vec![
            "wallet",
            "unlock",
            "--name",
            "again",
            "--wallet-path",
            wallets_arg,
            "--password-file",
            pw.to_str().expect("utf-8"),
        ],
        vec!["wallet", "list", "--wallet-path", wallets_arg],
    ] {
        let out = taoscope(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
        // Only `create` shows a phrase, once; nothing else prints a secret even on stdout.
        logs.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    assert!(
        logs.contains("unlocking coldkey"),
        "the log is really on: {logs}"
    );

    // The hotkey file is unencrypted JSON: its seed is a secret that must not leak either.
    let hotkey: Value = serde_json::from_slice(
        &std::fs::read(wallets.join("fresh/hotkeys/default")).expect("hotkey file"),
    )
    .expect("json");
    let hot_seed = hotkey["secretSeed"]
        .as_str()
        .expect("seed")
        .trim_start_matches("0x")
        .to_string();
    for secret in [
        cold_phrase.as_str(),
        hot_phrase.as_str(),
        password,
        hot_seed.as_str(),
    ] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
    // Each word run of the phrase, too (a log could split it).
    let first_words: String = cold_phrase
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!logs.contains(&first_words));
}
