//! Builds the Stylus contracts to WASM, compresses them as cargo-stylus does and reports sizes.
