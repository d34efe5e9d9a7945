#!/usr/bin/env bash
# Runs every test of lpx. Installs what is missing first (see scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/setup.sh
export PATH="$root/.tools/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "format (rustfmt.toml; fix with cargo fmt --all)"
cargo fmt --all --check

step "lints: clippy, warnings are errors"
cargo clippy --workspace --all-targets -q -- -D warnings

step "contracts: wasm build and size table (fails above 24,576 bytes compressed)"
./scripts/contract-sizes.sh

step "workspace tests"
cargo test --workspace --no-fail-fast
