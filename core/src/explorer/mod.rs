//! The subnet explorer's domain model: subnets, metagraphs, balances, registrations,
//! stake and delegates, as plain values the pages and the CLI show.
//!
//! Money is integers: [`Rao`] for TAO (10^9 rao = 1 TAO) and [`Alpha`] for a subnet's
//! token (10^9 units = 1 α). Proportions stay the chain's `u16` (divide by 65,535 to show).
//! A field an older runtime lacks is `None` ("unknown"), never a made-up zero.
//!
//! `decode` turns runtime-API and storage bytes into these types; `chain::reads` fetches
//! the bytes, pinned to one block.

pub mod decode;
pub mod snapshot;
pub mod ss58;
pub mod table;
pub mod weights;
pub(crate) mod wire;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of TAO in rao (10^9 rao = 1 TAO).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Rao(pub u64);

/// An amount of a subnet's alpha token in its smallest unit (10^9 units = 1 α).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Alpha(pub u64);

/// Whole units and the nine-digit fraction, the way the SDKs print both tokens.
fn fmt_nine_decimals(f: &mut fmt::Formatter<'_>, units: u64) -> fmt::Result {
    write!(f, "{}.{:09}", units / 1_000_000_000, units % 1_000_000_000)
}

impl fmt::Display for Rao {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("τ")?;
        fmt_nine_decimals(f, self.0)
    }
}

impl fmt::Display for Alpha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_nine_decimals(f, self.0)
    }
}

/// The block a set of reads was pinned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRef {
    /// Block number.
    pub number: u64,
    /// Block hash, `0x`-hex.
    pub hash: String,
    /// Runtime spec version at that block.
    pub spec_version: u32,
}

/// A subnet's self-description (`SubnetIdentityV3`), as text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubnetIdentity {
    /// The subnet's chosen name.
    pub subnet_name: String,
    /// Source repository URL.
    pub github_repo: String,
    /// How to reach the owners.
    pub subnet_contact: String,
    /// Web site.
    pub subnet_url: String,
    /// Discord handle or invite.
    pub discord: String,
    /// Free text.
    pub description: String,
    /// Logo image URL.
    pub logo_url: String,
    /// Anything else the owner added.
    pub additional: String,
}

/// One subnet in the subnets list: pool, price, schedule and owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetSummary {
    /// Subnet id (0 is root).
    pub netuid: u16,
    /// Name from the chain (UTF-8 bytes; empty when unset).
    pub name: String,
    /// Token symbol from the chain, e.g. "α".
    pub symbol: String,
    /// Owner's hotkey, SS58.
    pub owner_hotkey: String,
    /// Owner's coldkey, SS58.
    pub owner_coldkey: String,
    /// Blocks between epochs.
    pub tempo: u16,
    /// Block of the last epoch.
    pub last_step: u64,
    /// Blocks since the last epoch.
    pub blocks_since_last_step: u64,
    /// TAO in the pool.
    pub tao_in_rao: Rao,
    /// Alpha in the pool.
    pub alpha_in: Alpha,
    /// Alpha outside the pool (staked).
    pub alpha_out: Alpha,
    /// Spot price from the swap pallet, rao per 1 α; `None` when the runtime cannot say.
    pub price_rao_per_alpha: Option<u64>,
    /// The price's moving average as the runtime's raw I96F32 bits (float = bits / 2^32).
    pub moving_price_bits: Option<i128>,
    /// TAO injected into the pool per block; `None` where the source does not say (a
    /// snapshot row built from a metagraph), so the page shows "unknown" rather than 0.
    #[serde(default)]
    pub tao_in_emission_rao: Option<Rao>,
    /// Alpha injected into the pool per block.
    pub alpha_in_emission: Alpha,
    /// Alpha emitted to participants per block.
    pub alpha_out_emission: Alpha,
    /// Alpha waiting for the next epoch.
    pub pending_alpha_emission: Alpha,
    /// Root-network share waiting for the next epoch (TAO).
    pub pending_root_emission_rao: Rao,
    /// Traded volume (TAO, as the runtime counts it).
    pub subnet_volume: u128,
    /// Block the subnet was registered at.
    pub network_registered_at: u64,
    /// Cost to register a UID now (`Burn`), when read.
    pub registration_cost_rao: Option<Rao>,
    /// Self-description, where the owner set one.
    pub identity: Option<SubnetIdentity>,
}

/// Where a neuron serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axon {
    /// `ip:port` (IPv6 in brackets).
    pub address: String,
    /// Protocol version the neuron announced.
    pub version: u32,
    /// Block the axon was last announced at.
    pub block: u64,
}

/// One UID of a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neuron {
    /// Position in the subnet.
    pub uid: u16,
    /// Hotkey, SS58.
    pub hotkey: String,
    /// Coldkey that owns the hotkey, SS58.
    pub coldkey: String,
    /// Set weights or served recently.
    pub active: bool,
    /// May set weights as a validator.
    pub validator_permit: bool,
    /// Alpha staked on this hotkey in this subnet.
    pub stake: Alpha,
    /// Root TAO stake counted for this hotkey, where the API gives it.
    pub tao_stake: Option<Rao>,
    /// TAO-weighted total stake (alpha + TAO × weight), where the API gives it.
    pub total_stake: Option<Alpha>,
    /// Yuma consensus, 0..=65535.
    pub consensus: u16,
    /// Miner incentive, 0..=65535.
    pub incentive: u16,
    /// Validator dividends, 0..=65535.
    pub dividends: u16,
    /// Validator trust, 0..=65535, where the API gives it.
    pub validator_trust: Option<u16>,
    /// Alpha emitted to this UID in the last epoch.
    pub emission: Alpha,
    /// Block of the last weights or serve.
    pub last_update: u64,
    /// Block the UID was registered at, where the API gives it.
    pub registered_at: Option<u64>,
    /// Served endpoint; `None` when never announced.
    pub axon: Option<Axon>,
}

/// Subnet facts that come with a full metagraph (absent with the lite fallback).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MetagraphSubnet {
    /// Name from the chain.
    pub name: Option<String>,
    /// Token symbol.
    pub symbol: Option<String>,
    /// Owner's hotkey, SS58.
    pub owner_hotkey: Option<String>,
    /// Owner's coldkey, SS58.
    pub owner_coldkey: Option<String>,
    /// Blocks between epochs.
    pub tempo: Option<u16>,
    /// Blocks since the last epoch.
    pub blocks_since_last_step: Option<u64>,
    /// TAO in the pool.
    pub tao_in_rao: Option<Rao>,
    /// Alpha in the pool.
    pub alpha_in: Option<Alpha>,
    /// Alpha outside the pool.
    pub alpha_out: Option<Alpha>,
    /// Registration cost now.
    pub registration_cost_rao: Option<Rao>,
    /// Most UIDs the subnet holds.
    pub max_uids: Option<u16>,
    /// Most validator permits.
    pub max_validators: Option<u16>,
    /// Blocks a new UID is protected from pruning.
    pub immunity_period: Option<u16>,
    /// Self-description.
    pub identity: Option<SubnetIdentity>,
}

/// Which runtime API a metagraph came from; the lite one lacks subnet facts and some columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetagraphSource {
    /// `SubnetInfoRuntimeApi_get_selective_mechagraph` (mechanism 0, every field).
    SelectiveMechagraph,
    /// `SubnetInfoRuntimeApi_get_metagraph`.
    Metagraph,
    /// `NeuronInfoRuntimeApi_get_neurons_lite`.
    NeuronsLite,
}

/// A subnet's neurons at one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metagraph {
    /// Subnet id.
    pub netuid: u16,
    /// Block number the data is from.
    pub block: u64,
    /// Number of UIDs.
    pub n: u16,
    /// The API that answered.
    pub source: MetagraphSource,
    /// Subnet facts, when the API gives them.
    pub subnet: MetagraphSubnet,
    /// One entry per UID, in UID order.
    pub neurons: Vec<Neuron>,
}

/// An account's TAO balance (`System.Account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Spendable and stakeable.
    pub free_rao: Rao,
    /// Held by the chain (deposits).
    pub reserved_rao: Rao,
    /// Part of free that cannot leave (locks).
    pub frozen_rao: Rao,
    /// Transactions sent so far.
    pub nonce: u32,
}

/// Where a hotkey is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotkeyRegistrations {
    /// The hotkey, SS58.
    pub hotkey: String,
    /// Subnets it holds a UID in, ascending.
    pub netuids: Vec<u16>,
    /// Its UID in each of them.
    pub uids: BTreeMap<u16, u16>,
    /// The coldkey that owns it; `None` when it has never been registered.
    pub owner_coldkey: Option<String>,
}

/// One stake position of a coldkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeEntry {
    /// Validator hotkey, SS58.
    pub hotkey: String,
    /// Staking coldkey, SS58.
    pub coldkey: String,
    /// Subnet.
    pub netuid: u16,
    /// Alpha staked (TAO on root).
    pub stake: Alpha,
    /// Part of it that is locked.
    pub locked: Option<Alpha>,
    /// Alpha earned last epoch.
    pub emission: Option<Alpha>,
    /// TAO earned last epoch.
    pub tao_emission_rao: Option<Rao>,
    /// Whether the hotkey holds a UID there.
    pub is_registered: Option<bool>,
}

/// A validator that accepts nominations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegate {
    /// Its hotkey, SS58.
    pub hotkey: String,
    /// The coldkey that owns it, SS58.
    pub owner: String,
    /// Its cut of nominators' rewards, 0..=65535.
    pub take: u16,
    /// How many coldkeys stake with it.
    pub nominators: usize,
    /// Subnets it is registered on.
    pub registrations: Vec<u16>,
    /// Subnets where it has a validator permit.
    pub validator_permits: Vec<u16>,
    /// Reward per 1,000 TAO staked, per day, as the runtime estimates it.
    pub return_per_1000_rao: Option<Rao>,
    /// Its total daily return.
    pub total_daily_return_rao: Option<Rao>,
    /// The display name its owner set on chain (`IdentitiesV2` of the owner coldkey).
    #[serde(default)]
    pub name: Option<String>,
}

/// Chain-wide totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkTotals {
    /// `SubtensorModule.TotalIssuance`: the issuance the halving follows.
    pub total_issuance_rao: Rao,
    /// `Balances.TotalIssuance`: counted differently (pools), shown for comparison.
    pub balances_total_issuance_rao: Option<Rao>,
    /// `SubtensorModule.TotalStake`.
    pub total_stake_rao: Option<Rao>,
    /// `SubtensorModule.TotalNetworks`: subnets, root included.
    pub total_networks: Option<u16>,
}

/// A hyperparameter's value, typed as far as the runtime's type says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HyperparamValue {
    /// A switch.
    Bool(bool),
    /// A whole number (any unsigned width, compact or not).
    Unsigned(u128),
    /// A signed whole number.
    Signed(i128),
    /// A fixed-point number: `bits / 2^frac_bits` (`I32F32` has 32 fraction bits).
    Fixed {
        /// The raw bits.
        bits: i128,
        /// How many of them are the fraction.
        frac_bits: u8,
    },
    /// Text, or a shape with no better reading (shown as the runtime gave it).
    Text(String),
}

impl fmt::Display for HyperparamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HyperparamValue::Bool(b) => write!(f, "{b}"),
            HyperparamValue::Unsigned(n) => write!(f, "{n}"),
            HyperparamValue::Signed(n) => write!(f, "{n}"),
            HyperparamValue::Fixed { bits, frac_bits } => {
                // Display only: a ratio, never money.
                let value = *bits as f64 / 2f64.powi(i32::from(*frac_bits));
                write!(f, "{value:.6}")
            }
            HyperparamValue::Text(t) => f.write_str(t),
        }
    }
}

/// One hyperparameter of a subnet, named as the runtime names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hyperparameter {
    /// The runtime's field name, e.g. `immunity_period`.
    pub name: String,
    /// Its value.
    pub value: HyperparamValue,
}

/// A subnet's hyperparameters and the runtime call they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hyperparameters {
    /// Subnet id.
    pub netuid: u16,
    /// `get_subnet_hyperparams_v3`, `_v2` or the first version.
    pub source: String,
    /// In the runtime's order.
    pub params: Vec<Hyperparameter>,
}

/// One stake position valued at the current price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Subnet.
    pub netuid: u16,
    /// Subnet name; empty when the chain has none.
    pub subnet_name: String,
    /// Subnet token symbol.
    pub symbol: String,
    /// Validator hotkey, SS58.
    pub hotkey: String,
    /// The validator's on-chain display name, where its owner set one.
    pub validator_name: Option<String>,
    /// Alpha held.
    pub alpha: Alpha,
    /// Spot price, rao per 1 α; `None` when the runtime cannot say.
    pub price_rao_per_alpha: Option<u64>,
    /// Value in TAO at that price; `None` without a price.
    pub value_rao: Option<Rao>,
    /// All alpha staked on this validator on this subnet (`TotalHotkeyAlpha`).
    pub validator_alpha: Option<Alpha>,
    /// This position's share of it, in parts per million.
    pub share_ppm: Option<u32>,
}

/// A coldkey's balance and every stake position, read at one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portfolio {
    /// The coldkey, SS58.
    pub coldkey: String,
    /// Free, reserved and frozen TAO.
    pub balance: Balance,
    /// Positions, largest value first.
    pub positions: Vec<Position>,
}

impl Portfolio {
    /// The TAO value of every position that has a price.
    pub fn staked_value_rao(&self) -> Rao {
        Rao(self
            .positions
            .iter()
            .filter_map(|p| p.value_rao)
            .fold(0u64, |sum, v| sum.saturating_add(v.0)))
    }

    /// Free + reserved + staked value: everything the coldkey holds, in TAO.
    pub fn total_rao(&self) -> Rao {
        Rao(self
            .balance
            .free_rao
            .0
            .saturating_add(self.balance.reserved_rao.0)
            .saturating_add(self.staked_value_rao().0))
    }

    /// Whether some position has no price, so the total is a lower bound.
    pub fn has_unpriced_positions(&self) -> bool {
        self.positions.iter().any(|p| p.value_rao.is_none())
    }
}

/// The TAO value of `alpha` at `price_rao_per_alpha` (rao per 10^9 alpha units), in 128-bit
/// integers: `alpha × price / 10^9`, rounded down, saturating at `u64::MAX`.
pub fn alpha_value_rao(alpha: Alpha, price_rao_per_alpha: u64) -> Rao {
    let value = u128::from(alpha.0) * u128::from(price_rao_per_alpha) / 1_000_000_000;
    Rao(u64::try_from(value).unwrap_or(u64::MAX))
}

/// `part / whole` in parts per million, rounded down; `None` when `whole` is zero.
pub fn share_ppm(part: u64, whole: u64) -> Option<u32> {
    let ppm = (u128::from(part) * 1_000_000).checked_div(u128::from(whole))?;
    Some(u32::try_from(ppm.min(1_000_000)).unwrap_or(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_is_valued_in_whole_rao_without_floats() {
        // 2.5 α at 0.04 τ/α = 0.1 τ.
        assert_eq!(
            alpha_value_rao(Alpha(2_500_000_000), 40_000_000),
            Rao(100_000_000)
        );
        // Rounds down, never up.
        assert_eq!(alpha_value_rao(Alpha(1), 999_999_999), Rao(0));
        // u64 × u64 does not overflow on the way.
        assert_eq!(alpha_value_rao(Alpha(u64::MAX), u64::MAX), Rao(u64::MAX));
        assert_eq!(
            alpha_value_rao(Alpha(18_000_000_000_000_000), 2_000_000_000),
            Rao(36_000_000_000_000_000)
        );
    }

    #[test]
    fn shares_are_parts_per_million_and_refuse_zero() {
        assert_eq!(share_ppm(1, 4), Some(250_000));
        assert_eq!(share_ppm(5, 5), Some(1_000_000));
        assert_eq!(share_ppm(7, 0), None);
        assert_eq!(share_ppm(u64::MAX, u64::MAX), Some(1_000_000));
        // A stale total smaller than the position caps at 100%.
        assert_eq!(share_ppm(10, 5), Some(1_000_000));
    }

    #[test]
    fn the_total_adds_free_reserved_and_priced_positions() {
        let position = |value: Option<u64>| Position {
            netuid: 1,
            subnet_name: String::new(),
            symbol: String::new(),
            hotkey: String::new(),
            validator_name: None,
            alpha: Alpha(1),
            price_rao_per_alpha: value,
            value_rao: value.map(Rao),
            validator_alpha: None,
            share_ppm: None,
        };
        let portfolio = Portfolio {
            coldkey: String::new(),
            balance: Balance {
                free_rao: Rao(10),
                reserved_rao: Rao(5),
                frozen_rao: Rao(3),
                nonce: 0,
            },
            positions: vec![position(Some(100)), position(None)],
        };
        assert_eq!(portfolio.staked_value_rao(), Rao(100));
        assert_eq!(portfolio.total_rao(), Rao(115));
        assert!(portfolio.has_unpriced_positions());
    }
}
