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
