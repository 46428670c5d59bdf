//! Bytes to domain values: runtime-API answers and storage values, decoded by field name
//! against the metadata of the block they came from.
//!
//! Pure functions with no I/O, so tests and benchmarks feed them recorded or encoded bytes.
//! Truncated, padded or garbled input is a [`ChainError::Decode`], never a panic.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use scale_decode::DecodeAsType;
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};
use scale_value::{Composite, Primitive, Value, ValueDef};
use subxt::metadata::Metadata;

use super::ss58;
use super::wire::{
    AccountInfoWire, AxonWire, ChainIdentityWire, DelegateWire, DynamicInfoWire, IdentityWire,
    MetagraphWire, NeuronLiteWire, StakeInfoWire, SubnetPriceWire,
};
use super::{
    Alpha, Axon, Balance, Delegate, HyperparamValue, Hyperparameter, Hyperparameters, Metagraph,
    MetagraphSource, MetagraphSubnet, Neuron, Rao, StakeEntry, SubnetIdentity, SubnetSummary,
};
use crate::chain::ChainError;

/// `SubnetInfoRuntimeApi`: subnets, dynamic info and metagraphs.
pub const SUBNET_INFO_API: &str = "SubnetInfoRuntimeApi";
/// `NeuronInfoRuntimeApi`: neurons.
pub const NEURON_INFO_API: &str = "NeuronInfoRuntimeApi";
/// `StakeInfoRuntimeApi`: stake positions.
pub const STAKE_INFO_API: &str = "StakeInfoRuntimeApi";
/// `DelegateInfoRuntimeApi`: delegates.
pub const DELEGATE_INFO_API: &str = "DelegateInfoRuntimeApi";
/// `SwapRuntimeApi`: prices and quotes.
pub const SWAP_API: &str = "SwapRuntimeApi";

/// A `ChainError::Decode` for the answer to `what`.
pub fn decode_error(what: &str, reason: impl Into<String>) -> ChainError {
    ChainError::Decode {
        what: what.to_string(),
        reason: reason.into(),
    }
}

/// The type id of a runtime API method's answer, or `None` when this runtime lacks it.
pub fn runtime_api_output(metadata: &Metadata, api: &str, method: &str) -> Option<u32> {
    metadata
        .runtime_api_trait_by_name(api)?
        .method_by_name(method)
        .map(|m| m.output_ty())
}

/// Whether this runtime has `api.method`.
pub fn has_runtime_api(metadata: &Metadata, api: &str, method: &str) -> bool {
    runtime_api_output(metadata, api, method).is_some()
}

/// Decodes all of `bytes` as type `type_id` into `T`; left-over bytes are an error too,
/// because they mean the answer is not the shape the metadata says.
pub fn decode_exact<T: DecodeAsType>(
    metadata: &Metadata,
    what: &str,
    type_id: u32,
    bytes: &[u8],
) -> Result<T, ChainError> {
    let mut cursor = bytes;
    let value = T::decode_as_type(&mut cursor, type_id, metadata.types())
        .map_err(|e| decode_error(what, e.to_string()))?;
    if !cursor.is_empty() {
        return Err(decode_error(
            what,
            format!("{} unexpected bytes after the value", cursor.len()),
        ));
    }
    Ok(value)
}

/// Decodes a runtime API's answer into `T` by the method's output type.
pub fn decode_api_answer<T: DecodeAsType>(
    metadata: &Metadata,
    api: &str,
    method: &str,
    bytes: &[u8],
) -> Result<T, ChainError> {
    let what = format!("{api}_{method}");
    let type_id = runtime_api_output(metadata, api, method)
        .ok_or_else(|| decode_error(&what, "this runtime has no such call"))?;
    decode_exact(metadata, &what, type_id, bytes)
}

/// Decodes a storage value, or the item's default when the node had none (`bytes = None`).
/// `Ok(None)` when there is neither.
pub fn decode_storage_value<T: DecodeAsType>(
    metadata: &Metadata,
    pallet: &str,
    item: &str,
    bytes: Option<&[u8]>,
) -> Result<Option<T>, ChainError> {
    let what = format!("{pallet}.{item}");
    let entry = metadata
        .pallet_by_name(pallet)
        .and_then(|p| p.storage())
        .and_then(|s| s.entry_by_name(item))
        .ok_or_else(|| decode_error(&what, "this runtime has no such storage item"))?;
    let Some(bytes) = bytes.or_else(|| entry.default_value()) else {
        return Ok(None);
    };
    decode_exact(metadata, &what, entry.value_ty(), bytes).map(Some)
}

/// A field the domain type cannot do without.
fn required<T>(value: Option<T>, what: &str, field: &str) -> Result<T, ChainError> {
    value.ok_or_else(|| decode_error(what, format!("the answer has no '{field}'")))
}

/// Chain bytes as text; invalid UTF-8 is shown with replacement marks rather than refused.
fn text(bytes: Option<Vec<u8>>) -> Option<String> {
    bytes.map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn identity(wire: IdentityWire) -> SubnetIdentity {
    let t = |b: Option<Vec<u8>>| text(b).unwrap_or_default();
    SubnetIdentity {
        subnet_name: t(wire.subnet_name),
        github_repo: t(wire.github_repo),
        subnet_contact: t(wire.subnet_contact),
        subnet_url: t(wire.subnet_url),
        discord: t(wire.discord),
        description: t(wire.description),
        logo_url: t(wire.logo_url),
        additional: t(wire.additional),
    }
}

/// `ip:port` of an announced axon; `None` for the never-served all-zero entry.
fn axon(wire: AxonWire) -> Option<Axon> {
    let ip = wire.ip.unwrap_or(0);
    let port = wire.port.unwrap_or(0);
    if ip == 0 {
        return None;
    }
    let address = match (wire.ip_type, u32::try_from(ip)) {
        (Some(4), Ok(v4)) => format!("{}:{port}", Ipv4Addr::from(v4)),
        _ => format!("[{}]:{port}", Ipv6Addr::from(ip)),
    };
    Some(Axon {
        address,
        version: wire.version.unwrap_or(0),
        block: wire.block.unwrap_or(0),
    })
}

/// SS58 text of coldkeys, remembered per decode: one coldkey often owns many UIDs.
#[derive(Default)]
struct ColdkeyNames(std::collections::HashMap<[u8; 32], String>);

impl ColdkeyNames {
    fn name(&mut self, key: &[u8; 32]) -> String {
        self.0
            .entry(*key)
            .or_insert_with(|| ss58::encode(key))
            .clone()
    }
}

/// Decodes `NeuronInfoRuntimeApi_get_neurons_lite`.
pub fn decode_neurons_lite(metadata: &Metadata, bytes: &[u8]) -> Result<Vec<Neuron>, ChainError> {
    let what = "NeuronInfoRuntimeApi_get_neurons_lite";
    let wires: Vec<NeuronLiteWire> =
        decode_api_answer(metadata, NEURON_INFO_API, "get_neurons_lite", bytes)?;
    let mut coldkeys = ColdkeyNames::default();
    wires
        .into_iter()
        .map(|w| {
            let stake = w
                .stake
                .as_ref()
                .map(|s| s.iter().fold(0u64, |sum, (_, a)| sum.saturating_add(*a)))
                .unwrap_or(0);
            Ok(Neuron {
                uid: required(w.uid, what, "uid")?,
                hotkey: ss58::encode(&required(w.hotkey, what, "hotkey")?.0),
                coldkey: coldkeys.name(&required(w.coldkey, what, "coldkey")?.0),
                active: w.active.unwrap_or(false),
                validator_permit: w.validator_permit.unwrap_or(false),
                stake: Alpha(stake),
                tao_stake: None,
                total_stake: None,
                consensus: w.consensus.unwrap_or(0),
                incentive: w.incentive.unwrap_or(0),
                dividends: w.dividends.unwrap_or(0),
                validator_trust: w.validator_trust,
                emission: Alpha(w.emission.unwrap_or(0)),
                last_update: w.last_update.unwrap_or(0),
                registered_at: None,
                axon: w.axon_info.and_then(axon),
            })
        })
        .collect()
}

/// Element `uid` of a per-UID column that must be there.
fn column<T: Copy>(
    col: &Option<Vec<T>>,
    uid: usize,
    what: &str,
    name: &str,
) -> Result<T, ChainError> {
    let col = col
        .as_ref()
        .ok_or_else(|| decode_error(what, format!("the answer has no '{name}'")))?;
    col.get(uid).copied().ok_or_else(|| {
        decode_error(
            what,
            format!("'{name}' has {} entries, not one per UID", col.len()),
        )
    })
}

/// Element `uid` of a per-UID column an older runtime may lack.
fn optional_column<T: Copy>(col: &Option<Vec<T>>, uid: usize) -> Option<T> {
    col.as_ref().and_then(|c| c.get(uid).copied())
}

/// Decodes `get_selective_mechagraph`, `get_selective_metagraph` or `get_metagraph` (all
/// `Option<…Metagraph>`). `None` from the node means the subnet does not exist.
pub fn decode_metagraph(
    metadata: &Metadata,
    method: &str,
    bytes: &[u8],
    netuid: u16,
    block: u64,
) -> Result<Metagraph, ChainError> {
    let what = format!("{SUBNET_INFO_API}_{method}");
    let what = what.as_str();
    let wire: Option<MetagraphWire> = decode_api_answer(metadata, SUBNET_INFO_API, method, bytes)?;
    let Some(w) = wire else {
        return Err(ChainError::SubnetNotFound { netuid });
    };
    let hotkeys = required(w.hotkeys.clone(), what, "hotkeys")?;
    let axons = w.axons.clone().unwrap_or_default();
    let mut neurons = Vec::with_capacity(hotkeys.len());
    let mut coldkeys = ColdkeyNames::default();
    for (uid, hotkey) in hotkeys.iter().enumerate() {
        let Ok(uid16) = u16::try_from(uid) else {
            return Err(decode_error(what, "more than 65,535 UIDs"));
        };
        let coldkey = w
            .coldkeys
            .as_ref()
            .and_then(|c| c.get(uid))
            .ok_or_else(|| decode_error(what, "'coldkeys' is not one per UID"))?;
        neurons.push(Neuron {
            uid: uid16,
            hotkey: ss58::encode(&hotkey.0),
            coldkey: coldkeys.name(&coldkey.0),
            active: column(&w.active, uid, what, "active")?,
            validator_permit: column(&w.validator_permit, uid, what, "validator_permit")?,
            stake: Alpha(column(&w.alpha_stake, uid, what, "alpha_stake")?),
            tao_stake: optional_column(&w.tao_stake, uid).map(Rao),
            total_stake: optional_column(&w.total_stake, uid).map(Alpha),
            consensus: column(&w.consensus, uid, what, "consensus")?,
            incentive: column(&w.incentives, uid, what, "incentives")?,
            dividends: column(&w.dividends, uid, what, "dividends")?,
            validator_trust: None,
            emission: Alpha(column(&w.emission, uid, what, "emission")?),
            last_update: column(&w.last_update, uid, what, "last_update")?,
            registered_at: optional_column(&w.block_at_registration, uid),
            axon: axons.get(uid).cloned().and_then(axon),
        });
    }
    let source = if method.starts_with("get_selective") {
        MetagraphSource::SelectiveMechagraph
    } else {
        MetagraphSource::Metagraph
    };
    Ok(Metagraph {
        netuid: w.netuid.unwrap_or(netuid),
        block: w.block.unwrap_or(block),
        n: u16::try_from(neurons.len()).unwrap_or(u16::MAX),
        source,
        subnet: MetagraphSubnet {
            name: text(w.name),
            symbol: text(w.symbol),
            owner_hotkey: w.owner_hotkey.map(|k| ss58::encode(&k.0)),
            owner_coldkey: w.owner_coldkey.map(|k| ss58::encode(&k.0)),
            tempo: w.tempo,
            blocks_since_last_step: w.blocks_since_last_step,
            tao_in_rao: w.tao_in.map(Rao),
            alpha_in: w.alpha_in.map(Alpha),
            alpha_out: w.alpha_out.map(Alpha),
            registration_cost_rao: w.burn.map(Rao),
            max_uids: w.max_uids,
            max_validators: w.max_validators,
            immunity_period: w.immunity_period,
            identity: w.identity.map(identity),
        },
        neurons,
    })
}

/// Decodes `SubnetInfoRuntimeApi_get_all_dynamic_info`; prices and costs are filled in later.
pub fn decode_all_dynamic_info(
    metadata: &Metadata,
    bytes: &[u8],
) -> Result<Vec<SubnetSummary>, ChainError> {
    let what = "SubnetInfoRuntimeApi_get_all_dynamic_info";
    let wires: Vec<Option<DynamicInfoWire>> =
        decode_api_answer(metadata, SUBNET_INFO_API, "get_all_dynamic_info", bytes)?;
    wires
        .into_iter()
        .flatten()
        .map(|w| {
            Ok(SubnetSummary {
                netuid: required(w.netuid, what, "netuid")?,
                name: text(w.subnet_name).unwrap_or_default(),
                symbol: text(w.token_symbol).unwrap_or_default(),
                owner_hotkey: ss58::encode(&required(w.owner_hotkey, what, "owner_hotkey")?.0),
                owner_coldkey: ss58::encode(&required(w.owner_coldkey, what, "owner_coldkey")?.0),
                tempo: required(w.tempo, what, "tempo")?,
                last_step: w.last_step.unwrap_or(0),
                blocks_since_last_step: w.blocks_since_last_step.unwrap_or(0),
                tao_in_rao: Rao(required(w.tao_in, what, "tao_in")?),
                alpha_in: Alpha(required(w.alpha_in, what, "alpha_in")?),
                alpha_out: Alpha(required(w.alpha_out, what, "alpha_out")?),
                price_rao_per_alpha: None,
                moving_price_bits: w.moving_price.and_then(|p| p.bits),
                tao_in_emission_rao: w.tao_in_emission.map(Rao),
                alpha_in_emission: Alpha(w.alpha_in_emission.unwrap_or(0)),
                alpha_out_emission: Alpha(w.alpha_out_emission.unwrap_or(0)),
                pending_alpha_emission: Alpha(w.pending_alpha_emission.unwrap_or(0)),
                pending_root_emission_rao: Rao(w.pending_root_emission.unwrap_or(0)),
                subnet_volume: w.subnet_volume.unwrap_or(0),
                network_registered_at: w.network_registered_at.unwrap_or(0),
                registration_cost_rao: None,
                identity: w.subnet_identity.map(identity),
            })
        })
        .collect()
}

/// Decodes `SwapRuntimeApi_current_alpha_price_all`: rao per 1 α, by netuid.
pub fn decode_alpha_prices(
    metadata: &Metadata,
    bytes: &[u8],
) -> Result<BTreeMap<u16, u64>, ChainError> {
    let wires: Vec<SubnetPriceWire> =
        decode_api_answer(metadata, SWAP_API, "current_alpha_price_all", bytes)?;
    Ok(wires
        .into_iter()
        .filter_map(|w| Some((w.netuid?, w.price?)))
        .collect())
}

/// Decodes `SwapRuntimeApi_current_alpha_price(netuid)`: rao per 1 α.
pub fn decode_alpha_price(metadata: &Metadata, bytes: &[u8]) -> Result<u64, ChainError> {
    decode_api_answer(metadata, SWAP_API, "current_alpha_price", bytes)
}

/// Decodes `StakeInfoRuntimeApi_get_stake_info_for_coldkey`.
pub fn decode_stake_info(metadata: &Metadata, bytes: &[u8]) -> Result<Vec<StakeEntry>, ChainError> {
    let what = "StakeInfoRuntimeApi_get_stake_info_for_coldkey";
    let wires: Vec<StakeInfoWire> = decode_api_answer(
        metadata,
        STAKE_INFO_API,
        "get_stake_info_for_coldkey",
        bytes,
    )?;
    wires
        .into_iter()
        .map(|w| {
            Ok(StakeEntry {
                hotkey: ss58::encode(&required(w.hotkey, what, "hotkey")?.0),
                coldkey: ss58::encode(&required(w.coldkey, what, "coldkey")?.0),
                netuid: required(w.netuid, what, "netuid")?,
                stake: Alpha(required(w.stake, what, "stake")?),
                locked: w.locked.map(Alpha),
                emission: w.emission.map(Alpha),
                tao_emission_rao: w.tao_emission.map(Rao),
                is_registered: w.is_registered,
            })
        })
        .collect()
}

/// Decodes `DelegateInfoRuntimeApi_get_delegates`.
pub fn decode_delegates(metadata: &Metadata, bytes: &[u8]) -> Result<Vec<Delegate>, ChainError> {
    let what = "DelegateInfoRuntimeApi_get_delegates";
    let wires: Vec<DelegateWire> =
        decode_api_answer(metadata, DELEGATE_INFO_API, "get_delegates", bytes)?;
    wires
        .into_iter()
        .map(|w| {
            Ok(Delegate {
                hotkey: ss58::encode(&required(w.delegate_ss58, what, "delegate_ss58")?.0),
                owner: ss58::encode(&required(w.owner_ss58, what, "owner_ss58")?.0),
                take: w.take.unwrap_or(0),
                nominators: w.nominators.map(|n| n.len()).unwrap_or(0),
                registrations: w.registrations.unwrap_or_default(),
                validator_permits: w.validator_permits.unwrap_or_default(),
                return_per_1000_rao: w.return_per_1000.map(Rao),
                total_daily_return_rao: w.total_daily_return.map(Rao),
                name: None,
            })
        })
        .collect()
}

/// Decodes a `System.Account` value; an account the chain has never seen is all zeros.
pub fn decode_account(metadata: &Metadata, bytes: Option<&[u8]>) -> Result<Balance, ChainError> {
    let wire: Option<AccountInfoWire> = decode_storage_value(metadata, "System", "Account", bytes)?;
    let wire = wire.unwrap_or_default();
    let data = wire.data.unwrap_or_default();
    Ok(Balance {
        free_rao: Rao(data.free.unwrap_or(0)),
        reserved_rao: Rao(data.reserved.unwrap_or(0)),
        frozen_rao: Rao(data.frozen.unwrap_or(0)),
        nonce: wire.nonce.unwrap_or(0),
    })
}

/// Decodes a display name from an `IdentitiesV2` / `Identities` value; `None` when the name
/// is empty.
pub fn decode_identity_name(
    metadata: &Metadata,
    item: &str,
    bytes: &[u8],
) -> Result<Option<String>, ChainError> {
    let wire: Option<ChainIdentityWire> =
        decode_storage_value(metadata, "SubtensorModule", item, Some(bytes))?;
    Ok(wire
        .and_then(|w| text(w.name))
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty()))
}

/// Decodes `SubnetInfoRuntimeApi_<method>` for any of the hyperparameter calls: `_v3` (a
/// list of name/value entries), `_v2` or the first version (a struct, read field by field
/// with the names the metadata gives). `None` from the node means the subnet does not exist.
pub fn decode_hyperparams(
    metadata: &Metadata,
    method: &str,
    bytes: &[u8],
    netuid: u16,
) -> Result<Hyperparameters, ChainError> {
    let what = format!("{SUBNET_INFO_API}_{method}");
    let type_id = runtime_api_output(metadata, SUBNET_INFO_API, method)
        .ok_or_else(|| decode_error(&what, "this runtime has no such call"))?;
    decode_hyperparams_as(metadata.types(), type_id, method, bytes, netuid)
}

/// [`decode_hyperparams`] against any registry: `type_id` is the call's answer type.
pub fn decode_hyperparams_as(
    types: &PortableRegistry,
    type_id: u32,
    method: &str,
    bytes: &[u8],
    netuid: u16,
) -> Result<Hyperparameters, ChainError> {
    let what = format!("{SUBNET_INFO_API}_{method}");
    let value = match decode_value_exact(types, type_id, &what, bytes) {
        Ok(value) => value,
        // Runtimes before the typed APIs answered with the bare struct inside a `Vec<u8>`
        // (empty for an unknown subnet).
        Err(first) => match legacy_wrapped(bytes) {
            Some([]) => return Err(ChainError::SubnetNotFound { netuid }),
            // The length prefix matched the rest exactly: report this reading's error.
            Some(inner) => {
                let struct_id = option_inner(types, type_id).unwrap_or(type_id);
                decode_value_exact(types, struct_id, &what, inner)?
            }
            None => return Err(first),
        },
    };
    let Some(value) = unwrap_option(value) else {
        return Err(ChainError::SubnetNotFound { netuid });
    };
    let params = match &value.value {
        ValueDef::Composite(Composite::Named(fields)) => fields
            .iter()
            .map(|(name, field)| Hyperparameter {
                name: name.clone(),
                value: param_value(types, field, field_type_name(types, value.context, name)),
            })
            .collect(),
        ValueDef::Composite(Composite::Unnamed(entries)) => entries
            .iter()
            .map(|entry| list_entry(types, entry, &what))
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(decode_error(
                &what,
                "the answer is not a set of hyperparameters",
            ));
        }
    };
    Ok(Hyperparameters {
        netuid,
        source: method.to_string(),
        params,
    })
}

/// All of `bytes` as a dynamic value of type `type_id`.
fn decode_value_exact(
    types: &PortableRegistry,
    type_id: u32,
    what: &str,
    bytes: &[u8],
) -> Result<Value<u32>, ChainError> {
    let mut cursor = bytes;
    let value = scale_value::scale::decode_as_type(&mut cursor, type_id, types)
        .map_err(|e| decode_error(what, e.to_string()))?;
    if !cursor.is_empty() {
        return Err(decode_error(
            what,
            format!("{} unexpected bytes after the value", cursor.len()),
        ));
    }
    Ok(value)
}

/// The bytes inside a SCALE `Vec<u8>` when that is exactly what `bytes` is.
fn legacy_wrapped(bytes: &[u8]) -> Option<&[u8]> {
    use parity_scale_codec::{Compact, Decode};
    let mut cursor = bytes;
    let len = Compact::<u32>::decode(&mut cursor).ok()?.0;
    (usize::try_from(len).ok()? == cursor.len()).then_some(cursor)
}

/// The type inside `Option<T>`, when `type_id` is an `Option`.
fn option_inner(types: &PortableRegistry, type_id: u32) -> Option<u32> {
    let ty = types.resolve(type_id)?;
    if ty.path.ident().as_deref() != Some("Option") {
        return None;
    }
    let TypeDef::Variant(variants) = &ty.type_def else {
        return None;
    };
    Some(
        variants
            .variants
            .iter()
            .find(|v| v.name == "Some")?
            .fields
            .first()?
            .ty
            .id,
    )
}

/// The value inside `Some`, `None` for `None`; anything else is returned as it is.
fn unwrap_option(value: Value<u32>) -> Option<Value<u32>> {
    match value.value {
        ValueDef::Variant(variant) if variant.name == "None" => None,
        ValueDef::Variant(variant) if variant.name == "Some" => variant.values.into_values().next(),
        other => Some(Value {
            value: other,
            context: value.context,
        }),
    }
}

/// One `{name, value}` entry of the v3 list.
fn list_entry(
    types: &PortableRegistry,
    entry: &Value<u32>,
    what: &str,
) -> Result<Hyperparameter, ChainError> {
    let ValueDef::Composite(Composite::Named(fields)) = &entry.value else {
        return Err(decode_error(what, "an entry is not a name and a value"));
    };
    let field = |wanted: &str| fields.iter().find(|(n, _)| n == wanted).map(|(_, v)| v);
    let name = field("name")
        .map(|v| match param_value(types, v, None) {
            HyperparamValue::Text(t) => t,
            other => other.to_string(),
        })
        .ok_or_else(|| decode_error(what, "an entry has no 'name'"))?;
    let value = field("value").ok_or_else(|| decode_error(what, "an entry has no 'value'"))?;
    Ok(Hyperparameter {
        name,
        value: param_value(types, value, None),
    })
}

/// The declared type name of field `name` of the composite type `type_id` (e.g. `I32F32`).
fn field_type_name<'r>(types: &'r PortableRegistry, type_id: u32, name: &str) -> Option<&'r str> {
    let TypeDef::Composite(composite) = &types.resolve(type_id)?.type_def else {
        return None;
    };
    composite
        .fields
        .iter()
        .find(|f| f.name.as_deref() == Some(name))?
        .type_name
        .as_deref()
}

/// The fraction bits of a fixed-point type name: `I32F32` → 32, `U64F64` → 64.
fn fixed_frac_bits(type_name: &str) -> Option<u8> {
    let rest = type_name
        .strip_prefix('I')
        .or_else(|| type_name.strip_prefix('U'))?;
    let (int, frac) = rest.split_once('F')?;
    int.parse::<u8>().ok()?;
    frac.parse().ok()
}

/// Whether `type_id` is a sequence or array of `u8` (text on chain).
fn is_bytes(types: &PortableRegistry, type_id: u32) -> bool {
    let inner = match types.resolve(type_id).map(|t| &t.type_def) {
        Some(TypeDef::Sequence(s)) => s.type_param.id,
        Some(TypeDef::Array(a)) => a.type_param.id,
        _ => return false,
    };
    matches!(
        types.resolve(inner).map(|t| &t.type_def),
        Some(TypeDef::Primitive(TypeDefPrimitive::U8))
    )
}

/// A hyperparameter's value read from its dynamic form; `type_name` (the field's declared
/// type, or the enum variant's name in v3) tells fixed-point numbers from plain ones.
fn param_value(
    types: &PortableRegistry,
    value: &Value<u32>,
    type_name: Option<&str>,
) -> HyperparamValue {
    let frac_bits = type_name.and_then(fixed_frac_bits);
    match &value.value {
        ValueDef::Primitive(p) => match (p, frac_bits) {
            (Primitive::Bool(b), _) => HyperparamValue::Bool(*b),
            (Primitive::U128(n), Some(frac_bits)) => HyperparamValue::Fixed {
                bits: i128::try_from(*n).unwrap_or(i128::MAX),
                frac_bits,
            },
            (Primitive::I128(n), Some(frac_bits)) => HyperparamValue::Fixed {
                bits: *n,
                frac_bits,
            },
            (Primitive::U128(n), None) => HyperparamValue::Unsigned(*n),
            (Primitive::I128(n), None) => HyperparamValue::Signed(*n),
            (Primitive::String(s), _) => HyperparamValue::Text(s.clone()),
            (other, _) => HyperparamValue::Text(other.to_string()),
        },
        ValueDef::Composite(composite) if is_bytes(types, value.context) => {
            let bytes: Vec<u8> = composite
                .values()
                .filter_map(|v| match v.value {
                    ValueDef::Primitive(Primitive::U128(b)) => u8::try_from(b).ok(),
                    _ => None,
                })
                .collect();
            HyperparamValue::Text(String::from_utf8_lossy(&bytes).into_owned())
        }
        // Newtypes (`TaoBalance`, `{ bits }` of a fixed-point number): the one field inside.
        ValueDef::Composite(composite) if composite.len() == 1 => match composite.values().next() {
            Some(inner) => param_value(types, inner, type_name),
            None => HyperparamValue::Text(value.to_string()),
        },
        ValueDef::Variant(variant) if variant.values.is_empty() => {
            HyperparamValue::Text(variant.name.clone())
        }
        ValueDef::Variant(variant) if variant.values.len() == 1 => {
            match variant.values.values().next() {
                Some(inner) => param_value(types, inner, Some(&variant.name)),
                None => HyperparamValue::Text(value.to_string()),
            }
        }
        _ => HyperparamValue::Text(value.to_string()),
    }
}
