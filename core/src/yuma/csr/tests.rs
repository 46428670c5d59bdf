//! The flat-row helpers against the chain-shaped functions they stand in for.

use super::*;
use crate::yuma::math::{inplace_col_normalize_sparse, mat_ema_sparse};

/// A small deterministic generator.
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

/// Rows with the awkward cases: unsorted and repeated cells, stored zeros, cells past n,
/// whole numbers (raw stored values) or fractions, short and long rows.
fn random_matrix(rng: &mut Lcg, n: usize, whole: bool) -> SparseMatrix {
    let density = 1 + rng.next() % 6;
    (0..n)
        .map(|_| {
            let mut row: Vec<(u16, I32F32)> = Vec::new();
            for j in 0..n as u16 + 2 {
                if rng.next().is_multiple_of(density) {
                    let v = if rng.next().is_multiple_of(12) {
                        0
                    } else if whole {
                        ((1 + rng.next() % 65_535) << 32) as i64
                    } else {
                        (rng.next() % (1 << 32)) as i64
                    };
                    row.push((j, I32F32::from_bits(v)));
                }
            }
            if rng.next().is_multiple_of(5) && !row.is_empty() {
                let k = (rng.next() % row.len() as u64) as usize;
                row.rotate_left(k);
            }
            if rng.next().is_multiple_of(7)
                && let Some(&first) = row.first()
            {
                row.push(first);
            }
            row
        })
        .collect()
}

#[test]
fn rows_round_trip() {
    let mut rng = Lcg(1);
    for _ in 0..50 {
        let n = (rng.next() % 40) as usize;
        let rows = random_matrix(&mut rng, n, false);
        let m = Csr::from_rows(&rows);
        assert_eq!(m.row_count(), n);
        assert_eq!(m.to_rows(), rows);
        assert_eq!(m.row(n), &[] as &[(u16, I32F32)]);
        assert_eq!(m.clone().recycle().row_count(), 0);
    }
}

#[test]
fn column_normalisation_equals_the_chain_shaped_one() {
    let mut rng = Lcg(2);
    for round in 0..400 {
        let n = 1 + (rng.next() % 80) as usize;
        let rows = random_matrix(&mut rng, n, round % 2 == 0);
        let mut expected = rows.clone();
        inplace_col_normalize_sparse(&mut expected, n as u16);
        let mut m = Csr::from_rows(&rows);
        m.normalize_columns(n as u16);
        assert_eq!(m.to_rows(), expected, "round {round}");
    }
}

#[test]
fn column_max_matches_the_upscale_divisors() {
    let mut rng = Lcg(3);
    for round in 0..200 {
        let n = 1 + (rng.next() % 60) as usize;
        let rows = random_matrix(&mut rng, n, false);
        let mut expected = rows.clone();
        math::inplace_col_max_upscale_sparse(&mut expected, n as u16);
        let mut m = Csr::from_rows(&rows);
        let max = m.column_max(n as u16);
        m.divide_columns(&divisors(&max));
        assert_eq!(m.to_rows(), expected, "round {round}");
    }
}

#[test]
fn normalised_ema_equals_normalising_then_the_chain_ema() {
    let mut rng = Lcg(4);
    let mut workspace = Workspace::default();
    for round in 0..600 {
        let n = 1 + (rng.next() % 90) as usize;
        let new_rows = random_matrix(&mut rng, n, false);
        let old_rows = random_matrix(&mut rng, n, round % 3 == 0);
        let alpha = I32F32::from_bits((rng.next() % (1 << 32)) as i64);

        let (mut new_norm, mut old_norm) = (new_rows.clone(), old_rows.clone());
        inplace_col_normalize_sparse(&mut new_norm, n as u16);
        inplace_col_normalize_sparse(&mut old_norm, n as u16);
        let expected = mat_ema_sparse(&new_norm, &old_norm, alpha);
        let expected_sums = Csr::from_rows(&expected).column_sums(n as u16);

        let (new, old) = (Csr::from_rows(&new_rows), Csr::from_rows(&old_rows));
        let cells = new.cell_count() + old.cell_count();
        let (ema, totals) = ema_of_normalized(
            (&new, &divisors(&new.column_sums(n as u16))),
            (&old, &divisors(&old.column_sums(n as u16))),
            alpha,
            workspace.matrix(n, cells),
        );
        assert_eq!(ema.to_rows(), expected, "round {round}");
        assert_eq!(totals.sums, expected_sums, "round {round}");
        let expected_max = Csr::from_rows(&expected).column_max(n as u16);
        assert_eq!(totals.max, expected_max, "round {round}");
        workspace.give_back(ema);
    }
}

#[test]
fn workspace_lends_empty_matrices_and_keeps_their_memory() {
    let mut workspace = Workspace::default();
    let mut m = workspace.matrix(3, 100);
    assert_eq!((m.row_count(), m.cell_count()), (0, 0));
    m.cells_mut().push((1, ONE));
    m.end_row();
    workspace.give_back(m);
    let again = workspace.matrix(2, 10);
    assert_eq!((again.row_count(), again.cell_count()), (0, 0));
    assert!(again.cell_capacity() >= 100);
}
