#!/usr/bin/env bash
# Regenerates the README's screenshots with `taoscope --screenshot` under Xvfb.
# Needs: a build with the replay feature (`cargo build -p taoscope -p taoscope-core
# --features taoscope-core/replay`), Xvfb, and ../shared/fixtures beside the repository.
# Every picture's data: the replayed finney recording, the bundled snapshot, or the
# replay rig's made-up --demo-stake answers (the README captions say which).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-target}/debug"
OUT="${1:-docs/screenshots}"
mkdir -p "$OUT"
DISPLAY_NUMBER="${SCREENSHOT_DISPLAY:-:79}"
PORT="${SCREENSHOT_PORT:-9791}"
work="$(mktemp -d)"
replay_pid=""
xvfb_pid=""
cleanup() {
    for pid in $replay_pid $xvfb_pid; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$DISPLAY_NUMBER" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!

# A demo wallet from a fixed, public test phrase (never use it for money).
echo "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about" >"$work/phrase"
echo "screenshot-only" >"$work/password"
"$TARGET/taoscope" wallet import --name demo --wallet-path "$work/wallets" \
    --mnemonic-file "$work/phrase" --hotkey-mnemonic-file "$work/phrase" \
    --password-file "$work/password" --json >"$work/wallet.json"
coldkey="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["coldkey_ss58"])' "$work/wallet.json")"

"$TARGET/taoscope-replay" --seed metagraph --port "$PORT" --demo-stake "$coldkey" >/dev/null 2>&1 &
replay_pid=$!
sleep 2
live="ws://127.0.0.1:$PORT"

shot() { # shot FILE ARGS...
    local file="$1"
    shift
    DISPLAY="$DISPLAY_NUMBER" TAOSCOPE_CONFIG_DIR="$(mktemp -d -p "$work")" \
        timeout 90 "$TARGET/taoscope" --wallet-path "$work/wallets" --screenshot "$OUT/$file" "$@" >/dev/null
    echo "$OUT/$file"
}

shot wallet.png --network "$live" --page wallet

shot subnets-ru.png --page subnets --lang ru
shot subnet.png --network "$live" --page subnet:1
shot subnet-ru.png --network "$live" --page subnet:1 --lang ru
shot subnet-hyperparams.png --network "$live" --page subnet:1 --neuron 0
shot subnet-hyperparams-ru.png --network "$live" --page subnet:1 --neuron 0 --lang ru
shot subnets-offline.png --network ws://127.0.0.1:1 --snapshot bundled --page subnets
shot stake.png --network ws://127.0.0.1:1 --snapshot bundled --page stake
shot forecast.png --network ws://127.0.0.1:1 --snapshot bundled --page forecast
shot forecast-ru.png --network ws://127.0.0.1:1 --snapshot bundled --page forecast --lang ru
shot whatif.png --network ws://127.0.0.1:1 --snapshot bundled --page whatif:1
shot shell.png --network "$live" --page settings
shot settings-ru.png --network "$live" --page settings --lang ru

# The Miner page with a running miner that the window re-attaches to: a test profile in
# the config folder (no GPU needed) started in the background by the CLI, as a user would.
miner_config="$work/miner-config"
miner_data="$work/miner-data"
mkdir -p "$miner_config/miners" "$work/wallets/demo/hotkeys"
cat >"$work/miner.sh" <<'MINER'
#!/bin/sh
echo "test miner up: serving on port 8091"
i=0
while :; do
    i=$((i + 1))
    if [ $((i % 9)) -eq 0 ]; then echo "WARNING: validator 5F3sa… timed out, retrying"; fi
    echo "step $i | processed request $((i * 7)) | latency $((20 + i)) ms"
    sleep 0.2
done
MINER
cat >"$miner_config/miners/test-miner.toml" <<PROFILE
name = "test-miner"
netuid = 1
display_name = "Test miner"
description = "Prints a request log; needs no GPU."
[gpu]
min_vram_mb = 0
class = "none"
[[setup]]
name = "prepare"
command = ["sh", "-c", "echo preparing for {hotkey}"]
[launch]
command = ["sh", "$work/miner.sh"]
[health]
pattern = 'processed request \d+'
PROFILE
TAOSCOPE_CONFIG_DIR="$miner_config" TAOSCOPE_DATA_DIR="$miner_data" \
    "$TARGET/taoscope" miner run --profile test-miner --wallet demo --hotkey default \
    --wallet-path "$work/wallets" --network "$live" --detach --skip-registration-check >/dev/null 2>&1
sleep 6
DISPLAY="$DISPLAY_NUMBER" TAOSCOPE_CONFIG_DIR="$miner_config" TAOSCOPE_DATA_DIR="$miner_data" \
    timeout 90 "$TARGET/taoscope" --wallet-path "$work/wallets" --network "$live" \
    --screenshot "$OUT/miner.png" --page miner >/dev/null
echo "$OUT/miner.png"
pkill -f "$work/miner.sh" 2>/dev/null || true

# The Stake review and progress against the scripted node (spec 393, made-up subnet
# "apex"): a real sim_swap quote, then a real signed submit followed to a final block,
# signed with the alice-nacl test wallet from ../shared/vectors.
kill "$replay_pid" 2>/dev/null || true
alice="../shared/vectors/keys/wallets/alice-nacl"
mkdir -p "$work/alice-wallets/alice"
cp "$alice/coldkey" "$alice/coldkeypub.txt" "$work/alice-wallets/alice/"
"$TARGET/taoscope-scripted-node" --stake-scene --port "$PORT" \
    --signer 5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1 >/dev/null 2>&1 &
replay_pid=$!
sleep 1
for page in stake-review stake-progress; do
    DISPLAY="$DISPLAY_NUMBER" TAOSCOPE_CONFIG_DIR="$(mktemp -d -p "$work")" \
        TAOSCOPE_SCREENSHOT_PASSWORD="correct horse battery staple" \
        timeout 90 "$TARGET/taoscope" --network "$live" --wallet-path "$work/alice-wallets" \
        --screenshot "$OUT/$page.png" --page "$page" >/dev/null
    echo "$OUT/$page.png"
done
