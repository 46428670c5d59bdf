//! Reads a subnet's `Weights` and `Bonds` maps at the pinned block: the keys under the
//! subnet's prefix in pages, then their values in batches, both maps at once.

use super::reads::last_key_part;
use super::{ChainError, PinnedBlock};
use crate::explorer::decode::decode_error;
use crate::explorer::weights::{StoredRows, WeightsAndBonds, decode_row, key_shape, storage_index};

/// Keys per page: one page holds a 1,024-uid subnet's rows.
const PAGE: u32 = 1000;

impl PinnedBlock {
    /// `item`'s rows for subnet `netuid` (mechanism 0), keyed as this runtime keys them.
    async fn stored_rows(&self, item: &str, index: u16) -> Result<StoredRows, ChainError> {
        let what = format!("SubtensorModule.{item}");
        let hasher = self
            .metadata()
            .pallet_by_name("SubtensorModule")
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name(item))
            .and_then(|e| e.keys().last().map(|k| k.hasher))
            .ok_or_else(|| decode_error(&what, "not a map"))?;
        let prefix = self.storage_key("SubtensorModule", item, (index,))?;
        let mut rows = StoredRows::new();
        for (key, value) in self.storage_entries(&prefix, PAGE).await? {
            // A node answers only what was asked; anything else is not ours to decode.
            if !key.starts_with(&prefix) {
                continue;
            }
            let uid = last_key_part(&key, prefix.len(), hasher)
                .and_then(|b| <[u8; 2]>::try_from(b).ok())
                .map(u16::from_le_bytes)
                .ok_or_else(|| decode_error(&what, "a key is not a uid"))?;
            rows.insert(uid, decode_row(self.metadata(), item, &value)?);
        }
        Ok(rows)
    }

    /// Subnet `netuid`'s weights and bonds (mechanism 0), read together.
    pub async fn weights_and_bonds(&self, netuid: u16) -> Result<WeightsAndBonds, ChainError> {
        let shape = key_shape(self.metadata(), "Weights")?;
        let index = storage_index(netuid, shape);
        let (weights, bonds) = futures::try_join!(
            self.stored_rows("Weights", index),
            self.stored_rows("Bonds", index)
        )?;
        Ok(WeightsAndBonds {
            netuid,
            block: self.block().number,
            key_shape: shape,
            weights,
            bonds,
        })
    }
}
