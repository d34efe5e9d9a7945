//! Initialization, proposing, the state machine through a full lifecycle, queue/execute
//! through the Treasury, cancel, and the settings (V65) only through governance.

use super::*;
use alloc::format;
use lpx_abi::governor::proposal_state as ps;
use lpx_contracts_common::revert::panic as panic_data;

const ALICE: Address = Address::repeat_byte(0xa1);
const BOB: Address = Address::repeat_byte(0xb0);

fn set_delay(v: u64) -> Vec<u8> {
    G::setVotingDelayCall { newVotingDelay: U256::from(v) }.abi_encode()
}

/// ALICE (150 LPT, a transcoder) proposes setting the voting delay to 5.
fn env_with_proposal() -> (Env, Proposal, U256) {
    let env = Env::new();
    env.give(ALICE, 150);
    env.w().supply = U256::from(300u64) * U256::from(LPT);
    let p = Proposal::call(GOV, set_delay(5), "set votingDelay to 5");
    let id = env.propose(ALICE, &p);
    (env, p, id)
}

#[test]
fn initialize_sets_v65_defaults_and_emits_in_oz_order() {
    let env = Env::new();
    assert_eq!(env.view(&G::votingDelayCall {}), U256::from(1));
    assert_eq!(env.view(&G::votingPeriodCall {}), U256::from(10));
    assert_eq!(env.view(&G::proposalThresholdCall {}), U256::from(100 * LPT));
    assert_eq!(env.view(&G::quorumNumerator_0Call {}), U256::from(333_300));
    assert_eq!(env.view(&G::quorumNumerator_1Call { timepoint: U256::from(10) }), U256::from(333_300));
    assert_eq!(env.view(&G::quorumNumerator_1Call { timepoint: U256::from(9) }), U256::ZERO);
    assert_eq!(env.view(&G::quorumDenominatorCall {}), U256::from(1_000_000));
    assert_eq!(env.view(&G::quotaCall {}), U256::from(500_000));
    assert_eq!(env.view(&G::timelockCall {}), TREASURY);
    assert_eq!(env.view(&G::tokenCall {}), VOTES);
    assert_eq!(env.view(&G::votesCall {}), VOTES);
    assert_eq!(env.view(&G::controllerCall {}), CONTROLLER);
    assert_eq!(env.view(&G::nameCall {}), "LivepeerGovernor");
    assert_eq!(env.view(&G::versionCall {}), "1");
    assert_eq!(env.view(&G::COUNTING_MODECall {}), "support=bravo&quorum=for,abstain,against");
    assert_eq!(env.view(&G::CLOCK_MODECall {}), "mode=livepeer_round");
    assert_eq!(env.view(&G::clockCall {}), alloy::primitives::aliases::U48::from(10));
    let topics: Vec<B256> = env.logs().iter().map(|(t, _)| t[0]).collect();
    use alloy::sol_types::SolEvent;
    assert_eq!(
        topics,
        [
            G::VotingDelaySet::SIGNATURE_HASH,
            G::VotingPeriodSet::SIGNATURE_HASH,
            G::ProposalThresholdSet::SIGNATURE_HASH,
            G::TimelockChange::SIGNATURE_HASH,
            G::QuorumNumeratorUpdated::SIGNATURE_HASH,
            G::Initialized::SIGNATURE_HASH,
        ]
    );
    assert_eq!(env.last_event::<G::TimelockChange>().newTimelock, TREASURY);
    assert_eq!(env.last_event::<G::Initialized>().version, 1);
    // Slot layout of spec Appendix B.
    assert_eq!(env.host.vm().get_storage(U256::from(305)), B256::from(U256::from(1)));
    assert_eq!(env.host.vm().get_storage(U256::from(306)), B256::from(U256::from(10)));
    assert_eq!(env.host.vm().get_storage(U256::from(355)), TREASURY.into_word());
    assert_eq!(env.host.vm().get_storage(U256::from(405)), VOTES.into_word());
    assert_eq!(env.host.vm().get_storage(U256::from(507)), B256::from(U256::from(500_000)));
    assert_eq!(env.host.vm().get_storage(U256::from(2)), B256::from(U256::from(1)));
}

#[test]
fn initialize_runs_once_and_never_on_the_bare_target() {
    let env = Env::new();
    let again = G::initializeCall {
        initialVotingDelay: U256::from(1),
        initialVotingPeriod: U256::from(1),
        initialProposalThreshold: U256::ZERO,
        initialQuorum: U256::ZERO,
        quota: U256::ZERO,
    };
    assert_eq!(env.fails(ALICE, &again.abi_encode()), "Initializable: contract is already initialized");
    // The target as deployed: the Stylus constructor disables initializers.
    let target = Env::uninitialized();
    let mut ctor = crate::router::CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec();
    ctor.extend_from_slice(&CONTROLLER.abi_encode());
    target.ok(ALICE, &ctor);
    assert_eq!(target.last_event::<G::Initialized>().version, 255);
    assert_eq!(target.fails(ALICE, &again.abi_encode()), "Initializable: contract is already initialized");
    assert_eq!(target.fails(ALICE, &ctor), "constructor already called");
}

#[test]
fn initialize_checks_period_and_quorum_bounds() {
    let env = Env::uninitialized();
    let mut init = G::initializeCall {
        initialVotingDelay: U256::from(1),
        initialVotingPeriod: U256::ZERO,
        initialProposalThreshold: U256::ZERO,
        initialQuorum: U256::from(1_000_000),
        quota: U256::ZERO,
    };
    assert_eq!(env.fails(ALICE, &init.abi_encode()), "GovernorSettings: voting period too low");
    // (TestVM keeps the writes of a reverted call; a chain would not: start over.)
    let env = Env::uninitialized();
    init.initialVotingPeriod = U256::from(1);
    init.initialQuorum = U256::from(1_000_001);
    assert_eq!(env.fails(ALICE, &init.abi_encode()), "GovernorVotesQuorumFraction: quorumNumerator over quorumDenominator");
    let env = Env::uninitialized();
    init.initialQuorum = U256::from(1_000_000);
    env.ok(ALICE, &init.abi_encode());
}

#[test]
fn proposal_id_is_hash_proposal_is_keccak_of_abi_encode() {
    let (env, p, id) = env_with_proposal();
    assert_eq!(id, p.id());
    let hashed = env.view(&G::hashProposalCall {
        targets: p.targets.clone(),
        values: p.values.clone(),
        calldatas: p.calldatas.clone(),
        descriptionHash: p.description_hash(),
    });
    assert_eq!(hashed, id);
    let created = env.last_event::<G::ProposalCreated>();
    assert_eq!(created.proposalId, id);
    assert_eq!(created.proposer, ALICE);
    assert_eq!(created.targets, p.targets);
    assert_eq!(created.calldatas, p.calldatas);
    assert_eq!(created.signatures, vec![String::new()]);
    assert_eq!((created.voteStart, created.voteEnd), (U256::from(11), U256::from(21)));
    assert_eq!(created.description, p.description);
    // Threshold checked at the start of the current round (clock - 1).
    assert!(env.w().looked_up.contains(&(ALICE, U256::from(9))));
    assert_eq!(env.view(&G::proposalSnapshotCall { proposalId: id }), U256::from(11));
    assert_eq!(env.view(&G::proposalDeadlineCall { proposalId: id }), U256::from(21));
    assert_eq!(env.view(&G::proposalProposerCall { proposalId: id }), ALICE);
}

#[test]
fn propose_reverts_with_ozs_strings() {
    let env = Env::new();
    env.give(ALICE, 150);
    env.give(BOB, 99);
    let p = Proposal::call(GOV, set_delay(5), "d");
    assert_eq!(env.fails(BOB, &p.propose_call()), "Governor: proposer votes below proposal threshold");
    let mut bad = p.clone();
    bad.values.push(U256::ZERO);
    assert_eq!(env.fails(ALICE, &bad.propose_call()), "Governor: invalid proposal length");
    let mut bad = p.clone();
    bad.calldatas.clear();
    assert_eq!(env.fails(ALICE, &bad.propose_call()), "Governor: invalid proposal length");
    let empty = Proposal { targets: vec![], values: vec![], calldatas: vec![], description: "e".into() };
    assert_eq!(env.fails(ALICE, &empty.propose_call()), "Governor: empty proposal");
    env.propose(ALICE, &p);
    assert_eq!(env.fails(ALICE, &p.propose_call()), "Governor: proposal already exists");
    // Round 0: OZ's `clock() - 1` underflows.
    env.set_round(0);
    assert_eq!(env.call(ALICE, &p.propose_call()), Err(panic_data(0x11)));
}

#[test]
fn proposer_suffix_restricts_who_may_propose() {
    let env = Env::new();
    env.give(ALICE, 150);
    env.give(BOB, 150);
    let mine = format!("text#proposer=0x{}", alloy::hex::encode(ALICE));
    let p = Proposal::call(GOV, set_delay(5), &mine);
    assert_eq!(env.fails(BOB, &p.propose_call()), "Governor: proposer restricted");
    // Upper-case hex digits name the same address.
    let upper = Proposal::call(GOV, set_delay(5), &format!("x#proposer=0x{}", alloy::hex::encode(ALICE).to_uppercase()));
    assert_eq!(env.fails(BOB, &upper.propose_call()), "Governor: proposer restricted");
    env.propose(ALICE, &upper);
    env.propose(ALICE, &p);
    // A suffix that is not 40 hex digits is ordinary text.
    let odd = Proposal::call(GOV, set_delay(5), &format!("#proposer=0x{}g", &alloy::hex::encode(ALICE)[1..]));
    env.propose(BOB, &odd);
}

#[test]
fn full_lifecycle_pending_active_succeeded_queued_executed() {
    let (env, p, id) = env_with_proposal();
    assert_eq!(env.state(id), ps::PENDING);
    env.set_round(11);
    assert_eq!(env.state(id), ps::PENDING, "the snapshot round itself is pending");
    assert_eq!(env.fails(ALICE, &G::castVoteCall { proposalId: id, support: 1 }.abi_encode()), "Governor: vote not currently active");
    env.set_round(12);
    assert_eq!(env.state(id), ps::ACTIVE);
    assert_eq!(env.fails(ALICE, &p.queue_call()), "Governor: proposal not successful");
    assert_eq!(env.fails(ALICE, &p.execute_call()), "Governor: proposal not successful");
    let weight = U256::abi_decode(&env.vote(ALICE, id, 1).unwrap()).unwrap();
    assert_eq!(weight, U256::from(150 * LPT));
    assert!(env.w().looked_up.contains(&(ALICE, U256::from(11))), "weight read at the snapshot");
    let cast = env.last_event::<G::VoteCast>();
    assert_eq!((cast.voter, cast.proposalId, cast.support, cast.weight), (ALICE, id, 1, weight));
    env.set_round(21);
    assert_eq!(env.state(id), ps::ACTIVE, "the deadline round is still active");
    env.set_round(22);
    assert_eq!(env.state(id), ps::SUCCEEDED);
    assert_eq!(env.view(&G::proposalEtaCall { proposalId: id }), U256::ZERO);
    assert_eq!(env.fails(ALICE, &G::castVoteCall { proposalId: id, support: 1 }.abi_encode()), "Governor: vote not currently active");

    env.w().min_delay = 60;
    env.ok(BOB, &p.queue_call());
    assert_eq!(env.state(id), ps::QUEUED);
    let queued = env.last_event::<G::ProposalQueued>();
    assert_eq!((queued.proposalId, queued.eta), (id, U256::from(env.host.vm().block_timestamp() + 60)));
    assert_eq!(env.view(&G::proposalEtaCall { proposalId: id }), U256::from(1_060));
    assert_eq!(env.fails(BOB, &p.queue_call()), "Governor: proposal not successful");
    // The operation is scheduled with OZ 4.9's salt, bytes20(governor) ^ descriptionHash.
    let mut salt = p.description_hash();
    salt.0.iter_mut().zip(GOV.0.iter()).for_each(|(s, g)| *s ^= g);
    assert!(env.w().ops.contains_key(&operation_id(&p.targets, &p.values, &p.calldatas, salt)));
    let scheduled = env.host.calls_to(lpx_contracts_common::testing::CallKind::Call, TREASURY);
    let call = T::scheduleBatchCall::abi_decode(&scheduled[0].0).unwrap();
    assert_eq!((call.salt, call.delay, call.predecessor), (salt, U256::from(60), B256::ZERO));

    env.w().now = 1_060;
    env.ok(BOB, &p.execute_call());
    assert_eq!(env.state(id), ps::EXECUTED);
    assert_eq!(env.last_event::<G::ProposalExecuted>().proposalId, id);
    // The Treasury ran setVotingDelay(5) re-entrantly, accepted by onlyGovernance.
    assert_eq!(env.view(&G::votingDelayCall {}), U256::from(5));
    assert_eq!(env.w().queued_hashes, vec![keccak256(set_delay(5))]);
    assert_eq!(env.last_event::<G::VotingDelaySet>().newVotingDelay, U256::from(5));
    // Executed twice: rejected.
    assert_eq!(env.fails(BOB, &p.execute_call()), "Governor: proposal not successful");
    assert_eq!(env.view(&G::proposalEtaCall { proposalId: id }), U256::ZERO);
    // The governance-call queue is left empty: its one entry was consumed (begin = end = 1).
    assert_eq!(env.host.vm().get_storage(U256::from(257)), B256::from((U256::from(1) << 128) | U256::from(1)));
}

#[test]
fn execute_before_the_timelock_delay_is_refused_by_the_treasury() {
    let (env, p, id) = env_with_proposal();
    env.set_round(12);
    env.vote(ALICE, id, 1).unwrap();
    env.set_round(22);
    env.w().min_delay = 60;
    env.ok(BOB, &p.queue_call());
    assert_eq!(env.fails(BOB, &p.execute_call()), "TimelockController: operation is not ready");
    assert_eq!(env.w().executed, vec![]);
}

#[test]
fn below_quorum_or_quota_is_defeated() {
    // V58 quorum is in the counting tests; here: quorum reached but quota missed.
    let (env, p, id) = env_with_proposal();
    env.give(BOB, 200);
    env.w().supply = U256::from(350u64) * U256::from(LPT);
    env.set_round(12);
    env.vote(ALICE, id, 1).unwrap();
    env.vote(BOB, id, 0).unwrap();
    env.set_round(22);
    assert_eq!(env.state(id), ps::DEFEATED, "150 for vs 200 against is below the 50% quota");
    assert_eq!(env.fails(ALICE, &p.queue_call()), "Governor: proposal not successful");
    // Nobody voting: below quorum.
    let (env, _, id) = env_with_proposal();
    env.set_round(22);
    assert_eq!(env.state(id), ps::DEFEATED);
}

#[test]
fn unknown_proposal_id() {
    let env = Env::new();
    let msg = env.fails(ALICE, &G::stateCall { proposalId: U256::from(7) }.abi_encode());
    assert_eq!(msg, "Governor: unknown proposal id");
    assert_eq!(env.fails(ALICE, &G::castVoteCall { proposalId: U256::from(7), support: 1 }.abi_encode()), msg);
    let p = Proposal::call(GOV, set_delay(5), "never proposed");
    assert_eq!(env.fails(ALICE, &p.queue_call()), msg);
    assert_eq!(env.view(&G::proposalSnapshotCall { proposalId: U256::from(7) }), U256::ZERO);
}

#[test]
fn cancel_only_by_proposer_while_pending() {
    let (env, p, id) = env_with_proposal();
    assert_eq!(env.fails(BOB, &p.cancel_call()), "Governor: only proposer can cancel");
    env.ok(ALICE, &p.cancel_call());
    assert_eq!(env.state(id), ps::CANCELED);
    assert_eq!(env.last_event::<G::ProposalCanceled>().proposalId, id);
    assert_eq!(env.fails(ALICE, &p.cancel_call()), "Governor: too late to cancel");
    let (env, p, id) = env_with_proposal();
    env.set_round(12);
    assert_eq!(env.state(id), ps::ACTIVE);
    assert_eq!(env.fails(ALICE, &p.cancel_call()), "Governor: too late to cancel");
}

#[test]
fn a_timelock_cancelled_operation_reads_canceled() {
    let (env, p, id) = env_with_proposal();
    env.set_round(12);
    env.vote(ALICE, id, 1).unwrap();
    env.set_round(22);
    env.ok(ALICE, &p.queue_call());
    env.w().ops.clear();
    assert_eq!(env.state(id), ps::CANCELED);
}

/// Runs `action` through a full proposal cycle; returns the env after execution.
fn through_governance(action: Vec<u8>, description: &str) -> Env {
    let env = Env::new();
    env.give(ALICE, 150);
    env.w().supply = U256::from(150u64) * U256::from(LPT);
    let p = Proposal::call(GOV, action, description);
    let id = env.propose(ALICE, &p);
    env.set_round(12);
    env.vote(ALICE, id, 1).unwrap();
    env.set_round(22);
    env.ok(ALICE, &p.queue_call());
    let executed = env.call(ALICE, &p.execute_call());
    if let Err(e) = executed {
        panic!("execute: {}", revert_message(&e));
    }
    env
}

#[test]
fn v65_settings_change_through_a_full_proposal_cycle() {
    let env = through_governance(set_delay(5), "delay 5");
    assert_eq!(env.view(&G::votingDelayCall {}), U256::from(5));
    let env = through_governance(G::setVotingPeriodCall { newVotingPeriod: U256::from(14) }.abi_encode(), "period 14");
    assert_eq!(env.view(&G::votingPeriodCall {}), U256::from(14));
    assert_eq!(env.last_event::<G::VotingPeriodSet>().oldVotingPeriod, U256::from(10));
    let threshold = G::setProposalThresholdCall { newProposalThreshold: U256::from(50 * LPT) }.abi_encode();
    let env = through_governance(threshold, "threshold 50");
    assert_eq!(env.view(&G::proposalThresholdCall {}), U256::from(50 * LPT));
}

#[test]
fn v65_a_failing_setting_reverts_the_execution() {
    let env = Env::new();
    env.give(ALICE, 150);
    env.w().supply = U256::from(150u64) * U256::from(LPT);
    let p = Proposal::call(GOV, G::setVotingPeriodCall { newVotingPeriod: U256::ZERO }.abi_encode(), "period 0");
    let id = env.propose(ALICE, &p);
    env.set_round(12);
    env.vote(ALICE, id, 1).unwrap();
    env.set_round(22);
    env.ok(ALICE, &p.queue_call());
    assert_eq!(env.fails(ALICE, &p.execute_call()), "GovernorSettings: voting period too low");
    assert_eq!(env.w().failed, vec![String::from("GovernorSettings: voting period too low")]);
}

#[test]
fn v65_settings_refuse_direct_calls() {
    let env = Env::new();
    let calls = [
        set_delay(5),
        G::setVotingPeriodCall { newVotingPeriod: U256::from(14) }.abi_encode(),
        G::setProposalThresholdCall { newProposalThreshold: U256::ZERO }.abi_encode(),
        G::updateQuorumNumeratorCall { newQuorumNumerator: U256::from(500_000) }.abi_encode(),
        G::updateTimelockCall { newTimelock: BOB }.abi_encode(),
        G::relayCall { target: BOB, value: U256::ZERO, data: Bytes::new() }.abi_encode(),
    ];
    for call in &calls {
        assert_eq!(env.fails(ALICE, call), "Governor: onlyGovernance");
        // The timelock itself, outside a proposal's execution: OZ's queue is empty.
        assert_eq!(env.fails(TREASURY, call), "Governor: call is not part of the executing proposal");
    }
}

fn flush(env: &Env) {
    use stylus_sdk::stylus_core::host::StorageAccess;
    env.host.flush_cache(false);
}

/// Pushes `data`'s hash as `execute` does for a call to the governor, then makes the call
/// as the timelock (what the Treasury does inside `executeBatch`).
fn as_executing_proposal(env: &Env, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let mut g = unsafe {
        <crate::LivepeerGovernor as stylus_sdk::storage::StorageType>::new(
            U256::ZERO,
            0,
            stylus_sdk::host::VM { host: alloc::boxed::Box::new(env.host.clone()) },
        )
    };
    g.push_governance_call(keccak256(data)).unwrap();
    flush(env);
    env.call(TREASURY, data)
}

#[test]
fn quorum_numerator_through_governance() {
    let env = Env::new();
    let update = |v: u64| G::updateQuorumNumeratorCall { newQuorumNumerator: U256::from(v) }.abi_encode();
    assert_eq!(
        revert_message(&as_executing_proposal(&env, &update(1_000_001)).unwrap_err()),
        "GovernorVotesQuorumFraction: quorumNumerator over quorumDenominator"
    );
    env.set_round(15);
    as_executing_proposal(&env, &update(500_000)).unwrap();
    let ev = env.last_event::<G::QuorumNumeratorUpdated>();
    assert_eq!((ev.oldQuorumNumerator, ev.newQuorumNumerator), (U256::from(333_300), U256::from(500_000)));
    assert_eq!(env.view(&G::quorumNumerator_0Call {}), U256::from(500_000));
    // Proposals snapshotted before round 15 keep the old numerator.
    assert_eq!(env.view(&G::quorumNumerator_1Call { timepoint: U256::from(14) }), U256::from(333_300));
    assert_eq!(env.view(&G::quorumNumerator_1Call { timepoint: U256::from(15) }), U256::from(500_000));
    env.w().supply = U256::from(1_000_000u64);
    assert_eq!(env.view(&G::quorumCall { timepoint: U256::from(14) }), U256::from(333_300));
    assert_eq!(env.view(&G::quorumCall { timepoint: U256::from(16) }), U256::from(500_000));
    // Same round again overwrites the checkpoint.
    as_executing_proposal(&env, &update(400_000)).unwrap();
    assert_eq!(env.view(&G::quorumNumerator_1Call { timepoint: U256::from(15) }), U256::from(400_000));
    // A call other than the queued one is refused.
    let mut g_data = update(1);
    let r = {
        let mut g = unsafe {
            <crate::LivepeerGovernor as stylus_sdk::storage::StorageType>::new(
                U256::ZERO,
                0,
                stylus_sdk::host::VM { host: alloc::boxed::Box::new(env.host.clone()) },
            )
        };
        g.push_governance_call(keccak256(&g_data)).unwrap();
        flush(&env);
        g_data = update(2);
        env.call(TREASURY, &g_data)
    };
    assert_eq!(revert_message(&r.unwrap_err()), "Governor: call is not part of the executing proposal");
}

#[test]
fn update_timelock_and_relay_through_governance() {
    let env = Env::new();
    let relay = G::relayCall { target: BOB, value: U256::ZERO, data: Bytes::from(vec![1, 2, 3, 4]) }.abi_encode();
    env.host.mock_call(BOB, vec![1, 2, 3, 4], U256::ZERO, Err(Vec::new()));
    assert_eq!(revert_message(&as_executing_proposal(&env, &relay).unwrap_err()), "Governor: relay reverted without message");
    env.host.mock_call(BOB, vec![1, 2, 3, 4], U256::ZERO, Err(lpx_contracts_common::revert::err("inner")));
    assert_eq!(revert_message(&as_executing_proposal(&env, &relay).unwrap_err()), "inner");
    env.host.mock_call(BOB, vec![1, 2, 3, 4], U256::ZERO, Ok(vec![]));
    as_executing_proposal(&env, &relay).unwrap();
    let update = G::updateTimelockCall { newTimelock: BOB }.abi_encode();
    as_executing_proposal(&env, &update).unwrap();
    let ev = env.last_event::<G::TimelockChange>();
    assert_eq!((ev.oldTimelock, ev.newTimelock), (TREASURY, BOB));
    assert_eq!(env.view(&G::timelockCall {}), BOB);
}

#[test]
fn set_controller_and_bump_token() {
    let env = Env::new();
    let set = G::setControllerCall { _controller: BOB }.abi_encode();
    assert_eq!(env.fails(ALICE, &set), "caller must be Controller");
    env.ok(CONTROLLER, &set);
    assert_eq!(env.view(&G::controllerCall {}), BOB);
    assert_eq!(env.last_event::<G::SetController>().controller, BOB);
    // bump re-reads the (new) Controller's BondingVotes: BOB is not a Controller here.
    env.host.mock_get_contract(BOB, ids::BONDING_VOTES, ALICE);
    env.ok(ALICE, &G::bumpGovernorVotesTokenAddressCall {}.abi_encode());
    assert_eq!(env.view(&G::tokenCall {}), ALICE);
}

#[test]
fn safecast_and_checkpoint_order_reverts() {
    // A voting delay that pushes the snapshot past uint64.
    let env = Env::uninitialized();
    let init = G::initializeCall {
        initialVotingDelay: U256::from(u64::MAX),
        initialVotingPeriod: U256::from(1),
        initialProposalThreshold: U256::ZERO,
        initialQuorum: U256::ZERO,
        quota: U256::ZERO,
    };
    env.ok(ALICE, &init.abi_encode());
    let p = Proposal::call(GOV, set_delay(5), "far");
    assert_eq!(env.fails(ALICE, &p.propose_call()), "SafeCast: value doesn't fit in 64 bits");
    // A quorum checkpoint at a round beyond uint32.
    let env = Env::uninitialized();
    env.set_round(1 << 32);
    assert_eq!(env.fails(ALICE, &init.abi_encode()), "SafeCast: value doesn't fit in 32 bits");
    // A checkpoint older than the last one.
    let env = Env::new();
    env.set_round(5);
    let update = G::updateQuorumNumeratorCall { newQuorumNumerator: U256::from(1) }.abi_encode();
    assert_eq!(revert_message(&as_executing_proposal(&env, &update).unwrap_err()), "Checkpoint: decreasing keys");
    // A clock reply that is not a uint48.
    env.set_round(1 << 48);
    assert_eq!(env.fails(ALICE, &G::clockCall {}.abi_encode()), "invalid call response");
}
