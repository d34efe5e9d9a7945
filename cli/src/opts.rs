//! Option groups shared by every subcommand, and how they resolve.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use lpx_chain_config::{load_signer, SignerSource};

/// Where the chain and the contracts are.
#[derive(Debug, Clone, Args)]
pub struct ChainOpts {
    /// JSON-RPC URL, or an alias from foundry.toml's [rpc_endpoints] (devnet,
    /// arbitrum_sepolia, arbitrum_one).
    #[arg(long, global = true, env = "LPX_RPC_URL", default_value = "devnet")]
    pub rpc_url: String,
    /// Address book written by `lpx deploy`; defaults to deployments/<alias>.json for an
    /// alias, else deployments/devnet.json.
    #[arg(long, global = true, env = "LPX_DEPLOYMENTS")]
    pub deployments: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// Where the signing key comes from. It is never printed.
#[derive(Debug, Clone, Args)]
pub struct WalletOpts {
    /// Environment variable holding a hex private key.
    #[arg(long, global = true, default_value = "LPX_PRIVATE_KEY")]
    pub private_key_env: String,
    /// Encrypted JSON keystore (geth/cast format); takes precedence over the env var.
    #[arg(long, global = true)]
    pub keystore: Option<PathBuf>,
    /// Environment variable holding the keystore password.
    #[arg(long, global = true, default_value = "LPX_KEYSTORE_PASSWORD")]
    pub password_env: String,
    /// File holding the keystore password.
    #[arg(long, global = true)]
    pub password_file: Option<PathBuf>,
}

impl WalletOpts {
    /// Loads the signer.
    pub fn signer(&self) -> Result<alloy::signers::local::PrivateKeySigner> {
        let source = match &self.keystore {
            Some(path) => SignerSource {
                private_key_env: None,
                private_key_file: None,
                keystore: Some(path.clone()),
                password_env: self.password_file.is_none().then(|| self.password_env.clone()),
                password_file: self.password_file.clone(),
            },
            None => SignerSource {
                private_key_env: Some(self.private_key_env.clone()),
                private_key_file: None,
                keystore: None,
                password_env: None,
                password_file: None,
            },
        };
        load_signer(&source, Path::new(".")).map_err(|e| anyhow!("no signing key: {e}"))
    }
}

/// The directory holding foundry.toml: the current directory or its nearest ancestor.
pub fn project_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors().find(|d| d.join("foundry.toml").is_file()).map(Path::to_path_buf)
}

impl ChainOpts {
    /// The alias named by `--rpc-url`, if it is one.
    fn alias(&self) -> Option<&str> {
        (!self.rpc_url.contains("://")).then_some(self.rpc_url.as_str())
    }

    /// The RPC URL, with foundry.toml aliases and `${VAR}` references resolved.
    pub fn url(&self) -> Result<String> {
        let Some(alias) = self.alias() else { return Ok(self.rpc_url.clone()) };
        let root = project_root().ok_or_else(|| anyhow!("--rpc-url {alias:?} is not a URL and no foundry.toml was found to resolve it as an alias"))?;
        let path = root.join("foundry.toml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let table: toml::Table = text.parse().with_context(|| format!("parsing {}", path.display()))?;
        let value = table
            .get("rpc_endpoints")
            .and_then(|t| t.get(alias))
            .and_then(|v| v.as_str())
            .ok_or_else(|| anyhow!("--rpc-url {alias:?}: no such alias in {}", path.display()))?;
        expand_env(value)
    }

    /// The address-book path.
    pub fn deployments_path(&self) -> PathBuf {
        if let Some(p) = &self.deployments {
            return p.clone();
        }
        let network = self.alias().map(|a| a.replace('_', "-")).unwrap_or_else(|| "devnet".into());
        project_root().unwrap_or_default().join("deployments").join(format!("{network}.json"))
    }
}

/// Replaces `${NAME}` with the environment variable's value.
fn expand_env(value: &str) -> Result<String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or_else(|| anyhow!("unterminated ${{ in {value:?}"))? + start;
        let name = &rest[start + 2..end];
        match std::env::var(name) {
            Ok(v) => out.push_str(&v),
            Err(_) => bail!("the RPC alias needs environment variable {name}, which is not set"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_environment_references() {
        // SAFETY (test-only): variable names unique to this test.
        unsafe { std::env::set_var("LPX_TEST_RPC_HOST", "node.example") };
        assert_eq!(expand_env("https://${LPX_TEST_RPC_HOST}/rpc").unwrap(), "https://node.example/rpc");
        assert_eq!(expand_env("http://127.0.0.1:8545").unwrap(), "http://127.0.0.1:8545");
        let e = expand_env("${LPX_TEST_RPC_UNSET}").unwrap_err().to_string();
        assert!(e.contains("LPX_TEST_RPC_UNSET"), "{e}");
    }

    #[test]
    fn aliases_name_their_address_book() {
        let o = ChainOpts { rpc_url: "arbitrum_sepolia".into(), deployments: None, json: false };
        assert!(o.deployments_path().ends_with("deployments/arbitrum-sepolia.json"));
        let o = ChainOpts { rpc_url: "http://x:1".into(), deployments: None, json: false };
        assert!(o.deployments_path().ends_with("deployments/devnet.json"));
    }
}
