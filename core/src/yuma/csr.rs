//! Sparse matrices in one flat allocation (compressed sparse rows) for the epoch's hot path.
//!
//! The chain's matrices are one `Vec` per row; an epoch over 1024 uids builds several
//! hundred thousand cells that way, and allocating, faulting in and chasing those rows cost
//! more than the arithmetic. [`Csr`] keeps every row's `(column, value)` cells back to
//! back in one vector, in stored order, so each row is still the slice the chain's row
//! functions (and the row kernels in [`super::math`]) work on.

use substrate_fixed::types::I32F32;

use super::dense::DenseBuffers;
use super::math::{self, SharedDivisor, SparseMatrix};

const ZERO: I32F32 = I32F32::from_bits(0);
const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// A sparse matrix as rows of `(column, value)` cells stored back to back.
///
/// Rows are appended one at a time: push cells into [`Csr::cells_mut`], then close the
/// row with [`Csr::end_row`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Csr {
    /// `offsets[i]..offsets[i + 1]` is row i's range in `cells`; starts with 0.
    offsets: Vec<usize>,
    cells: Vec<(u16, I32F32)>,
}

impl Csr {
    /// An empty matrix with room for `rows` rows and `cells` cells.
    pub fn with_capacity(rows: usize, cells: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Csr {
            offsets,
            cells: Vec::with_capacity(cells),
        }
    }

    /// This matrix emptied, keeping its allocations for the next one (no fresh pages).
    pub fn recycle(mut self) -> Self {
        self.offsets.clear();
        self.offsets.push(0);
        self.cells.clear();
        self
    }

    /// Makes room for `rows` more rows and `cells` more cells.
    pub fn reserve(&mut self, rows: usize, cells: usize) {
        self.offsets.reserve(rows);
        self.cells.reserve(cells);
    }

    /// The same rows as a chain-shaped matrix.
    pub fn from_rows<R: AsRef<[(u16, I32F32)]>>(rows: &[R]) -> Self {
        let total = rows.iter().map(|r| r.as_ref().len()).sum();
        let mut m = Csr::with_capacity(rows.len(), total);
        for row in rows {
            m.cells.extend_from_slice(row.as_ref());
            m.end_row();
        }
        m
    }

    /// The cell vector, to push the open row's cells onto.
    #[inline]
    pub fn cells_mut(&mut self) -> &mut Vec<(u16, I32F32)> {
        &mut self.cells
    }

    /// The cells pushed since the last [`Csr::end_row`].
    #[inline]
    pub fn open_row_mut(&mut self) -> &mut [(u16, I32F32)] {
        let start = self.offsets.last().copied().unwrap_or(0);
        self.cells.get_mut(start..).unwrap_or(&mut [])
    }

    /// Closes the open row (possibly empty).
    #[inline]
    pub fn end_row(&mut self) {
        self.offsets.push(self.cells.len());
    }

    /// Number of closed rows.
    pub fn row_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// How many cells fit without growing.
    pub fn cell_capacity(&self) -> usize {
        self.cells.capacity()
    }

    /// Number of cells in all rows.
    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }

    /// Row `i`, or an empty row past the last one.
    #[inline]
    pub fn row(&self, i: usize) -> &[(u16, I32F32)] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&from), Some(&to)) => self.cells.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Every row in order.
    pub fn rows(&self) -> impl Iterator<Item = &[(u16, I32F32)]> {
        self.offsets.windows(2).map(|w| match *w {
            [from, to] => self.cells.get(from..to).unwrap_or(&[]),
            _ => &[],
        })
    }

    /// Every row as a slice, for the chain-shaped functions that take `&[R]`.
    pub fn row_slices(&self) -> Vec<&[(u16, I32F32)]> {
        self.rows().collect()
    }

    /// Calls `f(i, row)` with each row, mutably.
    pub fn for_each_row_mut(&mut self, mut f: impl FnMut(usize, &mut [(u16, I32F32)])) {
        for (i, w) in self.offsets.windows(2).enumerate() {
            if let [from, to] = *w
                && let Some(row) = self.cells.get_mut(from..to)
            {
                f(i, row);
            }
        }
    }

    /// The same rows as a chain-shaped matrix.
    pub fn to_rows(&self) -> SparseMatrix {
        self.rows().map(<[_]>::to_vec).collect()
    }

    /// Divides each cell by its column's divisor; cells in columns without one, or with a
    /// zero divisor, stay as they are (the chain skips columns that sum to zero).
    pub fn divide_columns(&mut self, divisors: &[SharedDivisor]) {
        for (j, v) in self.cells.iter_mut() {
            if let Some(d) = divisors.get(*j as usize) {
                *v = d.divide_or_keep(*v);
            }
        }
    }

    /// Normalises each of the first `columns` columns to sum 1, as
    /// [`super::math::inplace_col_normalize_sparse`] does.
    pub fn normalize_columns(&mut self, columns: u16) {
        let sums = self.column_sums(columns);
        self.divide_columns(&divisors(&sums));
    }

    /// The saturating sum of each of the first `columns` columns, in row order.
    pub fn column_sums(&self, columns: u16) -> Vec<I32F32> {
        let mut sums = vec![ZERO; columns as usize];
        for &(j, v) in &self.cells {
            add_to_column(&mut sums, j, v);
        }
        sums
    }

    /// The largest value of each of the first `columns` columns (0 for none above 0).
    pub fn column_max(&self, columns: u16) -> Vec<I32F32> {
        let mut max = vec![ZERO; columns as usize];
        for &(j, v) in &self.cells {
            if let Some(m) = max.get_mut(j as usize)
                && *m < v
            {
                *m = v;
            }
        }
        max
    }
}

/// Large buffers kept on a thread from one epoch to the next.
///
/// An epoch over 1024 uids fills several megabytes of matrices. Freshly allocated, those
/// arrive as zeroed pages from the OS, and on a virtual machine each 4 KiB page costs a
/// couple of microseconds: a quarter of the epoch. A run of epochs (a forecast, a what-if
/// sweep) reuses this thread's buffers instead; buffers above [`Workspace::KEEP_BYTES`]
/// in all are let go rather than kept.
#[derive(Debug, Default)]
pub struct Workspace {
    matrices: Vec<Csr>,
    /// Buffers of the consensus step.
    pub(crate) median: math::MedianScratch,
    /// The buffers of the dense layout.
    dense: DenseBuffers,
}

thread_local! {
    static WORKSPACE: std::cell::Cell<Workspace> = std::cell::Cell::new(Workspace::default());
}

impl Workspace {
    /// The most memory a thread keeps between epochs.
    pub const KEEP_BYTES: usize = 32 << 20;

    /// This thread's kept buffers (empty the first time, or while another epoch on this
    /// thread holds them).
    pub fn take() -> Workspace {
        WORKSPACE.with(std::cell::Cell::take)
    }

    /// Keeps the buffers for this thread's next epoch, unless they are too large.
    pub fn keep(self) {
        if self.bytes() <= Self::KEEP_BYTES {
            WORKSPACE.with(|w| w.set(self));
        }
    }

    /// An empty matrix with room for `rows` rows and `cells` cells: the smallest kept
    /// buffer that is large enough, else the largest one, grown.
    pub fn matrix(&mut self, rows: usize, cells: usize) -> Csr {
        let fits = self
            .matrices
            .iter()
            .enumerate()
            .filter(|(_, m)| m.cell_capacity() >= cells)
            .min_by_key(|(_, m)| m.cell_capacity())
            .map(|(i, _)| i);
        let largest = || {
            self.matrices
                .iter()
                .enumerate()
                .max_by_key(|(_, m)| m.cell_capacity())
                .map(|(i, _)| i)
        };
        let mut m = match fits.or_else(largest) {
            Some(i) => self.matrices.swap_remove(i).recycle(),
            None => Csr::default().recycle(),
        };
        m.reserve(rows + 1, cells);
        m
    }

    /// The buffers for the dense layout (empty the first time).
    pub(crate) fn take_dense(&mut self) -> DenseBuffers {
        std::mem::take(&mut self.dense)
    }

    /// Hands the dense layout's buffers back.
    pub(crate) fn give_back_dense(&mut self, buffers: DenseBuffers) {
        self.dense = buffers;
    }

    /// Hands a matrix's memory back for later [`Workspace::matrix`] calls.
    pub fn give_back(&mut self, m: Csr) {
        self.matrices.push(m);
    }

    fn bytes(&self) -> usize {
        let cell = std::mem::size_of::<(u16, I32F32)>();
        let matrices: usize = self
            .matrices
            .iter()
            .map(|m| m.cell_capacity() * cell + m.offsets.capacity() * 8)
            .sum();
        matrices + self.median.bytes() + self.dense.bytes()
    }
}

/// Adds `v` to column `j`'s running sum, saturating; columns past the end are skipped.
#[inline]
pub fn add_to_column(sums: &mut [I32F32], j: u16, v: I32F32) {
    if let Some(s) = sums.get_mut(j as usize) {
        *s = math::add(*s, v);
    }
}

/// One prepared divisor per column sum (or maximum).
pub fn divisors(values: &[I32F32]) -> Vec<SharedDivisor> {
    values.iter().map(|v| SharedDivisor::new(*v)).collect()
}

/// Yuma 2's bond EMA of two matrices that still need their column normalisation:
/// `inplace_col_normalize_sparse` of each, then [`math::mat_ema_sparse`], in one sweep that
/// also returns the result's column sums and column maxima.
///
/// Each input comes with one divisor per column (its column sums, for every column below
/// the row count), so every normalised cell lies in [0, 1], and `alpha` lies in [0, 1]:
/// the products then need no overflow check ([`math::mul_unit`]). A long row is summed
/// into a dense row as the chain does, dividing on the way, and read out without a branch
/// per column (a validator's bonds cover most columns, so whether a column is positive is
/// a coin toss to the branch predictor). A short row is divided into a copy and goes
/// through the general `math::ema_row`.
pub fn ema_of_normalized(
    (new, new_divisors): (&Csr, &[SharedDivisor]),
    (old, old_divisors): (&Csr, &[SharedDivisor]),
    alpha: I32F32,
    mut out: Csr,
) -> (Csr, ColumnTotals) {
    let rows = new.row_count();
    let one_minus_alpha = ONE.saturating_sub(alpha);
    let mut scratch = math::EmaScratch::new(rows, alpha);
    let mut sums = vec![ZERO; rows];
    let mut max = vec![ZERO; rows];
    let mut dense = vec![ZERO; rows];
    let (mut new_copy, mut old_copy) = (Vec::new(), Vec::new());
    let normalized = |divisors: &[SharedDivisor], j: u16, v: I32F32| match divisors.get(j as usize)
    {
        Some(d) => d.divide_or_keep(v),
        None => v,
    };
    for i in 0..rows {
        let (new_row, old_row) = (new.row(i), old.row(i));
        if (new_row.len() + old_row.len()).saturating_mul(8) > rows {
            // Columns first..last are the only ones a cell touched.
            let (mut first, mut last) = (usize::MAX, 0usize);
            for &(j, v) in new_row {
                if let Some(cell) = dense.get_mut(j as usize) {
                    let grown = math::mul_unit(alpha, normalized(new_divisors, j, v));
                    *cell = math::add_bounded(*cell, grown);
                    (first, last) = (first.min(j as usize), last.max(j as usize));
                }
            }
            for &(j, v) in old_row {
                if let Some(cell) = dense.get_mut(j as usize) {
                    let decayed = math::mul_unit(one_minus_alpha, normalized(old_divisors, j, v));
                    *cell = math::add_bounded(*cell, decayed);
                    (first, last) = (first.min(j as usize), last.max(j as usize));
                }
            }
            let touched = dense.get_mut(first..=last).zip(sums.get_mut(first..=last));
            if let Some(((touched, touched_sums), touched_max)) =
                touched.zip(max.get_mut(first..=last))
            {
                // Every column is written to the next free slot; only a positive one keeps it.
                let cells = out.cells_mut();
                let start = cells.len();
                cells.resize(start + touched.len(), (0, ZERO));
                let mut kept = start;
                let columns = touched.iter_mut().zip(touched_sums).zip(touched_max);
                for (j, ((cell, sum), column_max)) in (first..).zip(columns) {
                    let v = *cell;
                    let positive = v > ZERO;
                    if let Some(slot) = cells.get_mut(kept) {
                        *slot = (j as u16, v);
                    }
                    kept += usize::from(positive);
                    *sum = math::add_bounded(*sum, math::keep_if(positive, v));
                    *column_max = (*column_max).max(v);
                    *cell = ZERO;
                }
                cells.truncate(kept);
            }
        } else {
            new_copy.clear();
            new_copy.extend(
                new_row
                    .iter()
                    .map(|&(j, v)| (j, normalized(new_divisors, j, v))),
            );
            old_copy.clear();
            old_copy.extend(
                old_row
                    .iter()
                    .map(|&(j, v)| (j, normalized(old_divisors, j, v))),
            );
            let start = out.cell_count();
            math::ema_row(&new_copy, &old_copy, &mut scratch, out.cells_mut());
            for &(j, v) in out.cells_mut().get(start..).unwrap_or(&[]) {
                add_to_column(&mut sums, j, v);
                if let Some(m) = max.get_mut(j as usize) {
                    *m = (*m).max(v);
                }
            }
        }
        out.end_row();
    }
    (out, ColumnTotals { sums, max })
}

/// Each column's sum and largest value (0 where none is above 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnTotals {
    /// The sum of each column, in row order.
    pub sums: Vec<I32F32>,
    /// The largest value of each column, at least 0.
    pub max: Vec<I32F32>,
}

#[cfg(test)]
mod tests;
