//! Packaging for Taoscope. `tauri.conf.json` is the single source of the product's name,
//! identifier, version, descriptions, category, icons and targets; this crate reads it,
//! checks it against the workspace, and hands the eframe binary to Tauri's bundler.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use tauri_bundler::bundle::{
    AppCategory, BundleBinary, BundleSettings, DebianSettings, PackageSettings, PackageType,
    RpmSettings, SettingsBuilder,
};

/// The parts of `tauri.conf.json` the bundle is made from.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Shown in menus and the package description ("Taoscope").
    pub product_name: String,
    /// The executable's file name (`taoscope`).
    pub main_binary_name: String,
    /// Must equal the workspace version in `Cargo.toml`.
    pub version: String,
    /// Reverse-DNS application id (`io.taoscope.app`).
    pub identifier: String,
    /// Installer settings.
    pub bundle: BundleSection,
}

/// `tauri.conf.json`'s `bundle` object.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleSection {
    /// Every target the project ships (`deb`, `rpm`, `msi`, …); each OS builds its own.
    pub targets: Vec<String>,
    /// Freedesktop / App Store category name (`Finance`).
    pub category: String,
    /// One line for menus and package lists.
    pub short_description: String,
    /// A paragraph for package managers.
    pub long_description: String,
    /// Shown as the package maintainer.
    pub publisher: String,
    /// Copyright line.
    pub copyright: String,
    /// SPDX licence expression.
    pub license: String,
    /// Icon files, relative to the repository root.
    pub icon: Vec<String>,
    /// Per-OS settings.
    #[serde(default)]
    pub linux: LinuxSection,
}

/// `bundle.linux`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinuxSection {
    /// `.deb` settings.
    #[serde(default)]
    pub deb: PackageDepends,
    /// `.rpm` settings.
    #[serde(default)]
    pub rpm: PackageDepends,
}

/// The run-time libraries a Linux package declares.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PackageDepends {
    /// Package names the binary loads at run time (GL, X11, xkbcommon).
    #[serde(default)]
    pub depends: Vec<String>,
}

/// An installer format from `tauri.conf.json`'s `bundle.targets`. Each is built on its
/// own OS: Linux packages here, `.app`/`.dmg` on macOS, `.msi`/NSIS on Windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Debian / Ubuntu.
    Deb,
    /// Fedora / openSUSE.
    Rpm,
    /// A portable AppImage (the bundler downloads linuxdeploy, so it needs the internet).
    AppImage,
    /// A macOS application bundle.
    App,
    /// A macOS disk image holding the `.app`.
    Dmg,
    /// A Windows Installer package (the bundler downloads WiX).
    Msi,
    /// A Windows NSIS setup program (the bundler downloads NSIS).
    Nsis,
}

impl Target {
    /// Parses a target name as written in `tauri.conf.json` (`deb`, `rpm`, `appimage`,
    /// `app`, `dmg`, `msi`, `nsis`).
    pub fn parse(name: &str) -> Option<Target> {
        match name {
            "deb" => Some(Target::Deb),
            "rpm" => Some(Target::Rpm),
            "appimage" => Some(Target::AppImage),
            "app" => Some(Target::App),
            "dmg" => Some(Target::Dmg),
            "msi" => Some(Target::Msi),
            "nsis" => Some(Target::Nsis),
            _ => None,
        }
    }

    /// Whether this OS builds the target (and it needs no download: not AppImage).
    pub fn built_here_by_default(self) -> bool {
        match self {
            Target::Deb | Target::Rpm => cfg!(target_os = "linux"),
            Target::AppImage => false,
            Target::App | Target::Dmg => cfg!(target_os = "macos"),
            Target::Msi | Target::Nsis => cfg!(target_os = "windows"),
        }
    }

    fn package_type(self) -> PackageType {
        match self {
            Target::Deb => PackageType::Deb,
            Target::Rpm => PackageType::Rpm,
            Target::AppImage => PackageType::AppImage,
            Target::App => PackageType::MacOsBundle,
            Target::Dmg => PackageType::Dmg,
            Target::Msi => PackageType::WindowsMsi,
            Target::Nsis => PackageType::Nsis,
        }
    }
}

/// The repository root (the directory holding `tauri.conf.json`).
///
/// Cargo names the running package's folder at run time (`cargo xtask`, `cargo test`); every
/// package sits one level below the root. The folder this crate was compiled in is only the
/// fallback: a build cache shared between two clones can hand one clone the other's build.
pub fn repository_root() -> PathBuf {
    let has_manifest = |root: &Path| root.join("tauri.conf.json").is_file();
    let at_run_time = std::env::var_os("CARGO_MANIFEST_DIR")
        .and_then(|dir| Path::new(&dir).parent().map(Path::to_path_buf))
        .filter(|root| has_manifest(root));
    at_run_time.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    })
}

/// Reads `tauri.conf.json` under `root`.
pub fn read_manifest(root: &Path) -> Result<Manifest> {
    let path = root.join("tauri.conf.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}

/// The `[workspace.package] version` of `Cargo.toml` under `root`.
pub fn workspace_version(root: &Path) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let value: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    value
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .with_context(|| format!("{} has no [workspace.package] version", path.display()))
}

/// Reads the manifest and fails when its version differs from the workspace's: an
/// installer must never carry a version the binary does not report.
pub fn checked_manifest(root: &Path) -> Result<Manifest> {
    let manifest = read_manifest(root)?;
    let cargo = workspace_version(root)?;
    if manifest.version != cargo {
        bail!(
            "version mismatch: tauri.conf.json says {} but Cargo.toml's workspace says {cargo}; \
             make them equal before bundling",
            manifest.version
        );
    }
    Ok(manifest)
}

/// The targets `tauri.conf.json` lists that this OS builds by default, in its order.
pub fn default_targets(manifest: &Manifest) -> Vec<Target> {
    manifest
        .bundle
        .targets
        .iter()
        .filter_map(|t| Target::parse(t))
        .filter(|t| t.built_here_by_default())
        .collect()
}

/// Bundles `binary` into `targets` under `out_dir/bundle/…`, returning the package paths.
/// `root` is where `tauri.conf.json`, the icons and the licences are.
pub fn bundle(
    root: &Path,
    binary: &Path,
    out_dir: &Path,
    targets: &[Target],
) -> Result<Vec<PathBuf>> {
    let manifest = checked_manifest(root)?;
    // The bundler takes the binary from its output directory, under the binary's name.
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let staged = out_dir
        .join(&manifest.main_binary_name)
        .with_extension(std::env::consts::EXE_EXTENSION);
    if binary != staged {
        std::fs::copy(binary, &staged)
            .with_context(|| format!("cannot copy {} to {}", binary.display(), staged.display()))?;
    }
    let category: AppCategory = manifest
        .bundle
        .category
        .parse()
        .map_err(|e| anyhow::anyhow!("category {:?}: {e:?}", manifest.bundle.category))?;
    let icons = manifest
        .bundle
        .icon
        .iter()
        .map(|icon| root.join(icon).to_string_lossy().into_owned())
        .collect();
    // Fonts are compiled into the binary; their licence ships beside it.
    let doc_dir = PathBuf::from(format!("/usr/share/doc/{}", manifest.main_binary_name));
    let licence_files = HashMap::from([(
        doc_dir.join("fonts-OFL.txt"),
        root.join("assets/fonts/OFL.txt"),
    )]);
    let bundle = BundleSettings {
        identifier: Some(manifest.identifier.clone()),
        publisher: Some(manifest.bundle.publisher.clone()),
        icon: Some(icons),
        copyright: Some(manifest.bundle.copyright.clone()),
        license: Some(manifest.bundle.license.clone()),
        category: Some(category),
        short_description: Some(manifest.bundle.short_description.clone()),
        long_description: Some(manifest.bundle.long_description.clone()),
        deb: DebianSettings {
            depends: Some(manifest.bundle.linux.deb.depends.clone()),
            section: Some("utils".into()),
            files: licence_files.clone(),
            ..Default::default()
        },
        rpm: RpmSettings {
            depends: Some(manifest.bundle.linux.rpm.depends.clone()),
            release: "1".into(),
            files: licence_files,
            ..Default::default()
        },
        ..Default::default()
    };
    let settings = SettingsBuilder::new()
        .project_out_directory(out_dir)
        .package_types(targets.iter().map(|t| t.package_type()).collect())
        .package_settings(PackageSettings {
            product_name: manifest.product_name.clone(),
            version: manifest.version.clone(),
            description: manifest.bundle.short_description.clone(),
            homepage: None,
            authors: Some(vec![manifest.bundle.publisher.clone()]),
            default_run: Some(manifest.main_binary_name.clone()),
        })
        .bundle_settings(bundle)
        .binaries(vec![BundleBinary::new(
            manifest.main_binary_name.clone(),
            true,
        )])
        // The marker Tauri's updater looks for is not in an eframe binary.
        .binary_patching(false)
        .build()
        .context("bundler settings")?;
    let bundles = tauri_bundler::bundle_project(&settings).context("bundling failed")?;
    Ok(bundles.into_iter().flat_map(|b| b.bundle_paths).collect())
}
