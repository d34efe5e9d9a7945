//! The protocol's multi-round life on real WASM with real cross-contract calls: bonding,
//! round initialization, reward, fees credited through updateTranscoderWithFees, delegator
//! claims, unbonding and withdrawal (issue 2's core scenario, shaped after spec Appendix C).

use alloy::{
    primitives::{utils::parse_ether, Address, U256},
    providers::Provider,
    sol_types::SolEvent,
};
use lpx_abi::{bonding_manager::IBondingManager, minter::IMinter, rounds_manager::IRoundsManager, ticket_broker::ITicketBroker, token::ILivepeerToken};
use lpx_e2e::Protocol;

fn lpt(n: &str) -> U256 {
    parse_ether(n).unwrap()
}

async fn approve_and_bond(p: &Protocol, who: Address, amount: U256, to: Address) {
    let bm = p.address("BondingManager");
    p.send(who, "LivepeerToken", ILivepeerToken::approveCall { spender: bm, amount }).await;
    p.send(who, "BondingManager", IBondingManager::bondCall { _amount: amount, _to: to }).await;
}

async fn eth(p: &Protocol, who: Address) -> U256 {
    p.provider.get_balance(who).await.expect("balance")
}

async fn lpt_balance(p: &Protocol, who: Address) -> U256 {
    p.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: who }).await
}

async fn pending_stake(p: &Protocol, who: Address) -> U256 {
    let round = p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await;
    p.view("BondingManager", IBondingManager::pendingStakeCall { _delegator: who, _endRound: round }).await
}

async fn pending_fees(p: &Protocol, who: Address) -> U256 {
    let round = p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await;
    p.view("BondingManager", IBondingManager::pendingFeesCall { _delegator: who, _endRound: round }).await
}

#[tokio::test(flavor = "multi_thread")]
async fn bond_reward_claim_unbond_withdraw_across_rounds() {
    let p = Protocol::deploy().await;
    let (t, d) = (p.accounts[1], p.accounts[2]);
    let supply0 = p.view("LivepeerToken", ILivepeerToken::totalSupplyCall {}).await;

    // Round r0: the orchestrator self-bonds and registers with a 50% reward cut, 25% fee share.
    p.next_round().await;
    approve_and_bond(&p, t, lpt("1000"), t).await;
    p.send(t, "BondingManager", IBondingManager::transcoderCall { _rewardCut: U256::from(500_000), _feeShare: U256::from(250_000) }).await;
    assert!(p.view("BondingManager", IBondingManager::isRegisteredTranscoderCall { _transcoder: t }).await);

    // r1: the orchestrator is active; a delegator bonds to it.
    p.next_round().await;
    assert!(p.view("BondingManager", IBondingManager::isActiveTranscoderCall { _transcoder: t }).await);
    approve_and_bond(&p, d, lpt("1000"), t).await;

    // r2..r4: reward every round; each mint is what the Minter allowed for the round, split
    // by the reward cut.
    let treasury = p.view("Controller", lpx_abi::controller::IController::getContractCall { _id: alloy::primitives::keccak256("Treasury") }).await;
    let treasury0 = lpt_balance(&p, treasury).await;
    let cut_rate = p.view("BondingManager", IBondingManager::treasuryRewardCutRateCall {}).await;
    assert_eq!(cut_rate, U256::from(10u64).pow(U256::from(26u64)), "devnet.toml keeps mainnet's 10% cut");
    let mut minted = U256::ZERO;
    let mut cut = U256::ZERO;
    // The delegator's stake as the last round began: the fees of that round are shared by
    // stake at the round's start (the pool's totalStake), before its reward.
    let mut stake_d_at_round_start = U256::ZERO;
    for _ in 0..3 {
        p.next_round().await;
        stake_d_at_round_start = pending_stake(&p, d).await;
        let mintable = p.view("Minter", IMinter::currentMintableTokensCall {}).await;
        assert!(mintable > U256::ZERO, "inflation mints something each round");
        let receipt = p.send(t, "BondingManager", IBondingManager::rewardCall {}).await;
        let logs = receipt.inner.logs();
        let reward = logs.iter().find_map(|l| IBondingManager::Reward::decode_log_data(l.data()).ok()).expect("Reward event");
        let to_treasury = logs.iter().find_map(|l| IBondingManager::TreasuryReward::decode_log_data(l.data()).ok()).expect("TreasuryReward event");
        assert_eq!((reward.transcoder, to_treasury.transcoder, to_treasury.treasury), (t, t, treasury));
        // The round's LPT is split: floor(total * cut rate / 1e27) to the Treasury (spec §3
        // reward, step 7), the rest to the orchestrator's pool (the Reward event's amount).
        let total = reward.amount + to_treasury.amount;
        assert_eq!(to_treasury.amount, total * cut_rate / U256::from(10u64).pow(U256::from(27u64)));
        // The only active stake is this orchestrator's, so it earns the whole round's LPT.
        assert!(total <= mintable && mintable - total < U256::from(10), "{total} of {mintable}");
        minted += total;
        cut += to_treasury.amount;
        // A second call in the same round is refused.
        let again = p.try_send(t, "BondingManager", IBondingManager::rewardCall {}, U256::ZERO).await;
        assert!(again.unwrap_err().0.contains("caller has already called reward for the current round"));
    }

    // Supply grew by exactly what was minted; the delegator's stake grew, the orchestrator's
    // more (its cut), and together they never exceed the delegated total.
    let supply = p.view("LivepeerToken", ILivepeerToken::totalSupplyCall {}).await;
    assert_eq!(supply, supply0 + minted);
    assert_eq!(lpt_balance(&p, treasury).await, treasury0 + cut, "the Treasury received the 10% cut");
    let (stake_t, stake_d) = (pending_stake(&p, t).await, pending_stake(&p, d).await);
    assert!(stake_d > lpt("1000"));
    assert!(stake_t > stake_d);
    let total = p.view("BondingManager", IBondingManager::transcoderTotalStakeCall { _transcoder: t }).await;
    assert!(stake_t + stake_d <= total, "{stake_t} + {stake_d} > {total}");
    assert!(total - (stake_t + stake_d) < U256::from(10), "only rounding dust stays unassigned");
    let minter_lpt = lpt_balance(&p, p.address("Minter")).await;
    assert!(minter_lpt >= total, "the Minter holds every bonded LPT");

    // A broadcaster funds a deposit and pays the orchestrator one winning ticket: the fees
    // are credited through updateTranscoderWithFees and split by the 25% fee share, pro rata
    // to stake among the delegators (the orchestrator is one of them).
    let b = 3;
    let face = parse_ether("0.4").unwrap();
    p.try_send(p.accounts[b], "TicketBroker", ITicketBroker::fundDepositCall {}, face).await.expect("fundDeposit");
    let (fees_t0, fees_d0) = (pending_fees(&p, t).await, pending_fees(&p, d).await);
    assert_eq!((fees_t0, fees_d0), (U256::ZERO, U256::ZERO));
    let receipt = p.pay_winning_ticket(b, t, face).await;
    let redeemed =
        receipt.inner.logs().iter().find_map(|l| ITicketBroker::WinningTicketRedeemed::decode_log_data(l.data()).ok()).expect("WinningTicketRedeemed event");
    assert_eq!((redeemed.sender, redeemed.recipient, redeemed.faceValue), (p.accounts[b], t, face));
    let (fees_t, fees_d) = (pending_fees(&p, t).await, pending_fees(&p, d).await);
    let delegators_part = face * U256::from(250_000) / U256::from(1_000_000);
    let round = p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await;
    let pool = p.view("BondingManager", IBondingManager::getTranscoderEarningsPoolForRoundCall { _transcoder: t, _round: round }).await;
    let d_expected = delegators_part * stake_d_at_round_start / pool.totalStake;
    assert!(fees_d <= d_expected && d_expected - fees_d < U256::from(10), "delegator's fees {fees_d}, expected {d_expected}");
    assert!(fees_t + fees_d <= face && face - (fees_t + fees_d) < U256::from(10), "{fees_t} + {fees_d} of {face}");
    let info = p.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: p.accounts[b] }).await;
    assert_eq!(info.sender.deposit, U256::ZERO, "the ticket's face value came out of the deposit");

    // The delegator claims, then unbonds part of its stake.
    let round = p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await;
    p.send(d, "BondingManager", IBondingManager::claimEarningsCall { _endRound: round }).await;
    let delegator = p.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: d }).await;
    assert_eq!((delegator.bondedAmount, delegator.fees), (stake_d, fees_d));

    // Its fees are paid out in ETH from the Minter, which holds all of the protocol's ETH.
    let (eth_d, eth_minter) = (eth(&p, d).await, eth(&p, p.address("Minter")).await);
    let receipt = p.send(d, "BondingManager", IBondingManager::withdrawFeesCall { _recipient: d, _amount: fees_d }).await;
    let gas = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(eth(&p, d).await, eth_d + fees_d - gas);
    assert_eq!(eth(&p, p.address("Minter")).await, eth_minter - fees_d);
    let left = p.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: d }).await.fees;
    assert_eq!(left, U256::ZERO);
    let part = lpt("458");
    let receipt = p.send(d, "BondingManager", IBondingManager::unbondCall { _amount: part }).await;
    let unbond = receipt.inner.logs().iter().find_map(|l| IBondingManager::Unbond::decode_log_data(l.data()).ok()).expect("Unbond event");
    assert_eq!((unbond.delegate, unbond.delegator, unbond.amount), (t, d, part));

    // Too early to withdraw; after the unbonding period the LPT comes back.
    let early = p.try_send(d, "BondingManager", IBondingManager::withdrawStakeCall { _unbondingLockId: unbond.unbondingLockId }, U256::ZERO).await;
    assert!(early.unwrap_err().0.contains("withdraw round must be before or equal to the current round"));
    while p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await < unbond.withdrawRound {
        p.next_round().await;
    }
    let before = lpt_balance(&p, d).await;
    p.send(d, "BondingManager", IBondingManager::withdrawStakeCall { _unbondingLockId: unbond.unbondingLockId }).await;
    assert_eq!(lpt_balance(&p, d).await, before + part);
}
