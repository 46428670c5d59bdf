//! The Forecast page on the bundled snapshot (finney subnet 1, block 6,852,690): the
//! snapshot has no issuance, so the page says so and projects from one the user types;
//! the position calculator forecasts the largest validator — all found by label.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::network::Network;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{app_harness, step_until};

fn type_into(harness: &mut Harness<'_, TaoscopeApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    harness.run_steps(3);
}

fn forecast_on_bundled_snapshot() -> Harness<'static, TaoscopeApp> {
    // Nothing listens on this port: every figure must come from the snapshot.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    app_harness(
        network,
        LaunchOptions {
            page: Some(Page::Forecast),
            snapshot: Some(SnapshotChoice::Bundled),
            ..LaunchOptions::default()
        },
        [1280.0, 1400.0],
    )
    .0
}

#[test]
fn halving_countdown_from_an_entered_issuance() {
    let mut harness = forecast_on_bundled_snapshot();
    step_until(&mut harness, "Try a position", 20);
    harness.get_by_label_contains("Total issuance is not known");
    // The rule chart is drawn even with no issuance to start from.
    harness.get_by_label_contains("The chain's rule at the nominal rate");

    // 10,000,000 TAO at the snapshot's block: 500,000 TAO to the first halving at
    // 1 TAO per block is 500,000 blocks, 69 days of 12-second blocks.
    type_into(&mut harness, "Issuance to project from (TAO):", "10000000");
    step_until(&mut harness, "Total issuance (entered by you)", 5);
    harness.get_by_label("7,352,690");
    harness.get_by_label("69");
    harness.get_by_label("2026-01-19");
    // A snapshot is one block: the observed rate is not available, and the page says why.
    harness.get_by_label_contains("observed issuance rate is not available");
    harness.get_by_label_contains("Total issuance in millions of TAO by year");

    // Nonsense is refused in words, never a panic.
    type_into(&mut harness, "Issuance to project from (TAO):", "ten");
    harness.get_by_label_contains("is not an amount");
}

#[test]
fn position_calculator_forecasts_the_largest_validator() {
    let mut harness = forecast_on_bundled_snapshot();
    step_until(&mut harness, "Per day", 20);
    harness.get_by_label_contains("Positions are read from the chain");
    // 1,000 α on UID 630: the same figures as `taoscope forecast rewards` (1.4248847 α a day).
    type_into(&mut harness, "Alpha to stake:", "1000");
    step_until(&mut harness, "α1.4248", 5);
    harness.get_by_label("18.00%");
    harness.get_by_label_contains("The validator keeps its weights");
    harness.get_by_label_contains("the price is the pool's TAO/alpha reserve ratio");

    type_into(&mut harness, "Alpha to stake:", "1.0000000001");
    harness.get_by_label_contains("more than 9 decimals");
    type_into(&mut harness, "Alpha to stake:", "0");
    harness.get_by_label_contains("must be more than zero");
}
