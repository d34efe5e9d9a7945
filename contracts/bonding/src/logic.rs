//! The BondingManager's internal building blocks (spec §3.3) and the bodies of its
//! state-changing operations (spec §3.4), in Livepeer's order of checks and effects.
//!
//! Differences from Livepeer's v9 code that are deliberate are marked `DEVIATION` and
//! listed in docs/contracts/bonding-manager.md.

use alloy_primitives::{Address, U256};
use lpx_contracts_common::revert::{add, panic, require, sub, Revert};

use crate::earnings::{self, Factors};
use crate::env::{first_word, sel, t, topic, w, Env, Peer};
use crate::pool;
use crate::store::{del, ep, slot, tc, to_addr};
use crate::BondingManager;

/// `delegatorStatus` values.
pub const PENDING: u8 = 0;
/// `delegatorStatus`: bonded and active.
pub const BONDED: u8 = 1;
/// `delegatorStatus`: nothing bonded.
pub const UNBONDED: u8 = 2;

/// `MAX_FUTURE_ROUND`: the deactivation round of a transcoder that has not left the pool.
pub const MAX_FUTURE_ROUND: U256 = U256::MAX;

/// Panic code of a failed Solidity `assert`.
const PANIC_ASSERT: u8 = 0x01;

pub(crate) const ONE: U256 = U256::from_limbs([1, 0, 0, 0]);

/// Pool hints of one list update: (prev, next).
pub type Hint = (Address, Address);

impl BondingManager {
    // ---- predicates and plain reads ----

    /// `isRegisteredTranscoder`: self-delegated with a positive bond.
    pub(crate) fn is_registered(&self, a: Address) -> bool {
        self.delegate_of(a) == a && !self.del(a, del::BONDED).is_zero()
    }

    /// `isActiveTranscoder` in `round`.
    pub(crate) fn is_active(&self, a: Address, round: U256) -> bool {
        self.tc(a, tc::ACTIVATION_ROUND) <= round && round < self.tc(a, tc::DEACTIVATION_ROUND)
    }

    /// `delegatorStatus` in `round`.
    pub(crate) fn status(&self, a: Address, round: U256) -> u8 {
        if self.del(a, del::BONDED).is_zero() {
            UNBONDED
        } else if self.del(a, del::START_ROUND) > round {
            PENDING
        } else {
            BONDED
        }
    }

    /// `transcoderTotalStake` (the delegatedAmount).
    pub(crate) fn delegated(&self, a: Address) -> U256 {
        self.del(a, del::DELEGATED)
    }

    /// The raw factors of `t`'s pool for `r` (`cumulativeFactorsPool`).
    pub(crate) fn factors(&self, t: Address, r: U256) -> Factors {
        let base = self.ep_base(t, r);
        Factors { crf: self.load(crate::store::at(base, ep::CRF)), cff: self.load(crate::store::at(base, ep::CFF)) }
    }

    /// `latestCumulativeFactorsPool(t, r)`: a zero factor falls back to the pool of the last
    /// reward (fee) round when that round is before `r`.
    pub(crate) fn latest_factors(&self, t: Address, r: U256) -> Factors {
        let mut f = self.factors(t, r);
        let lrr = self.tc(t, tc::LAST_REWARD_ROUND);
        if f.crf.is_zero() && lrr < r {
            f.crf = self.ep(t, lrr, ep::CRF);
        }
        let lfr = self.tc(t, tc::LAST_FEE_ROUND);
        if f.cff.is_zero() && lfr < r {
            f.cff = self.ep(t, lfr, ep::CFF);
        }
        f
    }

    /// `ensureInitializedCumulativeFactorsPool(t, r)`: writes the latest factors into the
    /// pool of `r`, so a delegator whose `lastClaimRound` becomes `r` starts from them (fix of
    /// 1 Nov 2023, spec §16 item 16).
    pub(crate) fn ensure_initialized_factors(&mut self, t: Address, r: U256) {
        let raw = self.factors(t, r);
        let latest = self.latest_factors(t, r);
        if latest.crf != raw.crf {
            self.set_ep(t, r, ep::CRF, latest.crf);
        }
        if latest.cff != raw.cff {
            self.set_ep(t, r, ep::CFF, latest.cff);
        }
    }

    /// `pendingStakeAndFees(d, endRound)`.
    pub(crate) fn pending_stake_and_fees(&self, d: Address, end_round: U256) -> Result<(U256, U256), Revert> {
        let mut stake = self.del(d, del::BONDED);
        let mut fees = self.del(d, del::FEES);
        let delegate = self.delegate_of(d);
        let lcr = self.del(d, del::LAST_CLAIM_ROUND);
        if add(lcr, ONE)? <= end_round {
            let start = self.factors(delegate, lcr);
            let end = self.latest_factors(delegate, end_round);
            (stake, fees) = earnings::cumulative_stake_and_fees(start, end, stake, fees)?;
        }
        if d == delegate {
            stake = add(stake, self.tc(delegate, tc::CUMULATIVE_REWARDS))?;
            fees = add(fees, self.tc(delegate, tc::CUMULATIVE_FEES))?;
        }
        Ok((stake, fees))
    }

    // ---- stake and pool maintenance ----

    /// Writes the round stakes of a transcoder that is (or will be) active after its stake
    /// changed from `curr` to `new`.
    fn sync_round_stakes(&mut self, env: &Env, t: Address, curr: U256, new: U256) -> Result<(), Revert> {
        let round = env.round;
        let next_round = add(round, ONE)?;
        if self.tc(t, tc::LAST_ACTIVE_STAKE_UPDATE_ROUND) < round {
            self.set_ep(t, round, ep::TOTAL_STAKE, curr);
        }
        self.set_ep(t, next_round, ep::TOTAL_STAKE, new);
        self.set_tc(t, tc::LAST_ACTIVE_STAKE_UPDATE_ROUND, next_round);
        Ok(())
    }

    fn add_next_round_stake(&mut self, amount: U256, increase: bool) -> Result<(), Revert> {
        let total = self.global(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE);
        let total = if increase { add(total, amount)? } else { sub(total, amount)? };
        self.set_global(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE, total);
        Ok(())
    }

    /// `increaseTotalStake(delegate, amount, hint)` (`increase`) or
    /// `decreaseTotalStake(delegate, amount, hint)`; underflow is `Panic(0x11)` as in
    /// Livepeer.
    ///
    /// DEVIATION (Livepeer's post-v9 "minter drain" fix): the round stakes are also written
    /// when the delegate is active this round but no longer in the pool.
    pub(crate) fn change_total_stake(&mut self, env: &Env, delegate: Address, amount: U256, increase: bool, hint: Hint) -> Result<(), Revert> {
        let curr = self.delegated(delegate);
        let new = if increase { add(curr, amount)? } else { sub(curr, amount)? };
        let active_now = self.is_active(delegate, env.round);
        let in_pool = pool::contains(self, delegate);
        if in_pool {
            pool::update_key(self, delegate, new, hint.0, hint.1)?;
            self.add_next_round_stake(amount, increase)?;
        } else if increase && self.is_registered(delegate) {
            self.try_to_join_active_set(env, delegate, new, add(env.round, ONE)?, hint)?;
        }
        if active_now || in_pool {
            self.sync_round_stakes(env, delegate, curr, new)?;
        }
        self.set_del(delegate, del::DELEGATED, new);
        Ok(())
    }

    /// `tryToJoinActiveSet`: joins the pool, evicting the tail when full and outstaked;
    /// ties favour the incumbent.
    pub(crate) fn try_to_join_active_set(&mut self, env: &Env, t: Address, stake: U256, activation_round: U256, hint: Hint) -> Result<(), Revert> {
        let mut pending = self.global(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE);
        if pool::is_full(self) {
            let last = to_addr(self.global(slot::POOL_TAIL));
            let last_stake = self.delegated(last);
            if stake <= last_stake {
                return Ok(());
            }
            pool::remove(self, last)?;
            self.set_tc(last, tc::DEACTIVATION_ROUND, activation_round);
            pending = sub(pending, last_stake)?;
            env.log(&[topic::TRANSCODER_DEACTIVATED, crate::env::t(last)], &[activation_round]);
        }
        pool::insert(self, t, stake, hint.0, hint.1)?;
        pending = add(pending, stake)?;
        self.set_tc(t, tc::LAST_ACTIVE_STAKE_UPDATE_ROUND, activation_round);
        self.set_tc(t, tc::ACTIVATION_ROUND, activation_round);
        self.set_tc(t, tc::DEACTIVATION_ROUND, MAX_FUTURE_ROUND);
        self.set_ep(t, activation_round, ep::TOTAL_STAKE, stake);
        self.set_global(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE, pending);
        env.log(&[topic::TRANSCODER_ACTIVATED, crate::env::t(t)], &[activation_round]);
        Ok(())
    }

    /// `resignTranscoder`: leaves the pool, inactive from the next round.
    pub(crate) fn resign(&mut self, env: &Env, t: Address) -> Result<(), Revert> {
        pool::remove(self, t)?;
        self.add_next_round_stake(self.delegated(t), false)?;
        let round = add(env.round, ONE)?;
        self.set_tc(t, tc::DEACTIVATION_ROUND, round);
        env.log(&[topic::TRANSCODER_DEACTIVATED, crate::env::t(t)], &[round]);
        Ok(())
    }

    // ---- earnings ----

    /// `updateDelegatorWithEarnings(d, endRound, lastClaimRound)`.
    pub(crate) fn update_delegator_with_earnings(&mut self, env: &Env, d: Address, end_round: U256, lcr: U256) -> Result<(), Revert> {
        let start_round = add(lcr, ONE)?;
        let old_stake = self.del(d, del::BONDED);
        let old_fees = self.del(d, del::FEES);
        let delegate = self.delegate_of(d);
        let (mut stake, mut fees) = (old_stake, old_fees);
        if !delegate.is_zero() {
            (stake, fees) = self.pending_stake_and_fees(d, end_round)?;
            self.ensure_initialized_factors(delegate, end_round);
            if delegate == d {
                self.set_tc(d, tc::CUMULATIVE_FEES, U256::ZERO);
                self.set_tc(d, tc::CUMULATIVE_REWARDS, U256::ZERO);
            }
        }
        env.log(&[topic::EARNINGS_CLAIMED, t(delegate), t(d)], &[sub(stake, old_stake)?, sub(fees, old_fees)?, start_round, end_round]);
        self.set_del(d, del::LAST_CLAIM_ROUND, end_round);
        self.set_del(d, del::BONDED, stake);
        self.set_del(d, del::FEES, fees);
        Ok(())
    }

    /// `_autoClaimEarnings(d)`: claims through the current round if not done yet.
    pub(crate) fn auto_claim(&mut self, env: &Env, d: Address) -> Result<(), Revert> {
        let lcr = self.del(d, del::LAST_CLAIM_ROUND);
        if lcr < env.round {
            self.update_delegator_with_earnings(env, d, env.round, lcr)?;
        }
        Ok(())
    }

    /// `_authorizeClaimEarnings(owner)` (v9 anti-griefing, spec §16 item 17): a third party
    /// may not force a claim for a delegator of an active transcoder before that transcoder's
    /// reward in the round.
    pub(crate) fn authorize_claim(&self, env: &mut Env, owner: Address) -> Result<(), Revert> {
        let sender = env.sender;
        if sender == owner || sender == env.peer(Peer::Migrator)? || self.status(owner, env.round) == UNBONDED {
            return Ok(());
        }
        let delegate = self.delegate_of(owner);
        if !self.is_active(delegate, env.round) {
            return Ok(());
        }
        let ok = self.tc(delegate, tc::LAST_REWARD_ROUND) == env.round || self.del(owner, del::LAST_CLAIM_ROUND) == env.round;
        require(ok, "ILLEGAL_CLAIM_EARNINGS")
    }

    /// DEVIATION (Livepeer's post-v9 "minter drain" fix): stake may be added to a transcoder
    /// that is active this round but already leaving the pool only after it called reward
    /// this round, so that round's reward is computed on the stake it was active with.
    pub(crate) fn ensure_leaving_transcoder_rewarded(&self, env: &Env, t: Address) -> Result<(), Revert> {
        if self.is_active(t, env.round) && self.tc(t, tc::DEACTIVATION_ROUND) != MAX_FUTURE_ROUND {
            require(self.tc(t, tc::LAST_REWARD_ROUND) == env.round, "transcoder has not yet called reward for the current round")?;
        }
        Ok(())
    }

    // ---- operations (bodies after their modifiers) ----

    /// `bondForWithHint` after `whenSystemNotPaused currentRoundInitialized`.
    pub(crate) fn bond_for(&mut self, env: &mut Env, amount: U256, owner: Address, to: Address, old: Hint, cur: Hint) -> Result<(), Revert> {
        self.authorize_claim(env, owner)?;
        self.auto_claim(env, owner)?;
        let round = env.round;
        let current_delegate = self.delegate_of(owner);
        let current_bonded = self.del(owner, del::BONDED);
        let mut delegation = amount;
        self.ensure_leaving_transcoder_rewarded(env, to)?;

        let sender = env.sender;
        if sender != owner && sender != env.peer(Peer::Migrator)? {
            require(!owner.is_zero(), "INVALID_DELEGATOR")?;
            if self.status(owner, round) == UNBONDED {
                require(to != owner, "INVALID_DELEGATE")?;
            } else {
                require(current_delegate == to, "INVALID_DELEGATE_CHANGE")?;
            }
        }

        if self.status(owner, round) == UNBONDED {
            self.set_del(owner, del::START_ROUND, add(round, ONE)?);
        } else if !current_bonded.is_zero() && current_delegate != to {
            require(!self.is_registered(owner), "registered transcoders can't delegate towards other addresses")?;
            self.set_del(owner, del::START_ROUND, add(round, ONE)?);
            delegation = add(delegation, current_bonded)?;
            self.change_total_stake(env, current_delegate, current_bonded, false, old)?;
            env.touch(current_delegate);
        }

        self.ensure_initialized_factors(to, round);
        require(!delegation.is_zero(), "delegation amount must be greater than 0")?;
        let bonded = add(current_bonded, amount)?;
        self.set_del(owner, del::DELEGATE, w(to));
        self.set_del(owner, del::BONDED, bonded);
        self.change_total_stake(env, to, delegation, true, cur)?;
        env.touch(to);

        if !amount.is_zero() {
            let token = env.peer(Peer::Token)?;
            let minter = env.peer(Peer::Minter)?;
            env.send(token, sel::TRANSFER_FROM, &[w(sender), w(minter), amount])?;
        }
        env.log(&[topic::BOND, t(to), t(current_delegate), t(owner)], &[amount, bonded]);
        env.touch(owner);
        Ok(())
    }

    /// `unbondWithHint` after its modifiers (paused, initialized, auto-claim); returns the
    /// id of the lock it created.
    pub(crate) fn unbond_inner(&mut self, env: &mut Env, amount: U256, hint: Hint) -> Result<U256, Revert> {
        let s = env.sender;
        require(self.status(s, env.round) == BONDED, "caller must be bonded")?;
        require(!amount.is_zero(), "unbond amount must be greater than 0")?;
        let bonded = self.del(s, del::BONDED);
        require(amount <= bonded, "amount is greater than bonded amount")?;
        let delegate = self.delegate_of(s);
        let period = self.global(slot::UNBONDING_PERIOD) & U256::from(u64::MAX);
        let withdraw_round = add(env.round, period)?;
        let lock_id = self.del(s, del::NEXT_LOCK_ID);
        self.set_lock(s, lock_id, amount, withdraw_round);
        self.set_del(s, del::NEXT_LOCK_ID, add(lock_id, ONE)?);
        let bonded = bonded - amount;
        self.set_del(s, del::BONDED, bonded);
        if bonded.is_zero() {
            self.set_del(s, del::DELEGATE, U256::ZERO);
            self.set_del(s, del::START_ROUND, U256::ZERO);
            if pool::contains(self, s) {
                self.resign(env, s)?;
            }
        }
        self.change_total_stake(env, delegate, amount, false, hint)?;
        env.touch(delegate);
        env.log(&[topic::UNBOND, t(delegate), t(s)], &[lock_id, amount, withdraw_round]);
        env.touch(s);
        Ok(lock_id)
    }

    /// `processRebond(d, lockId, hint)`.
    pub(crate) fn process_rebond(&mut self, env: &mut Env, d: Address, lock_id: U256, hint: Hint) -> Result<(), Revert> {
        let (amount, withdraw_round) = self.lock(d, lock_id);
        require(!withdraw_round.is_zero(), "invalid unbonding lock ID")?;
        let bonded = add(self.del(d, del::BONDED), amount)?;
        self.set_del(d, del::BONDED, bonded);
        self.set_lock(d, lock_id, U256::ZERO, U256::ZERO);
        let delegate = self.delegate_of(d);
        self.ensure_leaving_transcoder_rewarded(env, delegate)?;
        self.change_total_stake(env, delegate, amount, true, hint)?;
        env.touch(delegate);
        env.log(&[topic::REBOND, t(delegate), t(d)], &[lock_id, amount]);
        env.touch(d);
        Ok(())
    }

    /// `rebondFromUnbondedWithHint` after its modifiers.
    pub(crate) fn rebond_from_unbonded_inner(&mut self, env: &mut Env, to: Address, lock_id: U256, hint: Hint) -> Result<(), Revert> {
        let s = env.sender;
        require(self.status(s, env.round) == UNBONDED, "caller must be unbonded")?;
        self.ensure_initialized_factors(to, env.round);
        self.set_del(s, del::START_ROUND, add(env.round, ONE)?);
        self.set_del(s, del::DELEGATE, w(to));
        self.process_rebond(env, s, lock_id, hint)
    }

    /// `transferBond` after `whenSystemNotPaused currentRoundInitialized`.
    pub(crate) fn transfer_bond_inner(&mut self, env: &mut Env, receiver: Address, amount: U256, old: Hint, new: Hint) -> Result<(), Revert> {
        let s = env.sender;
        let round = env.round;
        self.authorize_claim(env, receiver)?;
        self.auto_claim(env, s)?;
        let old_delegate = self.delegate_of(s);
        let old_id = self.unbond_inner(env, amount, old)?;
        let withdraw_round = self.lock(s, old_id).1;
        self.set_lock(s, old_id, U256::ZERO, U256::ZERO);
        let new_id = self.del(receiver, del::NEXT_LOCK_ID);
        self.set_lock(receiver, new_id, amount, withdraw_round);
        self.set_del(receiver, del::NEXT_LOCK_ID, add(new_id, ONE)?);
        env.log(&[topic::TRANSFER_BOND, t(s), t(receiver)], &[old_id, new_id, amount]);

        let lcr = self.del(receiver, del::LAST_CLAIM_ROUND);
        if lcr < round {
            self.update_delegator_with_earnings(env, receiver, round, lcr)?;
        }
        if self.delegate_of(receiver).is_zero() && self.del(receiver, del::BONDED).is_zero() {
            require(old_delegate != receiver, "INVALID_DELEGATOR")?;
            require(!receiver.is_zero(), "INVALID_DELEGATOR")?;
            self.set_del(receiver, del::DELEGATE, w(old_delegate));
        }
        if self.status(receiver, round) == UNBONDED {
            self.set_del(receiver, del::START_ROUND, add(round, ONE)?);
        }
        self.process_rebond(env, receiver, new_id, new)
    }

    /// The body of `rewardForTranscoderWithHint` for transcoder `tr` (after the modifiers
    /// and, for a reward caller, its authorization).
    pub(crate) fn reward_for(&mut self, env: &mut Env, tr: Address, hint: Hint) -> Result<(), Revert> {
        let round = env.round;
        require(self.is_active(tr, round), "caller must be an active transcoder")?;
        require(self.tc(tr, tc::LAST_REWARD_ROUND) != round, "caller has already called reward for the current round")?;
        let pool_stake = self.lock_in_round_pool(tr, round);

        let ceiling = self.global(slot::TREASURY_BALANCE_CEILING);
        if !ceiling.is_zero() {
            let token = env.peer(Peer::Token)?;
            let treasury = env.peer(Peer::Treasury)?;
            let balance = env.view(token, sel::BALANCE_OF, &[w(treasury)])?;
            if balance >= ceiling && !self.global(slot::NEXT_ROUND_TREASURY_REWARD_CUT_RATE).is_zero() {
                self.set_global(slot::NEXT_ROUND_TREASURY_REWARD_CUT_RATE, U256::ZERO);
                env.log_parameter("nextRoundTreasuryRewardCutRate");
            }
        }

        let minter = env.peer(Peer::Minter)?;
        let total_active = self.global(slot::CURRENT_ROUND_TOTAL_ACTIVE_STAKE);
        let total = first_word(&env.send(minter, sel::CREATE_REWARD, &[pool_stake, total_active])?)?;
        let treasury_rewards = crate::fmath::precise_perc_of(total, self.global(slot::TREASURY_REWARD_CUT_RATE))?;
        if !treasury_rewards.is_zero() {
            let treasury = env.peer(Peer::Treasury)?;
            env.send(minter, sel::TRUSTED_TRANSFER_TOKENS, &[w(treasury), treasury_rewards])?;
            env.log(&[topic::TREASURY_REWARD, t(tr)], &[w(treasury), treasury_rewards]);
        }
        let rewards = sub(total, treasury_rewards)?;

        // updateTranscoderWithRewards(tr, rewards, round, hint)
        let prev_crf = self.ep(tr, self.tc(tr, tc::LAST_REWARD_ROUND), ep::CRF);
        let active = self.tc(tr, tc::CUMULATIVE_REWARDS);
        self.set_tc(tr, tc::ACTIVE_CUMULATIVE_REWARDS, active);
        let stake = self.ep(tr, round, ep::TOTAL_STAKE);
        assert_active_rewards(active, stake)?;
        let split = earnings::split_rewards(rewards, self.ep(tr, round, ep::REWARD_CUT), active, stake)?;
        self.set_tc(tr, tc::CUMULATIVE_REWARDS, add(active, split.transcoder)?);
        let crf = earnings::next_reward_factor(prev_crf, split.delegators, stake)?;
        self.set_ep(tr, round, ep::CRF, crf);
        self.change_total_stake(env, tr, rewards, true, hint)?;

        self.set_tc(tr, tc::LAST_REWARD_ROUND, round);
        env.log(&[topic::REWARD, t(tr)], &[rewards]);
        env.touch(tr);
        Ok(())
    }

    /// Locks the transcoder's rates into its pool for `round` and, when no stake change
    /// wrote that pool yet, carries its stake over from the last write; returns the stake.
    fn lock_in_round_pool(&mut self, t: Address, round: U256) -> U256 {
        self.set_ep(t, round, ep::REWARD_CUT, self.tc(t, tc::REWARD_CUT));
        self.set_ep(t, round, ep::FEE_SHARE, self.tc(t, tc::FEE_SHARE));
        let last_update = self.tc(t, tc::LAST_ACTIVE_STAKE_UPDATE_ROUND);
        if last_update < round {
            let synced = self.ep(t, last_update, ep::TOTAL_STAKE);
            self.set_ep(t, round, ep::TOTAL_STAKE, synced);
        }
        self.ep(t, round, ep::TOTAL_STAKE)
    }

    /// The body of `updateTranscoderWithFees` after the caller and transcoder checks.
    pub(crate) fn add_fees(&mut self, env: &mut Env, t: Address, fees: U256) -> Result<(), Revert> {
        let round = env.round;
        let lrr = self.tc(t, tc::LAST_REWARD_ROUND);
        let mut prev = self.latest_factors(t, sub(round, ONE)?);
        let mut active = self.tc(t, tc::ACTIVE_CUMULATIVE_REWARDS);
        if round > lrr {
            self.lock_in_round_pool(t, round);
            active = self.tc(t, tc::CUMULATIVE_REWARDS);
        }
        let total_stake = self.ep(t, round, ep::TOTAL_STAKE);
        if prev.crf.is_zero() && lrr == round {
            // LIP-36: the transcoder rewarded this round but skipped the previous one;
            // estimate what that round's factor would have been.
            let minter = env.peer(Peer::Minter)?;
            let mintable = env.view(minter, sel::CURRENT_MINTABLE_TOKENS, &[])?;
            let minted = env.view(minter, sel::CURRENT_MINTED_TOKENS, &[])?;
            prev.crf = earnings::retroactive_prev_crf(
                add(mintable, minted)?,
                total_stake,
                self.global(slot::CURRENT_ROUND_TOTAL_ACTIVE_STAKE),
                self.global(slot::TREASURY_REWARD_CUT_RATE),
                self.ep(t, round, ep::REWARD_CUT),
                self.ep(t, round, ep::CRF),
            )?;
        }
        assert_active_rewards(active, total_stake)?;
        let split = earnings::split_fees(fees, self.ep(t, round, ep::FEE_SHARE), active, total_stake)?;
        let cff = earnings::next_fee_factor(self.ep(t, round, ep::CFF), prev, split.delegators, total_stake)?;
        let cumulative = add(self.tc(t, tc::CUMULATIVE_FEES), split.transcoder)?;
        self.set_tc(t, tc::CUMULATIVE_FEES, cumulative);
        self.set_ep(t, round, ep::CFF, cff);
        self.set_tc(t, tc::LAST_FEE_ROUND, round);
        Ok(())
    }

    /// The body of `slashTranscoder` after its modifiers (auto-claim included).
    pub(crate) fn slash(&mut self, env: &mut Env, tr: Address, finder: Address, slash_amount: U256, finder_fee: U256) -> Result<(), Revert> {
        let bonded = self.del(tr, del::BONDED);
        if bonded.is_zero() {
            env.log(&[topic::TRANSCODER_SLASHED, t(tr)], &[w(finder), U256::ZERO, U256::ZERO]);
            return Ok(());
        }
        let penalty = crate::fmath::perc_of(bonded, slash_amount)?;
        if pool::contains(self, tr) {
            self.resign(env, tr)?;
        }
        self.set_del(tr, del::BONDED, sub(bonded, penalty)?);
        if self.status(tr, env.round) == BONDED {
            let delegate = self.delegate_of(tr);
            let reduced = sub(self.delegated(delegate), penalty)?;
            self.set_del(delegate, del::DELEGATED, reduced);
        }
        let minter = env.peer(Peer::Minter)?;
        let finder_amount = if finder.is_zero() {
            U256::ZERO
        } else {
            let amount = crate::fmath::perc_of(penalty, finder_fee)?;
            env.send(minter, sel::TRUSTED_TRANSFER_TOKENS, &[w(finder), amount])?;
            amount
        };
        env.send(minter, sel::TRUSTED_BURN_TOKENS, &[sub(penalty, finder_amount)?])?;
        env.log(&[topic::TRANSCODER_SLASHED, t(tr)], &[w(finder), penalty, finder_amount]);
        Ok(())
    }

    /// Sends the BondingVotes checkpoints of every account the operation touched, with the
    /// final state (`autoCheckpoint`; each account once). Skipped while no BondingVotes is
    /// registered.
    pub(crate) fn checkpoint_touched(&self, env: &mut Env) -> Result<(), Revert> {
        let votes = env.peer(Peer::Votes)?;
        if votes.is_zero() {
            return Ok(());
        }
        let start_round = add(env.round, ONE)?;
        for a in env.touched() {
            let args = [
                w(a),
                start_round,
                self.del(a, del::BONDED),
                self.del(a, del::DELEGATE),
                self.del(a, del::DELEGATED),
                self.del(a, del::LAST_CLAIM_ROUND),
                self.tc(a, tc::LAST_REWARD_ROUND),
            ];
            env.send(votes, sel::CHECKPOINT_BONDING_STATE, &args)?;
        }
        Ok(())
    }
}

/// Livepeer's `assert(activeCumulativeRewards <= totalStake)` (added after v9): a failure
/// is an accounting bug, reported as `Panic(0x01)` like a Solidity assert.
fn assert_active_rewards(active: U256, total_stake: U256) -> Result<(), Revert> {
    if active > total_stake {
        return Err(panic(PANIC_ASSERT));
    }
    Ok(())
}
