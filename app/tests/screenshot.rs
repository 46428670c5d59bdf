//! `taoscope --screenshot` under a real X server (Xvfb), against the replay of finney.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

/// An Xvfb display that lives as long as the value.
struct VirtualDisplay {
    child: Child,
    display: String,
}

impl VirtualDisplay {
    /// Starts Xvfb on a display number it picks itself (`-displayfd`): the X server's own
    /// locking makes parallel tests and stale locks from killed runs safe.
    fn start() -> VirtualDisplay {
        use std::io::BufRead;
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/install-deps.sh installs it)");
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        let mut line = String::new();
        // Xvfb writes the number once it accepts connections, or exits without one.
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let number: u32 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb came up and named its display, got {line:?}"));
        VirtualDisplay {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        // SIGTERM lets Xvfb remove its lock file and socket; SIGKILL would leave them.
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: the child is ours and still unreaped, so the PID is not reused.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let _ = self.child.wait();
    }
}

fn distinct_colours(path: &Path) -> (u32, u32, usize) {
    let image = image::open(path).expect("a readable PNG").to_rgba8();
    let mut colours: Vec<[u8; 4]> = image.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    (image.width(), image.height(), colours.len())
}

fn screenshot(display: &VirtualDisplay, args: &[&str], out: &Path) -> std::process::Output {
    let config = std::env::temp_dir().join(format!("taoscope-shot-config-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_taoscope"))
        .args(args)
        .arg("--screenshot")
        .arg(out)
        .env("DISPLAY", &display.display)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("TAOSCOPE_CONFIG_DIR", config)
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("taoscope runs")
}

#[test]
fn the_shell_renders_navigation_and_status_bar_against_replayed_finney() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay starts");
    let display = VirtualDisplay::start();
    let dir = std::env::temp_dir().join(format!("taoscope-shots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");

    for (lang, name) in [("en", "shell.png"), ("ru", "shell-ru.png")] {
        let out = dir.join(name);
        let output = screenshot(
            &display,
            &[
                "--network",
                &server.url(),
                "--lang",
                lang,
                "--page",
                "settings",
            ],
            &out,
        );
        assert!(
            output.status.success(),
            "screenshot run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let (width, height, colours) = distinct_colours(&out);
        assert!(width >= 800 && height >= 500, "{width}x{height}");
        // An empty or black window has one or two colours; text and panels give hundreds.
        assert!(
            colours > 50,
            "{name}: only {colours} colours: nothing drawn?"
        );
    }
    assert_eq!(server.unanswered(), Vec::<String>::new());
}

#[test]
fn an_unknown_page_is_refused_before_any_window_opens() {
    let output = Command::new(env!("CARGO_BIN_EXE_taoscope"))
        .args(["--screenshot", "/tmp/never.png", "--page", "nowhere"])
        .env_remove("DISPLAY")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nowhere"));
}

#[test]
fn forecast_and_whatif_render_on_the_bundled_snapshot() {
    // Nothing listens at this address: both pages must draw from the bundled snapshot.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("ws://127.0.0.1:{port}");
    let display = VirtualDisplay::start();
    let dir = std::env::temp_dir().join(format!("taoscope-forecast-shots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for page in ["forecast", "whatif:1"] {
        let out = dir.join(format!("{}.png", page.replace(':', "-")));
        let output = screenshot(
            &display,
            &["--network", &url, "--snapshot", "bundled", "--page", page],
            &out,
        );
        assert!(
            output.status.success(),
            "{page}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let (width, height, colours) = distinct_colours(&out);
        assert!(width >= 800 && height >= 500, "{width}x{height}");
        assert!(colours > 50, "{page}: only {colours} colours");
    }
}
