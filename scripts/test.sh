#!/usr/bin/env bash
# The whole test suite: unit, replay, CLI and GUI (Xvfb) tests.
# Installs missing system packages when it can (root or sudo), then runs cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v Xvfb >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  bash scripts/install-deps.sh
fi
if [ ! -d ../shared/fixtures/finney-recorded ] && [ -z "${TAOSCOPE_FIXTURES:-}" ]; then
  echo "test.sh: ../shared/fixtures/finney-recorded is missing (set TAOSCOPE_FIXTURES)" >&2
  exit 1
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/taoscope/target}"
# Each test binary uses both cores; two binaries at a time keep memory and CPU sane.
exec cargo test --workspace --features taoscope-core/replay --locked -- --test-threads=2 "$@"
