//! The local GPU miner: find the GPUs, pick a subnet whose miner fits them, check the
//! hotkey's registration, then run that subnet's own miner program as a supervised process
//! and follow what it does and what the chain pays it.
//!
//! Taoscope does not reimplement miners: a [`profile`] says how to fetch, set up and launch a
//! subnet's published miner. [`gpu`] detects hardware, [`picker`] ranks profiles for it,
//! [`registration`] is the boundary to the transaction layer, [`supervisor`] runs the process
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
    data_dir().map(|d| d.join("miners").join(profile))
}
