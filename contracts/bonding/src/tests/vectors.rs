//! The numeric vectors of spec §15.2-15.5 and §15.12, and the worked scenario of
//! Appendix C, end to end through the ABI.

use super::*;
use lpx_abi::bonding_manager::IBondingManager as I;

fn t() -> Address {
    addr(1)
}

/// Round 100: T bonds 1000 to itself and sets (cut, share); round 101 is initialized.
fn transcoder_world(cut: u128, share: u128) -> World {
    let w = World::new();
    w.bond(t(), 1000, t()).unwrap();
    w.transcoder(t(), cut, share).unwrap();
    w.next_round();
    w
}

#[test]
fn v12_v13_reward_updates_factor_stake_and_checkpoint() {
    let w = transcoder_world(500_000, 10);
    w.with(|s| s.fixed_reward = Some(u(1000)));
    w.clear_logs();
    w.reward(t()).unwrap();
    assert_eq!(w.epool(t(), 101).cumulativeRewardFactor, u(1_500_000_000) * U256::from(10u128.pow(18)));
    assert_eq!(w.delegator(t()).delegatedAmount, u(2000));
    assert_eq!(w.view(I::transcoderTotalStakeCall { _transcoder: t() }), u(2000));
    assert_eq!(w.next_total(), u(2000));
    assert_eq!(w.tinfo(t()).cumulativeRewards, u(500));
    let rewards = events::<I::Reward>(&w);
    assert_eq!(rewards, vec![I::Reward { transcoder: t(), amount: u(1000) }]);
    // V13: the checkpoint reward sends.
    let cps = w.state().checkpoints.clone();
    assert_eq!(
        cps,
        vec![Checkpoint {
            account: t(),
            start_round: u(102),
            bonded: u(1000),
            delegate: t(),
            delegated: u(2000),
            last_claim_round: u(100),
            last_reward_round: u(101),
        }]
    );
}

#[test]
fn v14_reward_after_skipped_reward_rounds_syncs_stake() {
    let w = transcoder_world(500_000, 10);
    w.next_round();
    w.next_round();
    w.with(|s| s.fixed_reward = Some(u(1000)));
    w.reward(t()).unwrap();
    assert_eq!(w.epool(t(), 103).totalStake, u(1000));
    assert_eq!(w.epool(t(), 103).cumulativeRewardFactor, u(1_500_000_000) * U256::from(10u128.pow(18)));
    assert_eq!(w.delegator(t()).delegatedAmount, u(2000));
}

#[test]
fn v20_fees_before_reward() {
    let w = transcoder_world(500_000, 500_000);
    w.fees(t(), 1000).unwrap();
    assert_eq!(w.epool(t(), 101).cumulativeFeeFactor, e27() / u(2));
    assert_eq!(w.tinfo(t()).cumulativeFees, u(500));
}

#[test]
fn v21_v22_fees_count_the_transcoders_unclaimed_rewards() {
    for claim_first in [false, true] {
        let w = transcoder_world(500_000, 500_000);
        w.with(|s| s.fixed_reward = Some(u(1000)));
        w.reward(t()).unwrap();
        assert_eq!(w.tinfo(t()).cumulativeRewards, u(500));
        w.next_round();
        if claim_first {
            w.claim(t()).unwrap();
        }
        w.fees(t(), 1000).unwrap();
        assert_eq!(w.epool(t(), 102).cumulativeFeeFactor, u(375) * U256::from(10u128.pow(24)));
        assert_eq!(w.tinfo(t()).cumulativeFees, u(if claim_first { 500 } else { 625 }));
    }
}

#[test]
fn v24_fees_land_in_the_current_round_whatever_the_ticket_round() {
    for r in [100u64, 101, 102] {
        let w = transcoder_world(500_000, 500_000);
        w.with(|s| *s.eth.entry(MINTER).or_default() += u(1000));
        w.call(BROKER, I::updateTranscoderWithFeesCall { _transcoder: t(), _fees: u(1000), _round: U256::from(r) }).unwrap();
        assert_eq!(w.tinfo(t()).lastFeeRound, u(101));
    }
}

#[test]
fn v29_no_earnings_pending_equals_stored() {
    let w = transcoder_world(500_000, 500_000);
    let d = addr(2);
    w.bond(d, 500, t()).unwrap();
    w.next_round();
    assert_eq!(w.pending_stake(d), u(500));
    assert_eq!(w.pending_fees(d), U256::ZERO);
}

#[test]
fn v30_newcomer_evicts_the_tail() {
    let w = World::new();
    let (a, b, c) = (addr(1), addr(2), addr(3));
    w.bond(a, 2000, a).unwrap();
    w.transcoder(a, 5, 10).unwrap();
    w.bond(b, 1000, b).unwrap();
    w.transcoder(b, 5, 10).unwrap();
    assert_eq!(w.pool_order(), vec![a, b]);
    assert_eq!(w.next_total(), u(3000));
    w.clear_logs();
    w.bond(c, 6000, c).unwrap();
    w.transcoder(c, 5, 10).unwrap();
    assert_eq!(events::<I::TranscoderDeactivated>(&w), vec![I::TranscoderDeactivated { transcoder: b, deactivationRound: u(101) }]);
    assert_eq!(events::<I::TranscoderActivated>(&w), vec![I::TranscoderActivated { transcoder: c, activationRound: u(101) }]);
    assert_eq!(events::<I::TranscoderUpdate>(&w), vec![I::TranscoderUpdate { transcoder: c, rewardCut: u(5), feeShare: u(10) }]);
    assert_eq!(w.pool_order(), vec![c, a]);
    assert_eq!(w.next_total(), u(8000));
    assert_eq!(w.tinfo(b).deactivationRound, u(101));
    assert_eq!(w.tinfo(c).activationRound, u(101));
    assert_eq!(w.view(I::getTranscoderPoolSizeCall {}), u(2));
}

#[test]
fn v31_newcomer_without_more_stake_stays_out() {
    for stake in [600u128, 2000] {
        let w = World::new();
        for n in 1..=2 {
            w.bond(addr(n), 2000, addr(n)).unwrap();
        }
        let c = addr(3);
        w.bond(c, stake, c).unwrap();
        w.clear_logs();
        w.transcoder(c, 5, 10).unwrap();
        assert_eq!(events::<I::TranscoderUpdate>(&w).len(), 1);
        assert!(!w.pool_order().contains(&c));
        w.next_round();
        assert!(!w.is_active(c));
    }
}

#[test]
fn v34_slashing() {
    let verifier_world = |finder: Address, fee: u128| {
        let w = transcoder_world(5, 10);
        w.with(|s| s.fixed_reward = Some(U256::ZERO));
        w.reward(t()).unwrap();
        w.clear_logs();
        w.call(VERIFIER, I::slashTranscoderCall { _transcoder: t(), _finder: finder, _slashAmount: u(500_000), _finderFee: u(fee) }).unwrap();
        w
    };
    let w = verifier_world(Z, 0);
    assert_eq!(w.delegator(t()).bondedAmount, u(500));
    assert_eq!(w.delegator(t()).delegatedAmount, u(500));
    assert_eq!(w.next_total(), U256::ZERO);
    assert_eq!(w.tinfo(t()).deactivationRound, u(102));
    assert!(w.is_active(t()));
    assert_eq!(events::<I::TranscoderDeactivated>(&w), vec![I::TranscoderDeactivated { transcoder: t(), deactivationRound: u(102) }]);
    assert_eq!(events::<I::TranscoderSlashed>(&w), vec![I::TranscoderSlashed { transcoder: t(), finder: Z, penalty: u(500), finderReward: U256::ZERO }]);
    assert_eq!(w.state().burned, u(500));
    let cp = w.state().checkpoints.last().cloned().unwrap();
    assert_eq!((cp.start_round, cp.bonded, cp.delegated, cp.last_claim_round, cp.last_reward_round), (u(102), u(500), u(500), u(101), u(101)));

    let f = addr(9);
    let w = verifier_world(f, 500_000);
    assert_eq!(events::<I::TranscoderSlashed>(&w), vec![I::TranscoderSlashed { transcoder: t(), finder: f, penalty: u(500), finderReward: u(250) }]);
    assert_eq!(w.state().lpt.get(&f).copied(), Some(u(250)));
    assert_eq!(w.state().burned, u(250));

    // Fully unbonded and withdrawn: nothing to slash.
    let w = transcoder_world(5, 10);
    w.unbond(t(), 1000).unwrap();
    w.next_round();
    w.next_round();
    w.call(t(), I::withdrawStakeCall { _unbondingLockId: U256::ZERO }).unwrap();
    w.clear_logs();
    w.call(VERIFIER, I::slashTranscoderCall { _transcoder: t(), _finder: Z, _slashAmount: u(500_000), _finderFee: U256::ZERO }).unwrap();
    assert_eq!(events::<I::TranscoderSlashed>(&w), vec![I::TranscoderSlashed { transcoder: t(), finder: Z, penalty: U256::ZERO, finderReward: U256::ZERO }]);
}

#[test]
fn v35_unbond_locks_and_resignation() {
    let w = transcoder_world(5, 10);
    w.unbond(t(), 400).unwrap();
    let lock = w.view(I::getDelegatorUnbondingLockCall { _delegator: t(), _unbondingLockId: U256::ZERO });
    assert_eq!((lock.amount, lock.withdrawRound), (u(400), u(103)));
    assert_eq!(w.next_total(), u(600));
    assert_eq!(w.pool_order(), vec![t()]);
    w.clear_logs();
    w.unbond(t(), 600).unwrap();
    assert_eq!(w.pool_order(), Vec::<Address>::new());
    assert_eq!(w.next_total(), U256::ZERO);
    assert_eq!(w.tinfo(t()).deactivationRound, u(102));
    let d = w.delegator(t());
    assert_eq!((d.delegateAddress, d.startRound, d.bondedAmount), (Z, U256::ZERO, U256::ZERO));
    assert_eq!(events::<I::Unbond>(&w), vec![I::Unbond { delegate: t(), delegator: t(), unbondingLockId: u(1), amount: u(600), withdrawRound: u(103) }]);
    assert_revert(w.call(t(), I::withdrawStakeCall { _unbondingLockId: U256::ZERO }), "withdraw round must be before or equal to the current round");
    w.next_round();
    w.next_round();
    w.call(t(), I::withdrawStakeCall { _unbondingLockId: U256::ZERO }).unwrap();
    assert_eq!(w.state().lpt.get(&t()).copied(), Some(u(400)));
    assert_revert(w.call(t(), I::withdrawStakeCall { _unbondingLockId: U256::ZERO }), "invalid unbonding lock ID");
}

/// T active with delegator V; returns the world in a round where T has not rewarded yet.
fn griefing_world() -> (World, Address, Address) {
    let w = transcoder_world(500_000, 500_000);
    let (victim, attacker) = (addr(2), addr(3));
    w.bond(victim, 1000, t()).unwrap();
    w.next_round();
    w.with(|s| s.fixed_reward = Some(u(1000)));
    (w, victim, attacker)
}

#[test]
fn v36_third_party_cannot_force_a_claim_before_reward() {
    let (w, victim, attacker) = griefing_world();
    w.fund(attacker, 10);
    let bond_for = I::bondForWithHintCall {
        _amount: u(1),
        _owner: victim,
        _to: t(),
        _oldDelegateNewPosPrev: Z,
        _oldDelegateNewPosNext: Z,
        _currDelegateNewPosPrev: Z,
        _currDelegateNewPosNext: Z,
    };
    assert_revert(w.call(attacker, bond_for.clone()), "ILLEGAL_CLAIM_EARNINGS");
    assert_revert(
        w.call(
            attacker,
            I::transferBondCall {
                _delegator: victim,
                _amount: u(1),
                _oldDelegateNewPosPrev: Z,
                _oldDelegateNewPosNext: Z,
                _newDelegateNewPosPrev: Z,
                _newDelegateNewPosNext: Z,
            },
        ),
        "ILLEGAL_CLAIM_EARNINGS",
    );
    w.reward(t()).unwrap();
    let before = w.delegator(victim).bondedAmount;
    w.call(attacker, bond_for.clone()).unwrap();
    assert!(w.pending_stake(victim) > before + u(1));
    // The L2Migrator is exempt.
    w.fund(MIGRATOR, 1);
    w.next_round();
    w.call(MIGRATOR, bond_for).unwrap();
}

#[test]
fn v37_no_forced_self_delegation() {
    let (w, victim, attacker) = griefing_world();
    w.reward(t()).unwrap();
    w.fund(attacker, 10);
    let bond_for = |owner: Address, to: Address| I::bondForWithHintCall {
        _amount: u(1),
        _owner: owner,
        _to: to,
        _oldDelegateNewPosPrev: Z,
        _oldDelegateNewPosNext: Z,
        _currDelegateNewPosPrev: Z,
        _currDelegateNewPosNext: Z,
    };
    let fresh = addr(7);
    assert_revert(w.call(attacker, bond_for(fresh, fresh)), "INVALID_DELEGATE");
    assert_revert(w.call(attacker, bond_for(victim, addr(8))), "INVALID_DELEGATE_CHANGE");
    assert_revert(w.call(attacker, bond_for(Z, t())), "INVALID_DELEGATOR");
    // transferBond to an unbonded receiver whose resulting delegate would be itself:
    // T2 fully unbonds, then its delegator transfers part of its bond to T2.
    let w = World::new();
    let (t2, d) = (addr(1), addr(2));
    w.bond(t2, 1000, t2).unwrap();
    w.bond(d, 500, t2).unwrap();
    w.next_round();
    w.unbond(t2, 1000).unwrap();
    assert_revert(
        w.call(
            d,
            I::transferBondCall {
                _delegator: t2,
                _amount: u(1),
                _oldDelegateNewPosPrev: Z,
                _oldDelegateNewPosNext: Z,
                _newDelegateNewPosPrev: Z,
                _newDelegateNewPosNext: Z,
            },
        ),
        "INVALID_DELEGATOR",
    );
    assert_revert(
        w.call(
            d,
            I::transferBondCall {
                _delegator: Z,
                _amount: u(1),
                _oldDelegateNewPosPrev: Z,
                _oldDelegateNewPosNext: Z,
                _newDelegateNewPosPrev: Z,
                _newDelegateNewPosNext: Z,
            },
        ),
        "INVALID_DELEGATOR",
    );
}

#[test]
fn v38_rebond_from_unbonded_starts_from_the_transcoders_latest_factors() {
    let w = transcoder_world(500_000, 500_000);
    w.with(|s| s.fixed_reward = Some(u(1000)));
    w.reward(t()).unwrap();
    w.next_round(); // T does not reward in 102..104.
    let attacker = addr(5);
    let big = 20_000u128 * 10u128.pow(18);
    w.bond(attacker, big, attacker).unwrap();
    w.next_round();
    w.unbond(attacker, big).unwrap();
    w.call(attacker, I::rebondFromUnbondedCall { _to: t(), _unbondingLockId: U256::ZERO }).unwrap();
    w.next_round();
    w.claim(attacker).unwrap();
    assert_eq!(w.delegator(attacker).bondedAmount, u(big));
}

#[test]
fn v71_transfer_bond_events_and_lock_ids() {
    let w = World::new();
    let (t0, t1, d1, d2) = (addr(1), addr(2), addr(3), addr(4));
    w.with(|s| s.round = u(99));
    w.bond(t0, 1000, t0).unwrap();
    w.bond(t1, 2000, t1).unwrap();
    w.next_round();
    w.bond(d1, 2000, t0).unwrap();
    w.next_round();
    w.next_round();
    w.with(|s| s.fixed_reward = Some(u(1000)));
    w.reward(t0).unwrap();
    w.clear_logs();
    let tb = I::transferBondCall {
        _delegator: d2,
        _amount: u(1),
        _oldDelegateNewPosPrev: Z,
        _oldDelegateNewPosNext: Z,
        _newDelegateNewPosPrev: Z,
        _newDelegateNewPosNext: Z,
    };
    w.call(d1, tb.clone()).unwrap();
    assert_eq!(events::<I::Unbond>(&w), vec![I::Unbond { delegate: t0, delegator: d1, unbondingLockId: U256::ZERO, amount: u(1), withdrawRound: u(104) }]);
    assert_eq!(
        events::<I::TransferBond>(&w),
        vec![I::TransferBond { oldDelegator: d1, newDelegator: d2, oldUnbondingLockId: U256::ZERO, newUnbondingLockId: U256::ZERO, amount: u(1) }]
    );
    assert_eq!(events::<I::Rebond>(&w), vec![I::Rebond { delegate: t0, delegator: d2, unbondingLockId: U256::ZERO, amount: u(1) }]);
    let d = w.delegator(d2);
    assert_eq!((d.delegateAddress, d.startRound, d.bondedAmount), (t0, u(103), u(1)));
    w.clear_logs();
    w.call(d1, tb).unwrap();
    let e = events::<I::TransferBond>(&w);
    assert_eq!((e[0].oldUnbondingLockId, e[0].newUnbondingLockId), (u(1), u(1)));
    // Each account is checkpointed once per operation (spec §16 M-03).
    let cps = w.state().checkpoints.clone();
    let mut accounts: Vec<Address> = cps.iter().map(|c| c.account).collect();
    accounts.sort();
    accounts.dedup();
    assert_eq!(accounts.len(), cps.len());
    assert_eq!(cps.len(), 3);
}

#[test]
fn v72_round_initialization_rolls_the_active_stake() {
    let w = World::new();
    w.bond(t(), 1000, t()).unwrap();
    w.skip_round();
    w.call(ROUNDS, I::setCurrentRoundTotalActiveStakeCall {}).unwrap();
    assert_eq!(w.view(I::getTotalBondedCall {}), u(1000));
    assert_eq!(w.view(I::currentRoundTotalActiveStakeCall {}), u(1000));
    assert_eq!(w.state().total_checkpoints, vec![(u(1000), u(101))]);
    assert_revert(w.call(t(), I::setCurrentRoundTotalActiveStakeCall {}), "caller must be RoundsManager");
}

#[test]
fn v74_round_initialization_with_full_pools() {
    for n in [10u16, 15, 20, 30, 40] {
        let w = World::new();
        w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: U256::from(n) }).unwrap();
        let mut total = U256::ZERO;
        for i in 1..=n {
            let stake = 1000 * i as u128;
            w.bond(addr(i), stake, addr(i)).unwrap();
            w.transcoder(addr(i), 500_000, 500_000).unwrap();
            total += u(stake);
        }
        assert_eq!(w.view(I::getTranscoderPoolSizeCall {}), U256::from(n));
        assert_eq!(w.view(I::currentRoundTotalActiveStakeCall {}), U256::ZERO, "n = {n}");
        w.clear_logs();
        w.next_round();
        assert_eq!(w.view(I::currentRoundTotalActiveStakeCall {}), total, "n = {n}");
        assert_eq!(w.view(I::getTranscoderPoolMaxSizeCall {}), U256::from(n));
        assert_eq!(w.state().total_checkpoints, vec![(total, u(101))]);
        assert!((1..=n).all(|i| w.is_active(addr(i))), "n = {n}: every member is active in round 101");
    }
}

#[test]
fn v73_withdraw_fees() {
    let w = transcoder_world(500_000, 500_000);
    w.fees(t(), 1000).unwrap();
    w.next_round();
    assert_revert(w.call(t(), I::withdrawFeesCall { _recipient: Z, _amount: u(1) }), "invalid recipient");
    assert_revert(w.call(t(), I::withdrawFeesCall { _recipient: t(), _amount: u(1001) }), "insufficient fees to withdraw");
    w.clear_logs();
    let r = addr(9);
    w.call(t(), I::withdrawFeesCall { _recipient: r, _amount: u(400) }).unwrap();
    let d = w.delegator(t());
    assert_eq!((d.fees, d.lastClaimRound), (u(600), u(102)));
    assert_eq!(w.state().eth.get(&r).copied(), Some(u(400)));
    assert_eq!(events::<I::WithdrawFees>(&w), vec![I::WithdrawFees { delegator: t(), recipient: r, amount: u(400) }]);
    let cps = w.state().checkpoints.clone();
    assert_eq!(cps.len(), 1);
    assert_eq!((cps[0].account, cps[0].last_claim_round), (t(), u(102)));
}

#[test]
fn appendix_c_worked_scenario() {
    let w = World::new();
    w.call(OWNER, I::setUnbondingPeriodCall { _unbondingPeriod: 7 }).unwrap();
    let d = addr(2);
    w.with(|s| {
        s.round = u(99);
        s.fixed_reward = Some(u(1000));
    });
    w.bond(t(), 1000, t()).unwrap();
    w.transcoder(t(), 500_000, 250_000).unwrap();
    assert_eq!(w.epool(t(), 100).totalStake, u(1000));
    w.next_round(); // 100
    w.bond(d, 1000, t()).unwrap();
    assert_eq!(w.delegator(d).startRound, u(101));
    assert_eq!(w.delegator(d).lastClaimRound, u(100));
    assert_eq!(w.epool(t(), 100).cumulativeRewardFactor, U256::ZERO);
    assert_eq!(w.epool(t(), 101).totalStake, u(2000));
    assert_eq!(w.tinfo(t()).lastActiveStakeUpdateRound, u(101));
    assert_eq!(w.next_total(), u(2000));

    w.next_round(); // 101
    w.fees(t(), 1000).unwrap();
    assert_eq!(w.epool(t(), 101).cumulativeFeeFactor, e27() / u(8));
    assert_eq!(w.tinfo(t()).cumulativeFees, u(750));
    w.reward(t()).unwrap();
    assert_eq!(w.epool(t(), 101).cumulativeRewardFactor, e27() * u(5) / u(4));
    assert_eq!(w.tinfo(t()).cumulativeRewards, u(500));
    assert_eq!(w.delegator(t()).delegatedAmount, u(3000));
    assert_eq!(w.epool(t(), 102).totalStake, u(3000));

    w.next_round(); // 102
    w.fees(t(), 1000).unwrap();
    assert_eq!(w.epool(t(), 102).cumulativeFeeFactor, u(229_166_666_666_666_666_666_666_666));
    assert_eq!(w.tinfo(t()).cumulativeFees, u(1541));
    w.reward(t()).unwrap();
    assert_eq!(w.epool(t(), 102).cumulativeRewardFactor, u(1_458_333_333_333_333_333_333_333_332));
    assert_eq!(w.tinfo(t()).cumulativeRewards, u(1083));
    assert_eq!(w.delegator(t()).delegatedAmount, u(4000));

    assert_eq!((w.pending_stake(d), w.pending_fees(d)), (u(1458), u(229)));
    assert_eq!((w.pending_stake(t()), w.pending_fees(t())), (u(2541), u(1770)));

    w.clear_logs();
    w.unbond(d, 458).unwrap();
    assert_eq!(
        events::<I::EarningsClaimed>(&w),
        vec![I::EarningsClaimed { delegate: t(), delegator: d, rewards: u(458), fees: u(229), startRound: u(101), endRound: u(102) }]
    );
    assert_eq!(events::<I::Unbond>(&w), vec![I::Unbond { delegate: t(), delegator: d, unbondingLockId: U256::ZERO, amount: u(458), withdrawRound: u(109) }]);
    let dd = w.delegator(d);
    assert_eq!((dd.bondedAmount, dd.lastClaimRound, dd.fees), (u(1000), u(102), u(229)));
    assert_eq!(w.delegator(t()).delegatedAmount, u(3542));
    assert_eq!(w.next_total(), u(3542));
    for _ in 0..6 {
        w.next_round();
    }
    assert_revert(w.call(d, I::withdrawStakeCall { _unbondingLockId: U256::ZERO }), "withdraw round must be before or equal to the current round");
    w.next_round(); // 109
    w.call(d, I::withdrawStakeCall { _unbondingLockId: U256::ZERO }).unwrap();
    assert_eq!(w.state().lpt.get(&d).copied(), Some(u(458)));
}
