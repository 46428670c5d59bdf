//! The subnet page on replayed finney (netuid 1, 1024 UIDs): header facts, sorting by
//! clicking a column, and a neuron's details — driven by label like a person would.

use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::step_until;

#[test]
fn metagraph_of_netuid_1_sorts_and_opens_a_neuron() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay");
    let network = Network::parse(&server.url()).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(dir.path().join("wallets")),
        ..Settings::default()
    };
    let options = LaunchOptions {
        page: Some(Page::Subnet(1)),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)));
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);

    step_until(&mut harness, "1024 / 1024", 20);
    harness.get_by_label("6,852,690");
    harness.get_by_label("α Apex");

    // Sorting by incentive puts the one rewarded UID (395, the owner) on top.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Incentive   ")
        .click();
    harness.run_steps(3);
    harness.get_by_label("395 V").click();
    harness.run_steps(3);
    harness.get_by_label("UID 395");
    // The owner's hotkey is also its coldkey: both rows of the details show it.
    let owner = "5HCFWvRqzSHWRPecN7q8J6c7aKQnrCZTMHstPv39xL1wgDHh";
    assert_eq!(harness.query_all_by_label(owner).count(), 2);
    assert_eq!(server.unanswered(), Vec::<String>::new());
}
