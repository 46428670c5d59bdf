#!/usr/bin/env bash
# A cold `taoscope metagraph --netuid 1 --json` next to the Python SDK (bittensor 10.2.0,
# `Subtensor(network=url).metagraph(1)`) and agcli (`SyncClient.get_metagraph`), each as a
# new process against a fresh `taoscope-replay --seed metagraph` on loopback, so no network
# and the same recorded finney answers (netuid 1, 1,024 neurons, block 6,852,690).
#
# Prints, per run: wall time of the whole process (start, connect, read, decode, print),
# JSON-RPC requests the replay served, and how many it could not answer.
#
#   scripts/bench-metagraph-peers.sh            # RUNS=5 PORT=9944
#   PEERS_VENV=/tmp/taoscope-peers scripts/bench-metagraph-peers.sh --install-peers
#   BIN_DIR=/path/with/release/binaries scripts/bench-metagraph-peers.sh
#
# --install-peers makes a virtualenv outside the repository with bittensor==10.2.0
# (async-substrate-interface<1.7, as that release needs) and agcli-bittensor. Peers that are
# not installed are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-9944}
RUNS=${RUNS:-5}
VENV=${PEERS_VENV:-/tmp/taoscope-peers}
TARGET=${CARGO_TARGET_DIR:-target}
URL="ws://127.0.0.1:$PORT"

if [[ "${1:-}" == "--install-peers" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "bittensor==10.2.0" "async-substrate-interface<1.7" || true
  "$VENV/bin/pip" install -q agcli-bittensor || true
fi

# BIN_DIR: use already-built release binaries from there instead of building.
if [[ -n "${BIN_DIR:-}" ]]; then
  REPLAY="$BIN_DIR/taoscope-replay"
  TAOSCOPE="$BIN_DIR/taoscope"
else
  cargo build --quiet --release -p taoscope -p taoscope-core --features taoscope-core/replay --bins
  REPLAY="$TARGET/release/taoscope-replay"
  TAOSCOPE="$TARGET/release/taoscope"
fi
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# One measured run of "$@": a fresh replay, the command, then SIGINT to read the counts.
measure() {
  local name=$1
  shift
  "$REPLAY" --seed metagraph --port "$PORT" --log >/dev/null 2>"$LOG" &
  local replay=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.05
  done
  local start end status=ok
  start=$(date +%s%N)
  if ! "$@" >/dev/null 2>>"$LOG.err"; then status=failed; fi
  end=$(date +%s%N)
  sleep 0.1
  kill -INT "$replay"
  wait "$replay" || true
  local requests unanswered
  requests=$(grep -c '^request ' "$LOG" || true)
  unanswered=$(grep -c 'no recorded answer' "$LOG" || true)
  printf '%-10s %8.3f s  %3d requests  %2d unanswered  %s\n' \
    "$name" "$(echo "($end - $start) / 1000000000" | bc -l)" "$requests" "$unanswered" "$status"
}

echo "metagraph of netuid 1 (1,024 neurons) from the replay at $URL, $RUNS cold runs each"
# A throwaway config dir, so the user's settings do not matter.
export TAOSCOPE_CONFIG_DIR
TAOSCOPE_CONFIG_DIR=$(mktemp -d)
for _ in $(seq "$RUNS"); do
  measure taoscope "$TAOSCOPE" metagraph --netuid 1 --network "$URL" --json
done

PY="$VENV/bin/python"
if [[ -x "$PY" ]] && "$PY" -c 'import bittensor' 2>/dev/null; then
  for _ in $(seq "$RUNS"); do
    measure bittensor "$PY" -c "
import bittensor as bt
m = bt.Subtensor(network='$URL').metagraph(1)
assert int(m.n) == 1024, m.n
"
  done
else
  echo "bittensor: not installed in $VENV (run with --install-peers)"
fi

if [[ -x "$PY" ]] && "$PY" -c 'import agcli' 2>/dev/null; then
  for _ in $(seq "$RUNS"); do
    measure agcli "$PY" -c "
from agcli import SyncClient
m = SyncClient.connect('$URL').get_metagraph(1)
"
  done
else
  echo "agcli: not installed in $VENV (run with --install-peers)"
fi
if [[ -s "$LOG.err" ]]; then
  echo "--- stderr of failed or noisy runs (last lines) ---"
  tail -n 5 "$LOG.err"
fi
rm -f "$LOG.err"
