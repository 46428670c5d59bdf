//! The Stake page and the Transfer flow driven by label and keyboard: the stake flow reaches
//! the review screen (an offline estimate from the bundled snapshot, labelled as one),
//! a mistyped address shows the checksum message and keeps Review disabled, and an amount
//! with ten decimals is refused with the decimals message.

use std::path::Path;
use std::sync::{Arc, Mutex};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::{Settings, Theme};
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{copy_dir, step_until};

const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

/// The app on `page` with the alice wallet, offline (a closed port), and optionally the
/// bundled snapshot for explorer data.
fn app(dir: &Path, page: Page, snapshot: bool) -> Harness<'static, TaoscopeApp> {
    let wallets = dir.join("wallets");
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/keys/wallets");
    copy_dir(&vectors.join("alice-nacl"), &wallets.join("alice-nacl"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        theme: Theme::Dark,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(wallets),
    };
    let options = LaunchOptions {
        page: Some(page),
        snapshot: snapshot.then_some(SnapshotChoice::Bundled),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(
        core,
        settings,
        Some(dir.join("s.json")),
        &options,
        Arc::new(Mutex::new(None)),
    );
    Harness::builder()
        .with_size([1200.0, 900.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app)
}

fn type_into(harness: &mut Harness<'_, TaoscopeApp>, index: usize, text: &str) {
    let field = harness
        .get_all_by_role(Role::TextInput)
        .nth(index)
        .expect("field");
    field.focus();
    harness.run_steps(1);
    harness
        .get_all_by_role(Role::TextInput)
        .nth(index)
        .expect("field")
        .type_text(text);
    harness.run_steps(2);
}

fn review_disabled(harness: &Harness<'_, TaoscopeApp>) -> bool {
    harness
        .get_by_role_and_label(Role::Button, "Review")
        .accesskit_node()
        .is_disabled()
}

#[test]
fn add_stake_reaches_the_review_by_label_and_keyboard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(dir.path(), Page::Stake, true);

    // (1) The subnet, from the bundled snapshot.
    step_until(&mut harness, "SN1 · Apex", 20);
    harness.get_by_label("SN1 · Apex").click();
    // (2) The validators of subnet 1, largest stake first.
    step_until(&mut harness, "Pick a validator on SN1", 20);
    step_until(&mut harness, "UID ", 20);
    harness
        .get_all_by_label_contains("UID ")
        .next()
        .expect("a validator")
        .click();
    harness.run_steps(2);
    // (3) The amount; the tolerance starts at 0.5%.
    harness.get_by_label_contains("Price tolerance");
    assert!(review_disabled(&harness), "no quote yet");
    type_into(&mut harness, 0, "10");
    assert_eq!(
        harness
            .get_all_by_role(Role::TextInput)
            .nth(1)
            .and_then(|n| n.value()),
        Some("0.5".to_string())
    );
    // No node: after the debounce the live quote fails and the offline estimate shows.
    step_until(&mut harness, "Offline estimate", 30);
    assert!(!review_disabled(&harness));
    // Tab from the tolerance field to Review, Enter presses it.
    harness
        .get_all_by_role(Role::TextInput)
        .nth(1)
        .expect("tolerance")
        .focus();
    harness.run_steps(1);
    harness.key_press(egui::Key::Tab);
    harness.run_steps(1);
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Review")
            .is_focused(),
        "Tab moves from the tolerance to Review"
    );
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);

    // (4) The review: every number, labelled as an offline estimate, and not signable.
    harness.get_by_label("Review before signing");
    harness.get_by_label_contains("OFFLINE ESTIMATE");
    harness.get_by_label("Add stake");
    harness.get_by_label("SN1 · Apex");
    harness.get_by_label("τ10");
    harness.get_by_label("Minimum received");
    harness.get_by_label("0.50%");
    harness.get_by_label_contains("If the price moves more than 0.50% against you");
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Unlock and sign")
            .accesskit_node()
            .is_disabled(),
        "an estimate is never signed"
    );
    // Back returns to the amount with the inputs kept.
    harness.get_by_label("Back").click();
    harness.run_steps(2);
    assert_eq!(
        harness
            .get_all_by_role(Role::TextInput)
            .next()
            .and_then(|n| n.value()),
        Some("10".to_string())
    );
}

#[test]
fn ten_decimals_are_refused_with_the_decimals_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(dir.path(), Page::Stake, true);
    step_until(&mut harness, "SN1 · Apex", 20);
    harness.get_by_label("SN1 · Apex").click();
    step_until(&mut harness, "UID ", 20);
    harness
        .get_all_by_label_contains("UID ")
        .next()
        .expect("a validator")
        .click();
    harness.run_steps(2);
    type_into(&mut harness, 0, "1.0123456789");
    harness.get_by_label("Amount: at most 9 digits after the point (you typed 10)");
    harness.run_steps(3);
    assert!(review_disabled(&harness));
}

#[test]
fn a_mistyped_address_shows_the_checksum_message_and_review_stays_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(dir.path(), Page::Wallet, false);
    step_until(&mut harness, "alice-nacl", 10);
    harness.get_by_label("Send TAO").click();
    harness.run_steps(2);
    harness.get_by_label("Send TAO from alice-nacl");

    // One character changed: the checksum no longer matches.
    let mut typo = BOB.to_string();
    typo.replace_range(10..11, "x");
    type_into(&mut harness, 0, &typo);
    type_into(&mut harness, 1, "1");
    harness.get_by_label("The address has a typo: its checksum does not match");
    assert!(review_disabled(&harness));
    harness.run_steps(30);
    assert!(
        review_disabled(&harness),
        "still disabled after the debounce"
    );

    // The right address is accepted, shown with its identicon, and can be saved by name.
    harness
        .get_all_by_role(Role::TextInput)
        .next()
        .expect("destination")
        .focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    type_into(&mut harness, 0, BOB);
    harness.get_by_label_contains("Valid Bittensor address");
    assert!(
        harness
            .query_by_label("The address has a typo: its checksum does not match")
            .is_none()
    );
    // Ten decimals in the transfer amount get the same message as anywhere else.
    harness
        .get_all_by_role(Role::TextInput)
        .nth(2)
        .expect("amount")
        .focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    type_into(&mut harness, 2, "0.0000000001");
    harness.get_by_label("Amount: at most 9 digits after the point (you typed 10)");
    assert!(review_disabled(&harness));
}
