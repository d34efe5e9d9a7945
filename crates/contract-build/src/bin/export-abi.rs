//! Exports every contract's Solidity interface and compares it with the committed
//! `contracts/<name>/abi.sol`. `--write` updates the files instead.

use std::path::PathBuf;

use anyhow::{bail, Context};

fn main() -> anyhow::Result<()> {
    let write = match std::env::args().nth(1).as_deref() {
        None | Some("--check") => false,
        Some("--write") => true,
        Some(other) => bail!("unknown argument {other:?}; use --check (default) or --write"),
    };
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let packages = lpx_contract_build::contract_packages(&root)?;
    for p in packages.iter().filter(|p| !lpx_contract_build::has_export_binary(p)) {
        eprintln!("note: {} has no src/main.rs; its interface is not exported", p.package);
    }
    let exports = lpx_contract_build::export_abi(&root, &packages).context("exporting ABIs")?;
    let mut stale = Vec::new();
    for export in &exports {
        if export.is_current() {
            continue;
        }
        if write {
            export.write()?;
            println!("wrote {}", export.path.display());
        } else {
            stale.push(export.path.display().to_string());
        }
    }
    if !stale.is_empty() {
        bail!("stale: {}; run `cargo run -p lpx-contract-build --bin export-abi -- --write`", stale.join(", "));
    }
    Ok(())
}
