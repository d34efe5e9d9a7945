//! `lpx deploy`: build, deploy, activate, initialize and register the protocol.

use std::path::PathBuf;

use alloy::{
    network::EthereumWallet,
    providers::{Provider, ProviderBuilder},
};
use anyhow::{anyhow, Context, Result};
use clap::Args;
use lpx_deployer::{AddressBook, Artifact, Chain, NetworkConfig};

use crate::opts::{project_root, ChainOpts, WalletOpts};

/// Deploys or updates the protocol; running it again against the same chain changes nothing.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Network file (deployments/<network>.toml); defaults to the one named after the RPC
    /// alias, or devnet.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl DeployArgs {
    /// Runs the deployment.
    pub async fn run(self, chain: &ChainOpts, wallet: &WalletOpts) -> Result<()> {
        let root = project_root().ok_or_else(|| anyhow!("run `lpx deploy` inside the lpx repository (it builds the contracts)"))?;
        let book_path = chain.deployments_path();
        let config_path = self.config.unwrap_or_else(|| book_path.with_extension("toml"));
        let config = NetworkConfig::load(&config_path)?;

        eprintln!("building contracts ...");
        let artifacts = Artifact::from_built(lpx_contract_build::build_all(&root).context("building the contracts")?)?;

        let signer = wallet.signer()?;
        let from = signer.address();
        let url = chain.url()?;
        let provider =
            ProviderBuilder::new().wallet(EthereumWallet::new(signer)).connect_http(url.parse().with_context(|| format!("invalid RPC URL {url:?}"))?).erased();
        let previous = AddressBook::load(&book_path)?;
        eprintln!("deploying to {} from {from} ...", config.network);
        let outcome = lpx_deployer::deploy(&Chain::new(provider, from), &config, &artifacts, previous).await?;
        outcome.book.save(&book_path)?;

        if chain.json {
            println!("{}", serde_json::to_string_pretty(&outcome.book)?);
            return Ok(());
        }
        for action in &outcome.actions {
            println!("  {action}");
        }
        if outcome.actions.is_empty() {
            println!("  nothing to do: the chain already matches {}", config_path.display());
        }
        println!("\n{:<16} {:<42} {:>10}", "contract", "address", "code bytes");
        for (name, c) in &outcome.book.contracts {
            println!("{name:<16} {:<42} {:>10}", c.address.to_string(), c.compressed_bytes);
        }
        println!("\naddress book: {}", book_path.display());
        Ok(())
    }
}
