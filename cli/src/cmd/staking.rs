//! Staking commands: delegators and orchestrators.

use alloy::primitives::{Address, U256};
use anyhow::{bail, Result};
use clap::Subcommand;
use lpx_abi::{bonding_manager::IBondingManager, rounds_manager::IRoundsManager, token::ILivepeerToken};

use crate::{
    amount::{self, Unit},
    client::Client,
    report,
};

/// Parses an LPT amount.
fn lpt(s: &str) -> Result<U256, String> {
    amount::parse(s, Unit::Lpt)
}

/// Parses a percentage (`12.5%` or `12.5`) into Livepeer's parts-per-million.
pub fn ppm(s: &str) -> Result<U256, String> {
    let n = s.trim().trim_end_matches('%');
    let parts = alloy::primitives::utils::parse_units(n, 4).map_err(|e| format!("percentage {s:?}: {e}"))?;
    let v: U256 = parts.into();
    if v > U256::from(1_000_000) {
        return Err(format!("percentage {s:?} is above 100%"));
    }
    Ok(v)
}

/// Staking subcommands.
#[derive(Debug, Subcommand)]
pub enum StakingCmd {
    /// Bond LPT to an orchestrator (yourself by default).
    Bond {
        /// Amount, e.g. 100LPT.
        #[arg(value_parser = lpt)]
        amount: U256,
        /// Orchestrator to delegate to; defaults to yourself.
        #[arg(long)]
        to: Option<Address>,
        /// Approve the BondingManager for the amount first if the allowance is short.
        #[arg(long)]
        approve: bool,
    },
    /// Start unbonding LPT; it can be withdrawn after the unbonding period.
    Unbond {
        /// Amount, e.g. 50LPT.
        #[arg(value_parser = lpt)]
        amount: U256,
    },
    /// Rebond an unbonding lock to your current delegate (or `--to` if fully unbonded).
    Rebond {
        /// Unbonding lock id.
        lock_id: U256,
        /// Orchestrator to rebond to, when you are fully unbonded.
        #[arg(long)]
        to: Option<Address>,
    },
    /// Withdraw an unbonding lock whose withdraw round has come.
    WithdrawStake {
        /// Unbonding lock id.
        lock_id: U256,
    },
    /// Withdraw earned ETH fees.
    WithdrawFees {
        /// Amount, e.g. 0.05ETH.
        #[arg(value_parser = |s: &str| amount::parse(s, Unit::Eth))]
        amount: U256,
        /// Recipient; defaults to yourself.
        #[arg(long)]
        recipient: Option<Address>,
    },
    /// Claim rewards and fees through the current round.
    Claim,
    /// Register as an orchestrator, or update your reward cut and fee share.
    Transcoder {
        /// Share of rewards you keep, e.g. 10%.
        #[arg(long, value_parser = ppm)]
        reward_cut: U256,
        /// Share of fees paid to your delegators, e.g. 50%.
        #[arg(long, value_parser = ppm)]
        fee_share: U256,
    },
    /// Let another account call reward for you (LIP-118); the zero address clears it.
    RewardCaller {
        /// The account allowed to call reward.
        caller: Address,
    },
    /// Call reward for this round, for yourself or (`--for`) as an orchestrator's reward caller.
    Reward {
        /// Orchestrator whose reward caller you are.
        #[arg(long = "for")]
        orchestrator: Option<Address>,
    },
}

impl StakingCmd {
    /// Runs the command.
    pub async fn run(self, c: &Client, json: bool) -> Result<()> {
        let me = c.sender()?;
        let receipt = match self {
            Self::Bond { amount, to, approve } => {
                let bm = c.address("BondingManager")?;
                let balance = c.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: me }).await?;
                if balance < amount {
                    bail!("balance too low: you hold {}, the bond needs {}", amount::format(balance, Unit::Lpt), amount::format(amount, Unit::Lpt));
                }
                let allowance = c.view("LivepeerToken", ILivepeerToken::allowanceCall { owner: me, spender: bm }).await?;
                if allowance < amount {
                    if !approve {
                        bail!(
                            "allowance too low: the BondingManager may spend {} of your LPT, the bond needs {}; rerun with --approve",
                            amount::format(allowance, Unit::Lpt),
                            amount::format(amount, Unit::Lpt)
                        );
                    }
                    c.send("LivepeerToken", ILivepeerToken::approveCall { spender: bm, amount }, U256::ZERO).await?;
                }
                c.send("BondingManager", IBondingManager::bondCall { _amount: amount, _to: to.unwrap_or(me) }, U256::ZERO).await?
            }
            Self::Unbond { amount } => c.send("BondingManager", IBondingManager::unbondCall { _amount: amount }, U256::ZERO).await?,
            Self::Rebond { lock_id, to: None } => c.send("BondingManager", IBondingManager::rebondCall { _unbondingLockId: lock_id }, U256::ZERO).await?,
            Self::Rebond { lock_id, to: Some(to) } => {
                let call = IBondingManager::rebondFromUnbondedCall { _to: to, _unbondingLockId: lock_id };
                c.send("BondingManager", call, U256::ZERO).await?
            }
            Self::WithdrawStake { lock_id } => c.send("BondingManager", IBondingManager::withdrawStakeCall { _unbondingLockId: lock_id }, U256::ZERO).await?,
            Self::WithdrawFees { amount, recipient } => {
                let call = IBondingManager::withdrawFeesCall { _recipient: recipient.unwrap_or(me), _amount: amount };
                c.send("BondingManager", call, U256::ZERO).await?
            }
            Self::Claim => {
                let round = c.view("RoundsManager", IRoundsManager::currentRoundCall {}).await?;
                c.send("BondingManager", IBondingManager::claimEarningsCall { _endRound: round }, U256::ZERO).await?
            }
            Self::Transcoder { reward_cut, fee_share } => {
                if c.view("RoundsManager", IRoundsManager::currentRoundLockedCall {}).await? {
                    let start = c.view("RoundsManager", IRoundsManager::currentRoundStartBlockCall {}).await?;
                    let length = c.view("RoundsManager", IRoundsManager::roundLengthCall {}).await?;
                    bail!("the round is locked for registration: try again from block {} (next round)", start + length);
                }
                let call = IBondingManager::transcoderCall { _rewardCut: reward_cut, _feeShare: fee_share };
                c.send("BondingManager", call, U256::ZERO).await?
            }
            Self::RewardCaller { caller } => c.send("BondingManager", IBondingManager::setRewardCallerCall { _rewardCaller: caller }, U256::ZERO).await?,
            Self::Reward { orchestrator: None } => c.send("BondingManager", IBondingManager::rewardCall {}, U256::ZERO).await?,
            Self::Reward { orchestrator: Some(t) } => c.send("BondingManager", IBondingManager::rewardForTranscoderCall { _transcoder: t }, U256::ZERO).await?,
        };
        report::receipt(&receipt, json);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_become_parts_per_million() {
        assert_eq!(ppm("10%").unwrap(), U256::from(100_000));
        assert_eq!(ppm("12.5").unwrap(), U256::from(125_000));
        assert_eq!(ppm("100%").unwrap(), U256::from(1_000_000));
        assert!(ppm("100.1%").unwrap_err().contains("above 100%"));
        assert!(ppm("ten").is_err());
    }
}
