//! The window's shell driven like a person would: by labels, against replayed finney.

use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::{Settings, Theme};
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::step_until;

#[test]
fn shell_shows_live_status_and_settings_work_by_label() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay");
    let network = Network::parse(&server.url()).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core starts");
    let dir = std::env::temp_dir().join(format!("taoscope-ui-{}", std::process::id()));
    let settings_path = dir.join("settings.json");
    let settings = Settings {
        network,
        theme: Theme::Dark,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(dir.join("wallets")),
    };
    let options = LaunchOptions {
        page: Some(taoscope_ui::pages::Page::Settings),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(
        core,
        settings,
        Some(settings_path.clone()),
        &options,
        Arc::new(Mutex::new(None)),
    );
    let mut harness = Harness::builder()
        .with_size([1200.0, 1000.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);

    // The status bar goes live with the recorded head block.
    step_until(&mut harness, "Live", 20);
    step_until(&mut harness, "Block #6,852,690", 20);
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "Settings");
    harness.get_by_label_contains("Genesis hash");
    harness.get_by_label("0x2f0555cc…6c03");

    // A bad custom address is refused in words and nothing is saved.
    harness.get_by_label("Custom address").click();
    harness.run_steps(2);
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text("foo://x");
    harness.run_steps(2);
    assert!(
        harness.query_all_by_value("foo://x").next().is_some(),
        "the field holds only what was typed"
    );
    harness.get_by_label("Connect").click();
    harness.run_steps(2);
    harness.get_by_label_contains("is not a node address");
    assert!(
        !settings_path.exists(),
        "nothing saved for a refused address"
    );

    // Theme and language switch at once and are remembered.
    harness.get_by_label("Light").click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings().theme, Theme::Light);
    harness.get_by_label("Русский").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "Настройки");
    step_until(&mut harness, "В сети", 20);
    let saved = Settings::load_from(&settings_path);
    assert_eq!(saved.theme, Theme::Light);
    assert_eq!(saved.language, Some(taoscope_core::i18n::Language::Ru));
    taoscope_core::i18n::set_language(taoscope_core::i18n::Language::En);
    let _ = std::fs::remove_dir_all(dir);
}
