#!/usr/bin/env python3
"""Times the reference key library (bittensor-wallet, what btcli uses) unlocking a NaCl
coldkey, to compare with `cargo bench -p taoscope-core --bench wallets`.

Usage: python scripts/bench-wallet-reference.py [WALLETS_DIR]  (needs bittensor-wallet;
scripts/test.sh makes a venv with it under ~/.cache/taoscope/reference-venv)."""
import statistics
import sys
import time
from pathlib import Path

import bittensor_wallet as bw

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/vectors/keys/wallets"
wallet = bw.Wallet(name="alice-nacl", path=str(root))
times = []
for _ in range(5):
    start = time.perf_counter()
    wallet.coldkey_file.get_keypair(password="correct horse battery staple")
    times.append(time.perf_counter() - start)
print(f"bittensor-wallet {bw.__version__} NaCl unlock: median {statistics.median(times):.3f} s "
      f"(min {min(times):.3f}, max {max(times):.3f}, n={len(times)})")
