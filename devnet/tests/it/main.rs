//! Integration tests: a real devnet over HTTP, driven by alloy clients and `cast`.

mod cargo_stylus;
mod common;
mod parity;
mod rpc;
mod stylus_sdk;
mod stylus_wat;
