#!/usr/bin/env bash
# Builds every contract to WASM and prints the size table; fails above Arbitrum's limit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run --quiet --release -p lpx-contract-build --bin contract-sizes
