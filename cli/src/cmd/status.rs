//! `lpx status`: the round, the orchestrator pool, and one account's position.

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
};
use anyhow::Result;
use clap::Args;
use lpx_abi::{bonding_manager::IBondingManager, rounds_manager::IRoundsManager, ticket_broker::ITicketBroker, token::ILivepeerToken};
use serde_json::json;

use crate::{
    amount::{format, Unit},
    client::Client,
};

/// Shows the protocol's state.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Account to report on; defaults to the signer when a key is configured.
    #[arg(long)]
    pub account: Option<Address>,
}

/// One pool member.
struct Member {
    address: Address,
    stake: U256,
    reward_cut: U256,
    fee_share: U256,
    last_reward_round: U256,
    active: bool,
}

fn pct(ppm: U256) -> String {
    format!("{:.2}%", ppm.to::<u64>() as f64 / 10_000.0)
}

impl StatusArgs {
    /// Prints the status.
    pub async fn run(self, c: &Client, json_out: bool) -> Result<()> {
        let block = c.provider().get_block_number().await?;
        let round = c.view("RoundsManager", IRoundsManager::currentRoundCall {}).await?;
        let initialized = c.view("RoundsManager", IRoundsManager::currentRoundInitializedCall {}).await?;
        let locked = c.view("RoundsManager", IRoundsManager::currentRoundLockedCall {}).await?;
        let start = c.view("RoundsManager", IRoundsManager::currentRoundStartBlockCall {}).await?;
        let length = c.view("RoundsManager", IRoundsManager::roundLengthCall {}).await?;

        let mut pool = Vec::new();
        let mut next = c.view("BondingManager", IBondingManager::getFirstTranscoderInPoolCall {}).await?;
        while next != Address::ZERO {
            let t = c.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: next }).await?;
            pool.push(Member {
                address: next,
                stake: c.view("BondingManager", IBondingManager::transcoderTotalStakeCall { _transcoder: next }).await?,
                reward_cut: t.rewardCut,
                fee_share: t.feeShare,
                last_reward_round: t.lastRewardRound,
                active: c.view("BondingManager", IBondingManager::isActiveTranscoderCall { _transcoder: next }).await?,
            });
            next = c.view("BondingManager", IBondingManager::getNextTranscoderInPoolCall { _transcoder: next }).await?;
        }

        let account = self.account.or(c.me);
        let mut position = None;
        if let Some(a) = account {
            let d = c.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: a }).await?;
            let info = c.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: a }).await?;
            position = Some((
                a,
                c.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: a }).await?,
                d,
                c.view("BondingManager", IBondingManager::pendingStakeCall { _delegator: a, _endRound: round }).await?,
                c.view("BondingManager", IBondingManager::pendingFeesCall { _delegator: a, _endRound: round }).await?,
                info,
                c.provider().get_balance(a).await?,
            ));
        }

        if json_out {
            let pool_json: Vec<_> = pool
                .iter()
                .map(|m| {
                    json!({"address": m.address, "stake": m.stake.to_string(), "rewardCut": m.reward_cut.to_string(),
                    "feeShare": m.fee_share.to_string(), "lastRewardRound": m.last_reward_round.to_string(), "active": m.active})
                })
                .collect();
            let mut out = json!({
                "block": block, "round": round.to_string(), "roundInitialized": initialized, "roundLocked": locked,
                "roundStartBlock": start.to_string(), "roundLength": length.to_string(), "pool": pool_json,
            });
            if let Some((a, lpt, d, stake, fees, info, eth)) = &position {
                out["account"] = json!({
                    "address": a, "lpt": lpt.to_string(), "eth": eth.to_string(), "bondedAmount": d.bondedAmount.to_string(),
                    "delegate": d.delegateAddress, "pendingStake": stake.to_string(), "pendingFees": fees.to_string(),
                    "deposit": info.sender.deposit.to_string(), "reserve": info.reserve.fundsRemaining.to_string(),
                    "withdrawRound": info.sender.withdrawRound.to_string(),
                });
            }
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }

        println!(
            "round {round} ({}, {}), block {block}, next round at block {}",
            if initialized { "initialized" } else { "not initialized" },
            if locked { "locked" } else { "unlocked" },
            start + length
        );
        println!("\n{:<42} {:>24} {:>9} {:>9} {:>11} {:>6}", "orchestrator", "stake", "cut", "share", "last reward", "active");
        for m in &pool {
            println!(
                "{:<42} {:>24} {:>9} {:>9} {:>11} {:>6}",
                m.address.to_string(),
                format(m.stake, Unit::Lpt),
                pct(m.reward_cut),
                pct(m.fee_share),
                m.last_reward_round,
                if m.active { "yes" } else { "no" }
            );
        }
        if pool.is_empty() {
            println!("(no orchestrators)");
        }
        if let Some((a, lpt, d, stake, fees, info, eth)) = position {
            println!("\naccount {a}");
            println!("  wallet        {} / {}", format(lpt, Unit::Lpt), format(eth, Unit::Eth));
            println!("  bonded        {} to {}", format(d.bondedAmount, Unit::Lpt), d.delegateAddress);
            println!("  pending stake {} (rewards included)", format(stake, Unit::Lpt));
            println!("  pending fees  {}", format(fees, Unit::Eth));
            println!("  deposit       {}", format(info.sender.deposit, Unit::Eth));
            println!("  reserve       {}", format(info.reserve.fundsRemaining, Unit::Eth));
            if info.sender.withdrawRound != U256::ZERO {
                println!("  unlocking     withdraw from round {}", info.sender.withdrawRound);
            }
        }
        Ok(())
    }
}
