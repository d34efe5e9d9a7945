//! Whole-transaction gas of the protocol's everyday operations on the devnet (real WASM, Stylus
//! ink pricing, real cross-contract calls), next to Livepeer's own figures for the same
//! operation in the nearest condition (shared/spec/livepeer-gas.md, measured with its
//! Arbitrum One contracts on anvil). Prints the table that docs/PERFORMANCE-gas.md records
//! (`cargo test -p lpx-e2e --test gas -- --nocapture`) and guards against regressions: each
//! operation must stay within 3% of the figure recorded there.

use alloy::primitives::{utils::parse_ether, Address, U256};
use alloy::rpc::types::TransactionReceipt;
use lpx_abi::{bonding_manager::IBondingManager as BM, ticket_broker::ITicketBroker, token::ILivepeerToken};
use lpx_e2e::Protocol;

/// One measured operation.
struct Row {
    operation: &'static str,
    condition: &'static str,
    lpx: u64,
    /// Livepeer's gasUsed in the nearest condition of spec/livepeer-gas.md.
    livepeer: u64,
    /// What docs/PERFORMANCE-gas.md records for lpx (the regression guard's reference).
    recorded: u64,
}

const Z: Address = Address::ZERO;

fn gas(r: &TransactionReceipt) -> u64 {
    r.gas_used
}

async fn approve(p: &Protocol, who: Address, amount: U256) {
    p.send(who, "LivepeerToken", ILivepeerToken::approveCall { spender: p.address("BondingManager"), amount }).await;
}

fn bond_with_hint(amount: U256, to: Address) -> BM::bondWithHintCall {
    BM::bondWithHintCall {
        _amount: amount,
        _to: to,
        _oldDelegateNewPosPrev: Z,
        _oldDelegateNewPosNext: Z,
        _currDelegateNewPosPrev: Z,
        _currDelegateNewPosNext: Z,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn everyday_operations_cost_what_is_recorded() {
    let p = Protocol::deploy().await;
    let (o, d, b) = (p.accounts[1], p.accounts[2], p.accounts[3]);
    let lpt = |n: &str| parse_ether(n).unwrap();
    let mut rows = Vec::new();
    let mut row = |operation, condition, lpx, livepeer, recorded| rows.push(Row { operation, condition, lpx, livepeer, recorded });

    // Round r0: the first orchestrator ever self-bonds (empty pool → 1) and registers.
    p.next_round().await;
    approve(&p, o, lpt("1000")).await;
    let r = p.send(o, "BondingManager", bond_with_hint(lpt("1000"), o)).await;
    row("bondWithHint", "self-bond, first orchestrator (pool 0 → 1)", gas(&r), 638_670, 674_260);
    let r = p.send(o, "BondingManager", BM::transcoderCall { _rewardCut: U256::from(500_000), _feeShare: U256::from(250_000) }).await;
    row("transcoder", "registration right after the self-bond", gas(&r), 137_996, 156_746);

    // r1: the first round with a non-empty active set; a delegator bonds to the orchestrator.
    let length = p.view("RoundsManager", lpx_abi::rounds_manager::IRoundsManager::roundLengthCall {}).await.to::<u64>();
    p.mine(length).await;
    let r = p.send(p.accounts[0], "RoundsManager", lpx_abi::rounds_manager::IRoundsManager::initializeRoundCall {}).await;
    row("initializeRound", "active set 1", gas(&r), 238_584, 315_869);
    approve(&p, d, lpt("500")).await;
    let r = p.send(d, "BondingManager", bond_with_hint(lpt("500"), o)).await;
    row("bondWithHint", "new delegator → existing orchestrator, active set 1", gas(&r), 462_507, 643_173);

    // r2..r4: the orchestrator's 1st, 2nd and a steady-state reward.
    let mut rewards = Vec::new();
    for _ in 0..3 {
        p.next_round().await;
        rewards.push(gas(&p.send(o, "BondingManager", BM::rewardWithHintCall { _newPosPrev: Z, _newPosNext: Z }).await));
    }
    row("rewardWithHint", "orchestrator's first reward ever", rewards[0], 537_953, 659_379);
    row("rewardWithHint", "orchestrator's second reward", rewards[1], 523_368, 646_725);
    row("rewardWithHint", "steady state, active set 1", rewards[2], 512_574, 630_018);

    // Tickets in r4, after the reward: a broadcaster funds, the orchestrator redeems.
    let funds = parse_ether("1").unwrap();
    let r = p
        .try_send(b, "TicketBroker", ITicketBroker::fundDepositAndReserveCall { _depositAmount: funds, _reserveAmount: funds }, funds * U256::from(2))
        .await
        .unwrap();
    row("fundDepositAndReserve", "new broadcaster: deposit and reserve 0 → x", gas(&r), 107_904, 125_232);
    let r = p.pay_winning_ticket(3, o, parse_ether("0.1").unwrap()).await;
    row("redeemWinningTicket", "from deposit, first ticket of the round, after reward", gas(&r), 241_263, 361_857);

    // r5: reward, then the delegator claims one round, unbonds part, and the orchestrator
    // withdraws its fees.
    p.next_round().await;
    p.send(o, "BondingManager", BM::rewardWithHintCall { _newPosPrev: Z, _newPosNext: Z }).await;
    let round = p.view("RoundsManager", lpx_abi::rounds_manager::IRoundsManager::currentRoundCall {}).await;
    let r = p.send(d, "BondingManager", BM::claimEarningsCall { _endRound: round }).await;
    row("claimEarnings", "delegator, 1 round since its last claim", gas(&r), 262_868, 367_165);
    let r = p.send(d, "BondingManager", BM::unbondWithHintCall { _amount: lpt("100"), _newPosPrev: Z, _newPosNext: Z }).await;
    row("unbondWithHint", "partial, delegator already claimed this round", gas(&r), 313_459, 348_413);
    let fees = p.view("BondingManager", BM::pendingFeesCall { _delegator: o, _endRound: round }).await;
    let r = p.send(o, "BondingManager", BM::withdrawFeesCall { _recipient: o, _amount: fees }).await;
    row("withdrawFees", "orchestrator, whole balance, incl. auto-claim", gas(&r), 211_781, 263_839);

    // After the unbonding period the delegator withdraws the unbonded LPT.
    let period = p.view("BondingManager", BM::unbondingPeriodCall {}).await;
    for _ in 0..period {
        p.next_round().await;
    }
    let r = p.send(d, "BondingManager", BM::withdrawStakeCall { _unbondingLockId: U256::ZERO }).await;
    row("withdrawStake", "delegator, after the unbonding period", gas(&r), 103_176, 138_306);

    println!("| operation | condition | lpx gas | Livepeer gas | lpx / Livepeer |");
    println!("|---|---|---:|---:|---:|");
    for r in &rows {
        println!("| {} | {} | {} | {} | {:.2} |", r.operation, r.condition, r.lpx, r.livepeer, r.lpx as f64 / r.livepeer as f64);
    }
    let drifted: Vec<String> = rows
        .iter()
        .filter(|r| r.lpx.abs_diff(r.recorded) * 100 > r.recorded * 3)
        .map(|r| format!("{} ({}): {} gas, recorded {}", r.operation, r.condition, r.lpx, r.recorded))
        .collect();
    assert!(drifted.is_empty(), "gas moved more than 3% from docs/PERFORMANCE-gas.md; update the record if intended:\n{}", drifted.join("\n"));
}
