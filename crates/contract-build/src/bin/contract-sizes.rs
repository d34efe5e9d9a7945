//! Builds every contract for wasm32 with the `contract` profile and prints, per contract, the
//! raw WASM size, the deployable (brotli + prefix) size and the headroom under 24,576 bytes.
//! Exits non-zero if a contract does not fit. Arguments, if any, name the contracts to build.

use std::path::PathBuf;

use anyhow::{bail, Context};

fn main() -> anyhow::Result<()> {
    let root = workspace_root();
    // Optional arguments select contracts by directory name (e.g. `minter rounds`).
    let only: Vec<String> = std::env::args().skip(1).collect();
    let mut packages = lpx_contract_build::contract_packages(&root)?;
    if !only.is_empty() {
        packages.retain(|p| only.contains(&p.name));
        if packages.len() != only.len() {
            bail!("unknown contract among {only:?}; contracts are the directories under contracts/");
        }
    }
    let built = lpx_contract_build::build(&root, &packages).context("building contracts")?;
    print!("{}", lpx_contract_build::size_table(&built));
    let over: Vec<&str> = built.iter().filter(|c| !c.fits()).map(|c| c.name.as_str()).collect();
    if !over.is_empty() {
        bail!("over the 24,576-byte limit: {}; shrink or split them", over.join(", "));
    }
    Ok(())
}

fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
