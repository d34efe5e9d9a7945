#!/bin/sh
# Compiles the keeper's Solidity (the lens and the tests' protocol stand-in) with solc 0.8.28
# (the npm `solc` package: `npm install solc@0.8.28`), optimizer on, EVM version paris (no
# PUSH0, so any Arbitrum or anvil version runs it). Usage: SOLC_JS=path/to/node_modules/solc
# keeper/src/lens/compile.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
solc=${SOLC_JS:-solc}
compile() { # <sol file> <contract> <bin out>
  SRC="$1" NAME="$2" OUT="$3" SOLC="$solc" node -e '
    const solc = require(process.env.SOLC); const fs = require("fs"); const path = require("path");
    const name = path.basename(process.env.SRC);
    const input = { language: "Solidity", sources: { [name]: { content: fs.readFileSync(process.env.SRC, "utf8") } },
      settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "paris",
        outputSelection: { "*": { [process.env.NAME]: ["evm.bytecode.object"] } } } };
    const out = JSON.parse(solc.compile(JSON.stringify(input)));
    for (const e of out.errors || []) console.error(e.formattedMessage);
    if ((out.errors || []).some(e => e.severity === "error")) process.exit(1);
    fs.writeFileSync(process.env.OUT, out.contracts[name][process.env.NAME].evm.bytecode.object + "\n");'
}
compile "$here/KeeperLens.sol" KeeperLens "$here/KeeperLens.bin"
compile "$here/../../tests/fixtures/MockProtocol.sol" MockProtocol "$here/../../tests/fixtures/MockProtocol.bin"
