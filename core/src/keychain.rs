//! The operating system's keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through `keyring` 4.
//!
//! Taoscope keeps btcli's encrypted coldkey on disk and, when the user asks, stores the
//! coldkey's secret seed here so that signing needs no password. Entries use the service name
//! [`SERVICE`] and the wallet name as the user.

use std::fmt;

use zeroize::Zeroizing;

use crate::i18n::{tr, tr_with};
use crate::keys::SecretSeed;

/// The service name of every Taoscope keychain entry.
pub const SERVICE: &str = "taoscope";

/// A failed keychain operation. Its text comes from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeychainError {
    /// No keychain can be reached (no D-Bus session, no Secret Service, locked and no prompt).
    /// Text: "No system keychain is available; your password will be asked when you sign".
    Unavailable,
    /// The keychain answered with an error.
    Failed {
        /// The platform's reason.
        reason: String,
    },
    /// The stored value is not a secret seed Taoscope wrote.
    Damaged,
}

impl fmt::Display for KeychainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            KeychainError::Unavailable => tr("error.keychain.unavailable"),
            KeychainError::Failed { reason } => {
                tr_with("error.keychain.failed", &[("reason", reason)])
            }
            KeychainError::Damaged => tr("error.keychain.damaged"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for KeychainError {}

/// Maps the keyring crate's errors to ours; `NoEntry` must be handled by the caller first.
fn map_error(error: keyring::Error) -> KeychainError {
    match error {
        keyring::Error::NoDefaultStore | keyring::Error::NoStorageAccess(_) => {
            KeychainError::Unavailable
        }
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            let unreachable = [
                "ServiceUnknown",
                "org.freedesktop.secrets",
                "NotFound",
                "Connection",
                "DBUS_SESSION_BUS_ADDRESS",
            ];
            if unreachable.iter().any(|needle| text.contains(needle)) {
                KeychainError::Unavailable
            } else {
                KeychainError::Failed { reason: text }
            }
        }
        other => KeychainError::Failed {
            reason: other.to_string(),
        },
    }
}

fn entry(wallet_name: &str) -> Result<keyring::Entry, KeychainError> {
    keyring::Entry::new(SERVICE, wallet_name).map_err(map_error)
}

/// Stores the coldkey seed of `wallet_name`, replacing any earlier one. Blocks while the
/// keychain answers (it may show an unlock prompt).
pub fn remember(wallet_name: &str, seed: &SecretSeed) -> Result<(), KeychainError> {
    let hex = seed.to_hex();
    entry(wallet_name)?
        .set_password(hex.as_str())
        .map_err(map_error)
}

/// The stored coldkey seed of `wallet_name`, or `None` when nothing is stored.
pub fn recall(wallet_name: &str) -> Result<Option<SecretSeed>, KeychainError> {
    match entry(wallet_name)?.get_password() {
        Ok(text) => {
            let text = Zeroizing::new(text);
            SecretSeed::from_hex(&text)
                .map(Some)
                .map_err(|_| KeychainError::Damaged)
        }
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(error) => Err(map_error(error)),
    }
}

/// Removes the stored seed of `wallet_name`; nothing stored is not an error.
pub fn forget(wallet_name: &str) -> Result<(), KeychainError> {
    match entry(wallet_name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(error) => Err(map_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keychain_reads_as_plain_text() {
        let error = map_error(keyring::Error::NoDefaultStore);
        assert_eq!(error, KeychainError::Unavailable);
        assert_eq!(
            error.to_string(),
            "No system keychain is available; your password will be asked when you sign"
        );
        let no_daemon = map_error(keyring::Error::PlatformFailure(
            "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided"
                .into(),
        ));
        assert_eq!(no_daemon, KeychainError::Unavailable);
    }
}
