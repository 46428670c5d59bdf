//! The epoch on dense rows: weights, consensus, clipping, bonds and dividends.
//!
//! Validators weight and bond most miners, so on a live subnet the matrices are mostly
//! full, and the sparse passes spend their time on bookkeeping per cell (a column lookup,
//! a bounds check, a branch) rather than on arithmetic. Here the rows that hold weights or
//! bonds are laid out densely over the columns in use. Each pass is then a straight loop
//! over a row that the compiler vectorises; [`multiversion`](mod@multiversion) also builds it for AVX2 and
//! AVX-512 and picks the best one the processor has at run time.
//!
//! The outputs equal the sparse path's bit for bit, because this path is taken only with
//! the full bonds penalty (the default) and when:
//! - every row is strictly ascending, so a column holds at most one cell per row. An
//!   absent cell then adds exactly what a zero one does: consensus counts both as a zero
//!   vote, clipping and the EMAs add 0 for both, and the EMAs keep positive cells only.
//!   The one place where they differ, Yuma 3's liquid alpha (a bond survives only under a
//!   weight cell, even a zero one), reads a presence mask kept beside the weights;
//! - every value is non-negative and at most its column's (or row's) sum, and every sum is
//!   bounded (by 1, by the row count, or a whole number below 2^31 for stored weights and
//!   bonds). No sum can saturate, so integer additions may be reordered, and each division
//!   is `⌊x · 2^32 / d⌋` with `0 ≤ x ≤ d`, which [`ColumnDivisors`] computes exactly with
//!   32×32-bit multiplies.

use multiversion::multiversion;
use substrate_fixed::types::I32F32;

use super::math::{self, Reciprocal, Voters};

const LOW: u64 = 0xFFFF_FFFF;
const ONE_BITS: u64 = 1 << 32;
const ZERO: I32F32 = I32F32::from_bits(0);

/// How many dense cells the path may lay out per stored cell: beyond that, the rows are
/// too sparse for dense passes to pay.
const MAX_FILL: usize = 4;

/// The most dense cells per matrix (8 MiB); larger subnets keep the sparse path.
const MAX_CELLS: usize = 1 << 20;

/// The vectors of a dense layout, kept from one epoch to the next.
#[derive(Debug, Default)]
pub(crate) struct DenseBuffers {
    cells: Vec<u64>,
    stored: Vec<u64>,
    present: Vec<u64>,
    /// Boxed: kept small, the buffers travel by value between the layout's steps.
    selling: Box<Selling>,
}

impl DenseBuffers {
    /// Memory held, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        let lanes = self.cells.capacity() + self.stored.capacity() + self.present.capacity();
        let Selling {
            cells,
            distances,
            alphas,
        } = self.selling.as_ref();
        lanes * 8
            + cells.capacity() * size_of::<(usize, usize)>()
            + (distances.capacity() + alphas.capacity()) * size_of::<I32F32>()
    }
}

/// Liquid alpha's selling cells (a clipped weight below its bond): each one's place in the
/// layout and column, its distance `b − c`, and its rate.
#[derive(Debug, Default)]
struct Selling {
    cells: Vec<(usize, usize)>,
    distances: Vec<I32F32>,
    alphas: Vec<I32F32>,
}

/// An epoch's matrices on dense rows: one row for each uid with weights or bonds, over the
/// columns any of them use.
#[derive(Debug)]
pub(crate) struct DenseEpoch {
    /// The uid of each dense row, ascending.
    uids: Vec<usize>,
    /// How many uids the epoch has.
    n: usize,
    /// The first column laid out.
    start: usize,
    /// How many columns are laid out.
    width: usize,
    /// Whether `present` is kept (Yuma 3 with liquid alpha reads it).
    presence: bool,
    /// `cells`: the weights (I32F32 bits, row-normalised); after [`DenseEpoch::clip`],
    /// the clipped weights (Yuma 3) or the bonds delta, stake times clipped weight
    /// (Yuma 2); after an EMA, the new bonds.
    /// `stored`: the stored bonds that count (raw u16 values, or proportions for Yuma 3).
    /// `present`: all ones where a weight cell exists (stored, unmasked, kept by the clip).
    /// `selling`: liquid alpha's cells with their own rate.
    buffers: DenseBuffers,
}

/// Each column's new bonds in the dense layout: sums and maxima, as I32F32 bits.
#[derive(Debug)]
pub(crate) struct EmaTotals {
    sums: Vec<u64>,
    max: Vec<u64>,
}

impl EmaTotals {
    /// Zero sums and maxima for `width` columns.
    fn zeroed(width: usize) -> Self {
        EmaTotals {
            sums: vec![0; width],
            max: vec![0; width],
        }
    }
}

/// What masks a weight cell (i, j) on chain: no permit for i, a self-weight (except the
/// owner's), a weight set no later than j's registration, or, under commit-reveal, a
/// commit from before j's registration.
#[derive(Debug)]
pub(crate) struct WeightMasks<'a> {
    /// Uids without a validator permit.
    pub(crate) forbids: &'a [bool],
    /// Each uid's registration block.
    pub(crate) registered: &'a [u64],
    /// Each uid's last weight update.
    pub(crate) last_update: &'a [u64],
    /// Under commit-reveal, each uid's earliest live commit block (`u64::MAX`: none).
    pub(crate) commits: Option<&'a [u64]>,
    /// The subnet owner's uid.
    pub(crate) owner: Option<u16>,
}

/// Liquid alpha's parameters: the rate bounds and the sigmoid's `steepness / −100`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LiquidAlpha {
    pub(crate) low: I32F32,
    pub(crate) high: I32F32,
    pub(crate) rate: I32F32,
}

/// Rows of `(column, value)` cells as the chain stores weights and bonds.
type StoredRows = [Vec<(u16, u16)>];

/// True when a stored row's columns strictly increase.
fn ascending(row: &[(u16, u16)]) -> bool {
    // No early exit: the whole row in one straight (vectorisable) pass.
    let pairs = row.iter().zip(row.iter().skip(1));
    pairs.fold(true, |ok, (a, b)| ok & (a.0 < b.0))
}

/// Lays a stored row's values, as `value` maps them, into a dense row starting at column
/// `start` (cells outside it are skipped), marking each in `present` where given. A loop
/// of its own, so that its few pointers stay in registers.
#[inline(never)]
fn scatter_row(
    stored: &[(u16, u16)],
    (start, value): (usize, impl Fn(u16) -> u64),
    row: &mut [u64],
    present: Option<&mut [u64]>,
) {
    match present {
        Some(present) => {
            for &(j, v) in stored {
                let at = (j as usize).wrapping_sub(start);
                if let (Some(cell), Some(p)) = (row.get_mut(at), present.get_mut(at)) {
                    (*cell, *p) = (value(v), u64::MAX);
                }
            }
        }
        None => {
            for &(j, v) in stored {
                if let Some(cell) = row.get_mut((j as usize).wrapping_sub(start)) {
                    *cell = value(v);
                }
            }
        }
    }
}

/// A u16 proportion of 65535 as a fraction, `⌊v · 2^32 / 65535⌋`: since 2^32 = 65535 ·
/// 65537 + 1, that is `v · 65537 + ⌊v / 65535⌋`.
#[inline(always)]
fn u16_proportion(v: u16) -> u64 {
    u64::from(v) * 65_537 + u64::from(v == u16::MAX)
}

/// A non-negative I32F32 as its bits (a negative one as 0).
fn bits(x: I32F32) -> u64 {
    x.to_bits().max(0) as u64
}

impl DenseEpoch {
    /// The layout for this epoch's stored rows, or the buffers back where the dense path
    /// does not apply: a bond row that is not strictly ascending, or rows too sparse (or
    /// too large) for dense passes to pay.
    ///
    /// `weights` and `bonds` are the stored rows; only the weight rows of uids with a
    /// validator permit count (`forbids` are the others). Cells at columns ≥ n are left out,
    /// as the epoch drops them. `presence` keeps the weight cells' presence mask.
    pub(crate) fn plan(
        (weights, bonds): (&StoredRows, &StoredRows),
        forbids: &[bool],
        (n, presence): (usize, bool),
        buffers: DenseBuffers,
    ) -> Result<DenseEpoch, DenseBuffers> {
        let mut uids = Vec::with_capacity(n);
        let (mut first, mut last) = (usize::MAX, 0usize);
        let mut filled = 0usize;
        // Ascending, so a row's cells inside the matrix are a prefix.
        let inside = |row: &[(u16, u16)]| row.partition_point(|&(j, _)| (j as usize) < n);
        for i in 0..n {
            let permitted = !forbids.get(i).copied().unwrap_or(true);
            let w_row = match weights.get(i) {
                Some(row) if permitted => row.as_slice(),
                _ => &[],
            };
            let b_row = bonds.get(i).map(Vec::as_slice).unwrap_or(&[]);
            // Weight rows are checked as they are laid out ([`DenseEpoch::fill_weights`]).
            if !ascending(b_row) {
                return Err(buffers);
            }
            let w_row = w_row.get(..inside(w_row)).unwrap_or(&[]);
            let b_row = b_row.get(..inside(b_row)).unwrap_or(&[]);
            let ends = [w_row.first(), w_row.last(), b_row.first(), b_row.last()];
            let mut any = false;
            for (j, _) in ends.into_iter().flatten() {
                (first, last) = (first.min(*j as usize), last.max(*j as usize));
                any = true;
            }
            if any {
                uids.push(i);
                filled += w_row.len() + b_row.len();
            }
        }
        let width = last.saturating_sub(first) + 1;
        let dense_cells = uids.len().saturating_mul(width);
        if uids.is_empty()
            || dense_cells > MAX_CELLS
            || dense_cells > filled.saturating_mul(MAX_FILL)
        {
            return Err(buffers);
        }
        let mut buffers = buffers;
        // Old contents may stay: [`DenseEpoch::fill_weights`] writes every cell.
        buffers.cells.resize(dense_cells, 0);
        buffers.cells.truncate(dense_cells);
        if presence {
            buffers.present.resize(dense_cells, 0);
            buffers.present.truncate(dense_cells);
        }
        Ok(DenseEpoch {
            uids,
            n,
            start: first,
            width,
            presence,
            buffers,
        })
    }

    /// The columns laid out.
    fn columns(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.width
    }

    /// `values[j]` for each column laid out, as bits.
    fn per_column(&self, values: &[I32F32]) -> Vec<u64> {
        self.columns()
            .map(|j| values.get(j).copied().map_or(0, bits))
            .collect()
    }

    /// Lays out the weights with the chain's masks, each row normalised to sum 1
    /// (`inplace_row_normalize_sparse`), or gives the buffers back where a weight row is
    /// not strictly ascending (the dense path does not apply).
    ///
    /// A row's sum is a whole number below 2^31 (n ≤ 16384 values ≤ 65535), so it does
    /// not saturate, and each weight over it is `⌊v · 2^32 / Σv⌋` with `v ≤ Σv`.
    pub(crate) fn fill_weights(
        mut self,
        weights: &StoredRows,
        masks: &WeightMasks,
    ) -> Result<Self, DenseBuffers> {
        let width = self.width;
        if width == 0 {
            return Ok(self);
        }
        let mut sorted = true;
        let registered: Vec<u64> = self
            .columns()
            .map(|j| masks.registered.get(j).copied().unwrap_or(0))
            .collect();
        let mut updated = Vec::with_capacity(self.uids.len());
        let mut commits = Vec::with_capacity(self.uids.len());
        let DenseBuffers { cells, present, .. } = &mut self.buffers;
        let kept_rows = if self.presence { self.uids.len() } else { 0 };
        let mut present_rows = present.chunks_exact_mut(width).take(kept_rows);
        for (&uid, row) in self.uids.iter().zip(cells.chunks_exact_mut(width)) {
            let mut present_row = present_rows.next();
            row.fill(0);
            if let Some(p) = present_row.as_deref_mut() {
                p.fill(0);
            }
            if masks.forbids.get(uid).copied().unwrap_or(true) {
                // No permit: the whole row is masked (0 is no block's successor).
                updated.push(0);
                commits.push(0);
                continue;
            }
            let stored = weights.get(uid).map(Vec::as_slice).unwrap_or(&[]);
            sorted &= ascending(stored);
            scatter_row(
                stored,
                (self.start, u64::from),
                row,
                present_row.as_deref_mut(),
            );
            // Self-weight counts for the subnet owner only.
            if masks.owner != Some(uid as u16) {
                let at = uid.wrapping_sub(self.start);
                if let Some(cell) = row.get_mut(at) {
                    *cell = 0;
                }
                if let Some(p) = present_row.and_then(|p| p.get_mut(at)) {
                    *p = 0;
                }
            }
            updated.push(masks.last_update.get(uid).copied().unwrap_or(0));
            commits.push(match masks.commits {
                Some(c) => c.get(uid).copied().unwrap_or(0),
                None => u64::MAX,
            });
        }
        if !sorted {
            return Err(self.buffers);
        }
        let limits = (updated.as_slice(), commits.as_slice());
        let present: &mut [u64] = if self.presence { present } else { &mut [] };
        weigh_rows((cells, present), width, &registered, limits);
        Ok(self)
    }

    /// Consensus: each column's stake-weighted median at κ = `majority`, as
    /// [`math::weighted_median_columns`] computes it from the same weights, reading each
    /// column's votes from the dense rows. Only uids with stake vote; a uid without a row,
    /// or a column outside the layout, votes 0.
    pub(crate) fn consensus(&self, stake: &[I32F32], majority: I32F32) -> Vec<I32F32> {
        let mut consensus = vec![ZERO; self.n];
        let voters = Voters::new(stake, majority);
        let width = self.width;
        if voters.count == 0 || width == 0 {
            return consensus;
        }
        // Each voter's normalised stake, by uid (voters are the uids with stake, in order).
        let mut voter_stake = vec![ZERO; self.n];
        let positive = stake.iter().enumerate().filter(|(_, s)| **s > ZERO);
        for ((uid, _), &s) in positive.zip(&voters.stakes) {
            if let Some(slot) = voter_stake.get_mut(uid) {
                *slot = s;
            }
        }
        // The voting rows: where each starts in the layout, and its voter's stake.
        let (starts, stakes): (Vec<usize>, Vec<u64>) = self
            .uids
            .iter()
            .enumerate()
            .filter_map(|(row, &uid)| {
                let s = voter_stake.get(uid).copied().unwrap_or(ZERO);
                (s > ZERO).then_some((row * width, bits(s)))
            })
            .unzip();
        // Each column's count and stake of non-zero votes (normalised stakes, at most 1 in
        // all: no sum saturates).
        let cells = &self.buffers.cells;
        let mut live = vec![0u64; width];
        let mut live_stake = vec![0u64; width];
        count_live(
            cells,
            width,
            (&starts, &stakes),
            (&mut live, &mut live_stake),
        );
        // Each column's votes are read where they lie, down the column.
        let minority = bits(voters.minority());
        // Votes and stakes are the layout's weights and normalised stakes (at most 1 in
        // all), so the selection runs on their bits ([`math::Score`]).
        let mut buffers: math::PartitionBuffers<u64> = (Vec::new(), Vec::new());
        let columns = consensus.get_mut(self.start..).unwrap_or(&mut []);
        for (j, (c, (&count, &stake))) in columns
            .iter_mut()
            .zip(live.iter().zip(&live_stake))
            .enumerate()
        {
            let stake = I32F32::from_bits(stake as i64);
            let Some(below) = voters.stake_below(count as usize, stake) else {
                continue;
            };
            let vote = |k: usize| {
                let at = starts.get(k).map_or(usize::MAX, |at| at + j);
                let stake = stakes.get(k).copied().unwrap_or(0);
                (cells.get(at).copied().unwrap_or(0), stake)
            };
            let below = bits(below);
            let median =
                math::select_weighted_from(starts.len(), vote, minority, below, &mut buffers);
            *c = I32F32::from_bits(median as i64);
        }
        consensus
    }

    /// The clip sweep, in place of the weights: clips each weight at its column's
    /// consensus (`col_clip_sparse`), leaving the clipped weight, or with `delta` the
    /// bonds delta (stake times clipped weight). It returns each uid's validator trust
    /// (its clipped weights' sum), and rank and pre-rank (stake times clipped or unclipped
    /// weights, by column).
    ///
    /// Every value here is non-negative, so a weight above a zero consensus clips to 0,
    /// which is what dropping it adds (the presence mask drops it); and every sum is at
    /// most 1, so none saturates.
    pub(crate) fn clip(
        &mut self,
        consensus: &[I32F32],
        active_stake: &[I32F32],
        delta: bool,
    ) -> (Vec<I32F32>, Vec<I32F32>, Vec<I32F32>) {
        let n = self.n;
        let width = self.width;
        let thresholds = self.per_column(consensus);
        let scales: Vec<u64> = self
            .uids
            .iter()
            .map(|&uid| active_stake.get(uid).copied().map_or(0, bits))
            .collect();
        let DenseBuffers { cells, present, .. } = &mut self.buffers;
        if self.presence {
            drop_above_zero_consensus(present, cells, width, &thresholds);
        }
        let mut row_trust = vec![0u64; self.uids.len()];
        let (mut ranks, mut preranks) = (vec![0u64; width], vec![0u64; width]);
        clip_rows(
            cells,
            (width, delta),
            (&thresholds, &scales),
            (&mut row_trust, &mut ranks, &mut preranks),
        );
        let mut trust = vec![ZERO; n];
        for (&uid, t) in self.uids.iter().zip(row_trust) {
            if let Some(slot) = trust.get_mut(uid) {
                *slot = I32F32::from_bits(t as i64);
            }
        }
        let columns = self.columns();
        let spread = |dense: Vec<u64>| {
            let mut full = vec![ZERO; n];
            let part = full.get_mut(columns.clone()).unwrap_or(&mut []);
            for (cell, v) in part.iter_mut().zip(dense) {
                *cell = I32F32::from_bits(v as i64);
            }
            full
        };
        (trust, spread(ranks), spread(preranks))
    }

    /// Lays out the stored bonds, keeping a cell only where `counts(column)` (bonds to a
    /// uid registered since the last epoch do not), and returns each column's sum. With
    /// `proportions` (Yuma 3) each u16 value is laid out as the fraction it stands for.
    pub(crate) fn fill_stored(
        &mut self,
        bonds: &StoredRows,
        counts: impl Fn(u16) -> bool,
        proportions: bool,
    ) -> Vec<u64> {
        let width = self.width;
        if width == 0 {
            return Vec::new();
        }
        // All ones where a column's bonds count, else 0: one lookup per column, not per cell.
        let masks: Vec<u64> = self
            .columns()
            .map(|j| if counts(j as u16) { u64::MAX } else { 0 })
            .collect();
        let DenseBuffers { cells, stored, .. } = &mut self.buffers;
        stored.clear();
        stored.resize(cells.len(), 0);
        for (&uid, row) in self.uids.iter().zip(stored.chunks_exact_mut(width)) {
            let stored = bonds.get(uid).map(Vec::as_slice).unwrap_or(&[]);
            if proportions {
                scatter_row(stored, (self.start, u16_proportion), row, None);
            } else {
                scatter_row(stored, (self.start, u64::from), row, None);
            }
        }
        let mut sums = vec![0u64; width];
        mask_columns(stored, width, &masks, &mut sums);
        sums
    }

    /// Yuma 2's EMA `α · delta / Σdelta + (1 − α) · stored / Σstored`, column-normalised
    /// as the chain normalises each matrix, in place of the delta. `delta_sums` are the
    /// delta's column sums for every uid (the unnormalised ranks), `stored_sums` those of
    /// [`DenseEpoch::fill_stored`].
    pub(crate) fn normalized_ema(
        &mut self,
        delta_sums: &[I32F32],
        stored_sums: &[u64],
        alpha: I32F32,
    ) -> EmaTotals {
        let new = ColumnDivisors::new(self.per_column(delta_sums).into_iter());
        let old = ColumnDivisors::new(stored_sums.iter().copied());
        self.constant_rate_ema(Some((&new, &old)), alpha)
    }

    /// Yuma 3's EMA without liquid alpha, `α · clipped + (1 − α) · stored`, in place of
    /// the clipped weights (`mat_ema_sparse`).
    pub(crate) fn plain_ema(&mut self, alpha: I32F32) -> EmaTotals {
        self.constant_rate_ema(None, alpha)
    }

    /// [`ema_rows`] over the layout at rate `alpha`, each side first divided by its column
    /// divisors where given.
    fn constant_rate_ema(
        &mut self,
        divisors: Option<(&ColumnDivisors, &ColumnDivisors)>,
        alpha: I32F32,
    ) -> EmaTotals {
        let mut totals = EmaTotals::zeroed(self.width);
        ema_rows(
            (&mut self.buffers.cells, &self.buffers.stored),
            self.width,
            divisors,
            bits(alpha).min(ONE_BITS),
            &mut totals,
        );
        totals
    }

    /// Yuma 3's EMA with liquid alpha (`mat_ema_alpha_sparse`), in place of the clipped
    /// weights: each weight cell's rate comes from the sigmoid of how far its weight falls
    /// below its bond, and only cells under a weight cell come out.
    ///
    /// The clipped weight c never exceeds consensus, so the sigmoid's distance is the
    /// selling one, `b − c` where the bond b is larger, else 0. Distance 0 (the common
    /// case) always gives the same rate; the others go through the chain's `exp` in one
    /// batch ([`math::alpha_sigmoid_batch`]).
    pub(crate) fn liquid_alpha_ema(&mut self, liquid: LiquidAlpha) -> EmaTotals {
        let width = self.width;
        let DenseBuffers {
            cells,
            stored,
            present,
            selling,
        } = &mut self.buffers;
        // Every cell at the rate of distance 0, collecting the selling ones on the way;
        // then those at their own rates.
        let LiquidAlpha { low, high, rate } = liquid;
        let at_zero = math::alpha_sigmoid_at_rate(ZERO, ZERO, ZERO, low, high, rate);
        let mut totals = EmaTotals::zeroed(width);
        selling.cells.clear();
        selling.distances.clear();
        alpha_ema_rows(
            (cells, stored, present),
            width,
            bits(at_zero),
            (&mut totals, selling),
        );
        let Selling {
            cells: at,
            distances,
            alphas,
        } = selling.as_mut();
        math::alpha_sigmoid_batch(distances, low, high, rate, alphas);
        for ((&(k, j), &d), &a) in at.iter().zip(distances.iter()).zip(alphas.iter()) {
            let (Some(cell), Some(&b), Some(sum)) =
                (cells.get_mut(k), stored.get(k), totals.sums.get_mut(j))
            else {
                continue;
            };
            // A selling cell is a weight cell, so unmasked; its weight is `b − d`.
            let e = alpha_ema(bits(a), b, b - bits(d));
            *sum = *sum - *cell + e;
            *cell = e;
        }
        totals
    }

    /// Each uid's sum of column-normalised new bonds times incentive (`Σ_j bond_ij /
    /// Σ_i bond_ij · incentive_j`: Yuma 2's dividend before normalisation, Yuma 3's before
    /// its stake product), and the new bonds as stored for the uids that keep a validator
    /// permit: max-upscaled per column for Yuma 2 (`upscale`), as they are for Yuma 3,
    /// then as u16 proportions. Call after an EMA.
    pub(crate) fn dividends(
        &self,
        totals: &EmaTotals,
        incentive: &[I32F32],
        (keeps_permit, upscale): (&[bool], bool),
    ) -> (Vec<I32F32>, Vec<Vec<(u16, u16)>>) {
        let n = self.n;
        let columns = ColumnDivisors::new(totals.sums.iter().copied());
        // The largest normalised bond is the largest bond normalised (a floor of a
        // monotone map), so each column's upscaling divisor comes from its maximum.
        let upscale = upscale.then(|| {
            let maxima = totals.max.iter().enumerate();
            ColumnDivisors::new(maxima.map(|(j, &m)| columns.divide(j, m)))
        });
        let gains = self.per_column(incentive);
        let keeps: Vec<bool> = self
            .uids
            .iter()
            .map(|&uid| keeps_permit.get(uid).copied().unwrap_or(false))
            .collect();
        let mut row_dividends = vec![0u64; self.uids.len()];
        let mut row_bonds = vec![Vec::new(); self.uids.len()];
        dividend_rows(
            &self.buffers.cells,
            (self.start, self.width),
            (&columns, upscale.as_ref()),
            (&gains, &keeps),
            (&mut row_dividends, &mut row_bonds),
        );
        let mut dividends = vec![ZERO; n];
        let mut bonds_out = vec![Vec::new(); n];
        let rows = self.uids.iter().zip(row_dividends).zip(row_bonds);
        for (((&uid, dividend), cells), &keep) in rows.zip(&keeps) {
            if let Some(d) = dividends.get_mut(uid) {
                *d = I32F32::from_bits(dividend as i64);
            }
            if let Some(out) = bonds_out.get_mut(uid)
                && keep
            {
                *out = cells;
            }
        }
        (dividends, bonds_out)
    }

    /// The buffers, for reuse.
    pub(crate) fn into_buffers(self) -> DenseBuffers {
        self.buffers
    }
}

/// One divisor per column, for dividends at most the divisor and at most 1: `⌊x · 2^32 /
/// d⌋` for `0 ≤ x ≤ d` and `x ≤ 2^32` (I32F32's quotient on the bits), and the same for
/// whole numbers `x ≤ d < 2^32` (a stored bond over its column's sum).
///
/// Below both limits, `x < 2^32`, so `x · 2^32` fits a u64 and one [`Reciprocal`] divides
/// it exactly; its 64-bit multiplier is kept as two 32-bit halves, so the 64×64-bit high
/// product becomes two 32×32-bit ones, which vector units have. The one dividend at a
/// limit, `x = min(d, 2^32)`, takes a quotient worked out in advance (`d = 0` and `d = 1`
/// meet only it and 0, which the multiplier 0 maps to 0).
#[derive(Debug)]
struct ColumnDivisors {
    low: Vec<u32>,
    high: Vec<u32>,
    shift: Vec<u32>,
    /// The dividend at the limit (`u64::MAX` for d = 0, which meets only 0).
    limit: Vec<u64>,
    /// Its quotient: 2^32 for d ≤ 2^32, else `⌊2^64 / d⌋`.
    at_limit: Vec<u64>,
    /// Whether every divisor is at most 2^32 (1.0), so every quotient at the limit is 2^32.
    within_one: bool,
}

/// One column's [`ColumnDivisors`] entries, by value.
#[derive(Debug, Clone, Copy)]
struct Divisor {
    low: u32,
    high: u32,
    shift: u32,
    limit: u64,
    at_limit: u64,
}

impl Divisor {
    fn new(d: u64) -> Self {
        let (magic, shift) = Reciprocal::new(d).map_or((0, 0), |r| r.parts());
        let (limit, at_limit) = match d {
            0 => (u64::MAX, 0),
            1..=ONE_BITS => (d, ONE_BITS),
            _ => (ONE_BITS, ((1u128 << 64) / u128::from(d)) as u64),
        };
        Divisor {
            low: magic as u32,
            high: (magic >> 32) as u32,
            shift,
            limit,
            at_limit,
        }
    }

    #[inline(always)]
    fn divide(&self, x: u64) -> u64 {
        divide(
            x,
            (self.low, self.high, self.shift),
            (self.limit, self.at_limit),
        )
    }
}

impl ColumnDivisors {
    fn new(divisors: impl Iterator<Item = u64>) -> Self {
        let columns = divisors.size_hint().0;
        let mut out = ColumnDivisors {
            low: Vec::with_capacity(columns),
            high: Vec::with_capacity(columns),
            shift: Vec::with_capacity(columns),
            limit: Vec::with_capacity(columns),
            at_limit: Vec::with_capacity(columns),
            within_one: true,
        };
        for d in divisors.map(Divisor::new) {
            out.within_one &= d.at_limit == ONE_BITS || d.limit == u64::MAX;
            out.low.push(d.low);
            out.high.push(d.high);
            out.shift.push(d.shift);
            out.limit.push(d.limit);
            out.at_limit.push(d.at_limit);
        }
        out
    }

    /// Column j's quotient of `x` (0 past the last column).
    fn divide(&self, j: usize, x: u64) -> u64 {
        self.column(j).map_or(0, |d| d.divide(x))
    }

    #[inline(always)]
    fn column(&self, j: usize) -> Option<Divisor> {
        Some(Divisor {
            low: *self.low.get(j)?,
            high: *self.high.get(j)?,
            shift: *self.shift.get(j)?,
            limit: *self.limit.get(j)?,
            at_limit: *self.at_limit.get(j)?,
        })
    }

    /// The parameter rows cut to `width` columns (`None` if any is shorter).
    #[inline(always)]
    fn rows(&self, width: usize) -> Option<DivisorRows<'_>> {
        Some(DivisorRows {
            low: self.low.get(..width)?,
            high: self.high.get(..width)?,
            shift: self.shift.get(..width)?,
            limit: self.limit.get(..width)?,
            at_limit: self.at_limit.get(..width)?,
        })
    }
}

/// [`ColumnDivisors`] cut to a row's width, for the kernels.
#[derive(Clone, Copy)]
struct DivisorRows<'a> {
    low: &'a [u32],
    high: &'a [u32],
    shift: &'a [u32],
    limit: &'a [u64],
    at_limit: &'a [u64],
}

impl DivisorRows<'_> {
    /// Column j's quotient of `x`; j must be below the width (the kernels' loop bound).
    #[inline(always)]
    fn divide(&self, j: usize, x: u64) -> u64 {
        divide(
            x,
            (self.low[j], self.high[j], self.shift[j]),
            (self.limit[j], self.at_limit[j]),
        )
    }

    /// [`DivisorRows::divide`] for a table [`ColumnDivisors::within_one`], whose quotient
    /// at the limit is always 2^32: one load less per cell.
    #[inline(always)]
    fn divide_within_one(&self, j: usize, x: u64) -> u64 {
        divide(
            x,
            (self.low[j], self.high[j], self.shift[j]),
            (self.limit[j], ONE_BITS),
        )
    }
}

/// `⌊x · 2^32 / d⌋` for `0 ≤ x ≤ d`, `x ≤ 2^32`, given d's [`ColumnDivisors`] entries.
#[inline(always)]
fn divide(x: u64, (low, high, shift): (u32, u32, u32), (limit, at_limit): (u64, u64)) -> u64 {
    let x_low = x & LOW;
    let n = x_low << 32;
    // mulhi(magic, x · 2^32) = high · x + ⌊low · x / 2^32⌋: the first term is whole, so
    // flooring the sum floors only the second.
    let high_product = u64::from(high) * x_low + ((u64::from(low) * x_low) >> 32);
    let q = (((n - high_product) >> 1) + high_product) >> (shift & 63);
    if x == limit { at_limit } else { q }
}

/// `⌊a · b / 2^32⌋` for `a, b ≤ 2^32` (I32F32's product of two values in [0, 1]). A
/// factor of exactly 2^32 (1.0) gives the other factor; below that, both fit 32 bits and
/// one 32×32-bit multiply gives the product.
#[inline(always)]
fn mul_unit(a: u64, b: u64) -> u64 {
    let product = ((a & LOW) * (b & LOW)) >> 32;
    if a == ONE_BITS {
        b
    } else if b == ONE_BITS {
        a
    } else {
        product
    }
}

/// Whether a weight to a uid registered at `registered` counts, set by a uid last updated
/// at `updated` whose earliest live commit is at `commit` (`u64::MAX`: none, or no
/// commit-reveal): set after the registration, and not committed before it.
#[inline(always)]
pub(crate) fn weight_counts(registered: u64, updated: u64, commit: u64) -> bool {
    (registered < updated) & (registered <= commit)
}

/// [`weight_counts`] as a mask: all ones where the weight counts, else 0.
#[inline(always)]
fn counts(registered: u64, updated: u64, commit: u64) -> u64 {
    u64::from(weight_counts(registered, updated, commit)).wrapping_neg()
}

/// [`DenseEpoch::fill_weights`]'s masks and normalisation, row by row, and the same masks
/// on the presence mask where one is kept (`present` is empty otherwise).
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
fn weigh_rows(
    (cells, present): (&mut [u64], &mut [u64]),
    width: usize,
    registered: &[u64],
    (updated, commits): (&[u64], &[u64]),
) {
    let Some(registered) = registered.get(..width) else {
        return;
    };
    if width == 0 {
        return;
    }
    let mut present_rows = present.chunks_exact_mut(width);
    let limits = updated.iter().zip(commits);
    for (row, (&updated, &commit)) in cells.chunks_exact_mut(width).zip(limits) {
        let mut sum = 0u64;
        for j in 0..width {
            let v = row[j] & counts(registered[j], updated, commit);
            row[j] = v;
            sum += v;
        }
        if let Some(p_row) = present_rows.next() {
            for j in 0..width {
                p_row[j] &= counts(registered[j], updated, commit);
            }
        }
        let d = Divisor::new(sum);
        for cell in row.iter_mut() {
            *cell = d.divide(*cell);
        }
    }
}

/// [`DenseEpoch::consensus`]'s count, by column, of the voting rows' non-zero weights and
/// the stake behind them. Rows start at `starts` in `cells`, with stakes `stakes`.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
fn count_live(
    cells: &[u64],
    width: usize,
    (starts, stakes): (&[usize], &[u64]),
    (live, live_stake): (&mut [u64], &mut [u64]),
) {
    let (Some(live), Some(live_stake)) = (live.get_mut(..width), live_stake.get_mut(..width))
    else {
        return;
    };
    for (&start, &stake) in starts.iter().zip(stakes) {
        let Some(row) = cells.get(start..start + width) else {
            continue;
        };
        for j in 0..width {
            let is_live = u64::from(row[j] != 0);
            live[j] += is_live;
            live_stake[j] += stake & is_live.wrapping_neg();
        }
    }
}

/// [`DenseEpoch::fill_stored`]'s masks: each cell and'ed with its column's mask, and
/// summed by column.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
fn mask_columns(cells: &mut [u64], width: usize, masks: &[u64], sums: &mut [u64]) {
    let (Some(masks), Some(sums)) = (masks.get(..width), sums.get_mut(..width)) else {
        return;
    };
    if width == 0 {
        return;
    }
    for row in cells.chunks_exact_mut(width) {
        for j in 0..width {
            let v = row[j] & masks[j];
            row[j] = v;
            sums[j] += v;
        }
    }
}

/// Drops from the presence mask the weights the clip drops: above a zero consensus.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
fn drop_above_zero_consensus(present: &mut [u64], cells: &[u64], width: usize, consensus: &[u64]) {
    let Some(consensus) = consensus.get(..width) else {
        return;
    };
    if width == 0 {
        return;
    }
    for (p_row, w_row) in present
        .chunks_exact_mut(width)
        .zip(cells.chunks_exact(width))
    {
        for j in 0..width {
            let dropped = (w_row[j] > 0) & (consensus[j] == 0);
            p_row[j] &= !u64::from(dropped).wrapping_neg();
        }
    }
}

/// [`DenseEpoch::clip`]'s loop over every row: the clipped weights (or with `delta`, stake
/// times them) in place of the weights, each row's trust, and rank and pre-rank by column.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
#[allow(clippy::type_complexity)]
fn clip_rows(
    cells: &mut [u64],
    (width, delta): (usize, bool),
    (consensus, scales): (&[u64], &[u64]),
    (trust, ranks, preranks): (&mut [u64], &mut [u64], &mut [u64]),
) {
    let (Some(consensus), Some(ranks), Some(preranks)) = (
        consensus.get(..width),
        ranks.get_mut(..width),
        preranks.get_mut(..width),
    ) else {
        return;
    };
    if width == 0 {
        return;
    }
    for ((row, &scale), row_trust) in cells.chunks_exact_mut(width).zip(scales).zip(trust) {
        let mut sum = 0u64;
        for j in 0..width {
            let w = row[j];
            let clipped = w.min(consensus[j]);
            let term = mul_unit(scale, clipped);
            row[j] = if delta { term } else { clipped };
            sum += clipped;
            ranks[j] += term;
            preranks[j] += mul_unit(scale, w);
        }
        *row_trust = sum;
    }
}

/// The constant-rate EMAs' loop over every row, new bonds in place of the new values:
/// `α · new + (1 − α) · old`, each first divided by its column's divisor where `divisors`
/// are given (Yuma 2's normalisations). Also each column's sum and maximum.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
fn ema_rows(
    (new, old): (&mut [u64], &[u64]),
    width: usize,
    divisors: Option<(&ColumnDivisors, &ColumnDivisors)>,
    alpha: u64,
    totals: &mut EmaTotals,
) {
    let rows = (new, old, width);
    let rates = (alpha, ONE_BITS - alpha);
    let (sums, max) = (totals.sums.as_mut_slice(), totals.max.as_mut_slice());
    match divisors.map(|(n, o)| (n.rows(width), o.rows(width), n.within_one && o.within_one)) {
        Some((Some(n_div), Some(o_div), true)) => ema_sweep(
            rows,
            rates,
            (
                |j, x| n_div.divide_within_one(j, x),
                |j, x| o_div.divide_within_one(j, x),
            ),
            (sums, max),
        ),
        Some((Some(n_div), Some(o_div), false)) => ema_sweep(
            rows,
            rates,
            (|j, x| n_div.divide(j, x), |j, x| o_div.divide(j, x)),
            (sums, max),
        ),
        // Tables shorter than the rows: not made by this module.
        Some(_) => {}
        None => ema_sweep(rows, rates, (|_, x| x, |_, x| x), (sums, max)),
    }
}

/// [`ema_rows`]' loop, given how each side is normalised (inlined, so each case gets its own
/// vectorised loop).
#[inline(always)]
fn ema_sweep(
    (new, old, width): (&mut [u64], &[u64], usize),
    (alpha, beta): (u64, u64),
    (new_q, old_q): (impl Fn(usize, u64) -> u64, impl Fn(usize, u64) -> u64),
    (sums, max): (&mut [u64], &mut [u64]),
) {
    let (Some(sums), Some(max)) = (sums.get_mut(..width), max.get_mut(..width)) else {
        return;
    };
    if width == 0 {
        return;
    }
    for (n_row, o_row) in new.chunks_exact_mut(width).zip(old.chunks_exact(width)) {
        for j in 0..width {
            let e = mul_unit(alpha, new_q(j, n_row[j])) + mul_unit(beta, old_q(j, o_row[j]));
            n_row[j] = e;
            sums[j] += e;
            max[j] = max[j].max(e);
        }
    }
}

/// Liquid alpha's EMA of one cell at rate a: `min(1, (1 − a) · b + a · c)`.
#[inline(always)]
fn alpha_ema(a: u64, b: u64, c: u64) -> u64 {
    (mul_unit(ONE_BITS - a, b) + mul_unit(a, c)).min(ONE_BITS)
}

/// [`DenseEpoch::liquid_alpha_ema`]'s sweep over every row at one rate: [`alpha_ema`]
/// under each weight cell, 0 elsewhere, in place of the clipped weights, and each column's
/// sum (at most the row count, so no sum saturates). On the way it collects the selling
/// cells (a clipped weight c below its bond b): each one's place and column, and `b − c`.
///
/// Most cells are not selling, at random: each block of 64 gets a bit mask of its selling
/// cells first, then one step per set bit, rather than a mispredicted branch per cell.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
fn alpha_ema_rows(
    (weights, bonds, present): (&mut [u64], &[u64], &[u64]),
    width: usize,
    alpha: u64,
    (totals, selling): (&mut EmaTotals, &mut Selling),
) {
    let Some(sums) = totals.sums.get_mut(..width) else {
        return;
    };
    if width == 0 {
        return;
    }
    let rows = weights
        .chunks_exact_mut(width)
        .zip(bonds.chunks_exact(width))
        .zip(present.chunks_exact(width));
    for (i, ((w_row, b_row), p_row)) in rows.enumerate() {
        let blocks = w_row.chunks_mut(64).zip(b_row.chunks(64));
        let blocks = blocks.zip(p_row.chunks(64).zip(sums.chunks_mut(64)));
        for (block, ((w, b), (p, sums))) in blocks.enumerate() {
            // A presence cell is all ones or 0.
            let cells = w.iter().zip(b).zip(p).enumerate();
            let mut set = cells.fold(0u64, |set, (l, ((&c, &b), &p))| {
                set | ((u64::from(c < b) & p & 1) << l)
            });
            while set != 0 {
                let l = set.trailing_zeros() as usize;
                set &= set - 1;
                if let (Some(&c), Some(&b)) = (w.get(l), b.get(l)) {
                    let j = block * 64 + l;
                    selling.cells.push((i * width + j, j));
                    selling.distances.push(I32F32::from_bits((b - c) as i64));
                }
            }
            for ((w, &b), (&p, sum)) in w.iter_mut().zip(b).zip(p.iter().zip(sums.iter_mut())) {
                let e = alpha_ema(alpha, b, *w) & p;
                *w = e;
                *sum += e;
            }
        }
    }
}

/// [`DenseEpoch::dividends`]'s loop over every row: each row's sum of normalised bonds
/// times gains, and for rows that keep a permit, the positive cells' stored u16 values as
/// (column, value), upscaled by column where `upscale` is given.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx2+bmi1+bmi2+popcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt",
))]
#[allow(clippy::type_complexity)]
fn dividend_rows(
    bonds: &[u64],
    (start, width): (usize, usize),
    (columns, upscale): (&ColumnDivisors, Option<&ColumnDivisors>),
    (gains, keeps): (&[u64], &[bool]),
    (dividends, stored): (&mut [u64], &mut [Vec<(u16, u16)>]),
) {
    let within_one = columns.within_one;
    let (Some(columns), Some(gains)) = (columns.rows(width), gains.get(..width)) else {
        return;
    };
    let upscale = match upscale.map(|u| u.rows(width)) {
        Some(None) => return,
        Some(Some(rows)) => Some(rows),
        None => None,
    };
    if width == 0 {
        return;
    }
    let mut normalized = vec![0u64; width];
    let mut cells = vec![(0u16, 0u16); width];
    let mut positive = vec![0u8; width];
    let rows = bonds
        .chunks_exact(width)
        .zip(keeps)
        .zip(dividends.iter_mut().zip(stored));
    for ((row, &keep), (dividend, out)) in rows {
        *dividend = if within_one {
            normalize_and_weigh(
                row,
                |j, x| columns.divide_within_one(j, x),
                gains,
                &mut normalized,
            )
        } else {
            normalize_and_weigh(row, |j, x| columns.divide(j, x), gains, &mut normalized)
        };
        if !keep {
            continue;
        }
        // ⌊value · 65535 / 2^32⌋ for value ≤ 2^32 (`fixed_proportion_to_u16`).
        let to_u16 = |value: u64| (((value << 16) - value) >> 32) as u16;
        match &upscale {
            Some(up) => {
                for j in 0..width {
                    // Normalised maxima are at most 1.
                    let value = up.divide_within_one(j, normalized[j]);
                    cells[j] = ((start + j) as u16, to_u16(value));
                    positive[j] = u8::from(row[j] > 0);
                }
            }
            None => {
                for j in 0..width {
                    cells[j] = ((start + j) as u16, to_u16(row[j]));
                    positive[j] = u8::from(row[j] > 0);
                }
            }
        }
        // Every cell goes to the next free slot and only a positive one keeps it: about
        // a quarter are zero, at random, which a branch would keep mispredicting.
        out.resize(width, (0, 0));
        let Some(slots) = out.get_mut(..width) else {
            continue;
        };
        let mut kept = 0usize;
        for (&cell, &keep) in cells.iter().zip(&positive) {
            if let Some(slot) = slots.get_mut(kept) {
                *slot = cell;
            }
            kept += usize::from(keep);
        }
        out.truncate(kept);
    }
}

/// One row of [`dividend_rows`]: each cell normalised into `normalized`, and the sum of
/// the normalised cells times `gains` (at most 1: the gains sum to 1 and each cell is at
/// most 1). Inlined, so each normalisation gets its own vectorised loop.
#[inline(always)]
fn normalize_and_weigh(
    row: &[u64],
    normalize: impl Fn(usize, u64) -> u64,
    gains: &[u64],
    normalized: &mut [u64],
) -> u64 {
    let mut acc = 0u64;
    let lanes = row.iter().zip(gains).zip(normalized.iter_mut()).enumerate();
    for (j, ((&x, &gain), out)) in lanes {
        let q = normalize(j, x);
        *out = q;
        acc += mul_unit(gain, q);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yuma::epoch::{EpochInput, EpochParams, run_epoch, run_epoch_sparse};
    use substrate_fixed::types::I64F64;

    /// A small xorshift stream for random subnets.
    struct Rng(u64);

    impl Rng {
        /// xorshift64.
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound.max(1)
        }

        fn chance(&mut self, one_in: u64) -> bool {
            self.below(one_in) == 0
        }
    }

    /// Strictly ascending rows (as `set_weights` stores them), some cells stored zeros, some
    /// past the last uid, with `1 / density` of the cells filled.
    fn sorted_rows(rng: &mut Rng, n: u16, density: u64, cap: u64) -> Vec<Vec<(u16, u16)>> {
        (0..n)
            .map(|_| {
                if rng.chance(5) {
                    return Vec::new();
                }
                let mut row = Vec::new();
                for j in 0..n + 2 {
                    if rng.chance(density) {
                        let v = if rng.chance(8) {
                            0
                        } else {
                            1 + rng.below(cap) as u16
                        };
                        row.push((j, v));
                    }
                }
                row
            })
            .collect()
    }

    /// A subnet with the full bonds penalty, where the dense layout applies: Yuma 2, or
    /// Yuma 3 with or without liquid alpha.
    fn dense_case(rng: &mut Rng) -> (EpochParams, EpochInput) {
        let n = 1 + rng.below(120) as u16;
        let nu = n as usize;
        let block = 10_000 + rng.below(1_000);
        let yuma3 = rng.chance(2);
        let params = EpochParams {
            yuma3_enabled: yuma3,
            liquid_alpha_enabled: yuma3 && !rng.chance(4),
            alpha_low: [45_875, 6_553, 30_000][rng.below(3) as usize],
            alpha_high: [58_982, 19_660, 30_000][rng.below(3) as usize],
            alpha_sigmoid_steepness: [1_000, 10, -500, 32_767][rng.below(4) as usize],
            kappa: [32_767, 0, 65_535, 20_000][rng.below(4) as usize],
            bonds_moving_average: [900_000, 975_000, 0, 1_000_000][rng.below(4) as usize],
            activity_cutoff: [5_000, 300][rng.below(2) as usize],
            max_allowed_validators: 1 + rng.below(n as u64 + 2) as u16,
            stake_threshold: [0, 1_000_000][rng.below(2) as usize],
            owner_uid: rng.chance(3).then(|| rng.below(n as u64) as u16),
            commit_reveal_enabled: rng.chance(3),
            ..EpochParams::default()
        };
        // One cell in 1, 2 or 3 filled; now and then a single full weight or bond (1.0).
        let density = 1 + rng.below(3);
        let mut weights = sorted_rows(rng, n, density, 65_535);
        let density = 1 + rng.below(3);
        let cap = if yuma3 { 30_000 } else { 65_535 };
        let mut bonds = sorted_rows(rng, n, density, cap);
        if rng.chance(4) {
            let i = rng.below(n as u64) as usize;
            weights[i] = vec![(rng.below(n as u64) as u16, 1 + rng.below(65_535) as u16)];
            bonds[i] = vec![(rng.below(n as u64) as u16, 1)];
        }
        let input = EpochInput {
            n,
            stake: (0..nu)
                .map(|_| I64F64::from_num(if rng.chance(4) { 0 } else { rng.below(1 << 40) }))
                .collect(),
            weights,
            bonds,
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

    /// The whole epoch on dense rows equals the sparse epoch (itself tested against a plain
    /// port of the chain's), output for output, on random subnets the dense layout takes.
    #[test]
    fn dense_epochs_equal_sparse_epochs() {
        let mut rng = Rng(0x5EED_D0E5_F0D3_A5A5);
        let mut dense = 0;
        for round in 0..600 {
            let (params, input) = dense_case(&mut rng);
            let forbids: Vec<bool> = input.validator_permit.iter().map(|p| !p).collect();
            let rows = (input.weights.as_slice(), input.bonds.as_slice());
            let layout = (input.n as usize, params.liquid_alpha_enabled);
            let planned = DenseEpoch::plan(rows, &forbids, layout, DenseBuffers::default());
            dense += usize::from(planned.is_ok());
            let fast = run_epoch(&params, &input).expect("valid input");
            let sparse = run_epoch_sparse(&params, &input);
            assert_eq!(fast, sparse, "round {round}: {params:?}\n{input:?}");
        }
        // The owner's forced permit can add a row the plan above missed; most cases are
        // dense either way.
        assert!(
            dense > 450,
            "only {dense} of 600 cases took the dense layout"
        );
    }

    /// Unsorted or repeated cells, or rows too sparse, keep the sparse layout.
    #[test]
    fn the_dense_layout_refuses_what_it_cannot_reproduce() {
        let n = 40;
        let full: Vec<Vec<(u16, u16)>> = (0..n).map(|_| (0..n).map(|j| (j, 7)).collect()).collect();
        let blocks = vec![0u64; n as usize];
        let updated = vec![1u64; n as usize];
        let lays_out = |w: &[Vec<(u16, u16)>], b: &[Vec<(u16, u16)>], forbids: &[bool]| {
            let masks = WeightMasks {
                forbids,
                registered: &blocks,
                last_update: &updated,
                commits: None,
                owner: None,
            };
            DenseEpoch::plan(
                (w, b),
                forbids,
                (n as usize, false),
                DenseBuffers::default(),
            )
            .and_then(|plan| plan.fill_weights(w, &masks))
            .is_ok()
        };
        let forbids = vec![false; n as usize];
        assert!(lays_out(&full, &full, &forbids));
        let mut unsorted = full.clone();
        unsorted[3].swap(0, 1);
        assert!(!lays_out(&unsorted, &full, &forbids));
        assert!(!lays_out(&full, &unsorted, &forbids));
        let mut repeated = full.clone();
        repeated[5].insert(1, (0, 3));
        assert!(!lays_out(&repeated, &full, &forbids));
        // One cell per row at far-apart columns: 40 rows × 40 columns for 80 cells.
        let sparse: Vec<Vec<(u16, u16)>> = (0..n).map(|i| vec![(i, 1)]).collect();
        assert!(!lays_out(&sparse, &sparse, &forbids));
        // A weight row the epoch ignores (no permit) may be in any order.
        let mut forbidden = forbids.clone();
        forbidden[3] = true;
        assert!(lays_out(&unsorted, &full, &forbidden));
    }

    /// The divisions the sparse path makes, against [`divide`], on the edges that matter:
    /// x = d, d = 0 and 1, powers of two, 1.0, whole numbers.
    #[test]
    fn u16_proportions_are_the_fixed_point_quotient() {
        let whole = I32F32::from_num(u16::MAX);
        for v in 0..=u16::MAX {
            let expected = math::safe_div(I32F32::from_num(v), whole);
            assert_eq!(u16_proportion(v), bits(expected), "{v}");
        }
    }

    #[test]
    fn column_division_is_the_fixed_point_quotient() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut next = move || rng.next();
        let mut divisors: Vec<u64> = vec![0, 1, 2, 3, 4, 1 << 31, (1 << 32) - 1, 1 << 32, 65_535];
        for _ in 0..2_000 {
            divisors.push(next() % (ONE_BITS + 1));
            divisors.push(next() % 65_536);
            divisors.push(1 << (next() % 33));
        }
        for &d in &divisors {
            let table = ColumnDivisors::new([d].into_iter());
            let mut xs = vec![0, d, d / 2, d.saturating_sub(1)];
            for _ in 0..50 {
                xs.push(if d == 0 { 0 } else { next() % (d + 1) });
            }
            for x in xs {
                let expected = if d == 0 {
                    0
                } else {
                    ((u128::from(x) << 32) / u128::from(d)) as u64
                };
                assert_eq!(table.divide(0, x), expected, "x = {x}, d = {d}");
            }
        }
    }

    #[test]
    fn unit_products_match_the_wide_product() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut next = move || rng.below(ONE_BITS + 1);
        let mut pairs = vec![(0, 0), (ONE_BITS, ONE_BITS), (ONE_BITS, 1), (LOW, LOW)];
        for _ in 0..50_000 {
            pairs.push((next(), next()));
        }
        for (a, b) in pairs {
            let wide = ((u128::from(a) * u128::from(b)) >> 32) as u64;
            assert_eq!(mul_unit(a, b), wide, "{a} × {b}");
        }
    }
}
