//! A subnet's weights and bonds as stored (`SubtensorModule.Weights` / `Bonds`), for the
//! heatmaps and the what-if panel.
//!
//! Runtimes with mechanisms (spec 343 and 393 both have `MechanismCountCurrent`) key both
//! maps by `NetUidStorageIndex` = mechanism × 4096 + netuid; older ones by the plain
//! `NetUid`. Both are a bare `u16` in the type registry, so [`key_shape`] tells them apart
//! by the mechanism storage item, and [`storage_index`] builds mechanism 0's key either way.

use std::collections::BTreeMap;

use scale_info::{TypeDef, TypeDefPrimitive};
use serde::{Deserialize, Serialize};
use subxt::metadata::Metadata;

use crate::chain::ChainError;
use crate::explorer::decode::{decode_error, decode_storage_value};

/// Subnets per mechanism in a `NetUidStorageIndex` (`GLOBAL_MAX_SUBNET_COUNT`).
pub const SUBNETS_PER_MECHANISM: u32 = 4096;

/// One map's rows: uid → `(target uid, value)` cells in stored order (a stored 0 kept).
pub type StoredRows = BTreeMap<u16, Vec<(u16, u16)>>;

/// How a runtime keys `Weights` and `Bonds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyShape {
    /// By `NetUid` (older runtimes).
    NetUid,
    /// By `NetUidStorageIndex` = mechanism × 4096 + netuid (spec 393 and later).
    MechanismIndex,
}

/// A subnet's weights and bonds at one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightsAndBonds {
    /// Subnet.
    pub netuid: u16,
    /// Block they were read at.
    pub block: u64,
    /// How the runtime keyed them.
    pub key_shape: KeyShape,
    /// Weight rows (validator uid → cells over miners), values 0..=65535 as set.
    pub weights: StoredRows,
    /// Bond rows (validator uid → cells over miners), as stored.
    pub bonds: StoredRows,
}

/// The key shape `item` has in `metadata`: a mechanism index where the runtime has
/// mechanisms, else a netuid; an error when the item is missing or not keyed by a `u16`.
pub fn key_shape(metadata: &Metadata, item: &str) -> Result<KeyShape, ChainError> {
    let what = format!("SubtensorModule.{item}");
    let storage = metadata
        .pallet_by_name("SubtensorModule")
        .and_then(|p| p.storage());
    let entry = storage
        .and_then(|s| s.entry_by_name(item))
        .ok_or_else(|| decode_error(&what, "this runtime has no such storage item"))?;
    let first = entry
        .keys()
        .next()
        .ok_or_else(|| decode_error(&what, "not a map"))?;
    let ty = metadata
        .types()
        .resolve(first.key_id)
        .ok_or_else(|| decode_error(&what, "its key type is missing"))?;
    let is_u16 = match &ty.type_def {
        TypeDef::Primitive(TypeDefPrimitive::U16) => true,
        // A newtype the registry kept as a one-field composite.
        TypeDef::Composite(c) => c.fields.len() == 1,
        _ => false,
    };
    if !is_u16 {
        return Err(decode_error(&what, "its first key is not a subnet index"));
    }
    let has_mechanisms = storage
        .and_then(|s| s.entry_by_name("MechanismCountCurrent"))
        .is_some();
    Ok(if has_mechanisms {
        KeyShape::MechanismIndex
    } else {
        KeyShape::NetUid
    })
}

/// The first key of `Weights`/`Bonds` for mechanism 0 of `netuid` under `shape`.
pub fn storage_index(netuid: u16, shape: KeyShape) -> u16 {
    match shape {
        // Mechanism 0: index = 0 × 4096 + netuid.
        KeyShape::NetUid | KeyShape::MechanismIndex => netuid,
    }
}

/// Decodes one stored row of `item` (`Vec<(u16, u16)>`) by the metadata's value type.
pub fn decode_row(
    metadata: &Metadata,
    item: &str,
    bytes: &[u8],
) -> Result<Vec<(u16, u16)>, ChainError> {
    Ok(
        decode_storage_value::<Vec<(u16, u16)>>(metadata, "SubtensorModule", item, Some(bytes))?
            .unwrap_or_default(),
    )
}

/// Largest cell value, for colour scales (1 when empty, so nothing divides by zero).
pub fn max_value(rows: &StoredRows) -> u16 {
    rows.values()
        .flat_map(|r| r.iter().map(|&(_, v)| v))
        .max()
        .unwrap_or(1)
        .max(1)
}
