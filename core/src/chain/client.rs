//! One live connection to a node: the raw JSON-RPC client plus subxt's online client,
//! which decodes runtime APIs and storage against the metadata the node serves.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use subxt::backend::LegacyBackend;
use subxt::rpcs::{RpcClient, rpc_params};
use subxt::{OnlineClient, SubstrateConfig};

use super::{CONNECT_TIMEOUT, ChainError, REQUEST_TIMEOUT};
use crate::network::Network;

/// The subxt configuration for Bittensor: Substrate's hashing, header and account types.
pub type ChainConfig = SubstrateConfig;

/// The facts `taoscope chain info` prints and the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainInfo {
    /// The chain's own name (`system_chain`), e.g. "Bittensor".
    pub chain: String,
    /// Hash of block 0, `0x`-hex.
    pub genesis_hash: String,
    /// Number of the best (newest) block.
    pub best_block: u64,
    /// Number of the newest finalized block.
    pub finalized_block: u64,
    /// Runtime spec version at the finalized block.
    pub spec_version: u32,
}

/// A connected node.
#[derive(Clone)]
pub struct ChainClient {
    network: Network,
    rpc: RpcClient,
    online: OnlineClient<ChainConfig>,
}

impl ChainClient {
    /// Connects to `network`, giving up after [`CONNECT_TIMEOUT`].
    pub async fn connect(network: &Network) -> Result<ChainClient, ChainError> {
        Self::connect_with_timeout(network, CONNECT_TIMEOUT).await
    }

    /// Connects to `network`, giving up after `timeout`.
    pub async fn connect_with_timeout(
        network: &Network,
        timeout: Duration,
    ) -> Result<ChainClient, ChainError> {
        let url = network.url().to_string();
        let connect = async {
            let rpc =
                RpcClient::from_insecure_url(&url)
                    .await
                    .map_err(|e| ChainError::Unreachable {
                        url: url.clone(),
                        reason: plain_reason(&e),
                    })?;
            // The legacy backend needs no `rpc_methods` probe and works on every node we target.
            let backend = LegacyBackend::<ChainConfig>::builder().build(rpc.clone());
            let online =
                OnlineClient::from_backend_with_config(ChainConfig::new(), Arc::new(backend))
                    .await
                    .map_err(|e| ChainError::Unreachable {
                        url: url.clone(),
                        reason: e.to_string(),
                    })?;
            Ok(ChainClient {
                network: network.clone(),
                rpc,
                online,
            })
        };
        match tokio::time::timeout(timeout, connect).await {
            Ok(result) => result,
            Err(_) => Err(ChainError::ConnectTimeout {
                url,
                seconds: timeout.as_secs(),
            }),
        }
    }

    /// The network this client talks to.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// subxt's client, for dynamic runtime-API and storage reads.
    pub fn online(&self) -> &OnlineClient<ChainConfig> {
        &self.online
    }

    /// The raw JSON-RPC client, for subscriptions and plain calls.
    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// Genesis hash as `0x`-hex (fetched once at connect).
    pub fn genesis_hash(&self) -> String {
        format!("0x{}", hex::encode(self.online.genesis_hash().as_bytes()))
    }

    /// A JSON-RPC call with the request timeout and plain-language errors.
    pub async fn call<R: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: subxt::rpcs::client::RpcParams,
    ) -> Result<R, ChainError> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.rpc.request::<R>(method, params)).await {
            Ok(result) => result.map_err(|e| ChainError::from_rpc(method, e)),
            Err(_) => Err(ChainError::RequestTimeout {
                what: method.to_string(),
                seconds: REQUEST_TIMEOUT.as_secs(),
            }),
        }
    }

    /// Chain name, genesis, best and finalized block and spec version, in four parallel calls.
    pub async fn info(&self) -> Result<ChainInfo, ChainError> {
        let chain = self.call::<String>("system_chain", rpc_params![]);
        let best = self.call::<Value>("chain_getHeader", rpc_params![]);
        let finalized_hash = self.call::<String>("chain_getFinalizedHead", rpc_params![]);
        let (chain, best, finalized_hash) = futures::try_join!(chain, best, finalized_hash)?;
        let finalized = self.call::<Value>("chain_getHeader", rpc_params![&finalized_hash]);
        let version = self.call::<Value>("state_getRuntimeVersion", rpc_params![&finalized_hash]);
        let (finalized, version) = futures::try_join!(finalized, version)?;
        let spec_version = version
            .get("specVersion")
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| ChainError::Decode {
                what: "state_getRuntimeVersion".into(),
                reason: "no specVersion".into(),
            })?;
        Ok(ChainInfo {
            chain,
            genesis_hash: self.genesis_hash(),
            best_block: header_number(&best, "chain_getHeader")?,
            finalized_block: header_number(&finalized, "chain_getHeader")?,
            spec_version,
        })
    }
}

/// Reads `number` (a `0x`-hex string, or a plain integer on some nodes) from a header.
pub fn header_number(header: &Value, what: &str) -> Result<u64, ChainError> {
    let bad = |reason: &str| ChainError::Decode {
        what: what.to_string(),
        reason: reason.to_string(),
    };
    match header.get("number") {
        Some(Value::String(s)) => {
            let digits = s
                .strip_prefix("0x")
                .ok_or_else(|| bad("block number is not hex"))?;
            u64::from_str_radix(digits, 16).map_err(|_| bad("block number is not hex"))
        }
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| bad("block number out of range")),
        _ => Err(bad("the header has no block number")),
    }
}

/// A connect failure in plain words: the common causes by name, else the transport's text.
fn plain_reason(error: &subxt::rpcs::Error) -> String {
    let text = error.to_string();
    let lower = text.to_ascii_lowercase();
    let key = if lower.contains("resolve") || lower.contains("lookup address") {
        Some("error.chain.reason_dns")
    } else if lower.contains("refused") {
        Some("error.chain.reason_refused")
    } else if lower.contains("certificate") || lower.contains("tls") {
        Some("error.chain.reason_tls")
    } else if lower.contains("unreachable") {
        Some("error.chain.reason_network")
    } else {
        None
    };
    match key {
        Some(key) => crate::i18n::tr(key),
        None => text
            .trim_start_matches("RPC error: ")
            .trim_start_matches("client error: ")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn header_numbers_parse_in_both_encodings() {
        assert_eq!(
            header_number(&json!({"number": "0x689052"}), "h"),
            Ok(6_852_690)
        );
        assert_eq!(header_number(&json!({"number": 12}), "h"), Ok(12));
        assert!(header_number(&json!({"number": "12"}), "h").is_err());
        assert!(header_number(&json!({}), "h").is_err());
        assert!(header_number(&json!(null), "h").is_err());
    }
}
