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

/// The whole app against a scripted JSON-RPC node, with what keeps both alive.
#[allow(dead_code)]
pub struct ScriptedApp {
    /// The app, stepped by the test.
    pub harness: Harness<'static, TaoscopeApp>,
    /// The node (it logs every request).
    pub peer: taoscope_core::scripted_peer::ScriptedPeer,
    /// The runtime the node runs on.
    pub runtime: tokio::runtime::Runtime,
    /// The wallets folder, settings file and whatever `options` put there.
    pub dir: tempfile::TempDir,
}

/// The app in English against a node serving `chain`, with the alice-nacl vector wallet
/// (password "correct horse battery staple") copied in as `wallet`. `options` may put
/// more files in the scene's folder and says how to open the app.
#[allow(dead_code)]
pub fn scripted_app(
    chain: taoscope_core::scripted_peer::ScriptedChain,
    wallet: &str,
    size: [f32; 2],
    options: impl FnOnce(&std::path::Path) -> LaunchOptions,
) -> ScriptedApp {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let chain = Arc::new(chain);
    let peer = runtime
        .block_on(taoscope_core::scripted_peer::ScriptedPeer::start(
            move |m, p| chain.answer(m, p),
        ))
        .expect("peer");
    let dir = tempfile::tempdir().expect("tempdir");
    let wallets = dir.path().join("wallets");
    let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/keys/wallets/alice-nacl");
    copy_dir(&vectors, &wallets.join(wallet));
    let options = options(dir.path());
    let network = Network::parse(&peer.url()).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(wallets),
        ..Settings::default()
    };
    let app = TaoscopeApp::new(
        core,
        settings,
        Some(dir.path().join("s.json")),
        &options,
        Arc::new(Mutex::new(None)),
    );
    let harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);
    ScriptedApp {
        harness,
        peer,
        runtime,
        dir,
    }
}

/// Copies a folder tree (test wallets from the shared vectors).
#[allow(dead_code)]
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
