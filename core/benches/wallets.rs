//! Wallet speed: listing a folder of 50 wallets (target < 50 ms) and unlocking one NaCl
//! coldkey, which Argon2i (512 MiB, 8 passes) dominates by design.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use taoscope_core::keys::{Keypair, Mnemonic, WordCount};
use taoscope_core::wallet::{Wallets, keyfile_json, public_keyfile_json};

/// Writes `count` btcli-layout wallets with two hotkeys each, without paying the KDF:
/// listing reads only public files, so a placeholder coldkey file is enough.
fn write_wallets(root: &Path, count: usize) {
    for i in 0..count {
        let dir = root.join(format!("wallet-{i:02}"));
        let hotkeys = dir.join("hotkeys");
        std::fs::create_dir_all(&hotkeys).expect("dirs");
        let cold = Keypair::generate(WordCount::Twelve).expect("key");
        std::fs::write(dir.join("coldkey"), b"$NACL placeholder").expect("write");
        std::fs::write(
            dir.join("coldkeypub.txt"),
            public_keyfile_json(&cold.account_id()),
        )
        .expect("write");
        for name in ["default", "miner"] {
            let hot = Keypair::generate(WordCount::Twelve).expect("key");
            std::fs::write(hotkeys.join(name), keyfile_json(&hot).as_slice()).expect("write");
            std::fs::write(
                hotkeys.join(format!("{name}pub.txt")),
                public_keyfile_json(&hot.account_id()),
            )
            .expect("write");
        }
    }
}

fn listing(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_wallets(dir.path(), 50);
    let wallets = Wallets::new(dir.path());
    assert_eq!(wallets.list().expect("lists").len(), 50);
    c.bench_function("list 50 wallets", |b| {
        b.iter(|| wallets.list().expect("lists"))
    });
}

fn unlocking(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let wallets = Wallets::new(dir.path());
    let phrase = Mnemonic::generate(WordCount::Twelve).expect("phrase");
    let wallet = wallets
        .import("bench", &phrase, "bench-password", None, Default::default())
        .expect("import");
    let mut group = c.benchmark_group("nacl");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    group.bench_function("unlock coldkey (Argon2i 512 MiB)", |b| {
        b.iter(|| wallet.unlock_coldkey("bench-password").expect("unlocks"))
    });
    group.finish();
}

criterion_group!(benches, listing, unlocking);
criterion_main!(benches);
