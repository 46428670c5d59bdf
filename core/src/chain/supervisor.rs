//! Keeps one connection to the chosen node alive: connect with a timeout, retry with
//! backoff, follow new heads, and reconnect when the socket drops. Everyone else reads
//! the state from a watch channel and borrows the current client.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::Value;
use subxt::rpcs::rpc_params;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::client::header_number;
use super::{ChainClient, ChainError, ChainInfo};
use crate::network::Network;

/// Called whenever the state changes, so a UI can ask for a repaint.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Trying to connect (attempt 1, 2, …).
    Connecting {
        /// The network being reached.
        network: Network,
        /// 1-based attempt number since the last success.
        attempt: u32,
    },
    /// Connected; block numbers follow the node's new heads.
    Live {
        /// The network in use.
        network: Network,
        /// Chain facts, updated on every new head.
        info: ChainInfo,
    },
    /// The node cannot be reached; a retry is scheduled.
    Offline {
        /// The network that failed.
        network: Network,
        /// Why, in plain words.
        reason: String,
        /// Seconds until the next attempt.
        retry_in_secs: u64,
    },
    /// Connected, but the node answers in a way we cannot use; a retry is scheduled.
    Error {
        /// The network in use.
        network: Network,
        /// Why, in plain words.
        reason: String,
        /// Seconds until the next attempt.
        retry_in_secs: u64,
    },
}

impl ConnectionState {
    /// The network this state is about.
    pub fn network(&self) -> &Network {
        match self {
            ConnectionState::Connecting { network, .. }
            | ConnectionState::Live { network, .. }
            | ConnectionState::Offline { network, .. }
            | ConnectionState::Error { network, .. } => network,
        }
    }

    /// True once the first attempt has ended, either way (the screenshot mode waits for it).
    pub fn is_settled(&self) -> bool {
        !matches!(self, ConnectionState::Connecting { .. })
    }
}

enum Control {
    Switch(Network),
    ReconnectNow,
}

/// The background task that owns the connection.
pub struct ChainSupervisor {
    state: watch::Receiver<ConnectionState>,
    client: Arc<RwLock<Option<ChainClient>>>,
    control: mpsc::UnboundedSender<Control>,
    task: JoinHandle<()>,
}

/// Delay before retry `attempt` (1-based): 1, 2, 4, 8, 16, then 30 s.
pub fn backoff_delay(attempt: u32) -> Duration {
    let secs = 1u64 << attempt.saturating_sub(1).min(5);
    Duration::from_secs(secs.min(30))
}

impl ChainSupervisor {
    /// Starts connecting to `network` on the current tokio runtime.
    pub fn start(network: Network, waker: Waker) -> ChainSupervisor {
        let (state_tx, state) = watch::channel(ConnectionState::Connecting {
            network: network.clone(),
            attempt: 1,
        });
        let client: Arc<RwLock<Option<ChainClient>>> = Arc::default();
        let (control, control_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(network, state_tx, client.clone(), control_rx, waker));
        ChainSupervisor {
            state,
            client,
            control,
            task,
        }
    }

    /// The state now.
    pub fn state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    /// A receiver that sees every later state.
    pub fn subscribe(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// The live client, or [`ChainError::NotConnected`].
    pub fn client(&self) -> Result<ChainClient, ChainError> {
        self.client
            .read()
            .ok()
            .and_then(|c| c.clone())
            .ok_or(ChainError::NotConnected)
    }

    /// Waits until connected (or `timeout` passes) and returns the client.
    pub async fn wait_for_client(&self, timeout: Duration) -> Result<ChainClient, ChainError> {
        let mut state = self.subscribe();
        let wait = async {
            loop {
                if let Ok(client) = self.client() {
                    return Ok(client);
                }
                if state.changed().await.is_err() {
                    return Err(ChainError::NotConnected);
                }
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .unwrap_or(Err(ChainError::NotConnected))
    }

    /// Drops the current connection and connects to `network` instead.
    pub fn switch_network(&self, network: Network) {
        let _ = self.control.send(Control::Switch(network));
    }

    /// Tells the supervisor a query failed; a connection problem triggers a reconnect now.
    pub fn report_failure(&self, error: &ChainError) {
        if error.is_connection_problem() {
            let _ = self.control.send(Control::ReconnectNow);
        }
    }
}

impl Drop for ChainSupervisor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why following heads stopped.
enum Ended {
    Lost(String),
    Switch(Network),
}

async fn run(
    mut network: Network,
    state: watch::Sender<ConnectionState>,
    slot: Arc<RwLock<Option<ChainClient>>>,
    mut control: mpsc::UnboundedReceiver<Control>,
    waker: Waker,
) {
    let publish = |s: ConnectionState| {
        state.send_replace(s);
        waker();
    };
    let set_client = |c: Option<ChainClient>| {
        if let Ok(mut guard) = slot.write() {
            *guard = c;
        }
    };
    let mut attempt: u32 = 1;
    loop {
        publish(ConnectionState::Connecting {
            network: network.clone(),
            attempt,
        });
        let connected = tokio::select! {
            result = connect_and_read(&network) => result,
            msg = control.recv() => {
                match msg {
                    Some(Control::Switch(next)) => { network = next; attempt = 1; }
                    Some(Control::ReconnectNow) => {}
                    None => return,
                }
                continue;
            }
        };
        let failure = match connected {
            Ok((client, info)) => {
                attempt = 1;
                set_client(Some(client.clone()));
                publish(ConnectionState::Live {
                    network: network.clone(),
                    info: info.clone(),
                });
                let ended = follow_heads(&client, info, &network, &mut control, &publish).await;
                set_client(None);
                match ended {
                    Ended::Switch(next) => {
                        network = next;
                        continue;
                    }
                    // Reconnect at once after a drop; back off only if that fails too.
                    Ended::Lost(reason) => {
                        tracing::info!(target: "taoscope::chain", "connection to {network} lost: {reason}");
                        continue;
                    }
                }
            }
            Err(error) => error,
        };
        let delay = backoff_delay(attempt);
        let reason = failure.to_string();
        publish(if failure.is_connection_problem() {
            ConnectionState::Offline {
                network: network.clone(),
                reason,
                retry_in_secs: delay.as_secs(),
            }
        } else {
            ConnectionState::Error {
                network: network.clone(),
                reason,
                retry_in_secs: delay.as_secs(),
            }
        });
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            msg = control.recv() => match msg {
                Some(Control::Switch(next)) => { network = next; attempt = 1; }
                Some(Control::ReconnectNow) => {}
                None => return,
            }
        }
    }
}

async fn connect_and_read(network: &Network) -> Result<(ChainClient, ChainInfo), ChainError> {
    let client = ChainClient::connect(network).await?;
    let info = client.info().await?;
    Ok((client, info))
}

/// Follows best and finalized heads until the connection drops or the user switches network.
async fn follow_heads(
    client: &ChainClient,
    mut info: ChainInfo,
    network: &Network,
    control: &mut mpsc::UnboundedReceiver<Control>,
    publish: &impl Fn(ConnectionState),
) -> Ended {
    let rpc = client.rpc();
    let best = rpc
        .subscribe::<Value>(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        )
        .await;
    let finalized = rpc
        .subscribe::<Value>(
            "chain_subscribeFinalizedHeads",
            rpc_params![],
            "chain_unsubscribeFinalizedHeads",
        )
        .await;
    let (mut best, mut finalized) = match (best, finalized) {
        (Ok(b), Ok(f)) => (b, f),
        (Err(e), _) | (_, Err(e)) => {
            return Ended::Lost(ChainError::from_rpc("chain_subscribeNewHeads", e).to_string());
        }
    };
    loop {
        tokio::select! {
            head = best.next() => match head {
                Some(Ok(header)) => {
                    if let Ok(n) = header_number(&header, "chain_newHead") {
                        info.best_block = n;
                    }
                }
                Some(Err(e)) => return Ended::Lost(e.to_string()),
                None => return Ended::Lost(String::new()),
            },
            head = finalized.next() => match head {
                Some(Ok(header)) => {
                    if let Ok(n) = header_number(&header, "chain_finalizedHead") {
                        info.finalized_block = n;
                    }
                }
                Some(Err(e)) => return Ended::Lost(e.to_string()),
                None => return Ended::Lost(String::new()),
            },
            msg = control.recv() => match msg {
                Some(Control::Switch(next)) => return Ended::Switch(next),
                Some(Control::ReconnectNow) => {
                    // A query failed: check the socket with a cheap call before tearing it down.
                    if client.call::<Value>("chain_getFinalizedHead", rpc_params![]).await.is_err() {
                        return Ended::Lost(String::new());
                    }
                    continue;
                }
                None => return Ended::Lost(String::new()),
            },
        }
        publish(ConnectionState::Live {
            network: network.clone(),
            info: info.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_caps() {
        let secs: Vec<u64> = (1..=8).map(|a| backoff_delay(a).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 30, 30, 30]);
    }
}
