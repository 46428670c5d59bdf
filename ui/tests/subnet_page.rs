//! The subnet page on replayed finney (netuid 1, 1024 UIDs): header facts, sorting by
//! clicking a column, a neuron's details and the hyperparameters — driven by label like a
//! person would. The recording has no hyperparameters (v2) or identities, so those answers
//! are the made-up ones of `replay_demo`. A garbled answer gives an error with Retry.

use egui_kittest::kittest::Queryable;
use serde_json::json;
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};
use taoscope_core::replay_demo::{demo_answers, demo_named_validator};
use taoscope_ui::LaunchOptions;
use taoscope_ui::pages::Page;

mod common;
use common::{app_harness, step_until};

/// Subnet 1's page on the replayed `metagraph` seed plus the demo answers the recording
/// lacks (names, hyperparameters); the runtime keeps the server alive.
fn subnet_1_with_demo_answers() -> (
    tokio::runtime::Runtime,
    ReplayServer,
    egui_kittest::Harness<'static, taoscope_ui::TaoscopeApp>,
    tempfile::TempDir,
) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay");
    server.script(&demo_answers(&default_fixtures_dir(), &[7; 32]).expect("demo answers"));
    let network = Network::parse(&server.url()).expect("url");
    let (harness, wallets) = app_harness(
        network,
        LaunchOptions {
            page: Some(Page::Subnet(1)),
            ..LaunchOptions::default()
        },
        [1280.0, 900.0],
    );
    (rt, server, harness, wallets)
}

#[test]
fn metagraph_of_netuid_1_sorts_and_opens_a_neuron() {
    let (_rt, server, mut harness, _wallets) = subnet_1_with_demo_answers();

    step_until(&mut harness, "1024 / 1024", 20);
    harness.get_by_label("6,852,690");
    harness.get_by_label("α Apex");
    harness.get_by_label("Last updated at block #6,852,690");

    // Hyperparameters, named as the runtime names them, in a section that folds away.
    step_until(&mut harness, "immunity_period", 10);
    harness.get_by_label_contains("get_subnet_hyperparams_v2");
    harness.get_by_label("alpha_sigmoid_steepness");
    harness.get_by_label("1000.000000");
    harness.get_by_label("Hyperparameters").click();
    harness.run_steps(3);
    assert!(
        harness.query_by_label("immunity_period").is_none(),
        "folded"
    );

    // Sorting by incentive puts the one rewarded UID (395, the owner) on top.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Incentive   ")
        .click();
    harness.run_steps(3);
    harness.get_by_label("395 V").click();
    harness.run_steps(3);
    // The details window (its title and its heading both say which UID).
    assert!(harness.query_all_by_label("UID 395").next().is_some());
    // The owner's hotkey is also its coldkey: both rows of the details show it.
    let (owner, name) = demo_named_validator();
    assert_eq!(harness.query_all_by_label(owner).count(), 2);
    // Its on-chain name: in its table row and in the details.
    assert_eq!(harness.query_all_by_label(name).count(), 2);
    harness.get_by_label("Validator permit");
    harness.get_by_label("Axon version");
    harness.get_by_label("Open in taostats");
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[test]
fn a_garbled_metagraph_answer_shows_an_error_with_retry() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay");
    server.answer_with(
        "state_call",
        Some("SubnetInfoRuntimeApi_get_selective_mechagraph"),
        json!("0x01ffff"),
    );
    let network = Network::parse(&server.url()).expect("url");
    let (mut harness, _wallets) = app_harness(
        network,
        LaunchOptions {
            page: Some(Page::Subnet(1)),
            ..LaunchOptions::default()
        },
        [1280.0, 900.0],
    );
    step_until(
        &mut harness,
        "SubnetInfoRuntimeApi_get_selective_mechagraph",
        20,
    );
    harness.get_by_label("Try again");
}

#[test]
fn a_new_finalized_block_refreshes_the_page_and_no_block_means_no_refetch() {
    let (_rt, server, mut harness, _wallets) = subnet_1_with_demo_answers();
    step_until(&mut harness, "1024 / 1024", 20);
    step_until(&mut harness, "immunity_period", 10);
    let state_calls = |s: &ReplayServer| {
        s.served()
            .iter()
            .filter(|r| r.method == "state_call")
            .count()
    };
    // Frames without a new block read nothing again.
    let before = state_calls(&server);
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    assert_eq!(state_calls(&server), before);

    // A new finalized block: the page reloads in the background and keeps its data shown.
    server.announce_finalized(6_852_691);
    step_until(&mut harness, "finalized #6,852,691", 10);
    let started = std::time::Instant::now();
    while state_calls(&server) == before {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the page asked again"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run_steps(3);
    harness.get_by_label("1024 / 1024");
    assert_eq!(server.unanswered(), Vec::<String>::new());
}
