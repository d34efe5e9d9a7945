//! `export-abi` (`--features export-abi`): prints the Solidity interface of what the
//! router serves (`lpx_bonding::interface`), for `contracts/bonding-ext/abi.sol`. Empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
/// Without `export-abi` the binary is empty (the contract is the library's `cdylib`).
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    print!("{}", lpx_bonding::interface::render(true));
}
