//! The explorer's reads: each screen's data in as few round trips as the runtime allows,
//! every request pinned to one block so a page never mixes two chain states.
//!
//! Requests go out as plain JSON-RPC (`state_call`, `state_getStorage`, `state_getKeysPaged`,
//! `state_queryStorageAt`) through [`ChainClient::call`], so each has the request timeout
//! and plain-language errors; subxt supplies the block's metadata, storage key hashing and
//! nothing else. Decoding lives in [`crate::explorer::decode`].

use std::collections::{BTreeMap, HashMap};

use futures::future::try_join_all;
use futures::{StreamExt, TryStreamExt};
use parity_scale_codec::Encode;
use scale_decode::DecodeAsType;
use scale_info::TypeDef;
use serde::Deserialize;
use subxt::ext::frame_decode::storage::{IntoEncodableValues, encode_storage_key};
use subxt::metadata::{ArcMetadata, Metadata, StorageHasher};
use subxt::rpcs::rpc_params;

use super::{ChainClient, ChainError, REQUEST_TIMEOUT};
use crate::explorer::decode::{
    self, DELEGATE_INFO_API, NEURON_INFO_API, STAKE_INFO_API, SUBNET_INFO_API, SWAP_API,
    decode_error, decode_storage_value, has_runtime_api,
};
use crate::explorer::snapshot::{SNAPSHOT_FORMAT, Snapshot, block_time_ms_from_header};
use crate::explorer::{
    Alpha, Balance, BlockRef, Delegate, HotkeyRegistrations, Hyperparameters, Metagraph,
    MetagraphSource, MetagraphSubnet, NetworkTotals, Portfolio, Position, Rao, StakeEntry,
    SubnetSummary, alpha_value_rao, share_ppm, ss58,
};

/// The pallet most explorer storage lives in.
const SUBTENSOR: &str = "SubtensorModule";
/// Keys per `state_getKeysPaged` page for small maps (the Python SDK's size, so recorded
/// traffic replays).
const SMALL_PAGE: u32 = 100;
/// Keys per page for maps with one entry per subnet (the node's maximum is 1,000).
const LARGE_PAGE: u32 = 1000;

/// A 32-byte account key.
pub type AccountKey = [u8; 32];

/// Metagraphs read at once while saving a snapshot: enough to hide latency, few enough
/// not to crowd a public node.
const SNAPSHOT_PARALLEL_READS: usize = 4;

/// What [`PinnedBlock::snapshot`] reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnapshotPlan {
    /// Leave out the subnets list and chain totals (only metagraphs).
    pub metagraphs_only: bool,
    /// The metagraphs to save; `None` saves every subnet's.
    pub netuids: Option<Vec<u16>>,
}

/// A client pinned to one block: every read through it sees the same chain state.
#[derive(Clone)]
pub struct PinnedBlock {
    client: ChainClient,
    block: BlockRef,
    metadata: ArcMetadata,
}

impl ChainClient {
    /// Pins the newest finalized block: its hash, number, runtime version and metadata
    /// (downloaded once per runtime version and kept by subxt).
    pub async fn pin_latest(&self) -> Result<PinnedBlock, ChainError> {
        let at = tokio::time::timeout(REQUEST_TIMEOUT, self.online().at_current_block())
            .await
            .map_err(|_| ChainError::RequestTimeout {
                what: "chain_getFinalizedHead".into(),
                seconds: REQUEST_TIMEOUT.as_secs(),
            })?
            .map_err(|e| ChainError::Node {
                what: "chain_getFinalizedHead".into(),
                reason: e.to_string(),
            })?;
        Ok(PinnedBlock {
            client: self.clone(),
            block: BlockRef {
                number: at.block_number(),
                hash: format!("0x{}", hex::encode(at.block_hash().as_bytes())),
                spec_version: at.spec_version(),
            },
            metadata: at.metadata(),
        })
    }
}

/// One `state_queryStorageAt` change set.
#[derive(Deserialize)]
struct ChangeSet {
    changes: Vec<(String, Option<String>)>,
}

/// `0x`-hex to bytes; anything else is a decode error of `what`.
fn from_hex(what: &str, text: &str) -> Result<Vec<u8>, ChainError> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .map_err(|e| decode_error(what, format!("not hex: {e}")))
}

fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// How many fields `method`'s `Option<SelectiveMetagraph>` answer has: the selective calls
/// take the list of field indexes wanted, and we want all of them.
fn selective_field_count(metadata: &Metadata, method: &str) -> Option<u16> {
    let output = decode::runtime_api_output(metadata, SUBNET_INFO_API, method)?;
    let types = metadata.types();
    let TypeDef::Variant(option) = &types.resolve(output)?.type_def else {
        return None;
    };
    let some = option.variants.iter().find(|v| v.name == "Some")?;
    let inner = some.fields.first()?.ty.id;
    let TypeDef::Composite(fields) = &types.resolve(inner)?.type_def else {
        return None;
    };
    u16::try_from(fields.fields.len()).ok()
}

/// The bytes of the last key part of a storage key under `prefix`, unhashed: only
/// `Identity` and the `…Concat` hashers keep the key readable.
pub(super) fn last_key_part(key: &[u8], prefix_len: usize, hasher: StorageHasher) -> Option<&[u8]> {
    let tail = key.get(prefix_len..)?;
    let skip = match hasher {
        StorageHasher::Identity => 0,
        StorageHasher::Twox64Concat => 8,
        StorageHasher::Blake2_128Concat => 16,
        _ => return None,
    };
    tail.get(skip..)
}

impl PinnedBlock {
    /// The connection the reads go through (for reads at another block of the same chain).
    pub(crate) fn client(&self) -> &ChainClient {
        &self.client
    }

    /// The block every read is pinned to.
    pub fn block(&self) -> &BlockRef {
        &self.block
    }

    /// The chain's genesis hash, `0x`-hex.
    pub fn genesis_hash(&self) -> String {
        self.client.genesis_hash()
    }

    /// The runtime metadata at that block.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The same metadata, shared (for signing against it).
    pub fn metadata_arc(&self) -> ArcMetadata {
        self.metadata.clone()
    }

    /// The runtime's spec and transaction versions at this block.
    pub async fn runtime_version(&self) -> Result<(u32, u32), ChainError> {
        let version: serde_json::Value = self
            .client
            .call("state_getRuntimeVersion", rpc_params![&self.block.hash])
            .await?;
        let field = |name: &str| {
            version
                .get(name)
                .and_then(serde_json::Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| decode_error("state_getRuntimeVersion", format!("no {name}")))
        };
        Ok((field("specVersion")?, field("transactionVersion")?))
    }

    /// Calls `api_method` with SCALE-encoded `args` at this block and returns the raw answer.
    pub async fn state_call(
        &self,
        api: &str,
        method: &str,
        args: &[u8],
    ) -> Result<Vec<u8>, ChainError> {
        let name = format!("{api}_{method}");
        let answer: String = self
            .client
            .call(
                "state_call",
                rpc_params![&name, to_hex(args), &self.block.hash],
            )
            .await?;
        from_hex(&name, &answer)
    }

    /// The storage key of `pallet.item` for `keys` (all of them, or a prefix to iterate).
    pub fn storage_key(
        &self,
        pallet: &str,
        item: &str,
        keys: impl IntoEncodableValues,
    ) -> Result<Vec<u8>, ChainError> {
        encode_storage_key(pallet, item, keys, &*self.metadata, self.metadata.types())
            .map_err(|e| decode_error(&format!("{pallet}.{item}"), e.to_string()))
    }

    /// The raw value at `key`, `None` when nothing is stored there.
    pub async fn storage_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ChainError> {
        let answer: Option<String> = self
            .client
            .call(
                "state_getStorage",
                rpc_params![to_hex(key), &self.block.hash],
            )
            .await?;
        answer.map(|h| from_hex("state_getStorage", &h)).transpose()
    }

    /// Reads and decodes `pallet.item(keys)`, falling back to the item's default value.
    pub async fn storage_value<T: DecodeAsType>(
        &self,
        pallet: &str,
        item: &str,
        keys: impl IntoEncodableValues,
    ) -> Result<Option<T>, ChainError> {
        let key = self.storage_key(pallet, item, keys)?;
        let raw = self.storage_raw(&key).await?;
        decode_storage_value(&self.metadata, pallet, item, raw.as_deref())
    }

    /// Every (key, value) stored under `prefix`: key pages of `page`, then one batch read.
    pub(crate) async fn storage_entries(
        &self,
        prefix: &[u8],
        page: u32,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ChainError> {
        let prefix_hex = to_hex(prefix);
        let mut keys: Vec<String> = Vec::new();
        let mut start = prefix_hex.clone();
        loop {
            let batch: Vec<String> = self
                .client
                .call(
                    "state_getKeysPaged",
                    rpc_params![&prefix_hex, page, &start, &self.block.hash],
                )
                .await?;
            let full = batch.len() >= page as usize;
            match batch.last() {
                Some(last) => start = last.clone(),
                None => break,
            }
            keys.extend(batch);
            if !full {
                break;
            }
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut entries = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(LARGE_PAGE as usize) {
            let sets: Vec<ChangeSet> = self
                .client
                .call("state_queryStorageAt", rpc_params![chunk, &self.block.hash])
                .await?;
            for set in sets {
                for (key, value) in set.changes {
                    if let Some(value) = value {
                        entries.push((
                            from_hex("state_queryStorageAt", &key)?,
                            from_hex("state_queryStorageAt", &value)?,
                        ));
                    }
                }
            }
        }
        Ok(entries)
    }

    /// A map keyed last by a netuid (`u16`), read whole under `prefix_keys`: netuid → value.
    async fn netuid_map<T: DecodeAsType>(
        &self,
        item: &str,
        prefix_keys: impl IntoEncodableValues,
        page: u32,
    ) -> Result<BTreeMap<u16, T>, ChainError> {
        let what = format!("{SUBTENSOR}.{item}");
        let entry = self
            .metadata
            .pallet_by_name(SUBTENSOR)
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name(item))
            .ok_or_else(|| decode_error(&what, "this runtime has no such storage item"))?;
        let hasher = entry
            .keys()
            .last()
            .map(|k| k.hasher)
            .ok_or_else(|| decode_error(&what, "not a map"))?;
        let prefix = self.storage_key(SUBTENSOR, item, prefix_keys)?;
        let mut out = BTreeMap::new();
        for (key, value) in self.storage_entries(&prefix, page).await? {
            let netuid = last_key_part(&key, prefix.len(), hasher)
                .and_then(|b| <[u8; 2]>::try_from(b).ok())
                .map(u16::from_le_bytes)
                .ok_or_else(|| decode_error(&what, "a key is not a netuid"))?;
            if let Some(v) =
                decode_storage_value::<T>(&self.metadata, SUBTENSOR, item, Some(&value))?
            {
                out.insert(netuid, v);
            }
        }
        Ok(out)
    }

    /// Every subnet with its pool, spot price and registration cost: dynamic info, prices
    /// and the `Burn` map, fetched in parallel.
    pub async fn subnets(&self) -> Result<Vec<SubnetSummary>, ChainError> {
        let burns = self.netuid_map::<u64>("Burn", (), LARGE_PAGE);
        let (mut subnets, burns) = futures::try_join!(self.priced_subnets(), burns)?;
        for subnet in &mut subnets {
            subnet.registration_cost_rao = burns.get(&subnet.netuid).copied().map(Rao);
        }
        Ok(subnets)
    }

    /// Every subnet with its pool and spot price (no registration cost): dynamic info and
    /// prices, fetched in parallel.
    async fn priced_subnets(&self) -> Result<Vec<SubnetSummary>, ChainError> {
        let md = &*self.metadata;
        let infos = self.state_call(SUBNET_INFO_API, "get_all_dynamic_info", &[]);
        let prices = async {
            if has_runtime_api(md, SWAP_API, "current_alpha_price_all") {
                let bytes = self
                    .state_call(SWAP_API, "current_alpha_price_all", &[])
                    .await?;
                decode::decode_alpha_prices(md, &bytes).map(Some)
            } else {
                Ok(None)
            }
        };
        let (infos, prices) = futures::try_join!(infos, prices)?;
        let mut subnets = decode::decode_all_dynamic_info(md, &infos)?;
        let prices = match prices {
            Some(prices) => prices,
            // Older runtimes price one subnet per call; ask for all of them at once.
            None if has_runtime_api(md, SWAP_API, "current_alpha_price") => {
                let calls = subnets.iter().map(|s| async move {
                    let bytes = self
                        .state_call(SWAP_API, "current_alpha_price", &s.netuid.encode())
                        .await?;
                    Ok::<_, ChainError>((s.netuid, decode::decode_alpha_price(md, &bytes)?))
                });
                try_join_all(calls).await?.into_iter().collect()
            }
            None => BTreeMap::new(),
        };
        for subnet in &mut subnets {
            subnet.price_rao_per_alpha = prices.get(&subnet.netuid).copied();
        }
        Ok(subnets)
    }

    /// A subnet's metagraph in one call: the full selective mechagraph (mechanism 0, every
    /// field) where the runtime has it, else `get_metagraph`, else the lite neuron list.
    pub async fn metagraph(&self, netuid: u16) -> Result<Metagraph, ChainError> {
        let md = &*self.metadata;
        let number = self.block.number;
        for method in ["get_selective_mechagraph", "get_selective_metagraph"] {
            if let Some(fields) = selective_field_count(md, method) {
                let indexes: Vec<u16> = (0..fields).collect();
                let args = if method == "get_selective_mechagraph" {
                    (netuid, 0u8, indexes).encode()
                } else {
                    (netuid, indexes).encode()
                };
                let bytes = self.state_call(SUBNET_INFO_API, method, &args).await?;
                return decode::decode_metagraph(md, method, &bytes, netuid, number);
            }
        }
        if has_runtime_api(md, SUBNET_INFO_API, "get_metagraph") {
            let bytes = self
                .state_call(SUBNET_INFO_API, "get_metagraph", &netuid.encode())
                .await?;
            return decode::decode_metagraph(md, "get_metagraph", &bytes, netuid, number);
        }
        let args = netuid.encode();
        let (bytes, exists) = futures::try_join!(
            self.state_call(NEURON_INFO_API, "get_neurons_lite", &args),
            self.subnet_exists(netuid)
        )?;
        if !exists {
            return Err(ChainError::SubnetNotFound { netuid });
        }
        let neurons = decode::decode_neurons_lite(md, &bytes)?;
        Ok(Metagraph {
            netuid,
            block: number,
            n: u16::try_from(neurons.len()).unwrap_or(u16::MAX),
            source: MetagraphSource::NeuronsLite,
            subnet: MetagraphSubnet::default(),
            neurons,
        })
    }

    /// Whether subnet `netuid` exists (`NetworksAdded`).
    pub async fn subnet_exists(&self, netuid: u16) -> Result<bool, ChainError> {
        Ok(self
            .storage_value::<bool>(SUBTENSOR, "NetworksAdded", (netuid,))
            .await?
            .unwrap_or(false))
    }

    /// How many UIDs subnet `netuid` has (`SubnetworkN`); an unknown subnet is an error.
    pub async fn subnetwork_n(&self, netuid: u16) -> Result<u16, ChainError> {
        let (exists, n) = futures::try_join!(
            self.subnet_exists(netuid),
            self.storage_value::<u16>(SUBTENSOR, "SubnetworkN", (netuid,))
        )?;
        if !exists {
            return Err(ChainError::SubnetNotFound { netuid });
        }
        Ok(n.unwrap_or(0))
    }

    /// An account's free, reserved and frozen TAO and its nonce (`System.Account`).
    pub async fn balance(&self, account: &AccountKey) -> Result<Balance, ChainError> {
        let key = self.storage_key("System", "Account", (account,))?;
        let raw = self.storage_raw(&key).await?;
        decode::decode_account(&self.metadata, raw.as_deref())
    }

    /// The subnets `hotkey` is registered on (`IsNetworkMember`), ascending.
    pub async fn hotkey_netuids(&self, hotkey: &AccountKey) -> Result<Vec<u16>, ChainError> {
        let members = self
            .netuid_map::<bool>("IsNetworkMember", (hotkey,), SMALL_PAGE)
            .await?;
        Ok(members
            .into_iter()
            .filter_map(|(netuid, member)| member.then_some(netuid))
            .collect())
    }

    /// `hotkey`'s UID on subnet `netuid` (`Uids`), `None` when not registered there.
    pub async fn uid_for_hotkey(
        &self,
        netuid: u16,
        hotkey: &AccountKey,
    ) -> Result<Option<u16>, ChainError> {
        self.storage_value::<u16>(SUBTENSOR, "Uids", (netuid, hotkey))
            .await
    }

    /// The coldkey that owns `hotkey` (`Owner`); `None` for a hotkey never registered.
    pub async fn hotkey_owner(&self, hotkey: &AccountKey) -> Result<Option<String>, ChainError> {
        let owner = self
            .storage_value::<AccountKey>(SUBTENSOR, "Owner", (hotkey,))
            .await?;
        // The map's default is the all-zero account: "no owner".
        Ok(owner
            .filter(|o| o.iter().any(|b| *b != 0))
            .map(|o| ss58::encode(&o)))
    }

    /// Where `hotkey` is registered: netuids, its UID in each, and its owner.
    pub async fn hotkey_registrations(
        &self,
        hotkey: &AccountKey,
    ) -> Result<HotkeyRegistrations, ChainError> {
        let (netuids, owner) =
            futures::try_join!(self.hotkey_netuids(hotkey), self.hotkey_owner(hotkey))?;
        let uids = try_join_all(netuids.iter().map(|&netuid| async move {
            Ok::<_, ChainError>((netuid, self.uid_for_hotkey(netuid, hotkey).await?))
        }))
        .await?;
        Ok(HotkeyRegistrations {
            hotkey: ss58::encode(hotkey),
            netuids,
            uids: uids
                .into_iter()
                .filter_map(|(netuid, uid)| Some((netuid, uid?)))
                .collect(),
            owner_coldkey: owner,
        })
    }

    /// Every stake position of `coldkey`.
    pub async fn stake_for_coldkey(
        &self,
        coldkey: &AccountKey,
    ) -> Result<Vec<StakeEntry>, ChainError> {
        let bytes = self
            .state_call(
                STAKE_INFO_API,
                "get_stake_info_for_coldkey",
                &coldkey.encode(),
            )
            .await?;
        decode::decode_stake_info(&self.metadata, &bytes)
    }

    /// Every delegate (validators that accept nominations), named from its owner's on-chain
    /// identity: the delegates call, then one multi-read of the owners' identities.
    pub async fn delegates(&self) -> Result<Vec<Delegate>, ChainError> {
        let bytes = self
            .state_call(DELEGATE_INFO_API, "get_delegates", &[])
            .await?;
        let mut delegates = decode::decode_delegates(&self.metadata, &bytes)?;
        let owners: Vec<AccountKey> = delegates
            .iter()
            .filter_map(|d| ss58::decode("owner", &d.owner).ok())
            .collect();
        let names = self.identity_names(&owners).await?;
        for delegate in &mut delegates {
            delegate.name = ss58::decode("owner", &delegate.owner)
                .ok()
                .and_then(|owner| names.get(&owner).cloned());
        }
        Ok(delegates)
    }

    /// The values stored at `keys`, in the same order (`None` where nothing is stored): one
    /// `state_queryStorageAt` per 1,000 keys, so a page's many small reads cost one round trip.
    pub async fn storage_multi(
        &self,
        keys: &[Vec<u8>],
    ) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let hex_keys: Vec<String> = keys.iter().map(|k| to_hex(k)).collect();
        let mut found: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
        for chunk in hex_keys.chunks(LARGE_PAGE as usize) {
            let sets: Vec<ChangeSet> = self
                .client
                .call("state_queryStorageAt", rpc_params![chunk, &self.block.hash])
                .await?;
            for set in sets {
                for (key, value) in set.changes {
                    if let Some(value) = value {
                        found.insert(
                            from_hex("state_queryStorageAt", &key)?,
                            from_hex("state_queryStorageAt", &value)?,
                        );
                    }
                }
            }
        }
        Ok(keys.iter().map(|k| found.get(k).cloned()).collect())
    }

    /// Display names from on-chain identity (`IdentitiesV2`, or `Identities` on older
    /// runtimes) for `coldkeys`, in one multi-read. Coldkeys with no identity are left out,
    /// and so is an identity that does not decode: a name is never worth failing a page.
    pub async fn identity_names(
        &self,
        coldkeys: &[AccountKey],
    ) -> Result<HashMap<AccountKey, String>, ChainError> {
        let md = &*self.metadata;
        let item = ["IdentitiesV2", "Identities"].into_iter().find(|item| {
            md.pallet_by_name(SUBTENSOR)
                .and_then(|p| p.storage())
                .and_then(|s| s.entry_by_name(item))
                .is_some()
        });
        let Some(item) = item else {
            return Ok(HashMap::new());
        };
        let mut unique = coldkeys.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let keys = unique
            .iter()
            .map(|coldkey| self.storage_key(SUBTENSOR, item, (coldkey,)))
            .collect::<Result<Vec<_>, _>>()?;
        let values = self.storage_multi(&keys).await?;
        Ok(unique
            .into_iter()
            .zip(values)
            .filter_map(|(coldkey, value)| {
                let name = decode::decode_identity_name(md, item, &value?).ok()??;
                Some((coldkey, name))
            })
            .collect())
    }

    /// A subnet's hyperparameters: `get_subnet_hyperparams_v3` (a forward-compatible
    /// name/value list) where the runtime has it, else `_v2`, else the first version.
    pub async fn hyperparameters(&self, netuid: u16) -> Result<Hyperparameters, ChainError> {
        let md = &*self.metadata;
        for method in [
            "get_subnet_hyperparams_v3",
            "get_subnet_hyperparams_v2",
            "get_subnet_hyperparams",
        ] {
            if has_runtime_api(md, SUBNET_INFO_API, method) {
                let bytes = self
                    .state_call(SUBNET_INFO_API, method, &netuid.encode())
                    .await?;
                return decode::decode_hyperparams(md, method, &bytes, netuid);
            }
        }
        Err(decode_error(
            "SubnetInfoRuntimeApi_get_subnet_hyperparams",
            "this runtime has no hyperparameter call",
        ))
    }

    /// A coldkey's balance and stake positions, each valued in TAO at the swap pallet's spot
    /// price, with the validator's name and this position's share of its stake there.
    /// Round trips: balance, positions and subnet prices in parallel; then one multi-read of
    /// each validator's owner and total alpha; then one of the owners' identities.
    pub async fn portfolio(&self, coldkey: &AccountKey) -> Result<Portfolio, ChainError> {
        let (balance, stakes, subnets) = futures::try_join!(
            self.balance(coldkey),
            self.stake_for_coldkey(coldkey),
            self.priced_subnets()
        )?;
        let stakes: Vec<StakeEntry> = stakes.into_iter().filter(|s| s.stake.0 > 0).collect();
        let hotkeys: Vec<AccountKey> = stakes
            .iter()
            .map(|s| {
                ss58::decode("hotkey", &s.hotkey)
                    .map_err(|e| decode_error("StakeInfo", e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        // Owner(hotkey) for each distinct hotkey, then TotalHotkeyAlpha(hotkey, netuid) per position.
        let mut distinct = hotkeys.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let mut keys = distinct
            .iter()
            .map(|h| self.storage_key(SUBTENSOR, "Owner", (h,)))
            .collect::<Result<Vec<_>, _>>()?;
        let has_total_alpha = self
            .metadata
            .pallet_by_name(SUBTENSOR)
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name("TotalHotkeyAlpha"))
            .is_some();
        if has_total_alpha {
            for (stake, hotkey) in stakes.iter().zip(&hotkeys) {
                keys.push(self.storage_key(
                    SUBTENSOR,
                    "TotalHotkeyAlpha",
                    (hotkey, stake.netuid),
                )?);
            }
        }
        let mut values = self.storage_multi(&keys).await?.into_iter();
        let mut owners = Vec::with_capacity(distinct.len());
        for hotkey in &distinct {
            let raw = values.next().flatten();
            let owner: Option<AccountKey> =
                decode_storage_value(&self.metadata, SUBTENSOR, "Owner", raw.as_deref())?;
            if let Some(owner) = owner.filter(|o| o.iter().any(|b| *b != 0)) {
                owners.push((*hotkey, owner));
            }
        }
        let mut totals = Vec::with_capacity(stakes.len());
        if has_total_alpha {
            for _ in &stakes {
                let raw = values.next().flatten();
                totals.push(decode_storage_value::<u64>(
                    &self.metadata,
                    SUBTENSOR,
                    "TotalHotkeyAlpha",
                    raw.as_deref(),
                )?);
            }
        }
        let owner_keys: Vec<AccountKey> = owners.iter().map(|(_, o)| *o).collect();
        let names = self.identity_names(&owner_keys).await?;
        let name_of = |hotkey: &AccountKey| {
            owners
                .iter()
                .find(|(h, _)| h == hotkey)
                .and_then(|(_, owner)| names.get(owner).cloned())
        };
        let mut positions: Vec<Position> = stakes
            .iter()
            .zip(&hotkeys)
            .enumerate()
            .map(|(i, (stake, hotkey))| {
                let subnet = subnets.iter().find(|s| s.netuid == stake.netuid);
                // Root stake is TAO itself: one unit is one rao there, whatever a pool says.
                let price = if stake.netuid == 0 {
                    Some(1_000_000_000)
                } else {
                    subnet.and_then(|s| s.price_rao_per_alpha)
                };
                let validator_alpha = totals.get(i).copied().flatten().map(Alpha);
                Position {
                    netuid: stake.netuid,
                    subnet_name: subnet.map(|s| s.name.clone()).unwrap_or_default(),
                    symbol: subnet.map(|s| s.symbol.clone()).unwrap_or_default(),
                    hotkey: stake.hotkey.clone(),
                    validator_name: name_of(hotkey),
                    alpha: stake.stake,
                    price_rao_per_alpha: price,
                    value_rao: price.map(|p| alpha_value_rao(stake.stake, p)),
                    validator_alpha,
                    share_ppm: validator_alpha.and_then(|total| share_ppm(stake.stake.0, total.0)),
                }
            })
            .collect();
        positions.sort_by(|a, b| b.value_rao.cmp(&a.value_rao).then(a.netuid.cmp(&b.netuid)));
        Ok(Portfolio {
            coldkey: ss58::encode(coldkey),
            balance,
            positions,
        })
    }

    /// Issuance, stake and subnet count, read in parallel.
    pub async fn network_totals(&self) -> Result<NetworkTotals, ChainError> {
        let (issuance, balances_issuance, stake, networks) = futures::try_join!(
            self.storage_value::<u64>(SUBTENSOR, "TotalIssuance", ()),
            self.storage_value::<u64>("Balances", "TotalIssuance", ()),
            self.storage_value::<u64>(SUBTENSOR, "TotalStake", ()),
            self.storage_value::<u16>(SUBTENSOR, "TotalNetworks", ()),
        )?;
        Ok(NetworkTotals {
            total_issuance_rao: Rao(issuance.unwrap_or(0)),
            balances_total_issuance_rao: balances_issuance.map(Rao),
            total_stake_rao: stake.map(Rao),
            total_networks: networks,
        })
    }

    /// Everything the explorer pages show, at this block, for offline use: the header's
    /// time, the subnets list and totals (unless `metagraphs_only`) and the metagraphs.
    pub async fn snapshot(
        &self,
        network: &str,
        plan: &SnapshotPlan,
    ) -> Result<Snapshot, ChainError> {
        let header = self
            .client
            .call::<serde_json::Value>("chain_getHeader", rpc_params![&self.block.hash]);
        let lists = async {
            if plan.metagraphs_only {
                Ok((None, None))
            } else {
                let (subnets, totals) = futures::try_join!(self.subnets(), self.network_totals())?;
                Ok::<_, ChainError>((Some(subnets), Some(totals)))
            }
        };
        let (header, (subnets, totals)) = futures::try_join!(header, lists)?;
        let mut netuids = match (&plan.netuids, &subnets) {
            (Some(chosen), _) => chosen.clone(),
            (None, Some(subnets)) => subnets.iter().map(|s| s.netuid).collect(),
            (None, None) => Vec::new(),
        };
        netuids.sort_unstable();
        netuids.dedup();
        let metagraphs: Vec<Metagraph> = futures::stream::iter(netuids)
            .map(|netuid| self.metagraph(netuid))
            .buffered(SNAPSHOT_PARALLEL_READS)
            .try_collect()
            .await?;
        let mut parts = Vec::new();
        if subnets.is_some() {
            parts.push("the subnets list".to_string());
        }
        if totals.is_some() {
            parts.push("chain totals".to_string());
        }
        parts.push(format!("{} metagraph(s)", metagraphs.len()));
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            network: network.to_string(),
            genesis_hash: self.genesis_hash(),
            block: self.block.clone(),
            block_time_ms: block_time_ms_from_header(&header),
            note: format!(
                "Read from {network} at block {}: {}.",
                self.block.number,
                parts.join(", ")
            ),
            subnets,
            totals,
            metagraphs,
        })
    }
}
