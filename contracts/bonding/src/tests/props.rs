//! Property tests: random operation sequences over many rounds keep the invariants of spec
//! Appendix D, and nothing reverts except with a documented reason.

use std::collections::HashSet;

use super::*;
use alloy_sol_types::{Revert as SolRevert, SolError};
use lpx_abi::bonding_manager::IBondingManager as I;
use proptest::prelude::*;

const ACTORS: u16 = 6;

#[derive(Debug, Clone)]
enum Op {
    Bond { who: u16, to: u16, amount: u64 },
    BondFor { sender: u16, owner: u16, to: u16, amount: u64 },
    Unbond { who: u16, pct: u8 },
    Rebond { who: u16, lock: u8 },
    RebondFromUnbonded { who: u16, to: u16, lock: u8 },
    TransferBond { who: u16, to: u16, pct: u8 },
    WithdrawStake { who: u16, lock: u8 },
    WithdrawFees { who: u16, pct: u8 },
    Claim { who: u16 },
    Transcoder { who: u16, cut: u32, share: u32 },
    Reward { who: u16 },
    RewardByCaller { who: u16 },
    Fees { who: u16, amount: u64 },
    NextRound { initialize: bool },
}

fn actor() -> impl Strategy<Value = u16> {
    1..=ACTORS
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (actor(), actor(), 1u64..1_000_000).prop_map(|(who, to, amount)| Op::Bond { who, to, amount }),
        1 => (actor(), actor(), actor(), 1u64..1000).prop_map(|(sender, owner, to, amount)| Op::BondFor { sender, owner, to, amount }),
        2 => (actor(), 1u8..=100).prop_map(|(who, pct)| Op::Unbond { who, pct }),
        1 => (actor(), 0u8..3).prop_map(|(who, lock)| Op::Rebond { who, lock }),
        1 => (actor(), actor(), 0u8..3).prop_map(|(who, to, lock)| Op::RebondFromUnbonded { who, to, lock }),
        1 => (actor(), actor(), 1u8..=100).prop_map(|(who, to, pct)| Op::TransferBond { who, to, pct }),
        1 => (actor(), 0u8..3).prop_map(|(who, lock)| Op::WithdrawStake { who, lock }),
        1 => (actor(), 0u8..=100).prop_map(|(who, pct)| Op::WithdrawFees { who, pct }),
        1 => actor().prop_map(|who| Op::Claim { who }),
        2 => (actor(), 0u32..=1_000_000, 0u32..=1_000_000).prop_map(|(who, cut, share)| Op::Transcoder { who, cut, share }),
        3 => actor().prop_map(|who| Op::Reward { who }),
        1 => actor().prop_map(|who| Op::RewardByCaller { who }),
        2 => (actor(), 1u64..1_000_000).prop_map(|(who, amount)| Op::Fees { who, amount }),
        3 => prop_oneof![9 => Just(true), 1 => Just(false)].prop_map(|initialize| Op::NextRound { initialize }),
    ]
}

/// Every revert reason an operation may legitimately end with.
const DOCUMENTED: &[&str] = &[
    "current round is not initialized",
    "can't update transcoder params, current round is locked",
    "invalid rewardCut percentage",
    "invalid feeShare percentage",
    "transcoder must be registered",
    "caller can't be active or must have already called reward for the current round",
    "ILLEGAL_CLAIM_EARNINGS",
    "INVALID_DELEGATOR",
    "INVALID_DELEGATE",
    "INVALID_DELEGATE_CHANGE",
    "registered transcoders can't delegate towards other addresses",
    "delegation amount must be greater than 0",
    "caller must be bonded",
    "unbond amount must be greater than 0",
    "amount is greater than bonded amount",
    "invalid unbonding lock ID",
    "caller must be unbonded",
    "withdraw round must be before or equal to the current round",
    "invalid recipient",
    "insufficient fees to withdraw",
    "caller must be an active transcoder",
    "caller has already called reward for the current round",
    "caller must be a reward caller set by the transcoder",
    "transcoder must be active",
    "transcoder has not yet called reward for the current round",
    "minted tokens cannot exceed mintable tokens",
];

fn pct(x: U256, p: u8) -> U256 {
    x * U256::from(p) / U256::from(100u8)
}

fn run(w: &World, op: &Op) -> (Result<Vec<u8>, Vec<u8>>, Option<Address>) {
    let a = |n: u16| addr(n);
    match *op {
        Op::Bond { who, to, amount } => (w.bond(a(who), amount as u128, a(to)), Some(a(who))),
        Op::BondFor { sender, owner, to, amount } => {
            w.fund(a(sender), amount as u128);
            let c = I::bondForWithHintCall {
                _amount: U256::from(amount),
                _owner: a(owner),
                _to: a(to),
                _oldDelegateNewPosPrev: Z,
                _oldDelegateNewPosNext: Z,
                _currDelegateNewPosPrev: Z,
                _currDelegateNewPosNext: Z,
            };
            (w.call(a(sender), c), Some(a(owner)))
        }
        Op::Unbond { who, pct: p } => {
            let amount = pct(w.pending_stake(a(who)), p);
            (w.call(a(who), I::unbondCall { _amount: amount }), Some(a(who)))
        }
        Op::Rebond { who, lock } => (w.call(a(who), I::rebondCall { _unbondingLockId: U256::from(lock) }), Some(a(who))),
        Op::RebondFromUnbonded { who, to, lock } => {
            (w.call(a(who), I::rebondFromUnbondedCall { _to: a(to), _unbondingLockId: U256::from(lock) }), Some(a(who)))
        }
        Op::TransferBond { who, to, pct: p } => {
            let amount = pct(w.pending_stake(a(who)), p);
            let c = I::transferBondCall {
                _delegator: a(to),
                _amount: amount,
                _oldDelegateNewPosPrev: Z,
                _oldDelegateNewPosNext: Z,
                _newDelegateNewPosPrev: Z,
                _newDelegateNewPosNext: Z,
            };
            (w.call(a(who), c), Some(a(who)))
        }
        Op::WithdrawStake { who, lock } => (w.call(a(who), I::withdrawStakeCall { _unbondingLockId: U256::from(lock) }), None),
        Op::WithdrawFees { who, pct: p } => {
            let amount = pct(w.pending_fees(a(who)), p);
            (w.call(a(who), I::withdrawFeesCall { _recipient: addr(99), _amount: amount }), Some(a(who)))
        }
        Op::Claim { who } => (w.claim(a(who)), Some(a(who))),
        Op::Transcoder { who, cut, share } => (w.transcoder(a(who), cut as u128, share as u128), None),
        Op::Reward { who } => (w.reward(a(who)), None),
        Op::RewardByCaller { who } => {
            let caller = addr(50 + who);
            w.call(a(who), I::setRewardCallerCall { _rewardCaller: caller }).unwrap();
            (w.call(caller, I::rewardForTranscoderCall { _transcoder: a(who) }), None)
        }
        Op::Fees { who, amount } => (w.fees(a(who), amount as u128), None),
        Op::NextRound { initialize } => {
            if initialize {
                w.next_round();
            } else {
                w.skip_round();
            }
            (Ok(vec![]), None)
        }
    }
}

fn check_invariants(w: &World) -> Result<(), TestCaseError> {
    let actors: Vec<Address> = (1..=ACTORS).map(addr).collect();
    let initialized = w.state().initialized;
    // 1. Delegated stake covers what its delegators hold, claimed or not.
    for x in actors.iter().copied().chain([Z]) {
        let delegated = w.delegator(x).delegatedAmount;
        let mut bonded = U256::ZERO;
        let mut pending = U256::ZERO;
        for &d in &actors {
            let del = w.delegator(d);
            if del.delegateAddress == x && !del.bondedAmount.is_zero() {
                bonded += del.bondedAmount;
                pending += w.pending_stake(d);
            }
        }
        prop_assert!(bonded <= delegated, "delegated({x}) {delegated} < bonded {bonded}");
        prop_assert!(pending <= delegated, "delegated({x}) {delegated} < pending {pending}");
    }
    // 2 & 4. Pool shape, keys and the next round's active stake.
    let order = w.pool_order();
    let size: U256 = w.view(I::getTranscoderPoolSizeCall {});
    let max: U256 = w.view(I::getTranscoderPoolMaxSizeCall {});
    prop_assert_eq!(U256::from(order.len()), size);
    prop_assert!(size <= max);
    let bm = w.contract();
    let mut sum = U256::ZERO;
    let mut last = U256::MAX;
    let mut prev = Z;
    for &t in &order {
        let key = crate::pool::ListStore::key(&bm, t);
        prop_assert_eq!(key, w.delegator(t).delegatedAmount, "key of {} != its stake", t);
        prop_assert!(key <= last, "pool not sorted");
        prop_assert_eq!(crate::pool::ListStore::prev(&bm, t), prev);
        last = key;
        prev = t;
        sum += key;
    }
    prop_assert_eq!(w.next_total(), sum);
    // 6 & 7. The Minter can pay every stake, lock and fee.
    let mut owed_lpt = U256::ZERO;
    let mut owed_eth = U256::ZERO;
    for &d in &actors {
        owed_lpt += w.pending_stake(d);
        owed_eth += w.pending_fees(d);
        let n = w.delegator(d).nextUnbondingLockId;
        for id in 0..n.to::<u64>() {
            owed_lpt += w.view(I::getDelegatorUnbondingLockCall { _delegator: d, _unbondingLockId: U256::from(id) }).amount;
        }
    }
    let s = w.state();
    let minter_lpt = s.lpt.get(&MINTER).copied().unwrap_or_default();
    let minter_eth = s.eth.get(&MINTER).copied().unwrap_or_default();
    prop_assert!(owed_lpt <= minter_lpt, "Minter holds {minter_lpt} LPT, owes {owed_lpt}");
    prop_assert!(owed_eth <= minter_eth, "Minter holds {minter_eth} wei, owes {owed_eth}");
    // LPT supply = initial + minted - burned: balances add up to the supply.
    let total: U256 = s.lpt.values().copied().sum();
    prop_assert_eq!(total, s.supply);
    let _ = initialized;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_invariants(ops in proptest::collection::vec(op(), 30..90)) {
        let w = World::new();
        w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: U256::from(3) }).unwrap();
        w.with(|s| s.mintable = U256::from(1_000_000u64));
        // A populated start: three transcoders, three delegators, one initialized round.
        for n in 1..=3u16 {
            w.bond(addr(n), 100_000 * n as u128, addr(n)).unwrap();
            w.transcoder(addr(n), 250_000 * n as u128, 300_000).unwrap();
            w.bond(addr(n + 3), 50_000, addr(n)).unwrap();
        }
        w.next_round();
        let mut succeeded = 0;
        for op in &ops {
            w.clear_logs();
            let (result, claimer) = run(&w, op);
            match result {
                Ok(_) => {
                    succeeded += 1;
                    // 9. Whoever acted has claimed through the current round.
                    if let Some(c) = claimer {
                        prop_assert_eq!(w.delegator(c).lastClaimRound, w.round(), "{:?} left an unclaimed account", op);
                    }
                    // 10. Each touched account is checkpointed once, with its final state.
                    let cps = w.state().checkpoints.clone();
                    let mut seen = HashSet::new();
                    for cp in &cps {
                        prop_assert!(seen.insert(cp.account), "{:?} checkpointed {} twice", op, cp.account);
                        let d = w.delegator(cp.account);
                        prop_assert_eq!(
                            (cp.bonded, cp.delegate, cp.delegated, cp.last_claim_round),
                            (d.bondedAmount, d.delegateAddress, d.delegatedAmount, d.lastClaimRound)
                        );
                        prop_assert_eq!(cp.last_reward_round, w.tinfo(cp.account).lastRewardRound);
                    }
                }
                Err(data) => {
                    let reason = SolRevert::abi_decode(&data).map(|r| r.reason);
                    prop_assert!(
                        reason.as_ref().is_ok_and(|r| DOCUMENTED.contains(&r.as_str())),
                        "{:?} reverted with an undocumented reason: {:?} ({:?})", op, reason, data
                    );
                }
            }
            check_invariants(&w)?;
        }
        prop_assert!(succeeded > 0, "no operation succeeded");
    }
}
