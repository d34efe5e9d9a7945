//! BondingManager: staking, delegation, the transcoder pool, rewards and fees.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
