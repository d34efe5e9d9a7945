//! The Stylus executor: code format, pricing, hostios and the wasmi runtime.

pub mod code;
pub mod exec;
pub mod host;
pub mod pricing;
pub mod runtime;

pub use code::{decode_program, is_stylus_program};
pub use runtime::{ActivationError, Program, StylusRuntime};
