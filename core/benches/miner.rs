//! The per-sample cost of GPU monitoring on the nvidia-smi path: parse one CSV line and push
//! the sample into the ring. Sampling runs every 2 s, so the budget of 1 % of one core is
//! 20 ms per sample; NVML's path makes a few library calls instead and no parsing.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use taoscope_core::miner::monitor::{GpuSample, Ring, push_smi_line};

fn sample(c: &mut Criterion) {
    let mut ring: Ring<GpuSample> = Ring::new(1800);
    let line = "0, NVIDIA GeForce RTX 4090, 24564, 1203, 550.54.15, 97, 71, 431.27";
    let mut at = 0u64;
    c.bench_function("gpu sample: parse one nvidia-smi line + push", |b| {
        b.iter(|| {
            at += 2000;
            push_smi_line(&mut ring, black_box(line), at).expect("parses");
        })
    });
}

criterion_group!(benches, sample);
criterion_main!(benches);
