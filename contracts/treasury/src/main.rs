//! Entry point for `cargo stylus export-abi` (`--features export-abi`); empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

lpx_contracts_common::export_abi_main!(lpx_treasury::print_from_args(););
