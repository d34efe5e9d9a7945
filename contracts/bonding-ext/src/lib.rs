//! The BondingManager extension program (see `lpx_bonding::ext`): the same crate compiled
//! with its `extension` feature, which swaps the main entry point for the extension's.
//! Deploy it and register it in the Controller as "BondingManagerExtension"
//! ([`EXTENSION_ID`]); the main BondingManager forwards the extension's selectors to it.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

pub use lpx_bonding::router::EXTENSION_ID;
