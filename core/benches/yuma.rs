//! One Yuma epoch on seeded synthetic subnets: 256 uids / 64 validators and 1024 / 256,
//! Yuma 2 and Yuma 3 with liquid alpha.
//!
//! The generator is a splitmix64 stream that `scripts/yuma_numpy_bench.py` repeats
//! number for number, so the float64 numpy version times the very same input.
//! Run: `cargo bench -p taoscope-core --bench yuma`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use taoscope_core::yuma::{EpochInput, EpochParams, I64F64, run_epoch};

/// splitmix64: tiny, and trivial to repeat exactly in Python.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// A subnet with `validators` staked validators weighting about half of the miners each
/// (one cell in 16 a stored zero), with prior bonds, all from `seed`.
fn synthetic(n: u16, validators: u16, yuma3: bool, seed: u64) -> (EpochParams, EpochInput) {
    let mut rng = SplitMix64(seed);
    let n_usize = n as usize;
    let v = validators as usize;
    let current_block = 1_000_000u64;
    let mut stake = Vec::with_capacity(n_usize);
    let mut last_update = Vec::with_capacity(n_usize);
    let mut block_at_registration = Vec::with_capacity(n_usize);
    for uid in 0..n_usize {
        let s = if uid < v {
            1_000_000_000_000 + rng.below(1_000_000_000_000_000)
        } else {
            rng.below(1_000_000_000)
        };
        stake.push(I64F64::from_num(s));
        last_update.push(current_block - rng.below(200));
        block_at_registration.push(rng.below(current_block - 1_000));
    }
    let mut weights = vec![Vec::new(); n_usize];
    let mut bonds = vec![Vec::new(); n_usize];
    for (w_row, b_row) in weights.iter_mut().zip(bonds.iter_mut()).take(v) {
        for miner in v..n_usize {
            if rng.below(2) == 0 {
                let value = if rng.below(16) == 0 {
                    0
                } else {
                    1 + rng.below(65_535) as u16
                };
                w_row.push((miner as u16, value));
            }
            if rng.below(2) == 0 {
                let cap = if yuma3 { 20_000 } else { 65_535 };
                b_row.push((miner as u16, 1 + rng.below(cap) as u16));
            }
        }
    }
    let params = EpochParams {
        max_allowed_validators: validators,
        yuma3_enabled: yuma3,
        liquid_alpha_enabled: yuma3,
        ..EpochParams::default()
    };
    let input = EpochInput {
        n,
        stake,
        weights,
        bonds,
        last_update,
        block_at_registration,
        validator_permit: (0..n_usize).map(|uid| uid < v).collect(),
        current_block,
        last_mechanism_step_block: 0,
        rao_emission: 360 * 410_000_000,
        commit_block: None,
    };
    (params, input)
}

fn epochs(c: &mut Criterion) {
    for (n, v) in [(256u16, 64u16), (1024, 256)] {
        for (label, yuma3) in [("yuma2", false), ("yuma3_liquid_alpha", true)] {
            let (params, input) = synthetic(n, v, yuma3, 42);
            c.bench_function(&format!("epoch_{n}_uids_{v}_validators_{label}"), |b| {
                b.iter(|| run_epoch(black_box(&params), black_box(&input)))
            });
        }
    }
}

criterion_group!(benches, epochs);

/// `YUMA_BENCH_LOOP=N` runs each case N times in a plain loop and prints the mean, for
/// `perf stat` (CPU time is steadier than wall time on a shared machine); `YUMA_BENCH_CASE`
/// picks cases whose name contains it. Otherwise Criterion runs as usual.
fn main() {
    if let Some(loops) = std::env::var("YUMA_BENCH_LOOP")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        let filter = std::env::var("YUMA_BENCH_CASE").unwrap_or_default();
        for (n, v) in [(256u16, 64u16), (1024, 256)] {
            for (label, yuma3) in [("yuma2", false), ("yuma3_liquid_alpha", true)] {
                let name = format!("epoch_{n}_uids_{v}_validators_{label}");
                if !name.contains(&filter) {
                    continue;
                }
                let (params, input) = synthetic(n, v, yuma3, 42);
                let start = std::time::Instant::now();
                for _ in 0..loops {
                    let _ = black_box(run_epoch(black_box(&params), black_box(&input)));
                }
                let mean = start.elapsed() / loops.max(1);
                println!("{name}: {mean:?} per epoch (wall, {loops} loops)");
            }
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
