#!/usr/bin/env bash
# The real cargo-stylus against the devnet: `cargo stylus check` and `cargo stylus deploy` of a
# contract with a constructor (devnet/fixtures/counter), asserted by calls to the deployed
# contract. Kept out of ./scripts/test.sh because installing cargo-stylus takes minutes.
# Installs cargo-stylus (the version matching stylus-sdk) once; fails unless the test ran and passed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/setup.sh

# cargo-stylus and stylus-sdk are released together from one repository: keep them equal.
version=0.10.10
if ! cargo stylus --version 2>/dev/null | grep -q " $version\$"; then
  echo "test-cargo-stylus: installing cargo-stylus $version"
  cargo install --locked cargo-stylus --version "$version"
fi
cargo stylus --version

test=cargo_stylus::cargo_stylus_checks_and_deploys_with_constructor
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# The test is #[ignore]d in the normal run; --exact names it, and the check below makes sure a
# renamed test fails this script instead of matching nothing.
# --release: the devnet answers cargo-stylus faster, and the build is shared with `cargo bench`.
cargo test --release -p lpx-devnet --test it -- --ignored --exact "$test" --nocapture 2>&1 | tee "$log"
grep -q "^test $test \.\.\. ok$" "$log" || { echo "test-cargo-stylus: $test did not run and pass" >&2; exit 1; }
