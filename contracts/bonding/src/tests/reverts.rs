//! Every revert string of the BondingManager, each from the condition that raises it.

use super::*;
use lpx_abi::bonding_manager::IBondingManager as I;
use lpx_contracts_common::revert::panic;
use stylus_sdk::testing::TestVM;

fn t() -> Address {
    addr(1)
}

fn active_world() -> World {
    let w = World::new();
    w.bond(t(), 1000, t()).unwrap();
    w.transcoder(t(), 500_000, 500_000).unwrap();
    w.next_round();
    w
}

#[test]
fn access_control() {
    let w = World::new();
    let x = addr(9);
    assert_revert(w.call(x, I::setUnbondingPeriodCall { _unbondingPeriod: 1 }), "caller must be Controller owner");
    assert_revert(w.call(x, I::setTreasuryRewardCutRateCall { _cutRate: u(1) }), "caller must be Controller owner");
    assert_revert(w.call(x, I::setTreasuryBalanceCeilingCall { _ceiling: u(1) }), "caller must be Controller owner");
    assert_revert(w.call(x, I::setNumActiveTranscodersCall { _numActiveTranscoders: u(5) }), "caller must be Controller owner");
    assert_revert(w.call(x, I::setControllerCall { _controller: x }), "caller must be Controller");
    assert_revert(w.call(x, I::updateTranscoderWithFeesCall { _transcoder: t(), _fees: u(1), _round: u(1) }), "caller must be TicketBroker");
    assert_revert(w.call(x, I::slashTranscoderCall { _transcoder: t(), _finder: Z, _slashAmount: u(1), _finderFee: u(1) }), "caller must be Verifier");
    assert_revert(w.call(x, I::setCurrentRoundTotalActiveStakeCall {}), "caller must be RoundsManager");
    w.clear_logs();
    w.call(CONTROLLER, I::setControllerCall { _controller: x }).unwrap();
    assert_eq!(w.contract().controller(), x);
    assert_eq!(events::<I::SetController>(&w), vec![I::SetController { controller: x }]);
}

#[test]
fn parameters() {
    let w = World::new();
    w.clear_logs();
    assert_revert(w.call(OWNER, I::setTreasuryRewardCutRateCall { _cutRate: e27() + u(1) }), "_cutRate is invalid precise percentage");
    w.call(OWNER, I::setTreasuryRewardCutRateCall { _cutRate: e27() }).unwrap();
    assert_eq!(w.view(I::nextRoundTreasuryRewardCutRateCall {}), e27());
    assert_revert(w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: u(2) }), "new max size must be greater than old max size");
    assert_revert(w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: u(1) }), "new max size must be greater than old max size");
    w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: u(3) }).unwrap();
    assert_eq!(w.view(I::getTranscoderPoolMaxSizeCall {}), u(3));
    w.call(OWNER, I::setTreasuryBalanceCeilingCall { _ceiling: u(7) }).unwrap();
    assert_eq!(w.view(I::treasuryBalanceCeilingCall {}), u(7));
    assert_eq!(w.view(I::unbondingPeriodCall {}), 2);
    let params: Vec<String> = events::<I::ParameterUpdate>(&w).into_iter().map(|e| e.param).collect();
    assert_eq!(params, ["nextRoundTreasuryRewardCutRate", "numActiveTranscoders", "treasuryBalanceCeiling"]);
}

#[test]
fn pause_and_round_guards() {
    let w = active_world();
    w.with(|s| s.paused = true);
    for r in [
        w.bond(addr(2), 1, t()),
        w.unbond(t(), 1),
        w.reward(t()),
        w.claim(t()),
        w.transcoder(t(), 1, 1),
        w.call(t(), I::withdrawStakeCall { _unbondingLockId: U256::ZERO }),
        w.call(t(), I::withdrawFeesCall { _recipient: t(), _amount: U256::ZERO }),
        w.call(t(), I::setRewardCallerCall { _rewardCaller: addr(3) }),
        w.call(BROKER, I::updateTranscoderWithFeesCall { _transcoder: t(), _fees: u(1), _round: u(1) }),
        w.call(VERIFIER, I::slashTranscoderCall { _transcoder: t(), _finder: Z, _slashAmount: u(1), _finderFee: u(1) }),
    ] {
        assert_revert(r, "system is paused");
    }
    w.with(|s| {
        s.paused = false;
        s.initialized = false;
    });
    assert_revert(w.bond(addr(2), 1, t()), "current round is not initialized");
    assert_revert(w.reward(t()), "current round is not initialized");
    assert_revert(w.claim(t()), "current round is not initialized");
    assert_revert(w.call(t(), I::rebondCall { _unbondingLockId: U256::ZERO }), "current round is not initialized");
}

#[test]
fn transcoder_checks() {
    let w = active_world();
    w.with(|s| s.locked = true);
    assert_revert(w.transcoder(t(), 1, 1), "can't update transcoder params, current round is locked");
    w.with(|s| s.locked = false);
    assert_revert(w.transcoder(t(), 1_000_001, 1), "invalid rewardCut percentage");
    assert_revert(w.transcoder(t(), 1, 1_000_001), "invalid feeShare percentage");
    assert_revert(w.transcoder(addr(2), 1, 1), "transcoder must be registered");
    assert_revert(w.transcoder(t(), 1, 1), "caller can't be active or must have already called reward for the current round");
    w.reward(t()).unwrap();
    w.transcoder(t(), 1_000_000, 0).unwrap();
    assert_eq!(w.tinfo(t()).rewardCut, u(1_000_000));
}

#[test]
fn bonding_checks() {
    let w = active_world();
    let d = addr(2);
    assert_revert(w.call(d, I::bondCall { _amount: U256::ZERO, _to: t() }), "delegation amount must be greater than 0");
    assert_revert(w.bond(t(), 1, addr(5)), "registered transcoders can't delegate towards other addresses");
    // Not enough LPT: the token's revert bubbles up.
    assert_revert(w.call(d, I::bondCall { _amount: u(5), _to: t() }), "ERC20: transfer amount exceeds balance");
    w.bond(d, 100, t()).unwrap();
    // Pending delegators cannot unbond.
    assert_revert(w.unbond(d, 1), "caller must be bonded");
    assert_revert(w.unbond(addr(3), 1), "caller must be bonded");
    w.next_round();
    assert_revert(w.unbond(d, 0), "unbond amount must be greater than 0");
    assert_revert(w.unbond(d, 101), "amount is greater than bonded amount");
    assert_revert(w.call(d, I::rebondCall { _unbondingLockId: U256::ZERO }), "invalid unbonding lock ID");
    assert_revert(w.call(addr(3), I::rebondCall { _unbondingLockId: U256::ZERO }), "caller must be bonded");
    assert_revert(w.call(d, I::rebondFromUnbondedCall { _to: t(), _unbondingLockId: U256::ZERO }), "caller must be unbonded");
    w.unbond(d, 100).unwrap();
    assert_revert(w.call(d, I::rebondFromUnbondedCall { _to: t(), _unbondingLockId: u(7) }), "invalid unbonding lock ID");
    w.call(d, I::rebondFromUnbondedCall { _to: t(), _unbondingLockId: U256::ZERO }).unwrap();
    assert_eq!(w.delegator(d).bondedAmount, u(100));
}

#[test]
fn reward_checks_and_reward_caller() {
    let w = active_world();
    let caller = addr(4);
    assert_revert(w.reward(addr(2)), "caller must be an active transcoder");
    assert_revert(w.call(caller, I::rewardForTranscoderCall { _transcoder: t() }), "caller must be a reward caller set by the transcoder");
    w.call(t(), I::setRewardCallerCall { _rewardCaller: caller }).unwrap();
    assert_eq!(events::<I::RewardCallerSet>(&w), vec![I::RewardCallerSet { transcoder: t(), rewardCaller: caller }]);
    assert_eq!(w.view(I::transcoderToRewardCallerCall { _transcoder: t() }), caller);
    w.clear_logs();
    w.call(caller, I::rewardForTranscoderWithHintCall { _transcoder: t(), _newPosPrev: Z, _newPosNext: Z }).unwrap();
    assert_eq!(w.tinfo(t()).lastRewardRound, u(101));
    assert_eq!(w.state().checkpoints.iter().map(|c| c.account).collect::<Vec<_>>(), vec![t()]);
    assert_eq!(events::<I::Reward>(&w)[0].transcoder, t());
    assert_revert(w.reward(t()), "caller has already called reward for the current round");
    assert_revert(w.call(caller, I::rewardForTranscoderCall { _transcoder: t() }), "caller has already called reward for the current round");
    // Unset: the caller is refused, the transcoder itself still can.
    w.call(t(), I::setRewardCallerCall { _rewardCaller: Z }).unwrap();
    w.next_round();
    assert_revert(w.call(caller, I::rewardForTranscoderCall { _transcoder: t() }), "caller must be a reward caller set by the transcoder");
    w.reward(t()).unwrap();
}

#[test]
fn fee_checks() {
    let w = active_world();
    assert_revert(w.fees(addr(2), 1), "transcoder must be registered");
    // Registered but not active (joined this round): the 2025 fix refuses fees.
    let late = addr(3);
    w.bond(late, 5000, late).unwrap();
    assert_revert(w.fees(late, 1), "transcoder must be active");
    w.fees(t(), 1).unwrap();
}

#[test]
fn leaving_transcoder_must_reward_before_taking_stake() {
    // Pool max 2: T and U active; V evicts U in round 101, U stays active in 101.
    let w = active_world();
    let (uu, v, d) = (addr(2), addr(3), addr(4));
    w.bond(uu, 900, uu).unwrap();
    w.next_round();
    w.bond(v, 5000, v).unwrap();
    assert_eq!(w.tinfo(uu).deactivationRound, u(103));
    assert!(w.is_active(uu));
    assert_revert(w.bond(d, 10, uu), "transcoder has not yet called reward for the current round");
    w.reward(uu).unwrap();
    w.bond(d, 10, uu).unwrap();
}

#[test]
fn router_rejects_bad_calls() {
    let w = World::new();
    assert_revert(w.tx(t(), vec![1, 2]), "unknown function selector");
    assert_revert(w.tx(t(), vec![0xde, 0xad, 0xbe, 0xef]), "unknown function selector");
    let mut short = data(I::bondCall { _amount: u(1), _to: t() });
    short.truncate(40);
    assert_revert(w.tx(t(), short), "invalid calldata");
    let mut dirty = data(I::bondCall { _amount: u(1), _to: t() });
    dirty[4 + 32] = 1;
    assert_revert(w.tx(t(), dirty), "invalid calldata");
    let mut big_period = data(I::setUnbondingPeriodCall { _unbondingPeriod: 1 });
    big_period[4 + 10] = 1;
    assert_revert(w.tx(OWNER, big_period), "invalid calldata");
    w.set_value(u(1));
    assert_revert(w.call(t(), I::rewardCall {}), "function is not payable");
    assert_revert(w.call(t(), I::getTranscoderPoolMaxSizeCall {}), "function is not payable");
    w.set_value(U256::ZERO);
    // The constructor runs once.
    let ctor: Vec<u8> = crate::router::CONSTRUCTOR_SELECTOR.to_be_bytes().into_iter().chain([0u8; 32]).collect();
    assert_eq!(w.tx(t(), ctor), Err(vec![]));
}

#[test]
fn peers_missing_or_misbehaving() {
    let w = active_world();
    w.unbond(t(), 10).unwrap();
    w.next_round();
    w.next_round();
    w.with(|s| {
        s.registry.insert(lpx_contracts_common::ids::MINTER, addr(77));
    });
    assert_revert(w.call(t(), I::withdrawStakeCall { _unbondingLockId: U256::ZERO }), "call to non-contract");
    w.with(|s| {
        s.registry.insert(lpx_contracts_common::ids::MINTER, MINTER);
        s.fail.insert(lpx_abi::bonding_manager::IBondingRounds::currentRoundCall::SELECTOR, err("rounds down"));
    });
    assert_revert(w.claim(t()), "rounds down");
    w.with(|s| {
        s.fail.clear();
        s.registry.remove(&crate::router::EXTENSION_ID);
    });
    assert_revert(w.call(t(), I::getTranscoderCall { _transcoder: t() }), "unknown function selector");
}

#[test]
fn malformed_peer_replies_revert_invalid_call_response() {
    use lpx_abi::bonding_manager::IBondingRounds as R;
    use lpx_abi::controller::IController as C;
    let w = active_world();
    let word = |x: U256| x.to_be_bytes::<32>().to_vec();
    let cases: [([u8; 4], Vec<u8>); 4] = [
        // paused() must be 0 or 1.
        (C::pausedCall::SELECTOR, word(u(2))),
        // getContract() must have its upper 12 bytes zero.
        (C::getContractCall::SELECTOR, word(U256::MAX)),
        // currentRound() must be at least a word.
        (R::currentRoundCall::SELECTOR, vec![0u8; 31]),
        // currentRoundInitialized() must be 0 or 1.
        (R::currentRoundInitializedCall::SELECTOR, word(u(1) << 8)),
    ];
    for (sel, bad) in cases {
        w.with(|s| s.reply.insert(sel, bad.clone()));
        assert_revert(w.claim(t()), "invalid call response");
        w.with(|s| s.reply.clear());
    }
    // With well-formed replies the same call goes through.
    w.claim(t()).unwrap();
}

#[test]
fn arithmetic_panics_like_solidity() {
    // Fees for a transcoder whose round pool has no stake divide by zero (spec §16 item 26
    // before the active check): reached here with a hand-made zero stake.
    let w = active_world();
    let mut bm = w.contract();
    let round = u(101);
    let slot = crate::store::at(bm.ep_base(t(), round), crate::store::ep::TOTAL_STAKE);
    bm.store(slot, U256::ZERO);
    assert_eq!(w.fees(t(), 1).map(|_| ()), Err(panic(0x12)));
}

/// The stock TestVM with `mock_static_call`: a paused Controller stops a bond before
/// anything else is read.
#[test]
fn testvm_mocked_controller_pause() {
    use alloy_sol_types::SolCall;
    let vm = TestVM::default();
    let controller = addr(50);
    let mut bm = crate::BondingManager::from(&vm);
    bm.constructor(controller).unwrap();
    vm.mock_static_call(controller, lpx_abi::controller::IController::pausedCall {}.abi_encode(), Ok(U256::from(1).to_be_bytes::<32>().to_vec()));
    let out = bm.route(&I::bondCall { _amount: u(1), _to: t() }.abi_encode());
    assert_eq!(out, Err(err("system is paused")));
}

/// `router::functions()` (what the export-abi binaries print) says which program serves
/// each function: the main router forwards exactly the extension's selectors, and the
/// extension refuses the main program's.
#[test]
fn each_function_is_served_by_the_program_the_interface_says() {
    let w = active_world();
    let unknown = err(crate::router::ERR_SELECTOR);
    let mut n = 0;
    for (selector, in_extension) in crate::router::functions() {
        n += 1;
        let mut data = selector.to_vec();
        data.resize(4 + 7 * 32, 0);
        // The extension program alone (called directly, as the main program's DELEGATECALL
        // target would be); a revert for any other reason means it has the function.
        let ext = w.tx_with(t(), |bm| bm.route_extension(&data));
        assert_eq!(ext.as_ref().err() != Some(&unknown), in_extension, "extension and {:02x?}", selector);
        // Without an extension registered, the main program serves only its own selectors.
        w.with(|s| s.registry.remove(&crate::router::EXTENSION_ID));
        let main = w.tx(t(), data.clone());
        w.with(|s| s.registry.insert(crate::router::EXTENSION_ID, EXT));
        assert_eq!(main.as_ref().err() != Some(&unknown), !in_extension, "main program and {:02x?}", selector);
    }
    assert_eq!(n, lpx_abi::bonding_manager::IBondingManager::IBondingManagerCalls::SELECTORS.len());
}
