//! BondingVotes on real WASM: the deployed BondingManager checkpoints every bonding change
//! into the deployed BondingVotes, whose ERC-5805 views then give, for every past round,
//! exactly the bonding state the BondingManager had at the end of that round.

use alloy::primitives::{keccak256, utils::parse_ether, Address, U256};
use lpx_abi::{
    bonding_manager::IBondingManager, bonding_votes::IBondingVotes as V, controller::IController, rounds_manager::IRoundsManager, token::ILivepeerToken,
};
use lpx_e2e::Protocol;

fn lpt(n: &str) -> U256 {
    parse_ether(n).unwrap()
}

/// The BondingManager's view of the voting state at the end of a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Snapshot {
    round: U256,
    /// The transcoder's delegated amount (its votes).
    transcoder: U256,
    /// The delegator's stake with its pending rewards (its votes).
    delegator: U256,
    /// The delegator's delegate.
    delegate: Address,
    /// The active stake the next round starts with.
    total: U256,
}

async fn snapshot(p: &Protocol, t: Address, d: Address) -> Snapshot {
    let round = p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await;
    Snapshot {
        round,
        transcoder: p.view("BondingManager", IBondingManager::transcoderTotalStakeCall { _transcoder: t }).await,
        delegator: p.view("BondingManager", IBondingManager::pendingStakeCall { _delegator: d, _endRound: round }).await,
        delegate: p.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: d }).await.delegateAddress,
        total: p.view("BondingManager", IBondingManager::nextRoundTotalActiveStakeCall {}).await,
    }
}

async fn approve_and_bond(p: &Protocol, who: Address, amount: U256, to: Address) {
    let bm = p.address("BondingManager");
    p.send(who, "LivepeerToken", ILivepeerToken::approveCall { spender: bm, amount }).await;
    p.send(who, "BondingManager", IBondingManager::bondCall { _amount: amount, _to: to }).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn past_votes_and_supply_equal_the_bonding_state_of_each_round() {
    let p = Protocol::deploy().await;
    let (t, d, stranger) = (p.accounts[1], p.accounts[2], p.accounts[3]);

    // Deployed, constructed with the Controller and registered as "BondingVotes".
    let registered = p.view("Controller", IController::getContractCall { _id: keccak256("BondingVotes") }).await;
    assert_eq!(registered, p.address("BondingVotes"));
    assert_eq!(p.view("BondingVotes", V::controllerCall {}).await, p.address("Controller"));

    let mut snapshots = Vec::new();
    // r0: the transcoder registers with 1000 of its own.
    let first = p.next_round().await;
    approve_and_bond(&p, t, lpt("1000"), t).await;
    p.send(t, "BondingManager", IBondingManager::transcoderCall { _rewardCut: U256::from(500_000), _feeShare: U256::from(250_000) }).await;
    snapshots.push(snapshot(&p, t, d).await);
    // r1: a delegator bonds 1000 to it.
    p.next_round().await;
    approve_and_bond(&p, d, lpt("1000"), t).await;
    snapshots.push(snapshot(&p, t, d).await);
    // r2, r3: rewards; the delegator's votes grow without it doing anything.
    for _ in 0..2 {
        p.next_round().await;
        p.send(t, "BondingManager", IBondingManager::rewardCall {}).await;
        snapshots.push(snapshot(&p, t, d).await);
    }
    // r4: the delegator unbonds part (claiming first), no reward this round.
    p.next_round().await;
    p.send(d, "BondingManager", IBondingManager::unbondCall { _amount: lpt("300") }).await;
    snapshots.push(snapshot(&p, t, d).await);
    // r5: reward again, and the delegator rebonds what it unbonded.
    p.next_round().await;
    p.send(t, "BondingManager", IBondingManager::rewardCall {}).await;
    p.send(d, "BondingManager", IBondingManager::rebondCall { _unbondingLockId: U256::ZERO }).await;
    snapshots.push(snapshot(&p, t, d).await);
    // r6: an idle round, so r5 is in the past.
    let now = p.next_round().await;
    snapshots.push(snapshot(&p, t, d).await);

    assert_eq!(p.view("BondingVotes", V::clockCall {}).await.to::<u64>(), now.to::<u64>());
    for s in &snapshots[..snapshots.len() - 1] {
        let r = s.round;
        assert_eq!(p.view("BondingVotes", V::getPastVotesCall { _account: t, _round: r }).await, s.transcoder, "transcoder votes at {r}");
        assert_eq!(p.view("BondingVotes", V::getPastVotesCall { _account: d, _round: r }).await, s.delegator, "delegator votes at {r}");
        assert_eq!(p.view("BondingVotes", V::delegatedAtCall { _account: d, _round: r }).await, s.delegate, "delegate at {r}");
        assert_eq!(p.view("BondingVotes", V::getPastTotalSupplyCall { _round: r }).await, s.total, "total at {r}");
    }
    // The state moved every round, so a lookup of the wrong round would have been caught.
    assert!(snapshots[2].delegator > snapshots[1].delegator && snapshots[3].delegator > snapshots[2].delegator);
    assert!(snapshots[4].delegator < snapshots[3].delegator && snapshots[5].transcoder > snapshots[4].transcoder);
    // Before anyone bonded: nothing.
    let before = first - U256::from(1);
    assert_eq!(p.view("BondingVotes", V::getPastVotesCall { _account: t, _round: before }).await, U256::ZERO);
    assert_eq!(p.view("BondingVotes", V::getPastTotalSupplyCall { _round: before }).await, U256::ZERO);

    // The current round's views equal the live state.
    let live = snapshots[snapshots.len() - 1];
    assert_eq!(p.view("BondingVotes", V::getVotesCall { _account: t }).await, live.transcoder);
    assert_eq!(p.view("BondingVotes", V::getVotesCall { _account: d }).await, live.delegator);
    assert_eq!(p.view("BondingVotes", V::totalSupplyCall {}).await, live.total);
    assert_eq!(p.view("BondingVotes", V::delegatesCall { _account: d }).await, t);

    // Only the BondingManager writes checkpoints; nothing about the future is answered.
    let forged = p.try_send(stranger, "BondingVotes", V::checkpointTotalActiveStakeCall { _totalStake: U256::from(1), _round: now }, U256::ZERO).await;
    let selector = alloy::hex::encode(<V::InvalidCaller as alloy::sol_types::SolError>::SELECTOR);
    assert!(forged.as_ref().is_err_and(|e| e.0.contains(&selector) || e.0.contains("InvalidCaller")), "{forged:?}");
    let future = p.try_send(stranger, "BondingVotes", V::getPastVotesCall { _account: t, _round: now }, U256::ZERO).await;
    assert!(future.is_err(), "a lookup of the current round is refused");
}
