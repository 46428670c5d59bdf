#!/usr/bin/env bash
# Rebuilds assets/snapshot/finney-6852690.json.gz from the recorded finney traffic only:
# `taoscope snapshot save` against `taoscope-replay --seed metagraph` on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
PORT=${PORT:-9966}
cargo build --quiet -p taoscope -p taoscope-core --features taoscope-core/replay --bins
"$TARGET/debug/taoscope-replay" --seed metagraph --port "$PORT" >/dev/null &
replay=$!
trap 'kill -INT "$replay" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.05
done
TAOSCOPE_CONFIG_DIR=$(mktemp -d) "$TARGET/debug/taoscope" snapshot save \
  --network "ws://127.0.0.1:$PORT" --netuid 1 --metagraphs-only \
  --out assets/snapshot/finney-6852690.json.gz
