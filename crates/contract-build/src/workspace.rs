//! Finding the contract crates and the target directory.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Shared crates under `contracts/` that are libraries, not deployable programs.
const NOT_CONTRACTS: &[&str] = &["abi", "common"];

/// A contract crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractPackage {
    /// Directory name under `contracts/`.
    pub name: String,
    /// Cargo package name.
    pub package: String,
    /// The crate directory.
    pub dir: PathBuf,
}

/// Every contract crate under `workspace_root/contracts`, sorted by directory name.
pub fn contract_packages(workspace_root: &Path) -> Result<Vec<ContractPackage>> {
    let dir = workspace_root.join("contracts");
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
    let mut packages = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io { path: dir.clone(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let manifest = entry.path().join("Cargo.toml");
        if NOT_CONTRACTS.contains(&name.as_str()) || !manifest.is_file() {
            continue;
        }
        packages.push(ContractPackage { name, package: package_name(&manifest)?, dir: entry.path() });
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(packages)
}

fn package_name(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest).map_err(|source| Error::Io { path: manifest.into(), source })?;
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Manifest { path: manifest.into(), message: e.to_string() })?;
    doc.get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_owned)
        .ok_or_else(|| Error::Manifest { path: manifest.into(), message: "no [package] name".into() })
}

/// `CARGO_TARGET_DIR` if set (relative to `workspace_root`), else `workspace_root/target`.
pub fn target_dir(workspace_root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root.join(dir),
        None => workspace_root.join("target"),
    }
}
