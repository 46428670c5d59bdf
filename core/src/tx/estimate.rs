//! Offline estimates: what a stake would give by the constant-product formula over the
//! pool reserves a snapshot recorded. Pools now use a concentrated-liquidity swap, so this
//! is only an estimate; every screen that shows one must label it as such. A live quote
//! comes from [`super::prepare`] and the node's own swap simulation.

use super::prepare::{Quote, Tolerance, bounded_price};
use crate::amount::UNITS_PER_TOKEN;
use crate::explorer::{Alpha, Rao};

const PPM: u128 = 1_000_000;

/// Pool reserves of one subnet, as a snapshot or the subnets list recorded them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolReserves {
    /// TAO in the pool.
    pub tao_in: Rao,
    /// Alpha in the pool.
    pub alpha_in: Alpha,
}

impl PoolReserves {
    /// Spot price, rao per alpha; `None` for an empty pool.
    pub fn price_rao_per_alpha(&self) -> Option<u64> {
        (self.alpha_in.0 > 0).then(|| {
            let p = u128::from(self.tao_in.0) * u128::from(UNITS_PER_TOKEN)
                / u128::from(self.alpha_in.0);
            u64::try_from(p).unwrap_or(u64::MAX)
        })
    }
}

fn to_u64(x: u128) -> u64 {
    u64::try_from(x).unwrap_or(u64::MAX)
}

/// The quote for staking `amount` TAO into `pool`, estimated offline: expected alpha,
/// price impact, and the price bound and minimum the tolerance gives. Fees are unknown
/// offline and stay `None`. `None` for an empty pool.
pub fn estimate_add_stake(pool: PoolReserves, amount: Rao, tolerance: Tolerance) -> Option<Quote> {
    let price = pool.price_rao_per_alpha()?;
    if price == 0 || pool.tao_in.0 == 0 {
        return None;
    }
    let tao_in = u128::from(pool.tao_in.0);
    let alpha_in = u128::from(pool.alpha_in.0);
    let spend = u128::from(amount.0);
    // x·y = k: the alpha that leaves the pool when `spend` TAO enters it.
    let out = alpha_in * spend / (tao_in + spend);
    let ideal = spend * alpha_in / tao_in;
    let impact = (ideal > 0).then(|| to_u64((ideal - out.min(ideal)) * PPM / ideal));
    let limit_price = bounded_price(price, tolerance, true);
    let minimum = (limit_price > 0)
        .then(|| to_u64(spend * u128::from(UNITS_PER_TOKEN) / u128::from(limit_price)));
    Some(Quote {
        price_rao_per_alpha: Some(price),
        expected_out: Some(to_u64(out)),
        minimum_out: minimum,
        price_impact_ppm: impact,
        limit_price: Some(limit_price),
        tolerance_ppm: tolerance.0,
        ..Quote::default()
    })
}

/// The quote for unstaking `amount` alpha from `pool`, estimated offline (see
/// [`estimate_add_stake`]): expected TAO, impact, bound and minimum. `None` for an empty pool.
pub fn estimate_remove_stake(
    pool: PoolReserves,
    amount: Alpha,
    tolerance: Tolerance,
) -> Option<Quote> {
    let price = pool.price_rao_per_alpha()?;
    if pool.alpha_in.0 == 0 {
        return None;
    }
    let tao_in = u128::from(pool.tao_in.0);
    let alpha_in = u128::from(pool.alpha_in.0);
    let sell = u128::from(amount.0);
    let out = tao_in * sell / (alpha_in + sell);
    let ideal = sell * tao_in / alpha_in;
    let impact = (ideal > 0).then(|| to_u64((ideal - out.min(ideal)) * PPM / ideal));
    let limit_price = bounded_price(price, tolerance, false);
    Some(Quote {
        price_rao_per_alpha: Some(price),
        expected_out: Some(to_u64(out)),
        minimum_out: Some(to_u64(
            sell * u128::from(limit_price) / u128::from(UNITS_PER_TOKEN),
        )),
        price_impact_ppm: impact,
        limit_price: Some(limit_price),
        tolerance_ppm: tolerance.0,
        ..Quote::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const POOL: PoolReserves = PoolReserves {
        tao_in: Rao(100_000 * UNITS_PER_TOKEN),
        alpha_in: Alpha(1_000_000 * UNITS_PER_TOKEN),
    };

    #[test]
    fn staking_into_a_pool_follows_the_constant_product() {
        assert_eq!(POOL.price_rao_per_alpha(), Some(100_000_000));
        let q =
            estimate_add_stake(POOL, Rao(10 * UNITS_PER_TOKEN), Tolerance::DEFAULT).expect("quote");
        // 1,000,000 × 10 / 100,010 alpha.
        assert_eq!(q.expected_out, Some(99_990_000_999));
        // The ideal is 100 alpha: 0.01% impact.
        assert_eq!(q.price_impact_ppm, Some(99));
        assert_eq!(q.limit_price, Some(100_500_000));
        assert_eq!(q.minimum_out, Some(99_502_487_562));
        assert_eq!(q.tx_fee_rao, None, "fees are unknown offline");
        assert!(q.expected_out >= q.minimum_out);
    }

    #[test]
    fn unstaking_gets_less_than_the_spot_value() {
        let q = estimate_remove_stake(POOL, Alpha(1_000 * UNITS_PER_TOKEN), Tolerance(10_000))
            .expect("quote");
        assert_eq!(q.expected_out, Some(99_900_099_900));
        assert_eq!(q.limit_price, Some(99_000_000));
        assert_eq!(q.minimum_out, Some(99_000_000_000));
        assert_eq!(q.price_impact_ppm, Some(999));
    }

    #[test]
    fn an_empty_pool_has_no_estimate() {
        let empty = PoolReserves {
            tao_in: Rao(0),
            alpha_in: Alpha(0),
        };
        assert_eq!(estimate_add_stake(empty, Rao(1), Tolerance::DEFAULT), None);
        assert_eq!(
            estimate_remove_stake(empty, Alpha(1), Tolerance::DEFAULT),
            None
        );
    }
}
