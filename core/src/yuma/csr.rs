//! Sparse matrices in one flat allocation (compressed sparse rows) for the epoch's hot path.
//!
//! The chain's matrices are one `Vec` per row; an epoch over 1024 uids builds several
//! hundred thousand cells that way, and allocating, faulting in and chasing those rows cost
//! more than the arithmetic. [`Csr`] keeps every row's `(column, value)` cells back to
//! back in one vector, in stored order, so each row is still the slice the chain's row
//! functions (and the row kernels in [`super::math`]) work on.

use substrate_fixed::types::I32F32;

use super::math::{self, SharedDivisor, SparseMatrix};

const ZERO: I32F32 = I32F32::from_bits(0);

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
        self.offsets
            .windows(2)
            .map(|w| match *w {
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
}

thread_local! {
    static WORKSPACE: std::cell::Cell<Workspace> = std::cell::Cell::new(Workspace::default());
}

impl Workspace {
    /// The most memory a thread keeps between epochs.
    pub const KEEP_BYTES: usize = 64 << 20;

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
        matrices + self.median.bytes()
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

#[cfg(test)]
mod tests;
