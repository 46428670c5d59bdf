//! The user's choices that outlive a session, kept as JSON in the platform config dir.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Language;
use crate::network::Network;

/// Light or dark look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Dark, the default.
    #[default]
    Dark,
    /// Light.
    Light,
}

/// Saved preferences. Unknown or missing fields fall back to defaults, so an old
/// or hand-edited file never stops the app from starting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Settings {
    /// The node to talk to.
    pub network: Network,
    /// Light or dark.
    pub theme: Theme,
    /// Chosen language; `None` follows the operating system.
    pub language: Option<Language>,
    /// The wallets folder; `None` uses btcli's (`$BT_WALLET_PATH` or `~/.bittensor/wallets`).
    pub wallet_path: Option<PathBuf>,
}

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
#[error("could not save settings to {path}: {reason}")]
pub struct SaveError {
    /// The file we tried to write.
    pub path: PathBuf,
    /// The OS's reason.
    pub reason: String,
}

/// The config folder: `TAOSCOPE_CONFIG_DIR` when set (tests), else the platform's
/// (`~/.config/taoscope` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("TAOSCOPE_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("io", "taoscope", "taoscope")
        .map(|d| d.config_dir().to_path_buf())
}

impl Settings {
    /// The settings file in the config folder.
    pub fn default_path() -> Option<PathBuf> {
        config_dir().map(|d| d.join("settings.json"))
    }

    /// Reads settings; a missing or unreadable file gives the defaults.
    pub fn load_from(path: &Path) -> Settings {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Reads the settings from the default place.
    pub fn load() -> Settings {
        Self::default_path()
            .map(|p| Self::load_from(&p))
            .unwrap_or_default()
    }

    /// Writes settings atomically (temp file, then rename), creating the folder.
    pub fn save_to(&self, path: &Path) -> Result<(), SaveError> {
        let fail = |e: std::io::Error| SaveError {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| SaveError {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)
    }

    /// Writes the settings to the default place.
    pub fn save(&self) -> Result<(), SaveError> {
        let Some(path) = Self::default_path() else {
            return Err(SaveError {
                path: PathBuf::from("settings.json"),
                reason: "no configuration folder on this system".into(),
            });
        };
        self.save_to(&path)
    }

    /// The wallets folder to use: the saved one, else btcli's.
    pub fn wallets_dir(&self) -> PathBuf {
        self.wallet_path
            .clone()
            .unwrap_or_else(crate::wallet::default_wallets_dir)
    }

    /// The language to use: the saved choice, else the operating system's.
    pub fn effective_language(&self) -> Language {
        self.language.unwrap_or_else(Language::from_environment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_and_bad_files() {
        let dir = std::env::temp_dir().join(format!("taoscope-settings-{}", std::process::id()));
        let path = dir.join("settings.json");
        let settings = Settings {
            network: Network::Custom("ws://127.0.0.1:1234".into()),
            theme: Theme::Light,
            language: Some(Language::Ru),
            wallet_path: Some(PathBuf::from("/tmp/wallets")),
        };
        settings.save_to(&path).expect("saves");
        assert_eq!(Settings::load_from(&path), settings);
        std::fs::write(&path, "{ not json").expect("writes");
        assert_eq!(Settings::load_from(&path), Settings::default());
        std::fs::write(&path, r#"{"theme":"light","future_field":1}"#).expect("writes");
        assert_eq!(Settings::load_from(&path).theme, Theme::Light);
        let _ = std::fs::remove_dir_all(dir);
    }
}
