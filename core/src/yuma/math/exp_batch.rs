//! The chain's `exp` over many inputs at once, bit for bit as [`exp_safe`] gives it.
//!
//! Liquid alpha needs one `exp` per bonded cell that a validator is selling, thousands
//! per epoch, and each is a chain of about thirty dependent steps (a 64 × 64-bit multiply
//! and a division by the step's index). Where the CPU multiplies 52-bit integers eight
//! lanes at a time (AVX-512 IFMA), small inputs run 32 at a time in those lanes; the rest,
//! and every other CPU, take the scalar lanes of [`exp_safe_lanes`].

use multiversion::multiversion;

use super::{I32F32, ONE, ZERO, alpha_from_exp, exp_safe, exp_safe_lanes, mul};

/// The largest input magnitude (in I32F32 bits, here 8.0) the wide lanes take.
///
/// For |x| ≤ 8 every Taylor term is at most e^8 · 2^32 < 2^44, and every product before
/// its division, `⌊term · x⌋`, at most x · e^x · 2^32 < 2^46.6 (the k-th is k times the
/// k-th term of the undivided series). So all of them fit the 52 bits a lane multiplies,
/// and the division by k through a 52-bit reciprocal stays exact (see `RECIPROCALS_52`).
/// Liquid alpha's exponent is `steepness / −100 · (distance − ½)` with the distance in
/// [0, 1], so this covers steepness up to 1,600, the default 1,000 included.
const WIDE_LIMIT: u64 = 8 << 32;

/// [`exp_safe`] of every input, in order, appended to `out`.
pub fn exp_safe_batch(inputs: &[I32F32], out: &mut Vec<I32F32>) {
    exp_batch_on(inputs, out, wide::available());
}

/// [`exp_safe_batch`], with the wide lanes used only where `wide` allows (the tests run
/// both ways on any CPU).
fn exp_batch_on(inputs: &[I32F32], out: &mut Vec<I32F32>, wide: bool) {
    out.reserve(inputs.len());
    for chunk in inputs.chunks(wide::LANES) {
        if !(wide && chunk.iter().all(|&x| wide_input(x))) {
            narrow_lanes(chunk, out);
            continue;
        }
        // A short last chunk is padded with copies of its first input.
        let mut lanes = [chunk.first().copied().unwrap_or(ONE); wide::LANES];
        lanes.iter_mut().zip(chunk).for_each(|(lane, &x)| *lane = x);
        let magnitudes = lanes.map(|x| x.to_bits().unsigned_abs());
        let mut exps = wide::taylor_sums(&magnitudes);
        signed_exps(&lanes, &mut exps);
        let exps = exps.iter().take(chunk.len());
        out.extend(exps.map(|&e| I32F32::from_bits(e as i64)));
    }
}

/// Whether the wide lanes compute `x` as [`exp_safe`] does: within their limit, and not
/// one of the inputs (0 and 1) the crate answers without its series.
#[inline]
fn wide_input(x: I32F32) -> bool {
    x.to_bits().unsigned_abs() <= WIDE_LIMIT && x != ZERO && x != ONE
}

/// `e^x` from the series' sums for |x| (in [2^32, 2^44] in the wide lanes), in place:
/// the sum for positive x, its reciprocal (as the crate takes it) for negative x.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+fma+bmi1+bmi2+popcnt",
    "x86_64+avx2+fma+bmi1+bmi2+popcnt",
))]
fn signed_exps(inputs: &[I32F32; wide::LANES], sums: &mut [u64; wide::LANES]) {
    for (sum, x) in sums.iter_mut().zip(inputs) {
        let reciprocal = reciprocal_bits(*sum);
        *sum = if *x < ZERO { reciprocal } else { *sum };
    }
}

/// `⌊2^64 / d⌋` for d in [2^32, 2^52): what [`super::one_over`] gives for such bits, in
/// 64-bit arithmetic that vectorises.
///
/// The float quotient is at most 2^32 with an error far below 1, so the nearest whole
/// number q to it is the quotient or one more. The product q · d, wrapped to 64 bits,
/// tells which: one too many overshoots 2^64 by at most d (a small wrapped value), the
/// quotient itself falls short by less than d (a value above 2^63) or hits it (0).
///
/// Both conversions go through 2^52, where a double's units are whole numbers: Rust's
/// saturating casts between u64 and f64 do not vectorise.
#[inline(always)]
fn reciprocal_bits(d: u64) -> u64 {
    const SHIFT: f64 = 4_503_599_627_370_496.0; // 2^52
    let divisor = f64::from_bits(SHIFT.to_bits() | d) - SHIFT;
    let q = (18_446_744_073_709_551_616.0_f64 / divisor + SHIFT).to_bits() - SHIFT.to_bits();
    q - u64::from(q.wrapping_mul(d).wrapping_sub(1) < 1 << 63)
}

/// Liquid alpha's sigmoid exponents `rate · (d − ½)` ([`super::sigmoid_exponent`]) of
/// distances `d`, appended to `out`.
///
/// For d in [0, 1] the product needs no 128 bits: with the rate's bits split as `r_h ·
/// 2^32 + r_l` (`r_l` in [0, 2^32)) and `t = d − ½` (|t| ≤ 2^31 in bits), `⌊rate · t⌋ =
/// r_h · t + ⌊r_l · t / 2^32⌋`, each term within 2^63, and nothing saturates.
pub(crate) fn sigmoid_exponents(distances: &[I32F32], rate: I32F32, out: &mut Vec<I32F32>) {
    out.clear();
    if distances.iter().all(|d| (ZERO..=ONE).contains(d)) {
        out.resize(distances.len(), ZERO);
        exponent_lanes(distances, rate.to_bits(), out);
    } else {
        let half = I32F32::from_bits(1 << 31);
        out.extend(distances.iter().map(|d| mul(rate, d.saturating_sub(half))));
    }
}

#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+fma+bmi1+bmi2+popcnt",
    "x86_64+avx2+fma+bmi1+bmi2+popcnt",
))]
fn exponent_lanes(distances: &[I32F32], rate: i64, out: &mut [I32F32]) {
    let (high, low) = (rate >> 32, rate & 0xFFFF_FFFF);
    for (e, d) in out.iter_mut().zip(distances) {
        let t = d.to_bits() - (1 << 31);
        *e = I32F32::from_bits(high * t + ((low * t) >> 32));
    }
}

/// Liquid alpha's rates from the sigmoid's `exp`s, in place: [`alpha_from_exp`] of each.
///
/// With the rate bounds in [0, 1], `low ≤ high`, and every exp in [2^-32, 2^19), the
/// sigmoid `1 / (1 + e)` is below 1 and its divisor below 2^52, so it is
/// [`reciprocal_bits`]; the product with `high − low` fits 64 bits, and the sum never
/// leaves [low, high], so neither saturation nor the clamp acts. Otherwise each goes
/// through [`alpha_from_exp`].
pub(crate) fn alphas_from_exps(values: &mut [I32F32], low: I32F32, high: I32F32) {
    let unit = |v: I32F32| (ZERO..=ONE).contains(&v);
    let small = values.iter().all(|e| (1..1 << 51).contains(&e.to_bits()));
    if unit(low) && unit(high) && low <= high && small {
        alpha_lanes(values, low.to_bits() as u64, (high - low).to_bits() as u64);
    } else {
        for v in values.iter_mut() {
            *v = alpha_from_exp(*v, low, high);
        }
    }
}

#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+fma+bmi1+bmi2+popcnt",
    "x86_64+avx2+fma+bmi1+bmi2+popcnt",
))]
fn alpha_lanes(values: &mut [I32F32], low: u64, range: u64) {
    for v in values.iter_mut() {
        let sigmoid = reciprocal_bits((1 << 32) + v.to_bits() as u64);
        *v = I32F32::from_bits((low + ((sigmoid * range) >> 32)) as i64);
    }
}

/// [`exp_safe`] four at a time, then one at a time.
fn narrow_lanes(inputs: &[I32F32], out: &mut Vec<I32F32>) {
    let mut chunks = inputs.chunks_exact(4);
    for chunk in chunks.by_ref() {
        let mut four = [ZERO; 4];
        four.copy_from_slice(chunk);
        out.extend(exp_safe_lanes(four));
    }
    out.extend(chunks.remainder().iter().map(|&x| exp_safe(x)));
}

/// `⌈2^52 / k⌉` for the series' divisors k = 2..=31 (entries 0 and 1 unused).
///
/// The high 52 bits of `p · m_k` are `⌊p · m_k / 2^52⌋ = ⌊p / k + p · e / (k · 2^52)⌋`
/// with `e = m_k · k − 2^52 < k`. For p = q·k + j that is q as long as `j + p · e / 2^52
/// < k`, which holds whenever `p · e < 2^52`: for every p below 2^52 / 30 ≈ 2^47.1.
const RECIPROCALS_52: [u64; 32] = {
    let mut table = [0u64; 32];
    let mut k = 2;
    while k < 32 {
        table[k] = (1u64 << 52).div_ceil(k as u64);
        k += 1;
    }
    table
};

#[cfg(target_arch = "x86_64")]
mod wide {
    use super::RECIPROCALS_52;
    use std::arch::x86_64::{
        _mm512_add_epi64, _mm512_loadu_epi64, _mm512_madd52hi_epu64, _mm512_madd52lo_epu64,
        _mm512_or_si512, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_slli_epi64,
        _mm512_srli_epi64, _mm512_storeu_epi64, _mm512_test_epi64_mask,
    };

    /// Inputs per call: four vectors of eight, so four independent chains of dependent
    /// multiplies keep the multiplier busy.
    pub(super) const LANES: usize = 32;
    const VECTORS: usize = LANES / 8;

    /// Whether this CPU has the 52-bit multiplies (checked once, then cached by std).
    pub(super) fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512ifma")
    }

    /// The series' sum `2^32 + x + Σ_{k=2}^{31} t_k` for each magnitude x (I32F32 bits,
    /// at most `WIDE_LIMIT`), `t_1 = x`, `t_k = ⌊⌊t_{k−1} · x / 2^32⌋ / k⌋`: the crate's
    /// `exp` of a positive input, step for step.
    ///
    /// Panics if [`available`] is false.
    pub(super) fn taylor_sums(magnitudes: &[u64; LANES]) -> [u64; LANES] {
        assert!(available(), "the wide exp lanes need AVX-512 IFMA");
        // SAFETY: the CPU supports both features, checked just above.
        unsafe { taylor_sums_ifma(magnitudes) }
    }

    #[target_feature(enable = "avx512f,avx512ifma")]
    fn taylor_sums_ifma(magnitudes: &[u64; LANES]) -> [u64; LANES] {
        let zero = _mm512_setzero_si512();
        let mut x = [zero; VECTORS];
        for (v, eight) in x.iter_mut().zip(magnitudes.chunks_exact(8)) {
            // SAFETY: `eight` holds exactly 8 u64, the 64 bytes an unaligned load reads.
            *v = unsafe { _mm512_loadu_epi64(eight.as_ptr().cast()) };
        }
        let mut term = x;
        let mut sum = x;
        let one = _mm512_set1_epi64(1 << 32);
        for s in sum.iter_mut() {
            *s = _mm512_add_epi64(*s, one);
        }
        for &reciprocal in RECIPROCALS_52.iter().skip(2) {
            let m = _mm512_set1_epi64(reciprocal as i64);
            let mut live = 0u8;
            for ((t, &xv), s) in term.iter_mut().zip(&x).zip(sum.iter_mut()) {
                // ⌊t · x / 2^32⌋ from the product's low and high 52 bits.
                let low = _mm512_madd52lo_epu64(zero, *t, xv);
                let high = _mm512_madd52hi_epu64(zero, *t, xv);
                let product =
                    _mm512_or_si512(_mm512_slli_epi64::<20>(high), _mm512_srli_epi64::<32>(low));
                // ⌊product / k⌋: the high 52 bits of product · ⌈2^52 / k⌉.
                *t = _mm512_madd52hi_epu64(zero, product, m);
                *s = _mm512_add_epi64(*s, *t);
                live |= _mm512_test_epi64_mask(*t, *t);
            }
            // A term of 0 stays 0; the crate's loop stops there too.
            if live == 0 {
                break;
            }
        }
        let mut out = [0u64; LANES];
        for (eight, s) in out.chunks_exact_mut(8).zip(&sum) {
            // SAFETY: `eight` holds exactly 8 u64, the 64 bytes an unaligned store writes.
            unsafe { _mm512_storeu_epi64(eight.as_mut_ptr().cast(), *s) };
        }
        out
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod wide {
    pub(super) const LANES: usize = 32;

    pub(super) fn available() -> bool {
        false
    }

    pub(super) fn taylor_sums(_: &[u64; LANES]) -> [u64; LANES] {
        unreachable!("the wide exp lanes exist on x86-64 only")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 11
    }

    #[test]
    fn reciprocals_divide_exactly_up_to_the_bound() {
        // The bound of `RECIPROCALS_52`'s proof, checked at its edge for every k.
        let bound = (1u64 << 52) / 30;
        for (k, &m) in RECIPROCALS_52.iter().enumerate().skip(2) {
            let k = k as u64;
            for p in (bound - 4 * k..=bound).chain(0..4 * k) {
                let high = ((u128::from(p) * u128::from(m)) >> 52) as u64;
                assert_eq!(high, p / k, "p {p}, k {k}");
            }
        }
    }

    #[test]
    fn batches_equal_exp_safe_input_by_input() {
        let mut state = 41u64;
        let wide = WIDE_LIMIT as i64;
        let mut inputs: Vec<I32F32> = Vec::new();
        // Mostly wide inputs, in runs long enough for whole chunks, with a few large
        // ones and the crate's special inputs mixed in.
        for run in 0..400 {
            let len = 1 + lcg(&mut state) % 70;
            for _ in 0..len {
                let v = (lcg(&mut state) % (2 * wide as u64 + 1)) as i64 - wide;
                inputs.push(I32F32::from_bits(v));
            }
            if run % 7 == 0 {
                inputs.push(I32F32::from_bits(
                    (lcg(&mut state) % (60 << 32)) as i64 - (30 << 32),
                ));
            }
        }
        let edges = [
            0,
            1,
            -1,
            1 << 32,
            -(1 << 32),
            wide,
            -wide,
            wide + 1,
            -wide - 1,
            20 << 32,
            i64::MAX,
            i64::MIN,
        ];
        inputs.extend(edges.map(I32F32::from_bits));
        inputs.extend((0..64).map(|i| I32F32::from_bits(wide - i)));
        inputs.extend((0..64).map(|i| I32F32::from_bits(i - wide)));
        let expected: Vec<I32F32> = inputs.iter().map(|&x| exp_safe(x)).collect();
        // The wide lanes where this CPU has them, and the narrow ones alone.
        for wide in [wide::available(), false] {
            let mut batch = Vec::new();
            exp_batch_on(&inputs, &mut batch, wide);
            assert_eq!(batch.len(), inputs.len());
            for ((x, got), want) in inputs.iter().zip(&batch).zip(&expected) {
                assert_eq!(got, want, "exp({x}), wide lanes: {wide}");
            }
        }
    }

    #[test]
    fn reciprocal_bits_equal_one_over() {
        let mut state = 43u64;
        let mut divisors: Vec<u64> = vec![1 << 32, (1 << 32) + 1, (1 << 52) - 1, 3 << 40];
        divisors.extend((32..52).flat_map(|k| [(1u64 << k) - 1, 1 << k, (1 << k) + 1]));
        for _ in 0..200_000 {
            let shift = lcg(&mut state) % 21;
            divisors.push((1 << 32) + (lcg(&mut state) >> shift) % ((1 << 52) - (1 << 32)));
        }
        // The hard cases: d = ⌈2^64 / n⌉ puts 2^64 / d just below the whole number n, where
        // the float quotient may round up to it.
        for _ in 0..200_000 {
            let n = (1 << 12) + lcg(&mut state) % ((1 << 32) - (1 << 12));
            divisors.push((1u128 << 64).div_ceil(u128::from(n)).min((1 << 52) - 1) as u64);
        }
        for d in divisors {
            let expected = super::super::one_over(I32F32::from_bits(d as i64)).to_bits() as u64;
            assert_eq!(reciprocal_bits(d), expected, "1 / {d}");
        }
    }

    #[test]
    fn exponents_and_rates_equal_the_general_ones() {
        let mut state = 47u64;
        let mut distances: Vec<I32F32> = (0..5_000)
            .map(|_| I32F32::from_bits((lcg(&mut state) % ((1 << 32) + 1)) as i64))
            .collect();
        distances.extend([ZERO, ONE, I32F32::from_bits(1 << 31), I32F32::from_bits(1)]);
        let half = I32F32::from_bits(1 << 31);
        for steepness in [1000i16, 10, -500, 32767, -32768, 0, 1, -1, 1600] {
            let rate = I32F32::from_num(steepness).saturating_div(I32F32::from_num(-100));
            let mut exponents = Vec::new();
            sigmoid_exponents(&distances, rate, &mut exponents);
            let general: Vec<I32F32> = distances
                .iter()
                .map(|d| mul(rate, d.saturating_sub(half)))
                .collect();
            assert_eq!(exponents, general, "steepness {steepness}");
            let mut exps = Vec::new();
            exp_safe_batch(&exponents, &mut exps);
            for (low, high) in [(0.7, 0.9), (0.0, 1.0), (0.5, 0.5), (0.9, 0.7), (0.0, 0.0)] {
                let (low, high) = (I32F32::from_num(low), I32F32::from_num(high));
                let mut alphas = exps.clone();
                alphas_from_exps(&mut alphas, low, high);
                let one_by_one: Vec<I32F32> =
                    exps.iter().map(|&e| alpha_from_exp(e, low, high)).collect();
                assert_eq!(alphas, one_by_one, "steepness {steepness}, {low}..{high}");
            }
        }
        // Out-of-range distances take the general product.
        let odd = [
            I32F32::from_num(-0.5),
            I32F32::from_num(3),
            I32F32::from_bits(i64::MAX),
        ];
        let mut exponents = Vec::new();
        sigmoid_exponents(&odd, I32F32::from_num(-10), &mut exponents);
        let general: Vec<I32F32> = odd
            .iter()
            .map(|d| mul(I32F32::from_num(-10), d.saturating_sub(half)))
            .collect();
        assert_eq!(exponents, general);
    }

    #[test]
    fn batches_append_to_what_out_holds() {
        let mut out = vec![ONE];
        exp_safe_batch(&[ZERO; 40], &mut out);
        assert_eq!(out, [ONE; 41]);
    }
}
