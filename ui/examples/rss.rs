//! Peak memory (VmHWM) with every subnet listed and one 1024-UID metagraph loaded.
//!
//! The app runs headless (egui_kittest: layout and tessellation, no GPU) on a snapshot made
//! from the bundled one: its real 1024-UID metagraph of finney netuid 1, plus a subnets list
//! of 129 rows (the recording holds no subnets list, so the rows are copies of subnet 1's
//! facts under netuids 0..=128: sizing filler for this measurement only, never shown to
//! users). It opens the Subnets page, then subnet 1, draws frames, and prints VmHWM and
//! VmRSS from /proc/self/status.
//!
//! `cargo run --release -p taoscope-ui --example rss [-- SNAPSHOT_OUT]` (with SNAPSHOT_OUT it
//! also saves that snapshot, so the windowed binary can be measured on the same data:
//! `/usr/bin/time -v taoscope --snapshot SNAPSHOT_OUT --screenshot F.png --page subnets`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::explorer::snapshot::Snapshot;
use taoscope_core::network::Network;
use taoscope_core::service::{CoreHandle, snapshot_subnets};
use taoscope_core::settings::Settings;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, SnapshotChoice, TaoscopeApp};

/// Subnets on finney, root included, at the time of writing.
const SUBNETS: u16 = 129;

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l.trim_start_matches(field).trim().to_string())
        })
        .unwrap_or_else(|| "unavailable".into())
}

fn step_until(harness: &mut Harness<'_, TaoscopeApp>, label: &str) {
    let started = Instant::now();
    while harness.query_all_by_label_contains(label).next().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            eprintln!("'{label}' never appeared");
            std::process::exit(1);
        }
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
}

fn main() {
    let mut snapshot = match Snapshot::bundled() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let template = snapshot_subnets(&snapshot);
    let Some(row) = template.first() else {
        eprintln!("the bundled snapshot has no subnet");
        std::process::exit(1);
    };
    snapshot.subnets = Some(
        (0..SUBNETS)
            .map(|netuid| {
                let mut copy = row.clone();
                copy.netuid = netuid;
                copy.name = format!("{} {netuid}", row.name);
                copy
            })
            .collect(),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("sized.json.gz"));
    if let Err(e) = snapshot.save(&path) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    drop(snapshot);

    // A closed port: no node, the app reads the snapshot.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        wallet_path: Some(dir.path().join("wallets")),
        language: Some(taoscope_core::i18n::Language::En),
        ..Settings::default()
    };
    let options = LaunchOptions {
        page: Some(Page::Subnets),
        snapshot: Some(SnapshotChoice::File(path)),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)));
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);
    step_until(&mut harness, "Last updated at block");
    for _ in 0..30 {
        harness.step();
    }
    println!(
        "subnets page ({SUBNETS} rows): VmHWM {}, VmRSS {}",
        status("VmHWM:"),
        status("VmRSS:")
    );
    match harness.query_all_by_label("1").next() {
        Some(link) => link.click(),
        None => {
            eprintln!("no link to subnet 1");
            std::process::exit(1);
        }
    }
    step_until(&mut harness, "1024 / 1024");
    for _ in 0..30 {
        harness.step();
    }
    println!(
        "then subnet 1 (1024 UIDs): VmHWM {}, VmRSS {}",
        status("VmHWM:"),
        status("VmRSS:")
    );
}
