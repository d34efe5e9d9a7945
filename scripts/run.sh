#!/usr/bin/env bash
# The main job: a local lpx network. Starts the devnet (an anvil-compatible chain that runs
# the real Stylus WASM) on 127.0.0.1:8545, deploys the protocol with `lpx deploy`, prints the
# addresses and leaves the network running for `cast --rpc-url devnet ...` and `lpx ...`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/setup.sh
export PATH="$root/.tools/node_modules/.bin:$PATH"

port="${LPX_DEVNET_PORT:-8545}"
url="http://127.0.0.1:$port"
./scripts/contract-sizes.sh
cargo build --release --quiet -p lpx-devnet -p lpx-cli

if curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$url"; then
  echo "something already answers on $url; stop it or set LPX_DEVNET_PORT" >&2
  exit 1
fi
target/release/lpx-devnet --port "$port" &
devnet=$!
trap 'kill $devnet 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$url" && break
  sleep 0.1
done

# The first anvil dev account deploys the devnet protocol (a well-known test key); the last
# step hands the Controller to the Treasury, so changes then go through `lpx gov`.
LPX_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
  target/release/lpx --rpc-url "$url" --deployments deployments/devnet.json deploy --config deployments/devnet.toml

cat <<MSG

The lpx devnet is running at $url (chain id $(cast chain-id --rpc-url "$url")).
Try:  cast block-number --rpc-url devnet
      target/release/lpx status
Press Ctrl-C to stop it.
MSG
wait "$devnet"
