//! Helpers the UI test files share.

use std::time::{Duration, Instant};

use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

/// The whole app on `network`, in English, with an empty wallets folder (kept as long as
/// the returned directory lives), opened with `options`, in a harness of `size`.
#[allow(dead_code)] // each test binary compiles this module; not all build a whole app
pub fn app_harness(
    network: Network,
    options: LaunchOptions,
    size: [f32; 2],
) -> (Harness<'static, TaoscopeApp>, tempfile::TempDir) {
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(dir.path().join("wallets")),
        ..Settings::default()
    };
    let app = TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)));
    let harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);
    (harness, dir)
}

/// Steps the app until some node's label contains `label`, failing after `seconds`.
pub fn step_until(harness: &mut Harness<'_, TaoscopeApp>, label: &str, seconds: u64) {
    let started = Instant::now();
    while harness.query_all_by_label_contains(label).next().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(seconds),
            "'{label}' never appeared"
        );
        std::thread::sleep(Duration::from_millis(40));
        harness.step();
    }
}
