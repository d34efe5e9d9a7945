//! `lpx`: the command line for every user of the lpx protocol.

mod amount;
mod client;
mod cmd;
mod opts;
mod report;

use clap::{Parser, Subcommand};

use crate::{
    client::Client,
    cmd::{broadcaster::BroadcasterCmd, deploy::DeployArgs, staking::StakingCmd, status::StatusArgs},
    opts::{ChainOpts, WalletOpts},
};

/// lpx: deploy the protocol, stake, fund tickets and read its state.
#[derive(Debug, Parser)]
#[command(name = "lpx", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    chain: ChainOpts,
    #[command(flatten)]
    wallet: WalletOpts,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build, deploy, activate, initialize and register the protocol (idempotent).
    Deploy(DeployArgs),
    /// The round, the orchestrator pool, and an account's stake, rewards, fees and funds.
    Status(StatusArgs),
    #[command(flatten)]
    Staking(StakingCmd),
    #[command(flatten)]
    Broadcaster(BroadcasterCmd),
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let json = cli.chain.json;
    match cli.command {
        Command::Deploy(args) => args.run(&cli.chain, &cli.wallet).await,
        Command::Status(args) => {
            // A key is optional here: with one, status reports on the signer's account.
            let client = match cli.wallet.signer() {
                Ok(_) => Client::writer(&cli.chain, &cli.wallet)?,
                Err(_) => Client::reader(&cli.chain)?,
            };
            args.run(&client, json).await
        }
        Command::Staking(cmd) => cmd.run(&Client::writer(&cli.chain, &cli.wallet)?, json).await,
        Command::Broadcaster(cmd) => cmd.run(&Client::writer(&cli.chain, &cli.wallet)?, json).await,
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes, never a backtrace.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
