//! Entry point for `cargo stylus export-abi` (`--features export-abi`); empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    lpx_treasury::print_from_args();
}
