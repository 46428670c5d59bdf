//! btcli wallet files: the reference wallets and keyfiles in `shared/vectors`, NaCl round trips,
//! legacy formats, listing with broken files, and refusals.
//!
//! Each NaCl open or write runs Argon2i over 512 MiB (seconds), so this file does only a
//! handful of them: 3 on the reference files, 4 in the round trip (plus one in the reference
//! Python named by `TAOSCOPE_REFERENCE_PYTHON`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use taoscope_core::keys::{Keypair, Mnemonic, WordCount};
use taoscope_core::wallet::{
    Damage, Encryption, KeyfileError, KeyfileKey, NewWallet, Overwrite, WalletError, Wallets,
    decrypt_keyfile, default_wallets_dir, keyfile_json, parse_keyfile_json, public_keyfile_json,
    read_keyfile,
};

mod common;
use common::{load, text, vectors_dir};

#[test]
fn reference_wallets_unlock_and_refuse_wrong_passwords() {
    let vectors = load("keys/keys.json");
    let wallets = Wallets::new(vectors_dir().join("keys/wallets"));
    let listed = wallets.list().expect("list");
    for entry in vectors["wallets"].as_array().expect("wallets") {
        let name = text(entry, "wallet");
        let summary = listed
            .iter()
            .find(|w| w.name == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        let cold_address = text(entry, "coldkey_ss58");
        assert_eq!(
            summary.coldkey.as_ref().map(ToString::to_string).as_deref(),
            Ok(cold_address)
        );
        assert!(summary.has_coldkey);
        let hotkeys = summary.hotkeys.as_ref().expect("hotkeys");
        let hot = hotkeys
            .iter()
            .find(|h| h.name == text(entry, "hotkey"))
            .expect("hotkey listed");
        assert_eq!(
            hot.address.as_ref().map(ToString::to_string).as_deref(),
            Ok(text(entry, "hotkey_ss58"))
        );

        let wallet = wallets.existing(name).expect("wallet");
        assert_eq!(wallet.coldkey_encryption(), Ok(Encryption::NaCl));
        assert_eq!(text(entry, "encryption"), "NaCl");

        let started = Instant::now();
        let cold = wallet
            .unlock_coldkey(text(entry, "password"))
            .expect("unlocks");
        eprintln!(
            "one NaCl unlock (Argon2i, 512 MiB, 8 passes) took {} ms",
            started.elapsed().as_millis()
        );
        assert_eq!(cold.ss58_address(), cold_address);
        assert_eq!(
            cold.mnemonic().map(Mnemonic::phrase),
            Some(text(entry, "coldkey_mnemonic"))
        );

        let error = wallet.unlock_coldkey("not the password").unwrap_err();
        assert_eq!(error, WalletError::WrongPassword);
        assert_eq!(error.to_string(), "Wrong password");

        let hotkey = wallet.hotkey(text(entry, "hotkey"), None).expect("hotkey");
        assert_eq!(hotkey.ss58_address(), text(entry, "hotkey_ss58"));
        assert_eq!(
            wallet.export_coldkeypub().expect("export"),
            public_keyfile_json(&cold.account_id())
        );
    }
}

#[test]
fn reference_keyfiles_decrypt_to_the_exact_plaintext() {
    let vectors = load("keyfiles.json");
    for entry in vectors["keyfiles"].as_array().expect("keyfiles") {
        let dir = vectors_dir().join("keyfiles").join(text(entry, "name"));
        let coldkey = std::fs::read(dir.join("coldkey")).expect("coldkey");
        assert_eq!(
            coldkey.len() as u64,
            entry["raw_len"].as_u64().expect("len")
        );
        assert_eq!(Encryption::detect(&coldkey), Some(Encryption::NaCl));
        assert_eq!(hex::encode(&coldkey[5..29]), text(entry, "nonce_hex"));

        let plain = decrypt_keyfile(&coldkey, text(entry, "password")).expect("decrypts");
        let expected = std::fs::read(dir.join("decrypted.json")).expect("decrypted.json");
        assert_eq!(plain.as_slice(), expected.as_slice());
        assert_eq!(
            plain.len() as u64,
            entry["expected_plaintext_len"].as_u64().expect("len")
        );
        let parsed: Value = serde_json::from_slice(&plain).expect("json");
        assert_eq!(parsed, entry["expected_plaintext_json"]);

        let expected_address = text(&entry["expected_plaintext_json"], "ss58Address");
        let key = parse_keyfile_json(&plain).expect("parses");
        assert!(matches!(key, KeyfileKey::Secret(_)));
        assert_eq!(key.account_id().to_ss58(), expected_address);
        let KeyfileKey::Secret(pair) = key else {
            unreachable!()
        };
        // What we would write holds the same fields and values as the reference.
        let ours: Value = serde_json::from_slice(&keyfile_json(&pair)).expect("ours");
        assert_eq!(ours, entry["expected_plaintext_json"]);

        let public = std::fs::read(dir.join("coldkeypub.txt")).expect("pub");
        let public_key = read_keyfile(&public, None).expect("pub parses");
        assert!(matches!(public_key, KeyfileKey::Public(_)));
        assert_eq!(public_key.account_id().to_ss58(), expected_address);
        let ours: Value =
            serde_json::from_str(&public_keyfile_json(&public_key.account_id())).expect("json");
        assert_eq!(ours, entry["coldkeypub_json"]);
    }
}

#[test]
fn the_keyfile_load_priority_is_phrase_seed_private_then_address() {
    let pair = Keypair::from_phrase(
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
    )
    .expect("pair");
    let full: Value = serde_json::from_slice(&keyfile_json(&pair)).expect("json");
    let address = pair.ss58_address();
    for drop in [
        vec![],
        vec!["secretPhrase"],
        vec!["secretPhrase", "secretSeed"],
        vec!["secretPhrase", "secretSeed", "privateKey"],
    ] {
        let mut json = full.clone();
        for field in &drop {
            json.as_object_mut().expect("object").remove(*field);
        }
        let key = parse_keyfile_json(json.to_string().as_bytes()).expect("parses");
        assert_eq!(key.account_id().to_ss58(), address, "without {drop:?}");
        assert_eq!(matches!(key, KeyfileKey::Secret(_)), drop.len() < 3);
    }
    // A secret that does not belong to the written address is refused.
    let mut json = full.clone();
    json["ss58Address"] = Value::from("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    json["publicKey"] = Value::Null;
    json["accountId"] = Value::Null;
    assert_eq!(
        parse_keyfile_json(json.to_string().as_bytes()).unwrap_err(),
        KeyfileError::Damaged(Damage::AddressMismatch)
    );
}

fn mode(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0
    }
}

#[test]
fn created_wallets_round_trip_through_nacl() {
    let root = tempfile::tempdir().expect("tempdir");
    let wallets = Wallets::new(root.path().join("wallets"));
    let created = wallets
        .create(
            "main",
            "first password",
            WordCount::Twelve,
            Overwrite::Refuse,
        )
        .expect("create");
    let wallet = &created.wallet;
    let cold_phrase = created
        .coldkey
        .mnemonic()
        .expect("phrase")
        .phrase()
        .to_owned();
    assert_eq!(cold_phrase.split(' ').count(), 12);
    assert!(created.hotkey.mnemonic().is_some());

    let coldkey = std::fs::read(wallet.coldkey_path()).expect("coldkey");
    assert!(coldkey.starts_with(b"$NACL"));
    assert_eq!(
        wallet.coldkeypub().expect("pub"),
        created.coldkey.account_id()
    );
    let hotkey_file = std::fs::read(wallet.hotkey_path("default")).expect("hotkey");
    assert_eq!(Encryption::detect(&hotkey_file), Some(Encryption::None));
    assert_eq!(
        wallet.hotkey("default", None).expect("hotkey").account_id(),
        created.hotkey.account_id()
    );
    assert_eq!(
        wallet.hotkey_address("default"),
        Ok(created.hotkey.account_id())
    );
    if cfg!(unix) {
        assert_eq!(mode(wallet.dir()), 0o700);
        assert_eq!(mode(&wallet.dir().join("hotkeys")), 0o700);
        for file in [
            wallet.coldkey_path(),
            wallet.coldkeypub_path(),
            wallet.hotkey_path("default"),
            wallet.hotkey_pub_path("default"),
        ] {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }

    // Never replaced silently.
    let again = wallets
        .create(
            "main",
            "other password",
            WordCount::Twelve,
            Overwrite::Refuse,
        )
        .unwrap_err();
    assert_eq!(
        again,
        WalletError::AlreadyExists {
            path: wallet.coldkey_path()
        }
    );
    assert!(again.to_string().contains("already exists"));

    // Change the password (opens what we wrote, writes it again), then open with the new one.
    wallet
        .change_password("first password", "second password")
        .expect("change password");
    let reopened = wallet.unlock_coldkey("second password").expect("unlock");
    assert_eq!(reopened.account_id(), created.coldkey.account_id());
    assert_eq!(
        reopened.mnemonic().map(Mnemonic::phrase),
        Some(cold_phrase.as_str())
    );
    assert_eq!(
        wallet.change_password("second password", "short"),
        Err(WalletError::PasswordTooShort { min: 6 })
    );

    reference_reads_back(&wallets, "main", "second password", &created);

    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(wallet.dir())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Reads a wallet we wrote with bittensor-wallet 4.1.1 itself, when `TAOSCOPE_REFERENCE_PYTHON`
/// names a Python that has it (scripts/test.sh sets one up).
fn reference_reads_back(wallets: &Wallets, name: &str, password: &str, created: &NewWallet) {
    if std::env::var("TAOSCOPE_SKIP_REFERENCE").as_deref() == Ok("1") {
        return;
    }
    let python = std::env::var_os("TAOSCOPE_REFERENCE_PYTHON").expect(
        "TAOSCOPE_REFERENCE_PYTHON must name a Python with bittensor-wallet (scripts/test.sh sets it); \
         TAOSCOPE_SKIP_REFERENCE=1 skips this check",
    );
    let script = r#"
import json, sys
from bittensor_wallet import Wallet
path, name, password = sys.argv[1:4]
wallet = Wallet(name=name, hotkey="default", path=path)
pair = wallet.coldkey_file.get_keypair(password=password)
print(json.dumps({"coldkey": pair.ss58_address, "coldkeypub": wallet.coldkeypub.ss58_address,
                  "hotkey": wallet.hotkey.ss58_address, "hotkeypub": wallet.hotkeypub.ss58_address}))
"#;
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(wallets.root())
        .arg(name)
        .arg(password)
        .output()
        .expect("the reference Python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "reference failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    let seen: Value = serde_json::from_str(last).expect("reference JSON");
    let cold = created.coldkey.ss58_address();
    let hot = created.hotkey.ss58_address();
    assert_eq!(seen["coldkey"], cold.as_str());
    assert_eq!(seen["coldkeypub"], cold.as_str());
    assert_eq!(seen["hotkey"], hot.as_str());
    assert_eq!(seen["hotkeypub"], hot.as_str());
}

#[test]
fn hotkeys_are_added_listed_and_not_overwritten() {
    let root = tempfile::tempdir().expect("tempdir");
    let wallets = Wallets::new(root.path());
    let wallet = wallets.wallet("w").expect("name");
    let first = wallet
        .add_hotkey("miner1", WordCount::TwentyFour, Overwrite::Refuse)
        .expect("add");
    assert_eq!(
        first.mnemonic().expect("phrase").word_count(),
        WordCount::TwentyFour
    );
    let phrase = Mnemonic::parse(
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
    )
    .expect("phrase");
    let imported = wallet
        .import_hotkey("miner2", &phrase, Overwrite::Refuse)
        .expect("import");
    assert_eq!(
        imported.ss58_address(),
        "5EHgWw2Af1pnoc7f1A8bfmM97W3DAYW8xr82RfhLL9oAabAe"
    );
    assert!(matches!(
        wallet.add_hotkey("miner1", WordCount::Twelve, Overwrite::Refuse),
        Err(WalletError::AlreadyExists { .. })
    ));
    let replaced = wallet
        .add_hotkey("miner1", WordCount::Twelve, Overwrite::Replace)
        .expect("replace");
    assert_ne!(replaced.account_id(), first.account_id());

    let hotkeys = wallet.list_hotkeys().expect("list");
    let names: Vec<&str> = hotkeys.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["miner1", "miner2"]);
    assert_eq!(hotkeys[0].address, Ok(replaced.account_id()));
    assert_eq!(hotkeys[1].address, Ok(imported.account_id()));

    for bad in ["", "../evil", "a/b", ".hidden", "xpub.txt"] {
        assert!(
            matches!(
                wallet.add_hotkey(bad, WordCount::Twelve, Overwrite::Refuse),
                Err(WalletError::InvalidName { .. })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        wallets.wallet("../x"),
        Err(WalletError::InvalidName { .. })
    ));
}

#[test]
fn broken_wallets_are_reported_one_by_one() {
    let root = tempfile::tempdir().expect("tempdir");
    let base = root.path();
    let good_pair = Keypair::from_uri("//Alice").expect("alice");

    // good: only public files (watch-only) and a good hotkey.
    std::fs::create_dir_all(base.join("good/hotkeys")).expect("dirs");
    std::fs::write(
        base.join("good/coldkeypub.txt"),
        public_keyfile_json(&good_pair.account_id()),
    )
    .expect("write");
    std::fs::write(base.join("good/hotkeys/h"), &*keyfile_json(&good_pair)).expect("write");
    // broken: garbage coldkeypub, corrupt hotkey JSON, a hotkey with only its pub file.
    std::fs::create_dir_all(base.join("broken/hotkeys")).expect("dirs");
    std::fs::write(base.join("broken/coldkey"), b"\x00\x01 random bytes").expect("write");
    std::fs::write(base.join("broken/coldkeypub.txt"), b"hello world").expect("write");
    std::fs::write(
        base.join("broken/hotkeys/bad"),
        br#"{"secretPhrase": "aband"#,
    )
    .expect("w");
    std::fs::write(
        base.join("broken/hotkeys/watchpub.txt"),
        public_keyfile_json(&good_pair.account_id()),
    )
    .expect("write");
    // nopub: a coldkey but no coldkeypub.txt. Not a wallet: an empty folder and a plain file.
    std::fs::create_dir_all(base.join("nopub")).expect("dirs");
    std::fs::write(base.join("nopub/coldkey"), b"$NACL").expect("write");
    std::fs::create_dir_all(base.join("empty")).expect("dirs");
    std::fs::write(base.join("notes.txt"), b"x").expect("write");

    let wallets = Wallets::new(base);
    let list = wallets.list().expect("the list itself works");
    let names: Vec<&str> = list.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["broken", "good", "nopub"]);

    let good = &list[1];
    assert_eq!(good.coldkey, Ok(good_pair.account_id()));
    assert!(!good.has_coldkey);
    let hotkeys = good.hotkeys.as_ref().expect("hotkeys");
    assert_eq!(hotkeys.len(), 1);
    assert_eq!(hotkeys[0].address, Ok(good_pair.account_id()));

    let broken = &list[0];
    let error = broken.coldkey.clone().unwrap_err();
    assert!(matches!(
        error,
        WalletError::Keyfile {
            error: KeyfileError::NotAWallet,
            ..
        }
    ));
    assert!(
        error
            .to_string()
            .starts_with("This file is not a Bittensor wallet"),
        "{error}"
    );
    let hotkeys = broken.hotkeys.as_ref().expect("hotkeys");
    let names: Vec<&str> = hotkeys.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["bad", "watch"]);
    let bad = hotkeys[0].address.clone().unwrap_err();
    assert!(matches!(
        bad,
        WalletError::Keyfile {
            error: KeyfileError::Damaged(Damage::BadJson),
            ..
        }
    ));
    assert!(bad.to_string().contains("damaged"), "{bad}");
    assert!(!hotkeys[1].has_secret);
    assert_eq!(hotkeys[1].address, Ok(good_pair.account_id()));

    let nopub = &list[2];
    assert!(matches!(nopub.coldkey, Err(WalletError::Missing { .. })));

    // Garbage and cut-short coldkeys fail cleanly, before any slow key derivation.
    let broken_wallet = wallets.existing("broken").expect("exists");
    assert!(matches!(
        broken_wallet.unlock_coldkey("whatever"),
        Err(WalletError::Keyfile {
            error: KeyfileError::NotAWallet,
            ..
        })
    ));
    assert!(matches!(
        wallets
            .existing("nopub")
            .expect("exists")
            .unlock_coldkey("x"),
        Err(WalletError::Keyfile {
            error: KeyfileError::Damaged(Damage::TooShort),
            ..
        })
    ));
    assert!(matches!(
        wallets.existing("missing"),
        Err(WalletError::WalletNotFound { .. })
    ));
    assert!(
        Wallets::new(base.join("does-not-exist"))
            .list()
            .expect("ok")
            .is_empty()
    );
}

#[test]
fn garbage_and_corrupt_keyfiles_give_plain_errors() {
    assert_eq!(
        read_keyfile(b"", None).unwrap_err(),
        KeyfileError::NotAWallet
    );
    assert_eq!(
        read_keyfile(b"\x89PNG\r\n", None).unwrap_err().to_string(),
        "This file is not a Bittensor wallet"
    );
    assert_eq!(
        read_keyfile(br#"{"secretPhrase": "abandon abandon"#, None).unwrap_err(),
        KeyfileError::Damaged(Damage::BadJson)
    );
    assert_eq!(
        read_keyfile(br#"{"colour": "blue"}"#, None).unwrap_err(),
        KeyfileError::NotAWallet
    );
    assert_eq!(
        read_keyfile(br#"{"secretSeed": "0x1234"}"#, None).unwrap_err(),
        KeyfileError::Damaged(Damage::BadField("secretSeed"))
    );
    assert_eq!(
        read_keyfile(
            br#"{"ss58Address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX"}"#,
            None
        )
        .unwrap_err(),
        KeyfileError::Damaged(Damage::BadField("ss58Address"))
    );
    assert_eq!(
        read_keyfile(br#"{"privateKey": "0x00", "cryptoType": 0}"#, None).unwrap_err(),
        KeyfileError::UnsupportedKeyType
    );
    assert_eq!(
        read_keyfile(b"$NACL0123456789", Some("pw")).unwrap_err(),
        KeyfileError::Damaged(Damage::TooShort)
    );
    assert_eq!(
        read_keyfile(b"$NACL0123456789", None).unwrap_err(),
        KeyfileError::PasswordNeeded
    );
    assert!(read_keyfile(b"gAAAAA", Some("pw")).is_err());
    assert!(
        KeyfileError::Damaged(Damage::BadJson)
            .to_string()
            .starts_with("This wallet file is damaged")
    );
}

/// Builds an Ansible Vault 1.1 file the way Ansible does, from the primitives.
fn ansible_vault(plaintext: &[u8], password: &str) -> String {
    use aes::cipher::{KeyIvInit, StreamCipher};
    let salt = [0x5au8; 32];
    let mut derived = [0u8; 80];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, 10_000, &mut derived);
    let pad = 16 - plaintext.len() % 16;
    let mut body = plaintext.to_vec();
    body.extend(std::iter::repeat_n(pad as u8, pad));
    ctr::Ctr128BE::<aes::Aes256>::new_from_slices(&derived[..32], &derived[64..])
        .expect("sizes")
        .apply_keystream(&mut body);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&derived[32..64]).expect("key");
    mac.update(&body);
    let inner = format!(
        "{}\n{}\n{}",
        hex::encode(salt),
        hex::encode(mac.finalize().into_bytes()),
        hex::encode(&body)
    );
    let outer = hex::encode(inner);
    let lines: Vec<&str> = outer
        .as_bytes()
        .chunks(80)
        .map(|c| std::str::from_utf8(c).expect("hex"))
        .collect();
    format!("$ANSIBLE_VAULT;1.1;AES256\n{}\n", lines.join("\n"))
}

#[test]
fn ansible_vault_coldkeys_unlock() {
    let root = tempfile::tempdir().expect("tempdir");
    let pair = Keypair::from_phrase(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    )
    .expect("pair");
    let dir = root.path().join("legacy");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("coldkey"),
        ansible_vault(&keyfile_json(&pair), "old secret"),
    )
    .expect("write");
    std::fs::write(
        dir.join("coldkeypub.txt"),
        public_keyfile_json(&pair.account_id()),
    )
    .expect("write");
    let wallet = Wallets::new(root.path())
        .existing("legacy")
        .expect("wallet");
    assert_eq!(wallet.coldkey_encryption(), Ok(Encryption::AnsibleVault));
    let opened = wallet.unlock_coldkey("old secret").expect("opens");
    assert_eq!(
        opened.ss58_address(),
        "5EPCUjPxiHAcNooYipQFWr9NmmXJKpNG5RhcntXwbtUySrgH"
    );
    assert_eq!(
        wallet.unlock_coldkey("new secret").unwrap_err(),
        WalletError::WrongPassword
    );
}

#[test]
fn the_wallet_folder_follows_bt_wallet_path() {
    // The only test in this binary that reads the variable.
    // SAFETY: no other thread of this test binary reads or writes BT_WALLET_PATH.
    unsafe { std::env::set_var("BT_WALLET_PATH", "/tmp/taoscope-wallets-test") };
    assert_eq!(
        default_wallets_dir(),
        PathBuf::from("/tmp/taoscope-wallets-test")
    );
    // SAFETY: as above.
    unsafe { std::env::remove_var("BT_WALLET_PATH") };
    assert!(default_wallets_dir().ends_with(".bittensor/wallets"));
}

/// Alice's keyfile JSON, encrypted below by the reference tools.
const ALICE_SEED: &str = "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a";
const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/// Made by bittensor-wallet 4.1.1 `legacy_encrypt_keyfile_data(data, password="legacy pw")`.
const REFERENCE_ANSIBLE: &str = "$ANSIBLE_VAULT;1.1;AES256\n37333937313836356134386435666234326434363866326432363837396139336334306636373237\n3430386663653664386538633638343263393266393263390a386637323333316462383836306637\n32613234306633313832613132636435343730363331323637336434383961666434653130636437\n3138623435643863660a313130626462303638343831326139653564366465643433393231383938\n38333062336261393031373932643162393863613134323863663032343139303333313630383830\n66363561333037313163383032303666373134346462393431303561346363643936343063353138\n61623430653331633362623531373032326438376439343564626434613736363434366165306232\n64663763396163653938316533313830346432366164343637346637633138396232303934323062\n38326466666161373663323336343565363765393535663462663265353736623235363332663930\n61646161376334353333653230363361613138343461363235343332323738323939326239393135\n32353730656231373131326137323464303536376434666439663639333362386231613966363435\n63373165346238306632";

/// Made like the oldest bittensor did: Python `cryptography` Fernet with the key
/// base64url(PBKDF2-HMAC-SHA256("fernet pw", bittensor's salt, 10,000,000)).
const REFERENCE_FERNET: &str = "gAAAAABrBwOTVT0lHkt2csjuNGiVjesEcSup_Pa9psyBu0945iy1QMnQozomkDDt95vMw18oOT_fvM_1gz43Z1hb6toD3eYDpixNGb_gEPT_7wKv3Og__N2lQVnwsHDCsJw9C0mRBUaZxKqMhrqw4fAfAdFyawpywcrHANmmOt11VE5hHzj03SJZC1xSb6OzVP_CKnhZMDJSGXvbuqQVTnUfs-p0gW1r13ieRfj6j1zRHsgwM23J04sVboCIi3OwfZJWutVp4Vi87obi4tnowFaG95-agUlGzw==";

fn assert_opens_to_alice(data: &str, password: &str, format: Encryption) {
    assert_eq!(Encryption::detect(data.as_bytes()), Some(format));
    let started = Instant::now();
    let key = read_keyfile(data.as_bytes(), Some(password)).expect("opens");
    eprintln!("{format:?} open took {} ms", started.elapsed().as_millis());
    let KeyfileKey::Secret(pair) = key else {
        panic!("a secret key")
    };
    assert_eq!(pair.ss58_address(), ALICE);
    assert_eq!(
        pair.secret_seed().map(|s| s.to_hex().to_string()),
        Some(ALICE_SEED.to_owned())
    );
}

#[test]
fn ansible_keyfile_made_by_the_reference_opens() {
    assert_opens_to_alice(REFERENCE_ANSIBLE, "legacy pw", Encryption::AnsibleVault);
    assert_eq!(
        read_keyfile(REFERENCE_ANSIBLE.as_bytes(), Some("wrong")).unwrap_err(),
        KeyfileError::WrongPassword
    );
}

/// The full 10,000,000-round PBKDF2 is generic code compiled into this crate, so it takes
/// about half a minute in a debug build (seconds in release). The same token format is
/// checked with few rounds in the unit tests of `wallet::crypto`.
#[test]
#[ignore = "10 million PBKDF2 rounds: run with `--release -- --ignored`"]
fn fernet_keyfile_with_the_real_round_count_opens() {
    assert_opens_to_alice(REFERENCE_FERNET, "fernet pw", Encryption::Fernet);
}
