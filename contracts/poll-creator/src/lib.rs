//! PollCreator: opens signalling polls (Livepeer `polling/PollCreator.sol`, spec §12).
//!
//! Anyone whose stake (`BondingManager.pendingStake(sender, 0)`) or whose orchestrator's
//! total stake (`transcoderTotalStake(sender)`) is at least 100 LPT may open a poll on a
//! proposal (an IPFS multihash). Nothing is burned or locked. The poll stays open for
//! `POLL_PERIOD` blocks; the tally (stake-weighted, with delegator override) is off-chain.
//!
//! # Deviations from Livepeer
//! - Livepeer takes the BondingManager's address in its constructor; lpx stores the
//!   Controller and looks the BondingManager up on every `createPoll`, like every other lpx
//!   contract, so a BondingManager upgrade needs no new PollCreator.
//! - `POLL_PERIOD` is a constructor argument: Livepeer hard-codes 57,600 blocks (10 rounds of
//!   5,760 L1 blocks); the devnet's rounds are 20 blocks, so its network file uses a shorter
//!   period.
//! - Each poll is an EIP-1167 minimal proxy clone of one Poll program (see `lpx-poll`): a
//!   Stylus program created by CREATE would need its own activation. The clone's init code
//!   records its creator (this contract) in the clone's storage, and this contract then
//!   calls `initialize(endBlock)` in the same transaction.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

mod clone;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use lpx_abi::{
    bonding_manager::IBondingManager,
    poll::{IPoll, IPollCreator},
};
use lpx_contracts_common::controller as ctl;
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{add, err, require, Revert};
use stylus_sdk::call::static_call;
use stylus_sdk::deploy::RawDeploy;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256};

pub use clone::clone_init_code;

/// 33.33%, parts per million.
pub const QUORUM: U256 = U256::from_limbs([333_300, 0, 0, 0]);
/// 50%, parts per million.
pub const QUOTA: U256 = U256::from_limbs([500_000, 0, 0, 0]);
/// 100 LPT (100e18 wei).
pub const POLL_CREATION_COST: U256 = {
    const WEI: u128 = 100_000_000_000_000_000_000;
    U256::from_limbs([WEI as u64, (WEI >> 64) as u64, 0, 0])
};

/// The creator's stake is below [`POLL_CREATION_COST`] (Livepeer's message).
pub const ERR_STAKE: &str = "PollCreator#createPoll: INSUFFICIENT_STAKE";
/// The BondingManager answered with data that does not decode (or is not registered).
pub const ERR_BAD_REPLY: &str = "PollCreator: invalid BondingManager response";
/// Constructor with a zero Controller or Poll program, or a zero period.
pub const ERR_CONFIG: &str = "PollCreator: zero controller, poll implementation or period";
/// The clone could not be created.
pub const ERR_CREATE: &str = "PollCreator: creating the poll failed";

/// The PollCreator's storage.
#[storage]
pub struct PollCreator {
    /// The Controller (slot 0).
    controller: StorageAddress,
    /// The Poll program every poll delegates to (slot 1).
    poll_implementation: StorageAddress,
    /// Blocks a poll stays open (slot 2).
    poll_period: StorageU256,
}

// SAFETY: `PollCreator` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for PollCreator {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn poll_creator_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<PollCreator>(input, vm, |s| {
            <lpx_abi::poll::IPollCreator::IPollCreatorCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
}

impl PollCreator {
    fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, Revert> {
        let reply = static_call(self.vm(), Call::new(), to, &call.abi_encode()).map_err(Vec::<u8>::from)?;
        C::abi_decode_returns(&reply).map_err(|_| err(ERR_BAD_REPLY))
    }

    /// Livepeer's `||`: the orchestrator's total stake is read only when the own stake is short.
    fn has_creation_stake(&self, who: Address) -> Result<bool, Revert> {
        let bm = ctl::get_contract(self.vm(), self.controller.get(), ids::BONDING_MANAGER)?;
        let own = self.view(bm, &IBondingManager::pendingStakeCall { _delegator: who, _endRound: U256::ZERO })?;
        if own >= POLL_CREATION_COST {
            return Ok(true);
        }
        let total = self.view(bm, &IBondingManager::transcoderTotalStakeCall { _transcoder: who })?;
        Ok(total >= POLL_CREATION_COST)
    }
}

#[public]
impl PollCreator {
    /// Stores the Controller, the Poll program and the poll period in blocks.
    ///
    /// # Errors
    /// [`ERR_CONFIG`] when any of them is zero.
    #[constructor]
    pub fn constructor(&mut self, controller: Address, poll_implementation: Address, poll_period: U256) -> Result<(), Revert> {
        require(!controller.is_zero() && !poll_implementation.is_zero() && !poll_period.is_zero(), ERR_CONFIG)?;
        self.controller.set(controller);
        self.poll_implementation.set(poll_implementation);
        self.poll_period.set(poll_period);
        Ok(())
    }

    /// 333300 (33.33%).
    #[selector(name = "QUORUM")]
    pub fn quorum(&self) -> U256 {
        QUORUM
    }

    /// 500000 (50%).
    #[selector(name = "QUOTA")]
    pub fn quota(&self) -> U256 {
        QUOTA
    }

    /// Blocks a poll stays open.
    #[selector(name = "POLL_PERIOD")]
    pub fn poll_period(&self) -> U256 {
        self.poll_period.get()
    }

    /// 100 LPT.
    #[selector(name = "POLL_CREATION_COST")]
    pub fn poll_creation_cost(&self) -> U256 {
        POLL_CREATION_COST
    }

    /// The BondingManager the Controller names now.
    #[selector(name = "bondingManager")]
    pub fn bonding_manager(&self) -> Result<Address, Revert> {
        ctl::get_contract(self.vm(), self.controller.get(), ids::BONDING_MANAGER)
    }

    /// The Controller.
    pub fn controller(&self) -> Address {
        self.controller.get()
    }

    /// The Poll program every poll delegates to.
    #[selector(name = "pollImplementation")]
    pub fn poll_implementation(&self) -> Address {
        self.poll_implementation.get()
    }

    /// Opens a poll on `proposal`, ending `POLL_PERIOD` blocks after this one.
    ///
    /// # Errors
    /// [`ERR_STAKE`] below 100 LPT of stake; [`ERR_CREATE`] if the clone cannot be created; a
    /// revert of the BondingManager, the Controller or the new poll bubbles up.
    ///
    /// # Events
    /// `PollCreated(poll, proposal, endBlock, QUORUM, QUOTA)`.
    #[selector(name = "createPoll")]
    pub fn create_poll(&mut self, proposal: Bytes) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        require(self.has_creation_stake(sender)?, ERR_STAKE)?;
        let end_block = add(U256::from(self.vm().block_number()), self.poll_period.get())?;
        let code = clone_init_code(self.poll_implementation.get());
        // SAFETY: the init code is a fixed EVM stub that stores its caller and returns the
        // clone's code; it calls nothing, so it cannot re-enter this contract, and no storage
        // reference is held across the deploy.
        let poll = unsafe { RawDeploy::new().deploy(self.vm(), &code, U256::ZERO) }.map_err(|data| if data.is_empty() { err(ERR_CREATE) } else { data })?;
        let init = IPoll::initializeCall { _endBlock: end_block }.abi_encode();
        let ctx = Call::new_mutating(self);
        stylus_sdk::call::call(self.vm(), ctx, poll, &init).map_err(Vec::<u8>::from)?;
        self.vm().log(IPollCreator::PollCreated { poll, proposal, endBlock: end_block, quorum: QUORUM, quota: QUOTA });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
