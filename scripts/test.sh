#!/usr/bin/env bash
# The whole test suite: unit, replay, CLI, keychain (real Secret Service), reference-wallet
# and GUI (Xvfb) tests. Installs what is missing when it can, then runs cargo test inside a
# private D-Bus session with an unlocked gnome-keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v Xvfb >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1 \
  || ! command -v dbus-run-session >/dev/null 2>&1; then
  bash scripts/install-deps.sh
fi
if [ ! -d ../shared/fixtures/finney-recorded ] && [ -z "${TAOSCOPE_FIXTURES:-}" ]; then
  echo "test.sh: ../shared/fixtures/finney-recorded is missing (set TAOSCOPE_FIXTURES)" >&2
  exit 1
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taoscope"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"

# The reference key library (what btcli uses) reads back the wallets we write.
venv="$cache/reference-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import bittensor_wallet' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'bittensor-wallet==4.1.1'
fi
export TAOSCOPE_REFERENCE_PYTHON="$venv/bin/python"

# A fresh keyring per run: gnome-keyring keeps it under XDG_DATA_HOME.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
# Two test threads per binary: the machine has two cores, and the KDF takes 512 MiB a run.
exec dbus-run-session -- sh -c '
  printf %s "taoscope-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec cargo test --workspace --features taoscope-core/replay --locked --no-fail-fast -- --test-threads=2 "$@"
' sh "$@"
