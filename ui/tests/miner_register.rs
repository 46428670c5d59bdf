//! The Miner page's registration step against a scripted JSON-RPC node (spec-393 answers
//! encoded from metadata): the alice-nacl wallet, copied in as "default" so the page's
//! default wallet and hotkey names find it, pays subnet 1's burn.
//!
//! - An unregistered hotkey: Start runs setup, the check finds no UID, the shared review
//!   shows the burn, fee and balance after; unlock with the password, progress to a final
//!   block, the result; then the miner launches.
//! - Cancel at the review: nothing launches and nothing reaches the node.
//! - A registered hotkey: no review, straight to the launch.
//!
//! One test runs the three in turn: a submission writes the pending-transactions journal
//! under `TAOSCOPE_CONFIG_DIR`, which is set once, before anything else in this binary runs.
use std::path::Path;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use scale_value::Value;
use taoscope_core::keys::{AccountId, Keypair};
use taoscope_core::miner::supervisor::{process_alive, read_pid_file};
use taoscope_core::scripted_peer::{ScriptedChain, ScriptedPeer, StakeScene, values};
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{scripted_app, step_until};

/// The test miner: one line that matches the profile's health pattern, then ticks.
const MINER: &str = "#!/bin/sh\necho \"test miner up\"\ni=0\nwhile :; do i=$((i+1)); echo \"tick $i\"; sleep 0.05; done\n";

/// alice-nacl's coldkey and its password; its hotkey "default".
const COLDKEY: &str = "5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1";
const PASSWORD: &str = "correct horse battery staple";
const HOTKEY: &str = "5G92rpZw1e8HZVDxvZYtRo5cgGQNjPpVdjg5Y1DPsuV67XyH";
const HEAD: u64 = 2_000;
/// Subnet 1's burn: 0.5 TAO.
const BURN: u64 = 500_000_000;

fn bytes(ss58: &str) -> [u8; 32] {
    *AccountId::from_ss58(ss58).expect("address").as_bytes()
}

/// A chain where the signer has 10 TAO, subnet 1 exists and burns 0.5 TAO to register,
/// and a submitted extrinsic is final in the next block with success.
fn chain(registered: bool) -> ScriptedChain {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    let mut c = ScriptedChain::new(std::fs::read(path).expect("metadata"), HEAD).expect("chain");
    let bob = Keypair::from_uri("//Bob").expect("bob").account_id();
    c.stage(&StakeScene {
        signer: bytes(COLDKEY),
        free_rao: 10_000_000_000,
        nonce: 3,
        netuid: 1,
        validator: *bob.as_bytes(),
        owner: *bob.as_bytes(),
        uid: 0,
        price_rao_per_alpha: 40_000_000,
        buy: (0, 0, 0, 0),
        fee_rao: 215_000,
    })
    .expect("scene");
    c.set_storage(
        "SubtensorModule",
        "Burn",
        (1u16,),
        &Value::u128(u128::from(BURN)),
    )
    .expect("burn");
    if registered {
        let hotkey = bytes(HOTKEY);
        c.set_storage(
            "SubtensorModule",
            "IsNetworkMember",
            (&hotkey, 1u16),
            &Value::bool(true),
        )
        .expect("member");
        c.set_storage("SubtensorModule", "Uids", (1u16, &hotkey), &Value::u128(7))
            .expect("uid");
        c.set_storage(
            "SubtensorModule",
            "Owner",
            (&hotkey,),
            &values::account(&bytes(COLDKEY)),
        )
        .expect("owner");
    }
    c.succeed_in_next_block().expect("events");
    c
}

struct Scene {
    harness: Harness<'static, TaoscopeApp>,
    peer: ScriptedPeer,
    miners: std::path::PathBuf,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Scene {
    fn pid_file(&self) -> Option<taoscope_core::miner::supervisor::PidRecord> {
        read_pid_file(&self.miners.join("test-miner/miner.pid"))
    }

    fn submissions(&self) -> usize {
        self.peer.count("author_submitAndWatchExtrinsic")
    }
}

/// The app on the Miner page against `chain`, with a test-miner profile on subnet 1
/// (one setup step; healthy once it prints "test miner up"), its row selected. The
/// alice-nacl wallet is copied in as "default", the page's default wallet name.
fn scene(chain: ScriptedChain) -> Scene {
    let app = scripted_app(chain, "default", [1280.0, 1600.0], |dir| {
        let profiles = dir.join("profiles");
        std::fs::create_dir_all(&profiles).expect("dir");
        let script = dir.join("miner.sh");
        std::fs::write(&script, MINER).expect("script");
        std::fs::write(
            profiles.join("test-miner.toml"),
            format!(
                "name = \"test-miner\"\nnetuid = 1\ndisplay_name = \"Test miner\"\n\
                 description = \"Prints ticks.\"\n[gpu]\nmin_vram_mb = 0\nclass = \"none\"\n\
                 [[setup]]\nname = \"prepare\"\ncommand = [\"sh\", \"-c\", \"echo preparing\"]\n\
                 [launch]\ncommand = [\"sh\", \"{}\"]\n[health]\npattern = '^test miner up$'\n",
                script.display()
            ),
        )
        .expect("profile");
        LaunchOptions {
            page: Some(Page::Miner),
            miners_dir: Some(dir.join("miners")),
            miner_profiles_dir: Some(profiles),
            ..LaunchOptions::default()
        }
    });
    let miners = app.dir.path().join("miners");
    let mut harness = app.harness;
    step_until(&mut harness, "1 · Test miner", 20);
    harness.get_by_label("1 · Test miner").click();
    harness.run_steps(2);
    Scene {
        harness,
        peer: app.peer,
        miners,
        _runtime: app.runtime,
        _dir: app.dir,
    }
}

fn stop(scene: &mut Scene) {
    scene.harness.get_by_label("Stop").click();
    step_until(&mut scene.harness, "Stopped", 15);
}

fn an_unregistered_hotkey_is_registered_after_the_review_then_the_miner_launches() {
    let mut s = scene(chain(false));
    s.harness.get_by_label("Start").click();
    // Setup ran, the check found no UID, and the node quoted the registration.
    step_until(&mut s.harness, "Review before signing", 30);
    s.harness.get_by_label("Register a hotkey");
    s.harness.get_by_label("SN1 · Test miner");
    s.harness.get_by_label("Registration burn");
    s.harness.get_by_label("τ0.5");
    s.harness.get_by_label("τ0.000215");
    s.harness.get_by_label("τ10");
    s.harness.get_by_label("Free balance after");
    s.harness.get_by_label("τ9.499785");
    s.harness
        .get_by_label_contains("The hotkey is not registered on subnet 1");
    assert!(s.pid_file().is_none(), "nothing launched before the review");
    assert_eq!(s.submissions(), 0);

    s.harness.get_by_label("Unlock and sign").click();
    s.harness.run_steps(2);
    s.harness.get_by_label("Unlock to sign");
    let password = s
        .harness
        .get_all_by_role(Role::PasswordInput)
        .next()
        .expect("password field");
    password.focus();
    s.harness.run_steps(1);
    s.harness
        .get_all_by_role(Role::PasswordInput)
        .next()
        .expect("password field")
        .type_text(PASSWORD);
    s.harness.run_steps(2);
    s.harness.get_by_label("Sign and send").click();

    // Progress to a final block, the result, then the launch.
    step_until(&mut s.harness, "Done. The chain accepted it", 60);
    // The step indicator and the status lines name the block it landed in.
    assert!(
        s.harness
            .query_all_by_label_contains("Final in block")
            .next()
            .is_some()
    );
    assert!(s.harness.query_all_by_label_contains("#2,001").count() >= 2);
    step_until(&mut s.harness, "Running (process", 15);
    step_until(&mut s.harness, "Last healthy line", 15);
    assert_eq!(s.submissions(), 1, "sent once");
    let record = s.pid_file().expect("launched");
    assert!(process_alive(record.pid));
    // The result stays until closed; the miner keeps running.
    s.harness
        .get_by_role_and_label(Role::Button, "Done")
        .click();
    s.harness.run_steps(2);
    assert!(s.harness.query_by_label("Review before signing").is_none());
    stop(&mut s);
    assert!(!process_alive(record.pid));
}

fn cancelling_at_the_review_launches_nothing_and_sends_nothing() {
    let mut s = scene(chain(false));
    s.harness.get_by_label("Start").click();
    step_until(&mut s.harness, "Review before signing", 30);
    s.harness.get_by_label("Back").click();
    s.harness.run_steps(2);
    step_until(
        &mut s.harness,
        "Registration cancelled; the miner was not started.",
        5,
    );
    assert!(s.harness.query_by_label("Review before signing").is_none());
    // A while later: still held after setup, nothing launched, nothing sent.
    s.harness.run_steps(10);
    s.harness
        .get_by_label("Set up; waiting for the registration check");
    assert!(s.pid_file().is_none());
    assert_eq!(s.submissions(), 0);
    s.harness.get_by_label("Check again");
    stop(&mut s);
    assert_eq!(s.submissions(), 0);
}

fn a_registered_hotkey_goes_straight_to_the_launch() {
    let mut s = scene(chain(true));
    s.harness.get_by_label("Start").click();
    step_until(&mut s.harness, "Running (process", 30);
    assert!(s.harness.query_by_label("Review before signing").is_none());
    // No quote was asked for and nothing was sent.
    let quoted = s.peer.calls().iter().any(|(m, p)| {
        m == "state_call"
            && p.first().and_then(|v| v.as_str()) == Some("TransactionPaymentApi_query_info")
    });
    assert!(!quoted, "no registration was quoted");
    assert_eq!(s.submissions(), 0);
    // The health line: the profile's pattern matched the miner's first line.
    step_until(&mut s.harness, "Last healthy line", 15);
    assert!(
        s.harness.query_all_by_label("test miner up").count() >= 2,
        "the healthy line under the state, and in the log"
    );
    let record = s.pid_file().expect("launched");
    stop(&mut s);
    assert!(!process_alive(record.pid));
}

#[test]
fn registration_from_the_miner_page() {
    let config = tempfile::tempdir().expect("tempdir");
    // SAFETY: the only test in this binary, and it sets the variable before it starts any
    // thread; nothing else in the process reads or writes it concurrently.
    unsafe { std::env::set_var("TAOSCOPE_CONFIG_DIR", config.path()) };
    a_registered_hotkey_goes_straight_to_the_launch();
    cancelling_at_the_review_launches_nothing_and_sends_nothing();
    an_unregistered_hotkey_is_registered_after_the_review_then_the_miner_launches();
    let journal = std::fs::read_to_string(config.path().join("pending-transactions.json"))
        .expect("the submission was journaled");
    assert!(journal.contains("burned_register"), "{journal}");
}
