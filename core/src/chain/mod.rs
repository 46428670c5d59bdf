//! The chain client: connecting, reconnecting and reading the node.

mod client;
mod error;
mod projections;
mod reads;
mod supervisor;
mod weights;

use std::time::Duration;

pub use client::{ChainClient, ChainConfig, ChainInfo, header_number};
pub use error::ChainError;
pub use projections::{IssuanceObservation, RewardInputs};
pub use reads::{AccountKey, PinnedBlock, SnapshotPlan};
pub use supervisor::{ChainSupervisor, ConnectionState, Waker, backoff_delay};

/// How long a connection attempt may take before the app says "offline".
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(8);
/// How long one query may wait for its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
