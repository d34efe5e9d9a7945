//! RoundsManager: the round clock, lock period and round initialization.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
