//! The bridge between a UI thread and core: typed requests in, typed results out.
//!
//! Core runs on its own tokio runtime. The UI sends a [`Request`], never waits, and
//! each frame drains whatever [`Response`]s have arrived; the waker asks for a repaint
//! as soon as one does, so a slow or dead node never freezes a frame.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::chain::{
    AccountKey, ChainError, ChainInfo, ChainSupervisor, ConnectionState, IssuanceObservation,
    PinnedBlock, Waker,
};
use crate::explorer::snapshot::Snapshot;
use crate::explorer::weights::WeightsAndBonds;
use crate::explorer::{
    Balance, BlockRef, Delegate, HotkeyRegistrations, Hyperparameters, Metagraph, NetworkTotals,
    Portfolio, StakeEntry, SubnetSummary,
};
use crate::keys::{AccountId, Keypair, Mnemonic};
use crate::network::Network;
use crate::tx::{Action, Journal, Prepared, Tolerance, TxError, TxStatus};
use crate::wallet::{Overwrite, Wallets};
use crate::whatif::{WhatIfJob, WhatIfOutcome};

/// Identifies a request so its response can be matched.
pub type RequestId = u64;

/// A password or recovery phrase in flight: zeroized when dropped, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    /// Wraps `text`; the caller's copy should be zeroized too.
    pub fn new(text: &str) -> SecretText {
        SecretText(Zeroizing::new(text.to_string()))
    }

    /// The secret itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(redacted)")
    }
}

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
    /// An account's TAO balance.
    Balance {
        /// The account's 32-byte key.
        account: AccountKey,
    },
    /// Every delegate.
    Delegates,
    /// Issuance, stake and subnet count.
    NetworkTotals,
    /// `TotalIssuance` at the newest block and `blocks_back` blocks before it (live only).
    IssuanceObservation {
        /// How far back the earlier read is.
        blocks_back: u64,
    },
    /// A subnet's stored weights and bonds (live only: snapshots do not hold them).
    WeightsAndBonds {
        /// The subnet.
        netuid: u16,
    },
    /// Run a subnet's epoch as read and with edits (CPU work, off the UI thread).
    WhatIf(Box<WhatIfJob>),
    /// One subnet's hyperparameters.
    Hyperparameters {
        /// The subnet.
        netuid: u16,
    },
    /// On-chain display names of these coldkeys (validators' owners), in one read.
    IdentityNames {
        /// The coldkeys' 32-byte keys.
        coldkeys: Vec<AccountKey>,
    },
    /// A coldkey's balance and stake positions valued in TAO.
    Portfolio {
        /// The coldkey's 32-byte key.
        coldkey: AccountKey,
    },
    /// Work on the wallets folder or the keychain.
    Wallet(WalletRequest),
    /// Quote, check, sign and send a transaction.
    Tx(TxRequest),
}

/// A transaction checked and quoted by [`TxRequest::Prepare`], shared between the review
/// screen and the submit request without copying the node's metadata.
///
/// Two handles are equal only when they are the same preparation: a quote from another
/// block is a different transaction even if the numbers match.
#[derive(Debug, Clone)]
pub struct PreparedTx {
    /// The checked, bounded and quoted action.
    pub prepared: Arc<Prepared>,
    /// Who must sign it (the nonce and the checks are this account's).
    pub signer: AccountId,
}

impl PartialEq for PreparedTx {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.prepared, &other.prepared) && self.signer == other.signer
    }
}

impl Eq for PreparedTx {}

/// Transaction work: quoting at the newest block, then unlocking, signing and sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxRequest {
    /// Read, bound, quote and check `action` for `signer` at the newest block.
    Prepare {
        /// What the user asked for.
        action: Action,
        /// The coldkey that will sign.
        signer: AccountId,
        /// How far the price may move against the user.
        tolerance: Tolerance,
        /// Put a price bound on stake moves (the default).
        guarded: bool,
    },
    /// Unlock the wallet's coldkey, sign `prepared` and send it once, reporting each status
    /// as a [`Response::TxProgress`] and the end as a [`Response::TxFinished`].
    Submit {
        /// The reviewed transaction.
        prepared: PreparedTx,
        /// The wallets folder.
        wallet_root: PathBuf,
        /// The wallet whose coldkey signs.
        wallet_name: String,
        /// Its password; `None` uses the OS keychain.
        password: Option<SecretText>,
    },
}

impl Request {
    /// Whether this reads the chain at a block, so its answer can be kept for that block.
    pub fn is_chain_read(&self) -> bool {
        // Transactions are never answered from a cache: a quote must be fresh and a
        // submission must reach the node.
        !matches!(
            self,
            Request::ChainInfo | Request::Wallet(_) | Request::Tx(_) | Request::WhatIf(_)
        )
    }
}

/// Wallet and keychain work; all of it blocks, so it runs on the blocking pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletRequest {
    /// List the wallets in a folder, with keychain status.
    List {
        /// The wallets folder.
        root: PathBuf,
    },
    /// Write a new wallet from recovery phrases (create and import both end here).
    Save {
        /// The wallets folder.
        root: PathBuf,
        /// Wallet name.
        name: String,
        /// The coldkey's recovery phrase.
        coldkey_phrase: SecretText,
        /// The default hotkey's recovery phrase, if any.
        hotkey_phrase: Option<SecretText>,
        /// The password that encrypts the coldkey.
        password: SecretText,
        /// Also keep the coldkey in the OS keychain.
        remember: bool,
    },
    /// Unlock a coldkey and keep its secret in the OS keychain.
    Remember {
        /// The wallets folder.
        root: PathBuf,
        /// Wallet name.
        name: String,
        /// Its password.
        password: SecretText,
    },
    /// Remove a wallet's secret from the OS keychain.
    Forget {
        /// The wallets folder.
        root: PathBuf,
        /// Wallet name.
        name: String,
    },
}

/// One hotkey as the Wallet page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotkeyView {
    /// File name.
    pub name: String,
    /// SS58 address, or why it could not be read.
    pub address: Result<String, String>,
}

/// One wallet as the Wallet page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletView {
    /// Folder name.
    pub name: String,
    /// Coldkey SS58 address, or why it could not be read.
    pub coldkey: Result<String, String>,
    /// Whether the encrypted coldkey file is present (false: watch-only).
    pub has_coldkey: bool,
    /// The hotkeys, or why they could not be read.
    pub hotkeys: Result<Vec<HotkeyView>, String>,
    /// Whether the OS keychain holds this coldkey.
    pub remembered: bool,
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
    /// The answer to [`Request::Metagraph`] (boxed: a metagraph dwarfs every other answer).
    Metagraph(AtBlock<Box<Metagraph>>),
    /// The answer to [`Request::HotkeyRegistrations`].
    HotkeyRegistrations(AtBlock<HotkeyRegistrations>),
    /// The answer to [`Request::StakeForColdkey`].
    StakeForColdkey(AtBlock<Vec<StakeEntry>>),
    /// The answer to [`Request::Balance`].
    Balance(AtBlock<Balance>),
    /// The answer to [`Request::Delegates`].
    Delegates(AtBlock<Vec<Delegate>>),
    /// The answer to [`Request::NetworkTotals`].
    NetworkTotals(AtBlock<NetworkTotals>),
    /// The answer to [`Request::IssuanceObservation`].
    IssuanceObservation(AtBlock<IssuanceObservation>),
    /// The answer to [`Request::WeightsAndBonds`] (boxed: up to n² cells).
    WeightsAndBonds(AtBlock<Box<WeightsAndBonds>>),
    /// The answer to [`Request::WhatIf`].
    WhatIf(Result<WhatIfOutcome, String>),
    /// The answer to [`Request::Hyperparameters`].
    Hyperparameters(AtBlock<Hyperparameters>),
    /// The answer to [`Request::Portfolio`].
    Portfolio(AtBlock<Portfolio>),
    /// The answer to [`Request::IdentityNames`]: SS58 coldkey → name, only those with one.
    IdentityNames(AtBlock<BTreeMap<String, String>>),
    /// The answer to [`WalletRequest::List`].
    Wallets(Result<Vec<WalletView>, String>),
    /// The answer to [`WalletRequest::Save`]: the new coldkey's address.
    WalletSaved(Result<String, String>),
    /// The answer to [`WalletRequest::Remember`] / [`WalletRequest::Forget`]: remembered now?
    Keychain {
        /// Wallet name.
        name: String,
        /// Whether the keychain now holds it, or what went wrong.
        result: Result<bool, String>,
    },
    /// The answer to [`TxRequest::Prepare`].
    TxPrepared(Result<PreparedTx, TxError>),
    /// A status of a transaction sent by [`TxRequest::Submit`]; several arrive per request.
    TxProgress {
        /// The submit request it belongs to.
        id: RequestId,
        /// Where the transaction stands now.
        status: TxStatus,
    },
    /// The last answer to [`TxRequest::Submit`]: the final status, or why it stopped.
    TxFinished(Result<TxStatus, TxError>),
}

impl Response {
    /// The block an explorer answer was read at; `None` for failures and other answers.
    pub fn block(&self) -> Option<&BlockRef> {
        match self {
            Response::Subnets(Ok((b, _)))
            | Response::Metagraph(Ok((b, _)))
            | Response::HotkeyRegistrations(Ok((b, _)))
            | Response::StakeForColdkey(Ok((b, _)))
            | Response::Delegates(Ok((b, _)))
            | Response::NetworkTotals(Ok((b, _)))
            | Response::Hyperparameters(Ok((b, _)))
            | Response::Portfolio(Ok((b, _)))
            | Response::IdentityNames(Ok((b, _))) => Some(b),
            _ => None,
        }
    }
}

/// Finalized blocks an answer is kept for after a newer one arrives: enough for a page that
/// lags a block behind, few enough that a metagraph per block does not pile up.
const CACHE_BLOCKS: u64 = 2;
/// Most answers kept at once.
const CACHE_ENTRIES: usize = 48;

/// Chain answers already read, keyed by (chain, block, request): flipping back to a page at
/// the same finalized block is answered from memory, with no request to the node.
#[derive(Default)]
struct AnswerCache {
    entries: Vec<(String, u64, Request, Response)>,
    /// Answers read before this block are stale: a transaction of ours landed there. The
    /// connection may not have seen that block finalized yet, so its head alone cannot
    /// tell an answer from before the transaction.
    floor: u64,
}

impl AnswerCache {
    fn get(&self, genesis: &str, block: u64, request: &Request) -> Option<Response> {
        if block < self.floor {
            return None;
        }
        self.entries
            .iter()
            .find(|(g, b, r, _)| g == genesis && *b == block && r == request)
            .map(|(_, _, _, response)| response.clone())
    }

    /// Our transaction changed the chain in block `block`: nothing read before it is reused.
    fn changed_at(&mut self, block: u64) {
        self.floor = self.floor.max(block);
        let floor = self.floor;
        self.entries.retain(|(_, b, ..)| *b >= floor);
    }

    fn put(&mut self, genesis: &str, block: u64, request: Request, response: Response) {
        if block < self.floor {
            return;
        }
        let newest = self
            .entries
            .iter()
            .filter(|(g, ..)| g == genesis)
            .map(|(_, b, ..)| *b)
            .fold(block, u64::max);
        // Another chain's answers, old blocks and the entry being replaced all go.
        self.entries.retain(|(g, b, r, _)| {
            g == genesis && b + CACHE_BLOCKS >= newest && !(*b == block && *r == request)
        });
        if block + CACHE_BLOCKS >= newest {
            self.entries
                .push((genesis.to_string(), block, request, response));
        }
        if self.entries.len() > CACHE_ENTRIES {
            let excess = self.entries.len() - CACHE_ENTRIES;
            self.entries.drain(..excess);
        }
    }
}

/// The chain (genesis hash) and newest finalized block the supervisor has seen, when live.
fn live_head(supervisor: &ChainSupervisor) -> Option<(String, u64)> {
    match supervisor.state() {
        ConnectionState::Live { info, .. } => Some((info.genesis_hash, info.finalized_block)),
        _ => None,
    }
}

/// Runs `request`, answering from `cache` when it was already read at the newest finalized
/// block, and keeping a fresh answer under the block it was read at. A transaction that
/// lands makes every answer read before its block stale.
async fn execute_cached(
    supervisor: &ChainSupervisor,
    cache: &Mutex<AnswerCache>,
    id: RequestId,
    request: Request,
    progress: &(dyn Fn(Response) + Sync),
) -> Response {
    if !request.is_chain_read() {
        let response = execute(supervisor, id, request, progress).await;
        if let Response::TxFinished(Ok(
            TxStatus::InBlock { block_number, .. } | TxStatus::Finalized { block_number, .. },
        )) = &response
            && let Ok(mut cache) = cache.lock()
        {
            cache.changed_at(*block_number);
        }
        return response;
    }
    if let Some((genesis, block)) = live_head(supervisor)
        && let Some(hit) = cache
            .lock()
            .ok()
            .and_then(|c| c.get(&genesis, block, &request))
    {
        return hit;
    }
    let response = execute(supervisor, id, request.clone(), progress).await;
    if let (Some((genesis, _)), Some(block)) = (live_head(supervisor), response.block())
        && let Ok(mut cache) = cache.lock()
    {
        cache.put(&genesis, block.number, request, response.clone());
    }
    response
}

/// The keychain entry name of a wallet: its folder, so equal names in two folders never clash.
pub fn keychain_id(root: &std::path::Path, name: &str) -> String {
    root.join(name).display().to_string()
}

/// Core, running: owns the tokio runtime, the connection and the response queue.
pub struct CoreHandle {
    runtime: tokio::runtime::Runtime,
    supervisor: Arc<ChainSupervisor>,
    snapshot: Arc<std::sync::RwLock<Option<Arc<Snapshot>>>>,
    cache: Arc<Mutex<AnswerCache>>,
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
            snapshot: Arc::default(),
            cache: Arc::default(),
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

    /// Answers explorer requests from `snapshot` instead of the node (None: back to live).
    pub fn use_snapshot(&self, snapshot: Option<Arc<Snapshot>>) {
        if let Ok(mut slot) = self.snapshot.write() {
            *slot = snapshot;
        }
    }

    /// The snapshot explorer requests are answered from, if any.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }

    /// Sends a request; its response arrives later through [`CoreHandle::poll`].
    pub fn send(&mut self, request: Request) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        let supervisor = self.supervisor.clone();
        let tx = self.responses_tx.clone();
        let waker = self.waker.clone();
        let snapshot = self.snapshot();
        let cache = self.cache.clone();
        self.runtime.spawn(async move {
            let progress = |response: Response| {
                let _ = tx.send((id, response));
                waker();
            };
            let response = match snapshot.and_then(|s| from_snapshot(&s, &request)) {
                Some(answer) => answer,
                None => execute_cached(&supervisor, &cache, id, request, &progress).await,
            };
            let _ = tx.send((id, response));
            waker();
        });
        id
    }

    /// The newest finalized block number the connection has seen; `None` unless live.
    /// Pages compare it frame to frame and reload when it moves.
    pub fn finalized_block(&self) -> Option<u64> {
        live_head(&self.supervisor).map(|(_, block)| block)
    }

    /// Every response that has arrived since the last call; never blocks.
    pub fn poll(&self) -> Vec<(RequestId, Response)> {
        self.responses.try_iter().collect()
    }
}

/// Answers `request`; a transaction submit also reports each status through `progress`.
async fn execute(
    supervisor: &ChainSupervisor,
    id: RequestId,
    request: Request,
    progress: &(dyn Fn(Response) + Sync),
) -> Response {
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
        Request::Balance { account } => Response::Balance(
            at_latest(supervisor, |at| async move { at.balance(&account).await }).await,
        ),
        Request::Delegates => Response::Delegates(
            at_latest(supervisor, |at| async move { at.delegates().await }).await,
        ),
        Request::NetworkTotals => Response::NetworkTotals(
            at_latest(supervisor, |at| async move { at.network_totals().await }).await,
        ),
        Request::IssuanceObservation { blocks_back } => Response::IssuanceObservation(
            at_latest(supervisor, |at| async move {
                at.issuance_observation(blocks_back).await
            })
            .await,
        ),
        Request::WeightsAndBonds { netuid } => Response::WeightsAndBonds(
            at_latest(supervisor, |at| async move {
                at.weights_and_bonds(netuid).await.map(Box::new)
            })
            .await,
        ),
        Request::WhatIf(job) => Response::WhatIf(
            tokio::task::spawn_blocking(move || {
                crate::whatif::run(&job).map_err(|e| e.to_string())
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string())),
        ),
        Request::Hyperparameters { netuid } => Response::Hyperparameters(
            at_latest(
                supervisor,
                |at| async move { at.hyperparameters(netuid).await },
            )
            .await,
        ),
        Request::IdentityNames { coldkeys } => Response::IdentityNames(
            at_latest(supervisor, |at| async move {
                let names = at.identity_names(&coldkeys).await?;
                Ok(names
                    .into_iter()
                    .map(|(key, name)| (crate::explorer::ss58::encode(&key), name))
                    .collect())
            })
            .await,
        ),
        Request::Portfolio { coldkey } => Response::Portfolio(
            at_latest(supervisor, |at| async move { at.portfolio(&coldkey).await }).await,
        ),
        Request::Wallet(work) => {
            // File I/O, the 512 MiB KDF and the keychain block: keep them off the async workers.
            tokio::task::spawn_blocking(move || execute_wallet(work))
                .await
                .unwrap_or_else(|e| Response::WalletSaved(Err(e.to_string())))
        }
        // Transactions always go to the node: `from_snapshot` never answers them.
        Request::Tx(work) => execute_tx(supervisor, id, work, progress).await,
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

/// The subnets a snapshot can show: its saved list, else one row per saved metagraph built
/// from that metagraph's own subnet facts (fields it lacks stay unknown, nothing is made up).
pub fn snapshot_subnets(snapshot: &Snapshot) -> Vec<SubnetSummary> {
    if let Ok(list) = snapshot.subnets() {
        return list.to_vec();
    }
    snapshot
        .metagraphs
        .iter()
        .map(|m| {
            let s = &m.subnet;
            SubnetSummary {
                netuid: m.netuid,
                name: s.name.clone().unwrap_or_default(),
                symbol: s.symbol.clone().unwrap_or_default(),
                owner_hotkey: s.owner_hotkey.clone().unwrap_or_default(),
                owner_coldkey: s.owner_coldkey.clone().unwrap_or_default(),
                tempo: s.tempo.unwrap_or_default(),
                last_step: 0,
                blocks_since_last_step: s.blocks_since_last_step.unwrap_or_default(),
                tao_in_rao: s.tao_in_rao.unwrap_or_default(),
                alpha_in: s.alpha_in.unwrap_or_default(),
                alpha_out: s.alpha_out.unwrap_or_default(),
                price_rao_per_alpha: None,
                moving_price_bits: None,
                tao_in_emission_rao: None,
                alpha_in_emission: Default::default(),
                alpha_out_emission: Default::default(),
                pending_alpha_emission: Default::default(),
                pending_root_emission_rao: Default::default(),
                subnet_volume: 0,
                network_registered_at: 0,
                registration_cost_rao: s.registration_cost_rao,
                identity: s.identity.clone(),
            }
        })
        .collect()
}

/// The answer to an explorer request from a snapshot; `None` for requests it cannot serve.
fn from_snapshot(snapshot: &Snapshot, request: &Request) -> Option<Response> {
    let block = snapshot.block.clone();
    let missing = |e: crate::explorer::snapshot::SnapshotError| ChainError::Snapshot {
        reason: e.to_string(),
    };
    match request {
        Request::Subnets => Some(Response::Subnets(Ok((block, snapshot_subnets(snapshot))))),
        Request::Metagraph { netuid } => Some(Response::Metagraph(
            snapshot
                .metagraph(*netuid)
                .map(|m| (block, Box::new(m.clone())))
                .map_err(missing),
        )),
        Request::NetworkTotals => Some(Response::NetworkTotals(
            snapshot
                .totals
                .clone()
                .map(|t| (block, t))
                .ok_or_else(|| ChainError::Snapshot {
                    reason: crate::i18n::tr("error.snapshot.no_totals"),
                }),
        )),
        Request::WeightsAndBonds { .. } => {
            Some(Response::WeightsAndBonds(Err(ChainError::Snapshot {
                reason: crate::i18n::tr("error.snapshot.no_weights"),
            })))
        }
        // A snapshot is one block: there is no second block to measure a rate between.
        Request::IssuanceObservation { .. } => {
            Some(Response::IssuanceObservation(Err(ChainError::Snapshot {
                reason: crate::i18n::tr("error.snapshot.no_rate"),
            })))
        }
        // A snapshot holds neither of these: say so at once instead of asking a node that
        // is not being shown.
        Request::Hyperparameters { .. } => {
            Some(Response::Hyperparameters(Err(ChainError::Snapshot {
                reason: crate::i18n::tr("error.snapshot.no_hyperparameters"),
            })))
        }
        Request::IdentityNames { .. } => Some(Response::IdentityNames(Err(ChainError::Snapshot {
            reason: crate::i18n::tr("error.snapshot.no_identities"),
        }))),
        Request::Portfolio { .. } => Some(Response::Portfolio(Err(ChainError::Snapshot {
            reason: crate::i18n::tr("error.snapshot.no_portfolio"),
        }))),
        _ => None,
    }
}

/// Pins the newest finalized block of the live connection and runs `read` there, returning
/// the value with its block; a connection problem also tells the supervisor, which reconnects.
async fn at_latest<T, F, Fut>(supervisor: &ChainSupervisor, read: F) -> AtBlock<T>
where
    F: FnOnce(PinnedBlock) -> Fut,
    Fut: std::future::Future<Output = Result<T, ChainError>>,
{
    let result = async {
        // A page opened at start-up asks before the first connection is up: wait for it.
        let client = supervisor
            .wait_for_client(crate::chain::CONNECT_TIMEOUT + std::time::Duration::from_secs(2))
            .await?;
        let at = client.pin_latest().await?;
        let block = at.block().clone();
        Ok((block, read(at).await?))
    }
    .await;
    if let Err(e) = &result {
        supervisor.report_failure(e);
    }
    result
}

fn execute_wallet(request: WalletRequest) -> Response {
    match request {
        WalletRequest::List { root } => Response::Wallets(list_wallets(&root)),
        WalletRequest::Save {
            root,
            name,
            coldkey_phrase,
            hotkey_phrase,
            password,
            remember,
        } => Response::WalletSaved(save_wallet(
            &root,
            &name,
            &coldkey_phrase,
            hotkey_phrase.as_ref(),
            &password,
            remember,
        )),
        WalletRequest::Remember {
            root,
            name,
            password,
        } => {
            let result = Wallets::new(&root)
                .existing(&name)
                .and_then(|w| w.unlock_coldkey(password.expose()))
                .map_err(|e| e.to_string())
                .and_then(|pair| remember(&root, &name, &pair));
            Response::Keychain { name, result }
        }
        WalletRequest::Forget { root, name } => {
            let result = crate::keychain::forget(&keychain_id(&root, &name))
                .map(|()| false)
                .map_err(|e| e.to_string());
            Response::Keychain { name, result }
        }
    }
}

fn remember(
    root: &std::path::Path,
    name: &str,
    pair: &crate::keys::Keypair,
) -> Result<bool, String> {
    let seed = pair
        .secret_seed()
        .ok_or_else(|| crate::i18n::tr("wallet.no_seed_to_remember"))?;
    crate::keychain::remember(&keychain_id(root, name), seed)
        .map(|()| true)
        .map_err(|e| e.to_string())
}

fn list_wallets(root: &std::path::Path) -> Result<Vec<WalletView>, String> {
    let summaries = Wallets::new(root).list().map_err(|e| e.to_string())?;
    Ok(summaries
        .into_iter()
        .map(|w| {
            let remembered = matches!(
                crate::keychain::recall(&keychain_id(root, &w.name)),
                Ok(Some(_))
            );
            WalletView {
                coldkey: w.coldkey.map(|a| a.to_ss58()).map_err(|e| e.to_string()),
                has_coldkey: w.has_coldkey,
                hotkeys: w
                    .hotkeys
                    .map(|list| {
                        list.into_iter()
                            .map(|h| HotkeyView {
                                name: h.name,
                                address: h.address.map(|a| a.to_ss58()).map_err(|e| e.to_string()),
                            })
                            .collect()
                    })
                    .map_err(|e| e.to_string()),
                name: w.name,
                remembered,
            }
        })
        .collect())
}

fn save_wallet(
    root: &std::path::Path,
    name: &str,
    coldkey_phrase: &SecretText,
    hotkey_phrase: Option<&SecretText>,
    password: &SecretText,
    remember_it: bool,
) -> Result<String, String> {
    let coldkey = Mnemonic::parse(coldkey_phrase.expose()).map_err(|e| e.to_string())?;
    let hotkey = hotkey_phrase
        .map(|p| Mnemonic::parse(p.expose()))
        .transpose()
        .map_err(|e| e.to_string())?;
    let wallets = Wallets::new(root);
    let wallet = wallets
        .import(
            name,
            &coldkey,
            password.expose(),
            hotkey.as_ref(),
            Overwrite::Refuse,
        )
        .map_err(|e| e.to_string())?;
    let address = wallet.coldkeypub().map_err(|e| e.to_string())?.to_ss58();
    if remember_it {
        let pair = crate::keys::Keypair::from_mnemonic(&coldkey).map_err(|e| e.to_string())?;
        remember(root, name, &pair)?;
    }
    Ok(address)
}

/// Runs transaction work; a submit's intermediate statuses go out through `progress`.
async fn execute_tx(
    supervisor: &ChainSupervisor,
    id: RequestId,
    work: TxRequest,
    progress: &(dyn Fn(Response) + Sync),
) -> Response {
    match work {
        TxRequest::Prepare {
            action,
            signer,
            tolerance,
            guarded,
        } => {
            let result = async {
                let client = supervisor
                    .wait_for_client(
                        crate::chain::CONNECT_TIMEOUT + std::time::Duration::from_secs(2),
                    )
                    .await
                    .map_err(|e| {
                        supervisor.report_failure(&e);
                        TxError::Chain(e.to_string())
                    })?;
                let pinned = client.pin_latest().await.map_err(|e| {
                    supervisor.report_failure(&e);
                    TxError::Chain(e.to_string())
                })?;
                crate::tx::prepare(&pinned, action, signer, tolerance, guarded).await
            }
            .await;
            Response::TxPrepared(result.map(|prepared| PreparedTx {
                prepared: Arc::new(prepared),
                signer,
            }))
        }
        TxRequest::Submit {
            prepared,
            wallet_root,
            wallet_name,
            password,
        } => {
            let result = submit(
                supervisor,
                prepared,
                wallet_root,
                wallet_name,
                password,
                |status| {
                    progress(Response::TxProgress {
                        id,
                        status: status.clone(),
                    })
                },
            )
            .await;
            Response::TxFinished(result)
        }
    }
}

/// Unlocks, signs and sends once. The password is dropped (and so zeroized) as soon as the
/// key is open, and the key as soon as the transaction is signed.
async fn submit(
    supervisor: &ChainSupervisor,
    prepared: PreparedTx,
    wallet_root: PathBuf,
    wallet_name: String,
    password: Option<SecretText>,
    on_status: impl FnMut(&TxStatus),
) -> Result<TxStatus, TxError> {
    let journal = Journal::default_location().ok_or_else(|| TxError::Journal {
        path: String::new(),
        reason: crate::i18n::tr("txui.service.no_config_dir"),
    })?;
    // The KDF and the keychain block: off the async workers.
    let keypair =
        tokio::task::spawn_blocking(move || unlock_signer(&wallet_root, &wallet_name, password))
            .await
            .map_err(|e| TxError::Key(e.to_string()))??;
    if keypair.account_id() != prepared.signer {
        return Err(TxError::Key(crate::i18n::tr("txui.service.wrong_signer")));
    }
    let client = supervisor
        .client()
        .map_err(|e| TxError::Chain(e.to_string()))?;
    let key = crate::tx::key_for_signing(&client, &prepared.prepared).await?;
    let outgoing = crate::tx::sign_prepared(&prepared.prepared, &keypair, key.as_ref())?;
    drop(keypair);
    let spec = prepared.prepared.action.call_spec();
    let call = format!("{}.{}", spec.pallet, spec.call);
    outgoing
        .submit_and_watch(
            &client,
            &journal,
            &call,
            prepared.prepared.context.era_block_number,
            on_status,
        )
        .await
}

/// The wallet's coldkey: from the OS keychain when it holds it, else opened with
/// `password`. A wrong password is the wallet's own plain message.
fn unlock_signer(
    root: &std::path::Path,
    name: &str,
    password: Option<SecretText>,
) -> Result<Keypair, TxError> {
    if password.is_none()
        && let Ok(Some(seed)) = crate::keychain::recall(&keychain_id(root, name))
    {
        return Ok(Keypair::from_seed(&seed));
    }
    let Some(password) = password else {
        return Err(TxError::Key(crate::i18n::tr("txui.service.needs_password")));
    };
    let result = Wallets::new(root)
        .existing(name)
        .and_then(|w| w.unlock_coldkey(password.expose()))
        .map_err(|e| TxError::Key(e.to_string()));
    drop(password);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explorer::Rao;

    /// After our transaction lands in block 11, the answer cached at block 10 is not
    /// reused (the connection may still report 10 as its head), and a late answer read at
    /// 10 is not stored; answers from 11 on are cached as before.
    #[test]
    fn a_landed_transaction_makes_earlier_answers_stale() {
        let request = Request::Balance { account: [7; 32] };
        let answer = Response::TxFinished(Err(TxError::SameSubnet));
        let mut cache = AnswerCache::default();
        cache.put("g", 10, request.clone(), answer.clone());
        assert!(cache.get("g", 10, &request).is_some());
        cache.changed_at(11);
        assert!(cache.get("g", 10, &request).is_none());
        cache.put("g", 10, request.clone(), answer.clone());
        assert!(cache.get("g", 10, &request).is_none());
        cache.put("g", 11, request.clone(), answer);
        assert!(cache.get("g", 11, &request).is_some());
    }
    use crate::tx::{ChainContext, Quote};

    const ALICE_NACL: &str = "5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1";
    const PASSWORD: &str = "correct horse battery staple";

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
    }

    /// A wallets folder holding a copy of the alice-nacl vector wallet.
    fn wallets() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let from = fixtures().join("vectors/keys/wallets/alice-nacl");
        let to = dir.path().join("alice-nacl");
        std::fs::create_dir_all(to.join("hotkeys")).expect("dir");
        for name in ["coldkey", "coldkeypub.txt"] {
            std::fs::copy(from.join(name), to.join(name)).expect("copy");
        }
        dir
    }

    /// A transfer prepared for `signer` against the spec-393 metadata (no node involved).
    fn prepared(signer: AccountId) -> PreparedTx {
        let metadata = std::fs::read(fixtures().join("fixtures/finney-metadata/metadata.scale"))
            .expect("metadata");
        let context = ChainContext {
            metadata: ChainContext::decode_metadata(&metadata).expect("decode"),
            genesis_hash: [1; 32],
            spec_version: 393,
            transaction_version: 1,
            era_block_number: 100,
            era_block_hash: [2; 32],
            nonce: 0,
        };
        let bob = Keypair::from_uri("//Bob").expect("bob").account_id();
        PreparedTx {
            prepared: Arc::new(Prepared {
                action: Action::Transfer {
                    dest: bob,
                    amount: Rao(1_000_000_000),
                    allow_death: false,
                },
                context,
                quote: Quote::default(),
                warnings: Vec::new(),
                balance: Balance {
                    free_rao: Rao(5_000_000_000),
                    reserved_rao: Rao(0),
                    frozen_rao: Rao(0),
                    nonce: 0,
                },
                block_number: 100,
                shield: None,
            }),
            signer,
        }
    }

    /// Core on a closed port: anything that tried to reach a node would fail to connect.
    fn offline_core() -> CoreHandle {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let network = Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
        CoreHandle::start(network, Arc::new(|| {})).expect("core")
    }

    /// Every response to `id` until its `TxFinished`.
    fn until_finished(core: &CoreHandle, id: RequestId) -> Vec<Response> {
        let started = std::time::Instant::now();
        let mut seen = Vec::new();
        loop {
            for (got, response) in core.poll() {
                if got == id {
                    let done = matches!(response, Response::TxFinished(_));
                    seen.push(response);
                    if done {
                        return seen;
                    }
                }
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(120),
                "no TxFinished"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn submit(
        core: &mut CoreHandle,
        root: &std::path::Path,
        tx: PreparedTx,
        password: Option<&str>,
    ) -> Vec<Response> {
        let id = core.send(Request::Tx(TxRequest::Submit {
            prepared: tx,
            wallet_root: root.to_path_buf(),
            wallet_name: "alice-nacl".into(),
            password: password.map(SecretText::new),
        }));
        until_finished(core, id)
    }

    #[test]
    fn a_wrong_password_is_a_plain_error_and_nothing_is_sent() {
        let dir = wallets();
        let mut core = offline_core();
        let alice = AccountId::from_ss58(ALICE_NACL).expect("address");
        let answers = submit(
            &mut core,
            dir.path(),
            prepared(alice),
            Some("not the password"),
        );
        assert_eq!(
            answers,
            vec![Response::TxFinished(Err(TxError::Key(crate::i18n::tr(
                "error.keyfile.wrong_password"
            ))))],
            "one plain error, no progress: nothing was submitted"
        );
    }

    #[test]
    fn a_key_that_is_not_the_prepared_signer_never_signs() {
        let dir = wallets();
        let mut core = offline_core();
        // Prepared for Bob (his nonce and checks), but the wallet opens to Alice's key.
        let bob = Keypair::from_uri("//Bob").expect("bob").account_id();
        let answers = submit(&mut core, dir.path(), prepared(bob), Some(PASSWORD));
        assert_eq!(
            answers,
            vec![Response::TxFinished(Err(TxError::Key(crate::i18n::tr(
                "txui.service.wrong_signer"
            ))))]
        );
    }

    #[test]
    fn prepared_handles_are_equal_only_to_the_same_preparation() {
        let alice = AccountId::from_ss58(ALICE_NACL).expect("address");
        let one = prepared(alice);
        let copy = one.clone();
        assert_eq!(one, copy);
        assert_ne!(one, prepared(alice), "same numbers, another preparation");
        let debug = format!("{:?}", SecretText::new(PASSWORD));
        assert!(!debug.contains("horse"), "{debug}");
    }
}
