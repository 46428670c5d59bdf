//! How long a 1024-neuron metagraph takes to decode and to turn into a table, on the
//! recorded finney answers for netuid 1 (block 6,852,690, spec 343).
//!
//! `cargo bench -p taoscope-core --bench metagraph` (add `-- --quick` for a short run).
//! Targets: decoding under 5 ms, the table under 2 ms.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use taoscope_core::explorer::decode::{decode_metagraph, decode_neurons_lite};
use taoscope_core::explorer::table::{MetagraphColumn, MetagraphTable};

fn benches(c: &mut Criterion) {
    let md = common::metadata_343();
    let lite = common::recorded_state_call("metagraph", "NeuronInfoRuntimeApi_get_neurons_lite");
    let selective =
        common::recorded_state_call("metagraph", "SubnetInfoRuntimeApi_get_selective_mechagraph");

    c.bench_function("decode get_neurons_lite (1024 neurons)", |b| {
        b.iter(|| decode_neurons_lite(&md, black_box(&lite)).map(|n| n.len()))
    });
    c.bench_function("decode get_selective_mechagraph (1024 neurons)", |b| {
        b.iter(|| {
            decode_metagraph(&md, "get_selective_mechagraph", black_box(&selective), 1, 0)
                .map(|m| m.n)
        })
    });
    let metagraph =
        decode_metagraph(&md, "get_selective_mechagraph", &selective, 1, 0).expect("decodes");
    c.bench_function("build table model (1024 rows)", |b| {
        b.iter(|| MetagraphTable::build(black_box(&metagraph)).rows.len())
    });
    let table = MetagraphTable::build(&metagraph);
    c.bench_function("sort table by stake (1024 rows)", |b| {
        b.iter(|| {
            let mut t = table.clone();
            t.sort_by(MetagraphColumn::Stake, true);
            t.rows.len()
        })
    });
}

/// Encoding addresses is a large share of a metagraph decode: 2,048 keys per 1,024 UIDs.
fn ss58_bench(c: &mut Criterion) {
    let keys: Vec<[u8; 32]> = (0..2048u32)
        .map(|i| {
            let mut key = [7u8; 32];
            key[..4].copy_from_slice(&i.to_le_bytes());
            key
        })
        .collect();
    c.bench_function("ss58 encode x2048", |b| {
        b.iter(|| {
            keys.iter()
                .map(|k| taoscope_core::explorer::ss58::encode(black_box(k)).len())
                .sum::<usize>()
        })
    });
}

criterion_group!(metagraph, benches, ss58_bench);
criterion_main!(metagraph);
