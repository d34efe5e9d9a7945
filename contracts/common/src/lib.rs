//! Shared contract code: revert encoding and checked math ([`revert`]), Livepeer's
//! fixed-point libraries ([`math`]), Controller registry ids ([`ids`]) and the Manager
//! pattern with its access checks ([`controller`]), and the entry point that gives the SDK
//! router's silent reverts a message ([`entry`]), and the calldata reader of the
//! hand-written routers ([`calldata`]).
#![no_std]
extern crate alloc;

pub mod calldata;
pub mod controller;
pub mod entry;
pub mod ids;
pub mod math;
pub mod revert;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use controller::Manager;
pub use revert::{err, require, Revert};

/// The body of a contract crate's `src/main.rs` (after its
/// `#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]`): with the `export-abi`
/// feature the binary runs the given statements to print the contract's Solidity interface;
/// otherwise it is empty, since the contract itself is the library's `cdylib`.
#[macro_export]
macro_rules! export_abi_main {
    ($($print:tt)*) => {
        #[cfg(not(any(test, feature = "export-abi")))]
        /// Never called: a Stylus program is entered through `user_entrypoint`. Present only
        /// so the binary target links for wasm32 when it is not the ABI exporter.
        #[no_mangle]
        pub extern "C" fn main() {}

        #[cfg(feature = "export-abi")]
        fn main() {
            $($print)*
        }
    };
}
