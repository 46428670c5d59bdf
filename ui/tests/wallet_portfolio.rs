//! The Wallet page's portfolio: the first wallet's balance and stake, valued in TAO, with
//! the validator's on-chain name and this position's share of its stake. The recording has
//! a real runtime (spec 343) but no stake, so the replay adds the made-up answers of
//! `replay_demo`, SCALE-encoded with that runtime's registry. Offline, the section says what
//! is missing; a garbled answer gives an error with Retry, not a panic.

use std::path::Path;
use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::json;
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};
use taoscope_core::replay_demo::{demo_answers, demo_named_validator};
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, SnapshotChoice, TaoscopeApp};

mod common;
use common::step_until;

const ALICE: &str = "5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1";

/// A wallets folder holding the `alice-nacl` test wallet.
fn wallets(dir: &Path) -> std::path::PathBuf {
    let from =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/keys/wallets/alice-nacl");
    let to = dir.join("wallets/alice-nacl");
    std::fs::create_dir_all(to.join("hotkeys")).expect("dir");
    for file in ["coldkey", "coldkeypub.txt"] {
        std::fs::copy(from.join(file), to.join(file)).expect("copy");
    }
    dir.join("wallets")
}

fn app(
    network: Network,
    wallets: std::path::PathBuf,
    snapshot: Option<SnapshotChoice>,
) -> TaoscopeApp {
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(wallets),
        ..Settings::default()
    };
    let options = LaunchOptions {
        page: Some(Page::Wallet),
        snapshot,
        ..LaunchOptions::default()
    };
    TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)))
}

fn harness(app: TaoscopeApp) -> Harness<'static, TaoscopeApp> {
    Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app)
}

#[test]
fn the_portfolio_shows_balance_positions_names_shares_and_the_total() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fixtures = default_fixtures_dir();
    let server = rt
        .block_on(ReplayServer::start(&fixtures, "metagraph"))
        .expect("replay");
    let coldkey = taoscope_core::explorer::ss58::decode("coldkey", ALICE).expect("valid");
    server.script(&demo_answers(&fixtures, &coldkey).expect("demo answers"));
    let dir = tempfile::tempdir().expect("tempdir");
    let network = Network::parse(&server.url()).expect("url");
    let mut harness = harness(app(network, wallets(dir.path()), None));

    let (_, name) = demo_named_validator();
    step_until(&mut harness, name, 20);
    harness.get_by_label("Portfolio");
    harness.get_by_label("Last updated at block #6,852,690");
    // Balance: free 12.5 τ; stake worth 25 + 19.25 + 6.16 τ; total 62.91 τ.
    harness.get_by_label("τ12.5");
    // In the balance row and under the positions.
    assert_eq!(harness.query_all_by_label("τ50.41").count(), 2);
    harness.get_by_label("τ62.91");
    // Root 25 τ (1:1), subnet 1 at 0.0154 τ/α: 1,250 α = 19.25 τ, 400 α = 6.16 τ.
    harness.get_by_label("0 root");
    assert_eq!(harness.query_all_by_label("1 Apex").count(), 2);
    harness.get_by_label("α1,250");
    harness.get_by_label("τ19.25");
    harness.get_by_label("τ6.16");
    assert_eq!(harness.query_all_by_label("τ0.0154").count(), 2);
    // Shares of each validator's stake there: 1,250/5,000, 400/2,000 and 25/100.
    assert_eq!(harness.query_all_by_label("25.00%").count(), 2);
    harness.get_by_label("20.00%");
    // The unnamed validator shows its address.
    harness.get_by_label("5DkMmXtW…y1AQ");
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[test]
fn a_garbled_stake_answer_shows_an_error_with_retry() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fixtures = default_fixtures_dir();
    let server = rt
        .block_on(ReplayServer::start(&fixtures, "metagraph"))
        .expect("replay");
    let coldkey = taoscope_core::explorer::ss58::decode("coldkey", ALICE).expect("valid");
    server.script(&demo_answers(&fixtures, &coldkey).expect("demo answers"));
    server.answer_with(
        "state_call",
        Some("StakeInfoRuntimeApi_get_stake_info_for_coldkey"),
        json!("0x0cdeadbeef"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let network = Network::parse(&server.url()).expect("url");
    let mut harness = harness(app(network, wallets(dir.path()), None));
    step_until(&mut harness, "The portfolio could not be read", 20);
    harness.get_by_label_contains("StakeInfoRuntimeApi_get_stake_info_for_coldkey");
    harness.get_by_label("Try again");
}

#[test]
fn offline_with_the_bundled_snapshot_the_portfolio_says_what_is_missing() {
    // No node: a closed port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness(app(
        network,
        wallets(dir.path()),
        Some(SnapshotChoice::Bundled),
    ));
    step_until(
        &mut harness,
        "Balances and stake are not part of an offline snapshot",
        10,
    );
    // Not an error: the snapshot simply does not hold it.
    assert!(
        harness
            .query_by_label("The portfolio could not be read")
            .is_none()
    );
}
