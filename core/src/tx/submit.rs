//! Sending a signed transaction once and following it: ready, in block #N, finalized (or
//! dropped, invalid, usurped); reading its events to say whether it succeeded and, if not,
//! why in plain words; and, after a lost connection, finding out from the chain what became
//! of it without ever broadcasting it again.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use subxt::ext::frame_decode::storage::encode_storage_key;
use subxt::metadata::Metadata;
use subxt::rpcs::rpc_params;

use super::build::{MORTAL_PERIOD_BLOCKS, SignedTransaction, blake2_256};
use super::error::TxError;
use super::journal::{Journal, JournalEntry};
use super::shield::{REVEAL_BLOCKS, ShieldedTransaction};
use crate::chain::{ChainClient, ChainError, header_number};
use crate::i18n::{has_key, tr, tr_with};

/// Where a transaction stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TxStatus {
    /// Written to the journal, being handed to the node.
    Submitting,
    /// In the node's pool, waiting for a block.
    Ready,
    /// Gossiped to other nodes.
    Broadcast,
    /// Included in a block (not final yet).
    InBlock {
        /// Block number.
        block_number: u64,
        /// Block hash.
        block_hash: String,
        /// What the chain made of it.
        outcome: DispatchOutcome,
    },
    /// Final: in a finalized block.
    Finalized {
        /// Block number.
        block_number: u64,
        /// Block hash.
        block_hash: String,
        /// What the chain made of it.
        outcome: DispatchOutcome,
    },
    /// The block it was in was replaced; it goes back to the pool.
    Retracted,
    /// The node gave up on it (pool full, or it expired).
    Dropped,
    /// The node refused it as invalid (bad nonce, signature, or can't pay).
    Invalid,
    /// Another transaction with the same nonce went in first.
    Usurped,
    /// The connection was lost; the chain is asked what became of it.
    Unknown,
}

impl TxStatus {
    /// Whether nothing more will happen to it.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TxStatus::Finalized { .. } | TxStatus::Dropped | TxStatus::Invalid | TxStatus::Usurped
        )
    }

    /// A one-line, localized description for the progress screen and the CLI.
    pub fn describe(&self) -> String {
        match self {
            TxStatus::Submitting => tr("tx.status.submitting"),
            TxStatus::Ready => tr("tx.status.ready"),
            TxStatus::Broadcast => tr("tx.status.broadcast"),
            TxStatus::InBlock { block_number, .. } => tr_with(
                "tx.status.in_block",
                &[("block", &crate::format::thousands(*block_number))],
            ),
            TxStatus::Finalized { block_number, .. } => tr_with(
                "tx.status.finalized",
                &[("block", &crate::format::thousands(*block_number))],
            ),
            TxStatus::Retracted => tr("tx.status.retracted"),
            TxStatus::Dropped => tr("tx.status.dropped"),
            TxStatus::Invalid => tr("tx.status.invalid"),
            TxStatus::Usurped => tr("tx.status.usurped"),
            TxStatus::Unknown => tr("tx.status.unknown"),
        }
    }
}

/// What the chain made of an included transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum DispatchOutcome {
    /// `System.ExtrinsicSuccess`.
    Success,
    /// `System.ExtrinsicFailed`, with the module error named and explained.
    Failed {
        /// Pallet of the error, e.g. "SubtensorModule".
        pallet: String,
        /// Error name, e.g. "SlippageTooHigh".
        error: String,
        /// A plain-language sentence with a suggestion.
        explanation: String,
    },
    /// Included, but its events could not be read.
    NotKnown,
    /// A shielded send: the encrypted wrapper went in, but no block producer revealed and
    /// ran the transaction inside it within a few blocks, so nothing moved.
    NotRevealed,
}

/// The plain sentence for a chain error by name; unknown names get a generic sentence.
pub fn explain_module_error(pallet: &str, error: &str) -> String {
    let key = format!("tx.chain_error.{error}");
    if has_key("en", &key) {
        tr(&key)
    } else {
        tr_with(
            "tx.chain_error.other",
            &[("pallet", &pallet), ("error", &error)],
        )
    }
}

/// How long to wait for the next status before treating the node as gone.
const STATUS_TIMEOUT: Duration = Duration::from_secs(120);

/// Journals `signed`, submits it with `author_submitAndWatchExtrinsic` and reports each
/// status until it is final. A lost connection ends with [`TxError::ConnectionLost`]; the
/// journal then says "unknown", and [`reconcile`] settles it without resubmitting.
pub async fn submit_and_watch(
    client: &ChainClient,
    journal: &Journal,
    signed: &SignedTransaction,
    call: &str,
    era_block: u64,
    on_status: impl FnMut(&TxStatus),
) -> Result<TxStatus, TxError> {
    watch(client, journal, signed, None, call, era_block, on_status).await
}

/// [`submit_and_watch`] for a shielded send: the wrapper is journalled and submitted once;
/// once it is in a block, the outcome reported is the revealed inner transaction's (or
/// [`DispatchOutcome::NotRevealed`] when no producer ran it within [`REVEAL_BLOCKS`]).
pub async fn submit_shielded_and_watch(
    client: &ChainClient,
    journal: &Journal,
    shielded: &ShieldedTransaction,
    call: &str,
    era_block: u64,
    on_status: impl FnMut(&TxStatus),
) -> Result<TxStatus, TxError> {
    watch(
        client,
        journal,
        &shielded.outer,
        Some(&shielded.inner),
        call,
        era_block,
        on_status,
    )
    .await
}

async fn watch(
    client: &ChainClient,
    journal: &Journal,
    signed: &SignedTransaction,
    inner: Option<&SignedTransaction>,
    call: &str,
    era_block: u64,
    mut on_status: impl FnMut(&TxStatus),
) -> Result<TxStatus, TxError> {
    let hash = signed.hash_hex();
    let inner_hash = inner.map(|i| i.hash);
    journal.record(JournalEntry {
        hash: hash.clone(),
        extrinsic: signed.hex(),
        signer: signed.signer.to_ss58(),
        nonce: signed.nonce,
        genesis: client.genesis_hash(),
        call: call.to_string(),
        era_block,
        status: TxStatus::Submitting,
        shielded_inner: inner.map(SignedTransaction::hash_hex),
    })?;
    on_status(&TxStatus::Submitting);

    let lost = |journal: &Journal| {
        let _ = journal.update(&hash, TxStatus::Unknown);
        TxError::ConnectionLost { hash: hash.clone() }
    };
    let subscription = client
        .rpc()
        .subscribe::<Json>(
            "author_submitAndWatchExtrinsic",
            rpc_params![signed.hex()],
            "author_unwatchExtrinsic",
        )
        .await;
    let mut subscription = match subscription {
        Ok(s) => s,
        Err(e) => {
            let error = ChainError::from_rpc("author_submitAndWatchExtrinsic", e);
            if matches!(error, ChainError::Node { .. }) {
                // The node answered and refused it: nothing is in flight.
                journal.update(&hash, TxStatus::Invalid)?;
                return Err(TxError::Rejected {
                    reason: error.to_string(),
                });
            }
            return Err(lost(journal));
        }
    };
    let mut last = TxStatus::Submitting;
    loop {
        let next = tokio::time::timeout(STATUS_TIMEOUT, subscription.next()).await;
        let item = match next {
            Ok(Some(Ok(item))) => item,
            _ => return Err(lost(journal)),
        };
        let status = match parse_status(&item) {
            Some(ParsedStatus::Plain(status)) => status,
            Some(ParsedStatus::InBlock(block_hash)) => {
                let (block_number, outcome) =
                    inclusion(client, &block_hash, &signed.hash, inner_hash, false).await;
                TxStatus::InBlock {
                    block_number,
                    block_hash,
                    outcome,
                }
            }
            Some(ParsedStatus::Finalized(block_hash)) => {
                let (block_number, outcome) = match &last {
                    TxStatus::InBlock {
                        block_number,
                        block_hash: h,
                        outcome,
                    } if *h == block_hash && *outcome != DispatchOutcome::NotKnown => {
                        (*block_number, outcome.clone())
                    }
                    _ => inclusion(client, &block_hash, &signed.hash, inner_hash, true).await,
                };
                TxStatus::Finalized {
                    block_number,
                    block_hash,
                    outcome,
                }
            }
            None => continue,
        };
        journal.update(&hash, status.clone())?;
        on_status(&status);
        if status.is_final() {
            return Ok(status);
        }
        last = status;
    }
}

enum ParsedStatus {
    Plain(TxStatus),
    InBlock(String),
    Finalized(String),
}

/// The node's `TransactionStatus` JSON: a bare string or a one-key object.
fn parse_status(item: &Json) -> Option<ParsedStatus> {
    if let Some(text) = item.as_str() {
        return Some(ParsedStatus::Plain(match text {
            "future" | "ready" => TxStatus::Ready,
            "dropped" => TxStatus::Dropped,
            "invalid" => TxStatus::Invalid,
            _ => return None,
        }));
    }
    let object = item.as_object()?;
    let (key, value) = object.iter().next()?;
    let hash = value.as_str().map(str::to_string);
    Some(match key.as_str() {
        "broadcast" => ParsedStatus::Plain(TxStatus::Broadcast),
        "inBlock" => ParsedStatus::InBlock(hash?),
        "finalized" => ParsedStatus::Finalized(hash?),
        "retracted" => ParsedStatus::Plain(TxStatus::Retracted),
        "usurped" => ParsedStatus::Plain(TxStatus::Usurped),
        "finalityTimeout" => ParsedStatus::Plain(TxStatus::Retracted),
        "dropped" => ParsedStatus::Plain(TxStatus::Dropped),
        "invalid" => ParsedStatus::Plain(TxStatus::Invalid),
        _ => return None,
    })
}

/// The block's number and what the chain made of extrinsic `hash` in it. For a shielded
/// send (`inner` given) a successful wrapper is followed to the revealed transaction;
/// `wait` gives the producers [`REVEAL_BLOCKS`] blocks to reveal it before saying they did not.
async fn inclusion(
    client: &ChainClient,
    block_hash: &str,
    hash: &[u8; 32],
    inner: Option<[u8; 32]>,
    wait: bool,
) -> (u64, DispatchOutcome) {
    let Ok(block) = client
        .call::<Json>("chain_getBlock", rpc_params![block_hash])
        .await
    else {
        return (0, DispatchOutcome::NotKnown);
    };
    let number = block
        .get("block")
        .and_then(|b| b.get("header"))
        .and_then(|h| header_number(h, "chain_getBlock").ok())
        .unwrap_or(0);
    let Some(index) = extrinsic_index(&block, hash) else {
        return (number, DispatchOutcome::NotKnown);
    };
    let outcome = outcome_at(client, block_hash, index)
        .await
        .unwrap_or(DispatchOutcome::NotKnown);
    match inner {
        Some(inner) if outcome == DispatchOutcome::Success => {
            (number, revealed(client, number, &inner, wait).await)
        }
        _ => (number, outcome),
    }
}

/// How long to wait for the blocks a shielded transaction may be revealed in.
const REVEAL_WAIT: Duration = Duration::from_secs(12 * (REVEAL_BLOCKS + 2));

/// What became of a shielded send's inner transaction: looked for in the wrapper's block
/// (`from`) and the [`REVEAL_BLOCKS`] after it. Without `wait`, blocks not made yet leave it
/// [`DispatchOutcome::NotKnown`]; with it, they are waited for.
async fn revealed(
    client: &ChainClient,
    from: u64,
    inner: &[u8; 32],
    wait: bool,
) -> DispatchOutcome {
    let deadline = tokio::time::Instant::now() + REVEAL_WAIT;
    let mut number = from;
    while number <= from + REVEAL_BLOCKS {
        let block_hash: Option<String> = client
            .call("chain_getBlockHash", rpc_params![number])
            .await
            .unwrap_or(None);
        let Some(block_hash) = block_hash else {
            if !wait || tokio::time::Instant::now() > deadline {
                return DispatchOutcome::NotKnown;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        };
        let Ok(block) = client
            .call::<Json>("chain_getBlock", rpc_params![&block_hash])
            .await
        else {
            return DispatchOutcome::NotKnown;
        };
        if let Some(index) = extrinsic_index(&block, inner) {
            return outcome_at(client, &block_hash, index)
                .await
                .unwrap_or(DispatchOutcome::NotKnown);
        }
        number += 1;
    }
    DispatchOutcome::NotRevealed
}

/// The position of the extrinsic with `hash` in a `chain_getBlock` answer.
fn extrinsic_index(block: &Json, hash: &[u8; 32]) -> Option<u32> {
    let list = block.get("block")?.get("extrinsics")?.as_array()?;
    list.iter()
        .position(|x| {
            x.as_str()
                .and_then(|h| hex::decode(h.trim_start_matches("0x")).ok())
                .is_some_and(|bytes| blake2_256(&bytes) == *hash)
        })
        .and_then(|i| u32::try_from(i).ok())
}

/// Reads `System.Events` at `block_hash` and finds the success or failure event of
/// extrinsic `index`, decoding by the names the metadata gives.
async fn outcome_at(
    client: &ChainClient,
    block_hash: &str,
    index: u32,
) -> Result<DispatchOutcome, ChainError> {
    let hash = subxt::utils::H256::from_slice(
        &hex::decode(block_hash.trim_start_matches("0x")).map_err(|e| ChainError::Decode {
            what: "block hash".into(),
            reason: e.to_string(),
        })?,
    );
    let at = client
        .online()
        .at_block(hash)
        .await
        .map_err(|e| ChainError::Node {
            what: "state_getMetadata".into(),
            reason: e.to_string(),
        })?;
    let metadata = at.metadata();
    let key =
        encode_storage_key("System", "Events", (), &*metadata, metadata.types()).map_err(|e| {
            ChainError::Decode {
                what: "System.Events".into(),
                reason: e.to_string(),
            }
        })?;
    let raw: Option<String> = client
        .call(
            "state_getStorage",
            rpc_params![format!("0x{}", hex::encode(key)), block_hash],
        )
        .await?;
    let Some(raw) = raw else {
        return Ok(DispatchOutcome::NotKnown);
    };
    let bytes = hex::decode(raw.trim_start_matches("0x")).map_err(|e| ChainError::Decode {
        what: "System.Events".into(),
        reason: e.to_string(),
    })?;
    decode_outcome(&metadata, &bytes, index)
}

/// Finds extrinsic `index`'s `ExtrinsicSuccess`/`ExtrinsicFailed` in encoded events.
pub fn decode_outcome(
    metadata: &Metadata,
    events: &[u8],
    index: u32,
) -> Result<DispatchOutcome, ChainError> {
    use scale_value::{Composite, ValueDef};
    let bad = |reason: String| ChainError::Decode {
        what: "System.Events".into(),
        reason,
    };
    let entry = metadata
        .pallet_by_name("System")
        .and_then(|p| p.storage())
        .and_then(|s| s.entry_by_name("Events"))
        .ok_or_else(|| bad("this runtime has no System.Events".into()))?;
    let mut cursor = events;
    let value = scale_value::scale::decode_as_type(&mut cursor, entry.value_ty(), metadata.types())
        .map_err(|e| bad(e.to_string()))?;
    let ValueDef::Composite(records) = value.value else {
        return Err(bad("events are not a list".into()));
    };
    let field = |c: &Composite<u32>, name: &str| -> Option<scale_value::Value<u32>> {
        match c {
            Composite::Named(fields) => fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            Composite::Unnamed(_) => None,
        }
    };
    for record in records.into_values() {
        let ValueDef::Composite(record) = &record.value else {
            continue;
        };
        let Some(phase) = field(record, "phase") else {
            continue;
        };
        let ValueDef::Variant(phase) = &phase.value else {
            continue;
        };
        let applies_to_us = phase.name == "ApplyExtrinsic"
            && phase
                .values
                .values()
                .next()
                .and_then(|v| v.as_u128())
                .is_some_and(|i| i == u128::from(index));
        if !applies_to_us {
            continue;
        }
        let Some(event) = field(record, "event") else {
            continue;
        };
        let ValueDef::Variant(pallet_event) = &event.value else {
            continue;
        };
        if pallet_event.name != "System" {
            continue;
        }
        let Some(inner) = pallet_event.values.values().next() else {
            continue;
        };
        let ValueDef::Variant(system_event) = &inner.value else {
            continue;
        };
        match system_event.name.as_str() {
            "ExtrinsicSuccess" => return Ok(DispatchOutcome::Success),
            "ExtrinsicFailed" => {
                let error = field(&system_event.values, "dispatch_error")
                    .or_else(|| system_event.values.values().next().cloned());
                return Ok(explain_dispatch_error(metadata, error.as_ref()));
            }
            _ => {}
        }
    }
    Ok(DispatchOutcome::NotKnown)
}

/// `DispatchError::Module { index, error }` to pallet and error names; other kinds by name.
fn explain_dispatch_error(
    metadata: &Metadata,
    error: Option<&scale_value::Value<u32>>,
) -> DispatchOutcome {
    use scale_value::ValueDef;
    let failed = |pallet: &str, name: &str| DispatchOutcome::Failed {
        pallet: pallet.to_string(),
        error: name.to_string(),
        explanation: explain_module_error(pallet, name),
    };
    let Some(ValueDef::Variant(kind)) = error.map(|e| &e.value) else {
        return failed("System", "Unknown");
    };
    if kind.name != "Module" {
        // Token/Arithmetic/BadOrigin…: the inner variant names the reason when there is one.
        let inner = kind.values.values().next().and_then(|v| match &v.value {
            ValueDef::Variant(v) => Some(v.name.clone()),
            _ => None,
        });
        return failed(&kind.name, inner.as_deref().unwrap_or(&kind.name));
    }
    let mut numbers = Vec::new();
    if let Some(module) = kind.values.values().next() {
        collect_numbers(module, &mut numbers);
    }
    // ModuleError { index: u8, error: [u8; 4] }: the first number is the pallet, the next
    // the error's variant index.
    let (Some(&pallet_index), Some(&error_index)) = (numbers.first(), numbers.get(1)) else {
        return failed("System", "Unknown");
    };
    let pallet = u8::try_from(pallet_index)
        .ok()
        .and_then(|i| metadata.pallet_by_error_index(i));
    let Some(pallet) = pallet else {
        return failed("System", "Unknown");
    };
    let name = u8::try_from(error_index)
        .ok()
        .and_then(|i| pallet.error_variant_by_index(i))
        .map(|v| v.name.clone())
        .unwrap_or_else(|| format!("#{error_index}"));
    failed(pallet.name(), &name)
}

fn collect_numbers(value: &scale_value::Value<u32>, out: &mut Vec<u128>) {
    use scale_value::ValueDef;
    match &value.value {
        ValueDef::Primitive(_) => {
            if let Some(n) = value.as_u128() {
                out.push(n);
            }
        }
        ValueDef::Composite(c) => c.values().for_each(|v| collect_numbers(v, out)),
        ValueDef::Variant(v) => v.values.values().for_each(|v| collect_numbers(v, out)),
        ValueDef::BitSequence(_) => {}
    }
}

/// After a lost connection or a restart: what became of a journalled transaction, asked
/// of the chain by nonce and hash. Never resubmits. Returns the status it settled on
/// (`Unknown` while it may still be in a pool and its era has not run out).
pub async fn reconcile(
    client: &ChainClient,
    journal: &Journal,
    entry: &JournalEntry,
) -> Result<TxStatus, TxError> {
    let chain = |e: ChainError| TxError::Chain(e.to_string());
    let signer = crate::keys::AccountId::from_ss58(&entry.signer)
        .map_err(|e| TxError::Chain(e.to_string()))?;
    let pinned = client.pin_latest().await.map_err(chain)?;
    let balance = pinned.balance(signer.as_bytes()).await.map_err(chain)?;
    let finalized = pinned.block().number;
    let best: Json = client
        .call("chain_getHeader", rpc_params![])
        .await
        .map_err(chain)?;
    let best = header_number(&best, "chain_getHeader").map_err(chain)?;
    let hash_bytes: [u8; 32] = hex::decode(entry.hash.trim_start_matches("0x"))
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| TxError::Chain(format!("bad hash {}", entry.hash)))?;
    let inner_hash: Option<[u8; 32]> = entry
        .shielded_inner
        .as_deref()
        .and_then(|h| hex::decode(h.trim_start_matches("0x")).ok())
        .and_then(|b| b.try_into().ok());

    let status = if u64::from(balance.nonce) > entry.nonce {
        // Something with this nonce went in: ours, or another one (usurped).
        let last = best.min(entry.era_block + MORTAL_PERIOD_BLOCKS);
        let mut found = None;
        for number in entry.era_block..=last {
            let block_hash: Option<String> = client
                .call("chain_getBlockHash", rpc_params![number])
                .await
                .map_err(chain)?;
            let Some(block_hash) = block_hash else {
                continue;
            };
            let block: Json = client
                .call("chain_getBlock", rpc_params![&block_hash])
                .await
                .map_err(chain)?;
            if let Some(index) = extrinsic_index(&block, &hash_bytes) {
                let mut outcome = outcome_at(client, &block_hash, index)
                    .await
                    .unwrap_or(DispatchOutcome::NotKnown);
                if let Some(inner) = inner_hash
                    && outcome == DispatchOutcome::Success
                {
                    outcome = revealed(client, number, &inner, false).await;
                }
                found = Some((number, block_hash, outcome));
                break;
            }
        }
        match found {
            Some((number, block_hash, outcome)) if number <= finalized => TxStatus::Finalized {
                block_number: number,
                block_hash,
                outcome,
            },
            Some((number, block_hash, outcome)) => TxStatus::InBlock {
                block_number: number,
                block_hash,
                outcome,
            },
            None => TxStatus::Usurped,
        }
    } else if best > entry.era_block + MORTAL_PERIOD_BLOCKS {
        // Its era ran out and the nonce never moved: it can no longer be included.
        TxStatus::Dropped
    } else {
        TxStatus::Unknown
    };
    journal.update(&entry.hash, status.clone())?;
    Ok(status)
}
