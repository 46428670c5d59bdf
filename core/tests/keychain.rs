//! The OS keychain against a real Secret Service.
//!
//! Run it inside a session bus with an unlocked gnome-keyring:
//! `dbus-run-session -- sh -c 'printf %s pw | gnome-keyring-daemon --unlock --components=secrets
//! >/dev/null && cargo test -p taoscope-core --test keychain'` (with a fresh `HOME`).
//! Without a reachable Secret Service the test FAILS, unless `TAOSCOPE_SKIP_KEYCHAIN_TESTS=1`.

use taoscope_core::keychain::{self, KeychainError};
use taoscope_core::keys::SecretSeed;

fn skipped() -> bool {
    if std::env::var("TAOSCOPE_SKIP_KEYCHAIN_TESTS").as_deref() == Ok("1") {
        eprintln!("keychain test skipped: TAOSCOPE_SKIP_KEYCHAIN_TESTS=1");
        return true;
    }
    false
}

#[test]
fn keychain_stores_reads_back_and_forgets() {
    if skipped() {
        return;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let wallet = format!("taoscope-test-{}-{nanos}", std::process::id());
    let seed = SecretSeed::from_bytes([0x42; 32]);

    if let Err(error) = keychain::remember(&wallet, &seed) {
        panic!(
            "no usable Secret Service ({error}). Run inside dbus-run-session with an unlocked \
             gnome-keyring-daemon, or set TAOSCOPE_SKIP_KEYCHAIN_TESTS=1 to skip"
        );
    }
    let recalled = keychain::recall(&wallet).expect("recall");
    assert_eq!(recalled.as_ref(), Some(&seed));

    // Storing again replaces the value.
    let other = SecretSeed::from_bytes([0x24; 32]);
    keychain::remember(&wallet, &other).expect("replace");
    assert_eq!(keychain::recall(&wallet).expect("recall"), Some(other));

    keychain::forget(&wallet).expect("forget");
    assert_eq!(
        keychain::recall(&wallet).expect("recall after forget"),
        None
    );
    keychain::forget(&wallet).expect("forgetting twice is fine");
}

#[test]
fn the_unavailable_error_reads_plainly() {
    assert_eq!(
        KeychainError::Unavailable.to_string(),
        "No system keychain is available; your password will be asked when you sign"
    );
}
