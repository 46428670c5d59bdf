//! Helpers the CLI test files share.

use std::process::Command;

/// The built `taoscope` binary with a private config folder and an English locale.
pub fn taoscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taoscope"));
    let config = std::env::temp_dir().join(format!("taoscope-test-config-{}", std::process::id()));
    cmd.env("TAOSCOPE_CONFIG_DIR", config).env("LANG", "C");
    cmd
}

/// A two-thread tokio runtime for the replay server.
#[allow(dead_code)] // each test binary compiles this module; not all start a server
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}
