//! The local GPU miner: find the GPUs, pick a subnet whose miner fits them, check the
//! hotkey's registration, then run that subnet's own miner program as a supervised process
//! and follow what it does and what the chain pays it.
//!
//! Taoscope does not reimplement miners: a [`profile`] says how to fetch, set up and launch a
//! subnet's published miner. [`gpu`] detects hardware, [`picker`] ranks profiles for it,
//! [`registration`] reads whether the hotkey holds a UID, [`supervisor`] runs the process
//! and [`monitor`] samples the GPU and the miner's on-chain incentive.

pub mod gpu;
pub mod monitor;
pub mod picker;
pub mod profile;
pub mod registration;
pub mod supervisor;

use std::path::PathBuf;

/// The data folder: `TAOSCOPE_DATA_DIR` when set (tests), else the platform's
/// (`~/.local/share/taoscope` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("TAOSCOPE_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("io", "taoscope", "taoscope").map(|d| d.data_dir().to_path_buf())
}

/// The folder of one profile's miner: source checkout, logs, pid file.
pub fn run_dir(profile: &str) -> Option<PathBuf> {
    miners_root().map(|d| d.join(profile))
}

/// What was started in a run folder, saved beside the pid file so a later window can
/// re-attach with the same plan (restarts keep working) and follow the same hotkey.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// The profile's name.
    pub profile: String,
    /// Its subnet.
    pub netuid: u16,
    /// Wallet name.
    pub wallet: String,
    /// Hotkey name.
    pub hotkey: String,
    /// The hotkey's address, when it could be read (for the incentive chart).
    pub hotkey_ss58: Option<String>,
    /// What runs.
    pub plan: supervisor::MinerPlan,
}

impl Session {
    fn path(run_dir: &std::path::Path) -> PathBuf {
        run_dir.join("session.json")
    }

    /// Writes the session into `run_dir`.
    pub fn save(&self, run_dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(run_dir)?;
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(Self::path(run_dir), text)
    }

    /// Reads the session of `run_dir`, if one was saved and still parses.
    pub fn load(run_dir: &std::path::Path) -> Option<Session> {
        let text = std::fs::read_to_string(Self::path(run_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// The folder holding every profile's run folder: `<data>/miners`.
pub fn miners_root() -> Option<PathBuf> {
    data_dir().map(|d| d.join("miners"))
}

/// The run folders under `root` (see [`miners_root`]) whose miner is still running, by pid file.
pub fn running_miners(root: &std::path::Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|dir| supervisor::running_from_pid_file(&dir.join("miner.pid")).is_some())
        .collect();
    dirs.sort();
    dirs
}
