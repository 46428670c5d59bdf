//! Fixed-point helpers of the epoch, ported from subtensor's `epoch/math.rs`.
//!
//! Every function keeps the chain's order of operations and its I32F32 / I64F64 rounding
//! (multiplication floors, division truncates, a zero or overflowing divisor gives 0), so
//! that results match the chain bit for bit. Two deliberate differences, both invisible
//! on valid chain state: sums saturate instead of wrapping, and nothing here can panic.
//! Sparse rows are `(column, value)` lists in stored order; the chain never sorts them,
//! and neither do we, because some steps depend on that order.

use substrate_fixed::transcendental::exp;
use substrate_fixed::types::{I32F32, I64F64};

mod exp_batch;
pub use exp_batch::exp_safe_batch;

/// A sparse matrix as the chain holds it: one `(column, value)` list per row.
pub type SparseMatrix = Vec<Vec<(u16, I32F32)>>;

const ZERO: I32F32 = I32F32::from_bits(0);
const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// `a / b`, or 0 when `b` is 0 or the quotient does not fit (the chain's `safe_div`).
#[inline]
pub fn safe_div(a: I32F32, b: I32F32) -> I32F32 {
    Divisor::new(b).divide(a)
}

/// A divisor prepared once for many [`safe_div`]s by the same value (a row or column sum).
///
/// For a non-negative dividend whose quotient stays below 2^50, a float estimate is off
/// by at most one or two units, and exact integer checks settle the truncated quotient the
/// crate's 128-bit division would give. Everything else goes through the crate.
#[derive(Debug, Clone, Copy)]
pub struct Divisor {
    value: I32F32,
    bits: u64,
    scaled_inverse: f64,
    /// For a whole-number divisor: its integer part, so whole-number dividends (raw u16
    /// weights and bonds) reduce to a 64-bit problem; 0 otherwise.
    whole: u64,
    whole_inverse: f64,
}

impl Divisor {
    /// Prepares division by `value`.
    #[inline]
    pub fn new(value: I32F32) -> Self {
        let bits = value.to_bits();
        let positive = if bits > 0 { bits as u64 } else { 0 };
        let whole = if positive & 0xFFFF_FFFF == 0 {
            positive >> 32
        } else {
            0
        };
        let inverse = |d: u64| {
            if d > 0 {
                4_294_967_296.0 / d as f64
            } else {
                0.0
            }
        };
        Divisor {
            value,
            bits: positive,
            scaled_inverse: inverse(positive),
            whole,
            whole_inverse: inverse(whole),
        }
    }

    /// True when dividing by it would give 0 (the chain skips such columns).
    #[inline]
    pub fn is_zero(&self) -> bool {
        self.value == ZERO
    }

    /// `a / value` with the chain's `safe_div` semantics.
    #[inline]
    pub fn divide(&self, a: I32F32) -> I32F32 {
        let x = a.to_bits();
        if x >= 0 && self.bits > 0 {
            let x = x as u64;
            if x < 1 << 32
                && let Some(q) = small_quotient(x, self.bits, self.scaled_inverse)
            {
                return I32F32::from_bits(q as i64);
            }
            // (w·2^32 · 2^32) / (d·2^32) = (w · 2^32) / d: the same quotient, in 64 bits.
            if x & 0xFFFF_FFFF == 0
                && self.whole > 0
                && let Some(q) = small_quotient(x >> 32, self.whole, self.whole_inverse)
            {
                return I32F32::from_bits(q as i64);
            }
            let numerator = u128::from(x) << 32;
            let divisor = u128::from(self.bits);
            if numerator < divisor << 50 {
                let q = u128::from((x as f64 * self.scaled_inverse) as i64 as u64);
                let product = q * divisor;
                let q = q - u128::from(product > numerator)
                    + u128::from(product + divisor <= numerator);
                return I32F32::from_bits(q as i64);
            }
        }
        a.checked_div(self.value).unwrap_or(ZERO)
    }
}

/// ⌊x · 2^32 / y⌋ for x < 2^32 when the quotient is below 2^50, from a float estimate.
///
/// `inverse` is 2^32 / y in f64. The estimate is then within 0.5 of the exact quotient
/// (relative error below 2^-51), so one branch-free step in wrapping u64 arithmetic (the
/// remainder lies within ±2y, and y < 2^61) settles it.
#[inline]
fn small_quotient(x: u64, y: u64, inverse: f64) -> Option<u64> {
    let numerator = x << 32;
    if y >= 1 << 61 || numerator >> 50 >= y {
        return None;
    }
    let q = (x as f64 * inverse) as i64 as u64;
    let rest = numerator.wrapping_sub(q.wrapping_mul(y)) as i64;
    Some(q - u64::from(rest < 0) + u64::from(rest >= y as i64))
}

/// Exact unsigned division of any u64 by one fixed divisor ≥ 2, by a multiply and shifts.
///
/// A column pass divides thousands of cells by the same sum; a hardware or 128-bit division
/// per cell dominates the epoch, while this costs one 64×64 multiply. It is the classic
/// round-down reciprocal with an add step (Granlund–Montgomery, as libdivide's branch-free
/// variant): `magic` holds the low 64 bits of a 65-bit multiplier, so
/// `q = (mulhi(magic, n) + n) / 2^(shift+1)`, computed without overflowing 64 bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reciprocal {
    magic: u64,
    shift: u32,
}

impl Reciprocal {
    /// The reciprocal of `d`, or `None` for 0 and 1 (callers take another path there).
    pub(crate) const fn new(d: u64) -> Option<Self> {
        if d < 2 {
            return None;
        }
        let log2 = 63 - d.leading_zeros();
        if d.is_power_of_two() {
            // magic 0: q = (n / 2) >> (log2 − 1) = n >> log2.
            return Some(Reciprocal {
                magic: 0,
                shift: log2 - 1,
            });
        }
        // m = ⌊2^(64+log2) / d⌋ < 2^64 because d > 2^log2; the multiplier is 2m + 1 or
        // 2m + 2 (rounded up from 2^(65+log2) / d), less its implicit top bit 2^64.
        let numerator = 1u128 << (64 + log2);
        let m = (numerator / d as u128) as u64;
        let rem = (numerator % d as u128) as u64;
        let twice_rem = rem.wrapping_add(rem);
        let round_up = (twice_rem >= d || twice_rem < rem) as u64;
        Some(Reciprocal {
            magic: m.wrapping_add(m).wrapping_add(round_up).wrapping_add(1),
            shift: log2,
        })
    }

    /// The multiplier (less its top bit) and the final shift, for vectorised copies of
    /// [`Reciprocal::divide`].
    pub(crate) const fn parts(&self) -> (u64, u32) {
        (self.magic, self.shift)
    }

    /// `⌊n / d⌋`.
    #[inline(always)]
    fn divide(&self, n: u64) -> u64 {
        let high = ((u128::from(self.magic) * u128::from(n)) >> 64) as u64;
        (((n - high) >> 1) + high) >> self.shift
    }
}

/// Reciprocals of the Taylor series' divisors 2..=31 (entries 0 and 1 unused), worked out
/// at compile time: [`taylor_exp`] divides every term by one of them.
const TAYLOR_DIVISORS: [Reciprocal; 32] = {
    let mut table = [Reciprocal { magic: 0, shift: 0 }; 32];
    let mut i = 2;
    while i < 32 {
        if let Some(r) = Reciprocal::new(i as u64) {
            table[i] = r;
        }
        i += 1;
    }
    table
};

/// A divisor shared by many cells (a row's or a column's sum or maximum), for the chain's
/// normalisations: [`safe_div`]'s quotient, except that a zero divisor leaves the dividend
/// as it is (every normalisation skips a row or column that sums to zero).
///
/// Normalised cells lie in [0, 1), so their bits `x` are below 2^32 and `x · 2^32` fits a
/// u64; raw stored weights and bonds are whole numbers, and a whole number over a whole
/// sum is `x / (d / 2^32)` on the bits. Both are one `Reciprocal` multiply; any other
/// dividend goes through [`Divisor`]. Preparing one costs a 128-bit division, so it pays
/// only when the same divisor serves several cells.
#[derive(Debug, Clone, Copy)]
pub struct SharedDivisor {
    /// Divides `x · 2^32` for `x < fraction_limit`.
    fraction: Reciprocal,
    /// 2^32 when `fraction` applies to every dividend below 1, else 0 (divisor 1 or < 0,
    /// whose quotients need the overflow check).
    fraction_limit: u64,
    /// Divides whole-number bits by a whole-number divisor's integer part, when ≥ 2.
    whole: Option<Reciprocal>,
    value: I32F32,
}

impl SharedDivisor {
    /// Prepares division by `value`.
    pub fn new(value: I32F32) -> Self {
        let bits = value.to_bits();
        let positive = if bits > 0 { bits as u64 } else { 0 };
        // A zero divisor keeps x: magic 0 and shift 31 give (x · 2^32) / 2 / 2^31 = x.
        let keep = Reciprocal {
            magic: 0,
            shift: 31,
        };
        let (fraction, fraction_limit) = if bits == 0 {
            (keep, 1 << 32)
        } else {
            match Reciprocal::new(positive) {
                Some(r) => (r, 1 << 32),
                None => (keep, 0),
            }
        };
        let whole = if positive & 0xFFFF_FFFF == 0 {
            Reciprocal::new(positive >> 32)
        } else {
            None
        };
        SharedDivisor {
            fraction,
            fraction_limit,
            whole,
            value,
        }
    }

    /// `a / value` as [`safe_div`] gives it, or `a` itself when `value` is 0.
    #[inline(always)]
    pub fn divide_or_keep(&self, a: I32F32) -> I32F32 {
        let x = a.to_bits() as u64;
        // One unsigned comparison: x ≥ 0 and x < 2^32. (x · 2^32) / d with d ≥ 2 is
        // below 2^63, so it fits I32F32.
        if x < self.fraction_limit {
            return I32F32::from_bits(self.fraction.divide(x << 32) as i64);
        }
        if x < 1 << 63
            && x & 0xFFFF_FFFF == 0
            && let Some(r) = &self.whole
        {
            // (x · 2^32) / (w · 2^32) = x / w, and x < 2^63.
            return I32F32::from_bits(r.divide(x) as i64);
        }
        self.divide_other(a)
    }

    /// Dividends the fast paths do not cover: rare in an epoch, so kept out of line.
    #[cold]
    #[inline(never)]
    fn divide_other(&self, a: I32F32) -> I32F32 {
        if self.value == ZERO {
            a
        } else {
            safe_div(a, self.value)
        }
    }
}

/// `v` when `keep`, else 0, by masking the bits: no branch for the predictor to miss.
#[inline(always)]
pub fn keep_if(keep: bool, v: I32F32) -> I32F32 {
    I32F32::from_bits(v.to_bits() & -i64::from(keep))
}

/// `a + b` on the bits, saturating: exactly I32F32's `saturating_add`, in fewer steps than
/// the crate's generic version (which matters in loops over every cell).
#[inline(always)]
pub fn add(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().saturating_add(b.to_bits()))
}

/// `a / b` for I64F64, or 0 when `b` is 0 or the quotient does not fit.
#[inline]
pub fn safe_div_64(a: I64F64, b: I64F64) -> I64F64 {
    a.checked_div(b).unwrap_or(I64F64::from_bits(0))
}

/// `a · b` as I32F32's `saturating_mul` computes it (floored, saturated), with one 64×64
/// multiply instead of the crate's overflow-checked 128×128 one.
#[inline]
pub fn mul(a: I32F32, b: I32F32) -> I32F32 {
    let product = i128::from(a.to_bits()) * i128::from(b.to_bits());
    let high = (product >> 64) as i64;
    // `product >> 32` fits i64 exactly when bits 95..=127 of the product are all equal,
    // i.e. when `high >> 31` is 0 or −1: one comparison on the usual path.
    if ((high >> 31) as u64).wrapping_add(1) <= 1 {
        I32F32::from_bits((product >> 32) as i64)
    } else if product < 0 {
        I32F32::from_bits(i64::MIN)
    } else {
        I32F32::from_bits(i64::MAX)
    }
}

/// [`mul`] of two values in [0, 1] (bits in `0..=2^32`), such as normalised weights,
/// stakes and bonds: their product always fits, so there is no overflow to check.
#[inline(always)]
pub fn mul_unit(a: I32F32, b: I32F32) -> I32F32 {
    debug_assert!((0..=1 << 32).contains(&a.to_bits()) && (0..=1 << 32).contains(&b.to_bits()));
    let product = u128::from(a.to_bits() as u64) * u128::from(b.to_bits() as u64);
    I32F32::from_bits((product >> 32) as i64)
}

/// [`add`] where the sum cannot reach I32F32's limit (2^31): a running sum of at most a
/// few thousand terms in [0, 1], as every column and row total of an epoch is. Saturation
/// never happens there, so the plain sum is the chain's saturating one.
#[inline(always)]
pub fn add_bounded(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().wrapping_add(b.to_bits()))
}

/// `a · b` as `checked_mul(..).unwrap_or(0)`: 0 where the product leaves I32F32.
#[inline]
pub fn mul_or_zero(a: I32F32, b: I32F32) -> I32F32 {
    let product = (i128::from(a.to_bits()) * i128::from(b.to_bits())) >> 32;
    i64::try_from(product)
        .map(I32F32::from_bits)
        .unwrap_or(ZERO)
}

/// The sum of a vector; saturates where the chain would overflow.
pub fn sum(x: &[I32F32]) -> I32F32 {
    x.iter().fold(ZERO, |acc, v| acc.saturating_add(*v))
}

/// A proportion in [0, 1] as the chain stores it in u16 (`x · 65535`, floored, saturated).
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    // Multiplying by the integer 65535 is exact, so the product's integer part is
    // floor(bits · 65535 / 2^32), then clamped to u16 as the saturating conversions do.
    let bits = x.to_bits();
    if (0..=1 << 32).contains(&bits) {
        // A proportion in [0, 1]: the product fits u64 and the result 65535.
        return ((bits as u64 * 65_535) >> 32) as u16;
    }
    let scaled = (i128::from(x.to_bits()) * 65_535) >> 32;
    scaled.clamp(0, i128::from(u16::MAX)) as u16
}

/// A stored u16 proportion as a fixed-point fraction (`x / 65535`).
pub fn u16_proportion_to_fixed(x: u16) -> I32F32 {
    safe_div(I32F32::from_num(x), I32F32::from_num(u16::MAX))
}

/// A fixed value read from u16 storage, rescaled to a proportion (`x / 65535`).
pub fn fixed_to_fixed_u16_proportion(x: I32F32) -> I32F32 {
    safe_div(x, I32F32::from_num(u16::MAX))
}

/// Max-upscales to u16 so the largest value becomes 65535, as `set_weights` stores weights.
pub fn vec_max_upscale_to_u16(vec: &[I32F32]) -> Vec<u16> {
    let u16_max = I32F32::from_num(u16::MAX);
    let threshold = I32F32::from_num(32768);
    let Some(&max_value) = vec.iter().max() else {
        return Vec::new();
    };
    if max_value == ZERO {
        return vec
            .iter()
            .map(|e| e.saturating_mul(u16_max).saturating_to_num::<u16>())
            .collect();
    }
    // Above 32768 the product e · 65535 could overflow I32F32, so the chain divides first.
    if max_value > threshold {
        return vec
            .iter()
            .map(|e| {
                e.saturating_mul(safe_div(u16_max, max_value))
                    .round()
                    .saturating_to_num::<u16>()
            })
            .collect();
    }
    vec.iter()
        .map(|e| {
            safe_div(e.saturating_mul(u16_max), max_value)
                .round()
                .saturating_to_num::<u16>()
        })
        .collect()
}

/// [`vec_max_upscale_to_u16`] of a u16 vector.
pub fn vec_u16_max_upscale_to_u16(vec: &[u16]) -> Vec<u16> {
    let fixed: Vec<I32F32> = vec.iter().map(|e| I32F32::from_num(*e)).collect();
    vec_max_upscale_to_u16(&fixed)
}

/// True when the vector sums to exactly zero.
pub fn is_zero(vector: &[I32F32]) -> bool {
    sum(vector) == ZERO
}

/// Normalises in place so the vector sums to 1; a zero vector is left as it is.
pub fn inplace_normalize(x: &mut [I32F32]) {
    let x_sum = sum(x);
    if x_sum == ZERO {
        return;
    }
    let d = SharedDivisor::new(x_sum);
    x.iter_mut().for_each(|v| *v = d.divide_or_keep(*v));
}

/// Divides every value by a given sum (left as it is when the sum is zero).
pub fn inplace_normalize_using_sum(x: &mut [I32F32], x_sum: I32F32) {
    if x_sum == ZERO {
        return;
    }
    x.iter_mut().for_each(|v| *v = safe_div(*v, x_sum));
}

/// Normalises an I64F64 vector in place so it sums to 1; a zero vector is left as it is.
pub fn inplace_normalize_64(x: &mut [I64F64]) {
    let zero = I64F64::from_bits(0);
    let x_sum = x.iter().fold(zero, |acc, v| acc.saturating_add(*v));
    if x_sum == zero {
        return;
    }
    let divisor = WideDivisor::new(x_sum);
    x.iter_mut().for_each(|v| *v = divisor.divide(*v));
}

/// One positive I64F64 divisor d prepared for many [`safe_div_64`]s, such as the shares
/// of a sum: for a dividend x in [0, d] the quotient's bits `⌊x · 2^64 / d⌋` come from
/// one 192-by-128-bit division step with a precomputed reciprocal (Möller and Granlund,
/// "Improved division by invariant integers", 2011, algorithms 5 and 6) instead of the
/// crate's bit-serial 128-bit division. Any other dividend goes through the crate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WideDivisor {
    value: I64F64,
    /// d's bits, or 0 for a non-positive d.
    bits: u128,
    /// d's bits shifted left until the top bit is set, as high and low words.
    high: u64,
    low: u64,
    shift: u32,
    /// `⌊(2^192 − 1) / (high, low)⌋ − 2^64`.
    reciprocal: u64,
}

impl WideDivisor {
    /// Prepares division by `value` (any value: a non-positive one sends every dividend
    /// to the crate).
    pub(crate) fn new(value: I64F64) -> Self {
        let bits = value.to_bits();
        let d = if bits > 0 { bits as u128 } else { 0 };
        let shift = d.leading_zeros() % 128;
        let normalized = d << shift;
        let (high, low) = ((normalized >> 64) as u64, normalized as u64);
        let reciprocal = if high == 0 {
            0
        } else {
            reciprocal_3by2(high, low)
        };
        WideDivisor {
            value,
            bits: d,
            high,
            low,
            shift,
            reciprocal,
        }
    }

    /// [`safe_div_64`] of `x` by the prepared divisor, bit for bit.
    #[inline]
    pub(crate) fn divide(&self, x: I64F64) -> I64F64 {
        let bits = x.to_bits();
        if self.bits == 0 || bits < 0 || bits as u128 >= self.bits {
            return safe_div_64(x, self.value);
        }
        // x < d, so x·2^s < d·2^s < 2^128 and the quotient of (x·2^s, 0) fits a word.
        let shifted = (bits as u128) << self.shift;
        let q = divide_3by2(
            ((shifted >> 64) as u64, shifted as u64, 0),
            (self.high, self.low),
            self.reciprocal,
        );
        I64F64::from_bits(i128::from(q))
    }
}

/// `⌊(2^192 − 1) / (d1, d0)⌋ − 2^64` for a normalised two-word divisor (top bit of d1
/// set): Möller and Granlund's algorithm 6.
fn reciprocal_3by2(d1: u64, d0: u64) -> u64 {
    // ⌊(2^128 − 1) / d1⌋ − 2^64, less than 2^64 because d1 ≥ 2^63.
    let mut v = (u128::MAX / u128::from(d1) - (1u128 << 64)) as u64;
    let mut p = d1.wrapping_mul(v).wrapping_add(d0);
    if p < d0 {
        v = v.wrapping_sub(1);
        if p >= d1 {
            v = v.wrapping_sub(1);
            p = p.wrapping_sub(d1);
        }
        p = p.wrapping_sub(d1);
    }
    let t = u128::from(v) * u128::from(d0);
    let (t1, t0) = ((t >> 64) as u64, t as u64);
    p = p.wrapping_add(t1);
    if p < t1 {
        v = v.wrapping_sub(1);
        if (u128::from(p) << 64 | u128::from(t0)) >= (u128::from(d1) << 64 | u128::from(d0)) {
            v = v.wrapping_sub(1);
        }
    }
    v
}

/// `⌊(u2, u1, u0) / (d1, d0)⌋` for a normalised divisor and `(u2, u1) < (d1, d0)`, so the
/// quotient is one word: Möller and Granlund's algorithm 5.
#[inline]
fn divide_3by2((u2, u1, u0): (u64, u64, u64), (d1, d0): (u64, u64), v: u64) -> u64 {
    let d = u128::from(d1) << 64 | u128::from(d0);
    let q = (u128::from(v) * u128::from(u2)).wrapping_add(u128::from(u2) << 64 | u128::from(u1));
    let (mut q1, q0) = ((q >> 64) as u64, q as u64);
    let r1 = u1.wrapping_sub(q1.wrapping_mul(d1));
    let t = u128::from(d0) * u128::from(q1);
    let mut r = (u128::from(r1) << 64 | u128::from(u0))
        .wrapping_sub(t)
        .wrapping_sub(d);
    q1 = q1.wrapping_add(1);
    if (r >> 64) as u64 >= q0 {
        q1 = q1.wrapping_sub(1);
        r = r.wrapping_add(d);
    }
    if r >= d {
        q1 = q1.wrapping_add(1);
    }
    q1
}

/// Element-wise `x / y`, 0 where `y` is 0; a missing `y` counts as 0.
pub fn vecdiv(x: &[I32F32], y: &[I32F32]) -> Vec<I32F32> {
    x.iter()
        .enumerate()
        .map(|(i, xi)| safe_div(*xi, y.get(i).copied().unwrap_or(ZERO)))
        .collect()
}

/// True for the `k` largest values that are non-zero; ties keep the lower index (stable sort).
pub fn is_topk_nonzero(vector: &[I32F32], k: usize) -> Vec<bool> {
    let n = vector.len();
    let mut result: Vec<bool> = vector.iter().map(|v| *v != ZERO).collect();
    if n < k {
        return result;
    }
    let mut idxs: Vec<usize> = (0..n).collect();
    // The chain sorts ascending (stably, so among equal stakes the higher uid wins) and
    // drops the first n − k. Ordering by (value, index) is that same order with unique
    // keys, so partitioning at n − k finds the same first n − k without a full sort.
    let drop = n.saturating_sub(k);
    if drop > 0 && drop < n {
        idxs.select_nth_unstable_by_key(drop, |&i| (vector.get(i).copied().unwrap_or(ZERO), i));
    }
    for &i in idxs.iter().take(drop) {
        if let Some(cell) = result.get_mut(i) {
            *cell = false;
        }
    }
    result
}

/// Sets to zero every element whose mask is true (a missing mask entry masks).
pub fn inplace_mask_vector(mask: &[bool], vector: &mut [I32F32]) {
    if mask.is_empty() {
        return;
    }
    for (i, v) in vector.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            *v = ZERO;
        }
    }
}

/// Element-wise product; an overflowing product becomes 0, as on the chain.
pub fn vec_mul(a: &[I32F32], b: &[I32F32]) -> Vec<I32F32> {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| mul_or_zero(*x, *y))
        .collect()
}

/// Clamps to `[low, high]` in the chain's order: `min(high)` first, then `max(low)`.
pub fn clamp_value(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    value.min(high).max(low)
}

/// `e^x` with the input clamped to ±20, through the chain's Taylor-series `exp`.
pub fn exp_safe(input: I32F32) -> I32F32 {
    let limit = I32F32::from_num(20);
    let safe_input = input.max(-limit).min(limit);
    match taylor_exp(safe_input) {
        Some(v) => v,
        None if safe_input <= ZERO => ZERO,
        None => I32F32::max_value(),
    }
}

/// `substrate_fixed::transcendental::exp` for I32F32, step for step, without its 128-bit
/// divisions: the same Taylor series (terms 2..32), each term floored after the multiply
/// and truncated after the divide, and `1 / e^|x|` for negative input.
///
/// Dividing a fixed-point term by the fixed-point integer i equals an integer division of
/// its bits by i, and a term that reaches 0 stays 0, so the loop may stop there.
pub fn taylor_exp(operand: I32F32) -> Option<I32F32> {
    if operand == ZERO || operand == ONE {
        return exp::<I32F32, I32F32>(operand).ok();
    }
    let neg = operand < ZERO;
    let x = if neg { operand.checked_neg()? } else { operand };
    let x_bits = x.to_bits() as u64; // ≥ 0, so products of two below 2^63 fit u128
    let mut result = x.checked_add(ONE)?.to_bits();
    let mut term = x_bits;
    for divisor in TAYLOR_DIVISORS.iter().skip(2) {
        // checked_mul: (term · x) / 2^32 floored; the crate fails once it leaves i64.
        // Then the term over i, by the reciprocal of i (exact) instead of a hardware divide.
        let product = (u128::from(term) * u128::from(x_bits)) >> 32;
        term = divisor.divide(
            u64::try_from(product)
                .ok()
                .filter(|p| *p <= i64::MAX as u64)?,
        );
        if term == 0 {
            break;
        }
        result = result.checked_add(term as i64)?;
    }
    let result = I32F32::from_bits(result);
    if neg {
        // result ≥ 1, so 1 / result neither divides by zero nor overflows.
        Some(safe_div(ONE, result))
    } else {
        Some(result)
    }
}

/// [`exp_safe`] of four inputs at once, each lane bit for bit as [`exp_safe`] gives it.
///
/// The Taylor loop is one long chain of dependent multiplies, so a single `exp` leaves
/// the multiplier idle most of the time; four independent chains in step keep it busy.
/// A lane whose term has reached 0 keeps adding 0, exactly as if it had stopped.
///
/// Inputs are clamped to ±20 first, and there the crate's checks never fire: every term
/// is at most 20^k/k! · 2^32 < 2^58, a term times x shifted back is below 2^62, and the
/// sum stays below e^20 · 2^32 < 2^61. So the loop carries no overflow checks; only the
/// crate's special inputs (0 and 1) are handed to [`exp_safe`].
pub fn exp_safe_lanes(inputs: [I32F32; 4]) -> [I32F32; 4] {
    let limit = I32F32::from_num(20);
    let clamped = inputs.map(|v| v.max(-limit).min(limit));
    let x = clamped.map(|v| v.to_bits().unsigned_abs());
    let mut result = x.map(|m| m + (1 << 32));
    let mut term = x;
    for divisor in TAYLOR_DIVISORS.iter().skip(2) {
        let mut live = 0u64;
        for lane in 0..4 {
            let product = (u128::from(term[lane]) * u128::from(x[lane])) >> 32;
            debug_assert!(product < 1 << 62);
            term[lane] = divisor.divide(product as u64);
            result[lane] += term[lane];
            live |= term[lane];
        }
        if live == 0 {
            break;
        }
    }
    let mut out = [ZERO; 4];
    for lane in 0..4 {
        let v = clamped[lane];
        out[lane] = if v == ZERO || v == ONE {
            exp_safe(v)
        } else {
            let e = I32F32::from_bits(result[lane] as i64);
            if v < ZERO { one_over(e) } else { e }
        };
    }
    out
}

// ----------------------------------------------------------------------------------------
// Sparse matrices
// ----------------------------------------------------------------------------------------

/// Normalises each row to sum 1 (rows summing to zero stay as they are).
pub fn inplace_row_normalize_sparse(matrix: &mut [Vec<(u16, I32F32)>]) {
    for row in matrix.iter_mut() {
        let row_sum = row.iter().fold(ZERO, |acc, (_, v)| acc.saturating_add(*v));
        if row_sum > ZERO {
            let d = SharedDivisor::new(row_sum);
            row.iter_mut().for_each(|(_, v)| *v = d.divide_or_keep(*v));
        }
    }
}

/// The sum of each row.
pub fn row_sum_sparse(matrix: &[Vec<(u16, I32F32)>]) -> Vec<I32F32> {
    matrix
        .iter()
        .map(|row| row.iter().fold(ZERO, |acc, (_, v)| acc.saturating_add(*v)))
        .collect()
}

/// Normalises each column to sum 1 over `columns` columns; cells beyond them are untouched.
pub fn inplace_col_normalize_sparse(matrix: &mut [Vec<(u16, I32F32)>], columns: u16) {
    let mut col_sum = vec![ZERO; columns as usize];
    for row in matrix.iter() {
        for &(j, v) in row {
            if let Some(s) = col_sum.get_mut(j as usize) {
                *s = s.saturating_add(v);
            }
        }
    }
    let divisors: Vec<SharedDivisor> = col_sum.iter().map(|s| SharedDivisor::new(*s)).collect();
    for row in matrix.iter_mut() {
        for (j, v) in row.iter_mut() {
            if let Some(d) = divisors.get(*j as usize) {
                *v = d.divide_or_keep(*v);
            }
        }
    }
}

/// Scales each column so its largest value becomes 1 (the chain's storage form of bonds).
pub fn inplace_col_max_upscale_sparse(matrix: &mut [Vec<(u16, I32F32)>], columns: u16) {
    let mut col_max = vec![ZERO; columns as usize];
    for row in matrix.iter() {
        for &(j, v) in row {
            if let Some(m) = col_max.get_mut(j as usize)
                && *m < v
            {
                *m = v;
            }
        }
    }
    let divisors: Vec<SharedDivisor> = col_max.iter().map(|m| SharedDivisor::new(*m)).collect();
    for row in matrix.iter_mut() {
        for (j, v) in row.iter_mut() {
            if let Some(d) = divisors.get(*j as usize) {
                *v = d.divide_or_keep(*v);
            }
        }
    }
}

/// Empties every row whose mask is true (a missing mask entry masks).
pub fn mask_rows_sparse(mask: &[bool], matrix: &[Vec<(u16, I32F32)>]) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            if mask.get(i).copied().unwrap_or(true) {
                Vec::new()
            } else {
                row.clone()
            }
        })
        .collect()
}

/// Drops the diagonal (self-weights).
pub fn mask_diag_sparse(matrix: &[Vec<(u16, I32F32)>]) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .filter(|(j, _)| i != *j as usize)
                .copied()
                .collect()
        })
        .collect()
}

/// Drops the diagonal except at `except_index` (the subnet owner keeps its self-weight).
pub fn mask_diag_sparse_except_index(
    matrix: &[Vec<(u16, I32F32)>],
    except_index: u16,
) -> SparseMatrix {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .filter(|(j, _)| {
                    i != *j as usize || (i == except_index as usize && *j == except_index)
                })
                .copied()
                .collect()
        })
        .collect()
}

/// Drops cell (i, j) where `mask_fn(first[i], second[j])` holds (missing entries read 0).
pub fn vec_mask_sparse_matrix(
    matrix: &[Vec<(u16, I32F32)>],
    first_vector: &[u64],
    second_vector: &[u64],
    mask_fn: &dyn Fn(u64, u64) -> bool,
) -> SparseMatrix {
    let mut first = first_vector.iter();
    matrix
        .iter()
        .map(|row| {
            let fv = first.next().copied().unwrap_or(0);
            row.iter()
                .filter(|(j, _)| {
                    let sv = second_vector.get(*j as usize).copied().unwrap_or(0);
                    !mask_fn(fv, sv)
                })
                .copied()
                .collect()
        })
        .collect()
}

/// Drops cell (i, j) where `mask_fn(scalar, vector[j])` holds (a missing entry reads 0).
pub fn scalar_vec_mask_sparse_matrix(
    matrix: &[Vec<(u16, I32F32)>],
    scalar: u64,
    vector: &[u64],
    mask_fn: &dyn Fn(u64, u64) -> bool,
) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            row.iter()
                .filter(|(j, _)| !mask_fn(scalar, vector.get(*j as usize).copied().unwrap_or(0)))
                .copied()
                .collect()
        })
        .collect()
}

/// Multiplies each row by the matching vector element (rows past the vector are dropped).
pub fn row_hadamard_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .zip(vector.iter())
        .map(|(row, scale)| row.iter().map(|&(j, v)| (j, mul(v, *scale))).collect())
        .collect()
}

/// `result_j = Σ_i vector_i · matrix_ij` over `columns` columns.
pub fn matmul_sparse(
    matrix: &[Vec<(u16, I32F32)>],
    vector: &[I32F32],
    columns: u16,
) -> Vec<I32F32> {
    let mut result = vec![ZERO; columns as usize];
    let mut scales = vector.iter();
    for row in matrix {
        let scale = scales.next().copied().unwrap_or(ZERO);
        for &(j, v) in row {
            if let Some(r) = result.get_mut(j as usize) {
                *r = r.saturating_add(mul(scale, v));
            }
        }
    }
    result
}

/// `result_i = Σ_j vector_j · matrix_ij`.
pub fn matmul_transpose_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> Vec<I32F32> {
    matrix
        .iter()
        .map(|row| {
            row.iter().fold(ZERO, |acc, &(j, v)| {
                let x = vector.get(j as usize).copied().unwrap_or(ZERO);
                acc.saturating_add(mul(x, v))
            })
        })
        .collect()
}

/// Clips each cell to its column's threshold; a cell above a zero threshold is dropped.
pub fn col_clip_sparse(matrix: &[Vec<(u16, I32F32)>], col_threshold: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            let mut out = Vec::with_capacity(row.len());
            for &(j, v) in row {
                let th = col_threshold.get(j as usize).copied().unwrap_or(ZERO);
                if th < v {
                    if th > ZERO {
                        out.push((j, th));
                    }
                } else {
                    out.push((j, v));
                }
            }
            out
        })
        .collect()
}

/// Element-wise `matrix_ij · vector_j`, keeping only non-zero products.
pub fn mat_vec_mul_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, v)| {
                    let x = vector.get(j as usize)?;
                    let p = mul(v, *x);
                    (p != ZERO).then_some((j, p))
                })
                .collect()
        })
        .collect()
}

/// `A + ratio · (B − A)` cell by cell over `columns` columns, keeping positive results.
///
/// Ratio 0 returns `A` and ratio 1 returns `B` unchanged, stored zeros included, as on chain.
pub fn interpolate_sparse(
    mat1: &[Vec<(u16, I32F32)>],
    mat2: &[Vec<(u16, I32F32)>],
    columns: u16,
    ratio: I32F32,
) -> SparseMatrix {
    if ratio == ZERO {
        return mat1.to_vec();
    }
    if ratio == ONE {
        return mat2.to_vec();
    }
    if mat1.len() != mat2.len() {
        return mat2.to_vec();
    }
    let mut scratch = InterpolateScratch::new(columns as usize);
    mat1.iter()
        .zip(mat2.iter())
        .map(|(a, b)| {
            let mut out = Vec::with_capacity(a.len().max(b.len()));
            interpolate_row(a, b, ratio, &mut scratch, &mut out);
            out
        })
        .collect()
}

/// Work space for [`interpolate_row`]: two dense rows kept zero between calls.
pub(crate) struct InterpolateScratch {
    row1: Vec<I32F32>,
    row2: Vec<I32F32>,
    touched: Vec<usize>,
}

impl InterpolateScratch {
    /// Space for rows of `columns` columns.
    pub(crate) fn new(columns: usize) -> Self {
        InterpolateScratch {
            row1: vec![ZERO; columns],
            row2: vec![ZERO; columns],
            touched: Vec::new(),
        }
    }
}

/// One row of [`interpolate_sparse`] (ratio strictly between 0 and 1), appended to `out`.
pub(crate) fn interpolate_row(
    a: &[(u16, I32F32)],
    b: &[(u16, I32F32)],
    ratio: I32F32,
    scratch: &mut InterpolateScratch,
    out: &mut Vec<(u16, I32F32)>,
) {
    let InterpolateScratch {
        row1,
        row2,
        touched,
    } = scratch;
    // Densify only the touched columns: an untouched cell interpolates 0 to 0 and is
    // dropped, exactly as the chain's full dense pass would.
    touched.clear();
    for &(j, v) in a {
        if let Some(cell) = row1.get_mut(j as usize) {
            *cell = v;
            touched.push(j as usize);
        }
    }
    for &(j, v) in b {
        if let Some(cell) = row2.get_mut(j as usize) {
            *cell = v;
            touched.push(j as usize);
        }
    }
    touched.sort_unstable();
    touched.dedup();
    for &j in touched.iter() {
        let v1 = row1.get(j).copied().unwrap_or(ZERO);
        let v2 = row2.get(j).copied().unwrap_or(ZERO);
        let interp = v1.saturating_add(mul(ratio, v2.saturating_sub(v1)));
        if interp > ZERO {
            out.push((j as u16, interp));
        }
    }
    for &j in touched.iter() {
        if let Some(c) = row1.get_mut(j) {
            *c = ZERO;
        }
        if let Some(c) = row2.get_mut(j) {
            *c = ZERO;
        }
    }
}

/// Exponential moving average `alpha · new + (1 − alpha) · old` of square sparse matrices.
///
/// Rows come out sorted by column with only positive cells, like the chain's dense pass.
pub fn mat_ema_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: I32F32,
) -> SparseMatrix {
    let mut scratch = EmaScratch::new(new.len(), alpha);
    let mut old_rows = old.iter();
    new.iter()
        .map(|new_row| {
            let old_row: &[(u16, I32F32)] = old_rows.next().map(Vec::as_slice).unwrap_or(&[]);
            let mut out = Vec::with_capacity(new_row.len() + old_row.len());
            ema_row(new_row, old_row, &mut scratch, &mut out);
            out
        })
        .collect()
}

/// Work space for [`ema_row`]: the rate, and a dense accumulator kept zero between calls.
pub(crate) struct EmaScratch {
    alpha: I32F32,
    one_minus_alpha: I32F32,
    acc: Vec<I32F32>,
    touched: Vec<usize>,
}

impl EmaScratch {
    /// Space for an `n` × `n` EMA at rate `alpha`.
    pub(crate) fn new(n: usize, alpha: I32F32) -> Self {
        EmaScratch {
            alpha,
            one_minus_alpha: ONE.saturating_sub(alpha),
            acc: vec![ZERO; n],
            touched: Vec::new(),
        }
    }
}

/// One row of [`mat_ema_sparse`], appended to `out`: positive cells sorted by column.
pub(crate) fn ema_row(
    new_row: &[(u16, I32F32)],
    old_row: &[(u16, I32F32)],
    scratch: &mut EmaScratch,
    out: &mut Vec<(u16, I32F32)>,
) {
    let EmaScratch {
        alpha,
        one_minus_alpha,
        acc,
        touched,
    } = scratch;
    let n = acc.len();
    if strictly_ascending(new_row) && strictly_ascending(old_row) {
        ema_row_merge(new_row, old_row, *alpha, *one_minus_alpha, n, out);
        return;
    }
    // Long rows: accumulate, then scan every column in order. Short rows: track the
    // touched columns and sort them. Both emit positive cells by column.
    let dense = (new_row.len() + old_row.len()).saturating_mul(8) > n;
    touched.clear();
    for &(j, v) in new_row {
        if let Some(cell) = acc.get_mut(j as usize) {
            *cell = cell.saturating_add(mul(*alpha, v));
            if !dense {
                touched.push(j as usize);
            }
        }
    }
    for &(j, v) in old_row {
        if let Some(cell) = acc.get_mut(j as usize) {
            *cell = cell.saturating_add(mul(*one_minus_alpha, v));
            if !dense {
                touched.push(j as usize);
            }
        }
    }
    if dense {
        for (j, cell) in acc.iter_mut().enumerate() {
            if *cell > ZERO {
                out.push((j as u16, *cell));
            }
            *cell = ZERO;
        }
    } else {
        touched.sort_unstable();
        touched.dedup();
        for &j in touched.iter() {
            if let Some(cell) = acc.get_mut(j) {
                if *cell > ZERO {
                    out.push((j as u16, *cell));
                }
                *cell = ZERO;
            }
        }
    }
}

/// True when the row's columns strictly increase (sorted, no repeats), as the chain's
/// `set_weights` stores them; such rows can be merged instead of densified.
#[inline]
pub(crate) fn strictly_ascending(row: &[(u16, I32F32)]) -> bool {
    row.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0))
}

/// [`ema_row`] for two strictly ascending rows: one merge, no dense accumulator.
///
/// Each column then holds at most one new and one old cell, so the dense pass's sum is
/// `0 + α·new` then `+ (1 − α)·old`, exactly as computed here; columns ≥ n are dropped
/// as the dense accumulator drops them.
fn ema_row_merge(
    new_row: &[(u16, I32F32)],
    old_row: &[(u16, I32F32)],
    alpha: I32F32,
    one_minus_alpha: I32F32,
    n: usize,
    out: &mut Vec<(u16, I32F32)>,
) {
    let mut emit = |j: u16, v: I32F32| {
        if (j as usize) < n && v > ZERO {
            out.push((j, v));
        }
    };
    let (mut a, mut b) = (0usize, 0usize);
    while let (Some(&(jn, vn)), Some(&(jo, vo))) = (new_row.get(a), old_row.get(b)) {
        if jn < jo {
            emit(jn, mul(alpha, vn));
            a += 1;
        } else if jo < jn {
            emit(jo, mul(one_minus_alpha, vo));
            b += 1;
        } else {
            emit(jn, add(mul(alpha, vn), mul(one_minus_alpha, vo)));
            a += 1;
            b += 1;
        }
    }
    for &(jn, vn) in new_row.get(a..).unwrap_or(&[]) {
        emit(jn, mul(alpha, vn));
    }
    for &(jo, vo) in old_row.get(b..).unwrap_or(&[]) {
        emit(jo, mul(one_minus_alpha, vo));
    }
}

/// EMA with a per-cell alpha: `min(1, (1 − α_ij) · old_ij + max(0, α_ij · new_ij))`.
///
/// Only cells present in `new` come out, so a bond without a weight cell (absent, not a
/// stored zero) vanishes. `alpha(i, j)` is asked once per cell of `new` and never for a
/// cell whose result the chain throws away, because each call may cost an `exp`.
pub fn mat_ema_alpha_sparse_with(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    columns: usize,
    mut alpha: impl FnMut(usize, u16) -> I32F32,
) -> SparseMatrix {
    if new.len() != old.len() {
        return new.to_vec();
    }
    let mut scratch = AlphaEmaScratch::new(columns);
    new.iter()
        .zip(old.iter())
        .enumerate()
        .map(|(i, (new_row, old_row))| {
            let mut out = Vec::with_capacity(new_row.len());
            ema_alpha_row(i, new_row, old_row, &mut scratch, &mut alpha, &mut out);
            out
        })
        .collect()
}

/// Work space for [`ema_alpha_row`]: dense rows kept zero (and unwanted) between calls.
pub(crate) struct AlphaEmaScratch {
    decayed: Vec<I32F32>,
    alpha_at: Vec<I32F32>,
    wanted: Vec<bool>,
}

impl AlphaEmaScratch {
    /// Space for rows of `columns` columns.
    pub(crate) fn new(columns: usize) -> Self {
        AlphaEmaScratch {
            decayed: vec![ZERO; columns],
            alpha_at: vec![ZERO; columns],
            wanted: vec![false; columns],
        }
    }
}

/// Row `i` of [`mat_ema_alpha_sparse_with`], appended to `out`.
pub(crate) fn ema_alpha_row(
    i: usize,
    new_row: &[(u16, I32F32)],
    old_row: &[(u16, I32F32)],
    scratch: &mut AlphaEmaScratch,
    alpha: &mut impl FnMut(usize, u16) -> I32F32,
    out: &mut Vec<(u16, I32F32)>,
) {
    if new_row.is_empty() {
        return;
    }
    let AlphaEmaScratch {
        decayed,
        alpha_at,
        wanted,
    } = scratch;
    for &(j, _) in new_row {
        if let (Some(a), Some(w)) = (alpha_at.get_mut(j as usize), wanted.get_mut(j as usize))
            && !*w
        {
            *a = alpha(i, j);
            *w = true;
        }
    }
    // The chain decays every old cell, but only those under a new cell are read.
    for &(j, old_val) in old_row {
        let j = j as usize;
        if wanted.get(j).copied().unwrap_or(false)
            && let (Some(cell), Some(a)) = (decayed.get_mut(j), alpha_at.get(j))
        {
            *cell = mul(ONE.saturating_sub(*a), old_val);
        }
    }
    for &(j, new_val) in new_row {
        if let (Some(&d), Some(&a)) = (decayed.get(j as usize), alpha_at.get(j as usize)) {
            let inc = mul(a, new_val).max(ZERO);
            let val = d.saturating_add(inc).min(ONE);
            if val > ZERO {
                out.push((j, val));
            }
        }
    }
    for &(j, _) in new_row {
        let j = j as usize;
        if let (Some(d), Some(w)) = (decayed.get_mut(j), wanted.get_mut(j)) {
            *d = ZERO;
            *w = false;
        }
    }
}

/// [`mat_ema_alpha_sparse_with`] over a dense alpha matrix, as the chain's function takes it.
pub fn mat_ema_alpha_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: &[Vec<I32F32>],
) -> SparseMatrix {
    if new.len() != alpha.len() {
        return new.to_vec();
    }
    let columns = alpha.first().map(Vec::len).unwrap_or(0);
    // The chain sizes each row's buffer by that row of alpha; ragged alpha rows are
    // not something the epoch produces, so one width serves.
    mat_ema_alpha_sparse_with(new, old, columns, |i, j| {
        alpha
            .get(i)
            .and_then(|r| r.get(j as usize))
            .copied()
            .unwrap_or(ZERO)
    })
}

// ----------------------------------------------------------------------------------------
// Weighted median (consensus)
// ----------------------------------------------------------------------------------------

/// The chain's stake-weighted median: a deterministic mid-pivot binary search over
/// `partition_idx`, returning the score at quantile `minority` of the stake in `[lo, hi]`.
pub fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    partition_idx: &[usize],
    minority: I32F32,
    mut partition_lo: I32F32,
    mut partition_hi: I32F32,
) -> I32F32 {
    if stake.len() != score.len() {
        return ZERO;
    }
    let get = |v: &[I32F32], i: usize| v.get(i).copied().unwrap_or(ZERO);
    let mut current: Vec<usize> = partition_idx.to_vec();
    let mut lower: Vec<usize> = Vec::new();
    let mut upper: Vec<usize> = Vec::new();
    let iteration_limit = partition_idx.len();
    let mut iterations = 0usize;
    loop {
        let n = current.len();
        if n == 0 {
            return ZERO;
        }
        if n == 1 {
            return current.first().map(|&i| get(score, i)).unwrap_or(ZERO);
        }
        let pivot = get(score, current.get(n / 2).copied().unwrap_or(0));
        let mut lo_stake = ZERO;
        let mut hi_stake = ZERO;
        for &idx in &current {
            let s = get(score, idx);
            if s == pivot {
                continue;
            }
            if s < pivot {
                lo_stake = lo_stake.saturating_add(get(stake, idx));
                lower.push(idx);
            } else {
                hi_stake = hi_stake.saturating_add(get(stake, idx));
                upper.push(idx);
            }
        }
        if minority < partition_lo.saturating_add(lo_stake) && !lower.is_empty() {
            std::mem::swap(&mut current, &mut lower);
            partition_hi = partition_lo.saturating_add(lo_stake);
        } else if partition_hi.saturating_sub(hi_stake) <= minority && !upper.is_empty() {
            std::mem::swap(&mut current, &mut upper);
            partition_lo = partition_hi.saturating_sub(hi_stake);
        } else {
            return pivot;
        }
        lower.clear();
        upper.clear();
        iterations += 1;
        if iterations > iteration_limit {
            return ZERO;
        }
    }
}

/// Column-wise stake-weighted median at quantile `majority` (κ): the chain's consensus.
///
/// Only rows with positive stake vote; their stake is renormalised first, and a missing
/// cell votes 0. The chain runs [`weighted_median`] on each column; its answer is fully
/// determined (the smallest vote v whose stake at or below v exceeds `Σstake − κ`, else
/// the largest vote), and fixed-point sums are exact, so a faster selection over each
/// column's non-zero votes returns the same value.
pub fn weighted_median_col_sparse<R: AsRef<[(u16, I32F32)]>>(
    stake: &[I32F32],
    score: &[R],
    columns: u16,
    majority: I32F32,
) -> Vec<I32F32> {
    weighted_median_columns(
        stake,
        score,
        columns,
        majority,
        &mut MedianScratch::default(),
    )
}

/// Two buffers of `(score, stake)` votes that a selection partitions back and forth.
pub(crate) type PartitionBuffers<T = I32F32> = (Vec<(T, T)>, Vec<(T, T)>);

/// What a weighted median selects over: I32F32 scores and stakes with the chain's
/// saturating sums, or their bits where every score and stake is a non-negative fraction
/// and the stakes sum to at most 1, so that plain adds give the same sums.
pub(crate) trait Score: Copy + PartialOrd {
    /// Zero, the vote that is skipped.
    const ZERO: Self;
    /// The sum as the selection adds stakes.
    fn plus(self, other: Self) -> Self;
    /// `v` where `keep`, else zero, without a branch.
    fn keep_if(keep: bool, v: Self) -> Self;
}

impl Score for I32F32 {
    const ZERO: Self = ZERO;

    #[inline(always)]
    fn plus(self, other: Self) -> Self {
        add(self, other)
    }

    #[inline(always)]
    fn keep_if(keep: bool, v: Self) -> Self {
        keep_if(keep, v)
    }
}

impl Score for u64 {
    const ZERO: Self = 0;

    #[inline(always)]
    fn plus(self, other: Self) -> Self {
        self + other
    }

    #[inline(always)]
    fn keep_if(keep: bool, v: Self) -> Self {
        v & u64::from(keep).wrapping_neg()
    }
}

/// Work space for [`weighted_median_columns`], reusable from one epoch to the next.
#[derive(Debug, Default)]
pub(crate) struct MedianScratch {
    /// Column c's votes start at `starts[c]`.
    starts: Vec<usize>,
    /// One past column c's last vote so far.
    ends: Vec<usize>,
    /// The voter that wrote column c's last vote (`usize::MAX`: none yet).
    last_voter: Vec<usize>,
    /// `(score, stake)` of every vote, column after column.
    votes: Vec<(I32F32, I32F32)>,
    /// How many of column c's votes are not zero.
    nonzero: Vec<usize>,
    /// The stake behind column c's non-zero votes.
    nonzero_stake: Vec<I32F32>,
    /// Two buffers for one column's partitions.
    partitions: PartitionBuffers,
}

impl MedianScratch {
    /// Memory held, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        (self.starts.capacity()
            + self.ends.capacity()
            + self.last_voter.capacity()
            + self.nonzero.capacity()
            + self.nonzero_stake.capacity())
            * 8
            + (self.votes.capacity() + self.partitions.0.capacity() + self.partitions.1.capacity())
                * std::mem::size_of::<(I32F32, I32F32)>()
    }
}

/// [`weighted_median_col_sparse`] with its buffers lent by the caller.
pub(crate) fn weighted_median_columns<R: AsRef<[(u16, I32F32)]>>(
    stake: &[I32F32],
    score: &[R],
    columns: u16,
    majority: I32F32,
    scratch: &mut MedianScratch,
) -> Vec<I32F32> {
    let columns = columns as usize;
    let voters = Voters::new(stake, majority);
    if voters.count == 0 {
        return vec![ZERO; columns];
    }

    // Votes by column (CSC) as (score, stake), in row order. A row may repeat a column; the
    // chain's dense fill keeps the last value, so a repeat overwrites the voter's vote.
    let MedianScratch {
        starts,
        ends,
        last_voter,
        votes,
        nonzero,
        nonzero_stake,
        partitions,
    } = scratch;
    starts.clear();
    starts.resize(columns + 1, 0);
    let voting_rows = || {
        stake
            .iter()
            .zip(score.iter())
            .filter(|(s, _)| **s > ZERO)
            .map(|(_, row)| row.as_ref())
    };
    for row in voting_rows() {
        for &(c, _) in row {
            if let Some(count) = starts.get_mut(c as usize + 1) {
                *count += 1;
            }
        }
    }
    for c in 1..starts.len() {
        let previous = starts.get(c - 1).copied().unwrap_or(0);
        if let Some(count) = starts.get_mut(c) {
            *count += previous;
        }
    }
    let total = starts.last().copied().unwrap_or(0);
    ends.clear();
    ends.extend_from_slice(starts);
    last_voter.clear();
    last_voter.resize(columns, usize::MAX);
    nonzero.clear();
    nonzero.resize(columns, 0);
    nonzero_stake.clear();
    nonzero_stake.resize(columns, ZERO);
    // Every slot read below is written first, so old contents may stay.
    if votes.len() < total {
        votes.resize(total, (ZERO, ZERO));
    }
    // Each column's count and stake of non-zero votes are kept up on the way; they add
    // normalised stakes (at most 1 in all), so no sum saturates and a replaced vote can be
    // taken back out exactly.
    for (k, (row, &voter_stake)) in voting_rows().zip(voters.stakes.iter()).enumerate() {
        // A row with strictly ascending columns cannot repeat one.
        let may_repeat = !strictly_ascending(row);
        for &(c, v) in row {
            let c = c as usize;
            let (Some(end), Some(last), Some(count), Some(live_stake)) = (
                ends.get_mut(c),
                last_voter.get_mut(c),
                nonzero.get_mut(c),
                nonzero_stake.get_mut(c),
            ) else {
                continue;
            };
            let live = v != ZERO;
            if may_repeat && *last == k {
                // A repeated cell: the later value is the vote.
                if let Some(slot) = end.checked_sub(1).and_then(|at| votes.get_mut(at)) {
                    let was_live = slot.0 != ZERO;
                    *count = *count - usize::from(was_live) + usize::from(live);
                    *live_stake = I32F32::from_bits(
                        live_stake.to_bits() - keep_if(was_live, voter_stake).to_bits()
                            + keep_if(live, voter_stake).to_bits(),
                    );
                    slot.0 = v;
                }
            } else if let Some(slot) = votes.get_mut(*end) {
                *slot = (v, voter_stake);
                *end += 1;
                *last = k;
                *count += usize::from(live);
                *live_stake = add_bounded(*live_stake, keep_if(live, voter_stake));
            }
        }
    }

    (0..columns)
        .map(|c| {
            let (Some(&from), Some(&to)) = (starts.get(c), ends.get(c)) else {
                return ZERO;
            };
            let Some(column) = votes.get(from..to) else {
                return ZERO;
            };
            let live = nonzero.get(c).copied().unwrap_or(0);
            let live_stake = nonzero_stake.get(c).copied().unwrap_or(ZERO);
            voters.median(column, (live, live_stake), partitions)
        })
        .collect()
}

/// The voters of a consensus: every uid with positive stake, their stake normalised.
#[derive(Debug)]
pub(crate) struct Voters {
    /// How many uids vote.
    pub(crate) count: usize,
    /// The voters' normalised stakes, in uid order.
    pub(crate) stakes: Vec<I32F32>,
    /// Their sum (1, less rounding).
    sum: I32F32,
    /// The stake a median must exceed: the sum less κ.
    minority: I32F32,
}

impl Voters {
    /// The voters among `stake` (indexed by uid), for the quantile `majority` (κ).
    pub(crate) fn new(stake: &[I32F32], majority: I32F32) -> Self {
        let mut stakes: Vec<I32F32> = stake.iter().copied().filter(|s| *s > ZERO).collect();
        inplace_normalize(&mut stakes);
        let sum = sum(&stakes);
        Voters {
            count: stakes.len(),
            minority: sum.saturating_sub(majority),
            stakes,
            sum,
        }
    }

    /// One column's median from its votes `(score, stake)`: all of its non-zero votes,
    /// and any of its zero ones. `live` is the count and stake of the non-zero votes; every
    /// other voter votes 0.
    pub(crate) fn median(
        &self,
        votes: &[(I32F32, I32F32)],
        live: (usize, I32F32),
        partitions: &mut PartitionBuffers,
    ) -> I32F32 {
        let (live, live_stake) = live;
        let Some(below) = self.stake_below(live, live_stake) else {
            return ZERO;
        };
        let vote = |k: usize| votes.get(k).copied().unwrap_or((ZERO, ZERO));
        select_weighted_from(votes.len(), vote, self.minority, below, partitions)
    }

    /// What a column's zero votes decide, given the count and stake of its non-zero ones:
    /// `None` when the median is 0, else the stake below every non-zero vote.
    #[inline(always)]
    pub(crate) fn stake_below(&self, live: usize, live_stake: I32F32) -> Option<I32F32> {
        // Zero votes join the implicit zeros of absent cells.
        let zero_voters = self.count - live.min(self.count);
        let zero_stake = self.sum.saturating_sub(live_stake);
        if zero_voters > 0 && (zero_stake > self.minority || live == 0) {
            // The smallest vote, 0, already carries more than the minority.
            return None;
        }
        Some(if zero_voters > 0 { zero_stake } else { ZERO })
    }

    /// The stake a median must exceed.
    pub(crate) fn minority(&self) -> I32F32 {
        self.minority
    }
}

/// [`select_weighted_from`] over a slice of votes: the form the tests compare with the
/// in-place [`select_weighted`].
#[cfg(test)]
fn select_weighted_by_copy(
    votes: &[(I32F32, I32F32)],
    minority: I32F32,
    below: I32F32,
    buffers: &mut PartitionBuffers,
) -> I32F32 {
    let vote = |k: usize| votes.get(k).copied().unwrap_or((ZERO, ZERO));
    select_weighted_from(votes.len(), vote, minority, below, buffers)
}

/// The in-place `select_weighted` (the smallest score whose stake at or below it, plus
/// `below`, exceeds `minority`) over the non-zero scores of `len` votes read through
/// `vote(k)` (zero scores are skipped, as the caller counts them into `below`), with
/// partitions that copy instead of swapping ([`partition_votes`]; in place, mispredicted
/// branches dominated consensus). The answer is the same because it is fully determined by
/// the votes (fixed-point sums of normalised stakes are exact), whichever pivots lead to it.
///
/// Reading through `vote` lets a caller hand over votes where they lie (a column of a
/// row-major matrix) without copying them first: the first partition copies them anyway.
#[inline(always)]
pub(crate) fn select_weighted_from<T: Score>(
    len: usize,
    vote: impl Fn(usize) -> (T, T),
    minority: T,
    mut below: T,
    buffers: &mut PartitionBuffers<T>,
) -> T {
    let (current, next) = buffers;
    // Every slot a partition reads was written by the one before, so old contents may stay.
    for buffer in [&mut *current, &mut *next] {
        if buffer.len() < len {
            buffer.resize(len, (T::ZERO, T::ZERO));
        }
    }
    // The first partition reads the votes themselves, zeros included; its pivot is the
    // middle score, or the next non-zero one.
    let Some(pivot) = (len / 2..len)
        .chain(0..len)
        .map(|k| vote(k).0)
        .find(|v| *v != T::ZERO)
    else {
        return T::ZERO;
    };
    let mut split = partition_votes((0..len).map(&vote), len, pivot, next);
    let mut part_len = len;
    let mut pivot = pivot;
    loop {
        let (lower, upper, lo_stake, eq_stake) = split;
        let through_pivot = below.plus(lo_stake).plus(eq_stake);
        let (from, to) = if lower > 0 && below.plus(lo_stake) > minority {
            (0, lower)
        } else if through_pivot <= minority && upper > 0 {
            below = through_pivot;
            (part_len - upper, part_len)
        } else {
            return pivot;
        };
        std::mem::swap(current, next);
        // Later partitions read the last one, which holds no zeros.
        let part = current.get(from..to).unwrap_or(&[]);
        part_len = part.len();
        let Some(&(p, _)) = part.get(part_len / 2) else {
            return T::ZERO;
        };
        pivot = p;
        split = partition_votes(part.iter().copied(), part_len, pivot, next);
    }
}

/// One partition of [`select_weighted_from`]: the non-zero votes below `pivot` to the front
/// of `dest`, those above it to the back, returning their counts, the stake below and the
/// stake at the pivot.
///
/// Every vote is written to both ends and only the matching end's cursor moves, so the loop
/// has no data-dependent branch: on random scores a branching partition mispredicts about
/// every other comparison. `lower + upper` never exceeds the votes seen, so both slots
/// exist and neither overwrites a kept vote.
#[inline(always)]
fn partition_votes<T: Score>(
    votes: impl Iterator<Item = (T, T)>,
    len: usize,
    pivot: T,
    dest: &mut [(T, T)],
) -> (usize, usize, T, T) {
    let dest = dest.get_mut(..len).unwrap_or(&mut []);
    let (mut lower, mut upper) = (0usize, 0usize);
    let (mut lo_stake, mut eq_stake) = (T::ZERO, T::ZERO);
    for (v, s) in votes {
        let live = v != T::ZERO;
        let is_lower = live & (v < pivot);
        let is_upper = live & (v > pivot);
        if let Some(slot) = dest.get_mut(lower) {
            *slot = (v, s);
        }
        if let Some(slot) = dest.get_mut(len.wrapping_sub(1 + upper)) {
            *slot = (v, s);
        }
        lower += usize::from(is_lower);
        upper += usize::from(is_upper);
        lo_stake = lo_stake.plus(T::keep_if(is_lower, s));
        // The pivot is not zero, so an equal score is a live one.
        eq_stake = eq_stake.plus(T::keep_if(v == pivot, s));
    }
    (lower, upper, lo_stake, eq_stake)
}

/// The smallest value v in `pairs` with `below + Σ{stake : value ≤ v} > minority`, or the
/// largest value when none qualifies. Quickselect with three-way partitions, in place: the
/// earlier selection, kept as the reference [`select_weighted_by_copy`] is tested against.
#[cfg(test)]
fn select_weighted(pairs: &mut [(I32F32, I32F32)], minority: I32F32, mut below: I32F32) -> I32F32 {
    let mut part: &mut [(I32F32, I32F32)] = pairs;
    loop {
        let len = part.len();
        let Some(&(pivot, _)) = part.get(len / 2) else {
            return ZERO;
        };
        // Partition into [< pivot][== pivot][> pivot] (Dutch national flag), summing the
        // stake below and at the pivot on the way.
        let (mut lt, mut i, mut gt) = (0usize, 0usize, len);
        let (mut lo_stake, mut eq_stake) = (ZERO, ZERO);
        while i < gt {
            let Some(&(v, s)) = part.get(i) else { break };
            if v < pivot {
                lo_stake = lo_stake.saturating_add(s);
                part.swap(lt, i);
                lt += 1;
                i += 1;
            } else if v > pivot {
                gt -= 1;
                part.swap(i, gt);
            } else {
                eq_stake = eq_stake.saturating_add(s);
                i += 1;
            }
        }
        let through_pivot = below.saturating_add(lo_stake).saturating_add(eq_stake);
        if lt > 0 && below.saturating_add(lo_stake) > minority {
            part = std::mem::take(&mut part).split_at_mut(lt).0;
        } else if through_pivot <= minority && gt < len {
            below = through_pivot;
            part = std::mem::take(&mut part).split_at_mut(gt).1;
        } else {
            return pivot;
        }
    }
}

// ----------------------------------------------------------------------------------------
// Liquid alpha
// ----------------------------------------------------------------------------------------

/// Liquid alpha for one bond: `clamp(low + σ·(high − low), low, high)` with
/// σ = 1 / (1 + e^(−steepness/100 · (d − 0.5))), d the buy or sell distance.
pub fn alpha_sigmoid(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    alpha_low: I32F32,
    alpha_high: I32F32,
    steepness: I32F32,
) -> I32F32 {
    let rate = steepness.saturating_div(I32F32::from_num(-100));
    alpha_sigmoid_at_rate(consensus, weight, bond, alpha_low, alpha_high, rate)
}

/// [`alpha_sigmoid`] with `rate = steepness / −100` worked out once for a whole epoch.
pub fn alpha_sigmoid_at_rate(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    alpha_low: I32F32,
    alpha_high: I32F32,
    rate: I32F32,
) -> I32F32 {
    let exponent = sigmoid_exponent(sigmoid_distance(consensus, weight, bond), rate);
    alpha_from_exp(exp_safe(exponent), alpha_low, alpha_high)
}

/// [`alpha_sigmoid_at_rate`] of many cells, given each cell's [`sigmoid_distance`]:
/// the same values, with the `exp`s batched ([`exp_safe_batch`]).
pub fn alpha_sigmoid_batch(
    distances: &[I32F32],
    alpha_low: I32F32,
    alpha_high: I32F32,
    rate: I32F32,
    out: &mut Vec<I32F32>,
) {
    out.clear();
    let mut exponents = Vec::with_capacity(distances.len());
    exp_batch::sigmoid_exponents(distances, rate, &mut exponents);
    exp_safe_batch(&exponents, out);
    exp_batch::alphas_from_exps(out, alpha_low, alpha_high);
}

/// The distance liquid alpha's sigmoid reads: how far the weight runs above consensus
/// (buying) when it is at least the bond, else how far it falls below the bond (selling),
/// each clamped to [0, 1].
#[inline]
pub fn sigmoid_distance(consensus: I32F32, weight: I32F32, bond: I32F32) -> I32F32 {
    let diff_buy = clamp_value(weight.saturating_sub(consensus), ZERO, ONE);
    let diff_sell = clamp_value(bond.saturating_sub(weight), ZERO, ONE);
    if weight >= bond { diff_buy } else { diff_sell }
}

/// The sigmoid's exponent `rate · (distance − ½)`.
#[inline]
fn sigmoid_exponent(distance: I32F32, rate: I32F32) -> I32F32 {
    let half = I32F32::from_bits(1 << 31);
    mul(rate, distance.saturating_sub(half))
}

/// `1 / d` as [`safe_div`] gives it, for d ≥ 1 (the bits `⌊2^64 / d⌋`): a float estimate
/// and one exact correction, instead of preparing a [`Divisor`] for a single quotient.
///
/// The estimate's error is far below 1 (the quotient is at most 2^32 and the float carries
/// 53 bits), so after truncation it is the quotient or one off, which the remainder
/// `2^64 − q·d` (exact in i128) tells.
#[inline]
pub(crate) fn one_over(d: I32F32) -> I32F32 {
    let bits = d.to_bits();
    if bits < 1 << 32 {
        return safe_div(ONE, d);
    }
    let divisor = i128::from(bits);
    // At most 2^32, so the conversion through i64 is one instruction.
    let estimate = i128::from((18_446_744_073_709_551_616.0_f64 / bits as f64) as i64);
    let rest = (1i128 << 64) - estimate * divisor;
    let q = estimate - i128::from(rest < 0) + i128::from(rest >= divisor);
    I32F32::from_bits(q as i64)
}

/// `clamp(low + σ · (high − low))` with σ = 1 / (1 + e), e the sigmoid's `exp`.
#[inline]
fn alpha_from_exp(e: I32F32, alpha_low: I32F32, alpha_high: I32F32) -> I32F32 {
    // The denominator is at least 1, so safe_div equals the chain's saturating_div here.
    let sigmoid = one_over(ONE.saturating_add(e));
    let alpha = alpha_low.saturating_add(mul(sigmoid, alpha_high.saturating_sub(alpha_low)));
    clamp_value(alpha, alpha_low, alpha_high)
}

/// The (weight, bond) pairs the chain's liquid-alpha pass actually sees in one row.
///
/// The chain walks each row with a cursor that assumes sorted columns; on an unsorted row
/// some cells are never seen and read as 0. This replays that walk and returns the cells
/// it does see, as `(column, value)`, so callers can look values up per column.
pub fn cursor_visible_cells(row: &[(u16, I32F32)], columns: usize) -> Vec<(u16, I32F32)> {
    let mut visible = Vec::with_capacity(row.len());
    let mut next_column = 0usize;
    for &(j, v) in row {
        let j_usize = j as usize;
        if j_usize >= next_column {
            if j_usize < columns {
                visible.push((j, v));
            }
            next_column = j_usize.saturating_add(1);
        }
    }
    visible
}

#[cfg(test)]
mod tests;
