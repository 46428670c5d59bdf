//! A scripted JSON-RPC node for transaction tests: a WebSocket server on loopback whose
//! every answer comes from a test's handler, including subscriptions with a chosen list
//! of notifications and a socket that drops at a chosen moment. The recording has no
//! transactions, so submission and status tracking are tested against this instead.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::replay::ReplayError;

/// What the node does with one request.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Answer with this result.
    Result(Value),
    /// Answer with a JSON-RPC error.
    Error {
        /// Error code.
        code: i64,
        /// Error text.
        message: String,
    },
    /// Open a subscription and send these notifications; then keep the socket open, or
    /// close it without a word (a node that goes away mid-flight).
    Subscribe {
        /// The notification method, e.g. "author_extrinsicUpdate".
        notify_method: String,
        /// The notifications' results, in order.
        items: Vec<Value>,
        /// Drop the connection after the last one.
        then_drop: bool,
    },
    /// The handler has no answer (a JSON-RPC "method not found" error).
    Unknown,
}

/// Every request received: method and params, in order.
type CallLog = Arc<Mutex<Vec<(String, Vec<Value>)>>>;

/// The handler: method and params in, what to do out.
pub type Handler = dyn Fn(&str, &[Value]) -> Scripted + Send + Sync;

/// A running scripted node. Dropping it stops it.
pub struct ScriptedPeer {
    addr: SocketAddr,
    calls: CallLog,
    accept_task: JoinHandle<()>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl ScriptedPeer {
    /// Starts a node on a free loopback port that answers with `handler`.
    pub async fn start(
        handler: impl Fn(&str, &[Value]) -> Scripted + Send + Sync + 'static,
    ) -> Result<ScriptedPeer, ReplayError> {
        Self::start_on(0, handler).await
    }

    /// Starts a node on loopback port `port` (0: any free one) that answers with `handler`.
    pub async fn start_on(
        port: u16,
        handler: impl Fn(&str, &[Value]) -> Scripted + Send + Sync + 'static,
    ) -> Result<ScriptedPeer, ReplayError> {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| ReplayError::Listen(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ReplayError::Listen(e.to_string()))?;
        let calls: CallLog = Arc::default();
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (accept_calls, accept_connections) = (calls.clone(), connections.clone());
        let accept_task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let task = tokio::spawn(serve(stream, handler.clone(), accept_calls.clone()));
                if let Ok(mut list) = accept_connections.lock() {
                    list.retain(|t| !t.is_finished());
                    list.push(task);
                }
            }
        });
        Ok(ScriptedPeer {
            addr,
            calls,
            accept_task,
            connections,
        })
    }

    /// The `ws://127.0.0.1:PORT` URL.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Every request so far: method and params, in order.
    pub fn calls(&self) -> Vec<(String, Vec<Value>)> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// How many requests for `method` arrived.
    pub fn count(&self, method: &str) -> usize {
        self.calls().iter().filter(|(m, _)| m == method).count()
    }
}

impl Drop for ScriptedPeer {
    fn drop(&mut self) {
        self.accept_task.abort();
        if let Ok(mut list) = self.connections.lock() {
            for task in list.drain(..) {
                task.abort();
            }
        }
    }
}

async fn serve(stream: TcpStream, handler: Arc<Handler>, calls: CallLog) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let mut next_subscription = 1u64;
    while let Some(Ok(message)) = ws.next().await {
        let text = match message {
            Message::Text(text) => text.to_string(),
            Message::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Message::Close(_) => return,
            _ => continue,
        };
        let Ok(request) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let requests = match request {
            Value::Array(batch) => batch,
            single => vec![single],
        };
        for req in requests {
            let method = req
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let id = req.get("id").cloned().unwrap_or(Value::Null);
            let params = match req.get("params") {
                Some(Value::Array(p)) => p.clone(),
                _ => Vec::new(),
            };
            if let Ok(mut c) = calls.lock() {
                c.push((method.clone(), params.clone()));
            }
            let reply = match handler(&method, &params) {
                Scripted::Result(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Scripted::Error { code, message } => {
                    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
                }
                Scripted::Unknown => json!({"jsonrpc": "2.0", "id": id, "error": {
                    "code": -32601, "message": format!("scripted peer: no answer for {method}")
                }}),
                Scripted::Subscribe {
                    notify_method,
                    items,
                    then_drop,
                } => {
                    let sub = format!("sub-{next_subscription}");
                    next_subscription += 1;
                    let open = json!({"jsonrpc": "2.0", "id": id, "result": sub});
                    if ws.send(Message::text(open.to_string())).await.is_err() {
                        return;
                    }
                    for item in items {
                        let note = json!({"jsonrpc": "2.0", "method": notify_method,
                            "params": {"subscription": sub, "result": item}});
                        if ws.send(Message::text(note.to_string())).await.is_err() {
                            return;
                        }
                    }
                    if then_drop {
                        return;
                    }
                    continue;
                }
            };
            if ws.send(Message::text(reply.to_string())).await.is_err() {
                return;
            }
        }
    }
}

/// A small chain for the scripted node: the spec-393 finney metadata, a head, and storage
/// and runtime-API answers encoded against the metadata's own types, so the client under
/// test decodes them exactly as it decodes a real node's.
pub struct ScriptedChain {
    /// The runtime metadata served and used for encoding.
    pub metadata: subxt::metadata::ArcMetadata,
    metadata_bytes: Vec<u8>,
    /// Best block number.
    pub best: u64,
    /// Finalized block number.
    pub finalized: u64,
    storage: std::collections::HashMap<Vec<u8>, Vec<u8>>,
    api: Vec<(String, Option<Vec<u8>>, Vec<u8>)>,
    extrinsics: std::collections::HashMap<u64, Vec<String>>,
    events: std::collections::HashMap<u64, Vec<u8>>,
    events_key: Vec<u8>,
    /// What `author_submitAndWatchExtrinsic` does.
    pub submission: Scripted,
    /// The block a submitted extrinsic lands in (after block 0's inherent), if any.
    pub submitted_lands_in: Option<u64>,
    submitted: Mutex<Vec<String>>,
    /// A subnet pool that `sim_swap_tao_for_alpha` quotes from, for any amount asked.
    pub pool: Option<SwapPool>,
    /// (coldkey, hotkey): once a transaction is submitted, this coldkey's stake info holds
    /// the alpha the pool last quoted, on this hotkey (a stake the node "ran").
    pub credit_stake: Option<([u8; 32], [u8; 32])>,
    last_quote: Mutex<Option<(u16, u64)>>,
}

/// A subnet's constant-product pool as the scripted node quotes from it: the answer to
/// `sim_swap_tao_for_alpha` is worked out from the amount asked, as the node's own is.
#[derive(Debug, Clone, Copy)]
pub struct SwapPool {
    /// The subnet.
    pub netuid: u16,
    /// TAO in the pool, rao.
    pub tao_in: u64,
    /// Alpha in the pool, units.
    pub alpha_in: u64,
    /// The swap fee as a fraction of 65,535 (the chain's default is 33, about 0.05%).
    pub fee_rate: u16,
}

impl SwapPool {
    /// Buying alpha with `tao` rao: (tao in, alpha out, tao fee, alpha slippage), where
    /// slippage is the alpha lost to the pool's curve against the spot price.
    pub fn buy(&self, tao: u64) -> (u64, u64, u64, u64) {
        let fee = u128::from(tao) * u128::from(self.fee_rate) / 65_535;
        let net = u128::from(tao).saturating_sub(fee);
        let (tao_in, alpha_in) = (u128::from(self.tao_in), u128::from(self.alpha_in));
        let out = (alpha_in * net)
            .checked_div(tao_in + net)
            .unwrap_or_default();
        let ideal = (alpha_in * net).checked_div(tao_in).unwrap_or_default();
        let clamp = |v: u128| u64::try_from(v).unwrap_or(u64::MAX);
        (
            tao,
            clamp(out),
            clamp(fee),
            clamp(ideal.saturating_sub(out)),
        )
    }

    /// Spot price, rao per alpha.
    pub fn price_rao_per_alpha(&self) -> u64 {
        let price = (u128::from(self.tao_in) * 1_000_000_000)
            .checked_div(u128::from(self.alpha_in))
            .unwrap_or_default();
        u64::try_from(price).unwrap_or(u64::MAX)
    }
}

/// Why a scripted value could not be set.
pub type ScriptError = String;

const HASH_BASE: u64 = 0xb10c_0000;

impl ScriptedChain {
    /// A chain at block `head` (best = finalized) serving `metadata_bytes` (spec 393).
    pub fn new(metadata_bytes: Vec<u8>, head: u64) -> Result<ScriptedChain, ScriptError> {
        let metadata = subxt::metadata::Metadata::decode_from(&metadata_bytes[..])
            .map(std::sync::Arc::new)
            .map_err(|e| e.to_string())?;
        let events_key = subxt::ext::frame_decode::storage::encode_storage_key(
            "System",
            "Events",
            (),
            &*metadata,
            metadata.types(),
        )
        .map_err(|e| e.to_string())?;
        Ok(ScriptedChain {
            metadata,
            metadata_bytes,
            best: head,
            finalized: head,
            storage: Default::default(),
            api: Vec::new(),
            extrinsics: Default::default(),
            events: Default::default(),
            events_key,
            submission: Scripted::Unknown,
            submitted_lands_in: None,
            submitted: Mutex::new(Vec::new()),
            pool: None,
            credit_stake: None,
            last_quote: Mutex::new(None),
        })
    }

    /// The hash this chain gives block `n`.
    pub fn block_hash(n: u64) -> String {
        format!("0x{:064x}", HASH_BASE + n)
    }

    fn block_number(hash: &str) -> Option<u64> {
        u64::from_str_radix(hash.trim_start_matches("0x"), 16)
            .ok()
            .and_then(|h| h.checked_sub(HASH_BASE))
    }

    fn encode(&self, type_id: u32, value: &scale_value::Value) -> Result<Vec<u8>, ScriptError> {
        let mut out = Vec::new();
        scale_value::scale::encode_as_type(value, type_id, self.metadata.types(), &mut out)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// Stores `value` at `pallet.item(keys)`, encoded as the item's type.
    pub fn set_storage(
        &mut self,
        pallet: &str,
        item: &str,
        keys: impl subxt::ext::frame_decode::storage::IntoEncodableValues,
        value: &scale_value::Value,
    ) -> Result<(), ScriptError> {
        let key = subxt::ext::frame_decode::storage::encode_storage_key(
            pallet,
            item,
            keys,
            &*self.metadata,
            self.metadata.types(),
        )
        .map_err(|e| e.to_string())?;
        let type_id = self
            .metadata
            .pallet_by_name(pallet)
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name(item))
            .map(|e| e.value_ty())
            .ok_or_else(|| format!("no storage item {pallet}.{item}"))?;
        let bytes = self.encode(type_id, value)?;
        self.storage.insert(key, bytes);
        Ok(())
    }

    /// Answers `api_method(args)` (any args when `None`) with `value`, encoded as the
    /// method's output type.
    pub fn set_api(
        &mut self,
        api: &str,
        method: &str,
        args: Option<&[u8]>,
        value: &scale_value::Value,
    ) -> Result<(), ScriptError> {
        let type_id = self
            .metadata
            .runtime_api_trait_by_name(api)
            .and_then(|t| t.method_by_name(method))
            .map(|m| m.output_ty())
            .ok_or_else(|| format!("no runtime API {api}_{method}"))?;
        let bytes = self.encode(type_id, value)?;
        self.api
            .push((format!("{api}_{method}"), args.map(<[u8]>::to_vec), bytes));
        Ok(())
    }

    /// The pool's answer to `sim_swap_tao_for_alpha(netuid, tao)`, encoded; `None` for
    /// another subnet or arguments that do not decode.
    fn quote_buy(&self, mut args: &[u8]) -> Option<Vec<u8>> {
        use parity_scale_codec::Decode;
        let pool = self.pool?;
        let (netuid, tao) = <(u16, u64)>::decode(&mut args).ok()?;
        if netuid != pool.netuid {
            return None;
        }
        let (tao, alpha, tao_fee, slippage) = pool.buy(tao);
        if let Ok(mut last) = self.last_quote.lock() {
            *last = Some((netuid, alpha));
        }
        let type_id = self
            .metadata
            .runtime_api_trait_by_name("SwapRuntimeApi")
            .and_then(|t| t.method_by_name("sim_swap_tao_for_alpha"))
            .map(|m| m.output_ty())?;
        self.encode(type_id, &values::sim_swap(tao, alpha, tao_fee, slippage))
            .ok()
    }

    /// The stake info of `credit_stake`'s coldkey once something was submitted: the last
    /// quoted alpha on its hotkey. `None` before a submit or for another coldkey.
    fn credited(&self, args: &[u8]) -> Option<Vec<u8>> {
        use scale_value::Value as V;
        let (coldkey, hotkey) = self.credit_stake?;
        if args != coldkey.as_slice() || self.submitted.lock().ok()?.is_empty() {
            return None;
        }
        let (netuid, alpha) = (*self.last_quote.lock().ok()?)?;
        let output = self
            .api_output("StakeInfoRuntimeApi", "get_stake_info_for_coldkey")
            .ok()?;
        let types = self.metadata.types();
        let entry = values::shaped(types, values::inner(types, output)?, &|field| match field {
            "hotkey" => Some(values::account(&hotkey)),
            "coldkey" => Some(values::account(&coldkey)),
            "netuid" => Some(V::u128(u128::from(netuid))),
            "stake" => Some(V::u128(u128::from(alpha))),
            "is_registered" => Some(V::bool(true)),
            _ => None,
        });
        self.encode(output, &V::unnamed_composite([entry])).ok()
    }

    /// The output type of runtime API `api_method`.
    fn api_output(&self, api: &str, method: &str) -> Result<u32, ScriptError> {
        self.metadata
            .runtime_api_trait_by_name(api)
            .and_then(|t| t.method_by_name(method))
            .map(|m| m.output_ty())
            .ok_or_else(|| format!("no runtime API {api}_{method}"))
    }

    /// Publishes `key` as `MevShield.NextKey`, the key shielded transactions encrypt to.
    pub fn publish_shield_key(&mut self, key: &[u8]) -> Result<(), ScriptError> {
        self.set_storage(
            "MevShield",
            "NextKey",
            (),
            &scale_value::Value::from_bytes(key),
        )
    }

    /// Puts an extrinsic (`0x`-hex) into block `n`, after one unrelated extrinsic.
    pub fn include(&mut self, n: u64, extrinsic_hex: String) {
        self.extrinsics.entry(n).or_default().push(extrinsic_hex);
    }

    /// Sets block `n`'s `System.Events` (a list of event records as a value).
    pub fn set_events(&mut self, n: u64, records: &scale_value::Value) -> Result<(), ScriptError> {
        let type_id = self
            .metadata
            .pallet_by_name("System")
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name("Events"))
            .map(|e| e.value_ty())
            .ok_or("no System.Events")?;
        let bytes = self.encode(type_id, records)?;
        self.events.insert(n, bytes);
        Ok(())
    }

    fn header(n: u64) -> Value {
        json!({
            "parentHash": Self::block_hash(n.saturating_sub(1)),
            "number": format!("0x{n:x}"),
            "stateRoot": format!("0x{}", "11".repeat(32)),
            "extrinsicsRoot": format!("0x{}", "22".repeat(32)),
            "digest": {"logs": []}
        })
    }

    fn at_block(&self, param: Option<&Value>) -> u64 {
        param
            .and_then(Value::as_str)
            .and_then(Self::block_number)
            .unwrap_or(self.best)
    }

    /// The answer to one request, as a node with this state would give it.
    pub fn answer(&self, method: &str, params: &[Value]) -> Scripted {
        use parity_scale_codec::Encode;
        let hex = |bytes: &[u8]| json!(format!("0x{}", hex::encode(bytes)));
        let first = params.first();
        match method {
            "chain_getBlockHash" => match first.and_then(Value::as_u64) {
                Some(0) => Scripted::Result(json!(crate::network::FINNEY_GENESIS_HASH)),
                Some(n) if n <= self.best => Scripted::Result(json!(Self::block_hash(n))),
                Some(_) => Scripted::Result(Value::Null),
                None => Scripted::Result(json!(Self::block_hash(self.best))),
            },
            "chain_getFinalizedHead" | "chain_getFinalisedHead" => {
                Scripted::Result(json!(Self::block_hash(self.finalized)))
            }
            "chain_getHeader" => Scripted::Result(Self::header(self.at_block(first))),
            "chain_getBlock" => {
                let n = self.at_block(first);
                // Every block opens with the timestamp inherent, as on the real chain.
                let mut list = vec![json!("0x280402000b00000000000000")];
                list.extend(
                    self.extrinsics
                        .get(&n)
                        .into_iter()
                        .flatten()
                        .map(|x| json!(x)),
                );
                if self.submitted_lands_in == Some(n)
                    && let Ok(submitted) = self.submitted.lock()
                {
                    list.extend(submitted.iter().map(|x| json!(x)));
                }
                Scripted::Result(json!({
                    "block": {"header": Self::header(n), "extrinsics": list},
                    "justifications": null
                }))
            }
            "state_getRuntimeVersion" | "chain_getRuntimeVersion" => Scripted::Result(json!({
                "specName": "node-subtensor", "implName": "node-subtensor",
                "authoringVersion": 1, "specVersion": 393, "implVersion": 1, "apis": [],
                "transactionVersion": 1, "systemVersion": 1, "stateVersion": 1
            })),
            "state_getMetadata" => Scripted::Result(hex(&self.metadata_bytes)),
            "state_call" => {
                let name = first.and_then(Value::as_str).unwrap_or("");
                let args = params
                    .get(1)
                    .and_then(Value::as_str)
                    .and_then(|a| hex::decode(a.trim_start_matches("0x")).ok())
                    .unwrap_or_default();
                match name {
                    "Core_version" => Scripted::Result(hex(&(
                        "node-subtensor".to_string(),
                        "node-subtensor".to_string(),
                        1u32,
                        393u32,
                        1u32,
                        Vec::<([u8; 8], u32)>::new(),
                        1u32,
                        1u8,
                    )
                        .encode())),
                    "Metadata_metadata_versions" => {
                        Scripted::Result(hex(&vec![14u32, 15, 16].encode()))
                    }
                    "Metadata_metadata_at_version" => {
                        Scripted::Result(hex(&Some(self.metadata_bytes.clone()).encode()))
                    }
                    "StakeInfoRuntimeApi_get_stake_info_for_coldkey"
                        if let Some(bytes) = self.credited(&args) =>
                    {
                        Scripted::Result(hex(&bytes))
                    }
                    "SwapRuntimeApi_sim_swap_tao_for_alpha" if self.pool.is_some() => self
                        .quote_buy(&args)
                        .map_or(Scripted::Unknown, |b| Scripted::Result(hex(&b))),
                    _ => self
                        .api
                        .iter()
                        .rev()
                        .find(|(m, a, _)| m == name && a.as_ref().is_none_or(|a| *a == args))
                        .map_or(Scripted::Unknown, |(_, _, answer)| {
                            Scripted::Result(hex(answer))
                        }),
                }
            }
            "state_getStorage" | "state_getStorageAt" => {
                let key = first
                    .and_then(Value::as_str)
                    .and_then(|k| hex::decode(k.trim_start_matches("0x")).ok())
                    .unwrap_or_default();
                if key == self.events_key {
                    let n = self.at_block(params.get(1));
                    return Scripted::Result(self.events.get(&n).map_or(Value::Null, |e| hex(e)));
                }
                Scripted::Result(self.storage.get(&key).map_or(Value::Null, |v| hex(v)))
            }
            // Map reads (`IsNetworkMember`, `Burn` …): the stored keys under a prefix, a page
            // at a time after `start`, then their values in one change set.
            "state_getKeysPaged" => {
                let unhex = |v: Option<&Value>| {
                    v.and_then(Value::as_str)
                        .and_then(|k| hex::decode(k.trim_start_matches("0x")).ok())
                };
                let prefix = unhex(first).unwrap_or_default();
                let count = params
                    .get(1)
                    .and_then(Value::as_u64)
                    .and_then(|c| usize::try_from(c).ok())
                    .unwrap_or(usize::MAX);
                let start = unhex(params.get(2));
                let mut keys: Vec<&Vec<u8>> = self
                    .storage
                    .keys()
                    .filter(|k| k.starts_with(&prefix) && start.as_ref().is_none_or(|s| *k > s))
                    .collect();
                keys.sort();
                keys.truncate(count);
                Scripted::Result(Value::Array(keys.into_iter().map(|k| hex(k)).collect()))
            }
            "state_queryStorageAt" => {
                let changes: Vec<Value> = first
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|key| {
                        let value = hex::decode(key.trim_start_matches("0x"))
                            .ok()
                            .and_then(|k| self.storage.get(&k))
                            .map_or(Value::Null, |v| hex(v));
                        json!([key, value])
                    })
                    .collect();
                let block = Self::block_hash(self.at_block(params.get(1)));
                Scripted::Result(json!([{"block": block, "changes": changes}]))
            }
            "system_chain" => Scripted::Result(json!("Bittensor")),
            "author_submitAndWatchExtrinsic" => {
                if let (Some(x), Ok(mut submitted)) =
                    (first.and_then(Value::as_str), self.submitted.lock())
                {
                    submitted.push(x.to_string());
                }
                self.submission.clone()
            }
            "author_unwatchExtrinsic" => Scripted::Result(json!(true)),
            // A window's connection follows both heads; the chain does not move on its own.
            "chain_subscribeNewHeads" => Scripted::Subscribe {
                notify_method: "chain_newHead".into(),
                items: vec![Self::header(self.best)],
                then_drop: false,
            },
            "chain_subscribeFinalizedHeads" => Scripted::Subscribe {
                notify_method: "chain_finalizedHead".into(),
                items: vec![Self::header(self.finalized)],
                then_drop: false,
            },
            "chain_unsubscribeNewHeads" | "chain_unsubscribeFinalizedHeads" => {
                Scripted::Result(json!(true))
            }
            _ => Scripted::Unknown,
        }
    }
}

/// What `StakeInfoRuntimeApi_get_stake_fee` answers in a staged scene, in the input token.
pub const SCENE_STAKE_FEE: u64 = 50_000;

/// A staking scene: a signer with TAO, one subnet with a registered validator, a spot
/// price, the node's swap simulation and fee quote.
#[derive(Debug, Clone)]
pub struct StakeScene {
    /// The signing coldkey.
    pub signer: [u8; 32],
    /// Its free balance, rao.
    pub free_rao: u64,
    /// Its next nonce.
    pub nonce: u32,
    /// The subnet.
    pub netuid: u16,
    /// The validator's hotkey.
    pub validator: [u8; 32],
    /// The coldkey that owns the validator.
    pub owner: [u8; 32],
    /// The validator's UID on the subnet.
    pub uid: u16,
    /// Spot price, rao per alpha.
    pub price_rao_per_alpha: u64,
    /// `sim_swap_tao_for_alpha`: (tao in, alpha out, tao fee, alpha slippage).
    pub buy: (u64, u64, u64, u64),
    /// `TransactionPaymentApi_query_info` partial fee, rao.
    pub fee_rao: u64,
}

impl ScriptedChain {
    /// Scripts everything `tx::prepare` reads for a stake or transfer in `scene`.
    pub fn stage(&mut self, scene: &StakeScene) -> Result<(), ScriptError> {
        use parity_scale_codec::Encode;
        use scale_value::Value as V;
        self.set_storage(
            "System",
            "Account",
            (&scene.signer,),
            &values::account_info(scene.nonce, scene.free_rao),
        )?;
        self.set_api(
            "AccountNonceApi",
            "account_nonce",
            None,
            &V::u128(u128::from(scene.nonce)),
        )?;
        self.set_storage(
            "SubtensorModule",
            "NetworksAdded",
            (scene.netuid,),
            &V::bool(true),
        )?;
        self.set_storage(
            "SubtensorModule",
            "Owner",
            (&scene.validator,),
            &values::account(&scene.owner),
        )?;
        self.set_storage(
            "SubtensorModule",
            "Uids",
            (scene.netuid, &scene.validator),
            &V::u128(u128::from(scene.uid)),
        )?;
        self.set_api(
            "SwapRuntimeApi",
            "current_alpha_price",
            Some(&scene.netuid.encode()),
            &V::u128(u128::from(scene.price_rao_per_alpha)),
        )?;
        let (tao, alpha, tao_fee, slippage) = scene.buy;
        self.set_api(
            "SwapRuntimeApi",
            "sim_swap_tao_for_alpha",
            None,
            &values::sim_swap(tao, alpha, tao_fee, slippage),
        )?;
        self.set_api(
            "StakeInfoRuntimeApi",
            "get_stake_fee",
            None,
            &V::u128(u128::from(SCENE_STAKE_FEE)),
        )?;
        self.set_api(
            "TransactionPaymentApi",
            "query_info",
            None,
            &V::named_composite([
                (
                    "weight",
                    V::named_composite([("ref_time", V::u128(1)), ("proof_size", V::u128(0))]),
                ),
                ("class", V::unnamed_variant("Normal", [])),
                ("partial_fee", V::u128(u128::from(scene.fee_rao))),
            ]),
        )
    }
}

/// One validator (or miner) on a scripted subnet.
#[derive(Debug, Clone)]
pub struct ScriptedNeuron {
    /// Its hotkey.
    pub hotkey: [u8; 32],
    /// The coldkey that owns it.
    pub coldkey: [u8; 32],
    /// Alpha staked on it, units.
    pub alpha_stake: u64,
    /// Whether it holds a validator permit.
    pub validator_permit: bool,
    /// Its delegate take, as a fraction of 65,535 (validators only).
    pub take: u16,
}

/// A subnet as the explorer reads it: dynamic info (name, symbol, tempo, pool), the spot
/// price, the registration burn, the full metagraph and the delegates, all consistent with
/// one pool so the list, the validator step and the node's quote agree.
#[derive(Debug, Clone)]
pub struct SubnetScene {
    /// The subnet.
    pub netuid: u16,
    /// Its name.
    pub name: String,
    /// Its token symbol.
    pub symbol: String,
    /// Blocks per epoch.
    pub tempo: u16,
    /// The pool (its price is the subnet's spot price).
    pub pool: SwapPool,
    /// Alpha outstanding, units.
    pub alpha_out: u64,
    /// The registration burn, rao.
    pub burn: u64,
    /// The owner's hotkey (the owner validator).
    pub owner_hotkey: [u8; 32],
    /// The owner's coldkey.
    pub owner_coldkey: [u8; 32],
    /// Its UIDs in order.
    pub neurons: Vec<ScriptedNeuron>,
}

/// A made-up hotkey or coldkey, derived so that each run serves the same addresses.
fn made_up_key(path: &str) -> [u8; 32] {
    // A well-formed derivation URI always yields a key; the fallback only keeps this total.
    crate::keys::Keypair::from_uri(&format!("//Taoscope/scripted/{path}"))
        .map(|pair| *pair.account_id().as_bytes())
        .unwrap_or([0x5c; 32])
}

impl SubnetScene {
    /// Subnet 1 "apex" (made up): a pool of 120,000 TAO against 3,000,000 alpha (0.04 TAO
    /// per alpha), five validators (the owner's the largest) and three miners.
    pub fn apex_demo(burn: u64) -> SubnetScene {
        let owner_hotkey = made_up_key("owner/hotkey");
        let owner_coldkey = made_up_key("owner/coldkey");
        // (alpha staked, take as a fraction of 65,535: 18%, 15%, 18%, 9%, 18%)
        let validators = [
            (1_250_000, 11_796),
            (820_000, 9_830),
            (410_000, 11_796),
            (150_000, 5_898),
            (60_000, 11_796),
        ];
        let mut neurons: Vec<ScriptedNeuron> = validators
            .iter()
            .enumerate()
            .map(|(i, &(alpha, take))| ScriptedNeuron {
                hotkey: if i == 0 {
                    owner_hotkey
                } else {
                    made_up_key(&format!("validator/{i}/hotkey"))
                },
                coldkey: if i == 0 {
                    owner_coldkey
                } else {
                    made_up_key(&format!("validator/{i}/coldkey"))
                },
                alpha_stake: alpha * DEMO_UNIT,
                validator_permit: true,
                take,
            })
            .collect();
        neurons.extend((0..3).map(|i| ScriptedNeuron {
            hotkey: made_up_key(&format!("miner/{i}/hotkey")),
            coldkey: made_up_key(&format!("miner/{i}/coldkey")),
            alpha_stake: (1_200 + 300 * i) * DEMO_UNIT,
            validator_permit: false,
            take: 0,
        }));
        SubnetScene {
            netuid: 1,
            name: "apex".into(),
            symbol: "\u{03b1}".into(),
            tempo: 360,
            pool: SwapPool {
                netuid: 1,
                tao_in: 120_000 * DEMO_UNIT,
                alpha_in: 3_000_000 * DEMO_UNIT,
                fee_rate: 33,
            },
            alpha_out: 9_000_000 * DEMO_UNIT,
            burn,
            owner_hotkey,
            owner_coldkey,
            neurons,
        }
    }
}

/// One TAO (or one alpha) in base units.
const DEMO_UNIT: u64 = 1_000_000_000;

impl ScriptedChain {
    /// A submitted extrinsic succeeds in the next block, which the node then reports
    /// ready, in block and finalized (best moves to that block).
    pub fn succeed_in_next_block(&mut self) -> Result<(), ScriptError> {
        let landed = self.finalized + 1;
        let hash = Self::block_hash(landed);
        self.best = landed;
        self.submitted_lands_in = Some(landed);
        self.set_events(
            landed,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )?;
        self.submission = Scripted::Subscribe {
            notify_method: "author_extrinsicUpdate".into(),
            items: vec![
                json!("ready"),
                json!({"inBlock": hash}),
                json!({"finalized": hash}),
            ],
            then_drop: false,
        };
        Ok(())
    }
}

impl ScriptedChain {
    /// Serves `scene` as the only subnet: `get_all_dynamic_info`, `current_alpha_price_all`
    /// and `current_alpha_price`, `Burn`, `get_selective_mechagraph`, `get_delegates`, an
    /// empty `get_stake_info_for_coldkey`, and swap quotes from its pool. Every struct is
    /// built from the metadata's own type, each field by name, the rest zero or empty.
    pub fn serve_subnet(&mut self, scene: &SubnetScene) -> Result<(), ScriptError> {
        use parity_scale_codec::Encode;
        use scale_value::Value as V;
        let u = |v: u64| V::u128(u128::from(v));
        let netuid = scene.netuid;
        let pool = scene.pool;
        let price = pool.price_rao_per_alpha();
        let metadata = self.metadata.clone();
        let types = metadata.types();

        let output = self.api_output("SubnetInfoRuntimeApi", "get_all_dynamic_info")?;
        let info_type = values::inner(types, output)
            .and_then(|option| values::inner(types, option))
            .ok_or("get_all_dynamic_info is not a list of options")?;
        let info = values::shaped(types, info_type, &|field| match field {
            "netuid" => Some(u(netuid.into())),
            "owner_hotkey" => Some(values::account(&scene.owner_hotkey)),
            "owner_coldkey" => Some(values::account(&scene.owner_coldkey)),
            "subnet_name" => Some(V::from_bytes(scene.name.as_bytes())),
            "token_symbol" => Some(V::from_bytes(scene.symbol.as_bytes())),
            "tempo" => Some(u(scene.tempo.into())),
            "last_step" => Some(u(self.best.saturating_sub(120))),
            "blocks_since_last_step" => Some(u(120)),
            "tao_in" => Some(u(pool.tao_in)),
            "alpha_in" => Some(u(pool.alpha_in)),
            "alpha_out" => Some(u(scene.alpha_out)),
            "network_registered_at" => Some(u(1_000)),
            _ => None,
        });
        let dynamic = V::unnamed_composite([V::unnamed_variant("Some", [info])]);
        self.set_api(
            "SubnetInfoRuntimeApi",
            "get_all_dynamic_info",
            None,
            &dynamic,
        )?;

        let output = self.api_output("SwapRuntimeApi", "current_alpha_price_all")?;
        let price_type = values::inner(types, output).ok_or("prices are not a list")?;
        let entry = values::shaped(types, price_type, &|field| match field {
            "netuid" => Some(u(netuid.into())),
            "price" => Some(u(price)),
            _ => None,
        });
        self.set_api(
            "SwapRuntimeApi",
            "current_alpha_price_all",
            None,
            &V::unnamed_composite([entry]),
        )?;
        self.set_api(
            "SwapRuntimeApi",
            "current_alpha_price",
            Some(&netuid.encode()),
            &u(price),
        )?;
        self.set_storage("SubtensorModule", "Burn", (netuid,), &u(scene.burn))?;
        self.set_storage(
            "SubtensorModule",
            "NetworksAdded",
            (netuid,),
            &V::bool(true),
        )?;

        let column =
            |f: &dyn Fn(&ScriptedNeuron) -> V| V::unnamed_composite(scene.neurons.iter().map(f));
        let total: u64 = scene.neurons.iter().map(|x| x.alpha_stake).sum();
        let share = |x: &ScriptedNeuron| {
            u((u128::from(x.alpha_stake) * 65_535)
                .checked_div(u128::from(total))
                .map_or(0, |v| u64::try_from(v).unwrap_or(0)))
        };
        let head = self.best;
        let output = self.api_output("SubnetInfoRuntimeApi", "get_selective_mechagraph")?;
        let graph_type = values::inner(types, output).ok_or("the mechagraph is not an option")?;
        let graph = values::shaped(types, graph_type, &|field| match field {
            "netuid" => Some(u(netuid.into())),
            "name" => Some(V::from_bytes(scene.name.as_bytes())),
            "symbol" => Some(V::from_bytes(scene.symbol.as_bytes())),
            "owner_hotkey" => Some(values::account(&scene.owner_hotkey)),
            "owner_coldkey" => Some(values::account(&scene.owner_coldkey)),
            "block" => Some(u(head)),
            "tempo" => Some(u(scene.tempo.into())),
            "blocks_since_last_step" => Some(u(120)),
            "tao_in" => Some(u(pool.tao_in)),
            "alpha_in" => Some(u(pool.alpha_in)),
            "alpha_out" => Some(u(scene.alpha_out)),
            "burn" => Some(u(scene.burn)),
            "max_uids" => Some(u(256)),
            "max_validators" => Some(u(64)),
            "immunity_period" => Some(u(5_000)),
            "registration_allowed" => Some(V::bool(true)),
            "hotkeys" => Some(column(&|x| values::account(&x.hotkey))),
            "coldkeys" => Some(column(&|x| values::account(&x.coldkey))),
            "active" => Some(column(&|_| V::bool(true))),
            "validator_permit" => Some(column(&|x| V::bool(x.validator_permit))),
            "alpha_stake" | "total_stake" => Some(column(&|x| u(x.alpha_stake))),
            "tao_stake" => Some(column(&|_| u(0))),
            "last_update" => Some(column(&|_| u(head.saturating_sub(40)))),
            "block_at_registration" => Some(column(&|_| u(1_000))),
            "dividends" => Some(column(&|x| {
                if x.validator_permit { share(x) } else { u(0) }
            })),
            "incentives" | "consensus" => Some(column(&|x| {
                if x.validator_permit {
                    u(0)
                } else {
                    u(65_535 / 4)
                }
            })),
            "emission" => Some(column(&|_| u(0))),
            _ => None,
        });
        self.set_api(
            "SubnetInfoRuntimeApi",
            "get_selective_mechagraph",
            None,
            &V::unnamed_variant("Some", [graph]),
        )?;

        let output = self.api_output("DelegateInfoRuntimeApi", "get_delegates")?;
        let delegate_type = values::inner(types, output).ok_or("delegates are not a list")?;
        let delegates = scene
            .neurons
            .iter()
            .filter(|x| x.validator_permit)
            .map(|x| {
                values::shaped(types, delegate_type, &|field| match field {
                    "delegate_ss58" => Some(values::account(&x.hotkey)),
                    "owner_ss58" => Some(values::account(&x.coldkey)),
                    "take" => Some(u(x.take.into())),
                    "registrations" => Some(V::unnamed_composite([u(netuid.into())])),
                    "validator_permits" => Some(V::unnamed_composite([u(netuid.into())])),
                    _ => None,
                })
            })
            .collect::<Vec<_>>();
        self.set_api(
            "DelegateInfoRuntimeApi",
            "get_delegates",
            None,
            &V::unnamed_composite(delegates),
        )?;
        self.set_api(
            "StakeInfoRuntimeApi",
            "get_stake_info_for_coldkey",
            None,
            &V::unnamed_composite([]),
        )?;
        self.pool = Some(pool);
        Ok(())
    }
}

/// Values a scripted chain commonly needs, built by field name for the spec-393 types.
pub mod values {
    use scale_value::Value;

    /// `SimSwapResult` of a buy: (tao in, alpha out, tao fee, alpha slippage).
    pub fn sim_swap(tao: u64, alpha: u64, tao_fee: u64, slippage: u64) -> Value {
        Value::named_composite([
            ("tao_amount", Value::u128(u128::from(tao))),
            ("alpha_amount", Value::u128(u128::from(alpha))),
            ("tao_fee", Value::u128(u128::from(tao_fee))),
            ("alpha_fee", Value::u128(0)),
            ("tao_slippage", Value::u128(0)),
            ("alpha_slippage", Value::u128(u128::from(slippage))),
        ])
    }

    /// The element type of a sequence, or the `Some` type of an `Option`.
    pub fn inner(types: &scale_info::PortableRegistry, id: u32) -> Option<u32> {
        use scale_info::TypeDef;
        match &types.resolve(id)?.type_def {
            TypeDef::Sequence(seq) => Some(seq.type_param.id),
            TypeDef::Variant(v) => v
                .variants
                .iter()
                .find(|v| v.name == "Some")
                .and_then(|v| v.fields.first())
                .map(|f| f.ty.id),
            _ => None,
        }
    }

    fn is_option(types: &scale_info::PortableRegistry, id: u32) -> bool {
        use scale_info::TypeDef;
        matches!(types.resolve(id).map(|t| &t.type_def),
            Some(TypeDef::Variant(v)) if v.variants.iter().any(|v| v.name == "Some")
                && v.variants.iter().any(|v| v.name == "None"))
    }

    /// A value of type `id` with each named field of the top struct taken from `fill`
    /// (wrapped in `Some` where the field is an `Option`), and everything else zero, false,
    /// empty or `None`: a runtime struct with many fields, of which a scene sets a few.
    pub fn shaped(
        types: &scale_info::PortableRegistry,
        id: u32,
        fill: &dyn Fn(&str) -> Option<Value>,
    ) -> Value {
        use scale_info::TypeDef;
        let Some(TypeDef::Composite(c)) = types.resolve(id).map(|t| &t.type_def) else {
            return empty(types, id, 0);
        };
        if c.fields.iter().any(|f| f.name.is_none()) {
            return empty(types, id, 0);
        }
        Value::named_composite(c.fields.iter().map(|f| {
            let name = f.name.clone().unwrap_or_default();
            let value = match fill(&name) {
                Some(v) if is_option(types, f.ty.id) => Value::unnamed_variant("Some", [v]),
                Some(v) => v,
                None => empty(types, f.ty.id, 0),
            };
            (name, value)
        }))
    }

    /// The plainest value of type `id`: zeros, false, empty lists, `None` or the first
    /// variant.
    fn empty(types: &scale_info::PortableRegistry, id: u32, depth: u8) -> Value {
        use scale_info::{TypeDef, TypeDefPrimitive as P};
        let Some(ty) = types.resolve(id).filter(|_| depth < 32) else {
            return Value::u128(0);
        };
        let deeper = |id: u32| empty(types, id, depth + 1);
        match &ty.type_def {
            TypeDef::Composite(c) => {
                if c.fields.iter().all(|f| f.name.is_some()) && !c.fields.is_empty() {
                    Value::named_composite(
                        c.fields
                            .iter()
                            .map(|f| (f.name.clone().unwrap_or_default(), deeper(f.ty.id))),
                    )
                } else {
                    Value::unnamed_composite(c.fields.iter().map(|f| deeper(f.ty.id)))
                }
            }
            TypeDef::Variant(v) => {
                let chosen = v
                    .variants
                    .iter()
                    .find(|v| v.name == "None")
                    .or_else(|| v.variants.first());
                match chosen {
                    Some(v) => Value::unnamed_variant(
                        v.name.clone(),
                        v.fields.iter().map(|f| deeper(f.ty.id)),
                    ),
                    None => Value::unnamed_composite([]),
                }
            }
            TypeDef::Sequence(_) | TypeDef::BitSequence(_) => Value::unnamed_composite([]),
            TypeDef::Array(a) => {
                Value::unnamed_composite((0..a.len).map(|_| deeper(a.type_param.id)))
            }
            TypeDef::Tuple(t) => Value::unnamed_composite(t.fields.iter().map(|f| deeper(f.id))),
            TypeDef::Primitive(P::Bool) => Value::bool(false),
            TypeDef::Primitive(P::Str) => Value::string(""),
            TypeDef::Primitive(P::Char) => Value::char(' '),
            TypeDef::Primitive(P::I8 | P::I16 | P::I32 | P::I64 | P::I128 | P::I256) => {
                Value::i128(0)
            }
            TypeDef::Primitive(_) | TypeDef::Compact(_) => Value::u128(0),
        }
    }

    /// `DispatchEventInfo` of an ordinary signed call.
    pub fn dispatch_info() -> Value {
        Value::named_composite([
            (
                "weight",
                Value::named_composite([
                    ("ref_time", Value::u128(1_000_000)),
                    ("proof_size", Value::u128(0)),
                ]),
            ),
            ("class", Value::unnamed_variant("Normal", [])),
            ("pays_fee", Value::unnamed_variant("Yes", [])),
        ])
    }

    /// `System.ExtrinsicSuccess`.
    pub fn extrinsic_success() -> Value {
        Value::named_variant("ExtrinsicSuccess", [("dispatch_info", dispatch_info())])
    }

    /// `System.ExtrinsicFailed` with `DispatchError::Module { index, error }`.
    pub fn extrinsic_failed(pallet_index: u8, error_index: u8) -> Value {
        let module = Value::named_composite([
            ("index", Value::u128(u128::from(pallet_index))),
            (
                "error",
                Value::unnamed_composite([
                    Value::u128(u128::from(error_index)),
                    Value::u128(0),
                    Value::u128(0),
                    Value::u128(0),
                ]),
            ),
        ]);
        Value::named_variant(
            "ExtrinsicFailed",
            [
                ("dispatch_error", Value::unnamed_variant("Module", [module])),
                ("dispatch_info", dispatch_info()),
            ],
        )
    }

    /// `System.Events`: success for extrinsic 0, then each of `ours` for extrinsics 1, 2…
    pub fn events_for_extrinsics(ours: Vec<Value>) -> Value {
        let record = |index: usize, system_event: Value| {
            Value::named_composite([
                (
                    "phase",
                    Value::unnamed_variant("ApplyExtrinsic", [Value::u128(index as u128)]),
                ),
                ("event", Value::unnamed_variant("System", [system_event])),
                ("topics", Value::unnamed_composite([])),
            ])
        };
        Value::unnamed_composite(
            std::iter::once(extrinsic_success())
                .chain(ours)
                .enumerate()
                .map(|(i, e)| record(i, e)),
        )
    }

    /// `System.Events`: an unrelated success for extrinsic 0, then `ours` for extrinsic 1.
    pub fn events_for_second_extrinsic(ours: Value) -> Value {
        let record = |index: u32, system_event: Value| {
            Value::named_composite([
                (
                    "phase",
                    Value::unnamed_variant("ApplyExtrinsic", [Value::u128(u128::from(index))]),
                ),
                ("event", Value::unnamed_variant("System", [system_event])),
                ("topics", Value::unnamed_composite([])),
            ])
        };
        Value::unnamed_composite([record(0, extrinsic_success()), record(1, ours)])
    }

    /// `System.Account`: nonce and free balance (rao).
    pub fn account_info(nonce: u32, free_rao: u64) -> Value {
        Value::named_composite([
            ("nonce", Value::u128(u128::from(nonce))),
            ("consumers", Value::u128(0)),
            ("providers", Value::u128(1)),
            ("sufficients", Value::u128(0)),
            (
                "data",
                Value::named_composite([
                    ("free", Value::u128(u128::from(free_rao))),
                    ("reserved", Value::u128(0)),
                    ("frozen", Value::u128(0)),
                    ("flags", Value::u128(1u128 << 127)),
                ]),
            ),
        ])
    }

    /// A 32-byte account as a value.
    pub fn account(bytes: &[u8; 32]) -> Value {
        Value::from_bytes(bytes)
    }
}
