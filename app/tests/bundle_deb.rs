//! The installer: `tauri.conf.json` drives Tauri's bundler (through `xtask`) to a `.deb`
//! holding the binary, a `.desktop` entry and the icons; installed into a scratch root,
//! the binary runs and reports the version both manifests agree on.

use std::path::Path;
use std::process::Command;

use xtask::{Target, bundle, checked_manifest, repository_root};

fn dpkg_deb(args: &[&str], deb: &Path) -> String {
    let output = Command::new("dpkg-deb")
        .args(args)
        .arg(deb)
        .output()
        .expect("dpkg-deb runs (Debian's dpkg is installed)");
    assert!(output.status.success(), "dpkg-deb {args:?} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_deb_installs_a_binary_desktop_entry_and_icons_that_run() {
    let root = repository_root();
    let manifest = checked_manifest(&root).expect("tauri.conf.json matches Cargo.toml");
    let work = tempfile::tempdir().expect("temp dir");
    let packages = bundle(
        &root,
        Path::new(env!("CARGO_BIN_EXE_taoscope")),
        work.path(),
        &[Target::Deb],
    )
    .expect("the bundler makes a .deb");
    let deb = packages
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("one of the packages is a .deb");

    let info = dpkg_deb(&["--info"], deb);
    assert!(info.contains("Package: taoscope"), "{info}");
    assert!(
        info.contains(&format!("Version: {}", manifest.version)),
        "{info}"
    );
    assert!(info.contains("Depends: libgl1"), "{info}");

    let contents = dpkg_deb(&["--contents"], deb);
    for path in [
        " usr/bin/taoscope",
        " usr/share/applications/Taoscope.desktop",
        " usr/share/icons/hicolor/32x32/apps/taoscope.png",
        " usr/share/icons/hicolor/128x128/apps/taoscope.png",
        " usr/share/icons/hicolor/256x256/apps/taoscope.png",
        " usr/share/icons/hicolor/512x512/apps/taoscope.png",
        " usr/share/doc/taoscope/fonts-OFL.txt",
    ] {
        assert!(
            contents.lines().any(|l| l.ends_with(path)),
            "{path} missing from:\n{contents}"
        );
    }

    let scratch = work.path().join("root");
    let status = Command::new("dpkg")
        .arg("-x")
        .arg(deb)
        .arg(&scratch)
        .status()
        .expect("dpkg -x runs");
    assert!(status.success());
    let desktop = std::fs::read_to_string(scratch.join("usr/share/applications/Taoscope.desktop"))
        .expect("the .desktop file was installed");
    assert!(desktop.contains("Exec=taoscope"), "{desktop}");
    assert!(desktop.contains("Icon=taoscope"), "{desktop}");
    let output = Command::new(scratch.join("usr/bin/taoscope"))
        .arg("--version")
        .output()
        .expect("the installed binary starts");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("taoscope {}", manifest.version)
    );
}

/// A copy of the two manifests with `tauri.conf.json`'s version changed to `version`.
fn root_with_tauri_version(version: &str) -> tempfile::TempDir {
    let root = repository_root();
    let copy = tempfile::tempdir().expect("temp dir");
    std::fs::copy(root.join("Cargo.toml"), copy.path().join("Cargo.toml")).expect("copy");
    let conf = std::fs::read_to_string(root.join("tauri.conf.json")).expect("read");
    let mut json: serde_json::Value = serde_json::from_str(&conf).expect("json");
    json["version"] = serde_json::Value::String(version.into());
    std::fs::write(copy.path().join("tauri.conf.json"), json.to_string()).expect("write");
    copy
}

#[test]
fn a_version_mismatch_between_tauri_conf_and_cargo_toml_fails() {
    let root = repository_root();
    let cargo_version = xtask::workspace_version(&root).expect("workspace version");
    assert_eq!(
        checked_manifest(&root).expect("agree").version,
        cargo_version
    );

    let mismatched = root_with_tauri_version("9.9.9");
    let error = checked_manifest(mismatched.path()).expect_err("a mismatch is refused");
    let message = format!("{error:#}");
    assert!(
        message.contains("9.9.9") && message.contains(&cargo_version),
        "{message}"
    );

    let out = tempfile::tempdir().expect("temp dir");
    let error = bundle(
        mismatched.path(),
        Path::new(env!("CARGO_BIN_EXE_taoscope")),
        out.path(),
        &[Target::Deb],
    )
    .expect_err("nothing is bundled with mismatched versions");
    assert!(format!("{error:#}").contains("version mismatch"));
    assert!(
        !out.path().join("bundle").exists(),
        "no package was written"
    );
}
