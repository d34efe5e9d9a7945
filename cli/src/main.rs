//! `lpx`: the command line for every user of the lpx protocol.

mod actions;
mod amount;
mod client;
mod cmd;
#[cfg(test)]
mod docs;
mod opts;
mod report;
mod tally;

use clap::{Parser, Subcommand};

use crate::{
    client::Client,
    cmd::{broadcaster::BroadcasterCmd, deploy::DeployArgs, gov::GovCmd, poll::PollCmd, staking::StakingCmd, status::StatusArgs},
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
    /// Governance: propose, vote, queue, execute and cancel protocol changes.
    #[command(subcommand)]
    Gov(GovCmd),
    /// Signalling polls: create, vote, and the stake-weighted tally.
    #[command(subcommand)]
    Poll(PollCmd),
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
        // Reading needs no key; proposing, voting and executing sign.
        Command::Gov(cmd @ (GovCmd::List | GovCmd::Show { .. })) => cmd.run(&Client::reader(&cli.chain)?, json).await,
        Command::Gov(cmd @ GovCmd::Propose { dry_run: true, .. }) => cmd.run(&Client::reader(&cli.chain)?, json).await,
        Command::Gov(cmd) => cmd.run(&Client::writer(&cli.chain, &cli.wallet)?, json).await,
        // Tallying reads only; voting and creating sign.
        Command::Poll(cmd @ PollCmd::Tally { .. }) => cmd.run(&Client::reader(&cli.chain)?, json).await,
        Command::Poll(cmd) => cmd.run(&Client::writer(&cli.chain, &cli.wallet)?, json).await,
    }
}

/// Help and version go to stdout as clap prints them; any other parse error becomes one line
/// (clap's first paragraph), since clap adds usage and hints on further lines.
fn usage_error(e: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) {
        e.exit();
    }
    let text = e.to_string();
    let first: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
    eprintln!("{} (see --help)", first.join(" "));
    std::process::ExitCode::from(2)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let parsed =
        <Cli as clap::CommandFactory>::command().try_get_matches().and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m).map(|cli| (cli, m)));
    let cli = match parsed {
        Ok((mut cli, matches)) => {
            if let Command::Gov(GovCmd::Propose { calls, .. }) = &mut cli.command {
                *calls = cmd::gov::call_groups(&matches);
            }
            cli
        }
        Err(e) => return usage_error(e),
    };
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes, never a backtrace.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
