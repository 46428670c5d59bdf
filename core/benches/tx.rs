//! Building, signing and encoding one staking extrinsic (`add_stake_limit`) against the
//! spec-393 finney metadata, the key already unlocked (the password KDF is not counted).

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use taoscope_core::explorer::Rao;
use taoscope_core::keys::Keypair;
use taoscope_core::tx::{Action, ChainContext, PriceLimit, build_signed};

fn build_and_sign(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    let bytes = std::fs::read(path).expect("spec-393 metadata");
    let context = ChainContext {
        metadata: ChainContext::decode_metadata(&bytes).expect("metadata"),
        genesis_hash: [0x2f; 32],
        spec_version: 393,
        transaction_version: 1,
        era_block_number: 6_852_690,
        era_block_hash: [0xab; 32],
        nonce: 141,
    };
    let keypair = Keypair::from_uri("//Alice").expect("alice");
    let action = Action::AddStake {
        hotkey: Keypair::from_uri("//Charlie")
            .expect("charlie")
            .account_id(),
        netuid: 1,
        amount: Rao(1_500_000_000),
        limit: Some(PriceLimit {
            limit_price: 10_050_000,
            allow_partial: false,
        }),
    };
    c.bench_function("build+sign+encode add_stake_limit (spec 393)", |b| {
        b.iter(|| build_signed(&action, &context, &keypair).expect("signed"))
    });
}

criterion_group!(benches, build_and_sign);
criterion_main!(benches);
