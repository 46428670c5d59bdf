//! The miner supervisor with a real child: a small shell program written at test time that
//! prints numbered lines (alternating stdout and stderr), starts a helper in its process
//! group, and crashes or exits when a control file appears.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use taoscope_core::miner::profile::CommandSpec;
use taoscope_core::miner::supervisor::{
    Backoff, MinerPlan, MinerState, Status, Supervisor, SupervisorConfig, group_members,
    process_alive, read_pid_file,
};

/// The test miner. `$CTL` is its control folder: `crash` makes it exit 3, `exit` exit 0.
/// It writes its helper's pid to `$CTL/helper.pid`. With `IGNORE_TERM=1` it ignores SIGTERM.
const MINER: &str = r#"#!/bin/sh
[ "$IGNORE_TERM" = 1 ] && trap '' TERM
sleep 1000 &
echo $! > "$CTL/helper.pid"
echo "started $$"
i=0
while :; do
  i=$((i+1))
  if [ $((i % 2)) = 0 ]; then echo "line $i"; else echo "line $i" >&2; fi
  if [ -n "$LINES_THEN_EXIT" ] && [ "$i" -ge "$LINES_THEN_EXIT" ]; then exit 0; fi
  if [ -f "$CTL/crash" ]; then echo "crashing"; exit 3; fi
  if [ -f "$CTL/exit" ]; then echo "bye"; exit 0; fi
  [ -n "$FAST" ] || sleep 0.05
done
"#;

struct Rig {
    _dir: tempfile::TempDir,
    ctl: PathBuf,
    run: PathBuf,
    script: PathBuf,
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().expect("tempdir");
    let ctl = dir.path().join("ctl");
    let run = dir.path().join("run");
    std::fs::create_dir_all(&ctl).expect("ctl");
    let script = dir.path().join("miner.sh");
    std::fs::write(&script, MINER).expect("script");
    Rig {
        ctl,
        run,
        script,
        _dir: dir,
    }
}

impl Drop for Rig {
    /// A failed assertion must not leave a test miner running: kill whatever its pid file
    /// and helper file name.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let mut pids = Vec::new();
        if let Some(record) = read_pid_file(&self.config().pid_path()) {
            pids.push(record.pid);
        }
        if let Ok(text) = std::fs::read_to_string(self.ctl.join("helper.pid"))
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            pids.push(pid);
        }
        for pid in pids {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

impl Rig {
    fn spec(&self, env: &[(&str, &str)]) -> CommandSpec {
        let mut vars: std::collections::BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        vars.insert("CTL".into(), self.ctl.display().to_string());
        CommandSpec {
            name: "miner".into(),
            program: "sh".into(),
            args: vec![self.script.display().to_string()],
            env: vars,
            workdir: self.run.clone(),
            creates: None,
        }
    }

    fn plan(&self, env: &[(&str, &str)]) -> MinerPlan {
        MinerPlan {
            setup: Vec::new(),
            launch: self.spec(env),
            health_pattern: Some("started".into()),
            hold_before_launch: false,
        }
    }

    fn config(&self) -> SupervisorConfig {
        let mut config = SupervisorConfig::new(&self.run);
        config.poll = Duration::from_millis(20);
        config.stop_timeout = Duration::from_secs(3);
        config.backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(400),
            max_restarts: 3,
            stable_after: Duration::from_secs(60),
        };
        config
    }

    fn helper_pid(&self) -> u32 {
        let path = self.ctl.join("helper.pid");
        wait_for(|| std::fs::read_to_string(&path).is_ok_and(|t| t.trim().parse::<u32>().is_ok()));
        std::fs::read_to_string(&path)
            .expect("helper pid")
            .trim()
            .parse()
            .expect("number")
    }
}

fn wait_for(mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(15), "timed out");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait_state(supervisor: &Supervisor, want: impl Fn(&MinerState) -> bool) -> Status {
    let mut status = supervisor.status();
    wait_for(|| {
        status = supervisor.status();
        want(&status.state)
    });
    status
}

fn miner_lines(supervisor: &Supervisor) -> Vec<String> {
    supervisor
        .lines_since(0)
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| !l.starts_with("[taoscope]"))
        .collect()
}

#[test]
fn logs_are_captured_in_order() {
    let rig = rig();
    let supervisor = Supervisor::start(
        rig.config(),
        rig.plan(&[("LINES_THEN_EXIT", "300"), ("FAST", "1")]),
        None,
    )
    .expect("start");
    wait_state(&supervisor, |s| *s == MinerState::Exited);
    let lines = miner_lines(&supervisor);
    assert!(lines[0].starts_with("started "), "{lines:?}");
    let expected: Vec<String> = (1..=300).map(|i| format!("line {i}")).collect();
    assert_eq!(
        &lines[1..],
        &expected[..],
        "stdout and stderr interleave in order"
    );
    // The same lines are in the log file.
    let file = std::fs::read_to_string(rig.config().log_path()).expect("log");
    assert!(file.contains("line 1\nline 2\nline 3\n"));
    assert!(file.contains("line 300\n"));
    supervisor.stop();
}

#[test]
fn a_crash_restarts_with_backoff_until_the_limit() {
    let rig = rig();
    std::fs::write(rig.ctl.join("crash"), "").expect("ctl");
    let started = Instant::now();
    // The control file is removed by nobody: every run crashes at once.
    let script = std::fs::read_to_string(&rig.script).expect("script");
    std::fs::write(
        &rig.script,
        script.replace("exit 3; fi", "exit 3; fi # keep"),
    )
    .expect("w");
    let supervisor = Supervisor::start(rig.config(), rig.plan(&[]), None).expect("start");
    let mut saw_restarting = false;
    wait_for(|| {
        let status = supervisor.status();
        saw_restarting |= matches!(status.state, MinerState::Restarting { .. });
        matches!(status.state, MinerState::GaveUp { .. })
    });
    let elapsed = started.elapsed();
    let status = supervisor.status();
    assert!(saw_restarting);
    assert_eq!(status.restarts, 3);
    match &status.state {
        MinerState::GaveUp { exit } => assert_eq!(exit, "exit code 3"),
        other => panic!("{other:?}"),
    }
    // Waits of 100, 200 and 400 ms came before the three restarts.
    assert!(elapsed >= Duration::from_millis(700), "{elapsed:?}");
    let runs = miner_lines(&supervisor)
        .iter()
        .filter(|l| l.starts_with("started "))
        .count();
    assert_eq!(runs, 4, "the first run and three restarts");
    // Each crashed run's helper went with it.
    assert!(!process_alive(rig.helper_pid()));
    supervisor.stop();
}

#[test]
fn a_crash_then_recovery_keeps_running() {
    let rig = rig();
    let supervisor = Supervisor::start(rig.config(), rig.plan(&[]), None).expect("start");
    let first = wait_state(&supervisor, |s| matches!(s, MinerState::Running { .. }));
    std::fs::write(rig.ctl.join("crash"), "").expect("ctl");
    wait_state(&supervisor, |s| matches!(s, MinerState::Restarting { .. }));
    std::fs::remove_file(rig.ctl.join("crash")).expect("ctl");
    let second = wait_state(&supervisor, |s| matches!(s, MinerState::Running { .. }));
    assert_ne!(first.state, second.state, "a new process");
    assert_eq!(second.restarts, 1);
    let status = supervisor.stop();
    assert_eq!(status.state, MinerState::Stopped);
}

#[test]
fn stop_ends_the_whole_process_group() {
    let rig = rig();
    let supervisor = Supervisor::start(rig.config(), rig.plan(&[]), None).expect("start");
    let status = wait_state(&supervisor, |s| matches!(s, MinerState::Running { .. }));
    let MinerState::Running { pid, .. } = status.state else {
        unreachable!()
    };
    let helper = rig.helper_pid();
    assert!(process_alive(pid) && process_alive(helper));
    let members = group_members(pid);
    assert!(
        members.contains(&pid) && members.contains(&helper),
        "the miner and its helper share a group: {members:?}"
    );
    let status = supervisor.stop();
    assert_eq!(status.state, MinerState::Stopped);
    assert!(!process_alive(pid), "miner gone");
    assert!(!process_alive(helper), "helper gone: no orphan");
    assert!(group_members(pid).is_empty());
    assert!(!rig.config().pid_path().exists(), "pid file removed");
}

#[test]
fn a_miner_that_ignores_sigterm_gets_sigkill() {
    let rig = rig();
    let mut config = rig.config();
    config.stop_timeout = Duration::from_millis(300);
    let supervisor =
        Supervisor::start(config, rig.plan(&[("IGNORE_TERM", "1")]), None).expect("start");
    let status = wait_state(&supervisor, |s| matches!(s, MinerState::Running { .. }));
    let MinerState::Running { pid, .. } = status.state else {
        unreachable!()
    };
    let helper = rig.helper_pid();
    let asked = Instant::now();
    supervisor.stop();
    assert!(asked.elapsed() >= Duration::from_millis(300));
    assert!(!process_alive(pid) && !process_alive(helper));
}

#[test]
fn a_new_supervisor_reattaches_by_pid_file() {
    let rig = rig();
    let plan = rig.plan(&[]);
    let first = Supervisor::start(rig.config(), plan.clone(), Some("test".into())).expect("start");
    let status = wait_state(&first, |s| matches!(s, MinerState::Running { .. }));
    let MinerState::Running { pid, .. } = status.state else {
        unreachable!()
    };
    // The window closes with "keep running in background".
    first.detach();
    assert!(
        process_alive(pid),
        "still running after the supervisor went away"
    );
    let record = read_pid_file(&rig.config().pid_path()).expect("pid file");
    assert_eq!((record.pid, record.profile.as_deref()), (pid, Some("test")));

    // A second start refuses to run a duplicate; attaching picks up the same process.
    assert!(Supervisor::start(rig.config(), plan.clone(), None).is_err());
    let second = Supervisor::attach(rig.config(), Some(plan)).expect("attach");
    let status = second.status();
    assert!(status.attached);
    assert_eq!(
        status.state,
        MinerState::Running {
            pid,
            healthy: false
        }
    );
    // It follows the log: new lines keep arriving.
    let seen = second.status().last_line;
    wait_for(|| second.status().last_line > seen + 5);
    let last = second
        .lines_since(0)
        .last()
        .map(|(_, l)| l.clone())
        .unwrap_or_default();
    assert!(last.starts_with("line "), "{last}");
    // And a crash after re-attaching is restarted as usual.
    std::fs::write(rig.ctl.join("crash"), "").expect("ctl");
    wait_state(&second, |s| matches!(s, MinerState::Restarting { .. }));
    std::fs::remove_file(rig.ctl.join("crash")).expect("ctl");
    let status = wait_state(&second, |s| matches!(s, MinerState::Running { .. }));
    let MinerState::Running { pid: new_pid, .. } = status.state else {
        unreachable!()
    };
    assert_ne!(new_pid, pid);
    second.stop();
    assert!(!process_alive(new_pid));
    assert!(
        Supervisor::attach(rig.config(), None).is_err(),
        "nothing left to attach to"
    );
}

#[test]
fn two_supervisors_never_drive_one_miner() {
    let rig = rig();
    let first = Supervisor::start(rig.config(), rig.plan(&[]), None).expect("start");
    wait_state(&first, |s| matches!(s, MinerState::Running { .. }));
    assert!(
        Supervisor::attach(rig.config(), None).is_err(),
        "the lock is held"
    );
    first.stop();
}

fn step(name: &str, script: &str, workdir: &Path) -> CommandSpec {
    CommandSpec {
        name: name.into(),
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
        env: Default::default(),
        workdir: workdir.to_path_buf(),
        creates: None,
    }
}

#[test]
fn setup_steps_report_progress_and_can_be_cancelled() {
    let rig = rig();
    let mut plan = rig.plan(&[]);
    plan.setup = vec![
        step("fetch", "echo fetched", &rig.run),
        step("install", "echo installing; sleep 30", &rig.run),
    ];
    let supervisor = Supervisor::start(rig.config(), plan, None).expect("start");
    wait_state(
        &supervisor,
        |s| matches!(s, MinerState::SettingUp { step: 2, total: 2, name } if name == "install"),
    );
    wait_for(|| {
        supervisor
            .lines_since(0)
            .iter()
            .any(|(_, l)| l == "installing")
    });
    let asked = Instant::now();
    let status = supervisor.stop();
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "cancelled, not waited out"
    );
    assert_eq!(status.state, MinerState::Stopped);
    assert!(!rig.config().pid_path().exists(), "the miner never started");
}

#[test]
fn a_failed_setup_step_stops_before_launch_and_done_steps_are_skipped() {
    let rig = rig();
    let mut plan = rig.plan(&[]);
    let marker = rig.run.join("made");
    let mut make = step("make", "mkdir made", &rig.run);
    make.creates = Some(marker.clone());
    plan.setup = vec![make, step("broken", "echo nope >&2; exit 2", &rig.run)];
    let supervisor = Supervisor::start(rig.config(), plan.clone(), None).expect("start");
    let status = wait_state(&supervisor, |s| matches!(s, MinerState::SetupFailed { .. }));
    assert_eq!(
        status.state,
        MinerState::SetupFailed {
            step: "broken".into(),
            reason: "exit code 2".into()
        }
    );
    assert!(supervisor.lines_since(0).iter().any(|(_, l)| l == "nope"));
    drop(supervisor);
    // Second try: the step whose result exists is skipped (mkdir would fail otherwise).
    plan.setup.truncate(1);
    plan.hold_before_launch = true;
    let supervisor = Supervisor::start(rig.config(), plan, None).expect("start");
    wait_state(&supervisor, |s| *s == MinerState::ReadyToLaunch);
    assert!(
        supervisor
            .lines_since(0)
            .iter()
            .any(|(_, l)| l.contains("make: already done"))
    );
    supervisor.launch();
    wait_state(&supervisor, |s| {
        matches!(s, MinerState::Running { healthy: true, .. })
    });
    supervisor.stop();
}

#[test]
fn the_log_file_rotates() {
    let rig = rig();
    let mut config = rig.config();
    config.log_max_bytes = 4096;
    config.log_keep = 2;
    let supervisor = Supervisor::start(
        config.clone(),
        rig.plan(&[("LINES_THEN_EXIT", "3000"), ("FAST", "1")]),
        None,
    )
    .expect("start");
    wait_state(&supervisor, |s| *s == MinerState::Exited);
    let rotated = PathBuf::from(format!("{}.1", config.log_path().display()));
    assert!(rotated.exists());
    let size = std::fs::metadata(config.log_path())
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        size < 64 * 1024,
        "the live file was truncated ({size} bytes)"
    );
    assert!(!PathBuf::from(format!("{}.3", config.log_path().display())).exists());
    supervisor.stop();
}

#[test]
fn the_health_pattern_is_a_regex_and_the_last_healthy_line_is_kept() {
    let first = rig();
    // The test miner prints "started <pid>" once, then "line N" forever.
    let mut plan = first.plan(&[]);
    plan.health_pattern = Some(r"^started \d+$".into());
    let before = std::time::SystemTime::now();
    let supervisor = Supervisor::start(first.config(), plan, None).expect("start");
    let status = wait_state(&supervisor, |s| {
        matches!(s, MinerState::Running { healthy: true, .. })
    });
    let MinerState::Running { pid, .. } = status.state else {
        panic!("running");
    };
    let healthy = supervisor
        .status()
        .last_healthy
        .expect("a healthy line was seen");
    assert_eq!(healthy.line, format!("started {pid}"));
    assert!(healthy.at >= before);
    supervisor.stop();

    // A pattern no line matches: running, never healthy, no healthy line.
    let other = rig();
    let mut plan = other.plan(&[]);
    plan.health_pattern = Some(r"^line \d+ done$".into());
    let supervisor = Supervisor::start(other.config(), plan, None).expect("start");
    wait_state(&supervisor, |s| matches!(s, MinerState::Running { .. }));
    wait_for(|| {
        supervisor
            .lines_since(0)
            .iter()
            .any(|(_, l)| l == "line 20")
    });
    let status = supervisor.status();
    assert!(matches!(
        status.state,
        MinerState::Running { healthy: false, .. }
    ));
    assert_eq!(status.last_healthy, None);
    supervisor.stop();
}
