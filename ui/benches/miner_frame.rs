//! One frame of the Miner page with 10,000 log lines buffered from a real (test) miner,
//! layout and tessellation included, no GPU: the target is < 8 ms. The log view lays out
//! only the rows in sight (`ScrollArea::show_rows`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::miner::Session;
use taoscope_core::miner::profile::CommandSpec;
use taoscope_core::miner::supervisor::{MinerPlan, MinerState, Supervisor, SupervisorConfig};
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

/// Waits for `$GO`, prints 10,000 lines at once, then idles.
const MINER: &str = "#!/bin/sh\necho ready\nwhile [ ! -f \"$GO\" ]; do sleep 0.05; done\ni=0\nwhile [ $i -lt 10000 ]; do i=$((i+1)); echo \"step $i | processed request | latency 42 ms\"; done\nsleep 1000\n";

fn miner_page(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let miners = dir.path().join("miners");
    let run_dir = miners.join("bench-miner");
    std::fs::create_dir_all(&run_dir).expect("dir");
    let script = dir.path().join("miner.sh");
    std::fs::write(&script, MINER).expect("script");
    let go = dir.path().join("go");
    let plan = MinerPlan {
        setup: Vec::new(),
        launch: CommandSpec {
            name: "miner".into(),
            program: "sh".into(),
            args: vec![script.display().to_string()],
            env: [("GO".to_string(), go.display().to_string())]
                .into_iter()
                .collect(),
            workdir: run_dir.clone(),
            creates: None,
        },
        health_pattern: None,
        hold_before_launch: false,
    };
    Session {
        profile: "bench-miner".into(),
        netuid: 1,
        wallet: "w".into(),
        hotkey: "h".into(),
        hotkey_ss58: None,
        plan: plan.clone(),
    }
    .save(&run_dir)
    .expect("session");
    let supervisor = Supervisor::start(SupervisorConfig::new(&run_dir), plan, None).expect("start");
    while !matches!(supervisor.status().state, MinerState::Running { .. }) {
        std::thread::sleep(Duration::from_millis(10));
    }
    supervisor.detach();

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
        page: Some(Page::Miner),
        snapshot: Some(SnapshotChoice::Bundled),
        miners_dir: Some(miners.clone()),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)));
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);
    let step_until = |harness: &mut Harness<'_, TaoscopeApp>, label: &str| {
        let started = Instant::now();
        while harness.query_all_by_label_contains(label).next().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{label} appears"
            );
            std::thread::sleep(Duration::from_millis(20));
            harness.step();
        }
    };
    step_until(&mut harness, "Re-attached");
    std::fs::write(&go, "").expect("go");
    step_until(&mut harness, "step 10000 |");
    c.bench_function("miner page frame, 10,000 log lines", |b| {
        b.iter(|| harness.step())
    });
    drop(harness); // the page detaches (it was re-attached)
    if let Ok(supervisor) = Supervisor::attach(SupervisorConfig::new(&run_dir), None) {
        supervisor.stop();
    }
}

criterion_group!(benches, miner_page);
criterion_main!(benches);
