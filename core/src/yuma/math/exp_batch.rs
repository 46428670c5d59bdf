//! The chain's `exp` over many inputs at once, bit for bit as [`exp_safe`] gives it.
//!
//! Liquid alpha needs one `exp` per bonded cell that a validator is selling, thousands
//! per epoch, and each is a chain of about thirty dependent steps (a 64 × 64-bit multiply
//! and a division by the step's index). Where the CPU multiplies 52-bit integers eight
//! lanes at a time (AVX-512 IFMA), small inputs run 32 at a time in those lanes; the rest,
//! and every other CPU, take the scalar lanes of [`exp_safe_lanes`].

use super::{I32F32, ONE, ZERO, exp_safe, exp_safe_lanes, one_over};

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
    out.reserve(inputs.len());
    let wide = wide::available();
    let mut rest = inputs;
    while let Some((chunk, tail)) = rest.split_first_chunk::<{ wide::LANES }>() {
        if wide && chunk.iter().all(|&x| wide_input(x)) {
            let magnitudes = chunk.map(|x| x.to_bits().unsigned_abs());
            let sums = wide::taylor_sums(&magnitudes);
            out.extend(chunk.iter().zip(sums).map(|(&x, sum)| finish(x, sum)));
        } else {
            narrow_lanes(chunk, out);
        }
        rest = tail;
    }
    narrow_lanes(rest, out);
}

/// Whether the wide lanes compute `x` as [`exp_safe`] does: within their limit, and not
/// one of the inputs (0 and 1) the crate answers without its series.
#[inline]
fn wide_input(x: I32F32) -> bool {
    x.to_bits().unsigned_abs() <= WIDE_LIMIT && x != ZERO && x != ONE
}

/// `e^x` from the series' sum for |x|: itself for positive x, its reciprocal (as the
/// crate takes it) for negative x.
#[inline]
fn finish(x: I32F32, sum: u64) -> I32F32 {
    let e = I32F32::from_bits(sum as i64);
    if x < ZERO { one_over(e) } else { e }
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
        _mm512_add_epi64, _mm512_loadu_epi64, _mm512_madd52hi_epu64,
        _mm512_madd52lo_epu64, _mm512_or_si512, _mm512_set1_epi64, _mm512_setzero_si512,
        _mm512_slli_epi64, _mm512_srli_epi64, _mm512_storeu_epi64, _mm512_test_epi64_mask,
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
                let product = _mm512_or_si512(
                    _mm512_slli_epi64::<20>(high),
                    _mm512_srli_epi64::<32>(low),
                );
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
                inputs.push(I32F32::from_bits((lcg(&mut state) % (60 << 32)) as i64 - (30 << 32)));
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
        let mut batch = Vec::new();
        exp_safe_batch(&inputs, &mut batch);
        assert_eq!(batch.len(), inputs.len());
        for (x, got) in inputs.iter().zip(&batch) {
            assert_eq!(*got, exp_safe(*x), "exp({x})");
        }
    }

    #[test]
    fn batches_append_to_what_out_holds() {
        let mut out = vec![ONE];
        exp_safe_batch(&[ZERO; 40], &mut out);
        assert_eq!(out, [ONE; 41]);
    }
}
