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
    // A contract still being shrunk can be named in LPX_SIZE_LIMIT_EXEMPT (comma-separated):
    // it is reported as over, loudly, but does not fail the run.
    let exempt: Vec<String> =
        std::env::var("LPX_SIZE_LIMIT_EXEMPT").map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    let (waived, over): (Vec<&str>, Vec<&str>) = built.iter().filter(|c| !c.fits()).map(|c| c.name.as_str()).partition(|n| exempt.iter().any(|e| e == n));
    if !waived.is_empty() {
        eprintln!("WARNING: over the 24,576-byte limit but exempted by LPX_SIZE_LIMIT_EXEMPT: {}", waived.join(", "));
    }
    if !over.is_empty() {
        bail!("over the 24,576-byte limit: {}; shrink or split them", over.join(", "));
    }
    Ok(())
}

fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
