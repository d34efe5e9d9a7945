//! LivepeerToken (LPT): ERC-20 with protocol-restricted mint and burn.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
