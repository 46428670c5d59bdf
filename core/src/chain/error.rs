//! What can go wrong talking to a node, in words a holder understands.

use std::fmt;

use crate::i18n::tr_with;
use crate::network::NetworkError;

/// A failed connection or query. Its text comes from the message catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The address itself is unusable.
    BadAddress(NetworkError),
    /// The node did not accept the connection in time.
    ConnectTimeout {
        /// The address tried.
        url: String,
        /// How long we waited.
        seconds: u64,
    },
    /// The node could not be reached at all (DNS, refused, TLS…).
    Unreachable {
        /// The address tried.
        url: String,
        /// The underlying reason, for the details line.
        reason: String,
    },
    /// The socket closed while a query was in flight.
    ConnectionLost {
        /// The underlying reason.
        reason: String,
    },
    /// A query got no answer in time.
    RequestTimeout {
        /// The query's name.
        what: String,
        /// How long we waited.
        seconds: u64,
    },
    /// The node answered with an error.
    Node {
        /// The query's name.
        what: String,
        /// The node's message.
        reason: String,
    },
    /// The node's answer was truncated, garbled or of an unknown shape.
    Decode {
        /// The query's name.
        what: String,
        /// What did not fit.
        reason: String,
    },
    /// No connection is up yet (still connecting, or offline).
    NotConnected,
    /// The subnet asked for is not on the chain at the block read.
    SubnetNotFound {
        /// The netuid asked for.
        netuid: u16,
    },
    /// Reading from an offline snapshot that lacks the data (its text says what is missing).
    Snapshot {
        /// The snapshot's own explanation.
        reason: String,
    },
}

impl ChainError {
    /// True when a reconnect may cure it: the node went away, not the request.
    pub fn is_connection_problem(&self) -> bool {
        matches!(
            self,
            ChainError::ConnectTimeout { .. }
                | ChainError::Unreachable { .. }
                | ChainError::ConnectionLost { .. }
                | ChainError::RequestTimeout { .. }
                | ChainError::NotConnected
        )
    }

    /// Maps an RPC-layer error of `what` to a plain-language error.
    pub(crate) fn from_rpc(what: &str, error: subxt::rpcs::Error) -> ChainError {
        use subxt::ext::jsonrpsee::core::client::Error as Jsonrpsee;
        use subxt::rpcs::Error as Rpc;
        match error {
            Rpc::User(user) => ChainError::Node {
                what: what.to_string(),
                reason: user.message,
            },
            Rpc::Deserialization(e) => ChainError::Decode {
                what: what.to_string(),
                reason: e.to_string(),
            },
            Rpc::Decode(e) => ChainError::Decode {
                what: what.to_string(),
                reason: e.to_string(),
            },
            Rpc::DisconnectedWillReconnect(reason) => ChainError::ConnectionLost { reason },
            Rpc::Client(inner) => match inner.downcast::<Jsonrpsee>() {
                Ok(inner) => match *inner {
                    Jsonrpsee::RequestTimeout => ChainError::RequestTimeout {
                        what: what.to_string(),
                        seconds: crate::chain::REQUEST_TIMEOUT.as_secs(),
                    },
                    Jsonrpsee::ParseError(e) => ChainError::Decode {
                        what: what.to_string(),
                        reason: e.to_string(),
                    },
                    other => ChainError::ConnectionLost {
                        reason: other.to_string(),
                    },
                },
                Err(other) => ChainError::ConnectionLost {
                    reason: other.to_string(),
                },
            },
            other => ChainError::Node {
                what: what.to_string(),
                reason: other.to_string(),
            },
        }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            ChainError::BadAddress(e) => return write!(f, "{e}"),
            ChainError::ConnectTimeout { url, seconds } => tr_with(
                "error.chain.connect_timeout",
                &[("url", url), ("seconds", seconds)],
            ),
            ChainError::Unreachable { url, reason } => tr_with(
                "error.chain.unreachable",
                &[("url", url), ("reason", reason)],
            ),
            ChainError::ConnectionLost { reason } => {
                tr_with("error.chain.connection_lost", &[("reason", reason)])
            }
            ChainError::RequestTimeout { what, seconds } => tr_with(
                "error.chain.request_timeout",
                &[("what", what), ("seconds", seconds)],
            ),
            ChainError::Node { what, reason } => {
                tr_with("error.chain.node", &[("what", what), ("reason", reason)])
            }
            ChainError::Decode { what, reason } => {
                tr_with("error.chain.decode", &[("what", what), ("reason", reason)])
            }
            ChainError::NotConnected => tr_with("error.chain.not_connected", &[]),
            ChainError::SubnetNotFound { netuid } => {
                tr_with("error.chain.subnet_not_found", &[("netuid", netuid)])
            }
            ChainError::Snapshot { reason } => reason.clone(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ChainError {}

impl From<NetworkError> for ChainError {
    fn from(e: NetworkError) -> Self {
        ChainError::BadAddress(e)
    }
}
