//! One Yuma epoch, step for step as subtensor's sparse `epoch_mechanism` runs it.
//!
//! The chain's authority is `pallets/subtensor/src/epoch/run_epoch.rs`. Steps keep its
//! order and its fixed-point types, so outputs match the chain's stored values exactly.

use substrate_fixed::types::{I32F32, I64F64, I96F32};

use super::csr::{self, Csr, Workspace, add_to_column};
use super::dense::{DenseEpoch, LiquidAlpha, WeightMasks, weight_counts};
use super::error::YumaError;
use super::math::{self, SharedDivisor};

/// The largest subnet the epoch accepts; the chain's own limit on uids is far below it.
pub const MAX_UIDS: u16 = 16384;

/// A subnet's hyperparameters as the epoch reads them. `Default` is the runtime's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochParams {
    /// Consensus quantile κ as u16 (`Kappa`; 32767 ≈ 0.5).
    pub kappa: u16,
    /// How far bonds follow clipped rather than raw weights, as u16 (`BondsPenalty`).
    pub bonds_penalty: u16,
    /// Bond EMA memory in millionths (`BondsMovingAverage`, 900,000 ⇒ α = 0.1); ≤ 1,000,000.
    pub bonds_moving_average: u64,
    /// Blocks between epochs (`Tempo`); locates the last epoch when none is recorded.
    pub tempo: u64,
    /// Blocks without a weight update after which a neuron is inactive.
    pub activity_cutoff: u64,
    /// How many validator permits the top stakes get (`MaxAllowedValidators`).
    pub max_allowed_validators: u16,
    /// Per-bond EMA rates from a sigmoid (`LiquidAlphaOn`); used by Yuma 3 only.
    pub liquid_alpha_enabled: bool,
    /// Liquid alpha's lower bound as u16 (`AlphaValues.0`).
    pub alpha_low: u16,
    /// Liquid alpha's upper bound as u16 (`AlphaValues.1`).
    pub alpha_high: u16,
    /// Liquid alpha's sigmoid steepness (`AlphaSigmoidSteepness`).
    pub alpha_sigmoid_steepness: i16,
    /// Yuma 3 bonds (`Yuma3On`); Yuma 2 otherwise.
    pub yuma3_enabled: bool,
    /// Stake (rao) below which a uid's stake counts as zero, except the owner's.
    pub stake_threshold: u64,
    /// The uid of the subnet owner's hotkey, if registered: it keeps a permit and self-weight.
    pub owner_uid: Option<u16>,
    /// Commit-reveal weights (`CommitRevealWeightsEnabled`): masks pre-registration commits.
    pub commit_reveal_enabled: bool,
}

impl Default for EpochParams {
    fn default() -> Self {
        EpochParams {
            kappa: 32_767,
            bonds_penalty: u16::MAX,
            bonds_moving_average: 900_000,
            tempo: 360,
            activity_cutoff: 5_000,
            max_allowed_validators: 128,
            liquid_alpha_enabled: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1_000,
            yuma3_enabled: false,
            stake_threshold: 0,
            owner_uid: None,
            commit_reveal_enabled: false,
        }
    }
}

/// The subnet state an epoch reads, indexed by uid (`0..n`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EpochInput {
    /// Number of uids (`SubnetworkN`).
    pub n: u16,
    /// Total stake weight per uid (alpha + TAO × TaoWeight, in rao).
    pub stake: Vec<I64F64>,
    /// Weight rows as stored: `(uid, value)` in stored order; a stored 0 is kept, uids ≥ n ignored.
    pub weights: Vec<Vec<(u16, u16)>>,
    /// Bond rows as stored (Yuma 2: column max-upscaled; Yuma 3: proportions of 65535).
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// Block of each uid's last weight update.
    pub last_update: Vec<u64>,
    /// Block at which each uid was last registered.
    pub block_at_registration: Vec<u64>,
    /// Validator permits from the previous epoch.
    pub validator_permit: Vec<bool>,
    /// The block the epoch runs at.
    pub current_block: u64,
    /// The block of the last epoch (`LastMechansimStepBlock`); 0 ⇒ `current_block − tempo`.
    pub last_mechanism_step_block: u64,
    /// The emission this epoch shares out, in rao.
    pub rao_emission: u64,
    /// Under commit-reveal: each uid's earliest unexpired commit block, if any.
    pub commit_block: Option<Vec<Option<u64>>>,
}

/// What an epoch computes, per uid.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EpochOutput {
    /// Whether the uid updated weights within the activity cutoff.
    pub active: Vec<bool>,
    /// Validator permits for the next epoch.
    pub new_validator_permit: Vec<bool>,
    /// Normalised stake after the threshold (stored as `StakeWeight`).
    pub stake_weight: Vec<I32F32>,
    /// Stake-weighted median weight per uid at κ.
    pub consensus: Vec<I32F32>,
    /// Sum of a validator's clipped weights.
    pub validator_trust: Vec<I32F32>,
    /// Normalised rank, which the chain now stores as incentive.
    pub incentive: Vec<I32F32>,
    /// Clipped over unclipped rank: the chain's old trust, no longer computed there.
    pub trust_legacy: Vec<I32F32>,
    /// Normalised dividends per uid.
    pub dividends: Vec<I32F32>,
    /// New bond rows as stored; empty for a uid without a new permit.
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// The miners' share of the emission (incentive), in rao.
    pub server_emission: Vec<u64>,
    /// The validators' share of the emission (dividends), in rao.
    pub validator_emission: Vec<u64>,
    /// The normalised total per uid, as the `Emission` storage holds it, in rao.
    pub combined_emission: Vec<u64>,
}

impl EpochOutput {
    /// Stake weight as stored (u16).
    pub fn stake_weight_u16(&self) -> Vec<u16> {
        to_u16(&self.stake_weight)
    }

    /// Consensus as stored (u16).
    pub fn consensus_u16(&self) -> Vec<u16> {
        to_u16(&self.consensus)
    }

    /// Validator trust as stored (u16).
    pub fn validator_trust_u16(&self) -> Vec<u16> {
        to_u16(&self.validator_trust)
    }

    /// Incentive as stored (u16).
    pub fn incentive_u16(&self) -> Vec<u16> {
        to_u16(&self.incentive)
    }

    /// Dividends as stored (u16).
    pub fn dividends_u16(&self) -> Vec<u16> {
        to_u16(&self.dividends)
    }

    /// The new bonds as a dense n × n matrix (cells at uids ≥ n dropped).
    pub fn bonds_dense(&self) -> Vec<Vec<u16>> {
        let n = self.bonds.len();
        self.bonds
            .iter()
            .map(|row| {
                let mut dense = vec![0u16; n];
                for &(j, v) in row {
                    if let Some(cell) = dense.get_mut(j as usize) {
                        *cell = v;
                    }
                }
                dense
            })
            .collect()
    }
}

fn to_u16(values: &[I32F32]) -> Vec<u16> {
    values
        .iter()
        .map(|v| math::fixed_proportion_to_u16(*v))
        .collect()
}

const ZERO: I32F32 = I32F32::from_bits(0);
const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// Checks that every per-uid vector has `n` entries and the parameters are in range.
pub fn validate(params: &EpochParams, input: &EpochInput) -> Result<(), YumaError> {
    if input.n > MAX_UIDS {
        return Err(YumaError::TooManyUids {
            n: u64::from(input.n),
            max: u64::from(MAX_UIDS),
        });
    }
    if params.bonds_moving_average > 1_000_000 {
        return Err(YumaError::OutOfRange {
            field: "params.bonds_moving_average".into(),
            value: params.bonds_moving_average.to_string(),
            min: "0".into(),
            max: "1000000".into(),
        });
    }
    let n = input.n as usize;
    let lengths = [
        ("inputs.stake", input.stake.len()),
        ("inputs.last_update", input.last_update.len()),
        (
            "inputs.block_at_registration",
            input.block_at_registration.len(),
        ),
        ("inputs.validator_permit", input.validator_permit.len()),
    ];
    for (field, len) in lengths {
        if len != n {
            return Err(YumaError::WrongLength {
                field: field.into(),
                len,
                n,
            });
        }
    }
    if let Some(commits) = &input.commit_block
        && commits.len() != n
    {
        return Err(YumaError::WrongLength {
            field: "inputs.commit_block".into(),
            len: commits.len(),
            n,
        });
    }
    if let Some(uid) = input.stake.iter().position(|s| *s < I64F64::from_bits(0)) {
        return Err(YumaError::NegativeStake { uid });
    }
    Ok(())
}

/// Runs one epoch. An empty subnet (n = 0) gives an output whose vectors are all empty.
pub fn run_epoch(params: &EpochParams, input: &EpochInput) -> Result<EpochOutput, YumaError> {
    validate(params, input)?;
    Ok(epoch_unchecked(params, input, Layout::Best))
}

/// Which matrix layouts an epoch may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Dense rows where they apply ([`DenseEpoch::plan`]), else sparse rows.
    Best,
    /// Sparse rows only: the reference the dense layout is tested against.
    #[cfg(test)]
    SparseOnly,
}

/// [`run_epoch`] on sparse rows only, for tests of the dense layout.
#[cfg(test)]
pub(crate) fn run_epoch_sparse(params: &EpochParams, input: &EpochInput) -> EpochOutput {
    epoch_unchecked(params, input, Layout::SparseOnly)
}

fn epoch_unchecked(params: &EpochParams, input: &EpochInput, layout: Layout) -> EpochOutput {
    let n = input.n;
    let n_usize = n as usize;
    if n == 0 {
        return EpochOutput::default();
    }
    let current_block = input.current_block;

    // == Active ==
    let inactive: Vec<bool> = input
        .last_update
        .iter()
        .map(|updated| updated.saturating_add(params.activity_cutoff) < current_block)
        .collect();
    let active: Vec<bool> = inactive.iter().map(|b| !b).collect();

    // == Stake ==
    let owner_uid = params.owner_uid;
    let mut filtered_stake: Vec<I64F64> = input
        .stake
        .iter()
        .enumerate()
        .map(|(uid, &s)| {
            if owner_uid != Some(uid as u16)
                && s.saturating_to_num::<u64>() < params.stake_threshold
            {
                I64F64::from_bits(0)
            } else {
                s
            }
        })
        .collect();
    math::inplace_normalize_64(&mut filtered_stake);
    let stake: Vec<I32F32> = filtered_stake
        .iter()
        .map(|s| I32F32::saturating_from_num(*s))
        .collect();

    // == Validator permits ==
    let mut validator_permits = input.validator_permit.clone();
    if let Some(owner) = owner_uid
        && let Some(p) = validator_permits.get_mut(owner as usize)
    {
        *p = true;
    }
    let validator_forbids: Vec<bool> = validator_permits.iter().map(|b| !b).collect();
    let mut new_validator_permits =
        math::is_topk_nonzero(&stake, params.max_allowed_validators as usize);
    if let Some(owner) = owner_uid
        && let Some(p) = new_validator_permits.get_mut(owner as usize)
    {
        *p = true;
    }

    // == Active stake ==
    let mut active_stake = stake.clone();
    math::inplace_mask_vector(&inactive, &mut active_stake);
    math::inplace_mask_vector(&validator_forbids, &mut active_stake);
    math::inplace_normalize(&mut active_stake);

    // == Weights ==
    // The chain masks in four passes (rows without a permit, self-weights except the
    // owner's, weights older than the target's registration, pre-registration commits);
    // each only drops cells, so one filtering pass gives the same rows.
    let commit_blocks: Option<Vec<u64>> = params.commit_reveal_enabled.then(|| {
        // u64::MAX means "no active commit", which masks nothing.
        match &input.commit_block {
            Some(c) => c.iter().map(|b| b.unwrap_or(u64::MAX)).collect(),
            None => vec![u64::MAX; n_usize],
        }
    });
    let registered_at = |j: u16| {
        input
            .block_at_registration
            .get(j as usize)
            .copied()
            .unwrap_or(0)
    };
    let bonds_penalty = math::safe_div(
        I32F32::from_num(params.bonds_penalty),
        I32F32::from_num(u16::MAX),
    );
    // Yuma 2 with the full penalty (the default) reads the clipped weights only as the
    // bonds delta, stake times each clipped cell: exactly the terms rank adds up. The sweep
    // then keeps those products instead, and rank before normalising is the delta's
    // column sums.
    let keep_delta = !params.yuma3_enabled && bonds_penalty == ONE;
    // Matrices come from (and go back to) this thread's kept buffers.
    let mut workspace = Workspace::take();
    // With the full penalty, where validators weight and bond most miners (the usual
    // case), the matrices go on dense rows instead ([`DenseEpoch`]). Liquid alpha there
    // reads which weight cells exist.
    let mut dense = if bonds_penalty == ONE && layout == Layout::Best {
        let rows = (input.weights.as_slice(), input.bonds.as_slice());
        let presence = params.yuma3_enabled && params.liquid_alpha_enabled;
        let buffers = workspace.take_dense();
        match DenseEpoch::plan(rows, &validator_forbids, (n_usize, presence), buffers) {
            Ok(plan) => Some(plan),
            Err(buffers) => {
                workspace.give_back_dense(buffers);
                None
            }
        }
    } else {
        None
    };
    let masks = WeightMasks {
        forbids: &validator_forbids,
        registered: &input.block_at_registration,
        last_update: &input.last_update,
        commits: commit_blocks.as_deref(),
        owner: owner_uid,
    };
    dense = match dense.map(|plan| plan.fill_weights(&input.weights, &masks)) {
        Some(Ok(plan)) => Some(plan),
        Some(Err(buffers)) => {
            workspace.give_back_dense(buffers);
            None
        }
        None => None,
    };
    let stored_cells = if dense.is_some() {
        0
    } else {
        input.weights.iter().take(n_usize).map(Vec::len).sum()
    };
    let mut weights = workspace.matrix(n_usize, stored_cells);
    if dense.is_none() {
        weights = sparse_weights(input, &masks, weights);
    }

    // == Consensus, validator trust ==
    let kappa = math::safe_div(I32F32::from_num(params.kappa), I32F32::from_num(u16::MAX));
    let consensus = match &dense {
        Some(dense) => dense.consensus(&active_stake, kappa),
        None => math::weighted_median_columns(
            &active_stake,
            &weights.row_slices(),
            n,
            kappa,
            &mut workspace.median,
        ),
    };

    // == Rank = incentive ==
    // One sweep clips each cell at its column's consensus (`col_clip_sparse`) and sums
    // validator trust (row sums of the clipped cells), rank (stake times clipped cells,
    // by column) and pre-rank (stake times unclipped cells), in the chain's order.
    let mut clipped_weights = workspace.matrix(n_usize, weights.cell_count());
    let (validator_trust, mut ranks, preranks) = if let Some(dense) = dense.as_mut() {
        dense.clip(&consensus, &active_stake, keep_delta)
    } else {
        let mut validator_trust = vec![ZERO; n_usize];
        let mut ranks = vec![ZERO; n_usize];
        let mut preranks = vec![ZERO; n_usize];
        for (i, (row, trust)) in weights.rows().zip(validator_trust.iter_mut()).enumerate() {
            let scale = active_stake.get(i).copied().unwrap_or(ZERO);
            // Every cell is written to the next free slot and kept unless dropped. Cells
            // above their column's consensus (about half) are clipped to it, or dropped where
            // it is zero (often a whole column), so the sweep has no branch on either.
            let cells = clipped_weights.cells_mut();
            let start = cells.len();
            cells.resize(start + row.len(), (0, ZERO));
            let mut kept = start;
            for &(j, v) in row {
                let threshold = consensus.get(j as usize).copied().unwrap_or(ZERO);
                let c = v.min(threshold); // `min` keeps v on a tie, as the chain does
                let keep = !((threshold < v) & (threshold <= ZERO));
                let term = math::keep_if(keep, math::mul_unit(scale, c));
                if let Some(slot) = cells.get_mut(kept) {
                    *slot = (j, if keep_delta { term } else { c });
                }
                kept += usize::from(keep);
                *trust = math::add(*trust, math::keep_if(keep, c));
                add_to_column(&mut ranks, j, term);
                add_to_column(&mut preranks, j, math::mul_unit(scale, v));
            }
            cells.truncate(kept);
            clipped_weights.end_row();
        }
        (validator_trust, ranks, preranks)
    };
    let trust_legacy = math::vecdiv(&ranks, &preranks);
    let delta_sums = keep_delta.then(|| ranks.clone());
    math::inplace_normalize(&mut ranks);
    let incentive = ranks;

    // == Bonds and dividends ==
    // Penalty 1 (the default) or 0 selects one matrix as it is; no need to copy it. Nothing
    // reads the weights after this, so the matrix not chosen goes back for reuse.
    let weights_for_bonds = if bonds_penalty == ONE {
        workspace.give_back(weights);
        clipped_weights
    } else if bonds_penalty == ZERO {
        workspace.give_back(clipped_weights);
        weights
    } else {
        let cells = weights.cell_count() + clipped_weights.cell_count();
        let out = workspace.matrix(n_usize, cells);
        let mixed = interpolate(&weights, &clipped_weights, n, bonds_penalty, out);
        workspace.give_back(weights);
        workspace.give_back(clipped_weights);
        mixed
    };
    let last_tempo = if input.last_mechanism_step_block == 0 {
        current_block.saturating_sub(params.tempo)
    } else {
        input.last_mechanism_step_block.saturating_add(1)
    };
    let ema_alpha = fixed_ema_alpha(params.bonds_moving_average);

    let mut dividends: Vec<I32F32>;
    // The new bonds as stored, for the rows that keep a validator permit.
    let mut bonds_out: Vec<Vec<(u16, u16)>> = vec![Vec::new(); n_usize];
    let liquid =
        params.yuma3_enabled && params.liquid_alpha_enabled && consensus.iter().any(|c| *c != ZERO);
    if let Some(mut plan) = dense {
        let counts = |j: u16| last_tempo > registered_at(j);
        // Yuma 3 reads the stored bonds as fractions; Yuma 2 normalises them by column.
        let stored_sums = plan.fill_stored(&input.bonds, counts, params.yuma3_enabled);
        let totals = if params.yuma3_enabled {
            if liquid {
                plan.liquid_alpha_ema(liquid_alpha(params))
            } else {
                plan.plain_ema(ema_alpha)
            }
        } else {
            let delta_sums = delta_sums.as_deref().unwrap_or(&[]);
            plan.normalized_ema(delta_sums, &stored_sums, ema_alpha)
        };
        let keeps = (new_validator_permits.as_slice(), !params.yuma3_enabled);
        let (sums, stored) = plan.dividends(&totals, &incentive, keeps);
        // Yuma 3 weighs each validator's bond income by its stake; Yuma 2's is the dividend.
        dividends = if params.yuma3_enabled {
            math::vec_mul(&sums, &active_stake)
        } else {
            sums
        };
        math::inplace_normalize(&mut dividends);
        bonds_out = stored;
        workspace.give_back_dense(plan.into_buffers());
        workspace.give_back(weights_for_bonds);
    } else if params.yuma3_enabled {
        let to_proportion = SharedDivisor::new(I32F32::from_num(u16::MAX));
        let (bonds, _) = stored_bonds(input, n, last_tempo, &mut workspace, |v| {
            to_proportion.divide_or_keep(I32F32::from_num(v))
        });
        let ema_bonds = if liquid {
            let out = workspace.matrix(n_usize, weights_for_bonds.cell_count());
            liquid_alpha_ema(params, &weights_for_bonds, &bonds, &consensus, out)
        } else {
            let cells = weights_for_bonds.cell_count() + bonds.cell_count();
            let out = workspace.matrix(n_usize, cells);
            ema(&weights_for_bonds, &bonds, ema_alpha, out)
        };
        let ema_sums = ema_bonds.column_sums(n);
        // Σ_j (bond_ij / Σ_i bond_ij) · incentive_j per validator, without keeping the
        // normalised matrix (`row_sum_sparse(mat_vec_mul_sparse(col-normalised, incentive))`).
        let column_divisors = csr::divisors(&ema_sums);
        let total_bonds_per_validator: Vec<I32F32> = ema_bonds
            .rows()
            .map(|row| {
                row.iter().fold(ZERO, |acc, &(j, v)| {
                    let normalized = match column_divisors.get(j as usize) {
                        Some(d) => d.divide_or_keep(v),
                        None => v,
                    };
                    match incentive.get(j as usize) {
                        Some(x) => math::add(acc, math::mul(normalized, *x)),
                        None => acc,
                    }
                })
            })
            .collect();
        dividends = math::vec_mul(&total_bonds_per_validator, &active_stake);
        math::inplace_normalize(&mut dividends);
        for (uid, out) in bonds_out.iter_mut().enumerate() {
            if new_validator_permits.get(uid).copied().unwrap_or(false) {
                // Yuma 3 stores its bonds as they are (proportions of 65535).
                *out = ema_bonds
                    .row(uid)
                    .iter()
                    .map(|&(j, v)| (j, math::fixed_proportion_to_u16(v)))
                    .collect();
            }
        }
        workspace.give_back(bonds);
        workspace.give_back(weights_for_bonds);
        workspace.give_back(ema_bonds);
    } else {
        let (bonds, bond_sums) =
            stored_bonds(input, n, last_tempo, &mut workspace, I32F32::from_num);
        let mut bonds_delta = weights_for_bonds;
        let delta_sums = match delta_sums {
            Some(sums) => sums,
            None => {
                // `row_hadamard_sparse` in place: the bond weights are not needed after.
                let mut sums = vec![ZERO; n_usize];
                bonds_delta.for_each_row_mut(|i, row| {
                    let scale = active_stake.get(i).copied().unwrap_or(ZERO);
                    for (j, v) in row.iter_mut() {
                        *v = math::mul(*v, scale);
                        add_to_column(&mut sums, *j, *v);
                    }
                });
                sums
            }
        };
        let cells = bonds_delta.cell_count() + bonds.cell_count();
        let (ema_bonds, totals) = csr::ema_of_normalized(
            (&bonds_delta, &csr::divisors(&delta_sums)),
            (&bonds, &csr::divisors(&bond_sums)),
            ema_alpha,
            workspace.matrix(n_usize, cells),
        );
        // One sweep: column normalisation, dividends (`matmul_transpose_sparse` of the
        // normalised bonds and incentive) and the stored bonds, which are max-upscaled per
        // column. A division by a column's sum never lowers an order (it is a floor of a
        // monotone map), so the largest normalised bond is the largest bond normalised.
        let column_divisors = csr::divisors(&totals.sums);
        let upscale: Vec<SharedDivisor> = column_divisors
            .iter()
            .zip(&totals.max)
            .map(|(d, m)| SharedDivisor::new(d.divide_or_keep(*m)))
            .collect();
        dividends = vec![ZERO; n_usize];
        for (i, (row, (dividend, stored))) in ema_bonds
            .rows()
            .zip(dividends.iter_mut().zip(bonds_out.iter_mut()))
            .enumerate()
        {
            let keep = new_validator_permits.get(i).copied().unwrap_or(false);
            if keep {
                stored.reserve_exact(row.len());
            }
            for &(j, v) in row {
                let column = j as usize;
                let normalized = match column_divisors.get(column) {
                    Some(d) => d.divide_or_keep(v),
                    None => v,
                };
                let x = incentive.get(column).copied().unwrap_or(ZERO);
                *dividend = math::add_bounded(*dividend, math::mul_unit(x, normalized));
                if keep {
                    let upscaled = match upscale.get(column) {
                        Some(d) => d.divide_or_keep(normalized),
                        None => normalized,
                    };
                    stored.push((j, math::fixed_proportion_to_u16(upscaled)));
                }
            }
        }
        math::inplace_normalize(&mut dividends);
        workspace.give_back(bonds);
        workspace.give_back(bonds_delta);
        workspace.give_back(ema_bonds);
    }
    workspace.keep();

    // == Emission ==
    let combined: Vec<I32F32> = incentive
        .iter()
        .zip(dividends.iter())
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let emission_sum = math::sum(&combined);
    let mut normalized_server = incentive.clone();
    let mut normalized_validator = dividends.clone();
    let mut normalized_combined = combined;
    math::inplace_normalize_using_sum(&mut normalized_server, emission_sum);
    math::inplace_normalize_using_sum(&mut normalized_validator, emission_sum);
    math::inplace_normalize(&mut normalized_combined);
    if emission_sum == ZERO {
        // No weights, outdated weights or only self-weights: emission follows stake.
        let fallback = if math::is_zero(&active_stake) {
            &stake
        } else {
            &active_stake
        };
        normalized_validator.clone_from(fallback);
        normalized_combined.clone_from(fallback);
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

    EpochOutput {
        active,
        new_validator_permit: new_validator_permits,
        stake_weight: stake,
        consensus,
        validator_trust,
        incentive,
        trust_legacy,
        dividends,
        bonds: bonds_out,
        server_emission: to_rao(&normalized_server),
        validator_emission: to_rao(&normalized_validator),
        combined_emission: to_rao(&normalized_combined),
    }
}

/// The weights as sparse rows, into `out` (an empty matrix): the chain's masks, each of
/// which only drops cells, in one filtering pass, and each row normalised
/// (`inplace_row_normalize_sparse`).
fn sparse_weights(input: &EpochInput, masks: &WeightMasks, mut out: Csr) -> Csr {
    let n = input.n;
    for i in 0..n as usize {
        if !masks.forbids.get(i).copied().unwrap_or(true) {
            let stored = input.weights.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let updated = masks.last_update.get(i).copied().unwrap_or(0);
            let commit = masks
                .commits
                .map_or(u64::MAX, |c| c.get(i).copied().unwrap_or(0));
            let mut row_sum = ZERO;
            for &(j, v) in stored {
                let self_weight = i == j as usize && masks.owner != Some(j);
                let registered = masks.registered.get(j as usize).copied().unwrap_or(0);
                if j < n && !self_weight && weight_counts(registered, updated, commit) {
                    let v = I32F32::from_num(v);
                    row_sum = math::add(row_sum, v);
                    out.cells_mut().push((j, v));
                }
            }
            if row_sum > ZERO {
                let d = SharedDivisor::new(row_sum);
                out.open_row_mut()
                    .iter_mut()
                    .for_each(|(_, v)| *v = d.divide_or_keep(*v));
            }
        }
        out.end_row();
    }
    out
}

/// Stored bond rows as the chain's `get_bonds_sparse` reads them (rows ≥ n dropped, cells
/// ≥ n kept, as on chain), less bonds to uids registered since the last epoch.
fn stored_bonds(
    input: &EpochInput,
    n: u16,
    last_tempo: u64,
    workspace: &mut Workspace,
    convert: impl Fn(u16) -> I32F32,
) -> (Csr, Vec<I32F32>) {
    let rows = n as usize;
    let cells = input.bonds.iter().take(rows).map(Vec::len).sum();
    let mut out = workspace.matrix(rows, cells);
    let mut sums = vec![ZERO; rows];
    for i in 0..rows {
        let stored = input.bonds.get(i).map(Vec::as_slice).unwrap_or(&[]);
        for &(j, v) in stored {
            let registered = input
                .block_at_registration
                .get(j as usize)
                .copied()
                .unwrap_or(0);
            if last_tempo > registered {
                let v = convert(v);
                add_to_column(&mut sums, j, v);
                out.cells_mut().push((j, v));
            }
        }
        out.end_row();
    }
    (out, sums)
}

/// `A + ratio · (B − A)` row by row ([`math::interpolate_sparse`] for 0 < ratio < 1).
fn interpolate(a: &Csr, b: &Csr, columns: u16, ratio: I32F32, mut out: Csr) -> Csr {
    let mut scratch = math::InterpolateScratch::new(columns as usize);
    for i in 0..a.row_count() {
        math::interpolate_row(a.row(i), b.row(i), ratio, &mut scratch, out.cells_mut());
        out.end_row();
    }
    out
}

/// `alpha · new + (1 − alpha) · old` row by row ([`math::mat_ema_sparse`]), into `out`
/// (an empty matrix with room for both inputs' cells).
fn ema(new: &Csr, old: &Csr, alpha: I32F32, mut out: Csr) -> Csr {
    let rows = new.row_count();
    let mut scratch = math::EmaScratch::new(rows, alpha);
    for i in 0..rows {
        math::ema_row(new.row(i), old.row(i), &mut scratch, out.cells_mut());
        out.end_row();
    }
    out
}

/// The constant EMA rate `1 − bonds_moving_average / 10^6`, computed through I64F64.
fn fixed_ema_alpha(bonds_moving_average: u64) -> I32F32 {
    let average = math::safe_div_64(
        I64F64::saturating_from_num(bonds_moving_average),
        I64F64::saturating_from_num(1_000_000u64),
    );
    I32F32::from_num(1).saturating_sub(I32F32::saturating_from_num(average))
}

/// Liquid alpha's bounds and `steepness / −100`, as the chain reads them.
fn liquid_alpha(params: &EpochParams) -> LiquidAlpha {
    LiquidAlpha {
        low: math::u16_proportion_to_fixed(params.alpha_low),
        high: math::u16_proportion_to_fixed(params.alpha_high),
        rate: I32F32::from_num(params.alpha_sigmoid_steepness)
            .saturating_div(I32F32::from_num(-100)),
    }
}

/// Yuma 3 bonds with liquid alpha: a sigmoid rate per (validator, miner) cell.
///
/// Each rate depends on the weight and bond the chain's cursor walk sees in that cell
/// (see [`math::cursor_visible_cells`]), so unsorted rows give the chain's answer too.
fn liquid_alpha_ema(
    params: &EpochParams,
    weights: &Csr,
    bonds: &Csr,
    consensus: &[I32F32],
    mut out: Csr,
) -> Csr {
    let columns = consensus.len();
    let LiquidAlpha { low, high, rate } = liquid_alpha(params);

    let rows = weights.row_count();
    let mut seen_weight = vec![ZERO; columns];
    let mut seen_bond = vec![ZERO; columns];
    let mut filled: Vec<usize> = Vec::new();
    let mut asked = vec![false; columns];
    let alpha_at_zero = math::alpha_sigmoid_at_rate(ZERO, ZERO, ZERO, low, high, rate);
    let mut alpha_of = vec![ZERO; columns];
    let (mut asked_columns, mut distances, mut alphas) = (Vec::new(), Vec::new(), Vec::new());
    let mut scratch = math::AlphaEmaScratch::new(columns);
    out.reserve(rows, weights.cell_count());
    for i in 0..rows {
        let w_row = weights.row(i);
        if !w_row.is_empty() {
            for (c, v) in math::cursor_visible_cells(w_row, columns) {
                if let Some(cell) = seen_weight.get_mut(c as usize) {
                    *cell = v;
                    filled.push(c as usize);
                }
            }
            for (c, v) in math::cursor_visible_cells(bonds.row(i), columns) {
                if let Some(cell) = seen_bond.get_mut(c as usize) {
                    *cell = v;
                    filled.push(c as usize);
                }
            }
            // Every distinct column of the row gets its rate up front, so the `exp`s run
            // in batches (`alpha_sigmoid_batch`).
            for &(j, _) in w_row {
                let c = j as usize;
                if let Some(flag) = asked.get_mut(c)
                    && !*flag
                {
                    let distance = math::sigmoid_distance(
                        consensus.get(c).copied().unwrap_or(ZERO),
                        seen_weight.get(c).copied().unwrap_or(ZERO),
                        seen_bond.get(c).copied().unwrap_or(ZERO),
                    );
                    if distance == ZERO {
                        // A weight at or below consensus and at least the bond: common,
                        // and always the same rate.
                        if let Some(slot) = alpha_of.get_mut(c) {
                            *slot = alpha_at_zero;
                        }
                    } else {
                        *flag = true;
                        asked_columns.push(c);
                        distances.push(distance);
                    }
                }
            }
            math::alpha_sigmoid_batch(&distances, low, high, rate, &mut alphas);
            for (&c, &a) in asked_columns.iter().zip(alphas.iter()) {
                if let (Some(slot), Some(flag)) = (alpha_of.get_mut(c), asked.get_mut(c)) {
                    *slot = a;
                    *flag = false;
                }
            }
            asked_columns.clear();
            distances.clear();
            let mut alpha = |_: usize, j: u16| alpha_of.get(j as usize).copied().unwrap_or(ZERO);
            math::ema_alpha_row(
                i,
                w_row,
                bonds.row(i),
                &mut scratch,
                &mut alpha,
                out.cells_mut(),
            );
            for &c in &filled {
                if let (Some(w), Some(b)) = (seen_weight.get_mut(c), seen_bond.get_mut(c)) {
                    *w = ZERO;
                    *b = ZERO;
                }
            }
            filled.clear();
        }
        out.end_row();
    }
    out
}
