//! Property tests: random operation sequences over many rounds keep the invariants of spec
//! Appendix D, and nothing reverts except with a documented reason.
//!
//! A sequence is 12 to 30 rounds; each round runs a few operations, may enter its lock period
//! part-way, and is followed by one or more rounds, initialized or not. After every
//! successful operation the test checks, against the contract's own views and events:
//! invariants 1-10 and 14 of Appendix D (15 concerns the Minter alone), LPT conservation
//! to the wei (what the BondingManager owes moves with the Minter's custody; a reward adds
//! at most what it minted less the treasury's share, plus a wei of floor per account), the supply as funded + Σ (Reward +
//! TreasuryReward) − Σ slashed burns, and that every account whose bonding state changed
//! was checkpointed exactly once.

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
    Slash { who: u16, amount: u32, fee: u32, finder: bool },
}

/// One round of a sequence: its operations, where the lock period starts (if it is reached),
/// and how the next round comes: after `gap` rounds, initialized or not.
#[derive(Debug, Clone)]
struct Round {
    ops: Vec<Op>,
    lock_at: Option<usize>,
    gap: u8,
    initialize: bool,
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
        1 => (actor(), 0u32..=1_000_000, 0u32..=1_000_000, any::<bool>()).prop_map(|(who, amount, fee, finder)| Op::Slash { who, amount, fee, finder }),
    ]
}

fn round_plan() -> impl Strategy<Value = Round> {
    (
        proptest::collection::vec(op(), 0..8),
        proptest::option::weighted(0.3, 0usize..8),
        prop_oneof![6 => Just(1u8), 1 => 2u8..=4],
        prop_oneof![9 => Just(true), 1 => Just(false)],
    )
        .prop_map(|(ops, lock_at, gap, initialize)| Round { ops, lock_at, gap, initialize })
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
];

/// The lock period's revert (spec §3: `transcoder()` in the last `roundLockAmount` of a round).
const LOCKED: &str = "can't update transcoder params, current round is locked";

/// The finder of a slash.
const FINDER: u16 = 98;

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
        // The Verifier slashes transcoders (self-delegated accounts). Slashing an account
        // that delegates to another lowers that delegate's delegatedAmount but neither its
        // pool key nor nextRoundTotalActiveStake, and does not checkpoint it: Livepeer's
        // code does the same (spec §3 slashTranscoder), and invariants 2, 4 and 10 do not
        // hold after it, so such calls are not generated.
        Op::Slash { who, .. } if w.delegator(a(who)).delegateAddress != a(who) => (Ok(vec![]), None),
        Op::Slash { who, amount, fee, finder } => {
            let c = I::slashTranscoderCall {
                _transcoder: a(who),
                _finder: if finder { a(FINDER) } else { Z },
                _slashAmount: U256::from(amount),
                _finderFee: U256::from(fee),
            };
            (w.call(VERIFIER, c), Some(a(who)))
        }
    }
}

/// An account's bonding state as BondingVotes sees it (the fields of a checkpoint).
type BondingState = (U256, Address, U256, U256, U256);

fn bonding_state(w: &World, a: Address) -> BondingState {
    let d = w.peek(I::getDelegatorCall { _delegator: a });
    let lrr = w.peek(I::getTranscoderCall { _transcoder: a }).lastRewardRound;
    (d.bondedAmount, d.delegateAddress, d.delegatedAmount, d.lastClaimRound, lrr)
}

/// Every account an operation can change: the actors and the finder of a slash.
fn accounts() -> Vec<Address> {
    (1..=ACTORS).chain([FINDER]).map(addr).collect()
}

/// Pending stake + unbonding locks of every account: the LPT the BondingManager owes each.
fn owed_each(w: &World) -> Vec<U256> {
    accounts()
        .into_iter()
        .map(|d| {
            let mut owed = w.peek(I::pendingStakeCall { _delegator: d, _endRound: U256::ZERO });
            let n = w.peek(I::getDelegatorCall { _delegator: d }).nextUnbondingLockId;
            for id in 0..n.to::<u64>() {
                owed += w.peek(I::getDelegatorUnbondingLockCall { _delegator: d, _unbondingLockId: U256::from(id) }).amount;
            }
            owed
        })
        .collect()
}

/// Σ pending stake + Σ unbonding locks over every account: the LPT the BondingManager owes.
fn owed_lpt(w: &World) -> U256 {
    owed_each(w).into_iter().sum()
}

fn lpt(w: &World, a: Address) -> U256 {
    w.state().lpt.get(&a).copied().unwrap_or_default()
}

/// What the test remembers between operations, for the invariants that span them.
#[derive(Default)]
struct Track {
    /// Invariant 3: nextRoundTotalActiveStake when the current round was initialized.
    active_at_init: U256,
    /// Invariant 5: the pool when the current round started, the members that left it since,
    /// and those that left and came back (spec §16 item 27: inactive for the rest of the round).
    start_pool: HashSet<Address>,
    left: HashSet<Address>,
    rejoined: HashSet<Address>,
    /// Σ Reward and TreasuryReward amounts, and Σ (penalty − finder reward) of
    /// TranscoderSlashed, from the events.
    minted: U256,
    burned: U256,
}

impl Track {
    /// A new round starts (initialized or not): the pool as it stands is the round's pool.
    fn new_round(&mut self, w: &World) {
        self.start_pool = w.pool_order().into_iter().collect();
        self.left.clear();
        self.rejoined.clear();
    }

    fn after_op(&mut self, w: &World) {
        let pool: HashSet<Address> = w.pool_order().into_iter().collect();
        for &t in &self.start_pool {
            if !pool.contains(&t) {
                self.left.insert(t);
            } else if self.left.contains(&t) {
                self.rejoined.insert(t);
            }
        }
    }
}

/// Invariants that hold after every operation, whatever it was.
fn check_invariants(w: &World, track: &Track) -> Result<(), TestCaseError> {
    let actors: Vec<Address> = (1..=ACTORS).map(addr).collect();
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
    // 3. The current round's active stake is what the next round's was at initialization.
    let current_total: U256 = w.peek(I::currentRoundTotalActiveStakeCall {});
    prop_assert_eq!(current_total, track.active_at_init, "currentRoundTotalActiveStake moved within the round");
    // 5. Active this round ⇔ in the pool when the round started (less the evict-and-rejoin edge).
    for &t in &actors {
        let expected = track.start_pool.contains(&t) && !track.rejoined.contains(&t);
        prop_assert_eq!(w.is_active(t), expected, "isActiveTranscoder({}) in round {}", t, w.round());
    }
    // 6 & 7. The Minter can pay every stake, lock and fee.
    let owed = owed_lpt(w);
    let mut owed_eth = U256::ZERO;
    for &d in &actors {
        owed_eth += w.pending_fees(d);
    }
    let minter_lpt = lpt(w, MINTER);
    let minter_eth = w.state().eth.get(&MINTER).copied().unwrap_or_default();
    prop_assert!(owed <= minter_lpt, "Minter holds {minter_lpt} LPT, owes {owed}");
    prop_assert!(owed_eth <= minter_eth, "Minter holds {minter_eth} wei, owes {owed_eth}");
    // LPT supply = initial + minted − burned, where minted and burned are what the
    // BondingManager reported (Reward + TreasuryReward, TranscoderSlashed) and the supply is what the token
    // model saw it ask for (createReward, trustedBurnTokens) on top of what the test funded.
    let s = w.state();
    prop_assert_eq!(s.supply, s.funded + track.minted - track.burned, "supply != funded + minted - burned");
    // 14. currentMintedTokens <= currentMintableTokens. Enforced by the Minter (a model
    // here); the BondingManager's share of it is never asking for more than the round's
    // mintable, so "minted tokens cannot exceed mintable tokens" is not a documented revert.
    prop_assert!(s.minted <= s.mintable);
    // 15 (inflation moves by ±inflationChange per round) concerns the Minter alone and is
    // checked by its own tests (contracts/minter); the model here has no inflation.
    Ok(())
}

/// Invariant 8: each transcoder's cumulative factors never decrease over the pools written,
/// and the pool at a delegator's lastClaimRound holds the latest factors as of that round.
fn check_factors(w: &World) -> Result<(), TestCaseError> {
    let first = 100u64;
    let current = w.round().to::<u64>();
    let mut latest: std::collections::HashMap<Address, Vec<(U256, U256)>> = Default::default();
    for t in (1..=ACTORS).map(addr) {
        let mut running = Vec::new();
        let (mut crf, mut cff) = (U256::ZERO, U256::ZERO);
        for r in first..=current {
            let p = w.peek(I::getTranscoderEarningsPoolForRoundCall { _transcoder: t, _round: U256::from(r) });
            if !p.cumulativeRewardFactor.is_zero() {
                prop_assert!(p.cumulativeRewardFactor >= crf, "CRF({}, {}) decreased", t, r);
                crf = p.cumulativeRewardFactor;
            }
            if !p.cumulativeFeeFactor.is_zero() {
                prop_assert!(p.cumulativeFeeFactor >= cff, "CFF({}, {}) decreased", t, r);
                cff = p.cumulativeFeeFactor;
            }
            running.push((crf, cff));
        }
        latest.insert(t, running);
    }
    for d in accounts() {
        let del = w.peek(I::getDelegatorCall { _delegator: d });
        let Some(running) = latest.get(&del.delegateAddress) else { continue };
        let lcr = del.lastClaimRound.to::<u64>();
        if del.bondedAmount.is_zero() || lcr < first {
            continue;
        }
        let p = w.peek(I::getTranscoderEarningsPoolForRoundCall { _transcoder: del.delegateAddress, _round: del.lastClaimRound });
        let at = running[(lcr - first) as usize];
        prop_assert_eq!(
            (p.cumulativeRewardFactor, p.cumulativeFeeFactor),
            at,
            "pool of {} at {}'s lastClaimRound {} lacks the latest factors",
            del.delegateAddress,
            d,
            lcr
        );
    }
    Ok(())
}

/// Sum of one event's amounts in the current logs.
fn sum_events<E: alloy_sol_types::SolEvent>(w: &World, amount: impl Fn(&E) -> U256) -> U256 {
    events::<E>(w).iter().map(amount).sum()
}

/// Runs one operation and checks what it did against the contract's own account of it.
fn step(w: &World, track: &mut Track, op: &Op) -> Result<bool, TestCaseError> {
    let locked = w.state().locked;
    let before: Vec<(Address, BondingState)> = accounts().into_iter().map(|a| (a, bonding_state(w, a))).collect();
    let owed_each_before = owed_each(w);
    let owed_before: U256 = owed_each_before.iter().copied().sum();
    let (minter_before, treasury_before, minted_before) = (lpt(w, MINTER), lpt(w, TREASURY), w.state().minted);
    let withdrawal = match *op {
        Op::WithdrawStake { who, lock } => {
            let l = w.peek(I::getDelegatorUnbondingLockCall { _delegator: addr(who), _unbondingLockId: U256::from(lock) });
            Some((addr(who), U256::from(lock), lpt(w, addr(who)), l.amount))
        }
        _ => None,
    };
    w.clear_logs();
    let (result, claimer) = run(w, op);
    let ok = match result {
        Ok(_) => {
            prop_assert!(!(locked && matches!(op, Op::Transcoder { .. })), "{:?} succeeded in the lock period", op);
            // 9. Whoever acted has claimed through the current round.
            if let Some(c) = claimer {
                prop_assert_eq!(w.delegator(c).lastClaimRound, w.round(), "{:?} left an unclaimed account", op);
            }
            // 10. Each checkpointed account is checkpointed once, with its final state, and
            // every account whose bonding state changed is among them.
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
            for (a, old) in &before {
                let new = bonding_state(w, *a);
                prop_assert!(new == *old || seen.contains(a), "{:?} changed {}'s bonding state without a checkpoint: {:?} -> {:?}", op, a, old, new);
            }
            // Stake conservation: the LPT owed moves with the Minter's custody, to the wei,
            // except that a reward adds at most what it minted less the treasury's share.
            let rewarded = sum_events::<I::Reward>(w, |e| e.amount);
            let to_treasury = sum_events::<I::TreasuryReward>(w, |e| e.amount);
            let burned = sum_events::<I::TranscoderSlashed>(w, |e| e.penalty - e.finderReward);
            // Reward reports the transcoder's part, TreasuryReward the rest (spec §3 reward).
            let minted = rewarded + to_treasury;
            prop_assert_eq!(w.state().minted - minted_before, minted, "{:?}: createReward minted != Reward + TreasuryReward events", op);
            prop_assert_eq!(lpt(w, TREASURY) - treasury_before, to_treasury, "{:?}: treasury got != TreasuryReward events", op);
            track.minted += minted;
            track.burned += burned;
            let owed_each_after = owed_each(w);
            let owed_after: U256 = owed_each_after.iter().copied().sum();
            let minter_after = lpt(w, MINTER);
            if minted.is_zero() {
                prop_assert_eq!(
                    owed_after + minter_before,
                    owed_before + minter_after,
                    "{:?}: owed {} -> {}, Minter {} -> {}",
                    op,
                    owed_before,
                    owed_after,
                    minter_before,
                    minter_after
                );
            } else {
                // Each pending stake is a floor, so one that grows can show up to 1 wei more
                // than its share of the reward (the fraction its floor hid before): the slack
                // is one wei per account whose pending stake changed.
                let grew = owed_each_before.iter().zip(&owed_each_after).filter(|(b, a)| b != a).count();
                prop_assert!(
                    owed_after + minter_before <= owed_before + minter_after + U256::from(grew),
                    "{:?}: owed {} -> {} exceeds Minter {} -> {} by more than {} wei",
                    op,
                    owed_before,
                    owed_after,
                    minter_before,
                    minter_after,
                    grew
                );
            }
            // A withdrawal pays out exactly the lock, which is gone.
            if let Some((who, id, balance, amount)) = withdrawal {
                prop_assert_eq!(lpt(w, who), balance + amount, "{:?} paid the wrong amount", op);
                let l = w.peek(I::getDelegatorUnbondingLockCall { _delegator: who, _unbondingLockId: id });
                prop_assert_eq!((l.amount, l.withdrawRound), (U256::ZERO, U256::ZERO), "{:?} left its lock", op);
            }
            true
        }
        Err(data) => {
            let reason = SolRevert::abi_decode(&data).map(|r| r.reason);
            prop_assert!(
                reason.as_ref().is_ok_and(|r| DOCUMENTED.contains(&r.as_str())),
                "{:?} reverted with an undocumented reason: {:?} ({:?})",
                op,
                reason,
                data
            );
            let initialized = w.state().initialized;
            if let Ok(r) = &reason {
                // The lock period stops transcoder() and nothing else, and always does.
                prop_assert_eq!(r == LOCKED, locked && initialized && matches!(op, Op::Transcoder { .. }), "{:?} in lock={}: {}", op, locked, r);
            }
            false
        }
    };
    // A revert restores the whole world, so only a success can break an invariant.
    if ok {
        track.after_op(w);
        check_invariants(w, track)?;
        check_factors(w)?;
    }
    Ok(ok)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_invariants(rounds in proptest::collection::vec(round_plan(), 12..30)) {
        let w = World::new();
        w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: U256::from(3) }).unwrap();
        // A tenth of each reward to the Treasury, until it holds 200,000 LPT.
        w.call(OWNER, I::setTreasuryRewardCutRateCall { _cutRate: e27() / U256::from(10) }).unwrap();
        w.call(OWNER, I::setTreasuryBalanceCeilingCall { _ceiling: U256::from(200_000) }).unwrap();
        w.with(|s| s.mintable = U256::from(1_000_000u64));
        // A populated start: three transcoders, three delegators, one initialized round.
        for n in 1..=3u16 {
            w.bond(addr(n), 100_000 * n as u128, addr(n)).unwrap();
            w.transcoder(addr(n), 250_000 * n as u128, 300_000).unwrap();
            w.bond(addr(n + 3), 50_000, addr(n)).unwrap();
        }
        let mut track = Track::default();
        let start = |w: &World, track: &mut Track, initialize: bool, gap: u8| {
            track.new_round(w);
            for _ in 1..gap {
                w.skip_round();
            }
            if initialize {
                track.active_at_init = w.next_total();
                w.next_round();
            } else {
                w.skip_round();
            }
            // The RoundsManager model: a new round is unlocked, and initialized only if
            // initializeRound ran.
            w.with(|s| {
                s.locked = false;
                s.initialized = initialize;
            });
            // The pool at the round's start is the one the last transaction left.
        };
        start(&w, &mut track, true, 1);
        let first = w.round();
        for round in &rounds {
            for (i, op) in round.ops.iter().enumerate() {
                if round.lock_at == Some(i) {
                    w.with(|s| s.locked = true);
                }
                step(&w, &mut track, op)?;
            }
            start(&w, &mut track, round.initialize, round.gap);
            check_invariants(&w, &track)?;
            check_factors(&w)?;
        }
        prop_assert!(w.round() >= first + U256::from(rounds.len()), "the sequence spans {} rounds", rounds.len());
    }
}
