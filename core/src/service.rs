//! The bridge between a UI thread and core: typed requests in, typed results out.
//!
//! Core runs on its own tokio runtime. The UI sends a [`Request`], never waits, and
//! each frame drains whatever [`Response`]s have arrived; the waker asks for a repaint
//! as soon as one does, so a slow or dead node never freezes a frame.

use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use crate::chain::{
    AccountKey, ChainError, ChainInfo, ChainSupervisor, ConnectionState, PinnedBlock, Waker,
};
use crate::explorer::{
    BlockRef, Delegate, HotkeyRegistrations, Metagraph, NetworkTotals, StakeEntry, SubnetSummary,
};
use crate::network::Network;

/// Identifies a request so its response can be matched.
pub type RequestId = u64;

/// Something the UI asks core to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Read chain name, genesis, blocks and spec version.
    ChainInfo,
    /// Every subnet with pool, price and registration cost.
    Subnets,
    /// One subnet's metagraph.
    Metagraph {
        /// The subnet.
        netuid: u16,
    },
    /// Where a hotkey is registered.
    HotkeyRegistrations {
        /// The hotkey's 32-byte key.
        hotkey: AccountKey,
    },
    /// A coldkey's stake positions.
    StakeForColdkey {
        /// The coldkey's 32-byte key.
        coldkey: AccountKey,
    },
    /// Every delegate.
    Delegates,
    /// Issuance, stake and subnet count.
    NetworkTotals,
}

/// An explorer answer and the block it was read at (each screen's data comes from one block).
pub type AtBlock<T> = Result<(BlockRef, T), ChainError>;

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The answer to [`Request::ChainInfo`].
    ChainInfo(Result<ChainInfo, ChainError>),
    /// The answer to [`Request::Subnets`].
    Subnets(AtBlock<Vec<SubnetSummary>>),
    /// The answer to [`Request::Metagraph`] (boxed: a metagraph's header is large, the other
    /// answers small).
    Metagraph(AtBlock<Box<Metagraph>>),
    /// The answer to [`Request::HotkeyRegistrations`].
    HotkeyRegistrations(AtBlock<HotkeyRegistrations>),
    /// The answer to [`Request::StakeForColdkey`].
    StakeForColdkey(AtBlock<Vec<StakeEntry>>),
    /// The answer to [`Request::Delegates`].
    Delegates(AtBlock<Vec<Delegate>>),
    /// The answer to [`Request::NetworkTotals`].
    NetworkTotals(AtBlock<NetworkTotals>),
}

/// Core, running: owns the tokio runtime, the connection and the response queue.
pub struct CoreHandle {
    runtime: tokio::runtime::Runtime,
    supervisor: Arc<ChainSupervisor>,
    responses_tx: std_mpsc::Sender<(RequestId, Response)>,
    responses: std_mpsc::Receiver<(RequestId, Response)>,
    waker: Waker,
    next_id: RequestId,
}

/// Why core could not start.
#[derive(Debug, thiserror::Error)]
#[error("could not start the background worker: {0}")]
pub struct StartError(String);

impl CoreHandle {
    /// Starts core and begins connecting to `network`. `waker` is called from core's
    /// threads whenever there is something new to draw.
    pub fn start(network: Network, waker: Waker) -> Result<CoreHandle, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("taoscope-core")
            .enable_all()
            .build()
            .map_err(|e| StartError(e.to_string()))?;
        let supervisor = {
            let _guard = runtime.enter();
            Arc::new(ChainSupervisor::start(network, waker.clone()))
        };
        let (responses_tx, responses) = std_mpsc::channel();
        Ok(CoreHandle {
            runtime,
            supervisor,
            responses_tx,
            responses,
            waker,
            next_id: 1,
        })
    }

    /// The connection state now (cheap; read it every frame).
    pub fn connection(&self) -> ConnectionState {
        self.supervisor.state()
    }

    /// Connects to another network; the old connection is dropped.
    pub fn switch_network(&self, network: Network) {
        self.supervisor.switch_network(network);
    }

    /// Sends a request; its response arrives later through [`CoreHandle::poll`].
    pub fn send(&mut self, request: Request) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        let supervisor = self.supervisor.clone();
        let tx = self.responses_tx.clone();
        let waker = self.waker.clone();
        self.runtime.spawn(async move {
            let response = execute(&supervisor, request).await;
            let _ = tx.send((id, response));
            waker();
        });
        id
    }

    /// Every response that has arrived since the last call; never blocks.
    pub fn poll(&self) -> Vec<(RequestId, Response)> {
        self.responses.try_iter().collect()
    }
}

/// Pins the newest finalized block and runs `read` there; a connection problem tells the
/// supervisor, which reconnects.
async fn at_latest<T, F, Fut>(supervisor: &ChainSupervisor, read: F) -> AtBlock<T>
where
    F: FnOnce(PinnedBlock) -> Fut,
    Fut: std::future::Future<Output = Result<T, ChainError>>,
{
    let result = async {
        let at = supervisor.client()?.pin_latest().await?;
        let block = at.block().clone();
        Ok((block, read(at).await?))
    }
    .await;
    if let Err(e) = &result {
        supervisor.report_failure(e);
    }
    result
}

async fn execute(supervisor: &ChainSupervisor, request: Request) -> Response {
    match request {
        Request::Subnets => {
            Response::Subnets(at_latest(supervisor, |at| async move { at.subnets().await }).await)
        }
        Request::Metagraph { netuid } => Response::Metagraph(
            at_latest(supervisor, |at| async move {
                at.metagraph(netuid).await.map(Box::new)
            })
            .await,
        ),
        Request::HotkeyRegistrations { hotkey } => Response::HotkeyRegistrations(
            at_latest(supervisor, |at| async move {
                at.hotkey_registrations(&hotkey).await
            })
            .await,
        ),
        Request::StakeForColdkey { coldkey } => Response::StakeForColdkey(
            at_latest(supervisor, |at| async move {
                at.stake_for_coldkey(&coldkey).await
            })
            .await,
        ),
        Request::Delegates => Response::Delegates(
            at_latest(supervisor, |at| async move { at.delegates().await }).await,
        ),
        Request::NetworkTotals => Response::NetworkTotals(
            at_latest(supervisor, |at| async move { at.network_totals().await }).await,
        ),
        Request::ChainInfo => {
            let result = match supervisor.client() {
                Ok(client) => client.info().await,
                Err(e) => Err(e),
            };
            if let Err(e) = &result {
                supervisor.report_failure(e);
            }
            Response::ChainInfo(result)
        }
    }
}
