//! The metagraph as a table the pages draw: one row of display text per UID, built once
//! per (netuid, block) off the UI thread, and sortable by any column without re-formatting.

use std::cmp::Ordering;

use super::{Metagraph, Neuron};

/// A column of the metagraph table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetagraphColumn {
    /// UID.
    Uid,
    /// Alpha stake.
    Stake,
    /// Incentive.
    Incentive,
    /// Dividends.
    Dividends,
    /// Emission.
    Emission,
    /// Validator trust (lite metagraph only).
    ValidatorTrust,
    /// Last update block.
    LastUpdate,
    /// Hotkey text.
    Hotkey,
}

/// One UID, ready to draw: every cell formatted once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetagraphRow {
    /// UID.
    pub uid: u16,
    /// Hotkey, SS58.
    pub hotkey: String,
    /// Hotkey shortened for narrow columns: first and last six characters.
    pub hotkey_short: String,
    /// Coldkey, SS58.
    pub coldkey: String,
    /// Stake, "1234.567890123".
    pub stake: String,
    /// Incentive as 0.0000–1.0000.
    pub incentive: String,
    /// Dividends as 0.0000–1.0000.
    pub dividends: String,
    /// Emission, alpha with nine decimals.
    pub emission: String,
    /// Validator trust as 0.0000–1.0000, or empty when unknown.
    pub validator_trust: String,
    /// Holds a validator permit.
    pub validator_permit: bool,
    /// Active.
    pub active: bool,
    /// `ip:port`, or empty.
    pub axon: String,
    /// Raw values for sorting, in [`MetagraphColumn`] order.
    sort_keys: [u64; 7],
}

/// A proportion the chain keeps as 0..=65535, as 0.0000..1.0000 (display only).
pub fn proportion_text(value: u16) -> String {
    // Integer math keeps the text exact and the same on every platform.
    let per_10000 = (u32::from(value) * 10_000 + 32_767) / 65_535;
    format!("{}.{:04}", per_10000 / 10_000, per_10000 % 10_000)
}

fn short(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 14 {
        return key.to_string();
    }
    let head: String = chars.iter().take(6).collect();
    let tail: String = chars.iter().skip(chars.len() - 6).collect();
    format!("{head}…{tail}")
}

impl MetagraphRow {
    fn from_neuron(n: &Neuron) -> MetagraphRow {
        MetagraphRow {
            uid: n.uid,
            hotkey: n.hotkey.clone(),
            hotkey_short: short(&n.hotkey),
            coldkey: n.coldkey.clone(),
            stake: n.stake.to_string(),
            incentive: proportion_text(n.incentive),
            dividends: proportion_text(n.dividends),
            emission: n.emission.to_string(),
            validator_trust: n.validator_trust.map(proportion_text).unwrap_or_default(),
            validator_permit: n.validator_permit,
            active: n.active,
            axon: n
                .axon
                .as_ref()
                .map(|a| a.address.clone())
                .unwrap_or_default(),
            sort_keys: [
                u64::from(n.uid),
                n.stake.0,
                u64::from(n.incentive),
                u64::from(n.dividends),
                n.emission.0,
                n.validator_trust.map(u64::from).unwrap_or(0),
                n.last_update,
            ],
        }
    }

    fn sort_key(&self, column: MetagraphColumn) -> Option<u64> {
        let index = match column {
            MetagraphColumn::Uid => 0,
            MetagraphColumn::Stake => 1,
            MetagraphColumn::Incentive => 2,
            MetagraphColumn::Dividends => 3,
            MetagraphColumn::Emission => 4,
            MetagraphColumn::ValidatorTrust => 5,
            MetagraphColumn::LastUpdate => 6,
            MetagraphColumn::Hotkey => return None,
        };
        self.sort_keys.get(index).copied()
    }
}

/// The rows of one metagraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetagraphTable {
    /// Subnet.
    pub netuid: u16,
    /// Block the data is from.
    pub block: u64,
    /// Rows in the current order.
    pub rows: Vec<MetagraphRow>,
}

impl MetagraphTable {
    /// Formats every neuron once.
    pub fn build(metagraph: &Metagraph) -> MetagraphTable {
        MetagraphTable {
            netuid: metagraph.netuid,
            block: metagraph.block,
            rows: metagraph
                .neurons
                .iter()
                .map(MetagraphRow::from_neuron)
                .collect(),
        }
    }

    /// Reorders the rows by `column`; ties keep UID order so the view does not jump.
    pub fn sort_by(&mut self, column: MetagraphColumn, descending: bool) {
        self.rows.sort_by(|a, b| {
            let order = match (a.sort_key(column), b.sort_key(column)) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => a.hotkey.cmp(&b.hotkey),
            };
            let order = if descending { order.reverse() } else { order };
            match order {
                Ordering::Equal => a.uid.cmp(&b.uid),
                other => other,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_are_exact_text() {
        assert_eq!(proportion_text(0), "0.0000");
        assert_eq!(proportion_text(65_535), "1.0000");
        assert_eq!(proportion_text(32_768), "0.5000");
        assert_eq!(
            short("5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ"),
            "5DkMmX…7sy1AQ"
        );
    }
}
