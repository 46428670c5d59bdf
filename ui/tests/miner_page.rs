//! The Miner page with a real test miner: it re-attaches to a miner left running in the
//! background, shows its state and live log, searches the log, and stops the miner; the
//! picker lists the bundled profiles with whether they fit this machine. The registration
//! step against a scripted node is in `miner_register.rs`.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::miner::Session;
use taoscope_core::miner::profile::CommandSpec;
use taoscope_core::miner::supervisor::{
    MinerPlan, MinerState, Supervisor, SupervisorConfig, process_alive, read_pid_file,
};
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::step_until;

const MINER: &str = "#!/bin/sh\necho \"test miner up\"\necho \"marker-once\"\ni=0\nwhile :; do i=$((i+1)); echo \"tick $i\"; sleep 0.05; done\n";

/// Starts the test miner in `root/test-miner` with its session saved, then detaches, as
/// `taoscope miner run --detach` does.
fn start_in_background(root: &Path) -> u32 {
    let run_dir = root.join("test-miner");
    let script = root.join("miner.sh");
    std::fs::create_dir_all(&run_dir).expect("dir");
    std::fs::write(&script, MINER).expect("script");
    let plan = MinerPlan {
        setup: Vec::new(),
        launch: CommandSpec {
            name: "miner".into(),
            program: "sh".into(),
            args: vec![script.display().to_string()],
            env: Default::default(),
            workdir: run_dir.clone(),
            creates: None,
        },
        health_pattern: Some("test miner up".into()),
        hold_before_launch: false,
    };
    Session {
        profile: "test-miner".into(),
        netuid: 1,
        wallet: "w".into(),
        hotkey: "h".into(),
        hotkey_ss58: None,
        plan: plan.clone(),
    }
    .save(&run_dir)
    .expect("session");
    let supervisor = Supervisor::start(
        SupervisorConfig::new(&run_dir),
        plan,
        Some("test-miner".into()),
    )
    .expect("start");
    let started = std::time::Instant::now();
    let pid = loop {
        if let MinerState::Running { pid, .. } = supervisor.status().state
            && supervisor
                .lines_since(0)
                .iter()
                .any(|(_, l)| l.starts_with("tick"))
        {
            break pid;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "miner starts");
        std::thread::sleep(Duration::from_millis(20));
    };
    supervisor.detach();
    pid
}

fn app_on_miner_page(
    miners: &Path,
    wallets: &Path,
    profiles: &Path,
) -> Harness<'static, TaoscopeApp> {
    // A closed port: the app stays offline and the explorer reads the bundled snapshot.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(wallets.to_path_buf()),
        ..Settings::default()
    };
    let options = LaunchOptions {
        page: Some(Page::Miner),
        snapshot: Some(SnapshotChoice::Bundled),
        miners_dir: Some(miners.to_path_buf()),
        miner_profiles_dir: Some(profiles.to_path_buf()),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(core, settings, None, &options, Arc::new(Mutex::new(None)));
    Harness::builder()
        .with_size([1280.0, 1000.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app)
}

#[test]
fn reattaches_shows_the_log_searches_it_and_stops_the_miner() {
    let dir = tempfile::tempdir().expect("tempdir");
    let miners = dir.path().join("miners");
    let pid = start_in_background(&miners);
    assert!(process_alive(pid));

    let mut harness = app_on_miner_page(
        &miners,
        &dir.path().join("wallets"),
        &dir.path().join("profiles"),
    );
    step_until(&mut harness, "Re-attached to a miner", 20);
    harness.get_by_label("test-miner on subnet 1");
    step_until(&mut harness, &format!("Running (process {pid})"), 10);
    step_until(&mut harness, "tick", 10);
    // The profile's pattern matched the miner's first line as the window read the log.
    step_until(&mut harness, "Last healthy line", 10);

    // Search narrows the log to the matching line.
    let search = harness.get_by_label("Search");
    search.click();
    harness.run_steps(1);
    harness.get_by_label("Search").type_text("marker-once");
    harness.run_steps(3);
    step_until(&mut harness, "1 of ", 5);
    harness.get_by_label("marker-once");

    // Stop ends the miner and its group; the page says so.
    harness.get_by_label("Stop").click();
    step_until(&mut harness, "Stopped", 15);
    assert!(!process_alive(pid));
    assert!(read_pid_file(&miners.join("test-miner/miner.pid")).is_none());
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    // With the miner closed, the picker is back.
    step_until(&mut harness, "Subnets you can mine", 5);
}

#[test]
fn the_picker_lists_bundled_profiles_with_their_fit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app_on_miner_page(
        &dir.path().join("miners"),
        &dir.path().join("wallets"),
        &dir.path().join("profiles"),
    );
    step_until(&mut harness, "Subnets you can mine", 20);
    harness.get_by_label("3 · τemplar: distributed pre-training");
    harness.get_by_label("9 · IOTA: pipeline-parallel training");
    harness.get_by_label("25 · Folding: protein simulations");
    let detection = taoscope_core::miner::gpu::detect();
    if detection.gpus.is_empty() {
        harness.get_by_label("No supported GPU found.");
        harness.get_by_label_contains("NVIDIA driver library (NVML)");
        assert_eq!(
            harness
                .query_all_by_label_contains("does not fit: it needs a GPU and none was found")
                .count(),
            3
        );
        harness.get_by_label("This profile does not fit this computer's GPUs.");
    }
}

#[test]
fn start_runs_setup_then_the_registration_check_then_the_launch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profiles = dir.path().join("profiles");
    let wallets = dir.path().join("wallets");
    std::fs::create_dir_all(&profiles).expect("dir");
    std::fs::create_dir_all(wallets.join("default/hotkeys")).expect("dir");
    // A watch-only hotkey: its public file is all a miner's registration check needs.
    std::fs::write(
        wallets.join("default/hotkeys/defaultpub.txt"),
        r#"{"ss58Address": "5HCFWvRqzSHWRPecN7q8J6c7aKQnrCZTMHstPv39xL1wgDHh"}"#,
    )
    .expect("hotkey");
    let script = dir.path().join("miner.sh");
    std::fs::write(&script, MINER).expect("script");
    std::fs::write(
        profiles.join("test-miner.toml"),
        format!(
            "name = \"test-miner\"\nnetuid = 1\ndisplay_name = \"Test miner\"\n\
             description = \"Prints ticks.\"\n[gpu]\nmin_vram_mb = 0\nclass = \"none\"\n\
             [[setup]]\nname = \"prepare\"\ncommand = [\"sh\", \"-c\", \"echo preparing for {{hotkey}}\"]\n\
             [launch]\ncommand = [\"sh\", \"{}\"]\n",
            script.display()
        ),
    )
    .expect("profile");
    let miners = dir.path().join("miners");
    let mut harness = app_on_miner_page(&miners, &wallets, &profiles);
    step_until(&mut harness, "1 · Test miner", 20);
    harness.get_by_label("1 · Test miner").click();
    harness.run_steps(2);
    // The wallet and hotkey fields start at "default", which the folder above has.
    harness.get_by_label("Start").click();
    // The node is offline here, so the check cannot answer: the page says so and offers
    // to launch anyway; nothing runs before that.
    step_until(&mut harness, "The registration could not be checked", 30);
    assert!(read_pid_file(&miners.join("test-miner/miner.pid")).is_none());
    step_until(&mut harness, "preparing for default", 5);
    harness.get_by_label("Launch anyway").click();
    step_until(&mut harness, "Running (process", 10);
    step_until(&mut harness, "test miner up", 10);
    let record = read_pid_file(&miners.join("test-miner/miner.pid")).expect("pid file");
    assert!(process_alive(record.pid));
    harness.get_by_label("Stop").click();
    step_until(&mut harness, "Stopped", 15);
    assert!(!process_alive(record.pid));
}
