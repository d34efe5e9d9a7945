//! Entry point for `cargo stylus export-abi` (`--features export-abi`); empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
/// Never called: a Stylus program is entered through `user_entrypoint`. Present only so the
/// binary target links for wasm32 when it is not the ABI exporter.
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    lpx_service_registry::print_from_args();
}
