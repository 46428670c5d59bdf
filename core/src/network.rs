//! Which node to talk to: the named Bittensor networks, a local node, or any WebSocket URL.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::i18n::{tr, tr_with};

/// Genesis hash of finney, the Bittensor main network.
pub const FINNEY_GENESIS_HASH: &str =
    "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03";

/// Public finney entry point.
pub const FINNEY_URL: &str = "wss://entrypoint-finney.opentensor.ai:443";
/// Public test-network entry point.
pub const TEST_URL: &str = "wss://test.finney.opentensor.ai:443";
/// A node on this computer, as `node-subtensor --dev` starts it.
pub const LOCAL_URL: &str = "ws://127.0.0.1:9944";

/// A network the user can choose in Settings or with `--network`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", content = "url", rename_all = "lowercase")]
pub enum Network {
    /// The main network.
    #[default]
    Finney,
    /// The public test network.
    Test,
    /// A node on this computer.
    Local,
    /// Any `ws://` or `wss://` endpoint.
    Custom(String),
}

/// Why a network name or URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkError {
    /// Empty input.
    Empty,
    /// A URL with a scheme other than ws/wss.
    UnsupportedScheme(String),
    /// A ws/wss URL that does not parse (no host, bad port…).
    InvalidUrl {
        /// What the user typed.
        input: String,
        /// What the URL parser said.
        reason: String,
    },
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            NetworkError::Empty => tr("error.network.empty"),
            NetworkError::UnsupportedScheme(given) => {
                tr_with("error.network.unsupported_scheme", &[("given", given)])
            }
            NetworkError::InvalidUrl { input, reason } => tr_with(
                "error.network.invalid_url",
                &[("given", input), ("reason", reason)],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for NetworkError {}

impl Network {
    /// Parses a network name (`finney`, `test`, `local`) or a `ws://`/`wss://` URL.
    pub fn parse(input: &str) -> Result<Network, NetworkError> {
        let trimmed = input.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "" => return Err(NetworkError::Empty),
            "finney" | "main" | "mainnet" => return Ok(Network::Finney),
            "test" | "testnet" => return Ok(Network::Test),
            "local" | "localhost" => return Ok(Network::Local),
            _ => {}
        }
        let parsed = url::Url::parse(trimmed).map_err(|e| {
            if trimmed.contains("://") {
                NetworkError::InvalidUrl {
                    input: trimmed.to_string(),
                    reason: e.to_string(),
                }
            } else {
                NetworkError::UnsupportedScheme(trimmed.to_string())
            }
        })?;
        if !matches!(parsed.scheme(), "ws" | "wss") {
            return Err(NetworkError::UnsupportedScheme(trimmed.to_string()));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(NetworkError::InvalidUrl {
                input: trimmed.to_string(),
                reason: tr("error.network.no_host"),
            });
        }
        Ok(Network::Custom(trimmed.to_string()))
    }

    /// The WebSocket URL of this network.
    pub fn url(&self) -> &str {
        match self {
            Network::Finney => FINNEY_URL,
            Network::Test => TEST_URL,
            Network::Local => LOCAL_URL,
            Network::Custom(url) => url,
        }
    }

    /// A short name for the status bar and JSON output.
    pub fn name(&self) -> &str {
        match self {
            Network::Finney => "finney",
            Network::Test => "test",
            Network::Local => "local",
            Network::Custom(url) => url,
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls_parse() {
        assert_eq!(Network::parse("finney"), Ok(Network::Finney));
        assert_eq!(Network::parse(" Test "), Ok(Network::Test));
        assert_eq!(Network::parse("local"), Ok(Network::Local));
        assert_eq!(
            Network::parse("local").map(|n| n.url().to_string()),
            Ok(LOCAL_URL.to_string())
        );
        assert_eq!(
            Network::parse("ws://127.0.0.1:9000"),
            Ok(Network::Custom("ws://127.0.0.1:9000".into()))
        );
        assert!(matches!(
            Network::parse("wss://node.example:443"),
            Ok(Network::Custom(_))
        ));
    }

    #[test]
    fn bad_addresses_are_refused_in_words() {
        assert!(matches!(
            Network::parse("foo://x"),
            Err(NetworkError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            Network::parse("http://x"),
            Err(NetworkError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            Network::parse("nonsense"),
            Err(NetworkError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            Network::parse("ws://"),
            Err(NetworkError::InvalidUrl { .. })
        ));
        assert!(matches!(
            Network::parse("ws://host:99999"),
            Err(NetworkError::InvalidUrl { .. })
        ));
        assert_eq!(Network::parse("  "), Err(NetworkError::Empty));
        let message = Network::parse("foo://x").unwrap_err().to_string();
        assert!(!message.contains('\n'), "one line: {message}");
    }

    #[test]
    fn settings_round_trip_through_json() {
        for n in [Network::Finney, Network::Custom("ws://a:1".into())] {
            let text = serde_json::to_string(&n).expect("serialises");
            assert_eq!(serde_json::from_str::<Network>(&text).expect("parses"), n);
        }
    }
}
