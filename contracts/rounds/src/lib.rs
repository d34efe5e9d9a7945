//! RoundsManager: the round clock, round initialization, the per-round block hash tag and
//! the lock period (Livepeer `RoundsManager.sol`, spec §7).
//!
//! Storage matches Livepeer's proxy layout: 0 controller, 1 targetContractId, 2 roundLength,
//! 3 roundLockAmount, 4 lastInitializedRound, 5 lastRoundLengthUpdateRound,
//! 6 lastRoundLengthUpdateStartBlock, 7 _blockHashForRound, 8 lipUpgradeRound.
//!
//! Deviation: Stylus has no BLOCKHASH, so the round tag is ArbSys
//! `arbBlockHash(arbBlockNumber() - 1)` (a real L2 block hash) and Livepeer's public
//! `blockHash(uint256)` is not offered (docs/contracts/rounds.md).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use lpx_abi::arbitrum::{IArbSys, ARB_SYS};
use lpx_abi::bonding_manager::IBondingManager;
use lpx_abi::minter::IMinter;
use lpx_abi::rounds_manager::IRoundsManager;
use lpx_contracts_common::controller::Manager;
use lpx_contracts_common::ids;
use lpx_contracts_common::math;
use lpx_contracts_common::revert::{add, div, err, mul, require, sub, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageB256, StorageMap, StorageU256};

/// `setRoundLength(0)`.
pub const ERR_ZERO_LENGTH: &str = "round length cannot be 0";
/// `setRoundLockAmount` above 100%.
pub const ERR_LOCK_AMOUNT: &str = "round lock amount must be a valid percentage";
/// Second `initializeRound` in a round.
pub const ERR_ALREADY_INITIALIZED: &str = "round already initialized";
/// Second `setLIPUpgradeRound` for a LIP.
pub const ERR_LIP_SET: &str = "LIP upgrade round already set";
/// ArbSys answered with data that does not decode.
pub const ERR_BAD_ARBSYS: &str = "invalid ArbSys response";

/// The RoundsManager's storage.
#[storage]
pub struct RoundsManager {
    /// Controller and proxy target id (slots 0, 1).
    manager: Manager,
    /// Round length in blocks (slot 2).
    round_length: StorageU256,
    /// Lock period as a PD6 fraction of the round (slot 3).
    round_lock_amount: StorageU256,
    /// Last initialized round (slot 4).
    last_initialized_round: StorageU256,
    /// Round anchor of the last length change (slot 5).
    last_round_length_update_round: StorageU256,
    /// Start-block anchor of the last length change (slot 6).
    last_round_length_update_start_block: StorageU256,
    /// Round → tag stored at initialization (slot 7).
    block_hash_for_round: StorageMap<U256, StorageB256>,
    /// LIP number → round it took effect (slot 8).
    lip_upgrade_round: StorageMap<U256, StorageU256>,
}

// SAFETY: `RoundsManager` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for RoundsManager {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn rounds_manager_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<RoundsManager>(input, vm, |s| {
            <lpx_abi::rounds_manager::IRoundsManager::IRoundsManagerCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
}

impl RoundsManager {
    fn block_number(&self) -> U256 {
        U256::from(self.vm().block_number())
    }

    /// Rounds since the last length change: `floor((block - anchorBlock) / roundLength)`.
    fn rounds_since_update(&self) -> Result<U256, Revert> {
        let elapsed = sub(self.block_number(), self.last_round_length_update_start_block.get())?;
        div(elapsed, self.round_length.get())
    }

    fn current_round_impl(&self) -> Result<U256, Revert> {
        add(self.last_round_length_update_round.get(), self.rounds_since_update()?)
    }

    fn current_round_start_block_impl(&self) -> Result<U256, Revert> {
        let offset = mul(self.rounds_since_update()?, self.round_length.get())?;
        add(self.last_round_length_update_start_block.get(), offset)
    }

    fn move_anchors(&mut self) -> Result<(), Revert> {
        let round = self.current_round_impl()?;
        let start = self.current_round_start_block_impl()?;
        self.last_round_length_update_round.set(round);
        self.last_round_length_update_start_block.set(start);
        Ok(())
    }

    fn arb_sys<C: SolCall>(&self, call: &C) -> Result<C::Return, Revert> {
        let reply = static_call(self.vm(), Call::new(), ARB_SYS, &call.abi_encode()).map_err(Vec::<u8>::from)?;
        C::abi_decode_returns(&reply).map_err(|_| err(ERR_BAD_ARBSYS))
    }

    /// The round tag: hash of the previous L2 block, from ArbSys.
    fn round_tag(&self) -> Result<B256, Revert> {
        let number = self.arb_sys(&IArbSys::arbBlockNumberCall {})?;
        let previous = sub(number, U256::from(1))?;
        self.arb_sys(&IArbSys::arbBlockHashCall { arbBlockNum: previous })
    }

    fn call_peer(&mut self, to: Address, data: &[u8]) -> Result<(), Revert> {
        let ctx = Call::new_mutating(self);
        call(self.vm(), ctx, to, data)?;
        Ok(())
    }
}

#[public]
impl RoundsManager {
    /// Stores the Controller. Round length and lock amount are set afterwards by the owner.
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
        self.manager.set_controller(controller)
    }

    /// Round length in blocks.
    pub fn round_length(&self) -> U256 {
        self.round_length.get()
    }

    /// Lock period, PD6 fraction of the round.
    pub fn round_lock_amount(&self) -> U256 {
        self.round_lock_amount.get()
    }

    /// Last initialized round.
    pub fn last_initialized_round(&self) -> U256 {
        self.last_initialized_round.get()
    }

    /// Round anchor of the last length change.
    pub fn last_round_length_update_round(&self) -> U256 {
        self.last_round_length_update_round.get()
    }

    /// Start-block anchor of the last length change.
    pub fn last_round_length_update_start_block(&self) -> U256 {
        self.last_round_length_update_start_block.get()
    }

    /// Round from which `lip` applies (zero if unset).
    pub fn lip_upgrade_round(&self, lip: U256) -> U256 {
        self.lip_upgrade_round.get(lip)
    }

    /// onlyControllerOwner. The first call sets the length and then anchors at the current
    /// round under it; later calls anchor under the old length, then switch.
    pub fn set_round_length(&mut self, round_length: U256) -> Result<(), Revert> {
        self.manager.only_controller_owner()?;
        require(round_length > U256::ZERO, ERR_ZERO_LENGTH)?;
        if self.round_length.get().is_zero() {
            self.round_length.set(round_length);
            self.move_anchors()?;
        } else {
            self.move_anchors()?;
            self.round_length.set(round_length);
        }
        self.manager.emit_parameter_update("roundLength");
        Ok(())
    }

    /// onlyControllerOwner: lock period as a PD6 fraction.
    pub fn set_round_lock_amount(&mut self, round_lock_amount: U256) -> Result<(), Revert> {
        self.manager.only_controller_owner()?;
        require(math::valid_perc(round_lock_amount), ERR_LOCK_AMOUNT)?;
        self.round_lock_amount.set(round_lock_amount);
        self.manager.emit_parameter_update("roundLockAmount");
        Ok(())
    }

    /// whenSystemNotPaused: starts the current round, stores its tag, then has the
    /// BondingManager fix the active stake and the Minter fix the round's mintable LPT.
    pub fn initialize_round(&mut self) -> Result<(), Revert> {
        self.manager.when_system_not_paused()?;
        let round = self.current_round_impl()?;
        require(self.last_initialized_round.get() < round, ERR_ALREADY_INITIALIZED)?;
        self.last_initialized_round.set(round);
        let tag = self.round_tag()?;
        self.block_hash_for_round.setter(round).set(tag);

        let bonding_manager = self.manager.get_contract(ids::BONDING_MANAGER)?;
        self.call_peer(bonding_manager, &IBondingManager::setCurrentRoundTotalActiveStakeCall {}.abi_encode())?;
        let minter = self.manager.get_contract(ids::MINTER)?;
        self.call_peer(minter, &IMinter::setCurrentRewardTokensCall {}.abi_encode())?;

        self.vm().log(IRoundsManager::NewRound { round, blockHash: tag });
        Ok(())
    }

    /// onlyControllerOwner, once per LIP.
    #[selector(name = "setLIPUpgradeRound")]
    pub fn set_lip_upgrade_round(&mut self, lip: U256, round: U256) -> Result<(), Revert> {
        self.manager.only_controller_owner()?;
        require(self.lip_upgrade_round.get(lip).is_zero(), ERR_LIP_SET)?;
        self.lip_upgrade_round.setter(lip).set(round);
        Ok(())
    }

    /// The block number (an L1 block estimate on Arbitrum).
    pub fn block_num(&self) -> U256 {
        self.block_number()
    }

    /// The tag stored when `round` was initialized (zero if it was not).
    pub fn block_hash_for_round(&self, round: U256) -> B256 {
        self.block_hash_for_round.get(round)
    }

    /// `lastRoundLengthUpdateRound + floor((block - lastRoundLengthUpdateStartBlock) / roundLength)`.
    pub fn current_round(&self) -> Result<U256, Revert> {
        self.current_round_impl()
    }

    /// First block of the current round.
    pub fn current_round_start_block(&self) -> Result<U256, Revert> {
        self.current_round_start_block_impl()
    }

    /// Whether the current round has been initialized.
    pub fn current_round_initialized(&self) -> Result<bool, Revert> {
        Ok(self.last_initialized_round.get() == self.current_round_impl()?)
    }

    /// Whether the current round is in its lock period:
    /// `block - start >= roundLength - floor(roundLength * roundLockAmount / PD6)`.
    pub fn current_round_locked(&self) -> Result<bool, Revert> {
        let length = self.round_length.get();
        let locked_blocks = math::perc_of2(length, self.round_lock_amount.get())?;
        let into_round = sub(self.block_number(), self.current_round_start_block_impl()?)?;
        Ok(into_round >= sub(length, locked_blocks)?)
    }
}

#[cfg(test)]
mod tests;

/// The entry point against malformed and arbitrary calldata (see `lpx_contracts_common::entry`).
#[cfg(test)]
mod entry_tests {
    use alloy_sol_types::{SolCall, SolValue};
    use lpx_abi::rounds_manager::IRoundsManager;
    use lpx_contracts_common::testing::*;

    use super::entry::rounds_manager_entry as entry;

    fn constructed() -> (TestHost, alloc::vec::Vec<u8>) {
        constructed_through_entry(entry, &(ENTRY_OWNER,).abi_encode_params())
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let (host, ctor) = constructed();
        check_malformed_calls(&host, entry, &ctor, IRoundsManager::setControllerCall::SELECTOR);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let (host, _) = constructed();
        check_arbitrary_calldata(&host, entry, IRoundsManager::IRoundsManagerCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
