//! ServiceRegistry: orchestrator service URIs.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
