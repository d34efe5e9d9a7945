//! BondingVotes: historical voting power per round for governance, from checkpoints the
//! BondingManager writes whenever an account's bonding state or the active stake changes
//! (Livepeer `BondingVotes.sol`, spec §9). Exposes ERC-5805 views whose clock is the round.
//!
//! Storage matches Livepeer's proxy layout (spec Appendix B): 0 controller, 1
//! targetContractId, 2 `bondingCheckpoints` (account → {startRounds, data}), 3-4
//! `totalStakeCheckpoints` {rounds, data}.
//!
//! - [`sorted`]: the searches over checkpoint rounds;
//! - [`state`]: a checkpoint's value and the pure rules on it (votes, events).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

pub mod sorted;
pub mod state;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{aliases::U48, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use lpx_abi::bonding_manager::IBondingManager;
use lpx_abi::bonding_votes::IBondingVotes as V;
use lpx_abi::controller::IController;
use lpx_abi::manager::IManager;
use lpx_abi::rounds_manager::IRoundsManager;
use lpx_contracts_common::controller::{self as ctl, Manager};
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{add, err, require, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageMap, StorageU256, StorageVec};

use state::{custom, word, State};

/// `clock()` when the round does not fit ERC-6372's uint48 (OpenZeppelin SafeCast's message).
pub const ERR_CLOCK: &str = "SafeCast: value doesn't fit in 48 bits";
/// A peer answered with data that does not decode.
pub const ERR_BAD_REPLY: &str = "invalid call response";

/// `BondingCheckpoint`, five slots as in Livepeer.
#[storage]
pub struct Checkpoint {
    bonded_amount: StorageU256,
    delegate_address: StorageAddress,
    delegated_amount: StorageU256,
    last_claim_round: StorageU256,
    last_reward_round: StorageU256,
}

/// `BondingCheckpointsByRound`: the start rounds written, and the checkpoint of each.
#[storage]
pub struct AccountCheckpoints {
    start_rounds: StorageVec<StorageU256>,
    data: StorageMap<U256, Checkpoint>,
}

/// The BondingVotes storage.
#[storage]
pub struct BondingVotes {
    /// Controller and proxy target id (slots 0, 1).
    manager: Manager,
    /// Account → its checkpoints (slot 2).
    bonding_checkpoints: StorageMap<Address, AccountCheckpoints>,
    /// Rounds with a total active stake checkpoint (slot 3).
    total_stake_rounds: StorageVec<StorageU256>,
    /// Round → total active stake (slot 4).
    total_stake_data: StorageMap<U256, StorageU256>,
}

// SAFETY: `BondingVotes` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for BondingVotes {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn bonding_votes_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<BondingVotes>(input, vm, |s| {
            <lpx_abi::bonding_votes::IBondingVotes::IBondingVotesCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
}

fn read(c: &Checkpoint) -> State {
    State {
        bonded: c.bonded_amount.get(),
        delegate: c.delegate_address.get(),
        delegated: c.delegated_amount.get(),
        last_claim_round: c.last_claim_round.get(),
        last_reward_round: c.last_reward_round.get(),
    }
}

/// Appends `round` to a strictly increasing list (Livepeer's `pushSorted`): a repeat is
/// ignored, a smaller round reverts `DecreasingValues`.
fn push_sorted(rounds: &mut StorageVec<StorageU256>, round: U256) -> Result<(), Revert> {
    if let Some(last) = rounds.len().checked_sub(1).and_then(|i| rounds.get(i)) {
        if round == last {
            return Ok(());
        }
        if round < last {
            return Err(custom(V::DecreasingValues::SELECTOR, &[round, last]));
        }
    }
    rounds.push(round);
    Ok(())
}

/// An ABI `address` word: the high 12 bytes must be zero.
fn address_word(w: U256) -> Option<Address> {
    let bytes = w.to_be_bytes::<32>();
    bytes[..12].iter().all(|&b| b == 0).then(|| Address::from_slice(&bytes[12..]))
}

fn future_lookup(round: U256, max: U256) -> Revert {
    custom(V::FutureLookup::SELECTOR, &[round, max])
}

/// `onlyPastRounds`: `round < clock`, else `FutureLookup(round, clock - 1)` (0 at round 0).
fn only_past(round: U256, clock: U256) -> Result<(), Revert> {
    if round >= clock {
        return Err(future_lookup(round, clock.saturating_sub(U256::from(1))));
    }
    Ok(())
}

impl BondingVotes {
    /// Static-calls `to` with `selector(words...)` and returns word `index` of the reply; a
    /// revert bubbles up, a short reply reverts.
    fn view_word(&self, to: Address, selector: [u8; 4], words: &[U256], index: usize) -> Result<U256, Revert> {
        let reply = static_call(self.vm(), Call::new(), to, &custom(selector, words)).map_err(Vec::<u8>::from)?;
        let at = index * 32;
        reply.get(at..at + 32).map(U256::from_be_slice).ok_or_else(|| err(ERR_BAD_REPLY))
    }

    /// `controller.getContract(id)`, encoded by hand like every call here (the generic
    /// helpers in `lpx_contracts_common::controller` cost more code than this contract has
    /// room for).
    fn contract(&self, id: B256) -> Result<Address, Revert> {
        let controller = self.manager.controller.get();
        let reply = self.view_word(controller, IController::getContractCall::SELECTOR, &[id.into()], 0)?;
        address_word(reply).ok_or_else(|| err(ctl::ERR_BAD_CONTROLLER_REPLY))
    }

    fn bonding_manager(&self) -> Result<Address, Revert> {
        self.contract(ids::BONDING_MANAGER)
    }

    /// The current round, which must fit in uint48 (ERC-6372's clock type).
    fn clock_round(&self) -> Result<U256, Revert> {
        let rounds = self.contract(ids::ROUNDS_MANAGER)?;
        let round = self.view_word(rounds, IRoundsManager::currentRoundCall::SELECTOR, &[], 0)?;
        require(round <= U256::from(U48::MAX), ERR_CLOCK)?;
        Ok(round)
    }

    /// `onlyBondingManager`: `InvalidCaller(sender, bondingManager)` for anyone else.
    fn only_bonding_manager(&self) -> Result<(), Revert> {
        let required = self.bonding_manager()?;
        let caller = self.vm().msg_sender();
        if caller != required {
            return Err(custom(V::InvalidCaller::SELECTOR, &[word(caller), word(required)]));
        }
        Ok(())
    }

    /// `getBondingCheckpointAt`: the state of the latest checkpoint starting at or before
    /// `round`, zero before the first. `round` may be at most `clock + 1`.
    fn state_at(&self, account: Address, round: U256, clock: U256) -> Result<State, Revert> {
        let max = add(clock, U256::from(1))?;
        if round > max {
            return Err(future_lookup(round, max));
        }
        let checkpoints = self.bonding_checkpoints.getter(account);
        // A transcoder checkpoints every round it calls reward: try the exact round first.
        let exact = read(&checkpoints.data.getter(round));
        if !exact.bonded.is_zero() {
            return Ok(exact);
        }
        let starts = &checkpoints.start_rounds;
        let found = sorted::find_lower_bound(starts.len(), |i| starts.get(i).unwrap_or_default(), round);
        Ok(match found.and_then(|i| starts.get(i)) {
            Some(start) => read(&checkpoints.data.getter(start)),
            None => State::default(),
        })
    }

    /// Cumulative reward factor of `transcoder`'s earnings pool for `round`.
    fn reward_factor(&self, bonding_manager: Address, transcoder: Address, round: U256) -> Result<U256, Revert> {
        // Reply: (totalStake, transcoderRewardCut, transcoderFeeShare, cumulativeRewardFactor,
        // cumulativeFeeFactor).
        let selector = IBondingManager::getTranscoderEarningsPoolForRoundCall::SELECTOR;
        self.view_word(bonding_manager, selector, &[word(transcoder), round], 3)
    }

    /// `getVotesAndDelegateAtRoundStart` with the clock already read.
    fn votes_and_delegate(&self, account: Address, round: U256, clock: U256) -> Result<(U256, Address), Revert> {
        let cp = self.state_at(account, round, clock)?;
        let votes = if cp.bonded.is_zero() {
            U256::ZERO
        } else if cp.delegate == account {
            // A registered transcoder votes with everything delegated to it, unclaimed
            // rewards included.
            cp.delegated
        } else {
            self.delegator_votes(&cp, round, clock)?
        };
        Ok((votes, cp.delegate))
    }

    /// `delegatorVotesAtRoundStart`: the delegator's bond grown by its transcoder's rewards
    /// up to the transcoder's last reward before `round`; zero when the delegate is not a
    /// registered transcoder at `round` (H-02). Fees are not counted (Livepeer's Oct 2023 fix).
    fn delegator_votes(&self, cp: &State, round: U256, clock: U256) -> Result<U256, Revert> {
        let transcoder = cp.delegate;
        let bonding_manager = self.bonding_manager()?;
        let tcp = self.state_at(transcoder, round, clock)?;
        let mut end_crf = U256::ZERO;
        if !tcp.last_reward_round.is_zero() {
            end_crf = self.reward_factor(bonding_manager, transcoder, tcp.last_reward_round)?;
            if end_crf.is_zero() {
                return Err(custom(V::MissingEarningsPool::SELECTOR, &[word(transcoder), tcp.last_reward_round]));
            }
        }
        if !tcp.is_transcoder(transcoder) {
            return Ok(U256::ZERO);
        }
        if tcp.last_reward_round < cp.last_claim_round {
            // No reward since the delegator's last claim: its bond is all there is.
            return Ok(cp.bonded);
        }
        let start_crf = self.reward_factor(bonding_manager, transcoder, cp.last_claim_round)?;
        state::cumulative_stake(cp.bonded, start_crf, end_crf)
    }

    /// `getTotalActiveStakeAt` with the clock already read.
    fn total_stake_at(&self, round: U256, clock: U256) -> Result<U256, Revert> {
        let max = add(clock, U256::from(1))?;
        if round > max {
            return Err(future_lookup(round, max));
        }
        let exact = self.total_stake_data.get(round);
        if !exact.is_zero() {
            return Ok(exact);
        }
        let rounds = &self.total_stake_rounds;
        let len = rounds.len();
        let upper = sorted::find_upper_bound(len, |i| rounds.get(i).unwrap_or_default(), round);
        if upper == 0 {
            // Before the first checkpoint (or none at all).
            return Ok(U256::ZERO);
        }
        match rounds.get(upper) {
            // The next initialized round was checkpointed with the total that was already
            // known for `round`.
            Some(next) => Ok(self.total_stake_data.get(next)),
            // After every initialized round: what the BondingManager has for the next one.
            None => {
                let bonding_manager = self.bonding_manager()?;
                self.view_word(bonding_manager, IBondingManager::nextRoundTotalActiveStakeCall::SELECTOR, &[], 0)
            }
        }
    }
}

#[public]
impl BondingVotes {
    /// Stores the Controller.
    #[constructor]
    pub fn constructor(&mut self, controller: Address) {
        self.manager.controller.set(controller);
    }

    /// The Controller.
    pub fn controller(&self) -> Address {
        self.manager.controller_address()
    }

    /// Proxy target id.
    pub fn target_contract_id(&self) -> B256 {
        self.manager.target_contract_id.get()
    }

    /// onlyController.
    pub fn set_controller(&mut self, controller: Address) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.manager.controller.get(), ctl::ERR_NOT_CONTROLLER)?;
        self.manager.controller.set(controller);
        // `SetController(address controller)`: no indexed argument, so one topic.
        let _ = self.vm().raw_log(&[IManager::SetController::SIGNATURE_HASH], &controller.into_word().0);
        Ok(())
    }

    /// "Livepeer Voting Power".
    pub fn name(&self) -> String {
        "Livepeer Voting Power".into()
    }

    /// "vLPT".
    pub fn symbol(&self) -> String {
        "vLPT".into()
    }

    /// 18, as LPT.
    pub fn decimals(&self) -> u8 {
        18
    }

    /// ERC-6372: the current round.
    pub fn clock(&self) -> Result<U48, Revert> {
        Ok(U48::saturating_from(self.clock_round()?))
    }

    /// ERC-6372: the clock is the Livepeer round.
    #[selector(name = "CLOCK_MODE")]
    pub fn clock_mode(&self) -> String {
        "mode=livepeer_round".into()
    }

    /// Votes at the end of the current round.
    pub fn get_votes(&self, account: Address) -> Result<U256, Revert> {
        let clock = self.clock_round()?;
        Ok(self.votes_and_delegate(account, add(clock, U256::from(1))?, clock)?.0)
    }

    /// Votes at the end of past round `round`.
    pub fn get_past_votes(&self, account: Address, round: U256) -> Result<U256, Revert> {
        let clock = self.clock_round()?;
        only_past(round, clock)?;
        Ok(self.votes_and_delegate(account, add(round, U256::from(1))?, clock)?.0)
    }

    /// Active stake at the end of the current round.
    pub fn total_supply(&self) -> Result<U256, Revert> {
        let clock = self.clock_round()?;
        self.total_stake_at(add(clock, U256::from(1))?, clock)
    }

    /// Active stake at the end of past round `round`.
    pub fn get_past_total_supply(&self, round: U256) -> Result<U256, Revert> {
        let clock = self.clock_round()?;
        only_past(round, clock)?;
        self.total_stake_at(add(round, U256::from(1))?, clock)
    }

    /// The delegate at the end of the current round.
    pub fn delegates(&self, account: Address) -> Result<Address, Revert> {
        let clock = self.clock_round()?;
        Ok(self.state_at(account, add(clock, U256::from(1))?, clock)?.delegate)
    }

    /// The delegate at the end of past round `round`.
    pub fn delegated_at(&self, account: Address, round: U256) -> Result<Address, Revert> {
        let clock = self.clock_round()?;
        only_past(round, clock)?;
        Ok(self.state_at(account, add(round, U256::from(1))?, clock)?.delegate)
    }

    /// Delegation is bonding: always `MustCallBondingManager("bond")`.
    pub fn delegate(&self, _delegatee: Address) -> Result<(), Revert> {
        Err(state::must_call_bonding_manager("bond"))
    }

    /// Delegation is bonding: always `MustCallBondingManager("bondFor")`.
    pub fn delegate_by_sig(&self, _delegatee: Address, _nonce: U256, _expiry: U256, _v: u8, _r: B256, _s: B256) -> Result<(), Revert> {
        Err(state::must_call_bonding_manager("bondFor"))
    }

    /// onlyBondingManager: records `account`'s state from `start_round` (which must be the
    /// next round) on, replacing a checkpoint already written for that round.
    #[allow(clippy::too_many_arguments)]
    pub fn checkpoint_bonding_state(
        &mut self,
        account: Address,
        start_round: U256,
        bonded_amount: U256,
        delegate_address: Address,
        delegated_amount: U256,
        last_claim_round: U256,
        last_reward_round: U256,
    ) -> Result<(), Revert> {
        self.only_bonding_manager()?;
        let clock = self.clock_round()?;
        let next = add(clock, U256::from(1))?;
        if start_round != next {
            return Err(custom(V::InvalidStartRound::SELECTOR, &[start_round, next]));
        }
        if last_claim_round >= start_round {
            // start_round = clock + 1 >= 1, so the subtraction cannot wrap.
            let max = start_round.saturating_sub(U256::from(1));
            return Err(custom(V::FutureLastClaimRound::SELECTOR, &[last_claim_round, max]));
        }
        let previous = if self.has_checkpoint(account) { self.state_at(account, start_round, clock)? } else { State::default() };
        let current = State { bonded: bonded_amount, delegate: delegate_address, delegated: delegated_amount, last_claim_round, last_reward_round };
        let mut checkpoints = self.bonding_checkpoints.setter(account);
        let mut slot = checkpoints.data.setter(start_round);
        slot.bonded_amount.set(current.bonded);
        slot.delegate_address.set(current.delegate);
        slot.delegated_amount.set(current.delegated);
        slot.last_claim_round.set(current.last_claim_round);
        slot.last_reward_round.set(current.last_reward_round);
        push_sorted(&mut checkpoints.start_rounds, start_round)?;

        for (topics, data) in state::changes(account, &previous, &current) {
            // The SDK only refuses more than four topics; `changes` writes at most four.
            let _ = self.vm().raw_log(&topics, &data);
        }
        Ok(())
    }

    /// onlyBondingManager: records the total active stake of the current round `round`.
    pub fn checkpoint_total_active_stake(&mut self, total_stake: U256, round: U256) -> Result<(), Revert> {
        self.only_bonding_manager()?;
        let clock = self.clock_round()?;
        if round != clock {
            return Err(custom(V::InvalidTotalStakeCheckpointRound::SELECTOR, &[round, clock]));
        }
        self.total_stake_data.setter(round).set(total_stake);
        push_sorted(&mut self.total_stake_rounds, round)
    }

    /// Whether `account` has any checkpoint.
    pub fn has_checkpoint(&self, account: Address) -> bool {
        !self.bonding_checkpoints.getter(account).start_rounds.is_empty()
    }

    /// Active stake at the start of `round` (at most `clock() + 1`).
    pub fn get_total_active_stake_at(&self, round: U256) -> Result<U256, Revert> {
        let clock = self.clock_round()?;
        self.total_stake_at(round, clock)
    }

    /// Votes and delegate at the start of `round` (at most `clock() + 1`).
    pub fn get_votes_and_delegate_at_round_start(&self, account: Address, round: U256) -> Result<(U256, Address), Revert> {
        let clock = self.clock_round()?;
        self.votes_and_delegate(account, round, clock)
    }
}

#[cfg(test)]
mod tests;
