//! `taoscope miner …` end to end: GPU detection with no GPU, profiles, dry runs of every
//! shipped profile, and a real foreground run of a user profile stopped with Ctrl-C.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use taoscope_core::miner::profile::{BUNDLED, PLACEHOLDERS, parse_profile};

/// The built `taoscope` in English.
fn taoscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taoscope"));
    cmd.env("LANG", "C");
    cmd
}

/// `taoscope` with private config and data folders.
fn isolated(config: &Path, data: &Path) -> Command {
    let mut cmd = taoscope();
    cmd.env("TAOSCOPE_CONFIG_DIR", config)
        .env("TAOSCOPE_DATA_DIR", data);
    cmd
}

#[test]
fn gpus_json_is_an_answer_even_without_a_gpu() {
    let out = taoscope()
        .args(["miner", "gpus", "--json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let gpus: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json array");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if gpus.is_empty() {
        assert!(stderr.contains("No supported GPU found."), "{stderr}");
        assert!(stderr.contains("NVIDIA driver library (NVML)"), "{stderr}");
        assert!(stderr.contains("nvidia-smi"), "{stderr}");
    } else {
        for gpu in &gpus {
            for field in [
                "index",
                "name",
                "vram_total_mb",
                "vram_free_mb",
                "driver",
                "cuda",
            ] {
                assert!(gpu.get(field).is_some(), "{field} in {gpu}");
            }
        }
    }
}

#[test]
fn profiles_say_whether_they_fit_and_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = isolated(&dir.path().join("c"), &dir.path().join("d"))
        .args(["miner", "profiles", "--json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    for (file, _) in BUNDLED {
        assert!(names.contains(&file.trim_end_matches(".toml")), "{names:?}");
    }
    for row in &rows {
        let fits = row["fits"].as_bool().expect("fits");
        assert_eq!(row["why"].is_string(), !fits, "{row}");
        assert!(
            row["source"]["rev"].as_str().is_some_and(|r| r.len() == 40),
            "{row}"
        );
    }
}

fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

#[test]
fn every_shipped_profile_dry_runs_with_no_placeholder_left() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, text) in BUNDLED {
        let name = parse_profile(file, text).expect("valid").name;
        let out = isolated(&dir.path().join("c"), &dir.path().join("d"))
            .args([
                "miner",
                "run",
                "--profile",
                &name,
                "--wallet",
                "cold",
                "--hotkey",
                "hot",
                "--wallet-path",
                "/wallets",
                "--network",
                "test",
                "--dry-run",
                "--json",
            ])
            .output()
            .expect("run");
        assert!(out.status.success(), "{name}: {out:?}");
        let resolved: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut all = Vec::new();
        strings(&resolved, &mut all);
        for text in &all {
            for placeholder in PLACEHOLDERS {
                assert!(
                    !text.contains(&format!("{{{placeholder}}}")),
                    "{name}: {text}"
                );
            }
        }
        let args: Vec<String> = resolved["launch"]["args"]
            .as_array()
            .expect("args")
            .iter()
            .filter_map(|a| a.as_str().map(String::from))
            .collect();
        assert!(args.contains(&"cold".to_string()) && args.contains(&"hot".to_string()));
        assert!(!resolved["setup"].as_array().expect("setup").is_empty());
        assert!(nothing_ran(&dir.path().join("d")), "a dry run runs nothing");

        // The text form prints the same command, the working folder and the environment.
        let out = isolated(&dir.path().join("c"), &dir.path().join("d"))
            .args([
                "miner",
                "run",
                "--profile",
                &name,
                "--wallet",
                "cold",
                "--hotkey",
                "hot",
                "--network",
                "test",
                "--dry-run",
            ])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("command") && text.contains("working folder"),
            "{text}"
        );
        assert!(text.contains("PYTHONUNBUFFERED=1"), "{text}");
    }
}

fn nothing_ran(data: &Path) -> bool {
    !data.join("miners").exists()
}

#[test]
fn an_unknown_profile_is_bad_input_and_a_broken_one_names_its_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("c");
    std::fs::create_dir_all(config.join("miners")).expect("dir");
    std::fs::write(
        config.join("miners/typo.toml"),
        "name = \"typo\"\nnetuid = 7\ndisplay_name = \"T\"\ndescription = \"d\"\n\
         [gpu]\nmin_vram_mb = 0\nclass = \"any\"\n[launch]\ncommand = [\"miner\", \"{walet}\"]\n",
    )
    .expect("write");
    let out = isolated(&config, &dir.path().join("d"))
        .args([
            "miner",
            "run",
            "--profile",
            "nope",
            "--wallet",
            "w",
            "--hotkey",
            "h",
            "--dry-run",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no miner profile named \"nope\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("typo.toml: launch.command[1]: unknown placeholder {walet}"),
        "{stderr}"
    );
}

/// A user profile that runs a real program: prints a line every 50 ms, with a helper.
fn write_test_profile(config: &Path, script: &Path) {
    std::fs::write(
        script,
        "#!/bin/sh\nsleep 1000 &\necho \"miner up for $1\"\ni=0\nwhile :; do i=$((i+1)); echo \"tick $i\"; sleep 0.05; done\n",
    )
    .expect("script");
    std::fs::create_dir_all(config.join("miners")).expect("dir");
    std::fs::write(
        config.join("miners/test-miner.toml"),
        format!(
            "name = \"test-miner\"\nnetuid = 1\ndisplay_name = \"Test miner\"\n\
             description = \"Prints ticks.\"\n[gpu]\nmin_vram_mb = 0\nclass = \"none\"\n\
             [launch]\ncommand = [\"sh\", \"{}\", \"{{hotkey}}\"]\n[health]\npattern = \"miner up\"\n",
            script.display()
        ),
    )
    .expect("profile");
}

#[test]
fn run_supervises_in_the_foreground_until_ctrl_c() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("c");
    let data = dir.path().join("d");
    write_test_profile(&config, &dir.path().join("miner.sh"));
    let mut child = isolated(&config, &data)
        .args([
            "miner",
            "run",
            "--profile",
            "test-miner",
            "--wallet",
            "w",
            "--hotkey",
            "h1",
            "--skip-registration-check",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l == "tick 3") {
        assert!(started.elapsed() < Duration::from_secs(20), "{seen:?}");
        seen.push(lines.next().expect("a line").expect("text"));
    }
    assert!(seen.contains(&"miner up for h1".to_string()), "{seen:?}");
    let pid_file = data.join("miners/test-miner/miner.pid");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&pid_file).expect("pid file")).expect("json");
    let miner_pid = record["pid"].as_u64().expect("pid") as u32;
    // Ctrl-C.
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status:?}");
    assert!(
        !Path::new(&format!("/proc/{miner_pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{miner_pid}/stat"))
                .is_ok_and(|s| s.contains(") Z ")),
        "the miner stopped with the command"
    );
    assert!(taoscope_core::miner::supervisor::group_members(miner_pid).is_empty());
    assert!(!pid_file.exists());
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    assert!(stderr.contains("Stopping the miner"), "{stderr}");
    assert!(stderr.contains("Stopped"), "{stderr}");
}
