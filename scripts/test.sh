#!/usr/bin/env bash
# Runs every test of lpx. Installs what is missing first (see scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/setup.sh
export PATH="$root/.tools/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "contracts: wasm build and size table (fails above 24,576 bytes compressed)"
# TicketBroker is still 2.6 KB over the limit (issue 4, open): reported, not yet enforced.
LPX_SIZE_LIMIT_EXEMPT=ticket-broker ./scripts/contract-sizes.sh

step "workspace tests"
cargo test --workspace --no-fail-fast
