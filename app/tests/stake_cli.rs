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

mod scripted {
    //! The same commands against a scripted node (spec-393 answers encoded from metadata).

    use std::sync::Arc;

    use scale_value::Value;
    use serde_json::json;
    use taoscope_core::keys::{AccountId, Keypair};
    use taoscope_core::scripted_peer::{Scripted, ScriptedChain, ScriptedPeer, StakeScene, values};

    use super::{VALIDATOR, common, taoscope, wallets};

    /// The coldkey of the reference wallet `alice-nacl`.
    const COLDKEY: &str = "5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1";
    const PASSWORD: &str = "correct horse battery staple";
    const HEAD: u64 = 2_000;

    fn chain() -> ScriptedChain {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/finney-metadata/metadata.scale");
        let mut c =
            ScriptedChain::new(std::fs::read(path).expect("metadata"), HEAD).expect("chain");
        c.stage(&StakeScene {
            signer: *AccountId::from_ss58(COLDKEY).expect("coldkey").as_bytes(),
            free_rao: 10_000_000_000,
            nonce: 3,
            netuid: 1,
            validator: *AccountId::from_ss58(VALIDATOR)
                .expect("validator")
                .as_bytes(),
            owner: *Keypair::from_uri("//Bob")
                .expect("bob")
                .account_id()
                .as_bytes(),
            uid: 0,
            price_rao_per_alpha: 40_000_000,
            buy: (1_500_000_000, 37_400_000_000, 750_000, 81_250_000),
            fee_rao: 215_000,
        })
        .expect("scene");
        c
    }

    /// Serves `chain` on a runtime that lives as long as the returned pair.
    fn serve(chain: ScriptedChain) -> (tokio::runtime::Runtime, ScriptedPeer) {
        let rt = common::runtime();
        let chain = Arc::new(chain);
        let peer = rt
            .block_on(ScriptedPeer::start(move |m, p| chain.answer(m, p)))
            .expect("peer");
        (rt, peer)
    }

    fn run(peer_url: &str, config: &std::path::Path, extra: &[&str]) -> std::process::Output {
        taoscope()
            .env("TAOSCOPE_CONFIG_DIR", config)
            .args([
                "--network",
                peer_url,
                "stake",
                "add",
                "--netuid",
                "1",
                "--hotkey",
                VALIDATOR,
            ])
            .args(["--amount", "1.5", "--wallet", "alice-nacl", "--wallet-path"])
            .arg(wallets())
            .args(extra)
            .output()
            .expect("runs")
    }

    #[test]
    fn dry_run_prints_the_call_quote_and_warnings_and_sends_nothing() {
        let (_rt, peer) = serve(chain());
        let config = tempfile::tempdir().expect("dir");
        let out = run(&peer.url(), config.path(), &["--dry-run", "--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["call"]["pallet"], "SubtensorModule");
        assert_eq!(v["call"]["name"], "add_stake_limit");
        assert_eq!(v["call"]["args"]["hotkey"], VALIDATOR);
        assert_eq!(v["call"]["args"]["amount"], 1_500_000_000u64);
        assert_eq!(v["call"]["args"]["limit"]["limit_price"], 40_200_000u64);
        assert_eq!(v["expected_alpha"], 37_400_000_000u64);
        assert_eq!(v["limit_price"], 40_200_000u64);
        assert_eq!(v["fee_rao"], 215_000u64);
        assert_eq!(v["tolerance_percent"], "0.5");
        assert_eq!(v["block"], HEAD);
        let warnings = v["warnings"].as_array().expect("warnings");
        assert!(warnings.iter().any(|w| {
            w["warning"] == "not_shielded"
                && w["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("front-running"))
        }));
        assert_eq!(peer.count("author_submitAndWatchExtrinsic"), 0);
    }

    #[test]
    fn a_wrong_password_signs_and_sends_nothing() {
        let (_rt, peer) = serve(chain());
        let config = tempfile::tempdir().expect("dir");
        let password = config.path().join("password");
        std::fs::write(&password, "not the password").expect("write");
        let out = run(
            &peer.url(),
            config.path(),
            &["--password-file", password.to_str().expect("utf-8")],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("Wrong password"), "{stderr}");
        assert_eq!(peer.count("author_submitAndWatchExtrinsic"), 0);
    }

    #[test]
    fn a_stake_is_signed_sent_once_and_followed_to_finality() {
        let mut c = chain();
        let landed = HEAD + 1;
        let hash = ScriptedChain::block_hash(landed);
        c.best = landed;
        c.submitted_lands_in = Some(landed);
        c.set_events(
            landed,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .expect("events");
        c.submission = Scripted::Subscribe {
            notify_method: "author_extrinsicUpdate".into(),
            items: vec![
                json!("ready"),
                json!({"inBlock": hash}),
                json!({"finalized": hash}),
            ],
            then_drop: false,
        };
        let (_rt, peer) = serve(c);
        let config = tempfile::tempdir().expect("dir");
        let password = config.path().join("password");
        std::fs::write(&password, PASSWORD).expect("write");
        let out = run(
            &peer.url(),
            config.path(),
            &["--password-file", password.to_str().expect("utf-8")],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines,
            vec![
                "Sending to the node",
                "Waiting in the node's queue",
                "In block #2,001, waiting for finality",
                "Final in block #2,001",
            ],
            "{stderr}"
        );
        assert!(
            stderr.contains("Review: SubtensorModule.add_stake_limit"),
            "{stderr}"
        );
        assert_eq!(peer.count("author_submitAndWatchExtrinsic"), 1);
        let journal = std::fs::read_to_string(config.path().join("pending-transactions.json"))
            .expect("journal");
        assert!(journal.contains("\"finalized\""), "{journal}");
    }

    /// Serves `chain` behind a lock; when the transaction arrives, `after_submit` changes
    /// the chain's state (what the block it lands in does).
    fn serve_changing(
        chain: ScriptedChain,
        after_submit: impl Fn(&mut ScriptedChain) + Send + Sync + 'static,
    ) -> (tokio::runtime::Runtime, ScriptedPeer) {
        let rt = common::runtime();
        let world = Arc::new(std::sync::Mutex::new(chain));
        let peer = rt
            .block_on(ScriptedPeer::start(move |m, p| match world.lock() {
                Ok(mut w) => {
                    let answer = w.answer(m, p);
                    if m == "author_submitAndWatchExtrinsic" {
                        after_submit(&mut w);
                    }
                    answer
                }
                Err(_) => Scripted::Unknown,
            }))
            .expect("peer");
        (rt, peer)
    }

    /// Alice's position with the validator on subnet 1, as `get_stake_info_for_coldkey` says.
    fn position(alpha: u64) -> Value {
        Value::unnamed_composite([Value::named_composite([
            (
                "hotkey",
                values::account(AccountId::from_ss58(VALIDATOR).expect("v").as_bytes()),
            ),
            (
                "coldkey",
                values::account(AccountId::from_ss58(COLDKEY).expect("c").as_bytes()),
            ),
            ("netuid", Value::u128(1)),
            ("stake", Value::u128(u128::from(alpha))),
            ("locked", Value::u128(0)),
            ("emission", Value::u128(0)),
            ("tao_emission", Value::u128(0)),
            ("drain", Value::u128(0)),
            ("is_registered", Value::bool(true)),
        ])])
    }

    /// A stake that lands in the next block and is final there; the block spends 1.5 TAO
    /// plus the fee and adds 37.4 alpha to a 2-alpha position.
    fn landing_stake() -> ScriptedChain {
        let mut c = chain();
        let landed = HEAD + 1;
        let hash = ScriptedChain::block_hash(landed);
        c.best = landed;
        c.submitted_lands_in = Some(landed);
        c.set_events(
            landed,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .expect("events");
        c.set_api(
            "StakeInfoRuntimeApi",
            "get_stake_info_for_coldkey",
            None,
            &position(2_000_000_000),
        )
        .expect("stake");
        c.submission = Scripted::Subscribe {
            notify_method: "author_extrinsicUpdate".into(),
            items: vec![
                json!("ready"),
                json!({"inBlock": hash}),
                json!({"finalized": hash}),
            ],
            then_drop: false,
        };
        c
    }

    fn after_stake(w: &mut ScriptedChain) {
        let alice = AccountId::from_ss58(COLDKEY).expect("c");
        w.set_storage(
            "System",
            "Account",
            (alice.as_bytes(),),
            &values::account_info(4, 10_000_000_000 - 1_500_000_000 - 215_000),
        )
        .expect("account");
        w.set_api(
            "StakeInfoRuntimeApi",
            "get_stake_info_for_coldkey",
            None,
            &position(39_400_000_000),
        )
        .expect("stake");
        w.finalized = HEAD + 1;
    }

    #[test]
    fn after_finality_the_balance_and_position_before_and_after_are_printed() {
        let (_rt, peer) = serve_changing(landing_stake(), after_stake);
        let config = tempfile::tempdir().expect("dir");
        let password = config.path().join("password");
        std::fs::write(&password, PASSWORD).expect("write");
        let out = run(
            &peer.url(),
            config.path(),
            &[
                "--password-file",
                password.to_str().expect("utf-8"),
                "--json",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect();
        let last = lines.last().expect("lines");
        assert_eq!(lines[lines.len() - 2]["status"]["status"], "finalized");
        let d = &last["deltas"];
        assert_eq!(d["before_block"], HEAD);
        assert_eq!(d["after_block"], HEAD + 1, "read at the finalized block");
        assert_eq!(d["balance"]["before_rao"], 10_000_000_000u64);
        assert_eq!(d["balance"]["after_rao"], 8_499_785_000u64);
        assert_eq!(d["balance"]["change_rao"], -1_500_215_000i64);
        assert_eq!(d["balance"]["change"], "-1.500215");
        assert_eq!(d["balance"]["after"], "8.499785");
        let stake = &d["stake"][0];
        assert_eq!(stake["hotkey"], VALIDATOR);
        assert_eq!(stake["netuid"], 1);
        assert_eq!(stake["before_alpha"], 2_000_000_000u64);
        assert_eq!(stake["after_alpha"], 39_400_000_000u64);
        assert_eq!(stake["change_alpha"], 37_400_000_000i64);
        assert_eq!(stake["change"], "+37.4");

        // The same in text (a fresh journal: the first one holds a settled transaction).
        let (_rt2, peer) = serve_changing(landing_stake(), after_stake);
        let config = tempfile::tempdir().expect("dir");
        let password = config.path().join("password");
        std::fs::write(&password, PASSWORD).expect("write");
        let out = run(
            &peer.url(),
            config.path(),
            &["--password-file", password.to_str().expect("utf-8")],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(
                "Balance: 10 TAO before, 8.499785 TAO after (-1.500215 TAO; 10000000000 -> 8499785000 rao)"
            ),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!(
                "Stake on subnet 1 with {VALIDATOR}: 2 before, 39.4 after (+37.4; 2000000000 -> 39400000000 units)"
            )),
            "{stdout}"
        );
    }

    #[test]
    fn a_published_shield_key_shields_the_stake_unless_declined() {
        use ml_kem::{EncodedSizeUser, KemCore, MlKem768};
        let mut c = chain();
        let (_, ek) = MlKem768::generate(&mut rand_core::OsRng);
        c.publish_shield_key(&ek.as_bytes()).expect("key");
        let (_rt, peer) = serve(c);
        let config = tempfile::tempdir().expect("dir");
        let out = run(&peer.url(), config.path(), &["--dry-run", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["shielded"], true);
        assert_eq!(v["shield_fee_rao"], 215_000u64);
        let warned = |v: &serde_json::Value| {
            v["warnings"]
                .as_array()
                .expect("warnings")
                .iter()
                .any(|w| w["warning"] == "not_shielded")
        };
        assert!(!warned(&v));
        let text = run(&peer.url(), config.path(), &["--dry-run"]);
        let stderr = String::from_utf8_lossy(&text.stderr);
        assert!(stderr.contains("Protected from front-running"), "{stderr}");
        assert!(stderr.contains("Shield fee"), "{stderr}");

        let out = run(
            &peer.url(),
            config.path(),
            &["--dry-run", "--json", "--no-shield"],
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["shielded"], false);
        assert_eq!(v["shield_fee_rao"], serde_json::Value::Null);
        assert!(warned(&v), "declining says it goes out unshielded");
        assert_eq!(peer.count("author_submitAndWatchExtrinsic"), 0);
    }

    #[test]
    fn register_quotes_the_burn_and_respects_max_burn() {
        let mut c = chain();
        c.set_storage(
            "SubtensorModule",
            "Burn",
            (1u16,),
            &Value::u128(500_000_000),
        )
        .expect("burn");
        let (_rt, peer) = serve(c);
        let config = tempfile::tempdir().expect("dir");
        let hotkey = Keypair::from_uri("//Dave")
            .expect("dave")
            .account_id()
            .to_ss58();
        let register = |extra: &[&str]| {
            taoscope()
                .env("TAOSCOPE_CONFIG_DIR", config.path())
                .args([
                    "--network",
                    &peer.url(),
                    "register",
                    "--netuid",
                    "1",
                    "--hotkey",
                    &hotkey,
                ])
                .args(["--wallet", "alice-nacl", "--wallet-path"])
                .arg(wallets())
                .args(extra)
                .output()
                .expect("runs")
        };
        let out = register(&["--dry-run", "--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        // Spec 393 has no register_limit, so the plain call goes out.
        assert_eq!(v["call"]["name"], "burned_register");
        assert_eq!(v["burn_rao"], 500_000_000u64);
        let out = register(&["--dry-run", "--max-burn", "0.4"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("burns 0.5 TAO, more than --max-burn 0.4"),
            "{stderr}"
        );
        assert_eq!(peer.count("author_submitAndWatchExtrinsic"), 0);
    }
}
