//! `cargo xtask bundle [--binary PATH] [--targets deb,rpm] [--out DIR]`: builds the release
//! binary (unless one is given) and bundles the installers `tauri.conf.json` lists for this
//! OS: `.deb`/`.rpm` on Linux, `.app`/`.dmg` on macOS, `.msi`/NSIS on Windows.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};
use xtask::{Target, checked_manifest, default_targets, repository_root};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("bundle") => bundle(args.collect()),
        Some("check-version") => {
            let manifest = checked_manifest(&repository_root())?;
            println!("tauri.conf.json and Cargo.toml agree: {}", manifest.version);
            Ok(())
        }
        _ => bail!(
            "usage: cargo xtask bundle [--binary PATH] [--targets deb,rpm,...] [--out DIR]\n       cargo xtask check-version"
        ),
    }
}

fn bundle(args: Vec<String>) -> Result<()> {
    let root = repository_root();
    let manifest = checked_manifest(&root)?;
    let mut binary: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut targets = default_targets(&manifest);
    let mut rest = args.into_iter();
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--binary" => binary = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            "--targets" => {
                targets = value
                    .split(',')
                    .map(|t| {
                        Target::parse(t.trim()).with_context(|| {
                            format!(
                                "unknown target {t:?} (deb, rpm, appimage, app, dmg, msi, nsis)"
                            )
                        })
                    })
                    .collect::<Result<_>>()?
            }
            other => bail!("unknown option {other}"),
        }
    }
    let target_dir = target_directory()?;
    let binary = match binary {
        Some(path) => path,
        None => {
            let status = cargo()
                .args(["build", "--release", "--locked", "-p", "taoscope"])
                .current_dir(&root)
                .status()
                .context("cannot run cargo build")?;
            if !status.success() {
                bail!("cargo build --release failed");
            }
            target_dir
                .join("release")
                .join(&manifest.main_binary_name)
                .with_extension(std::env::consts::EXE_EXTENSION)
        }
    };
    let out = out.unwrap_or_else(|| target_dir.join("release"));
    if targets.is_empty() {
        bail!("tauri.conf.json lists no installer this OS builds");
    }
    let packages = xtask::bundle(&root, &binary, &out, &targets)?;
    for package in packages {
        println!("{}", package.display());
    }
    Ok(())
}

/// The cargo that runs this task (`$CARGO`), else the one on `PATH`.
fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Cargo's target directory (it honours `CARGO_TARGET_DIR` and config files).
fn target_directory() -> Result<PathBuf> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(repository_root())
        .output()
        .context("cannot run cargo metadata")?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata printed no JSON")?;
    metadata
        .get("target_directory")
        .and_then(|d| d.as_str())
        .map(PathBuf::from)
        .context("cargo metadata has no target_directory")
}
