#!/usr/bin/env bash
# The main job. Today: build every contract to WASM and print the size table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/setup.sh
./scripts/contract-sizes.sh
