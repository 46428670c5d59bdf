//! What can go wrong with wallet folders and files, in words a holder understands.

use std::fmt;
use std::path::{Path, PathBuf};

use super::KeyfileError;
use crate::i18n::{tr, tr_with};
use crate::keys::KeyError;

/// What was being done when a file operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoAction {
    /// Reading a file.
    Read,
    /// Writing or renaming a file.
    Write,
    /// Creating a folder.
    CreateDir,
    /// Listing a folder.
    List,
}

/// A failed wallet operation. Its text comes from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletError {
    /// The password does not open the coldkey. Text: "Wrong password".
    WrongPassword,
    /// A file system operation failed.
    Io {
        /// What was being done.
        action: IoAction,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// An expected file is not there.
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// No wallet folder with that name.
    WalletNotFound {
        /// The wallet name.
        name: String,
        /// The wallets folder searched.
        root: PathBuf,
    },
    /// A key file exists and the caller did not allow replacing it.
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// A wallet or hotkey name that is not a plain file name.
    InvalidName {
        /// The name given.
        name: String,
    },
    /// A new password shorter than [`super::MIN_PASSWORD_LEN`].
    PasswordTooShort {
        /// The minimum length.
        min: usize,
    },
    /// A keyfile that cannot be read (not a wallet, damaged, unsupported…).
    Keyfile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        error: KeyfileError,
    },
    /// The file holds only a public key where a secret key was needed.
    NoSecret {
        /// The file.
        path: PathBuf,
    },
    /// An encrypted hotkey without `<name>pub.txt`: its address needs the password.
    NoPublicFile {
        /// The hotkey file.
        path: PathBuf,
    },
    /// The coldkey's key is not the one in `coldkeypub.txt`.
    KeyMismatch {
        /// The wallet name.
        wallet: String,
    },
    /// A recovery phrase or key was refused.
    Key(KeyError),
}

impl WalletError {
    /// A file system error at `path`.
    pub(crate) fn io(action: IoAction, path: &Path, error: &std::io::Error) -> WalletError {
        WalletError::Io {
            action,
            path: path.to_path_buf(),
            reason: error.to_string(),
        }
    }

    /// A keyfile error at `path`; a wrong password becomes [`WalletError::WrongPassword`].
    pub(crate) fn keyfile(path: PathBuf, error: KeyfileError) -> WalletError {
        match error {
            KeyfileError::WrongPassword => WalletError::WrongPassword,
            error => WalletError::Keyfile { path, error },
        }
    }
}

impl From<KeyError> for WalletError {
    fn from(error: KeyError) -> WalletError {
        WalletError::Key(error)
    }
}

impl fmt::Display for WalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            WalletError::WrongPassword => tr("error.keyfile.wrong_password"),
            WalletError::Io {
                action,
                path,
                reason,
            } => {
                let key = match action {
                    IoAction::Read => "error.wallet.read_failed",
                    IoAction::Write => "error.wallet.write_failed",
                    IoAction::CreateDir => "error.wallet.create_dir_failed",
                    IoAction::List => "error.wallet.list_failed",
                };
                tr_with(key, &[("path", &path.display()), ("reason", reason)])
            }
            WalletError::Missing { path } => {
                tr_with("error.wallet.missing", &[("path", &path.display())])
            }
            WalletError::WalletNotFound { name, root } => tr_with(
                "error.wallet.not_found",
                &[("name", name), ("root", &root.display())],
            ),
            WalletError::AlreadyExists { path } => {
                tr_with("error.wallet.already_exists", &[("path", &path.display())])
            }
            WalletError::InvalidName { name } => {
                tr_with("error.wallet.invalid_name", &[("name", name)])
            }
            WalletError::PasswordTooShort { min } => {
                tr_with("error.wallet.password_too_short", &[("min", min)])
            }
            WalletError::Keyfile { path, error } => tr_with(
                "error.wallet.in_file",
                &[("error", error), ("path", &path.display())],
            ),
            WalletError::NoSecret { path } => {
                tr_with("error.wallet.no_secret", &[("path", &path.display())])
            }
            WalletError::NoPublicFile { path } => {
                tr_with("error.wallet.no_public_file", &[("path", &path.display())])
            }
            WalletError::KeyMismatch { wallet } => {
                tr_with("error.wallet.key_mismatch", &[("wallet", wallet)])
            }
            WalletError::Key(error) => error.to_string(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for WalletError {}
