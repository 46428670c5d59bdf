#!/usr/bin/env python3
"""A float64 numpy version of the Yuma epoch, timed on the inputs of core/benches/yuma.rs.

The synthetic subnets come from the same splitmix64 stream as the Rust benchmark, draw
for draw, so both time the very same epoch. numpy is dense (n x n); the Rust code is the
chain's sparse, fixed-point epoch. This is a speed reference, not a second reference
implementation: it follows the chain's steps in plain float64.

Usage (numpy in a throwaway venv, not in the repo):
    python3 -m venv /tmp/yuma-venv && /tmp/yuma-venv/bin/pip install numpy
    /tmp/yuma-venv/bin/python scripts/yuma_numpy_bench.py [--repeat 200]
    # also write each input as a case file and compare with the fixed-point CLI:
    /tmp/yuma-venv/bin/python scripts/yuma_numpy_bench.py --check target/release/taoscope
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

MASK64 = (1 << 64) - 1


class SplitMix64:
    """The generator of core/benches/yuma.rs."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, bound):
        return self.next() % bound


def synthetic(n, validators, yuma3, seed):
    """Same draws, same order as `synthetic` in core/benches/yuma.rs."""
    rng = SplitMix64(seed)
    v = validators
    current_block = 1_000_000
    stake, last_update, registration = [], [], []
    for uid in range(n):
        if uid < v:
            s = 1_000_000_000_000 + rng.below(1_000_000_000_000_000)
        else:
            s = rng.below(1_000_000_000)
        stake.append(s)
        last_update.append(current_block - rng.below(200))
        registration.append(rng.below(current_block - 1_000))
    weights = [[] for _ in range(n)]
    bonds = [[] for _ in range(n)]
    for uid in range(v):
        for miner in range(v, n):
            if rng.below(2) == 0:
                value = 0 if rng.below(16) == 0 else 1 + rng.below(65_535)
                weights[uid].append([miner, value])
            if rng.below(2) == 0:
                cap = 20_000 if yuma3 else 65_535
                bonds[uid].append([miner, 1 + rng.below(cap)])
    params = {
        "kappa": 32767, "bonds_penalty": 65535, "bonds_moving_average": 900000,
        "tempo": 360, "activity_cutoff": 5000, "max_allowed_validators": validators,
        "liquid_alpha_enabled": yuma3, "alpha_low": 45875, "alpha_high": 58982,
        "alpha_sigmoid_steepness": 1000, "yuma3_enabled": yuma3, "stake_threshold": 0,
        "owner_uid": None, "commit_reveal_enabled": False,
    }
    inputs = {
        "n": n, "stake": stake, "weights": weights, "bonds": bonds,
        "last_update": last_update, "block_at_registration": registration,
        "current_block": current_block, "validator_permit": [u < v for u in range(n)],
        "last_mechanism_step_block": 0, "rao_emission": 360 * 410_000_000,
    }
    return params, inputs


def coo(rows, n):
    """Sparse rows as (row, col, value) arrays, cells >= n dropped."""
    r, c, x = [], [], []
    for i, row in enumerate(rows[:n]):
        for j, val in row:
            if j < n:
                r.append(i)
                c.append(j)
                x.append(val)
    return np.array(r, dtype=np.int64), np.array(c, dtype=np.int64), np.array(x, dtype=np.float64)


def normalize(x):
    s = x.sum()
    return x / s if s != 0 else x


def col_normalize(m):
    s = m.sum(axis=0)
    return np.divide(m, s, out=m.copy(), where=s != 0)


def weighted_median_cols(stake, w, kappa):
    """Per column: the smallest value whose cumulative stake exceeds (sum - kappa)."""
    voters = stake > 0
    k = int(voters.sum())
    n = w.shape[1]
    if k == 0:
        return np.zeros(n)
    s = normalize(stake[voters])
    minority = s.sum() - kappa
    scores = w[voters]
    order = np.argsort(scores, axis=0, kind="stable")
    sorted_scores = np.take_along_axis(scores, order, axis=0)
    cum = np.cumsum(s[order], axis=0)
    # Ties: S(<= v) includes every equal score, so take the cumulative stake at the last tie.
    last_of_tie = np.ones_like(sorted_scores, dtype=bool)
    last_of_tie[:-1] = sorted_scores[1:] != sorted_scores[:-1]
    hit = (cum > minority) & last_of_tie
    idx = np.where(hit.any(axis=0), hit.argmax(axis=0), k - 1)
    return sorted_scores[idx, np.arange(n)]


def epoch(p, n, stake, w_coo, b_coo, last_update, registration, permit, current_block, emission):
    """One epoch in float64, dense, with the chain's steps."""
    active = last_update + p["activity_cutoff"] >= current_block
    s = stake.copy()
    s[s < p["stake_threshold"]] = 0.0
    s = normalize(s)
    k = p["max_allowed_validators"]
    new_permit = s != 0
    if n >= k:
        new_permit[np.argsort(s, kind="stable")[: n - k]] = False
    a = normalize(s * active * permit)

    wr, wc, wx = w_coo
    w = np.zeros((n, n))
    cell = np.zeros((n, n), dtype=bool)
    keep = permit[wr] & (wr != wc) & (last_update[wr] > registration[wc])
    w[wr[keep], wc[keep]] = wx[keep]
    cell[wr[keep], wc[keep]] = True
    rs = w.sum(axis=1, keepdims=True)
    w = np.divide(w, rs, out=w, where=rs > 0)

    c = weighted_median_cols(a, w, p["kappa"] / 65535.0)
    clipped = np.minimum(w, c)
    vt = clipped.sum(axis=1)
    incentive = normalize(a @ clipped)
    bp = p["bonds_penalty"] / 65535.0
    wb = w + bp * (clipped - w)
    wb_cell = cell & ((clipped > 0) | (w == 0)) if bp == 1.0 else cell
    alpha = 1.0 - p["bonds_moving_average"] / 1e6
    last_tempo = current_block - p["tempo"]

    br, bc, bx = b_coo
    b = np.zeros((n, n))
    fresh = last_tempo <= registration[bc]
    b[br[~fresh], bc[~fresh]] = bx[~fresh]
    if p["yuma3_enabled"]:
        b /= 65535.0
        if p["liquid_alpha_enabled"] and c.any():
            lo, hi = p["alpha_low"] / 65535.0, p["alpha_high"] / 65535.0
            buy = np.clip(wb - c, 0.0, 1.0)
            sell = np.clip(b - wb, 0.0, 1.0)
            d = np.where(wb >= b, buy, sell)
            steep = p["alpha_sigmoid_steepness"] / 100.0
            sig = 1.0 / (1.0 + np.exp(np.clip(-steep * (d - 0.5), -20, 20)))
            al = np.clip(lo + sig * (hi - lo), lo, hi)
            ema = np.where(wb_cell, np.minimum(1.0, (1 - al) * b + al * wb), 0.0)
        else:
            ema = alpha * wb + (1 - alpha) * b
        dividends = normalize((col_normalize(ema) @ incentive) * a)
        stored = ema
    else:
        b = col_normalize(b)
        delta = col_normalize(wb * a[:, None])
        ema = col_normalize(alpha * delta + (1 - alpha) * b)
        dividends = normalize(ema @ incentive)
        m = ema.max(axis=0)
        stored = np.divide(ema, m, out=ema.copy(), where=m != 0)
    total = incentive.sum() + dividends.sum()
    server = incentive / total * emission if total else np.zeros(n)
    validator = dividends / total * emission if total else a * emission
    bonds_u16 = np.where(new_permit[:, None], np.floor(stored * 65535), 0)
    return {
        "consensus": c, "validator_trust": vt, "incentive": incentive,
        "dividends": dividends, "server_emission_rao": np.floor(server),
        "validator_emission_rao": np.floor(validator), "bonds_u16": bonds_u16,
    }


def prepare(params, inputs):
    n = inputs["n"]
    return dict(
        p=params, n=n,
        stake=np.array(inputs["stake"], dtype=np.float64),
        w_coo=coo(inputs["weights"], n),
        b_coo=coo(inputs["bonds"], 1 << 30),
        last_update=np.array(inputs["last_update"], dtype=np.int64),
        registration=np.array(inputs["block_at_registration"], dtype=np.int64),
        permit=np.array(inputs["validator_permit"], dtype=bool),
        current_block=inputs["current_block"], emission=float(inputs["rao_emission"]),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=200, help="epochs timed per case")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--check", metavar="TAOSCOPE", help="compare with `TAOSCOPE yuma` on the same input")
    args = ap.parse_args()
    for n, v in [(256, 64), (1024, 256)]:
        for label, yuma3 in [("yuma2", False), ("yuma3_liquid_alpha", True)]:
            params, inputs = synthetic(n, v, yuma3, args.seed)
            data = prepare(params, inputs)
            epoch(**data)  # warm-up
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                out = epoch(**data)
                times.append(time.perf_counter() - t0)
            median_ms = 1e3 * float(np.median(times))
            line = f"epoch_{n}_uids_{v}_validators_{label}: numpy float64 median {median_ms:.3f} ms"
            if args.check:
                line += "; " + check(args.check, params, inputs, out)
            print(line, flush=True)


def check(binary, params, inputs, out):
    """Runs the fixed-point CLI on the same case and reports the largest differences."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "case.json")
        with open(path, "w") as f:
            json.dump({"params": params, "inputs": inputs}, f)
        res = subprocess.run([binary, "yuma", "--input", path, "--json"], capture_output=True, text=True)
        if res.returncode != 0:
            return f"taoscope failed: {res.stderr.strip()}"
        fixed = json.loads(res.stdout)
    parts = []
    for field in ["consensus", "incentive", "dividends", "validator_trust"]:
        diff = np.max(np.abs(np.array(fixed[field]) - out[field]))
        parts.append(f"{field} max|diff| {diff:.2e}")
    diff = np.max(np.abs(np.array(fixed["bonds_u16"]) - out["bonds_u16"]))
    parts.append(f"bonds_u16 max|diff| {diff:.0f}")
    return ", ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
