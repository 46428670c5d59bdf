//! One frame of the subnet page with all 1024 UIDs of finney netuid 1 (the bundled snapshot),
//! layout and tessellation included, no GPU: the target is < 8 ms. Also a frame of the Wallet
//! page for comparison.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

fn subnet_page(c: &mut Criterion) {
    // A closed port: the app stays offline and reads the bundled snapshot.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings {
        network,
        wallet_path: Some(dir.path().to_path_buf()),
        ..Settings::default()
    };
    let options = LaunchOptions {
        page: Some(Page::Subnet(1)),
        snapshot: Some(SnapshotChoice::Bundled),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)));
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);
    let started = Instant::now();
    while harness
        .query_all_by_label_contains("1024 / 1024")
        .next()
        .is_none()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the snapshot loads"
        );
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    c.bench_function("subnet page frame, 1024 UIDs", |b| {
        b.iter(|| harness.step())
    });
}

criterion_group!(benches, subnet_page);
criterion_main!(benches);
