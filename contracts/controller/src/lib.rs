//! Controller: the protocol's contract registry, pause switch and owner.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
