//! Reward forecasts for one stake position (subnet, validator hotkey, alpha amount).
//!
//! The estimate follows the chain's payout path (`bittensor-spec.md` §4): the validator's
//! alpha earned in its last epoch, less the part paid to root stakers (alpha stake against
//! TAO-weighted total stake), less the validator's take, shared among its alpha stakers in
//! proportion to their alpha. Amounts stay integers (alpha units, rao); only the APY, a
//! display ratio, is a float. Every simplification is returned as an [`Assumption`], whose
//! [`Assumption::key`] is a catalogue key, so the UI and the CLI list them in the user's
//! language next to the numbers.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::emission::{block_emission_for_issuance, next_halving_threshold_rao};
use crate::explorer::{Alpha, Metagraph, Neuron, Rao, SubnetSummary};
use crate::i18n::tr_with;

/// Alpha units (or rao) in one whole token.
const UNITS: u128 = 1_000_000_000;
/// Blocks in a day at 12-second blocks.
pub const BLOCKS_PER_DAY: u64 = 7_200;
/// The take a hotkey has when its owner never set one (`DefaultDelegateTake`, ≈ 18%).
pub const DEFAULT_TAKE_U16: u16 = 11_796;

/// One simplification a forecast rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Assumption {
    /// The alpha price stays where it is.
    PriceConstant,
    /// No swap price was available; the price is the pool's TAO/alpha reserve ratio.
    PriceFromPoolRatio,
    /// No price at all: TAO values are unknown.
    PriceUnknown,
    /// The validator keeps its weights, so its dividend share stays as in the last epoch.
    ValidatorKeepsWeights,
    /// The validator's and the subnet's stakes stay as they are.
    StakeConstant,
    /// The validator's take stays as read.
    TakeConstant,
    /// The take could not be read; the chain's default (≈ 18%) is used.
    TakeDefault,
    /// The validator also earned incentive: its dividend part is estimated from the ratio
    /// of its dividends to its incentive.
    ValidatorPartEstimated,
    /// The alpha for root stakers is split off by alpha stake against total stake.
    RootShareByStake,
    /// The total (TAO-weighted) stake is unknown, so nothing is set aside for root stakers.
    RootShareUnknown,
    /// One epoch every tempo + 1 blocks, 12-second blocks.
    EpochEveryTempo,
    /// The amount is added to the validator's stake (a new position).
    PositionAdded,
    /// The amount is already part of the validator's stake (an existing position).
    PositionExisting,
    /// The APY compounds the daily alpha once a day.
    CompoundsDaily,
    /// The subnet's alpha emission halves with its own alpha issuance; the TAO halving does
    /// not change it (it changes the TAO entering the pool, hence possibly the price).
    AlphaHalvingOnly,
    /// The subnet's alpha issuance rate is unknown, so the halving has no date.
    HalvingEtaUnknown,
    /// Values are at the spot price, before swap slippage and fees.
    NoSlippage,
}

impl Assumption {
    /// The catalogue key of this assumption's sentence.
    pub fn key(self) -> &'static str {
        match self {
            Assumption::PriceConstant => "forecast.assumption.price_constant",
            Assumption::PriceFromPoolRatio => "forecast.assumption.price_from_pool",
            Assumption::PriceUnknown => "forecast.assumption.price_unknown",
            Assumption::ValidatorKeepsWeights => "forecast.assumption.keeps_weights",
            Assumption::StakeConstant => "forecast.assumption.stake_constant",
            Assumption::TakeConstant => "forecast.assumption.take_constant",
            Assumption::TakeDefault => "forecast.assumption.take_default",
            Assumption::ValidatorPartEstimated => "forecast.assumption.validator_part",
            Assumption::RootShareByStake => "forecast.assumption.root_share",
            Assumption::RootShareUnknown => "forecast.assumption.root_unknown",
            Assumption::EpochEveryTempo => "forecast.assumption.epoch_tempo",
            Assumption::PositionAdded => "forecast.assumption.position_added",
            Assumption::PositionExisting => "forecast.assumption.position_existing",
            Assumption::CompoundsDaily => "forecast.assumption.compounds_daily",
            Assumption::AlphaHalvingOnly => "forecast.assumption.alpha_halving",
            Assumption::HalvingEtaUnknown => "forecast.assumption.halving_eta_unknown",
            Assumption::NoSlippage => "forecast.assumption.no_slippage",
        }
    }

    /// The sentence in the current language.
    pub fn text(self) -> String {
        crate::i18n::tr(self.key())
    }
}

impl Serialize for Assumption {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

/// Whether the amount is already in the validator's stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionKind {
    /// A position the coldkey holds now (from its stake list).
    Existing,
    /// A stake the user is thinking of adding.
    Added,
}

/// The position to forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionQuery {
    /// The subnet.
    pub netuid: u16,
    /// The validator's hotkey, SS58.
    pub hotkey: String,
    /// The alpha staked (or to stake) on it.
    pub amount: Alpha,
    /// Whether `amount` is already counted in the validator's stake.
    pub kind: PositionKind,
}

/// What else is known about the market, beyond the metagraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarketFacts<'a> {
    /// The subnet's row in the subnets list (spot price, per-block emissions), if read.
    pub subnet: Option<&'a SubnetSummary>,
    /// The validator's take, 0..=65535, if read.
    pub take_u16: Option<u16>,
}

/// How the position's rewards change at the subnet's next alpha halving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HalvingChange {
    /// The subnet's alpha issuance now (alpha in the pool plus alpha outside it).
    pub alpha_issuance: Alpha,
    /// The issuance at which its alpha emission halves.
    pub threshold: Alpha,
    /// Alpha emitted per block now.
    pub block_emission_now: Alpha,
    /// Alpha emitted per block after the halving.
    pub block_emission_after: Alpha,
    /// The position's alpha per day after the halving.
    pub alpha_per_day_after: Alpha,
    /// Blocks until the halving, when the issuance rate is known.
    pub blocks_until: Option<u64>,
}

/// A position's expected rewards and what they rest on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RewardForecast {
    /// The subnet.
    pub netuid: u16,
    /// The validator's hotkey.
    pub hotkey: String,
    /// Its UID in the subnet.
    pub uid: u16,
    /// The block the inputs are from.
    pub block: u64,
    /// The position's alpha.
    pub amount: Alpha,
    /// Existing or added.
    pub kind: PositionKind,
    /// The position's share of the validator's alpha stake, in parts per billion.
    pub share_ppb: u64,
    /// The validator's alpha stake on the subnet (including an added amount).
    pub validator_stake: Alpha,
    /// The validator's alpha from its last epoch that is dividends (before take and root).
    pub validator_dividends_per_tempo: Alpha,
    /// The validator's take, 0..=65535.
    pub take_u16: u16,
    /// Blocks between payouts (tempo + 1).
    pub blocks_per_epoch: u64,
    /// The position's alpha per epoch.
    pub alpha_per_tempo: Alpha,
    /// The position's alpha per day.
    pub alpha_per_day: Alpha,
    /// The position's alpha per 365 days, not compounded.
    pub alpha_per_year: Alpha,
    /// Spot price, rao per 1 α, if known.
    pub price_rao_per_alpha: Option<u64>,
    /// The position's value in TAO at that price.
    pub value_rao: Option<Rao>,
    /// TAO value of a day's alpha.
    pub tao_per_day_rao: Option<Rao>,
    /// TAO value of a year's alpha (not compounded).
    pub tao_per_year_rao: Option<Rao>,
    /// Annual percentage yield in alpha, compounded daily (display only).
    pub apy_percent: f64,
    /// The change at the subnet's next alpha halving, when it has one.
    pub next_halving: Option<HalvingChange>,
    /// Every simplification behind the numbers.
    pub assumptions: Vec<Assumption>,
}

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardError {
    /// The amount is zero.
    ZeroAmount,
    /// The metagraph is for another subnet.
    WrongSubnet {
        /// Asked for.
        netuid: u16,
        /// The metagraph's.
        metagraph: u16,
    },
    /// The hotkey holds no UID in the subnet.
    NotRegistered {
        /// The hotkey.
        hotkey: String,
        /// The subnet.
        netuid: u16,
    },
    /// An existing position larger than the validator's whole stake.
    MoreThanStake {
        /// The position.
        amount: Alpha,
        /// The validator's stake.
        stake: Alpha,
    },
}

impl fmt::Display for RewardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            RewardError::ZeroAmount => tr_with("error.rewards.zero_amount", &[]),
            RewardError::WrongSubnet { netuid, metagraph } => tr_with(
                "error.rewards.wrong_subnet",
                &[("netuid", netuid), ("metagraph", metagraph)],
            ),
            RewardError::NotRegistered { hotkey, netuid } => tr_with(
                "error.rewards.not_registered",
                &[("hotkey", hotkey), ("netuid", netuid)],
            ),
            RewardError::MoreThanStake { amount, stake } => tr_with(
                "error.rewards.more_than_stake",
                &[("amount", amount), ("stake", stake)],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for RewardError {}

/// `value × num / den` in 128 bits, saturating to `u64`; 0 when `den` is 0.
fn mul_div(value: u128, num: u128, den: u128) -> u128 {
    if den == 0 {
        return 0;
    }
    value.saturating_mul(num) / den
}

fn to_u64(value: u128) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// The part of `neuron`'s last-epoch emission that is validator dividends.
fn dividends_part(neuron: &Neuron, assumptions: &mut Vec<Assumption>) -> u128 {
    let emission = u128::from(neuron.emission.0);
    match (neuron.dividends, neuron.incentive) {
        (0, _) => 0,
        (_, 0) => emission,
        (div, inc) => {
            // Miners' and validators' halves are equal, and each is shared by its own
            // normalised vector, so the two parts stand in the ratio div : inc.
            assumptions.push(Assumption::ValidatorPartEstimated);
            mul_div(emission, u128::from(div), u128::from(div) + u128::from(inc))
        }
    }
}

/// The spot price, else the pool ratio (flagged), else unknown (flagged).
fn price(metagraph: &Metagraph, facts: &MarketFacts<'_>, out: &mut Vec<Assumption>) -> Option<u64> {
    if let Some(p) = facts.subnet.and_then(|s| s.price_rao_per_alpha) {
        return Some(p);
    }
    let pool = match facts.subnet {
        Some(s) => Some((s.tao_in_rao, s.alpha_in)),
        None => metagraph.subnet.tao_in_rao.zip(metagraph.subnet.alpha_in),
    };
    match pool {
        Some((tao, alpha)) if alpha.0 > 0 => {
            out.push(Assumption::PriceFromPoolRatio);
            Some(to_u64(mul_div(
                u128::from(tao.0),
                UNITS,
                u128::from(alpha.0),
            )))
        }
        _ => {
            out.push(Assumption::PriceUnknown);
            None
        }
    }
}

/// The subnet's next alpha halving and the position's rate after it.
fn halving(
    metagraph: &Metagraph,
    facts: &MarketFacts<'_>,
    alpha_per_day: u128,
    out: &mut Vec<Assumption>,
) -> Option<HalvingChange> {
    let (alpha_in, alpha_out) = match facts.subnet {
        Some(s) => (s.alpha_in, s.alpha_out),
        None => (metagraph.subnet.alpha_in?, metagraph.subnet.alpha_out?),
    };
    let issuance = alpha_in.0.saturating_add(alpha_out.0);
    let now = block_emission_for_issuance(issuance);
    let threshold = next_halving_threshold_rao(issuance)?;
    let after = block_emission_for_issuance(threshold);
    out.push(Assumption::AlphaHalvingOnly);
    let per_block = facts
        .subnet
        .map(|s| s.alpha_out_emission.0.saturating_add(s.alpha_in_emission.0))
        .filter(|r| *r > 0);
    if per_block.is_none() {
        out.push(Assumption::HalvingEtaUnknown);
    }
    Some(HalvingChange {
        alpha_issuance: Alpha(issuance),
        threshold: Alpha(threshold),
        block_emission_now: Alpha(now),
        block_emission_after: Alpha(after),
        alpha_per_day_after: Alpha(to_u64(mul_div(
            alpha_per_day,
            u128::from(after),
            u128::from(now),
        ))),
        blocks_until: per_block.map(|r| (threshold - issuance).div_ceil(r)),
    })
}

/// Forecasts `query`'s rewards from `metagraph` (live or snapshot) and whatever else is
/// known in `facts`.
pub fn forecast_rewards(
    metagraph: &Metagraph,
    facts: &MarketFacts<'_>,
    query: &PositionQuery,
) -> Result<RewardForecast, RewardError> {
    if query.amount.0 == 0 {
        return Err(RewardError::ZeroAmount);
    }
    if metagraph.netuid != query.netuid {
        return Err(RewardError::WrongSubnet {
            netuid: query.netuid,
            metagraph: metagraph.netuid,
        });
    }
    let neuron = metagraph
        .neurons
        .iter()
        .find(|n| n.hotkey == query.hotkey)
        .ok_or_else(|| RewardError::NotRegistered {
            hotkey: query.hotkey.clone(),
            netuid: query.netuid,
        })?;
    let mut assumptions = vec![
        Assumption::ValidatorKeepsWeights,
        Assumption::StakeConstant,
        Assumption::EpochEveryTempo,
    ];
    let amount = u128::from(query.amount.0);
    let alpha_stake = u128::from(neuron.stake.0);
    let validator_stake = match query.kind {
        PositionKind::Existing => {
            if amount > alpha_stake {
                return Err(RewardError::MoreThanStake {
                    amount: query.amount,
                    stake: neuron.stake,
                });
            }
            assumptions.push(Assumption::PositionExisting);
            alpha_stake
        }
        PositionKind::Added => {
            assumptions.push(Assumption::PositionAdded);
            alpha_stake + amount
        }
    };
    let dividends = dividends_part(neuron, &mut assumptions);
    // Root stakers' part: the chain splits dividends by alpha stake : TAO stake × weight,
    // which is alpha stake : (total stake − alpha stake).
    let alpha_dividends = match neuron.total_stake {
        Some(total) if total.0 > 0 => {
            assumptions.push(Assumption::RootShareByStake);
            let added = validator_stake - alpha_stake;
            mul_div(dividends, validator_stake, u128::from(total.0) + added)
        }
        _ => {
            assumptions.push(Assumption::RootShareUnknown);
            dividends
        }
    };
    let take = match facts.take_u16 {
        Some(t) => {
            assumptions.push(Assumption::TakeConstant);
            t
        }
        None => {
            assumptions.push(Assumption::TakeDefault);
            DEFAULT_TAKE_U16
        }
    };
    let after_take = mul_div(
        alpha_dividends,
        u128::from(u16::MAX - take),
        u128::from(u16::MAX),
    );
    // A tempo of 0 means "not known" in rows built from partial data; 360 is the default.
    let tempo = facts
        .subnet
        .map(|s| s.tempo)
        .filter(|t| *t > 0)
        .or(metagraph.subnet.tempo.filter(|t| *t > 0))
        .unwrap_or(360);
    let blocks_per_epoch = u64::from(tempo) + 1;
    let per_tempo = mul_div(after_take, amount, validator_stake);
    // One multiply-divide from the epoch's total keeps the day's figure exact to the unit.
    let per_day = mul_div(
        after_take,
        amount * u128::from(BLOCKS_PER_DAY),
        validator_stake * u128::from(blocks_per_epoch),
    );
    let per_year = mul_div(
        after_take,
        amount * u128::from(BLOCKS_PER_DAY) * 365,
        validator_stake * u128::from(blocks_per_epoch),
    );
    let price = price(metagraph, facts, &mut assumptions);
    let in_tao = |alpha: u128| price.map(|p| Rao(to_u64(mul_div(alpha, u128::from(p), UNITS))));
    if price.is_some() {
        assumptions.push(Assumption::PriceConstant);
        assumptions.push(Assumption::NoSlippage);
    }
    let daily_rate = per_day as f64 / amount as f64;
    let apy_percent = ((1.0 + daily_rate).powi(365) - 1.0) * 100.0;
    assumptions.push(Assumption::CompoundsDaily);
    let next_halving = halving(metagraph, facts, per_day, &mut assumptions);
    assumptions.sort();
    assumptions.dedup();
    Ok(RewardForecast {
        netuid: query.netuid,
        hotkey: query.hotkey.clone(),
        uid: neuron.uid,
        block: metagraph.block,
        amount: query.amount,
        kind: query.kind,
        share_ppb: to_u64(mul_div(amount, UNITS, validator_stake)),
        validator_stake: Alpha(to_u64(validator_stake)),
        validator_dividends_per_tempo: Alpha(to_u64(dividends)),
        take_u16: take,
        blocks_per_epoch,
        alpha_per_tempo: Alpha(to_u64(per_tempo)),
        alpha_per_day: Alpha(to_u64(per_day)),
        alpha_per_year: Alpha(to_u64(per_year)),
        price_rao_per_alpha: price,
        value_rao: in_tao(amount),
        tao_per_day_rao: in_tao(per_day),
        tao_per_year_rao: in_tao(per_year),
        apy_percent,
        next_halving,
        assumptions,
    })
}

/// Parses a decimal alpha amount ("12.5", at most nine decimals, more than zero) into
/// alpha units, with a plain-language error.
pub fn parse_alpha_amount(text: &str) -> Result<Alpha, String> {
    let bad = || tr_with("error.rewards.bad_amount", &[("given", &text)]);
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (text.contains('.') && frac.is_empty())
    {
        return Err(bad());
    }
    if frac.len() > 9 {
        return Err(tr_with(
            "error.rewards.too_many_decimals",
            &[("given", &text)],
        ));
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac_units: u128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().map_err(|_| bad())?
    };
    let units = whole
        .checked_mul(UNITS)
        .and_then(|w| w.checked_add(frac_units))
        .and_then(|u| u64::try_from(u).ok())
        .ok_or_else(|| tr_with("error.rewards.amount_too_large", &[("given", &text)]))?;
    if units == 0 {
        return Err(tr_with("error.rewards.zero_amount", &[]));
    }
    Ok(Alpha(units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explorer::{MetagraphSource, MetagraphSubnet};

    fn neuron(
        uid: u16,
        hotkey: &str,
        stake: u64,
        total: u64,
        div: u16,
        inc: u16,
        em: u64,
    ) -> Neuron {
        Neuron {
            uid,
            hotkey: hotkey.to_string(),
            coldkey: String::new(),
            active: true,
            validator_permit: div > 0,
            stake: Alpha(stake),
            tao_stake: None,
            total_stake: Some(Alpha(total)),
            consensus: 0,
            incentive: inc,
            dividends: div,
            validator_trust: None,
            emission: Alpha(em),
            last_update: 0,
            registered_at: None,
            axon: None,
        }
    }

    fn graph(neurons: Vec<Neuron>) -> Metagraph {
        Metagraph {
            netuid: 3,
            block: 100,
            n: neurons.len() as u16,
            source: MetagraphSource::Metagraph,
            subnet: MetagraphSubnet {
                tempo: Some(99),
                tao_in_rao: Some(Rao(2_000 * 1_000_000_000)),
                alpha_in: Some(Alpha(100_000 * 1_000_000_000)),
                alpha_out: Some(Alpha(400_000 * 1_000_000_000)),
                ..MetagraphSubnet::default()
            },
            neurons,
        }
    }

    const A: u64 = 1_000_000_000;

    fn query(amount: u64, kind: PositionKind) -> PositionQuery {
        PositionQuery {
            netuid: 3,
            hotkey: "V".into(),
            amount: Alpha(amount),
            kind,
        }
    }

    #[test]
    fn existing_position_gets_its_share_after_root_and_take() {
        // 1,000 α stake, total 2,000 (half is root weight), 10 α dividends per epoch.
        let g = graph(vec![neuron(
            0,
            "V",
            1_000 * A,
            2_000 * A,
            65_535,
            0,
            10 * A,
        )]);
        let facts = MarketFacts {
            subnet: None,
            take_u16: Some(0),
        };
        let f = forecast_rewards(&g, &facts, &query(100 * A, PositionKind::Existing)).expect("ok");
        // 10 α → 5 α to alpha stakers → 10% of that = 0.5 α per epoch; 72 epochs a day.
        assert_eq!(f.alpha_per_tempo, Alpha(A / 2));
        assert_eq!(f.alpha_per_day, Alpha(36 * A));
        assert_eq!(f.alpha_per_year, Alpha(36 * 365 * A));
        assert_eq!(f.share_ppb, 100_000_000);
        // Pool ratio 2,000 TAO / 100,000 α = 0.02 TAO per α.
        assert_eq!(f.price_rao_per_alpha, Some(20_000_000));
        assert_eq!(f.value_rao, Some(Rao(2 * A)));
        assert_eq!(f.tao_per_day_rao, Some(Rao(720_000_000)));
        assert!(f.assumptions.contains(&Assumption::PriceFromPoolRatio));
        assert!(f.assumptions.contains(&Assumption::TakeConstant));
        assert!(f.assumptions.contains(&Assumption::PositionExisting));
        // 36% a day compounds to an enormous APY; only check it is the compounding.
        let expected = (1.36f64.powi(365) - 1.0) * 100.0;
        assert!((f.apy_percent / expected - 1.0).abs() < 1e-9);
    }

    #[test]
    fn take_and_added_stake_dilute() {
        let g = graph(vec![neuron(0, "V", 900 * A, 900 * A, 65_535, 0, 10 * A)]);
        let f = forecast_rewards(
            &g,
            &MarketFacts::default(),
            &query(100 * A, PositionKind::Added),
        )
        .expect("ok");
        // Stake becomes 1,000 α; default take 11,796/65,535 leaves 8.2 α (floored).
        let after_take = 10 * A as u128 * u128::from(u16::MAX - DEFAULT_TAKE_U16) / 65_535;
        assert_eq!(f.alpha_per_tempo.0 as u128, after_take / 10);
        assert_eq!(f.validator_stake, Alpha(1_000 * A));
        assert!(f.assumptions.contains(&Assumption::TakeDefault));
        assert!(f.assumptions.contains(&Assumption::PositionAdded));
    }

    #[test]
    fn miner_part_is_left_out_and_non_validators_earn_nothing() {
        let g = graph(vec![
            neuron(0, "V", 100 * A, 100 * A, 30_000, 10_000, 8 * A),
            neuron(1, "M", 100 * A, 100 * A, 0, 65_535, 50 * A),
        ]);
        let facts = MarketFacts {
            subnet: None,
            take_u16: Some(0),
        };
        let f = forecast_rewards(&g, &facts, &query(100 * A, PositionKind::Existing)).expect("ok");
        assert_eq!(f.validator_dividends_per_tempo, Alpha(6 * A));
        assert!(f.assumptions.contains(&Assumption::ValidatorPartEstimated));
        let mut q = query(100 * A, PositionKind::Existing);
        q.hotkey = "M".into();
        let m = forecast_rewards(&g, &facts, &q).expect("ok");
        assert_eq!(m.alpha_per_day, Alpha(0));
        assert_eq!(m.apy_percent, 0.0);
    }

    #[test]
    fn halving_halves_the_daily_alpha() {
        let g = graph(vec![neuron(
            0,
            "V",
            1_000 * A,
            1_000 * A,
            65_535,
            0,
            10 * A,
        )]);
        let f = forecast_rewards(
            &g,
            &MarketFacts::default(),
            &query(100 * A, PositionKind::Existing),
        )
        .expect("ok");
        let h = f.next_halving.expect("a halving ahead");
        assert_eq!(h.alpha_issuance, Alpha(500_000 * A));
        assert_eq!(h.threshold, Alpha(10_500_000 * A));
        assert_eq!(h.block_emission_now, Alpha(A));
        assert_eq!(h.block_emission_after, Alpha(A / 2));
        assert_eq!(h.alpha_per_day_after.0, f.alpha_per_day.0 / 2);
        assert_eq!(h.blocks_until, None);
        assert!(f.assumptions.contains(&Assumption::HalvingEtaUnknown));
    }

    #[test]
    fn bad_positions_are_refused() {
        let g = graph(vec![neuron(0, "V", 10 * A, 10 * A, 65_535, 0, A)]);
        let d = MarketFacts::default();
        assert_eq!(
            forecast_rewards(&g, &d, &query(0, PositionKind::Added)),
            Err(RewardError::ZeroAmount)
        );
        assert!(matches!(
            forecast_rewards(&g, &d, &query(11 * A, PositionKind::Existing)),
            Err(RewardError::MoreThanStake { .. })
        ));
        let mut q = query(A, PositionKind::Added);
        q.hotkey = "nobody".into();
        assert!(matches!(
            forecast_rewards(&g, &d, &q),
            Err(RewardError::NotRegistered { .. })
        ));
        q.netuid = 4;
        assert!(matches!(
            forecast_rewards(&g, &d, &q),
            Err(RewardError::WrongSubnet { .. })
        ));
    }

    #[test]
    fn amounts_parse_strictly() {
        assert_eq!(parse_alpha_amount("1"), Ok(Alpha(A)));
        assert_eq!(parse_alpha_amount("12.5"), Ok(Alpha(12 * A + A / 2)));
        assert_eq!(parse_alpha_amount("0.000000001"), Ok(Alpha(1)));
        assert_eq!(parse_alpha_amount(".5"), Ok(Alpha(A / 2)));
        for bad in [
            "",
            ".",
            "0",
            "0.0",
            "-1",
            "1.",
            "1e3",
            "1,5",
            "abc",
            "1.0000000001",
            "NaN",
            "99999999999999999999",
        ] {
            assert!(parse_alpha_amount(bad).is_err(), "{bad} should be refused");
        }
    }
}
