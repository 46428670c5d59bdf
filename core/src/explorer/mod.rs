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
    /// TAO injected into the pool per block.
    pub tao_in_emission_rao: Rao,
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
