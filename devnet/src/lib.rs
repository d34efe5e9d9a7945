//! An anvil-compatible local Arbitrum chain that executes real Stylus WASM.
