//! Unit tests of the epoch helpers, with inputs and targets taken from subtensor's
//! `pallets/subtensor/src/tests/math.rs`.

use super::*;

fn fx(x: f64) -> I32F32 {
    I32F32::from_num(x)
}

fn vec_fx(v: &[f64]) -> Vec<I32F32> {
    v.iter().map(|x| fx(*x)).collect()
}

/// A row-major (or transposed) dense list as a sparse matrix keeping positive cells,
/// like the chain tests' `vec_to_sparse_mat_fixed`.
fn sparse(values: &[f64], rows: usize, transpose: bool) -> SparseMatrix {
    let cols = values.len() / rows;
    let at = |r: usize, c: usize| values[r * cols + c];
    if transpose {
        (0..cols)
            .map(|c| {
                (0..rows)
                    .filter(|&r| at(r, c) > 0.0)
                    .map(|r| (r as u16, fx(at(r, c))))
                    .collect()
            })
            .collect()
    } else {
        (0..rows)
            .map(|r| {
                (0..cols)
                    .filter(|&c| at(r, c) > 0.0)
                    .map(|c| (c as u16, fx(at(r, c))))
                    .collect()
            })
            .collect()
    }
}

fn assert_vec_close(a: &[I32F32], b: &[I32F32], eps: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((*x - *y).abs() <= fx(eps), "{a:?} vs {b:?}");
    }
}

fn assert_sparse_close(a: &SparseMatrix, b: &SparseMatrix, eps: f64) {
    assert_eq!(a.len(), b.len());
    for (ra, rb) in a.iter().zip(b) {
        assert_eq!(ra.len(), rb.len(), "{ra:?} vs {rb:?}");
        for ((ja, va), (jb, vb)) in ra.iter().zip(rb) {
            assert_eq!(ja, jb);
            assert!((*va - *vb).abs() <= fx(eps), "{ra:?} vs {rb:?}");
        }
    }
}

#[test]
fn max_upscale_to_u16_matches_chain() {
    let cases: Vec<(Vec<I32F32>, Vec<u16>)> = vec![
        (vec![], vec![]),
        (vec_fx(&[0.]), vec![0]),
        (vec_fx(&[0., 1.]), vec![0, 65535]),
        (vec_fx(&[0., 0.000016, 1.]), vec![0, 1, 65535]),
        (
            vec_fx(&[
                0.000001, 0.000006, 0.000007, 0.0001, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4,
            ]),
            vec![0, 1, 1, 16, 164, 1638, 16384, 32768, 49151, 65535],
        ),
        (vec![fx(32769.)], vec![65535]),
        (vec![I32F32::max_value()], vec![65535]),
        (
            vec_fx(&[0., 0.5, 1., 1.5, 2., 32768.]),
            vec![0, 1, 2, 3, 4, 65535],
        ),
        (
            vec_fx(&[0., 0.5, 1., 1.5, 2., 32768., 32769.]),
            vec![0, 1, 2, 3, 4, 65533, 65535],
        ),
        (
            vec![fx(0.), fx(1.), fx(32768.), fx(32769.), I32F32::max_value()],
            vec![0, 0, 1, 1, 65535],
        ),
    ];
    for (input, target) in cases {
        assert_eq!(vec_max_upscale_to_u16(&input), target, "{input:?}");
    }
}

#[test]
fn exp_safe_clamps_at_twenty() {
    let one = fx(1.);
    let low: I32F32 = exp(fx(-20.)).expect("exp(-20)");
    let high: I32F32 = exp(fx(20.)).expect("exp(20)");
    assert_eq!(exp_safe(fx(0.)), one);
    assert_eq!(exp_safe(fx(-21.)), low);
    assert_eq!(exp_safe(I32F32::min_value()), low);
    assert_eq!(exp_safe(fx(21.)), high);
    assert_eq!(exp_safe(I32F32::max_value()), high);
}

#[test]
fn topk_nonzero_keeps_largest_and_drops_zeros() {
    let v = vec_fx(&[0., 1., 2., 3., 4., 5., 6., 7., 8., 9.]);
    let mut target = vec![false; 5];
    target.extend([true; 5]);
    assert_eq!(is_topk_nonzero(&v, 5), target);
    // k ≥ n: every non-zero entry.
    let mut all = vec![false];
    all.extend([true; 9]);
    assert_eq!(is_topk_nonzero(&v, 100), all);
    let v = vec_fx(&[9., 0., 8., 1., 7., 2., 6., 3., 5., 4.]);
    assert_eq!(
        is_topk_nonzero(&v, 5),
        vec![
            true, false, true, false, true, false, true, false, true, false
        ]
    );
    // Ties: the stable ascending sort drops the lower uids first.
    let v = vec_fx(&[0., 1., 2., 3., 4., 5., 5., 5., 5., 6.]);
    let mut target = vec![false; 5];
    target.extend([true; 5]);
    assert_eq!(is_topk_nonzero(&v, 5), target);
    assert!(is_topk_nonzero(&[], 3).is_empty());
}

#[test]
fn sum_and_normalize_match_chain() {
    assert_eq!(sum(&[]), fx(0.));
    assert_eq!(sum(&vec_fx(&[1., 10., 30.])), fx(41.));
    assert_eq!(sum(&vec_fx(&[-1., 10., 30.])), fx(39.));
    let mut x = vec_fx(&[1., 10., 30.]);
    inplace_normalize(&mut x);
    assert_vec_close(
        &x,
        &vec_fx(&[0.0243902437, 0.243902439, 0.7317073171]),
        1e-4,
    );
    let mut x = vec_fx(&[-1., 10., 30.]);
    inplace_normalize(&mut x);
    assert_vec_close(
        &x,
        &vec_fx(&[-0.0256410255, 0.2564102563, 0.769230769]),
        1e-4,
    );
    let mut zeros = vec_fx(&[0., 0.]);
    inplace_normalize(&mut zeros);
    assert_eq!(zeros, vec_fx(&[0., 0.]));
    let mut x64: Vec<I64F64> = [1u64, 10, 30]
        .iter()
        .map(|v| I64F64::from_num(*v))
        .collect();
    inplace_normalize_64(&mut x64);
    let total: f64 = x64.iter().map(|v| v.to_num::<f64>()).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn wide_divisor_equals_safe_div_64() {
    let mut rng = Lcg(37);
    let wide = |rng: &mut Lcg| {
        let parts = [rng.next(), rng.next(), rng.next()].map(u128::from);
        ((parts[0] << 75) ^ (parts[1] << 32) ^ parts[2]) >> 1
    };
    let mut divisors: Vec<i128> = vec![1, 2, 3, 1 << 64, (1 << 64) + 1, i128::MAX, i128::MAX - 1];
    divisors.extend((0..127).map(|k| 1i128 << k));
    divisors.extend((1..127).map(|k| (1i128 << k) - 1));
    for _ in 0..400 {
        // Every magnitude, not only the top ones: shift a random value down at random.
        let v = wide(&mut rng) >> (rng.next() % 127);
        divisors.push(v.max(1) as i128);
    }
    for &d in &divisors {
        let divisor = WideDivisor::new(I64F64::from_bits(d));
        let mut dividends: Vec<i128> = vec![
            0,
            1,
            d,
            d - 1,
            d / 2,
            d.saturating_add(1),
            -1,
            i128::MIN,
            i128::MAX,
        ];
        for _ in 0..60 {
            dividends.push((wide(&mut rng) % (d as u128 + 1)) as i128);
        }
        for x in dividends {
            let x = I64F64::from_bits(x);
            let expected = safe_div_64(x, I64F64::from_bits(d));
            assert_eq!(divisor.divide(x), expected, "{x:?} / {d}");
        }
    }
    // Non-positive divisors give what safe_div_64 gives.
    for d in [0i128, -1, i128::MIN] {
        let divisor = WideDivisor::new(I64F64::from_bits(d));
        for x in [0i128, 1, -5, 1 << 70] {
            let (x, d) = (I64F64::from_bits(x), I64F64::from_bits(d));
            assert_eq!(divisor.divide(x), safe_div_64(x, d));
        }
    }
}

#[test]
fn vecdiv_gives_zero_on_zero_divisor() {
    let x = vec_fx(&[0., 1., 0., 1.]);
    let y = vec_fx(&[0., 1., 1., 0.]);
    assert_eq!(vecdiv(&x, &y), vec_fx(&[0., 1., 0., 0.]));
}

const SPARSE_INPUT: [f64; 42] = [
    0., 1., 0., 2., 0., 3., 4., 0., 1., 0., 2., 0., 3., 0., 1., 0., 0., 2., 0., 3., 4., 0., 10.,
    0., 100., 1000., 0., 10000., 0., 0., 0., 0., 0., 0., 0., 1., 1., 1., 1., 1., 1., 1.,
];
const SPARSE_NORMALIZED: [f64; 42] = [
    0., 0.1, 0., 0.2, 0., 0.3, 0.4, 0., 0.166666, 0., 0.333333, 0., 0.5, 0., 0.1, 0., 0., 0.2, 0.,
    0.3, 0.4, 0., 0.0009, 0., 0.009, 0.09, 0., 0.9, 0., 0., 0., 0., 0., 0., 0., 0.142857, 0.142857,
    0.142857, 0.142857, 0.142857, 0.142857, 0.142857,
];

#[test]
fn row_normalize_sparse_matches_chain() {
    let mut m = sparse(&SPARSE_INPUT, 6, false);
    inplace_row_normalize_sparse(&mut m);
    assert_sparse_close(&m, &sparse(&SPARSE_NORMALIZED, 6, false), 1e-4);
    let mut zeros = sparse(&[0.; 12], 3, false);
    inplace_row_normalize_sparse(&mut zeros);
    assert_eq!(zeros, sparse(&[0.; 12], 3, false));
}

#[test]
fn col_normalize_sparse_matches_chain() {
    let mut m = sparse(&SPARSE_INPUT, 6, true);
    inplace_col_normalize_sparse(&mut m, 6);
    assert_sparse_close(&m, &sparse(&SPARSE_NORMALIZED, 6, true), 1e-4);
    let mut empty: SparseMatrix = vec![];
    inplace_col_normalize_sparse(&mut empty, 0);
    assert!(empty.is_empty());
}

#[test]
fn col_max_upscale_sparse_matches_chain() {
    let mut m = sparse(&SPARSE_INPUT, 6, true);
    inplace_col_max_upscale_sparse(&mut m, 6);
    let target = [
        0., 0.25, 0., 0.5, 0., 0.75, 1., 0., 0.333333, 0., 0.666666, 0., 1., 0., 0.25, 0., 0., 0.5,
        0., 0.75, 1., 0., 0.001, 0., 0.01, 0.1, 0., 1., 0., 0., 0., 0., 0., 0., 0., 1., 1., 1., 1.,
        1., 1., 1.,
    ];
    assert_sparse_close(&m, &sparse(&target, 6, true), 1e-4);
    let mut single = vec![vec![(0u16, fx(0.))]];
    inplace_col_max_upscale_sparse(&mut single, 1);
    assert_eq!(single, vec![vec![(0u16, fx(0.))]]);
}

#[test]
fn masks_match_chain() {
    let m = sparse(&[1., 2., 3., 4., 5., 6., 7., 8., 9.], 3, false);
    let rows = mask_rows_sparse(&[true, false, true], &m);
    assert_eq!(
        rows,
        sparse(&[0., 0., 0., 4., 5., 6., 0., 0., 0.], 3, false)
    );
    let diag = mask_diag_sparse(&m);
    assert_eq!(
        diag,
        sparse(&[0., 2., 3., 4., 0., 6., 7., 8., 0.], 3, false)
    );
    let keep_owner = mask_diag_sparse_except_index(&m, 1);
    assert_eq!(
        keep_owner,
        sparse(&[0., 2., 3., 4., 5., 6., 7., 8., 0.], 3, false)
    );
    // The chain test: drop (i, j) where first[i] <= second[j].
    let first = [1u64, 2, 3];
    let second = [2u64, 1, 1];
    let masked = vec_mask_sparse_matrix(&m, &first, &second, &|a, b| a <= b);
    assert_eq!(
        masked,
        sparse(&[0., 0., 0., 0., 5., 6., 7., 8., 9.], 3, false)
    );
    let scalar = scalar_vec_mask_sparse_matrix(&m, 2, &second, &|a, b| a <= b);
    assert_eq!(
        scalar,
        sparse(&[0., 2., 3., 0., 5., 6., 0., 8., 9.], 3, false)
    );
    let mut v = vec_fx(&[1., 2., 3.]);
    inplace_mask_vector(&[false, true, false], &mut v);
    assert_eq!(v, vec_fx(&[1., 0., 3.]));
}

#[test]
fn sparse_matmul_matches_chain() {
    let v = vec_fx(&[1., 2., 3., 4.]);
    let m = sparse(
        &[1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.],
        4,
        false,
    );
    assert_eq!(matmul_sparse(&m, &v, 3), vec_fx(&[70., 80., 90.]));
    let m = sparse(
        &[0., 2., 3., 4., 0., 6., 7., 8., 0., 10., 11., 12.],
        4,
        false,
    );
    assert_eq!(matmul_sparse(&m, &v, 3), vec_fx(&[69., 70., 63.]));
    let m = sparse(&[0.; 12], 4, false);
    assert_eq!(matmul_sparse(&m, &v, 3), vec_fx(&[0., 0., 0.]));
}

#[test]
fn sparse_matmul_transpose_matches_chain() {
    let v = vec_fx(&[1., 2., 3.]);
    let m = sparse(
        &[1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.],
        4,
        false,
    );
    assert_eq!(
        matmul_transpose_sparse(&m, &v),
        vec_fx(&[14., 32., 50., 68.])
    );
    let m = sparse(
        &[0., 2., 3., 4., 0., 6., 7., 8., 0., 10., 11., 12.],
        4,
        false,
    );
    assert_eq!(
        matmul_transpose_sparse(&m, &v),
        vec_fx(&[13., 22., 23., 68.])
    );
}

#[test]
fn row_hadamard_and_row_sum_sparse() {
    let m = sparse(
        &[1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.],
        4,
        false,
    );
    let v = vec_fx(&[1., 2., 3., 4.]);
    let target = sparse(
        &[1., 2., 3., 8., 10., 12., 21., 24., 27., 40., 44., 48.],
        4,
        false,
    );
    assert_eq!(row_hadamard_sparse(&m, &v), target);
    assert_eq!(row_sum_sparse(&m), vec_fx(&[6., 15., 24., 33.]));
}

#[test]
fn col_clip_sparse_matches_chain() {
    let thresholds = vec_fx(&[0., 5., 12.]);
    let m = sparse(
        &[0., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.],
        4,
        false,
    );
    let target = sparse(&[0., 2., 3., 0., 5., 6., 0., 5., 9., 0., 5., 12.], 4, false);
    assert_eq!(col_clip_sparse(&m, &thresholds), target);
    let m = sparse(
        &[0., 2., 3., 4., 5., 6., 0., 0., 0., 10., 11., 12.],
        4,
        false,
    );
    let target = sparse(&[0., 2., 3., 0., 5., 6., 0., 0., 0., 0., 5., 12.], 4, false);
    assert_eq!(col_clip_sparse(&m, &thresholds), target);
    // A stored zero under a zero threshold is kept (it is not above it).
    let with_zero = vec![vec![(0u16, fx(0.)), (1, fx(1.))]];
    assert_eq!(
        col_clip_sparse(&with_zero, &vec_fx(&[0., 0.5])),
        vec![vec![(0u16, fx(0.)), (1, fx(0.5))]]
    );
}

#[test]
fn mat_vec_mul_sparse_keeps_nonzero_products() {
    let m = sparse(&[1., 2., 3., 4., 5., 6., 7., 8., 9.], 3, false);
    let v = vec_fx(&[1., 0., 2.]);
    let target = sparse(&[1., 0., 6., 4., 0., 12., 7., 0., 18.], 3, false);
    assert_eq!(mat_vec_mul_sparse(&m, &v), target);
    assert_eq!(
        vec_mul(&vec_fx(&[1., 2.]), &vec_fx(&[3., 4.])),
        vec_fx(&[3., 8.])
    );
}

fn weighted_median_of(stake: &[f64], score: &[f64], majority: f64) -> I32F32 {
    let stake = vec_fx(stake);
    let score = vec_fx(score);
    let idx: Vec<usize> = (0..stake.len()).collect();
    weighted_median(
        &stake,
        &score,
        &idx,
        fx(1.) - fx(majority),
        fx(0.),
        sum(&stake),
    )
}

#[test]
fn weighted_median_matches_chain() {
    assert_eq!(weighted_median_of(&[], &[], 0.51), fx(0.));
    assert_eq!(weighted_median_of(&[0.49, 0.51], &[0.5, 1.], 0.51), fx(1.));
    assert_eq!(weighted_median_of(&[0.51, 0.49], &[0.5, 1.], 0.51), fx(0.5));
    assert_eq!(
        weighted_median_of(&[0.49, 0., 0.51], &[0.5, 0.7, 1.], 0.51),
        fx(1.)
    );
    assert_eq!(
        weighted_median_of(&[0.49, 0.01, 0.5], &[0.5, 0.7, 1.], 0.51),
        fx(0.7)
    );
    assert_eq!(
        weighted_median_of(&[0.49, 0.51, 0.0], &[0.5, 0.7, 1.], 0.51),
        fx(0.7)
    );
    assert_eq!(
        weighted_median_of(&[0.0, 0.49, 0.51], &[0.5, 0.7, 1.], 0.51),
        fx(1.)
    );
}

#[test]
fn weighted_median_col_sparse_matches_chain() {
    assert!(weighted_median_col_sparse(&[], &[vec![]], 0, fx(0.5)).is_empty());
    let w = sparse(&[0., 0., 0., 0.], 2, false);
    assert_eq!(
        weighted_median_col_sparse(&vec_fx(&[0., 0.]), &w, 2, fx(0.5)),
        vec_fx(&[0., 0.])
    );
    let stake = vec_fx(&[0., 0.75, 0.25, 0.]);
    let w = sparse(
        &[0., 0.1, 0., 0., 0.2, 0.4, 0., 0.3, 0.1, 0., 0.4, 0.5],
        4,
        false,
    );
    assert_eq!(
        weighted_median_col_sparse(&stake, &w, 3, fx(0.24)),
        vec_fx(&[0., 0.3, 0.4])
    );
    assert_eq!(
        weighted_median_col_sparse(&stake, &w, 3, fx(0.26)),
        vec_fx(&[0., 0.2, 0.4])
    );
    assert_eq!(
        weighted_median_col_sparse(&stake, &w, 3, fx(0.76)),
        vec_fx(&[0., 0.2, 0.1])
    );
    let stake = vec_fx(&[0., 0.3, 0.2, 0.5]);
    let w = sparse(
        &[0., 0.1, 0., 0., 0.2, 0.4, 0., 0.3, 0.1, 0., 0., 0.5],
        4,
        false,
    );
    assert_eq!(
        weighted_median_col_sparse(&stake, &w, 3, fx(0.51)),
        vec_fx(&[0., 0., 0.4])
    );
}

#[test]
fn interpolate_sparse_matches_chain() {
    let a = sparse(&[0.], 1, false);
    let b = sparse(&[1.], 1, false);
    assert_eq!(
        interpolate_sparse(&a, &b, 1, fx(0.)),
        sparse(&[0.], 1, false)
    );
    assert_eq!(
        interpolate_sparse(&a, &b, 1, fx(0.5)),
        sparse(&[0.5], 1, false)
    );
    assert_eq!(
        interpolate_sparse(&a, &b, 1, fx(1.)),
        sparse(&[1.], 1, false)
    );
    let a = sparse(&[1., 2., 3., 4., 5., 6.], 2, false);
    let b = sparse(&[0., 4., 0., 8., 0., 12.], 2, false);
    let half = interpolate_sparse(&a, &b, 3, fx(0.5));
    assert_eq!(half, sparse(&[0.5, 3., 1.5, 6., 2.5, 9.], 2, false));
    let zeros = sparse(&[0.; 12], 4, false);
    assert_eq!(interpolate_sparse(&zeros, &zeros, 3, fx(0.3)), zeros);
}

#[test]
fn mat_ema_sparse_blends_and_sorts() {
    let new = sparse(&[1., 0., 0., 1.], 2, false);
    let old = sparse(&[0., 1., 1., 0.], 2, false);
    let ema = mat_ema_sparse(&new, &old, fx(0.1));
    assert_sparse_close(&ema, &sparse(&[0.1, 0.9, 0.9, 0.1], 2, false), 1e-9);
    // Unsorted input rows come out sorted.
    let new = vec![vec![(1u16, fx(1.)), (0, fx(1.))], vec![]];
    let ema = mat_ema_sparse(&new, &[vec![], vec![]], fx(0.5));
    assert_eq!(ema, vec![vec![(0u16, fx(0.5)), (1, fx(0.5))], vec![]]);
}

#[test]
fn mat_ema_alpha_sparse_matches_chain() {
    let alphas = vec![vec![fx(0.1); 3]; 4];
    type Case = ([f64; 12], [f64; 12], [f64; 12], f64);
    let cases: [Case; 4] = [
        (
            [1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.],
            [
                0.1, 0.2, 3., 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12,
            ],
            [
                0.19, 0.38, 1., 0.43599, 0.545, 0.65399, 0.763, 0.87199, 0.981, 1., 1., 1.,
            ],
            1e-4,
        ),
        (
            [
                0.1, 0.2, 3., 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12,
            ],
            [
                0.001, 0.002, 0.003, 0.004, 0.05, 0.006, 0.007, 0.008, 0.009, 0.010, 0.011, 0.012,
            ],
            [
                0.0109, 0.0218, 0.30270, 0.007599, 0.05, 0.01139, 0.0133, 0.01519, 0.017, 0.01899,
                0.02089, 0.0227,
            ],
            1e-4,
        ),
        (
            [
                0.1, 0.2, 3., 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12,
            ],
            [0.; 12],
            [
                0.01, 0.02, 0.3, 0.00399, 0.005, 0.00599, 0.007, 0.00799, 0.009, 0.01, 0.011,
                0.01199,
            ],
            1e-4,
        ),
        (
            [0., 0., 0., 0., 2., 0., 0., 0., 0., 0., 0., 0.],
            [1., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
            [0.0, 0., 0., 0., 0.2, 0., 0., 0., 0., 0., 0., 0.],
            1e-1,
        ),
    ];
    for (new, old, target, eps) in cases {
        let result =
            mat_ema_alpha_sparse(&sparse(&new, 4, false), &sparse(&old, 4, false), &alphas);
        assert_sparse_close(&result, &sparse(&target, 4, false), eps);
    }
}

#[test]
fn mat_ema_alpha_sparse_drops_bonds_without_weight_cells() {
    // The difference between an absent weight and a stored zero under liquid alpha.
    let alphas = vec![vec![fx(0.1); 2]];
    let old = vec![vec![(0u16, fx(0.5)), (1, fx(0.5))]];
    let absent = vec![vec![(1u16, fx(1.))]];
    let stored_zero = vec![vec![(0u16, fx(0.)), (1, fx(1.))]];
    let a = mat_ema_alpha_sparse(&absent, &old, &alphas);
    let z = mat_ema_alpha_sparse(&stored_zero, &old, &alphas);
    assert_eq!(a.first().map(Vec::len), Some(1));
    assert_eq!(z.first().map(Vec::len), Some(2));
    assert_sparse_close(&z, &vec![vec![(0u16, fx(0.45)), (1, fx(0.55))]], 1e-6);
}

#[test]
fn alpha_sigmoid_stays_within_bounds() {
    let (low, high, steep) = (fx(0.7), fx(0.9), fx(1000.));
    // d = 0.5 is the sigmoid's midpoint.
    let mid = alpha_sigmoid(fx(0.), fx(0.5), fx(0.), low, high, steep);
    assert!((mid - fx(0.8)).abs() < fx(1e-6), "{mid}");
    let far = alpha_sigmoid(fx(0.), fx(1.), fx(0.), low, high, steep);
    assert!(far <= high && far > fx(0.89));
    let near = alpha_sigmoid(fx(0.5), fx(0.5), fx(0.), low, high, steep);
    assert!(near >= low && near < fx(0.71));
    // Selling side: the bond above the weight sets the distance.
    let sell = alpha_sigmoid(fx(0.), fx(0.), fx(1.), low, high, steep);
    assert_eq!(sell, far);
}

#[test]
fn cursor_walk_sees_only_ascending_cells() {
    let row = vec![(3u16, fx(1.)), (1, fx(2.)), (4, fx(3.)), (9, fx(4.))];
    // Column 1 comes after 3 and is never reached; 9 is beyond the 5 columns.
    assert_eq!(
        cursor_visible_cells(&row, 5),
        vec![(3u16, fx(1.)), (4, fx(3.))]
    );
    // A cell beyond the columns blocks the cursor for everything after it.
    let blocked = vec![(7u16, fx(1.)), (0, fx(2.))];
    assert!(cursor_visible_cells(&blocked, 5).is_empty());
}

/// A small deterministic generator for the equivalence tests below.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
}

#[test]
fn fast_division_equals_the_crate() {
    let mut rng = Lcg(7);
    let specials = [
        0i64,
        1,
        2,
        (1 << 32) - 1,
        1 << 32,
        1 << 31,
        i64::MAX,
        -1,
        i64::MIN,
    ];
    for _ in 0..200_000 {
        let a = match rng.next() % 4 {
            0 => (rng.next() % (1 << 32)) as i64,
            1 => rng.next() as i64,
            2 => -((rng.next() % (1 << 40)) as i64),
            _ => specials[(rng.next() % specials.len() as u64) as usize],
        };
        let b = match rng.next() % 4 {
            0 => (rng.next() % (1 << 33)) as i64,
            1 => (rng.next() % 8) as i64,
            2 => -((rng.next() % (1 << 40)) as i64),
            _ => specials[(rng.next() % specials.len() as u64) as usize],
        };
        let (x, y) = (I32F32::from_bits(a), I32F32::from_bits(b));
        assert_eq!(
            safe_div(x, y),
            x.checked_div(y).unwrap_or(fx(0.)),
            "{a} / {b}"
        );
    }
}

#[test]
fn taylor_exp_equals_the_crate() {
    let mut rng = Lcg(11);
    let limit = 20i64 << 32;
    let mut inputs: Vec<i64> = (0..100_000)
        .map(|_| (rng.next() % (2 * limit as u64 + 1)) as i64 - limit)
        .collect();
    inputs.extend([
        0,
        1 << 32,
        -(1 << 32),
        limit,
        -limit,
        1,
        -1,
        1 << 31,
        -(1 << 31),
    ]);
    for bits in inputs {
        let x = I32F32::from_bits(bits);
        assert_eq!(taylor_exp(x), exp::<I32F32, I32F32>(x).ok(), "exp({x})");
    }
}

/// The chain's own column median: a dense score column per miner through `weighted_median`.
fn reference_median_cols(
    stake: &[I32F32],
    score: &SparseMatrix,
    columns: u16,
    kappa: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|s| *s > fx(0.)).collect();
    inplace_normalize(&mut use_stake);
    let stake_sum = sum(&use_stake);
    let minority = stake_sum.saturating_sub(kappa);
    let idx: Vec<usize> = (0..use_stake.len()).collect();
    let mut dense = vec![vec![fx(0.); use_stake.len()]; columns as usize];
    let mut k = 0;
    for (s, row) in stake.iter().zip(score) {
        if *s > fx(0.) {
            for &(c, v) in row {
                if let Some(cell) = dense.get_mut(c as usize).and_then(|col| col.get_mut(k)) {
                    *cell = v;
                }
            }
            k += 1;
        }
    }
    dense
        .iter()
        .map(|col| weighted_median(&use_stake, col, &idx, minority, fx(0.), stake_sum))
        .collect()
}

/// `n` stakes: 0 one time in `zero_one_in`, else up to 2^`bits` bits.
fn random_stakes(rng: &mut Lcg, n: usize, zero_one_in: u64, bits: u32) -> Vec<I32F32> {
    (0..n)
        .map(|_| {
            if rng.next().is_multiple_of(zero_one_in) {
                fx(0.)
            } else {
                I32F32::from_bits((rng.next() % (1u64 << bits)) as i64)
            }
        })
        .collect()
}

#[test]
fn fast_median_equals_the_chains_search() {
    let mut rng = Lcg(3);
    for round in 0..400 {
        let n = 1 + (rng.next() % 24) as usize;
        let stake = random_stakes(&mut rng, n, 3, 34);
        // Few distinct values so ties are common; some stored zeros and repeated cells.
        let levels = 1 + rng.next() % 6;
        let mut score: SparseMatrix = vec![Vec::new(); n];
        for row in score.iter_mut() {
            for j in 0..n {
                if rng.next().is_multiple_of(2) {
                    let v = (rng.next() % levels) as f64 / levels as f64;
                    row.push((j as u16, fx(v)));
                }
            }
        }
        if let Some(row) = score.first_mut()
            && round % 5 == 0
        {
            row.push((0, fx(0.25)));
            row.reverse();
        }
        for kappa_bits in [0u16, 1, 16384, 32767, 32768, 50000, 65535] {
            let kappa = safe_div(fx(f64::from(kappa_bits)), fx(65535.));
            assert_eq!(
                weighted_median_col_sparse(&stake, &score, n as u16, kappa),
                reference_median_cols(&stake, &score, n as u16, kappa),
                "round {round}, kappa {kappa_bits}"
            );
        }
    }
}

#[test]
fn proportion_to_u16_equals_the_crate() {
    let mut rng = Lcg(5);
    let mut inputs: Vec<i64> = (0..100_000)
        .map(|_| rng.next() as i64 - (1 << 40))
        .collect();
    inputs.extend([
        0,
        1,
        -1,
        1 << 32,
        (1 << 32) - 1,
        i64::MAX,
        i64::MIN,
        1 << 48,
    ]);
    for bits in inputs {
        let x = I32F32::from_bits(bits);
        let crate_way = x.saturating_mul(fx(65535.)).saturating_to_num::<u16>();
        assert_eq!(fixed_proportion_to_u16(x), crate_way, "{x}");
    }
}

#[test]
fn fast_multiplication_equals_the_crate() {
    let mut rng = Lcg(13);
    let pick = |rng: &mut Lcg| -> i64 {
        match rng.next() % 5 {
            0 => (rng.next() % (1 << 33)) as i64,
            1 => rng.next() as i64 - (1 << 52),
            2 => ((rng.next() as i64) << 11) ^ rng.next() as i64,
            3 => [0, 1, -1, i64::MAX, i64::MIN, 1 << 32, -(1 << 32)][(rng.next() % 7) as usize],
            _ => (rng.next() as i64) << 10,
        }
    };
    for _ in 0..300_000 {
        let (a, b) = (
            I32F32::from_bits(pick(&mut rng)),
            I32F32::from_bits(pick(&mut rng)),
        );
        assert_eq!(mul(a, b), a.saturating_mul(b), "{a} * {b}");
        assert_eq!(
            mul_or_zero(a, b),
            a.checked_mul(b).unwrap_or(fx(0.)),
            "{a} * {b}"
        );
    }
}

/// `alpha_sigmoid` exactly as run_epoch.rs writes it, on the crate's own operations.
fn chain_alpha_sigmoid(
    c: I32F32,
    w: I32F32,
    b: I32F32,
    lo: I32F32,
    hi: I32F32,
    st: I32F32,
) -> I32F32 {
    let zero = fx(0.);
    let one = fx(1.);
    let diff_buy = (w.saturating_sub(c)).min(one).max(zero);
    let diff_sell = (b.saturating_sub(w)).min(one).max(zero);
    let combined = if w >= b { diff_buy } else { diff_sell };
    let input = st
        .saturating_div(I32F32::from_num(-100))
        .saturating_mul(combined.saturating_sub(I32F32::from_num(0.5)));
    let clamped = input.max(fx(-20.)).min(fx(20.));
    let e: I32F32 = exp(clamped).unwrap_or(if clamped <= zero {
        zero
    } else {
        I32F32::max_value()
    });
    let sigmoid = one.saturating_div(one.saturating_add(e));
    let alpha = lo.saturating_add(sigmoid.saturating_mul(hi.saturating_sub(lo)));
    alpha.min(hi).max(lo)
}

#[test]
fn liquid_alpha_equals_the_chains_formula() {
    let mut rng = Lcg(17);
    let unit = |rng: &mut Lcg| I32F32::from_bits((rng.next() % (1 << 33)) as i64);
    for _ in 0..20_000 {
        let (c, w, b) = (unit(&mut rng), unit(&mut rng), unit(&mut rng));
        let lo = I32F32::from_bits((rng.next() % (1 << 32)) as i64);
        let hi = I32F32::from_bits((rng.next() % (1 << 32)) as i64);
        let st = I32F32::from_num([1000i16, 10, -500, 32767, -32768, 0][(rng.next() % 6) as usize]);
        assert_eq!(
            alpha_sigmoid(c, w, b, lo, hi, st),
            chain_alpha_sigmoid(c, w, b, lo, hi, st),
            "{c} {w} {b} {lo} {hi} {st}"
        );
    }
}

#[test]
fn mat_ema_sparse_equals_a_dense_pass_on_short_and_long_rows() {
    let mut rng = Lcg(19);
    let n = 64usize;
    let random_row = |rng: &mut Lcg, max_len: u64| -> Vec<(u16, I32F32)> {
        let len = rng.next() % max_len;
        (0..len)
            .map(|_| {
                (
                    (rng.next() % (n as u64 + 4)) as u16,
                    I32F32::from_bits((rng.next() % (1 << 33)) as i64),
                )
            })
            .collect()
    };
    for round in 0..50 {
        let max_len = if round % 2 == 0 { 4 } else { 40 };
        let new: SparseMatrix = (0..n).map(|_| random_row(&mut rng, max_len)).collect();
        let old: SparseMatrix = (0..n).map(|_| random_row(&mut rng, max_len)).collect();
        let alpha = I32F32::from_bits((rng.next() % (1 << 32)) as i64);
        let naive: SparseMatrix = new
            .iter()
            .zip(&old)
            .map(|(nr, or)| {
                let mut acc = vec![fx(0.); n];
                for &(j, v) in nr {
                    if let Some(c) = acc.get_mut(j as usize) {
                        *c = c.saturating_add(alpha.saturating_mul(v));
                    }
                }
                for &(j, v) in or {
                    if let Some(c) = acc.get_mut(j as usize) {
                        *c = c.saturating_add((fx(1.) - alpha).saturating_mul(v));
                    }
                }
                acc.iter()
                    .enumerate()
                    .filter(|(_, v)| **v > fx(0.))
                    .map(|(j, v)| (j as u16, *v))
                    .collect()
            })
            .collect();
        assert_eq!(mat_ema_sparse(&new, &old, alpha), naive, "round {round}");
    }
}

#[test]
fn reciprocal_division_equals_integer_division() {
    let mut rng = Lcg(23);
    let mut divisors: Vec<u64> = vec![
        2,
        3,
        5,
        7,
        10,
        65_535,
        65_536,
        (1 << 32) - 1,
        1 << 32,
        (1 << 32) + 1,
        (1 << 63) - 1,
        1 << 63,
        (1 << 63) + 1,
        u64::MAX - 1,
        u64::MAX,
    ];
    divisors.extend((0..2_000).map(|_| 2 + rng.next() % (1 << (1 + rng.next() % 62))));
    divisors.extend(
        (0..500)
            .map(|_| (rng.next() << 11) | rng.next())
            .filter(|d| *d >= 2),
    );
    for d in divisors {
        let r = Reciprocal::new(d).expect("a divisor of at least 2");
        let mut numerators = vec![0, 1, d - 1, d, d.wrapping_add(1), u64::MAX, u64::MAX - 1];
        numerators.extend([
            d.wrapping_mul(3),
            (u64::MAX / d) * d,
            (u64::MAX / d) * d - 1,
        ]);
        numerators.extend((0..100).map(|_| (rng.next() << 11) ^ rng.next()));
        numerators.extend((0..50).map(|_| rng.next() % (1 << 33)));
        for x in numerators {
            assert_eq!(r.divide(x), x / d, "{x} / {d}");
        }
    }
    assert!(Reciprocal::new(0).is_none() && Reciprocal::new(1).is_none());
}

#[test]
fn shared_divisor_equals_safe_division_and_keeps_on_zero() {
    let mut rng = Lcg(29);
    let specials = [
        0i64,
        1,
        2,
        3,
        (1 << 32) - 1,
        1 << 32,
        (1 << 32) + 1,
        1 << 31,
        65_535 << 32,
        i64::MAX,
        i64::MAX - (i64::MAX & 0xFFFF_FFFF),
        -1,
        i64::MIN,
        -(1 << 32),
    ];
    let pick = |rng: &mut Lcg| -> i64 {
        match rng.next() % 6 {
            0 => (rng.next() % (1 << 32)) as i64,
            1 => ((rng.next() % (1 << 20)) << 32) as i64,
            2 => rng.next() as i64 - (1 << 40),
            3 => (rng.next() % 8) as i64,
            4 => (rng.next() as i64) << 10,
            _ => specials[(rng.next() % specials.len() as u64) as usize],
        }
    };
    for _ in 0..300_000 {
        let (a, b) = (
            I32F32::from_bits(pick(&mut rng)),
            I32F32::from_bits(pick(&mut rng)),
        );
        let expected = if b == fx(0.) {
            a
        } else {
            a.checked_div(b).unwrap_or(fx(0.))
        };
        assert_eq!(
            SharedDivisor::new(b).divide_or_keep(a),
            expected,
            "{a} / {b}"
        );
    }
}

#[test]
fn bit_operations_equal_the_crate() {
    let mut rng = Lcg(31);
    let specials = [0i64, 1, -1, i64::MAX, i64::MIN, 1 << 32, -(1 << 32)];
    for _ in 0..200_000 {
        let pick = |rng: &mut Lcg| match rng.next() % 3 {
            0 => specials[(rng.next() % specials.len() as u64) as usize],
            1 => (rng.next() % (1 << 34)) as i64,
            _ => ((rng.next() << 11) ^ rng.next()) as i64,
        };
        let (a, b) = (
            I32F32::from_bits(pick(&mut rng)),
            I32F32::from_bits(pick(&mut rng)),
        );
        assert_eq!(add(a, b), a.saturating_add(b), "{a} + {b}");
        assert_eq!(keep_if(true, a), a);
        assert_eq!(keep_if(false, a), fx(0.));
    }
}

#[test]
fn branch_free_selection_equals_the_in_place_quickselect() {
    let mut rng = Lcg(37);
    let mut buffers = (Vec::new(), Vec::new());
    for round in 0..5_000 {
        let len = 1 + (rng.next() % 70) as usize;
        // Few distinct scores in some rounds, so ties and equal pivots are common.
        let few_levels = round % 3 == 0;
        let mut pairs: Vec<(I32F32, I32F32)> = (0..len)
            .map(|_| {
                let v = if few_levels {
                    (1 + rng.next() % 4) << 30
                } else {
                    1 + rng.next() % (1 << 33)
                };
                let v = I32F32::from_bits(v as i64);
                let s = I32F32::from_bits((rng.next() % (1 << 28)) as i64);
                (v, s)
            })
            .collect();
        let total: I32F32 = pairs.iter().fold(fx(0.), |acc, p| acc.saturating_add(p.1));
        let below = if rng.next().is_multiple_of(2) {
            fx(0.)
        } else {
            I32F32::from_bits((rng.next() % (1 << 30)) as i64)
        };
        let minority = I32F32::from_bits((rng.next() % (total.to_bits().max(1) as u64 * 2)) as i64);
        // Zero scores among the votes are skipped, as if they were not there.
        let mut votes = pairs.clone();
        for _ in 0..rng.next() % 4 {
            let at = (rng.next() % (votes.len() as u64 + 1)) as usize;
            let stake = I32F32::from_bits((rng.next() % (1 << 28)) as i64);
            votes.insert(at, (fx(0.), stake));
        }
        let fast = select_weighted_by_copy(&votes, minority, below, &mut buffers);
        let reference = select_weighted(&mut pairs, minority, below);
        assert_eq!(fast, reference, "round {round}");
    }
}

#[test]
fn weighted_median_on_larger_columns_equals_the_chains_search() {
    let mut rng = Lcg(41);
    for round in 0..60 {
        let n = 20 + (rng.next() % 60) as usize;
        let stake = random_stakes(&mut rng, n, 4, 40);
        let mut score: SparseMatrix = vec![Vec::new(); n];
        for row in score.iter_mut() {
            for j in 0..n {
                if !rng.next().is_multiple_of(3) {
                    let v = if rng.next().is_multiple_of(10) {
                        0
                    } else {
                        rng.next() % (1 << 32)
                    };
                    row.push((j as u16, I32F32::from_bits(v as i64)));
                }
            }
            if round % 4 == 0 && !row.is_empty() {
                // A repeated cell in a later position overrides the earlier one.
                let k = (rng.next() % row.len() as u64) as usize;
                if let Some(&(j, _)) = row.get(k) {
                    row.push((j, I32F32::from_bits((rng.next() % (1 << 32)) as i64)));
                }
            }
        }
        for kappa_bits in [0u16, 32767, 65535, 20000] {
            let kappa = safe_div(fx(f64::from(kappa_bits)), fx(65535.));
            assert_eq!(
                weighted_median_col_sparse(&stake, &score, n as u16, kappa),
                reference_median_cols(&stake, &score, n as u16, kappa),
                "round {round}, kappa {kappa_bits}"
            );
        }
    }
}

#[test]
fn ema_merge_of_sorted_rows_equals_a_dense_pass() {
    let mut rng = Lcg(43);
    for round in 0..2_000 {
        let n = 1 + (rng.next() % 90) as usize;
        let sorted_row = |rng: &mut Lcg| -> Vec<(u16, I32F32)> {
            let mut row = Vec::new();
            for j in 0..n as u16 + 3 {
                if rng.next().is_multiple_of(2 + round % 5) {
                    let v = (rng.next() % (1 << 34)) as i64 - (1 << 31);
                    row.push((j, I32F32::from_bits(v)));
                }
            }
            row
        };
        let (new_row, old_row) = (sorted_row(&mut rng), sorted_row(&mut rng));
        let alpha = I32F32::from_bits((rng.next() % (1 << 33)) as i64);
        let mut dense = vec![fx(0.); n];
        for &(j, v) in &new_row {
            if let Some(c) = dense.get_mut(j as usize) {
                *c = c.saturating_add(alpha.saturating_mul(v));
            }
        }
        for &(j, v) in &old_row {
            if let Some(c) = dense.get_mut(j as usize) {
                *c = c.saturating_add(fx(1.).saturating_sub(alpha).saturating_mul(v));
            }
        }
        let expected: Vec<(u16, I32F32)> = dense
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > fx(0.))
            .map(|(j, v)| (j as u16, *v))
            .collect();
        let mut merged = Vec::new();
        ema_row(
            &new_row,
            &old_row,
            &mut EmaScratch::new(n, alpha),
            &mut merged,
        );
        assert_eq!(merged, expected, "round {round}");
    }
}

#[test]
fn exp_lanes_equal_exp_safe_lane_by_lane() {
    let mut rng = Lcg(23);
    let limit = 24i64 << 32;
    let mut inputs: Vec<I32F32> = (0..40_000)
        .map(|_| I32F32::from_bits((rng.next() % (2 * limit as u64 + 1)) as i64 - limit))
        .collect();
    // Special cases and extremes, mixed into lanes with ordinary inputs.
    inputs.extend(
        [
            0,
            1 << 32,
            -(1 << 32),
            20 << 32,
            -(20 << 32),
            1,
            -1,
            i64::MAX,
            i64::MIN,
        ]
        .map(I32F32::from_bits),
    );
    inputs.extend([fx(0.3), fx(-4.9), fx(0.), fx(1.)]);
    for lanes in inputs.chunks(4) {
        let mut four = [fx(0.5); 4];
        four.iter_mut().zip(lanes).for_each(|(l, v)| *l = *v);
        let expected = four.map(exp_safe);
        assert_eq!(exp_safe_lanes(four), expected, "{four:?}");
    }
}

#[test]
fn batched_liquid_alpha_equals_one_cell_at_a_time() {
    let mut rng = Lcg(29);
    let unit = |rng: &mut Lcg| I32F32::from_bits((rng.next() % (1 << 33)) as i64);
    for len in [0usize, 1, 3, 4, 5, 8, 63, 200] {
        let cells: Vec<_> = (0..len)
            .map(|_| (unit(&mut rng), unit(&mut rng), unit(&mut rng)))
            .collect();
        let (lo, hi) = (fx(0.7), fx(0.9));
        for steepness in [1000i16, 10, -500, 32767, -32768, 0] {
            let rate = I32F32::from_num(steepness).saturating_div(I32F32::from_num(-100));
            let distances: Vec<_> = cells
                .iter()
                .map(|&(c, w, b)| sigmoid_distance(c, w, b))
                .collect();
            let mut batch = Vec::new();
            alpha_sigmoid_batch(&distances, lo, hi, rate, &mut batch);
            let one_by_one: Vec<_> = cells
                .iter()
                .map(|&(c, w, b)| alpha_sigmoid_at_rate(c, w, b, lo, hi, rate))
                .collect();
            assert_eq!(batch, one_by_one, "len {len}, steepness {steepness}");
        }
    }
}

#[test]
fn unit_products_and_bounded_sums_equal_the_general_ones() {
    let mut rng = Lcg(31);
    let unit = |rng: &mut Lcg| I32F32::from_bits((rng.next() % ((1 << 32) + 1)) as i64);
    let mut pairs: Vec<(I32F32, I32F32)> = (0..50_000)
        .map(|_| (unit(&mut rng), unit(&mut rng)))
        .collect();
    let (zero, one) = (fx(0.), fx(1.));
    pairs.extend([
        (zero, zero),
        (one, one),
        (one, zero),
        (I32F32::from_bits(1), one),
    ]);
    for (a, b) in pairs {
        assert_eq!(mul_unit(a, b), mul(a, b), "{a} * {b}");
        assert_eq!(add_bounded(a, b), add(a, b), "{a} + {b}");
    }
}

#[test]
fn one_over_equals_safe_div_for_values_from_one() {
    let mut rng = Lcg(31);
    let mut values: Vec<i64> = vec![
        1 << 32,
        (1 << 32) + 1,
        (1 << 33) - 1,
        1 << 33,
        3 << 32,
        i64::MAX,
        i64::MAX - 1,
        (1 << 62) + 12_345,
    ];
    for shift in 32..63 {
        values.push(1 << shift);
        values.push((1 << shift) - 1);
        values.push((1 << shift) + 1);
    }
    for _ in 0..100_000 {
        let v = (rng.next() >> (1 + rng.next() % 31)) as i64;
        values.push(v.max(1 << 32));
    }
    // Below 1 it hands over to safe_div, saturation and all.
    values.extend([0, 1, 12_345, (1 << 32) - 1]);
    for v in values {
        let d = I32F32::from_bits(v);
        assert_eq!(one_over(d), safe_div(ONE, d), "1 / {v} (bits)");
    }
}
