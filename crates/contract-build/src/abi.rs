//! Exporting each contract's Solidity interface (what `cargo stylus export-abi` prints) and
//! reading function signatures back out of it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, run, target_dir, ContractPackage, Error, Result};

/// File name of the committed interface in each contract crate.
pub const ABI_FILE: &str = "abi.sol";

/// One contract's exported interface.
#[derive(Debug, Clone)]
pub struct AbiExport {
    /// Cargo package name.
    pub package: String,
    /// Where the committed copy lives: `contracts/<name>/abi.sol`.
    pub path: PathBuf,
    /// The interface as the contract prints it today.
    pub text: String,
}

impl AbiExport {
    /// Whether the committed file equals the current export.
    pub fn is_current(&self) -> bool {
        std::fs::read_to_string(&self.path).is_ok_and(|committed| committed == self.text)
    }

    /// Writes the current export to the committed path.
    pub fn write(&self) -> Result<()> {
        std::fs::write(&self.path, &self.text).map_err(|source| Error::Io { path: self.path.clone(), source })
    }
}

/// Whether a contract crate has the `src/main.rs` that `cargo stylus export-abi` runs.
pub fn has_export_binary(package: &ContractPackage) -> bool {
    package.dir.join("src/main.rs").is_file()
}

/// Builds every package's `export-abi` binary natively (one cargo invocation, in a separate
/// target directory so it never waits on a running build's lock) and runs each. Packages
/// without `src/main.rs` are skipped (see [`has_export_binary`]).
pub fn export_abi(workspace_root: &Path, packages: &[ContractPackage]) -> Result<Vec<AbiExport>> {
    let packages: Vec<&ContractPackage> = packages.iter().filter(|p| has_export_binary(p)).collect();
    if packages.is_empty() {
        return Ok(Vec::new());
    }
    let target = target_dir(workspace_root).join("export-abi");
    let features: Vec<String> = packages.iter().map(|p| format!("{}/export-abi", p.package)).collect();
    let mut cmd = Command::new(cargo());
    // The binaries only print text: no debug info, which is a large share of a debug
    // build's time on the alloy and stylus-sdk dependency tree.
    cmd.current_dir(workspace_root).env("CARGO_TARGET_DIR", &target).env("CARGO_PROFILE_DEV_DEBUG", "0").args([
        "build",
        "--quiet",
        "--locked",
        "--bins",
        "--features",
        &features.join(","),
    ]);
    for p in &packages {
        cmd.args(["-p", &p.package]);
    }
    run(cmd)?;
    packages
        .iter()
        .map(|p| {
            let bin = target.join("debug").join(&p.package);
            let output = Command::new(&bin).output().map_err(|source| Error::Io { path: bin.clone(), source })?;
            if !output.status.success() {
                return Err(Error::Cargo { command: bin.display().to_string(), status: output.status });
            }
            Ok(AbiExport { package: p.package.clone(), path: p.dir.join(ABI_FILE), text: String::from_utf8_lossy(&output.stdout).into_owned() })
        })
        .collect()
}

/// Canonical signatures (`name(type,...)`) of the functions declared in an exported
/// interface, with struct parameters expanded to tuples.
pub fn exported_signatures(sol: &str) -> Vec<String> {
    let structs = struct_types(sol);
    let mut out = Vec::new();
    for line in sol.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("function ") else { continue };
        let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) else { continue };
        let params: Vec<String> = rest[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| canonical(p.split_whitespace().next().unwrap_or_default(), &structs))
            .collect();
        out.push(format!("{}({})", &rest[..open], params.join(",")));
    }
    out.sort();
    out
}

/// `struct Name { type a; ... }` blocks → `(type,...)`.
fn struct_types(sol: &str) -> BTreeMap<String, String> {
    let mut raw: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in sol.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("struct ") {
            current = Some(rest.trim_end_matches('{').trim().to_string());
            raw.insert(current.clone().unwrap_or_default(), Vec::new());
        } else if line.starts_with('}') {
            current = None;
        } else if let Some(name) = &current {
            if let Some(ty) = line.split_whitespace().next() {
                raw.entry(name.clone()).or_default().push(ty.to_string());
            }
        }
    }
    let mut resolved = BTreeMap::new();
    for (name, fields) in &raw {
        let fields: Vec<String> = fields.iter().map(|f| canonical(f, &BTreeMap::new())).collect();
        resolved.insert(name.clone(), format!("({})", fields.join(",")));
    }
    resolved
}

/// Maps a declared type to its canonical form (`uint` → `uint256`, struct → tuple).
fn canonical(ty: &str, structs: &BTreeMap<String, String>) -> String {
    let (base, suffix) = match ty.find('[') {
        Some(i) => (&ty[..i], &ty[i..]),
        None => (ty, ""),
    };
    let base = match base {
        "uint" => "uint256".to_string(),
        "int" => "int256".to_string(),
        b => structs.get(b.rsplit('.').next().unwrap_or(b)).cloned().unwrap_or_else(|| b.to_string()),
    };
    format!("{base}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_from_an_exported_interface() {
        let sol = "interface IX {\n    function getContract(bytes32 id) external view returns (address);\n    \
                   function setServiceURI(string calldata service_uri) external;\n    \
                   function redeem(IX.Ticket memory t, bytes[] calldata s, uint x) external;\n    \
                   struct Ticket {\n        address recipient;\n        bytes aux;\n    }\n}\n";
        assert_eq!(
            exported_signatures(sol),
            vec!["getContract(bytes32)".to_string(), "redeem((address,bytes),bytes[],uint256)".to_string(), "setServiceURI(string)".to_string(),]
        );
    }
}
