//! Minter: per-round inflation, reward minting, and custody of bonded LPT and all ETH.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
