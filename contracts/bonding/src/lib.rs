//! BondingManager: staking, delegation, the transcoder pool, rewards and fees
//! (Livepeer's `BondingManager.sol`, spec §3), as an Arbitrum Stylus contract.
//!
//! Layout of the crate:
//! - [`store`]: raw storage access in Livepeer's slot layout (spec Appendix B);
//! - [`pool`]: the sorted transcoder pool (`SortedDoublyLL`), generic over its storage;
//! - [`earnings`]: LIP-36 cumulative-factor arithmetic as pure functions;
//! - [`env`]: the per-call environment (round, peers, checkpoints, calls, events);
//! - `logic`: internal building blocks and operation bodies;
//! - [`router`]: the ABI dispatcher (a hand-written `#[entrypoint]` function);
//! - this file: the public operations, each a guard plus a call into `logic`.
//!
//! The ABI is dispatched by hand rather than with `#[public]`: every argument is a static
//! word, and the generated router plus alloy's decoders made up a quarter of the
//! contract, which must fit 24 KiB compressed. The interface is `lpx_abi::bonding_manager`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

pub mod earnings;
pub mod env;
pub mod ext;
pub mod fmath;
#[cfg(feature = "export-abi")]
pub mod interface;
mod logic;
pub mod pool;
pub mod router;
#[cfg(test)]
mod state;
pub mod store;
#[cfg(test)]
mod tests;

use alloy_primitives::{Address, B256, U256};
use lpx_contracts_common::controller::ERR_NOT_CONTROLLER;
use lpx_contracts_common::ids;
use lpx_contracts_common::math::{self, precise};
use lpx_contracts_common::revert::{add, require, Revert};
use lpx_contracts_common::Manager;
use stylus_sdk::prelude::*;

use logic::ONE;
pub use logic::{BONDED, MAX_FUTURE_ROUND, PENDING, UNBONDED};

use env::{sel, t, topic, w, Env, Peer};
use store::{del, slot, tc, to_addr};

/// The BondingManager's storage. Only the Manager head (controller, targetContractId in
/// slots 0-1) is a typed field; Livepeer's fields follow in slots 2-14 and the LIP-118
/// reward-caller map in slot 15, all accessed through [`store`].
#[storage]
pub struct BondingManager {
    /// Slots 0-1: controller and targetContractId.
    pub(crate) manager: Manager,
}

/// Hint pair for the plain (hint-less) entry points.
const NO_HINT: (Address, Address) = (Address::ZERO, Address::ZERO);

/// `(prev, next)` pool-position hint.
pub type Hint = (Address, Address);

impl BondingManager {
    fn env(&self) -> Env {
        Env::new(self.vm().clone(), self.manager.controller.get())
    }

    /// Env after `whenSystemNotPaused currentRoundInitialized`.
    fn begin(&self) -> Result<Env, Revert> {
        let mut env = self.env();
        env.begin()?;
        Ok(env)
    }

    /// Env with the current round loaded (views).
    fn viewing(&self) -> Result<Env, Revert> {
        let mut env = self.env();
        env.load_round(false)?;
        Ok(env)
    }

    fn owner_sets(&mut self, s: u64, value: U256, param: &str) -> Result<(), Revert> {
        let env = self.env();
        env.only_owner()?;
        self.set_global(s, value);
        env.log_parameter(param);
        Ok(())
    }

    // ---- Manager ----

    /// Livepeer's `Manager(_controller)` constructor (the Stylus constructor, once).
    pub fn constructor(&mut self, controller: Address) -> Result<(), Revert> {
        stylus_sdk::stylus_core::ConstructorGuard::check_constructor_slot(self)?;
        self.manager.controller.set(controller);
        Ok(())
    }

    /// `setController`: onlyController; emits `SetController`.
    pub fn set_controller(&mut self, controller: Address) -> Result<(), Revert> {
        let env = self.env();
        require(env.sender == env.controller, ERR_NOT_CONTROLLER)?;
        self.manager.controller.set(controller);
        env.log(&[topic::SET_CONTROLLER], &[w(controller)]);
        Ok(())
    }

    // ---- parameters (onlyControllerOwner) ----

    /// No bounds.
    pub fn set_unbonding_period(&mut self, period: u64) -> Result<(), Revert> {
        self.owner_sets(slot::UNBONDING_PERIOD, U256::from(period), "unbondingPeriod")
    }

    /// Staged for the next round; at most 100% (PD27).
    pub fn set_treasury_reward_cut_rate(&mut self, rate: U256) -> Result<(), Revert> {
        let env = self.env();
        env.only_owner()?;
        require(precise::valid_perc(rate), "_cutRate is invalid precise percentage")?;
        self.set_global(slot::NEXT_ROUND_TREASURY_REWARD_CUT_RATE, rate);
        env.log_parameter("nextRoundTreasuryRewardCutRate");
        Ok(())
    }

    /// 0 disables the ceiling.
    pub fn set_treasury_balance_ceiling(&mut self, ceiling: U256) -> Result<(), Revert> {
        self.owner_sets(slot::TREASURY_BALANCE_CEILING, ceiling, "treasuryBalanceCeiling")
    }

    /// The pool can only grow.
    pub fn set_num_active_transcoders(&mut self, n: U256) -> Result<(), Revert> {
        let env = self.env();
        env.only_owner()?;
        pool::set_max_size(self, n)?;
        env.log_parameter("numActiveTranscoders");
        Ok(())
    }

    // ---- transcoders ----

    /// `transcoderWithHint`: sets reward cut / fee share and tries to join the pool.
    pub fn transcoder_with_hint(&mut self, reward_cut: U256, fee_share: U256, hint: Hint) -> Result<(), Revert> {
        let env = self.begin()?;
        let locked = env.view_bool(env.rounds, sel::CURRENT_ROUND_LOCKED, &[])?;
        require(!locked, "can't update transcoder params, current round is locked")?;
        require(math::valid_perc(reward_cut), "invalid rewardCut percentage")?;
        require(math::valid_perc(fee_share), "invalid feeShare percentage")?;
        let s = env.sender;
        require(self.is_registered(s), "transcoder must be registered")?;
        let round = env.round;
        require(
            !self.is_active(s, round) || self.tc(s, tc::LAST_REWARD_ROUND) == round,
            "caller can't be active or must have already called reward for the current round",
        )?;
        self.set_tc(s, tc::REWARD_CUT, reward_cut);
        self.set_tc(s, tc::FEE_SHARE, fee_share);
        if !pool::contains(self, s) {
            let stake = self.delegated(s);
            self.try_to_join_active_set(&env, s, stake, add(round, ONE)?, hint)?;
        }
        env.log(&[topic::TRANSCODER_UPDATE, t(s)], &[reward_cut, fee_share]);
        Ok(())
    }

    // ---- bonding ----

    /// `bondForWithHint` (`owner = None` for `bond`/`bondWithHint`: the caller).
    pub fn bond_for_with_hint(&mut self, amount: U256, owner: Option<Address>, to: Address, old: Hint, cur: Hint) -> Result<(), Revert> {
        let mut env = self.begin()?;
        let owner = owner.unwrap_or(env.sender);
        self.bond_for(&mut env, amount, owner, to, old, cur)?;
        self.checkpoint_touched(&mut env)
    }

    /// `transferBond`.
    pub fn transfer_bond(&mut self, receiver: Address, amount: U256, old: Hint, new: Hint) -> Result<(), Revert> {
        let mut env = self.begin()?;
        self.transfer_bond_inner(&mut env, receiver, amount, old, new)?;
        self.checkpoint_touched(&mut env)
    }

    /// `unbondWithHint`.
    pub fn unbond_with_hint(&mut self, amount: U256, hint: Hint) -> Result<(), Revert> {
        let mut env = self.begin()?;
        self.auto_claim(&env, env.sender)?;
        self.unbond_inner(&mut env, amount, hint)?;
        self.checkpoint_touched(&mut env)
    }

    /// `rebondWithHint` (`to = None`) or `rebondFromUnbondedWithHint` (`to = Some`).
    pub fn rebond_with_hint(&mut self, to: Option<Address>, lock_id: U256, hint: Hint) -> Result<(), Revert> {
        let mut env = self.begin()?;
        let s = env.sender;
        self.auto_claim(&env, s)?;
        match to {
            Some(to) => self.rebond_from_unbonded_inner(&mut env, to, lock_id, hint)?,
            None => {
                require(self.status(s, env.round) != UNBONDED, "caller must be bonded")?;
                self.process_rebond(&mut env, s, lock_id, hint)?;
            }
        }
        self.checkpoint_touched(&mut env)
    }

    /// `withdrawStake`: pays out an expired unbonding lock.
    pub fn withdraw_stake(&mut self, lock_id: U256) -> Result<(), Revert> {
        let mut env = self.begin()?;
        let s = env.sender;
        let (amount, withdraw_round) = self.lock(s, lock_id);
        require(!withdraw_round.is_zero(), "invalid unbonding lock ID")?;
        require(withdraw_round <= env.round, "withdraw round must be before or equal to the current round")?;
        self.set_lock(s, lock_id, U256::ZERO, U256::ZERO);
        let minter = env.peer(Peer::Minter)?;
        env.send(minter, sel::TRUSTED_TRANSFER_TOKENS, &[w(s), amount])?;
        env.log(&[topic::WITHDRAW_STAKE, t(s)], &[lock_id, amount, withdraw_round]);
        Ok(())
    }

    /// `withdrawFees`: pays `amount` of the caller's fees to `recipient`.
    pub fn withdraw_fees(&mut self, recipient: Address, amount: U256) -> Result<(), Revert> {
        let mut env = self.begin()?;
        let s = env.sender;
        self.auto_claim(&env, s)?;
        require(!recipient.is_zero(), "invalid recipient")?;
        let fees = self.del(s, del::FEES);
        require(fees >= amount, "insufficient fees to withdraw")?;
        self.set_del(s, del::FEES, fees - amount);
        let minter = env.peer(Peer::Minter)?;
        env.send(minter, sel::TRUSTED_WITHDRAW_ETH, &[w(recipient), amount])?;
        env.log(&[topic::WITHDRAW_FEES, t(s)], &[w(recipient), amount]);
        env.touch(s);
        self.checkpoint_touched(&mut env)
    }

    /// `claimEarnings`: claims through the current round (argument ignored).
    pub fn claim_earnings(&mut self) -> Result<(), Revert> {
        let mut env = self.begin()?;
        let s = env.sender;
        self.auto_claim(&env, s)?;
        env.touch(s);
        self.checkpoint_touched(&mut env)
    }

    /// `checkpointBondingState(account)` (a no-op while no BondingVotes is registered).
    pub fn checkpoint_bonding_state(&mut self, account: Address) -> Result<(), Revert> {
        let mut env = self.env();
        if env.peer(Peer::Votes)?.is_zero() {
            return Ok(());
        }
        env.load_round(false)?;
        env.touch(account);
        self.checkpoint_touched(&mut env)
    }

    // ---- rewards and fees ----

    /// `rewardWithHint` (`transcoder = None`) or LIP-118 `rewardForTranscoderWithHint`.
    pub fn reward_with_hint(&mut self, transcoder: Option<Address>, hint: Hint) -> Result<(), Revert> {
        let mut env = self.begin()?;
        let tr = match transcoder {
            Some(tr) => {
                require(self.reward_caller(tr) == env.sender, "caller must be a reward caller set by the transcoder")?;
                tr
            }
            None => env.sender,
        };
        self.reward_for(&mut env, tr, hint)?;
        self.checkpoint_touched(&mut env)
    }

    /// LIP-118 `setRewardCaller`: authorizes `caller` to call reward for the sender.
    pub fn set_reward_caller(&mut self, caller: Address) -> Result<(), Revert> {
        let env = self.env();
        env.not_paused()?;
        self.set_reward_caller_of(env.sender, caller);
        env.log(&[topic::REWARD_CALLER_SET, t(env.sender), t(caller)], &[]);
        Ok(())
    }

    /// `updateTranscoderWithFees`: onlyTicketBroker; credits `fees` to the current round.
    pub fn update_transcoder_with_fees(&mut self, transcoder: Address, fees: U256) -> Result<(), Revert> {
        let mut env = self.env();
        env.not_paused()?;
        env.only(ids::TICKET_BROKER, "caller must be TicketBroker")?;
        require(self.is_registered(transcoder), "transcoder must be registered")?;
        env.load_round(false)?;
        // Livepeer's 22 Aug 2025 fix: only active orchestrators earn fees.
        require(self.is_active(transcoder, env.round), "transcoder must be active")?;
        self.add_fees(&mut env, transcoder, fees)
    }

    /// `slashTranscoder`: onlyVerifier (disabled on Livepeer mainnet).
    pub fn slash_transcoder(&mut self, transcoder: Address, finder: Address, slash_amount: U256, finder_fee: U256) -> Result<(), Revert> {
        let mut env = self.env();
        env.not_paused()?;
        env.only(ids::VERIFIER, "caller must be Verifier")?;
        env.load_round(false)?;
        self.auto_claim(&env, transcoder)?;
        self.slash(&mut env, transcoder, finder, slash_amount, finder_fee)?;
        env.touch(transcoder);
        self.checkpoint_touched(&mut env)
    }

    /// `setCurrentRoundTotalActiveStake`: onlyRoundsManager, at round initialization.
    pub fn set_current_round_total_active_stake(&mut self) -> Result<(), Revert> {
        let env = self.env();
        env.only(ids::ROUNDS_MANAGER, "caller must be RoundsManager")?;
        let total = self.global(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE);
        self.set_global(slot::CURRENT_ROUND_TOTAL_ACTIVE_STAKE, total);
        let next_rate = self.global(slot::NEXT_ROUND_TREASURY_REWARD_CUT_RATE);
        if next_rate != self.global(slot::TREASURY_REWARD_CUT_RATE) {
            self.set_global(slot::TREASURY_REWARD_CUT_RATE, next_rate);
            env.log_parameter("treasuryRewardCutRate");
        }
        let votes = env.lookup(ids::BONDING_VOTES)?;
        if !votes.is_zero() {
            let round = env.view(env.sender, sel::CURRENT_ROUND, &[])?;
            env.send(votes, sel::CHECKPOINT_TOTAL_ACTIVE_STAKE, &[total, round])?;
        }
        Ok(())
    }

    // ---- views ----

    /// `pendingStake` / `pendingFees` (both, through the current round).
    pub fn pending(&self, delegator: Address) -> Result<(U256, U256), Revert> {
        let env = self.viewing()?;
        self.pending_stake_and_fees(delegator, env.round)
    }

    /// `delegatorStatus`: 0 Pending, 1 Bonded, 2 Unbonded.
    pub fn delegator_status(&self, delegator: Address) -> Result<u8, Revert> {
        let env = self.viewing()?;
        Ok(self.status(delegator, env.round))
    }

    /// `isActiveTranscoder`.
    pub fn is_active_transcoder(&self, transcoder: Address) -> Result<bool, Revert> {
        let env = self.viewing()?;
        Ok(self.is_active(transcoder, env.round))
    }

    /// `getTranscoder`: the 10 fields other than the pools.
    pub fn get_transcoder(&self, a: Address) -> [U256; 10] {
        let mut out = [U256::ZERO; 10];
        for (i, field) in [0, 1, 2, 4, 5, 6, 7, 8, 9, 10].into_iter().enumerate() {
            out[i] = self.tc(a, field);
        }
        out
    }

    /// `getTranscoderEarningsPoolForRound`.
    pub fn get_transcoder_earnings_pool_for_round(&self, a: Address, round: U256) -> [U256; 5] {
        let mut out = [U256::ZERO; 5];
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.ep(a, round, i as u64);
        }
        out
    }

    /// `getDelegator`: the 7 fields other than the locks.
    pub fn get_delegator(&self, a: Address) -> [U256; 7] {
        let mut out = [U256::ZERO; 7];
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.del(a, i as u64);
        }
        out[del::DELEGATE as usize] = w(to_addr(out[del::DELEGATE as usize]));
        out
    }

    /// Reads a top-level field.
    pub fn param(&self, s: u64) -> U256 {
        self.global(s)
    }

    /// `controller()`.
    pub fn controller(&self) -> Address {
        self.manager.controller.get()
    }

    /// `targetContractId()`.
    pub fn target_contract_id(&self) -> B256 {
        self.manager.target_contract_id.get()
    }

    /// `getNextTranscoderInPool`.
    pub fn next_in_pool(&self, a: Address) -> Address {
        pool::ListStore::next(self, a)
    }

    /// `getDelegatorUnbondingLock` (amount, withdrawRound).
    pub fn unbonding_lock(&self, a: Address, id: U256) -> (U256, U256) {
        self.lock(a, id)
    }
}
