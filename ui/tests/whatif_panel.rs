//! The what-if panel on the bundled snapshot (finney subnet 1, block 6,852,690), which
//! holds no weights: the panel says so, starts from rows rebuilt from the stored incentive,
//! and reruns the epoch in core when a row or a stake is edited — driven by label.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::network::Network;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{app_harness, step_until};

fn panel_on_bundled_snapshot() -> Harness<'static, TaoscopeApp> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    app_harness(
        network,
        LaunchOptions {
            page: Some(Page::WhatIf(1)),
            snapshot: Some(SnapshotChoice::Bundled),
            ..LaunchOptions::default()
        },
        [1280.0, 1600.0],
    )
    .0
}

#[test]
fn page_names_round_trip() {
    assert_eq!(Page::parse("whatif:1"), Some(Page::WhatIf(1)));
    assert_eq!(Page::parse("forecast"), Some(Page::Forecast));
    assert_eq!(Page::WhatIf(7).name(), "whatif:7");
    assert_eq!(Page::parse("whatif:x"), None);
}

#[test]
fn editing_a_row_and_a_stake_reruns_the_epoch() {
    let mut harness = panel_on_bundled_snapshot();
    step_until(&mut harness, "the largest shares as they stand", 30);
    harness.get_by_label_contains("This snapshot holds no weights or bonds");
    harness.get_by_label("Start every validator's row from the stored incentive");
    // Every validator's rebuilt row weights the one miner the chain paid: the owner, UID 395.
    harness.get_by_label("Weights of UID 630");
    harness.get_by_label("Miner UID 395");
    harness.get_by_label_contains("rebuilt from the stored incentive");

    // The largest validator stops weighting: its dividends change, and the bars say which.
    harness.get_by_label("Clear row").click();
    harness.run_steps(2);
    step_until(&mut harness, "The UIDs that moved most", 20);
    harness.get_by_label("This row sets no weights.");
    // The bars name the moved validator (two spaces; the picker above has one).
    harness.get_by_label("UID 630  5CGLCBnd…gKfb");

    // A stake in words that cannot be an amount is refused, never a panic.
    let field = "Alpha stake of UID 630:";
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .type_text("lots");
    harness.run_steps(3);
    harness.get_by_label_contains("is not an amount");
}
