//! The Wallet page driven by label: the list with addresses, then the create flow from
//! the phrase screen through the three-word check to a wallet btcli can read.

use std::path::Path;
use std::sync::{Arc, Mutex};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::{Settings, Theme};
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{copy_dir, step_until};

/// Focuses the `index`-th field of `role`, optionally clears it, and types `text`.
fn type_into(
    harness: &mut Harness<'_, TaoscopeApp>,
    role: Role,
    index: usize,
    text: &str,
    clear: bool,
) {
    harness
        .get_all_by_role(role)
        .nth(index)
        .expect("field")
        .focus();
    harness.run_steps(1);
    if clear {
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness.run_steps(1);
    }
    harness
        .get_all_by_role(role)
        .nth(index)
        .expect("field")
        .type_text(text);
    harness.run_steps(2);
}

#[test]
fn wallets_are_listed_and_a_new_one_is_created_after_the_backup_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wallets = dir.path().join("wallets");
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/keys/wallets");
    copy_dir(&vectors.join("alice-nacl"), &wallets.join("alice-nacl"));

    // No node needed: a closed port keeps the app offline.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        theme: Theme::Light,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(wallets.clone()),
    };
    let options = LaunchOptions {
        page: Some(Page::Wallet),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(
        core,
        settings,
        Some(dir.path().join("s.json")),
        &options,
        Arc::new(Mutex::new(None)),
    );
    let mut harness = Harness::builder()
        .with_size([1200.0, 900.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);

    step_until(&mut harness, "alice-nacl", 10);
    harness.get_by_label("5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1");
    harness.get_by_label("5G92rpZw1e8HZVDxvZYtRo5cgGQNjPpVdjg5Y1DPsuV67XyH");

    // Create: name, password twice, then the phrase screen with its warning.
    harness.get_by_label("Create a wallet").click();
    harness.run_steps(2);
    assert_eq!(
        harness.get_all_by_role(Role::TextInput).count(),
        1,
        "the name"
    );
    assert_eq!(
        harness.get_all_by_role(Role::PasswordInput).count(),
        2,
        "password, repeat"
    );
    type_into(&mut harness, Role::TextInput, 0, "fresh", true);
    type_into(&mut harness, Role::PasswordInput, 0, "short", false);
    harness.get_by_label("Too short");
    type_into(
        &mut harness,
        Role::PasswordInput,
        0,
        "-but-now-long-9",
        false,
    );
    type_into(
        &mut harness,
        Role::PasswordInput,
        1,
        "short-but-now-long-9",
        false,
    );
    harness.get_by_label("Next").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Do not take a screenshot");

    // Read the coldkey phrase the way a person does: from the numbered words on screen.
    let mut words = Vec::new();
    for n in 1..=24 {
        let prefix = format!("{n:>2}. ");
        let found: Vec<String> = harness
            .query_all_by_label_contains(&prefix)
            .filter_map(|node| node.accesskit_node().value())
            .filter(|l| l.starts_with(&prefix))
            .collect();
        if let Some(first) = found.first() {
            words.push(first[prefix.len()..].to_string());
        }
    }
    assert_eq!(words.len(), 12, "twelve coldkey words: {words:?}");
    harness.get_by_label("I have written them down").click();
    harness.run_steps(2);

    // The check asks for three words by number; wrong answers keep the button disabled.
    let asked: Vec<usize> = harness
        .query_all_by_label_contains("Word ")
        .filter_map(|n| n.accesskit_node().value())
        .filter_map(|l| {
            l.trim_start_matches("Word ")
                .trim_end_matches(':')
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(asked.len(), 3, "{asked:?}");
    for (i, number) in asked.iter().enumerate() {
        let answer = words.get(number - 1).expect("asked word exists");
        type_into(&mut harness, Role::TextInput, i, answer, false);
    }
    harness.run_steps(2);
    harness.get_by_label("Create the wallet").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Encrypting your coldkey");
    step_until(&mut harness, "Your wallet is ready", 60);
    harness.get_by_label("Back to wallets").click();
    step_until(&mut harness, "fresh", 10);

    assert!(wallets.join("fresh/coldkey").exists());
    assert!(wallets.join("fresh/coldkeypub.txt").exists());
    assert!(wallets.join("fresh/hotkeys/default").exists());
    let phrase = words.join(" ");
    let derived = taoscope_core::keys::Keypair::from_phrase(&phrase).expect("phrase");
    harness.get_by_label(&derived.ss58_address());
}
