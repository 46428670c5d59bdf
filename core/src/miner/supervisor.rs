//! Runs a miner as a supervised child: setup steps first (each cancellable, with progress),
//! then the miner in its own process group, restarted with exponential backoff when it
//! crashes, stopped with SIGTERM to the whole group and SIGKILL after a timeout.
//!
//! The child writes straight into a log file (stdout and stderr share one append-mode file,
//! so lines stay in the order printed) and the supervisor tails that file into a ring buffer.
//! Nothing of the child depends on the supervisor's pipes, so the miner survives the window
//! closing ("keep running in background"); a pid file lets a later supervisor re-attach.
//! The log is rotated copy-and-truncate, which is safe for a writer in append mode.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::profile::CommandSpec;

/// How crashes are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait before the first restart.
    pub initial: Duration,
    /// Longest wait between restarts.
    pub max: Duration,
    /// Restarts in a row before giving up.
    pub max_restarts: u32,
    /// A run this long counts as healthy: the restart count starts again.
    pub stable_after: Duration,
}

impl Backoff {
    /// The wait before restart number `attempt` (0-based): initial × 2^attempt, capped.
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Tuning of a supervisor; [`SupervisorConfig::new`] gives the app's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorConfig {
    /// The miner's folder: log files, pid file and lock live here.
    pub run_dir: PathBuf,
    /// Crash restarts.
    pub backoff: Backoff,
    /// How long SIGTERM gets before SIGKILL.
    pub stop_timeout: Duration,
    /// Lines kept in memory.
    pub ring_lines: usize,
    /// The log file is rotated past this size.
    pub log_max_bytes: u64,
    /// Rotated files kept (`miner.log.1` …).
    pub log_keep: usize,
    /// How often the child and the log are looked at.
    pub poll: Duration,
}

impl SupervisorConfig {
    /// Defaults: restarts after 2, 4, 8 … s up to 5 min, 10 in a row; 10 s to stop;
    /// 20,000 lines in memory; 10 MiB log files, 3 kept.
    pub fn new(run_dir: impl Into<PathBuf>) -> Self {
        SupervisorConfig {
            run_dir: run_dir.into(),
            backoff: Backoff {
                initial: Duration::from_secs(2),
                max: Duration::from_secs(300),
                max_restarts: 10,
                stable_after: Duration::from_secs(600),
            },
            stop_timeout: Duration::from_secs(10),
            ring_lines: 20_000,
            log_max_bytes: 10 * 1024 * 1024,
            log_keep: 3,
            poll: Duration::from_millis(100),
        }
    }

    /// The current log file.
    pub fn log_path(&self) -> PathBuf {
        self.run_dir.join("miner.log")
    }

    /// The pid file of a running miner.
    pub fn pid_path(&self) -> PathBuf {
        self.run_dir.join("miner.pid")
    }

    fn lock_path(&self) -> PathBuf {
        self.run_dir.join("supervisor.lock")
    }
}

/// What to run: setup steps, then the miner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinerPlan {
    /// Setup steps, in order.
    pub setup: Vec<CommandSpec>,
    /// The miner.
    pub launch: CommandSpec,
    /// A regular expression tried on each log line; a match marks the miner healthy.
    pub health_pattern: Option<String>,
    /// Stop after setup until [`Supervisor::launch`] is called (the registration check
    /// runs in between).
    pub hold_before_launch: bool,
}

/// Where the supervised miner is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MinerState {
    /// Running setup step `step` (1-based) of `total`.
    SettingUp {
        /// Step number, from 1.
        step: usize,
        /// Steps in all.
        total: usize,
        /// The step's name.
        name: String,
    },
    /// About to start the miner (no setup steps, or setup just finished).
    Starting,
    /// Setup is done; waiting for [`Supervisor::launch`].
    ReadyToLaunch,
    /// The miner runs.
    Running {
        /// Its process id (and process group).
        pid: u32,
        /// The health pattern has appeared in this run's log.
        healthy: bool,
    },
    /// It crashed and will start again.
    Restarting {
        /// When it starts again.
        at: Instant,
        /// How it ended.
        exit: String,
    },
    /// It crashed too often in a row; no more restarts.
    GaveUp {
        /// How it last ended.
        exit: String,
    },
    /// It exited by itself with success; not restarted.
    Exited,
    /// A setup step failed.
    SetupFailed {
        /// The step's name.
        step: String,
        /// Its exit or why it could not start.
        reason: String,
    },
    /// The miner could not be started at all (program missing and the like).
    LaunchFailed {
        /// Why.
        reason: String,
    },
    /// Stopped (by the user, or setup cancelled).
    Stopped,
}

/// A snapshot of the supervisor, cheap to take every frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Where it is.
    pub state: MinerState,
    /// Crash restarts so far.
    pub restarts: u32,
    /// When the current run started.
    pub running_since: Option<Instant>,
    /// Whether this supervisor re-attached to a miner started earlier.
    pub attached: bool,
    /// The newest log line number (see [`Supervisor::lines_since`]).
    pub last_line: u64,
    /// The newest line that matched the health pattern, seen since this supervisor started.
    pub last_healthy: Option<HealthyLine>,
}

/// A log line that matched the health pattern, and when the supervisor read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthyLine {
    /// When it was read (within one poll of when the miner printed it).
    pub at: SystemTime,
    /// The line.
    pub line: String,
}

/// What a pid file holds: enough to find the same process again and not a reused pid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidRecord {
    /// Process id, also its process-group id.
    pub pid: u32,
    /// The kernel's start time of the process (clock ticks since boot, Linux), if known.
    pub start_ticks: Option<u64>,
    /// Unix time it was started, seconds.
    pub started_unix: u64,
    /// The program, for people reading the file.
    pub program: String,
    /// The profile run, when known.
    pub profile: Option<String>,
}

/// Why a supervisor could not start.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    /// The run folder or log file could not be made.
    #[error("{path}: {reason}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS's reason.
        reason: String,
    },
    /// Another supervisor (another Taoscope window or `taoscope miner run`) holds this miner.
    #[error("{0}")]
    Busy(String),
    /// Nothing to re-attach to.
    #[error("{0}")]
    NothingRunning(String),
}

fn io_error(path: &Path, e: std::io::Error) -> SupervisorError {
    SupervisorError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// The newest lines in memory, numbered so a reader can ask for what is new.
#[derive(Debug, Default)]
pub struct LogRing {
    lines: VecDeque<String>,
    capacity: usize,
    /// Number of the line at the front.
    first: u64,
}

impl LogRing {
    /// An empty ring holding up to `capacity` lines.
    pub fn new(capacity: usize) -> Self {
        LogRing {
            lines: VecDeque::with_capacity(capacity.min(4096)),
            capacity: capacity.max(1),
            first: 1,
        }
    }

    /// Adds a line, dropping the oldest when full.
    pub fn push(&mut self, line: String) {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.first += 1;
        }
        self.lines.push_back(line);
    }

    /// Number of the newest line (0 when none yet).
    pub fn last(&self) -> u64 {
        self.first + self.lines.len() as u64 - 1
    }

    /// Lines numbered above `after`, oldest first (older ones already dropped are skipped).
    pub fn since(&self, after: u64) -> Vec<(u64, String)> {
        let skip = after.saturating_add(1).saturating_sub(self.first) as usize;
        self.lines
            .iter()
            .enumerate()
            .skip(skip)
            .map(|(i, l)| (self.first + i as u64, l.clone()))
            .collect()
    }

    /// Lines in memory.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Follows the log file from an offset, turning new bytes into lines; rotates it when large.
struct LogTail {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
    max_bytes: u64,
    keep: usize,
}

impl LogTail {
    fn poll(&mut self, out: &mut Vec<String>) {
        let Ok(mut file) = File::open(&self.path) else {
            return;
        };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size < self.offset {
            // Truncated by someone else's rotation: start from the top.
            self.offset = 0;
        }
        if size > self.offset && file.seek(SeekFrom::Start(self.offset)).is_ok() {
            let mut bytes = Vec::new();
            if let Ok(n) = file.take(size - self.offset).read_to_end(&mut bytes) {
                self.offset += n as u64;
                self.partial.extend_from_slice(&bytes);
                while let Some(end) = self.partial.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = self.partial.drain(..=end).collect();
                    let text = String::from_utf8_lossy(&line[..line.len() - 1]);
                    out.push(text.trim_end_matches('\r').to_string());
                }
            }
        }
        if self.offset >= self.max_bytes {
            self.rotate();
        }
    }

    /// copytruncate: shift `miner.log.N`, copy the live file to `.1`, truncate it in place.
    fn rotate(&mut self) {
        let numbered = |n: usize| PathBuf::from(format!("{}.{n}", self.path.display()));
        for n in (1..self.keep).rev() {
            let _ = std::fs::rename(numbered(n), numbered(n + 1));
        }
        if self.keep > 0 && std::fs::copy(&self.path, numbered(1)).is_err() {
            return;
        }
        if let Ok(file) = OpenOptions::new().write(true).open(&self.path)
            && file.set_len(0).is_ok()
        {
            self.offset = 0;
        }
    }
}

/// A running process the supervisor watches: its own child, or one found by pid file.
enum Proc {
    Own(Child),
    Found(u32),
}

impl Proc {
    fn pid(&self) -> u32 {
        match self {
            Proc::Own(child) => child.id(),
            Proc::Found(pid) => *pid,
        }
    }

    /// `Some(description)` once the process has ended.
    fn exited(&mut self) -> Option<(bool, String)> {
        match self {
            Proc::Own(child) => match child.try_wait() {
                Ok(Some(status)) => Some((status.success(), describe_exit(status))),
                Ok(None) => None,
                Err(e) => Some((false, e.to_string())),
            },
            Proc::Found(pid) => (!process_alive(*pid)).then(|| (false, "ended".to_string())),
        }
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        _ => status.to_string(),
    }
}

/// Whether `pid` is a live process (a zombie counts as ended).
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks for existence and permission.
    let exists = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists && proc_stat(pid as u32).is_none_or(|s| s.state != 'Z')
}

/// The fields of `/proc/<pid>/stat` the supervisor needs.
struct ProcStat {
    state: char,
    pgrp: i64,
    start_ticks: u64,
}

/// Reads `/proc/<pid>/stat` (Linux); `None` elsewhere or when gone.
fn proc_stat(pid: u32) -> Option<ProcStat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: split after the last ')'.
    let after = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    Some(ProcStat {
        state: fields.first()?.chars().next()?,
        pgrp: fields.get(2)?.parse().ok()?,
        start_ticks: fields.get(19)?.parse().ok()?,
    })
}

/// Live (non-zombie) processes whose process group is `pgid`. On Linux read from /proc;
/// elsewhere a signal-0 probe of the group stands in (one entry, the group id).
pub fn group_members(pgid: u32) -> Vec<u32> {
    if let Ok(entries) = std::fs::read_dir("/proc") {
        return entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                proc_stat(*pid).is_some_and(|s| s.pgrp == i64::from(pgid) && s.state != 'Z')
            })
            .collect();
    }
    let Ok(group) = i32::try_from(pgid) else {
        return Vec::new();
    };
    // SAFETY: signal 0 to a process group only checks for existence.
    if unsafe { libc::kill(-group, 0) } == 0 {
        vec![pgid]
    } else {
        Vec::new()
    }
}

fn signal_group(pgid: u32, signal: i32) {
    if let Ok(group) = i32::try_from(pgid)
        && group > 1
    {
        // SAFETY: sends a signal to the miner's own process group, never to ours (pgid > 1
        // and the child was started with its own group).
        unsafe {
            libc::kill(-group, signal);
        }
    }
}

/// Reads a pid file.
pub fn read_pid_file(path: &Path) -> Option<PidRecord> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// The process a pid file names, if that same process still runs (pid reuse is caught by
/// comparing the kernel's start time where available).
pub fn running_from_pid_file(path: &Path) -> Option<PidRecord> {
    let record = read_pid_file(path)?;
    if !process_alive(record.pid) {
        return None;
    }
    match (record.start_ticks, proc_stat(record.pid)) {
        (Some(saved), Some(now)) if saved != now.start_ticks => None,
        _ => Some(record),
    }
}

/// What the UI thread and the worker share.
struct Shared {
    inner: Mutex<Inner>,
    wake: Condvar,
}

struct Inner {
    state: MinerState,
    restarts: u32,
    running_since: Option<Instant>,
    attached: bool,
    ring: LogRing,
    command: Option<Order>,
    last_healthy: Option<HealthyLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Launch,
    Stop,
    Detach,
}

/// A supervised miner. Dropping it detaches (a running miner keeps running and can be
/// re-attached); call [`Supervisor::stop`] to end it.
pub struct Supervisor {
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
    config: SupervisorConfig,
}

impl Supervisor {
    /// Starts setup and then the miner, in the background.
    pub fn start(
        config: SupervisorConfig,
        plan: MinerPlan,
        profile: Option<String>,
    ) -> Result<Supervisor, SupervisorError> {
        let lock = prepare(&config)?;
        if let Some(record) = running_from_pid_file(&config.pid_path()) {
            return Err(SupervisorError::Busy(crate::i18n::tr_with(
                "miner.supervisor.already_running",
                &[("pid", &record.pid)],
            )));
        }
        let log = open_log(&config.log_path())?;
        let offset = log.metadata().map(|m| m.len()).unwrap_or(0);
        let when_no_setup = if plan.hold_before_launch {
            MinerState::ReadyToLaunch
        } else {
            MinerState::Starting
        };
        let first = plan
            .setup
            .first()
            .map_or(when_no_setup, |s| MinerState::SettingUp {
                step: 1,
                total: plan.setup.len(),
                name: s.name.clone(),
            });
        let shared = new_shared(&config, first, false);
        let worker = Worker {
            shared: shared.clone(),
            config: config.clone(),
            tail: new_tail(&config, offset),
            log,
            _lock: lock,
            plan: Some(plan),
            profile,
        };
        Ok(Supervisor {
            shared,
            worker: Some(std::thread::spawn(move || worker.run(None))),
            config,
        })
    }

    /// Re-attaches to a miner started earlier, found by the pid file in `config.run_dir`.
    /// With `plan`, a crash after attaching restarts it as usual; without, it only watches.
    pub fn attach(
        config: SupervisorConfig,
        plan: Option<MinerPlan>,
    ) -> Result<Supervisor, SupervisorError> {
        let held = prepare(&config)?;
        let record = running_from_pid_file(&config.pid_path()).ok_or_else(|| {
            SupervisorError::NothingRunning(crate::i18n::tr("miner.supervisor.nothing_running"))
        })?;
        let log = open_log(&config.log_path())?;
        // Show the recent history: the last 64 KiB of the log.
        let size = log.metadata().map(|m| m.len()).unwrap_or(0);
        let offset = size.saturating_sub(64 * 1024);
        let shared = new_shared(
            &config,
            MinerState::Running {
                pid: record.pid,
                healthy: false,
            },
            true,
        );
        // Uptime counts from when the miner started, not from when we re-attached.
        let age = Duration::from_secs(unix_now().saturating_sub(record.started_unix));
        if let Some(since) = Instant::now().checked_sub(age) {
            lock(&shared.inner).running_since = Some(since);
        }
        let mut tail = new_tail(&config, offset);
        if offset > 0 {
            // Starting mid-file: the first partial line is dropped.
            tail.partial.clear();
            let mut skipped = Vec::new();
            tail.poll(&mut skipped);
            if let Ok(mut inner) = shared.inner.lock() {
                for line in skipped.into_iter().skip(1) {
                    inner.ring.push(line);
                }
            }
        }
        let profile = record.profile.clone();
        let worker = Worker {
            shared: shared.clone(),
            config: config.clone(),
            tail,
            log,
            _lock: held,
            plan,
            profile,
        };
        let pid = record.pid;
        Ok(Supervisor {
            shared,
            worker: Some(std::thread::spawn(move || worker.run(Some(pid)))),
            config,
        })
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SupervisorConfig {
        &self.config
    }

    /// Where it is now.
    pub fn status(&self) -> Status {
        let inner = lock(&self.shared.inner);
        Status {
            state: inner.state.clone(),
            restarts: inner.restarts,
            running_since: inner.running_since,
            attached: inner.attached,
            last_line: inner.ring.last(),
            last_healthy: inner.last_healthy.clone(),
        }
    }

    /// Log lines numbered above `after` (0 for all in memory), oldest first.
    pub fn lines_since(&self, after: u64) -> Vec<(u64, String)> {
        lock(&self.shared.inner).ring.since(after)
    }

    /// Goes on from [`MinerState::ReadyToLaunch`] to start the miner.
    pub fn launch(&self) {
        self.order(Order::Launch);
    }

    /// Cancels setup or stops the miner (SIGTERM to its group, SIGKILL after the timeout),
    /// and waits until it is done.
    pub fn stop(mut self) -> Status {
        self.order(Order::Stop);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        self.status()
    }

    /// Asks for a stop without waiting: the worker ends the miner (SIGTERM, then SIGKILL)
    /// and the state becomes [`MinerState::Stopped`]. For a UI that must not block.
    pub fn request_stop(&self) {
        self.order(Order::Stop);
    }

    /// Leaves the miner running in the background and stops watching it; a later
    /// [`Supervisor::attach`] picks it up.
    pub fn detach(mut self) {
        self.order(Order::Detach);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }

    fn order(&self, order: Order) {
        let mut inner = lock(&self.shared.inner);
        // Stop outranks everything; launch never replaces a stop or detach.
        if inner.command != Some(Order::Stop) {
            inner.command = Some(order);
        }
        drop(inner);
        self.shared.wake.notify_all();
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            self.order(Order::Detach);
            let _ = worker.join();
        }
    }
}

fn lock(mutex: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn new_shared(config: &SupervisorConfig, state: MinerState, attached: bool) -> Arc<Shared> {
    Arc::new(Shared {
        inner: Mutex::new(Inner {
            state,
            restarts: 0,
            running_since: attached.then(Instant::now),
            attached,
            ring: LogRing::new(config.ring_lines),
            command: None,
            last_healthy: None,
        }),
        wake: Condvar::new(),
    })
}

fn new_tail(config: &SupervisorConfig, offset: u64) -> LogTail {
    LogTail {
        path: config.log_path(),
        offset,
        partial: Vec::new(),
        max_bytes: config.log_max_bytes,
        keep: config.log_keep,
    }
}

/// Makes the run folder and takes its lock, so two supervisors never drive one miner.
fn prepare(config: &SupervisorConfig) -> Result<File, SupervisorError> {
    std::fs::create_dir_all(&config.run_dir).map_err(|e| io_error(&config.run_dir, e))?;
    let path = config.lock_path();
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_error(&path, e))?;
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor we own; released when the file is closed.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(SupervisorError::Busy(crate::i18n::tr(
            "miner.supervisor.busy",
        )));
    }
    Ok(file)
}

fn open_log(path: &Path) -> Result<File, SupervisorError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| io_error(path, e))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Starts `spec` in its own process group with stdout and stderr appended to `log`.
fn spawn(spec: &CommandSpec, log: &File) -> std::io::Result<Child> {
    let out = log.try_clone()?;
    let err = log.try_clone()?;
    Command::new(&spec.program)
        .args(&spec.args)
        .envs(&spec.env)
        .current_dir(&spec.workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .process_group(0)
        .spawn()
}

/// The background thread that owns the child.
struct Worker {
    shared: Arc<Shared>,
    config: SupervisorConfig,
    tail: LogTail,
    log: File,
    _lock: File,
    plan: Option<MinerPlan>,
    profile: Option<String>,
}

/// What waiting on a process ended with.
enum Watch {
    Exited(bool, String),
    Ordered(Order),
}

impl Worker {
    fn run(mut self, attached_pid: Option<u32>) {
        let mut proc = match attached_pid {
            Some(pid) => Proc::Found(pid),
            None => match self.setup_then_launch() {
                Some(proc) => proc,
                None => return,
            },
        };
        let health = self.health_regex();
        loop {
            match self.watch(&mut proc, health.as_ref()) {
                Watch::Ordered(Order::Stop) => {
                    self.stop_group(&mut proc);
                    let _ = std::fs::remove_file(self.config.pid_path());
                    self.set_state(MinerState::Stopped);
                    return;
                }
                Watch::Ordered(_) => return, // detach: the miner keeps running
                Watch::Exited(success, exit) => {
                    // Helpers the miner left behind in its group go with it: no orphans.
                    self.stop_group(&mut proc);
                    self.note(&format!("[taoscope] miner ended: {exit}"));
                    let _ = std::fs::remove_file(self.config.pid_path());
                    if success {
                        self.set_state(MinerState::Exited);
                        return;
                    }
                    let Some(plan) = self.plan.clone() else {
                        self.set_state(MinerState::GaveUp { exit });
                        return;
                    };
                    let (restarts, since) = {
                        let inner = lock(&self.shared.inner);
                        (inner.restarts, inner.running_since)
                    };
                    let stable =
                        since.is_some_and(|s| s.elapsed() >= self.config.backoff.stable_after);
                    let attempt = if stable { 0 } else { restarts };
                    if attempt >= self.config.backoff.max_restarts {
                        self.set_state(MinerState::GaveUp { exit });
                        return;
                    }
                    let at = Instant::now() + self.config.backoff.delay(attempt);
                    self.set_state(MinerState::Restarting { at, exit });
                    if let Some(order) = self.wait_until(at) {
                        if order == Order::Stop {
                            self.set_state(MinerState::Stopped);
                        }
                        return;
                    }
                    lock(&self.shared.inner).restarts = attempt + 1;
                    match self.launch(&plan.launch) {
                        Some(next) => proc = next,
                        None => return,
                    }
                }
            }
        }
    }

    fn set_state(&self, state: MinerState) {
        lock(&self.shared.inner).state = state;
    }

    /// Writes a supervisor line into the log (so it shows in order with the miner's own).
    fn note(&mut self, text: &str) {
        let _ = writeln!(self.log, "{text}");
    }

    fn take_order(&self) -> Option<Order> {
        lock(&self.shared.inner).command.take()
    }

    /// The plan's health pattern, compiled once. Profiles are checked when read, but a
    /// session file from disk may hold anything: a bad pattern is noted in the log and the
    /// miner runs without a health check rather than not at all.
    fn health_regex(&mut self) -> Option<Regex> {
        let pattern = self.plan.as_ref()?.health_pattern.clone()?;
        match Regex::new(&pattern) {
            Ok(regex) => Some(regex),
            Err(e) => {
                self.note(&format!("[taoscope] health pattern ignored: {e}"));
                None
            }
        }
    }

    /// Moves new log lines into the ring; true when one matches `health` (the newest such
    /// line is kept with the time it was read).
    fn pump_log(&mut self, health: Option<&Regex>) -> bool {
        let mut lines = Vec::new();
        self.tail.poll(&mut lines);
        if lines.is_empty() {
            return false;
        }
        let healthy = health.and_then(|h| lines.iter().rev().find(|l| h.is_match(l)).cloned());
        let mut inner = lock(&self.shared.inner);
        for line in lines {
            inner.ring.push(line);
        }
        let matched = healthy.is_some();
        if let Some(line) = healthy {
            inner.last_healthy = Some(HealthyLine {
                at: SystemTime::now(),
                line,
            });
        }
        matched
    }

    /// Sleeps one poll interval, waking early on an order.
    fn nap(&self) {
        let inner = lock(&self.shared.inner);
        if inner.command.is_none() {
            let _ = self.shared.wake.wait_timeout(inner, self.config.poll);
        }
    }

    /// Waits until `at`, pumping the log; returns an order that cut it short.
    fn wait_until(&mut self, at: Instant) -> Option<Order> {
        while Instant::now() < at {
            self.pump_log(None);
            if let Some(order) = self.take_order() {
                return Some(order);
            }
            self.nap();
        }
        None
    }

    fn watch(&mut self, proc: &mut Proc, health: Option<&Regex>) -> Watch {
        loop {
            if self.pump_log(health)
                && let MinerState::Running { healthy, .. } = &mut lock(&self.shared.inner).state
            {
                *healthy = true;
            }
            match self.take_order() {
                Some(Order::Launch) | None => {}
                Some(order) => return Watch::Ordered(order),
            }
            if let Some((success, exit)) = proc.exited() {
                self.pump_log(health);
                return Watch::Exited(success, exit);
            }
            self.nap();
        }
    }

    /// SIGTERM to the group, SIGKILL to whatever is left after the timeout; reaps our child.
    fn stop_group(&mut self, proc: &mut Proc) {
        let pgid = proc.pid();
        if let Proc::Own(child) = proc
            && group_members(pgid).is_empty()
        {
            let _ = child.wait();
            return;
        }
        signal_group(pgid, libc::SIGTERM);
        let deadline = Instant::now() + self.config.stop_timeout;
        loop {
            let _ = proc.exited();
            if group_members(pgid).is_empty() {
                break;
            }
            if Instant::now() >= deadline {
                signal_group(pgid, libc::SIGKILL);
                std::thread::sleep(Duration::from_millis(50));
                let _ = proc.exited();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Proc::Own(child) = proc {
            let _ = child.wait();
        }
        self.pump_log(None);
    }

    fn setup_then_launch(&mut self) -> Option<Proc> {
        let plan = self.plan.clone()?;
        let total = plan.setup.len();
        for (i, step) in plan.setup.iter().enumerate() {
            self.set_state(MinerState::SettingUp {
                step: i + 1,
                total,
                name: step.name.clone(),
            });
            if step.creates.as_ref().is_some_and(|p| p.exists()) {
                self.note(&format!(
                    "[taoscope] setup {}/{total} {}: already done",
                    i + 1,
                    step.name
                ));
                continue;
            }
            self.note(&format!(
                "[taoscope] setup {}/{total} {}: {} {}",
                i + 1,
                step.name,
                step.program,
                step.args.join(" ")
            ));
            if let Err(e) = std::fs::create_dir_all(&step.workdir) {
                self.fail_setup(&step.name, e.to_string());
                return None;
            }
            let child = match spawn(step, &self.log) {
                Ok(child) => child,
                Err(e) => {
                    self.fail_setup(&step.name, e.to_string());
                    return None;
                }
            };
            let mut proc = Proc::Own(child);
            match self.watch(&mut proc, None) {
                Watch::Exited(true, _) => {}
                Watch::Exited(false, exit) => {
                    self.stop_group(&mut proc);
                    self.fail_setup(&step.name, exit);
                    return None;
                }
                Watch::Ordered(_) => {
                    // Stop or detach both cancel setup: a half-done step is never left behind.
                    self.stop_group(&mut proc);
                    self.note("[taoscope] setup cancelled");
                    self.set_state(MinerState::Stopped);
                    return None;
                }
            }
        }
        if plan.hold_before_launch {
            self.set_state(MinerState::ReadyToLaunch);
            loop {
                self.pump_log(None);
                match self.take_order() {
                    Some(Order::Launch) => break,
                    Some(_) => {
                        self.set_state(MinerState::Stopped);
                        return None;
                    }
                    None => self.nap(),
                }
            }
        }
        self.launch(&plan.launch)
    }

    fn fail_setup(&mut self, step: &str, reason: String) {
        self.note(&format!("[taoscope] setup {step} failed: {reason}"));
        self.pump_log(None);
        self.set_state(MinerState::SetupFailed {
            step: step.to_string(),
            reason,
        });
    }

    /// Starts the miner and writes its pid file.
    fn launch(&mut self, spec: &CommandSpec) -> Option<Proc> {
        self.note(&format!(
            "[taoscope] starting: {} {}",
            spec.program,
            spec.args.join(" ")
        ));
        let child =
            match std::fs::create_dir_all(&spec.workdir).and_then(|()| spawn(spec, &self.log)) {
                Ok(child) => child,
                Err(e) => {
                    let reason = format!("{}: {e}", spec.program);
                    self.note(&format!("[taoscope] could not start: {reason}"));
                    self.pump_log(None);
                    self.set_state(MinerState::LaunchFailed { reason });
                    return None;
                }
            };
        let pid = child.id();
        let record = PidRecord {
            pid,
            start_ticks: proc_stat(pid).map(|s| s.start_ticks),
            started_unix: unix_now(),
            program: spec.program.clone(),
            profile: self.profile.clone(),
        };
        if let Ok(text) = serde_json::to_string(&record) {
            let _ = std::fs::write(self.config.pid_path(), text);
        }
        let mut inner = lock(&self.shared.inner);
        inner.state = MinerState::Running {
            pid,
            healthy: false,
        };
        inner.running_since = Some(Instant::now());
        Some(Proc::Own(child))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Backoff {
            initial: Duration::from_secs(2),
            max: Duration::from_secs(30),
            max_restarts: 5,
            stable_after: Duration::from_secs(60),
        };
        let delays: Vec<u64> = (0..6).map(|a| b.delay(a).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 30, 30]);
        assert_eq!(b.delay(u32::MAX).as_secs(), 30);
    }

    #[test]
    fn ring_drops_the_oldest_and_numbers_lines() {
        let mut ring = LogRing::new(3);
        assert_eq!(ring.last(), 0);
        for i in 1..=5 {
            ring.push(format!("line {i}"));
        }
        assert_eq!(ring.len(), 3);
        assert_eq!(ring.last(), 5);
        let all: Vec<u64> = ring.since(0).into_iter().map(|(n, _)| n).collect();
        assert_eq!(all, [3, 4, 5]);
        assert_eq!(ring.since(4), vec![(5, "line 5".to_string())]);
        assert_eq!(ring.since(5), vec![]);
    }
}
