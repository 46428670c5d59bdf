//! The bridge between a UI thread and core: typed requests in, typed results out.
//!
//! Core runs on its own tokio runtime. The UI sends a [`Request`], never waits, and
//! each frame drains whatever [`Response`]s have arrived; the waker asks for a repaint
//! as soon as one does, so a slow or dead node never freezes a frame.

use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use crate::chain::{ChainError, ChainInfo, ChainSupervisor, ConnectionState, Waker};
use crate::network::Network;

/// Identifies a request so its response can be matched.
pub type RequestId = u64;

/// Something the UI asks core to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Read chain name, genesis, blocks and spec version.
    ChainInfo,
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The answer to [`Request::ChainInfo`].
    ChainInfo(Result<ChainInfo, ChainError>),
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

async fn execute(supervisor: &ChainSupervisor, request: Request) -> Response {
    match request {
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
