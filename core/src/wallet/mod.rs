//! btcli-compatible wallets on disk.
//!
//! Layout (bittensor-wallet): `<root>/<wallet>/coldkey` (encrypted), `coldkeypub.txt`,
//! `hotkeys/<name>` (plain JSON) and `hotkeys/<name>pub.txt`. Files are written with mode
//! 0600 and folders 0700 on unix, always through a temporary file and a rename, and an
//! existing key is never replaced unless the caller says [`Overwrite::Replace`].
//!
//! Opening or writing an encrypted coldkey runs Argon2i over 512 MiB and takes seconds:
//! [`Wallet::unlock_coldkey`], [`Wallet::change_password`], [`Wallets::create`] and
//! [`Wallets::import`] block, so call them from a background thread.

mod crypto;
mod error;
mod keyfile;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use crypto::NACL_KDF_MEMORY_BYTES;
pub use error::{IoAction, WalletError};
pub use keyfile::{
    Damage, Encryption, KeyfileError, KeyfileKey, decrypt_keyfile, encrypt_keyfile, keyfile_json,
    parse_keyfile_json, public_keyfile_json, read_keyfile,
};

use crate::keys::{AccountId, Keypair, Mnemonic, WordCount};

/// The wallet name btcli uses when none is given.
pub const DEFAULT_WALLET: &str = "default";
/// The hotkey name btcli uses when none is given.
pub const DEFAULT_HOTKEY: &str = "default";
/// The shortest password accepted when encrypting (as bittensor-wallet's policy).
pub const MIN_PASSWORD_LEN: usize = 6;
/// Environment variable that overrides the wallets folder, as in btcli.
pub const WALLET_PATH_ENV: &str = "BT_WALLET_PATH";

const COLDKEY: &str = "coldkey";
const COLDKEYPUB: &str = "coldkeypub.txt";
const HOTKEYS: &str = "hotkeys";
const PUB_SUFFIX: &str = "pub.txt";

/// Whether an existing key file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Refuse with [`WalletError::AlreadyExists`] (the default).
    #[default]
    Refuse,
    /// Replace existing files: the user confirmed it.
    Replace,
}

/// The wallets folder btcli uses: `$BT_WALLET_PATH` when set, else `~/.bittensor/wallets`.
pub fn default_wallets_dir() -> PathBuf {
    let home = directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf());
    match std::env::var_os(WALLET_PATH_ENV).filter(|v| !v.is_empty()) {
        Some(value) => {
            let text = value.to_string_lossy();
            match (text.strip_prefix("~/"), &home) {
                (Some(rest), Some(home)) => home.join(rest),
                _ => PathBuf::from(value),
            }
        }
        None => home
            .unwrap_or_else(|| PathBuf::from("."))
            .join(".bittensor")
            .join("wallets"),
    }
}

/// The folder that holds every wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallets {
    root: PathBuf,
}

/// One wallet folder (it may not exist yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    name: String,
    dir: PathBuf,
}

/// What the wallet list shows for one wallet; broken parts are reported, not fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletSummary {
    /// The folder name.
    pub name: String,
    /// The coldkey's address from `coldkeypub.txt`, or why it could not be read.
    pub coldkey: Result<AccountId, WalletError>,
    /// Whether the secret `coldkey` file is present (false for watch-only wallets).
    pub has_coldkey: bool,
    /// The hotkeys, or why the `hotkeys` folder could not be read.
    pub hotkeys: Result<Vec<HotkeySummary>, WalletError>,
}

/// One hotkey of a wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotkeySummary {
    /// The hotkey's file name.
    pub name: String,
    /// Its address, or why it could not be read.
    pub address: Result<AccountId, WalletError>,
    /// Whether the secret hotkey file is present (false when only `<name>pub.txt` is).
    pub has_secret: bool,
}

/// A wallet just created: show both recovery phrases to the user once.
#[derive(Debug)]
pub struct NewWallet {
    /// The wallet's folder.
    pub wallet: Wallet,
    /// The coldkey, with its recovery phrase.
    pub coldkey: Keypair,
    /// The default hotkey, with its recovery phrase.
    pub hotkey: Keypair,
}

impl Wallets {
    /// The wallets in `root`.
    pub fn new(root: impl Into<PathBuf>) -> Wallets {
        Wallets { root: root.into() }
    }

    /// The wallets in btcli's folder ([`default_wallets_dir`]).
    pub fn from_environment() -> Wallets {
        Wallets::new(default_wallets_dir())
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The wallet called `name` (checked to be a plain folder name; it need not exist).
    pub fn wallet(&self, name: &str) -> Result<Wallet, WalletError> {
        check_name(name, false)?;
        Ok(Wallet {
            name: name.to_owned(),
            dir: self.root.join(name),
        })
    }

    /// The wallet called `name`, which must exist.
    pub fn existing(&self, name: &str) -> Result<Wallet, WalletError> {
        let wallet = self.wallet(name)?;
        if !wallet.dir.is_dir() {
            return Err(WalletError::WalletNotFound {
                name: name.to_owned(),
                root: self.root.clone(),
            });
        }
        Ok(wallet)
    }

    /// Every wallet, sorted by name, with its coldkey address and hotkeys. A missing folder
    /// gives an empty list; a broken wallet is listed with its problem.
    pub fn list(&self) -> Result<Vec<WalletSummary>, WalletError> {
        let entries = match fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(WalletError::io(IoAction::List, &self.root, &e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| check_name(name, false).is_ok())
            .collect();
        names.sort();
        let mut out = Vec::new();
        for name in names {
            let wallet = Wallet {
                dir: self.root.join(&name),
                name,
            };
            let has_coldkey = wallet.coldkey_path().is_file();
            let has_pub = wallet.coldkeypub_path().exists();
            let has_hotkeys = wallet.dir.join(HOTKEYS).is_dir();
            if !has_coldkey && !has_pub && !has_hotkeys {
                continue;
            }
            out.push(WalletSummary {
                coldkey: wallet.coldkeypub(),
                has_coldkey,
                hotkeys: wallet.list_hotkeys(),
                name: wallet.name,
            });
        }
        Ok(out)
    }

    /// Creates a wallet as `btcli wallet create` does: a new coldkey of `words` words encrypted
    /// with `password`, its `coldkeypub.txt`, and an unencrypted `default` hotkey.
    ///
    /// Slow (one Argon2i run, seconds). Refuses to replace existing keys unless `overwrite`
    /// is [`Overwrite::Replace`].
    pub fn create(
        &self,
        name: &str,
        password: &str,
        words: WordCount,
        overwrite: Overwrite,
    ) -> Result<NewWallet, WalletError> {
        let wallet = self.wallet(name)?;
        check_password(password)?;
        wallet.refuse_existing(overwrite, true, Some(DEFAULT_HOTKEY))?;
        let coldkey = Keypair::generate(words)?;
        let hotkey = Keypair::generate(words)?;
        wallet.write_coldkey(&coldkey, password, overwrite)?;
        wallet.write_hotkey(DEFAULT_HOTKEY, &hotkey, overwrite)?;
        Ok(NewWallet {
            wallet,
            coldkey,
            hotkey,
        })
    }

    /// Restores a wallet from its coldkey recovery phrase (encrypted with `password`) and,
    /// optionally, the `default` hotkey's phrase. Slow (one Argon2i run).
    pub fn import(
        &self,
        name: &str,
        coldkey: &Mnemonic,
        password: &str,
        hotkey: Option<&Mnemonic>,
        overwrite: Overwrite,
    ) -> Result<Wallet, WalletError> {
        let wallet = self.wallet(name)?;
        check_password(password)?;
        wallet.refuse_existing(overwrite, true, hotkey.map(|_| DEFAULT_HOTKEY))?;
        let cold = Keypair::from_mnemonic(coldkey)?;
        let hot = hotkey.map(Keypair::from_mnemonic).transpose()?;
        wallet.write_coldkey(&cold, password, overwrite)?;
        if let Some(hot) = hot {
            wallet.write_hotkey(DEFAULT_HOTKEY, &hot, overwrite)?;
        }
        Ok(wallet)
    }
}

impl Wallet {
    /// The wallet's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The wallet's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the wallet has a coldkey or a `coldkeypub.txt`.
    pub fn exists(&self) -> bool {
        self.coldkey_path().exists() || self.coldkeypub_path().exists()
    }

    /// Path of the encrypted coldkey.
    pub fn coldkey_path(&self) -> PathBuf {
        self.dir.join(COLDKEY)
    }

    /// Path of `coldkeypub.txt`.
    pub fn coldkeypub_path(&self) -> PathBuf {
        self.dir.join(COLDKEYPUB)
    }

    /// Path of a hotkey's secret file.
    pub fn hotkey_path(&self, hotkey: &str) -> PathBuf {
        self.dir.join(HOTKEYS).join(hotkey)
    }

    /// Path of a hotkey's public file (`<name>pub.txt`).
    pub fn hotkey_pub_path(&self, hotkey: &str) -> PathBuf {
        self.dir.join(HOTKEYS).join(format!("{hotkey}{PUB_SUFFIX}"))
    }

    /// The coldkey's address, from `coldkeypub.txt` (no password needed).
    pub fn coldkeypub(&self) -> Result<AccountId, WalletError> {
        let path = self.coldkeypub_path();
        let data = read_file(&path)?;
        match read_keyfile(&data, None) {
            Ok(key) => Ok(key.account_id()),
            Err(KeyfileError::PasswordNeeded) => Err(WalletError::Keyfile {
                path,
                error: KeyfileError::NotAWallet,
            }),
            Err(error) => Err(WalletError::keyfile(path, error)),
        }
    }

    /// The `coldkeypub.txt` JSON to give to another computer (a watch-only copy).
    pub fn export_coldkeypub(&self) -> Result<String, WalletError> {
        Ok(public_keyfile_json(&self.coldkeypub()?))
    }

    /// How the coldkey file is protected.
    pub fn coldkey_encryption(&self) -> Result<Encryption, WalletError> {
        let path = self.coldkey_path();
        let data = read_file(&path)?;
        Encryption::detect(&data).ok_or(WalletError::Keyfile {
            path,
            error: KeyfileError::NotAWallet,
        })
    }

    /// Opens the coldkey with `password` and returns its key pair. An unencrypted coldkey
    /// opens with any password. Checks the key against `coldkeypub.txt` when that exists.
    ///
    /// Slow: Argon2i over 512 MiB for NaCl files (seconds), 10 million PBKDF2 rounds for
    /// Fernet ones. Call it from a background thread. A wrong password gives
    /// [`WalletError::WrongPassword`].
    pub fn unlock_coldkey(&self, password: &str) -> Result<Keypair, WalletError> {
        let path = self.coldkey_path();
        let data = read_file(&path)?;
        let pair = match read_keyfile(&data, Some(password)) {
            Ok(KeyfileKey::Secret(pair)) => *pair,
            Ok(KeyfileKey::Public(_)) => return Err(WalletError::NoSecret { path }),
            Err(error) => return Err(WalletError::keyfile(path, error)),
        };
        if self.coldkeypub_path().exists()
            && let Ok(public) = self.coldkeypub()
            && public != pair.account_id()
        {
            return Err(WalletError::KeyMismatch {
                wallet: self.name.clone(),
            });
        }
        Ok(pair)
    }

    /// Re-encrypts the coldkey with `new_password` (NaCl, whatever the old format was).
    /// Slow: two Argon2i runs. A wrong `old_password` gives [`WalletError::WrongPassword`].
    pub fn change_password(
        &self,
        old_password: &str,
        new_password: &str,
    ) -> Result<(), WalletError> {
        check_password(new_password)?;
        let pair = self.unlock_coldkey(old_password)?;
        self.write_coldkey(&pair, new_password, Overwrite::Replace)
    }

    /// Adds a new unencrypted hotkey with a fresh phrase of `words` words; returns it so its
    /// phrase can be shown once.
    pub fn add_hotkey(
        &self,
        hotkey: &str,
        words: WordCount,
        overwrite: Overwrite,
    ) -> Result<Keypair, WalletError> {
        check_name(hotkey, true)?;
        self.refuse_existing(overwrite, false, Some(hotkey))?;
        let pair = Keypair::generate(words)?;
        self.write_hotkey(hotkey, &pair, overwrite)?;
        Ok(pair)
    }

    /// Restores an unencrypted hotkey from its recovery phrase.
    pub fn import_hotkey(
        &self,
        hotkey: &str,
        mnemonic: &Mnemonic,
        overwrite: Overwrite,
    ) -> Result<Keypair, WalletError> {
        check_name(hotkey, true)?;
        self.refuse_existing(overwrite, false, Some(hotkey))?;
        let pair = Keypair::from_mnemonic(mnemonic)?;
        self.write_hotkey(hotkey, &pair, overwrite)?;
        Ok(pair)
    }

    /// The hotkey's key pair. Encrypted hotkeys need `password` (slow, like the coldkey).
    pub fn hotkey(&self, hotkey: &str, password: Option<&str>) -> Result<Keypair, WalletError> {
        check_name(hotkey, true)?;
        let path = self.hotkey_path(hotkey);
        let data = read_file(&path)?;
        match read_keyfile(&data, password) {
            Ok(KeyfileKey::Secret(pair)) => Ok(*pair),
            Ok(KeyfileKey::Public(_)) => Err(WalletError::NoSecret { path }),
            Err(error) => Err(WalletError::keyfile(path, error)),
        }
    }

    /// The wallet's hotkeys, sorted by name, each with its address or its problem. A wallet
    /// without a `hotkeys` folder has none.
    pub fn list_hotkeys(&self) -> Result<Vec<HotkeySummary>, WalletError> {
        let dir = self.dir.join(HOTKEYS);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(WalletError::io(IoAction::List, &dir, &e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_file())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.'))
            .map(|name| match name.strip_suffix(PUB_SUFFIX) {
                Some(base) if !base.is_empty() => base.to_owned(),
                _ => name,
            })
            .collect();
        names.sort();
        names.dedup();
        Ok(names
            .into_iter()
            .map(|name| {
                let has_secret = self.hotkey_path(&name).is_file();
                HotkeySummary {
                    address: self.hotkey_address(&name),
                    has_secret,
                    name,
                }
            })
            .collect())
    }

    /// A hotkey's address: from `<name>pub.txt` when present, else from the plain hotkey file.
    pub fn hotkey_address(&self, hotkey: &str) -> Result<AccountId, WalletError> {
        let pub_path = self.hotkey_pub_path(hotkey);
        if pub_path.is_file() {
            let data = read_file(&pub_path)?;
            return read_keyfile(&data, None)
                .map(|key| key.account_id())
                .map_err(|error| WalletError::keyfile(pub_path, error));
        }
        let path = self.hotkey_path(hotkey);
        let data = read_file(&path)?;
        match read_keyfile(&data, None) {
            Ok(key) => Ok(key.account_id()),
            Err(KeyfileError::PasswordNeeded) => Err(WalletError::NoPublicFile { path }),
            Err(error) => Err(WalletError::keyfile(path, error)),
        }
    }

    /// Fails with `AlreadyExists` for the first key file that `overwrite` would replace.
    fn refuse_existing(
        &self,
        overwrite: Overwrite,
        coldkey: bool,
        hotkey: Option<&str>,
    ) -> Result<(), WalletError> {
        if overwrite == Overwrite::Replace {
            return Ok(());
        }
        let mut paths = Vec::new();
        if coldkey {
            paths.push(self.coldkey_path());
            paths.push(self.coldkeypub_path());
        }
        if let Some(hotkey) = hotkey {
            paths.push(self.hotkey_path(hotkey));
            paths.push(self.hotkey_pub_path(hotkey));
        }
        match paths.into_iter().find(|p| p.exists()) {
            Some(path) => Err(WalletError::AlreadyExists { path }),
            None => Ok(()),
        }
    }

    fn write_coldkey(
        &self,
        pair: &Keypair,
        password: &str,
        overwrite: Overwrite,
    ) -> Result<(), WalletError> {
        let path = self.coldkey_path();
        let sealed = encrypt_keyfile(&keyfile_json(pair), password)
            .map_err(|error| WalletError::keyfile(path.clone(), error))?;
        create_dir(&self.dir)?;
        write_file(&path, &sealed, overwrite)?;
        let public = public_keyfile_json(&pair.account_id());
        write_file(&self.coldkeypub_path(), public.as_bytes(), overwrite)
    }

    fn write_hotkey(
        &self,
        hotkey: &str,
        pair: &Keypair,
        overwrite: Overwrite,
    ) -> Result<(), WalletError> {
        create_dir(&self.dir.join(HOTKEYS))?;
        write_file(&self.hotkey_path(hotkey), &keyfile_json(pair), overwrite)?;
        let public = public_keyfile_json(&pair.account_id());
        write_file(&self.hotkey_pub_path(hotkey), public.as_bytes(), overwrite)
    }
}

/// Refuses names that are not a single plain path component (and, for hotkeys, names that
/// would collide with a `pub.txt` file).
fn check_name(name: &str, hotkey: bool) -> Result<(), WalletError> {
    let bad = name.is_empty()
        || name.len() > 200
        || name.starts_with('.')
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        || name.trim() != name
        || (hotkey && name.ends_with(PUB_SUFFIX));
    if bad {
        Err(WalletError::InvalidName {
            name: name.to_owned(),
        })
    } else {
        Ok(())
    }
}

fn check_password(password: &str) -> Result<(), WalletError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        Err(WalletError::PasswordTooShort {
            min: MIN_PASSWORD_LEN,
        })
    } else {
        Ok(())
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, WalletError> {
    fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            WalletError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            WalletError::io(IoAction::Read, path, &e)
        }
    })
}

/// Creates a folder and its parents, new ones with mode 0700 on unix.
fn create_dir(dir: &Path) -> Result<(), WalletError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| WalletError::io(IoAction::CreateDir, dir, &e))
}

/// Writes through a temporary file (mode 0600 on unix) and a rename, so a crash never leaves a
/// half-written key. Refuses an existing target unless `overwrite` is `Replace`.
fn write_file(path: &Path, data: &[u8], overwrite: Overwrite) -> Result<(), WalletError> {
    if overwrite == Overwrite::Refuse && path.exists() {
        return Err(WalletError::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tag = [0u8; 6];
    getrandom::fill(&mut tag).map_err(|_| WalletError::Keyfile {
        path: path.to_path_buf(),
        error: KeyfileError::RandomUnavailable,
    })?;
    let temp = dir.join(format!(".{file_name}.{}.tmp", hex::encode(tag)));
    let result = write_new(&temp, data).and_then(|()| {
        fs::rename(&temp, path).map_err(|e| WalletError::io(IoAction::Write, path, &e))
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_new(path: &Path, data: &[u8]) -> Result<(), WalletError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| WalletError::io(IoAction::Write, path, &e))?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(|e| WalletError::io(IoAction::Write, path, &e))
}
