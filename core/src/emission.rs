//! TAO block emission, halvings and the per-subnet split, as the chain computes them.
//!
//! The block emission follows subtensor's `get_block_emission_for_issuance`
//! (`coinbase/block_emission.rs`) in its own I96F32 arithmetic: 1 TAO per block, halved
//! each time issuance passes 21M·(1 − 2^−k) TAO. Balances are integer rao throughout;
//! forecasts are integer block counts, and dates assume 12-second blocks.

use substrate_fixed::transcendental::log2;
use substrate_fixed::types::{I96F32, U96F32};

use crate::i18n::tr_with;

/// Rao in one TAO.
pub const RAO_PER_TAO: u64 = 1_000_000_000;
/// The hard cap: 21 million TAO, in rao (`TotalSupply`).
pub const TOTAL_SUPPLY_RAO: u64 = 21_000_000 * RAO_PER_TAO;
/// Emission per block before the first halving: 1 TAO (`DefaultBlockEmission`).
pub const DEFAULT_BLOCK_EMISSION_RAO: u64 = RAO_PER_TAO;
/// Target block time in seconds.
pub const BLOCK_TIME_SECONDS: u64 = 12;
/// The subnet owner's cut as the runtime stores it: 11,796 / 65,535 ≈ 18%.
pub const SUBNET_OWNER_CUT_U16: u16 = 11_796;

/// The block emission in rao at total issuance `issuance_rao`, exactly as the chain
/// computes it (I96F32 `log2`, floored exponent, repeated doubling); 0 at or past 21M TAO.
pub fn block_emission_for_issuance(issuance_rao: u64) -> u64 {
    let total = I96F32::saturating_from_num(issuance_rao);
    if total >= I96F32::saturating_from_num(TOTAL_SUPPLY_RAO) {
        return 0;
    }
    let one = I96F32::saturating_from_num(1u64);
    let half_supply = I96F32::saturating_from_num(10_500_000_000_000_000u64);
    let ratio = total
        .checked_div(I96F32::saturating_from_num(2u64).saturating_mul(half_supply))
        .and_then(|r| one.checked_sub(r))
        .and_then(|rest| one.checked_div(rest));
    // The chain returns an error here (and mints nothing); none occurs below the cap.
    let Some(ratio) = ratio else { return 0 };
    let Ok(residual) = log2::<I96F32, I96F32>(ratio) else {
        return 0;
    };
    let halvings = residual.floor().saturating_to_num::<u64>();
    let mut multiplier = one;
    for _ in 0..halvings.min(128) {
        multiplier = multiplier.saturating_mul(I96F32::saturating_from_num(2u64));
    }
    let percentage = one.checked_div(multiplier).unwrap_or(I96F32::from_bits(0));
    percentage
        .saturating_mul(I96F32::saturating_from_num(DEFAULT_BLOCK_EMISSION_RAO))
        .saturating_to_num::<u64>()
}

/// The nominal k-th halving point, 21M·(1 − 2^−k) TAO in rao, rounded up (k ≥ 1).
pub fn nominal_halving_threshold_rao(k: u32) -> u64 {
    if k >= 64 {
        return TOTAL_SUPPLY_RAO;
    }
    let remaining = u128::from(TOTAL_SUPPLY_RAO) >> k;
    // When 21M/2^k is not whole, the threshold lies just above the truncated value.
    let exact = u128::from(TOTAL_SUPPLY_RAO) % (1u128 << k) == 0;
    let below = u128::from(TOTAL_SUPPLY_RAO) - remaining;
    (if exact { below } else { below + 1 }) as u64
}

/// The smallest issuance above `from_rao` at which the chain's block emission drops below
/// its value at `from_rao`, or `None` when it never does (emission already 0).
///
/// Found by bisection on [`block_emission_for_issuance`] itself, so a forecast uses the
/// chain's own switch point even where its fixed-point `log2` rounds near a boundary.
pub fn next_halving_threshold_rao(from_rao: u64) -> Option<u64> {
    let current = block_emission_for_issuance(from_rao);
    if current == 0 {
        return None;
    }
    let (mut lo, mut hi) = (from_rao, TOTAL_SUPPLY_RAO);
    // Invariant: emission(lo) == current, emission(hi) < current.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if block_emission_for_issuance(mid) < current {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// How the issuance rate is assumed to evolve for a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuanceRate {
    /// Issuance grows by exactly the block emission (no recycling or burning).
    Nominal,
    /// A measured net rate (rao per block) at today's emission; after each halving it is
    /// scaled by the same factor as the emission (the recycled share is held constant).
    Observed {
        /// ΔTotalIssuance per block, measured over a recent window.
        rao_per_block: u64,
    },
}

/// One future halving in a forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalvingEta {
    /// Issuance (rao) at which it happens.
    pub threshold_rao: u64,
    /// Blocks from the forecast's start.
    pub blocks_from_now: u64,
    /// Estimated block number.
    pub eta_block: u64,
    /// Estimated time, Unix seconds (12-second blocks).
    pub eta_unix_seconds: i64,
    /// Block emission once it has happened, in rao.
    pub block_emission_after_rao: u64,
}

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForecastError {
    /// The observed rate is zero, so issuance never reaches a threshold.
    ZeroRate,
    /// The issuance is at or above the 21M TAO cap.
    IssuanceAtCap {
        /// The issuance given.
        issuance_rao: u64,
    },
}

impl std::fmt::Display for ForecastError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            ForecastError::ZeroRate => tr_with("error.forecast.zero_rate", &[]),
            ForecastError::IssuanceAtCap { issuance_rao } => tr_with(
                "error.forecast.at_cap",
                &[("issuance", issuance_rao), ("cap", &TOTAL_SUPPLY_RAO)],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ForecastError {}

/// Blocks needed to add `gap` rao in a segment whose emission is `segment_emission`.
fn blocks_for_gap(
    gap: u64,
    segment_emission: u64,
    today_emission: u64,
    rate: IssuanceRate,
) -> u128 {
    let gap = u128::from(gap);
    match rate {
        IssuanceRate::Nominal => gap.div_ceil(u128::from(segment_emission.max(1))),
        IssuanceRate::Observed { rao_per_block } => {
            // rate in segment = R · E_seg / E_today, so blocks = ⌈gap · E_today / (R · E_seg)⌉.
            let numerator = gap * u128::from(today_emission.max(1));
            let denominator = u128::from(rao_per_block) * u128::from(segment_emission.max(1));
            numerator.div_ceil(denominator.max(1))
        }
    }
}

/// The next `count` halvings after `issuance_rao`, with block and date estimates from
/// `at_block` at Unix time `at_unix_seconds`.
pub fn halving_schedule(
    issuance_rao: u64,
    rate: IssuanceRate,
    at_block: u64,
    at_unix_seconds: i64,
    count: usize,
) -> Result<Vec<HalvingEta>, ForecastError> {
    if issuance_rao >= TOTAL_SUPPLY_RAO {
        return Err(ForecastError::IssuanceAtCap { issuance_rao });
    }
    if rate == (IssuanceRate::Observed { rao_per_block: 0 }) {
        return Err(ForecastError::ZeroRate);
    }
    let today = block_emission_for_issuance(issuance_rao);
    let mut out = Vec::with_capacity(count);
    let mut issuance = issuance_rao;
    let mut blocks: u128 = 0;
    while out.len() < count {
        let Some(threshold) = next_halving_threshold_rao(issuance) else {
            break;
        };
        let segment = block_emission_for_issuance(issuance);
        blocks = blocks.saturating_add(blocks_for_gap(threshold - issuance, segment, today, rate));
        let blocks_u64 = u64::try_from(blocks).unwrap_or(u64::MAX);
        let seconds = i64::try_from(blocks.saturating_mul(u128::from(BLOCK_TIME_SECONDS)))
            .unwrap_or(i64::MAX);
        out.push(HalvingEta {
            threshold_rao: threshold,
            blocks_from_now: blocks_u64,
            eta_block: at_block.saturating_add(blocks_u64),
            eta_unix_seconds: at_unix_seconds.saturating_add(seconds),
            block_emission_after_rao: block_emission_for_issuance(threshold),
        });
        issuance = threshold;
    }
    Ok(out)
}

/// A point of the issuance curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuancePoint {
    /// Block number.
    pub block: u64,
    /// Total issuance at that block, in rao.
    pub issuance_rao: u64,
}

/// Issuance over time towards 21M TAO under `rate`, for charts: the start, every halving,
/// and evenly spaced points in between (about `points` in all), up to `halvings` halvings.
pub fn issuance_curve(
    issuance_rao: u64,
    rate: IssuanceRate,
    at_block: u64,
    halvings: usize,
    points: usize,
) -> Result<Vec<IssuancePoint>, ForecastError> {
    let schedule = halving_schedule(issuance_rao, rate, at_block, 0, halvings)?;
    let Some(last) = schedule.last() else {
        return Ok(vec![IssuancePoint {
            block: at_block,
            issuance_rao,
        }]);
    };
    let span = last.blocks_from_now.max(1);
    let step = (span / points.max(1) as u64).max(1);
    let today = block_emission_for_issuance(issuance_rao);
    let per_block = |segment_emission: u64| -> (u128, u128) {
        // Issuance added per block as a fraction num/den (exact for both rate models).
        match rate {
            IssuanceRate::Nominal => (u128::from(segment_emission), 1),
            IssuanceRate::Observed { rao_per_block } => (
                u128::from(rao_per_block) * u128::from(segment_emission),
                u128::from(today.max(1)),
            ),
        }
    };
    let mut curve = vec![IssuancePoint {
        block: at_block,
        issuance_rao,
    }];
    let mut seg_start_block = 0u64;
    let mut seg_start_issuance = issuance_rao;
    for eta in &schedule {
        let (num, den) = per_block(block_emission_for_issuance(seg_start_issuance));
        let mut b = (seg_start_block / step + 1) * step;
        while b < eta.blocks_from_now {
            let added = u128::from(b - seg_start_block) * num / den.max(1);
            let value = u128::from(seg_start_issuance).saturating_add(added);
            curve.push(IssuancePoint {
                block: at_block.saturating_add(b),
                issuance_rao: u64::try_from(value)
                    .unwrap_or(u64::MAX)
                    .min(eta.threshold_rao),
            });
            b += step;
        }
        curve.push(IssuancePoint {
            block: eta.eta_block,
            issuance_rao: eta.threshold_rao,
        });
        seg_start_block = eta.blocks_from_now;
        seg_start_issuance = eta.threshold_rao;
    }
    Ok(curve)
}

/// How one block's subnet emission (alpha, rao) is shared before Yuma runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmissionSplit {
    /// The subnet owner's cut (≈ 18%).
    pub owner_rao: u64,
    /// Miners' share, paid by incentive (≈ 41%).
    pub miners_rao: u64,
    /// Validators' and their stakers' share, paid by dividends (≈ 41%), root's part included.
    pub validators_rao: u64,
}

/// Splits `alpha_out_rao` as the coinbase does (U96F32): the owner cut of
/// `owner_cut_u16`/65535, then half of the rest to miners and the remainder to validators.
pub fn split_subnet_emission(alpha_out_rao: u64, owner_cut_u16: u16) -> EmissionSplit {
    let alpha_out = U96F32::saturating_from_num(alpha_out_rao);
    let cut = U96F32::saturating_from_num(owner_cut_u16)
        .checked_div(U96F32::saturating_from_num(u16::MAX))
        .unwrap_or(U96F32::from_bits(0));
    let owner = alpha_out.saturating_mul(cut);
    let rest = alpha_out.saturating_sub(owner);
    let miners = rest.saturating_mul(U96F32::saturating_from_num(0.5));
    let validators = rest.saturating_sub(miners);
    EmissionSplit {
        owner_rao: owner.saturating_to_num::<u64>(),
        miners_rao: miners.saturating_to_num::<u64>(),
        validators_rao: validators.saturating_to_num::<u64>(),
    }
}

/// A Unix time as UTC ISO-8601 (`2026-12-14T08:00:00Z`).
pub fn utc_iso8601(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days, valid over the whole i64 day range we can reach.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        (secs % 3_600) / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAO: u64 = RAO_PER_TAO;

    #[test]
    fn emission_halves_at_the_chain_thresholds() {
        assert_eq!(block_emission_for_issuance(0), TAO);
        assert_eq!(block_emission_for_issuance(10_500_000 * TAO - TAO), TAO);
        assert_eq!(block_emission_for_issuance(10_500_000 * TAO + TAO), TAO / 2);
        assert_eq!(block_emission_for_issuance(15_750_000 * TAO - TAO), TAO / 2);
        assert_eq!(block_emission_for_issuance(15_750_000 * TAO + TAO), TAO / 4);
        assert_eq!(block_emission_for_issuance(18_375_000 * TAO + TAO), TAO / 8);
        assert_eq!(block_emission_for_issuance(TOTAL_SUPPLY_RAO), 0);
        assert_eq!(block_emission_for_issuance(u64::MAX), 0);
    }

    #[test]
    fn thresholds_are_exact_in_rao() {
        let first = next_halving_threshold_rao(0);
        assert_eq!(first, Some(10_500_000 * TAO));
        let second = first.and_then(next_halving_threshold_rao);
        assert_eq!(second, Some(15_750_000 * TAO));
        let third = second.and_then(next_halving_threshold_rao);
        assert_eq!(third, Some(18_375_000 * TAO));
        assert_eq!(nominal_halving_threshold_rao(1), 10_500_000 * TAO);
        assert_eq!(nominal_halving_threshold_rao(3), 18_375_000 * TAO);
        assert_eq!(nominal_halving_threshold_rao(4), 19_687_500 * TAO);
    }

    #[test]
    fn eta_from_issuance_rate_and_block() {
        // 1,000,000 TAO short of the second halving at 0.5 TAO/block nominal: 2M blocks.
        let issuance = 14_750_000 * TAO;
        let at = 7_000_000;
        let unix = 1_800_000_000;
        let nominal = halving_schedule(issuance, IssuanceRate::Nominal, at, unix, 2).expect("ok");
        assert_eq!(nominal[0].threshold_rao, 15_750_000 * TAO);
        assert_eq!(nominal[0].blocks_from_now, 2_000_000);
        assert_eq!(nominal[0].eta_block, 9_000_000);
        assert_eq!(nominal[0].eta_unix_seconds, unix + 24_000_000);
        assert_eq!(nominal[0].block_emission_after_rao, TAO / 4);
        // Next segment: 2.625M TAO at 0.25 TAO/block = 10.5M blocks more.
        assert_eq!(nominal[1].blocks_from_now, 2_000_000 + 10_500_000);
        // Observed 0.4 TAO/block now: 2.5M blocks, then 0.2 TAO/block.
        let observed = IssuanceRate::Observed {
            rao_per_block: 400_000_000,
        };
        let obs = halving_schedule(issuance, observed, at, unix, 2).expect("ok");
        assert_eq!(obs[0].blocks_from_now, 2_500_000);
        assert_eq!(obs[1].blocks_from_now, 2_500_000 + 13_125_000);
        assert_eq!(
            halving_schedule(
                issuance,
                IssuanceRate::Observed { rao_per_block: 0 },
                at,
                unix,
                2
            ),
            Err(ForecastError::ZeroRate)
        );
        assert!(halving_schedule(TOTAL_SUPPLY_RAO, IssuanceRate::Nominal, 0, 0, 1).is_err());
    }

    #[test]
    fn curve_reaches_each_threshold() {
        let curve =
            issuance_curve(10_000_000 * TAO, IssuanceRate::Nominal, 100, 3, 50).expect("curve");
        assert_eq!(curve.first().map(|p| p.block), Some(100));
        assert!(curve.windows(2).all(|w| w[0].block <= w[1].block));
        assert!(
            curve
                .windows(2)
                .all(|w| w[0].issuance_rao <= w[1].issuance_rao)
        );
        assert_eq!(curve.last().map(|p| p.issuance_rao), Some(18_375_000 * TAO));
        assert!(curve.len() > 40);
    }

    #[test]
    fn split_is_18_41_41() {
        let s = split_subnet_emission(TAO, SUBNET_OWNER_CUT_U16);
        assert_eq!(s.owner_rao, 179_995_422);
        assert_eq!(s.miners_rao, 410_002_288);
        assert_eq!(s.validators_rao, 410_002_288);
        assert!(s.owner_rao + s.miners_rao + s.validators_rao <= TAO);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(utc_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_iso8601(1_765_670_400), "2025-12-14T00:00:00Z");
        assert_eq!(utc_iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_iso8601(-1), "1969-12-31T23:59:59Z");
    }
}
