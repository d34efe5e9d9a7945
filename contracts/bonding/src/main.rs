//! `export-abi` (`--features export-abi`): prints the Solidity interface of what the
//! router serves (`lpx_bonding::interface`), for `contracts/bonding/abi.sol`. Empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

lpx_contracts_common::export_abi_main!(print!("{}", lpx_bonding::interface::render(false)););
