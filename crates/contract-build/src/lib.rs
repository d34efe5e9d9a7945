//! Builds the Stylus contracts to WASM, turns each into the code Arbitrum stores (as
//! cargo-stylus does: strip custom sections, brotli quality 11, `EF F0 00 00` prefix) and
//! reports sizes against the 24,576-byte limit. The deployer reuses [`build_all`] and
//! [`deploy_code`]; `contract-sizes` prints the table and `export-abi` checks or rewrites
//! each contract's committed Solidity interface.

mod abi;
mod code;
mod workspace;

pub use abi::{export_abi, exported_signatures, has_export_binary, AbiExport, ABI_FILE};
pub use code::{check_nitro_features, compress, create_init_code, deploy_code, nitro_wasm, reencode, strip_custom_sections, CREATE_PRELUDE_LEN, STYLUS_PREFIX};
pub use workspace::{contract_packages, target_dir, ContractPackage};

use std::path::{Path, PathBuf};
use std::process::Command;

/// EIP-170 code size limit that Arbitrum applies to the compressed program (prefix included).
pub const MAX_CODE_SIZE: usize = 24_576;
/// The cargo profile contracts are built with (see the workspace Cargo.toml).
pub const PROFILE: &str = "contract";
/// The WASM target.
pub const TARGET: &str = "wasm32-unknown-unknown";

/// Everything that can go wrong building or measuring contracts.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A Cargo.toml could not be parsed or has no package name.
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// cargo failed.
    #[error("`{command}` failed with {status}")]
    Cargo {
        /// The command line.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
    },
    /// The WASM is not a module Nitro would activate.
    #[error("{package}: {message}")]
    InvalidWasm {
        /// The contract package.
        package: String,
        /// What was wrong.
        message: String,
    },
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One contract built for deployment.
#[derive(Debug, Clone)]
pub struct BuiltContract {
    /// Directory name under `contracts/`, e.g. `"minter"`.
    pub name: String,
    /// Cargo package name, e.g. `"lpx-minter"`.
    pub package: String,
    /// The WASM as the compiler produced it.
    pub wasm: Vec<u8>,
    /// The code to deploy: `EF F0 00 00` + brotli(stripped WASM).
    pub code: Vec<u8>,
}

impl BuiltContract {
    /// Bytes left under [`MAX_CODE_SIZE`] (negative when over).
    pub fn headroom(&self) -> i64 {
        MAX_CODE_SIZE as i64 - self.code.len() as i64
    }

    /// Whether the code fits in one contract.
    pub fn fits(&self) -> bool {
        self.code.len() <= MAX_CODE_SIZE
    }
}

/// Builds every contract under `workspace_root/contracts` (except `abi` and `common`) and
/// returns their deployable code, in directory order.
pub fn build_all(workspace_root: &Path) -> Result<Vec<BuiltContract>> {
    let packages = contract_packages(workspace_root)?;
    build(workspace_root, &packages)
}

/// Builds the given contracts and returns their code.
///
/// Each contract gets its own cargo invocation: within one invocation cargo unifies the
/// features of every selected package, so building `lpx-bonding` next to `lpx-bonding-ext`
/// (which enables `lpx-bonding/extension`) would give the main program the extension's entry
/// point. Separate invocations keep each WASM exactly what its own crate asks for.
pub fn build(workspace_root: &Path, packages: &[ContractPackage]) -> Result<Vec<BuiltContract>> {
    let out_dir = target_dir(workspace_root).join(TARGET).join(PROFILE);
    packages
        .iter()
        .map(|p| {
            let mut cmd = Command::new(cargo());
            cmd.current_dir(workspace_root).args(["build", "--lib", "--locked", "--target", TARGET, "--profile", PROFILE, "-p", &p.package]);
            run(cmd)?;
            // Read it now: a later build that has this crate as a dependency may overwrite it.
            let path = out_dir.join(format!("{}.wasm", p.package.replace('-', "_")));
            let wasm = std::fs::read(&path).map_err(|source| Error::Io { path, source })?;
            let invalid = |message| Error::InvalidWasm { package: p.package.clone(), message };
            check_nitro_features(&nitro_wasm(&wasm).map_err(invalid)?).map_err(invalid)?;
            let code = deploy_code(&wasm).map_err(invalid)?;
            Ok(BuiltContract { name: p.name.clone(), package: p.package.clone(), wasm, code })
        })
        .collect()
}

/// The size table as Markdown: contract, raw WASM, compressed (with prefix), headroom.
pub fn size_table(contracts: &[BuiltContract]) -> String {
    let mut out = String::from("| contract | package | WASM bytes | compressed bytes | headroom vs 24,576 |\n");
    out.push_str("|---|---|---:|---:|---:|\n");
    for c in contracts {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {}{} |\n",
            c.name,
            c.package,
            c.wasm.len(),
            c.code.len(),
            c.headroom(),
            if c.fits() { "" } else { " (over)" }
        ));
    }
    out
}

pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

pub(crate) fn run(mut cmd: Command) -> Result<()> {
    let command = format!("{cmd:?}");
    let status = cmd.status().map_err(|source| Error::Io { path: PathBuf::from(cargo()), source })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Cargo { command, status })
    }
}
