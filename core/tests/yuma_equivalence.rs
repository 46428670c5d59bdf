//! The optimised epoch against a plain, step-for-step port of the chain's
//! `epoch_mechanism` (unfused masks, dense consensus search, dense liquid-alpha matrix),
//! on random subnets with the awkward cases: unsorted and repeated cells, stored zeros,
//! cells beyond n, an owner uid, commit-reveal, partial bonds penalty, Yuma 2 and 3.

use substrate_fixed::types::{I32F32, I64F64, I96F32};
use taoscope_core::yuma::math::{self, SparseMatrix};
use taoscope_core::yuma::{EpochInput, EpochOutput, EpochParams, run_epoch};

const ZERO: I32F32 = I32F32::from_bits(0);
const ONE: I32F32 = I32F32::from_bits(1 << 32);

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    fn below(&mut self, m: u64) -> u64 {
        self.next() % m
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
}

fn reference_median(
    stake: &[I32F32],
    score: &SparseMatrix,
    columns: u16,
    kappa: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|s| *s > ZERO).collect();
    math::inplace_normalize(&mut use_stake);
    let stake_sum = math::sum(&use_stake);
    let minority = stake_sum.saturating_sub(kappa);
    let idx: Vec<usize> = (0..use_stake.len()).collect();
    let mut dense = vec![vec![ZERO; use_stake.len()]; columns as usize];
    let mut k = 0;
    for (s, row) in stake.iter().zip(score) {
        if *s > ZERO {
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
        .map(|col| math::weighted_median(&use_stake, col, &idx, minority, ZERO, stake_sum))
        .collect()
}

fn reference_mat_ema(new: &SparseMatrix, old: &SparseMatrix, alpha: I32F32) -> SparseMatrix {
    let n = new.len();
    let one_minus = ONE.saturating_sub(alpha);
    new.iter()
        .zip(old)
        .map(|(nr, or)| {
            let mut acc = vec![ZERO; n];
            for &(j, v) in nr {
                if let Some(c) = acc.get_mut(j as usize) {
                    *c = c.saturating_add(alpha.saturating_mul(v));
                }
            }
            for &(j, v) in or {
                if let Some(c) = acc.get_mut(j as usize) {
                    *c = c.saturating_add(one_minus.saturating_mul(v));
                }
            }
            acc.iter()
                .enumerate()
                .filter(|(_, v)| **v > ZERO)
                .map(|(j, v)| (j as u16, *v))
                .collect()
        })
        .collect()
}

/// `compute_liquid_alpha_values_sparse`: a dense alpha matrix from a sorted-cursor walk.
fn reference_alphas(
    p: &EpochParams,
    w: &SparseMatrix,
    b: &SparseMatrix,
    c: &[I32F32],
) -> Vec<Vec<I32F32>> {
    let low = math::u16_proportion_to_fixed(p.alpha_low);
    let high = math::u16_proportion_to_fixed(p.alpha_high);
    let steep = I32F32::from_num(p.alpha_sigmoid_steepness);
    w.iter()
        .zip(b)
        .map(|(wr, br)| {
            let mut wi = wr.iter().peekable();
            let mut bi = br.iter().peekable();
            c.iter()
                .enumerate()
                .map(|(j, cons)| {
                    let j = j as u16;
                    let mut weight = ZERO;
                    while let Some(&&(i, v)) = wi.peek() {
                        if i < j {
                            wi.next();
                        } else {
                            if i == j {
                                weight = v;
                            }
                            break;
                        }
                    }
                    let mut bond = ZERO;
                    while let Some(&&(i, v)) = bi.peek() {
                        if i < j {
                            bi.next();
                        } else {
                            if i == j {
                                bond = v;
                            }
                            break;
                        }
                    }
                    math::alpha_sigmoid(*cons, weight, bond, low, high, steep)
                })
                .collect()
        })
        .collect()
}

fn reference_epoch(p: &EpochParams, input: &EpochInput) -> EpochOutput {
    let n = input.n;
    let nu = n as usize;
    let block = input.current_block;
    let inactive: Vec<bool> = input
        .last_update
        .iter()
        .map(|u| u.saturating_add(p.activity_cutoff) < block)
        .collect();
    let mut filtered: Vec<I64F64> = input
        .stake
        .iter()
        .enumerate()
        .map(|(uid, s)| {
            if p.owner_uid != Some(uid as u16) && s.saturating_to_num::<u64>() < p.stake_threshold {
                I64F64::from_num(0)
            } else {
                *s
            }
        })
        .collect();
    math::inplace_normalize_64(&mut filtered);
    let stake: Vec<I32F32> = filtered
        .iter()
        .map(|s| I32F32::saturating_from_num(*s))
        .collect();
    let mut permits = input.validator_permit.clone();
    if let Some(o) = p.owner_uid.and_then(|o| permits.get_mut(o as usize)) {
        *o = true;
    }
    let forbids: Vec<bool> = permits.iter().map(|b| !b).collect();
    let mut new_permits = math::is_topk_nonzero(&stake, p.max_allowed_validators as usize);
    if let Some(o) = p.owner_uid.and_then(|o| new_permits.get_mut(o as usize)) {
        *o = true;
    }
    let mut active_stake = stake.clone();
    math::inplace_mask_vector(&inactive, &mut active_stake);
    math::inplace_mask_vector(&forbids, &mut active_stake);
    math::inplace_normalize(&mut active_stake);

    let mut w: SparseMatrix = vec![Vec::new(); nu];
    for (row, stored) in w.iter_mut().zip(&input.weights) {
        *row = stored
            .iter()
            .filter(|(j, _)| *j < n)
            .map(|&(j, v)| (j, I32F32::from_num(v)))
            .collect();
    }
    w = math::mask_rows_sparse(&forbids, &w);
    w = match p.owner_uid {
        Some(o) => math::mask_diag_sparse_except_index(&w, o),
        None => math::mask_diag_sparse(&w),
    };
    w = math::vec_mask_sparse_matrix(
        &w,
        &input.last_update,
        &input.block_at_registration,
        &|u, r| u <= r,
    );
    if p.commit_reveal_enabled {
        let cb: Vec<u64> = match &input.commit_block {
            Some(c) => c.iter().map(|b| b.unwrap_or(u64::MAX)).collect(),
            None => vec![u64::MAX; nu],
        };
        w = math::vec_mask_sparse_matrix(&w, &cb, &input.block_at_registration, &|c, r| c < r);
    }
    math::inplace_row_normalize_sparse(&mut w);
    let kappa = math::safe_div(I32F32::from_num(p.kappa), I32F32::from_num(u16::MAX));
    let consensus = reference_median(&active_stake, &w, n, kappa);
    let clipped = math::col_clip_sparse(&w, &consensus);
    let vt = math::row_sum_sparse(&clipped);
    let mut ranks = math::matmul_sparse(&clipped, &active_stake, n);
    let trust = math::vecdiv(&ranks, &math::matmul_sparse(&w, &active_stake, n));
    math::inplace_normalize(&mut ranks);
    let incentive = ranks;
    let bp = math::safe_div(
        I32F32::from_num(p.bonds_penalty),
        I32F32::from_num(u16::MAX),
    );
    let wb = math::interpolate_sparse(&w, &clipped, n, bp);
    let last_tempo = if input.last_mechanism_step_block == 0 {
        block.saturating_sub(p.tempo)
    } else {
        input.last_mechanism_step_block + 1
    };
    let avg = I64F64::saturating_from_num(p.bonds_moving_average)
        .checked_div(I64F64::from_num(1_000_000))
        .unwrap_or(I64F64::from_num(0));
    let alpha = ONE.saturating_sub(I32F32::saturating_from_num(avg));
    let mut raw: SparseMatrix = vec![Vec::new(); nu];
    for (row, stored) in raw.iter_mut().zip(&input.bonds) {
        *row = stored
            .iter()
            .map(|&(j, v)| (j, I32F32::from_num(v)))
            .collect();
    }
    let mut dividends;
    let mut ema;
    if p.yuma3_enabled {
        let mut b = raw;
        b.iter_mut().for_each(|r| {
            r.iter_mut()
                .for_each(|(_, v)| *v = math::fixed_to_fixed_u16_proportion(*v))
        });
        let b = math::scalar_vec_mask_sparse_matrix(
            &b,
            last_tempo,
            &input.block_at_registration,
            &|l, r| l <= r,
        );
        ema = if p.liquid_alpha_enabled && consensus.iter().any(|c| *c != ZERO) {
            let alphas = reference_alphas(p, &wb, &b, &consensus);
            math::mat_ema_alpha_sparse(&wb, &b, &alphas)
        } else {
            reference_mat_ema(&wb, &b, alpha)
        };
        let mut norm = ema.clone();
        math::inplace_col_normalize_sparse(&mut norm, n);
        let tb = math::row_sum_sparse(&math::mat_vec_mul_sparse(&norm, &incentive));
        dividends = math::vec_mul(&tb, &active_stake);
        math::inplace_normalize(&mut dividends);
    } else {
        let mut b = math::scalar_vec_mask_sparse_matrix(
            &raw,
            last_tempo,
            &input.block_at_registration,
            &|l, r| l <= r,
        );
        math::inplace_col_normalize_sparse(&mut b, n);
        let mut delta = math::row_hadamard_sparse(&wb, &active_stake);
        math::inplace_col_normalize_sparse(&mut delta, n);
        ema = reference_mat_ema(&delta, &b, alpha);
        math::inplace_col_normalize_sparse(&mut ema, n);
        dividends = math::matmul_transpose_sparse(&ema, &incentive);
        math::inplace_normalize(&mut dividends);
        math::inplace_col_max_upscale_sparse(&mut ema, n);
    }
    let combined: Vec<I32F32> = incentive
        .iter()
        .zip(&dividends)
        .map(|(a, b)| a.saturating_add(*b))
        .collect();
    let total = math::sum(&combined);
    let mut server = incentive.clone();
    let mut validator = dividends.clone();
    let mut comb = combined;
    math::inplace_normalize_using_sum(&mut server, total);
    math::inplace_normalize_using_sum(&mut validator, total);
    math::inplace_normalize(&mut comb);
    if total == ZERO {
        let fb = if math::is_zero(&active_stake) {
            &stake
        } else {
            &active_stake
        };
        validator.clone_from(fb);
        comb.clone_from(fb);
    }
    let rao = I96F32::saturating_from_num(input.rao_emission);
    let to_rao = |v: &[I32F32]| -> Vec<u64> {
        v.iter()
            .map(|x| {
                I96F32::saturating_from_num(*x)
                    .saturating_mul(rao)
                    .saturating_to_num::<u64>()
            })
            .collect()
    };
    let bonds = (0..nu)
        .map(|i| {
            if new_permits[i] {
                ema[i]
                    .iter()
                    .map(|&(j, v)| (j, math::fixed_proportion_to_u16(v)))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    EpochOutput {
        active: inactive.iter().map(|b| !b).collect(),
        new_validator_permit: new_permits,
        stake_weight: stake,
        consensus,
        validator_trust: vt,
        incentive,
        trust_legacy: trust,
        dividends,
        bonds,
        server_emission: to_rao(&server),
        validator_emission: to_rao(&validator),
        combined_emission: to_rao(&comb),
    }
}

fn random_rows(rng: &mut Lcg, n: u16, rows: usize, density: u64, cap: u64) -> Vec<Vec<(u16, u16)>> {
    (0..rows)
        .map(|_| {
            let mut row: Vec<(u16, u16)> = Vec::new();
            for j in 0..n + 3 {
                if rng.below(density) == 0 {
                    let v = if rng.chance(6) {
                        0
                    } else {
                        1 + rng.below(cap) as u16
                    };
                    row.push((j, v));
                }
            }
            if rng.chance(5) && !row.is_empty() {
                // Unsorted, as set_weights may store it.
                let k = rng.below(row.len() as u64) as usize;
                row.rotate_left(k);
            }
            if rng.chance(8)
                && let Some(&first) = row.first()
            {
                row.push(first);
            }
            row
        })
        .collect()
}

fn random_case(rng: &mut Lcg) -> (EpochParams, EpochInput) {
    let n = 1 + rng.below(14) as u16;
    let nu = n as usize;
    let yuma3 = rng.chance(2);
    let block = 10_000 + rng.below(1_000);
    let params = EpochParams {
        kappa: [32_767, 0, 65_535, 20_000, 50_000][rng.below(5) as usize],
        bonds_penalty: [65_535, 0, 30_000][rng.below(3) as usize],
        bonds_moving_average: [900_000, 975_000, 0, 1_000_000][rng.below(4) as usize],
        tempo: 360,
        activity_cutoff: [5_000, 300][rng.below(2) as usize],
        max_allowed_validators: 1 + rng.below(n as u64 + 2) as u16,
        liquid_alpha_enabled: yuma3 && !rng.chance(4),
        alpha_low: [45_875, 6_553, 30_000][rng.below(3) as usize],
        alpha_high: [58_982, 19_660, 30_000][rng.below(3) as usize],
        alpha_sigmoid_steepness: [1_000, 10, -500, 32_767][rng.below(4) as usize],
        yuma3_enabled: yuma3,
        stake_threshold: [0, 1_000_000][rng.below(2) as usize],
        owner_uid: if rng.chance(3) {
            Some(rng.below(n as u64) as u16)
        } else {
            None
        },
        commit_reveal_enabled: rng.chance(3),
    };
    let input = EpochInput {
        n,
        stake: (0..nu)
            .map(|_| I64F64::from_num(if rng.chance(4) { 0 } else { rng.below(1 << 40) }))
            .collect(),
        weights: random_rows(rng, n, nu, 2, 65_535),
        bonds: random_rows(rng, n, nu, 2, if yuma3 { 30_000 } else { 65_535 }),
        last_update: (0..nu).map(|_| block - rng.below(600)).collect(),
        block_at_registration: (0..nu).map(|_| block - 200 - rng.below(1_000)).collect(),
        validator_permit: (0..nu).map(|_| !rng.chance(4)).collect(),
        current_block: block,
        last_mechanism_step_block: if rng.chance(2) {
            0
        } else {
            block - 100 - rng.below(400)
        },
        rao_emission: rng.below(1 << 40),
        commit_block: rng.chance(2).then(|| {
            (0..nu)
                .map(|_| (!rng.chance(3)).then(|| block - rng.below(1_500)))
                .collect()
        }),
    };
    (params, input)
}

/// Runs `rounds` cases from `case` through the optimised epoch and the plain chain port,
/// and asserts they agree output for output.
fn assert_matches_the_chain_port(
    seed: u64,
    rounds: usize,
    case: fn(&mut Lcg) -> (EpochParams, EpochInput),
) {
    let mut rng = Lcg(seed);
    for round in 0..rounds {
        let (params, input) = case(&mut rng);
        let fast = run_epoch(&params, &input).expect("valid input");
        let plain = reference_epoch(&params, &input);
        // A small case is shown whole; a larger one by its size.
        let shown = if input.n <= 16 {
            format!("{input:?}")
        } else {
            format!("n = {}", input.n)
        };
        assert_eq!(fast, plain, "round {round}: {params:?}\n{shown}");
    }
}

#[test]
fn optimised_epoch_equals_the_plain_chain_port() {
    assert_matches_the_chain_port(2024, 1_500, random_case);
}

/// A random case (parameters as above) on a larger subnet, so rows are long enough for
/// the dense EMA and read-out paths and consensus columns hold many votes.
fn random_large_case(rng: &mut Lcg) -> (EpochParams, EpochInput) {
    let (params, mut input) = random_case(rng);
    let n = 20 + rng.below(280) as u16;
    let nu = n as usize;
    let block = input.current_block;
    input.n = n;
    input.stake = (0..nu)
        .map(|_| I64F64::from_num(if rng.chance(4) { 0 } else { rng.below(1 << 40) }))
        .collect();
    let density = 1 + rng.below(8);
    input.weights = random_rows(rng, n, nu, density, 65_535);
    let density = 1 + rng.below(8);
    let cap = if params.yuma3_enabled { 30_000 } else { 65_535 };
    input.bonds = random_rows(rng, n, nu, density, cap);
    input.last_update = (0..nu).map(|_| block - rng.below(600)).collect();
    input.block_at_registration = (0..nu).map(|_| block - 200 - rng.below(1_000)).collect();
    input.validator_permit = (0..nu).map(|_| !rng.chance(4)).collect();
    input.commit_block = rng.chance(2).then(|| {
        (0..nu)
            .map(|_| (!rng.chance(3)).then(|| block - rng.below(1_500)))
            .collect()
    });
    (params, input)
}

#[test]
fn optimised_epoch_equals_the_plain_chain_port_on_larger_subnets() {
    assert_matches_the_chain_port(2025, 120, random_large_case);
}

/// A larger case with every row strictly ascending, as `set_weights` stores them, mostly
/// Yuma 2 with the full bonds penalty: the shape where the epoch lays rows out densely.
fn sorted_large_case(rng: &mut Lcg) -> (EpochParams, EpochInput) {
    let (mut params, mut input) = random_large_case(rng);
    for row in input.weights.iter_mut().chain(input.bonds.iter_mut()) {
        row.sort_by_key(|&(j, _)| j);
        row.dedup_by_key(|&mut (j, _)| j);
    }
    if !rng.chance(4) {
        params.yuma3_enabled = false;
        params.bonds_penalty = 65_535;
    }
    (params, input)
}

#[test]
fn optimised_epoch_equals_the_plain_chain_port_on_sorted_subnets() {
    assert_matches_the_chain_port(2026, 120, sorted_large_case);
}
