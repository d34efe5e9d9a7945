//! Broadcaster funds in the TicketBroker: deposit, reserve, unlock, withdraw.

use alloy::primitives::U256;
use anyhow::Result;
use clap::Subcommand;
use lpx_abi::ticket_broker::ITicketBroker;

use crate::{
    amount::{self, Unit},
    client::Client,
    report,
};

fn eth(s: &str) -> Result<U256, String> {
    amount::parse(s, Unit::Eth)
}

/// Broadcaster subcommands.
#[derive(Debug, Subcommand)]
pub enum BroadcasterCmd {
    /// Add ETH to your ticket deposit (pays winning tickets first).
    Deposit {
        /// Amount, e.g. 0.5ETH.
        #[arg(value_parser = eth)]
        amount: U256,
    },
    /// Add ETH to your reserve (backs tickets when the deposit runs out).
    Reserve {
        /// Amount, e.g. 1ETH.
        #[arg(value_parser = eth)]
        amount: U256,
    },
    /// Start the unlock period, after which deposit and reserve can be withdrawn.
    Unlock,
    /// Cancel an unlock in progress.
    CancelUnlock,
    /// Withdraw deposit and reserve after the unlock period.
    Withdraw,
}

impl BroadcasterCmd {
    /// Runs the command.
    pub async fn run(self, c: &Client, json: bool) -> Result<()> {
        let receipt = match self {
            Self::Deposit { amount } => c.send("TicketBroker", ITicketBroker::fundDepositCall {}, amount).await?,
            Self::Reserve { amount } => c.send("TicketBroker", ITicketBroker::fundReserveCall {}, amount).await?,
            Self::Unlock => c.send("TicketBroker", ITicketBroker::unlockCall {}, U256::ZERO).await?,
            Self::CancelUnlock => c.send("TicketBroker", ITicketBroker::cancelUnlockCall {}, U256::ZERO).await?,
            Self::Withdraw => c.send("TicketBroker", ITicketBroker::withdrawCall {}, U256::ZERO).await?,
        };
        report::receipt(&receipt, json);
        Ok(())
    }
}
