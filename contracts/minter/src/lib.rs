//! Minter: per-round inflation steered toward the target bonding rate, reward minting, and
//! custody of all bonded LPT and all protocol ETH (Livepeer `Minter.sol`, spec §6).
//!
//! Storage matches Livepeer's (the Minter is not proxied, so it has no target id):
//! 0 controller, 1 inflation, 2 inflationChange, 3 targetBondingRate,
//! 4 currentMintableTokens, 5 currentMintedTokens.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use lpx_abi::bonding_manager::IBondingManager;
use lpx_abi::manager::IManager;
use lpx_abi::minter::{IL2LPTDataCache, IMinter};
use lpx_abi::token::ILivepeerToken;
use lpx_contracts_common::controller as ctl;
use lpx_contracts_common::ids;
use lpx_contracts_common::math::v2 as pd9;
use lpx_contracts_common::revert::{add, err, require, sub, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256};

/// `onlyBondingManager`.
pub const ERR_NOT_BONDING_MANAGER: &str = "msg.sender not BondingManager";
/// `onlyRoundsManager`.
pub const ERR_NOT_ROUNDS_MANAGER: &str = "msg.sender not RoundsManager";
/// `onlyBondingManagerOrJobsManager`.
pub const ERR_NOT_BM_OR_JM: &str = "msg.sender not BondingManager or JobsManager";
/// `onlyMinterOrJobsManager`.
pub const ERR_NOT_MINTER_OR_JM: &str = "msg.sender not Minter or JobsManager";
/// Constructor check on `inflation`.
pub const ERR_INFLATION: &str = "_inflation is invalid percentage";
/// Check on `inflationChange`.
pub const ERR_INFLATION_CHANGE: &str = "_inflationChange is invalid percentage";
/// Check on `targetBondingRate`.
pub const ERR_TARGET_BONDING_RATE: &str = "_targetBondingRate is invalid percentage";
/// `createReward` over-mint guard.
pub const ERR_MINT_EXCEEDS: &str = "minted tokens cannot exceed mintable tokens";
/// `migrateToNewMinter` checks.
pub const ERR_NEW_IS_CURRENT: &str = "new Minter cannot be current Minter";
/// `migrateToNewMinter` checks.
pub const ERR_NEW_IS_NULL: &str = "new Minter cannot be null address";
/// `migrateToNewMinter` checks.
pub const ERR_NEW_CONTROLLER: &str = "new Minter Controller must be current Controller";
/// `migrateToNewMinter` checks.
pub const ERR_NOT_REGISTERED: &str = "new Minter must be registered";
/// A token call returned `false` or malformed data (OZ's token never does).
pub const ERR_TOKEN_CALL: &str = "LivepeerToken call failed";
/// A call returned malformed data.
pub const ERR_BAD_REPLY: &str = "invalid call response";

/// The Minter's storage.
#[storage]
pub struct Minter {
    /// The Controller (slot 0).
    controller: StorageAddress,
    /// Per-round inflation, parts per billion of the global supply (slot 1).
    inflation: StorageU256,
    /// Step applied to `inflation` each initialized round (slot 2).
    inflation_change: StorageU256,
    /// Bonding rate inflation steers toward, PD9 (slot 3).
    target_bonding_rate: StorageU256,
    /// LPT mintable this round (slot 4).
    current_mintable_tokens: StorageU256,
    /// LPT minted this round (slot 5).
    current_minted_tokens: StorageU256,
}

// SAFETY: `Minter` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for Minter {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn minter_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<Minter>(input, vm, |s| {
            <lpx_abi::minter::IMinter::IMinterCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
}

impl Minter {
    fn ctl(&self) -> Address {
        self.controller.get()
    }

    fn contract(&self, id: alloy_primitives::B256) -> Result<Address, Revert> {
        ctl::get_contract(self.vm(), self.ctl(), id)
    }

    fn only(&self, id: alloy_primitives::B256, msg: &str) -> Result<(), Revert> {
        ctl::only(self.vm(), self.ctl(), id, msg).map(|_| ())
    }

    /// Caller is one of two registered contracts; looks the second up only if needed.
    fn only_either(&self, a: alloy_primitives::B256, b: alloy_primitives::B256, msg: &str) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        if sender == self.contract(a)? || sender == self.contract(b)? {
            Ok(())
        } else {
            Err(err(msg))
        }
    }

    fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, Revert> {
        let reply = static_call(self.vm(), Call::new(), to, &call.abi_encode()).map_err(Vec::<u8>::from)?;
        C::abi_decode_returns(&reply).map_err(|_| err(ERR_BAD_REPLY))
    }

    /// Calls a token function returning `bool`; a revert bubbles up, `false` reverts.
    fn token_call<C: SolCall<Return = bool>>(&mut self, token: Address, call: &C) -> Result<(), Revert> {
        let ctx = Call::new_mutating(self);
        let reply = stylus_sdk::call::call(self.vm(), ctx, token, &call.abi_encode()).map_err(Vec::<u8>::from)?;
        let ok = C::abi_decode_returns(&reply).map_err(|_| err(ERR_TOKEN_CALL))?;
        require(ok, ERR_TOKEN_CALL)
    }

    /// Calls a function without return value; a revert bubbles up.
    fn plain_call(&mut self, to: Address, data: &[u8], value: U256) -> Result<Vec<u8>, Revert> {
        let ctx = Call::new_payable(self, value);
        Ok(stylus_sdk::call::call(self.vm(), ctx, to, data)?)
    }

    /// `LPT.totalSupply() + L2LPTDataCache.l1CirculatingSupply()`. An unregistered data cache
    /// counts as zero L1 supply (a deployment without an L1 bridge).
    fn global_total_supply(&self, token: Address) -> Result<U256, Revert> {
        let l2 = self.view(token, &ILivepeerToken::totalSupplyCall {})?;
        let cache = self.contract(ids::L2_LPT_DATA_CACHE)?;
        let l1 = if cache == Address::ZERO { U256::ZERO } else { self.view(cache, &IL2LPTDataCache::l1CirculatingSupplyCall {})? };
        add(l2, l1)
    }
}

#[public]
impl Minter {
    /// Livepeer's constructor: every rate must be at most 100% (PD9).
    #[constructor]
    pub fn constructor(&mut self, controller: Address, inflation: U256, inflation_change: U256, target_bonding_rate: U256) -> Result<(), Revert> {
        require(pd9::valid_perc(inflation), ERR_INFLATION)?;
        require(pd9::valid_perc(inflation_change), ERR_INFLATION_CHANGE)?;
        require(pd9::valid_perc(target_bonding_rate), ERR_TARGET_BONDING_RATE)?;
        self.controller.set(controller);
        self.inflation.set(inflation);
        self.inflation_change.set(inflation_change);
        self.target_bonding_rate.set(target_bonding_rate);
        Ok(())
    }

    /// The Controller.
    pub fn controller(&self) -> Address {
        self.ctl()
    }

    /// The Controller (Livepeer's `getController`).
    pub fn get_controller(&self) -> Address {
        self.ctl()
    }

    /// onlyController: re-points the Minter at a new Controller.
    pub fn set_controller(&mut self, controller: Address) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.ctl(), ctl::ERR_NOT_CONTROLLER)?;
        self.controller.set(controller);
        self.vm().log(IManager::SetController { controller });
        Ok(())
    }

    /// Per-round inflation (PD9).
    pub fn inflation(&self) -> U256 {
        self.inflation.get()
    }

    /// Inflation step (PD9).
    pub fn inflation_change(&self) -> U256 {
        self.inflation_change.get()
    }

    /// Target bonding rate (PD9).
    pub fn target_bonding_rate(&self) -> U256 {
        self.target_bonding_rate.get()
    }

    /// LPT mintable this round.
    pub fn current_mintable_tokens(&self) -> U256 {
        self.current_mintable_tokens.get()
    }

    /// LPT minted this round.
    pub fn current_minted_tokens(&self) -> U256 {
        self.current_minted_tokens.get()
    }

    /// onlyControllerOwner.
    pub fn set_target_bonding_rate(&mut self, target_bonding_rate: U256) -> Result<(), Revert> {
        ctl::only_controller_owner(self.vm(), self.ctl())?;
        require(pd9::valid_perc(target_bonding_rate), ERR_TARGET_BONDING_RATE)?;
        self.target_bonding_rate.set(target_bonding_rate);
        self.vm().log(IManager::ParameterUpdate { param: "targetBondingRate".into() });
        Ok(())
    }

    /// onlyControllerOwner.
    pub fn set_inflation_change(&mut self, inflation_change: U256) -> Result<(), Revert> {
        ctl::only_controller_owner(self.vm(), self.ctl())?;
        require(pd9::valid_perc(inflation_change), ERR_INFLATION_CHANGE)?;
        self.inflation_change.set(inflation_change);
        self.vm().log(IManager::ParameterUpdate { param: "inflationChange".into() });
        Ok(())
    }

    /// onlyControllerOwner, whenSystemPaused: hands all LPT and ETH to `new_minter`.
    /// MINTER_ROLE/BURNER_ROLE on the token move separately (token admin), as on L2 Livepeer.
    pub fn migrate_to_new_minter(&mut self, new_minter: Address) -> Result<(), Revert> {
        let controller = self.ctl();
        ctl::only_controller_owner(self.vm(), controller)?;
        ctl::when_system_paused(self.vm(), controller)?;
        let this = self.vm().contract_address();
        require(new_minter != this, ERR_NEW_IS_CURRENT)?;
        require(new_minter != Address::ZERO, ERR_NEW_IS_NULL)?;
        let new_controller = self.view(new_minter, &IMinter::getControllerCall {})?;
        require(new_controller == controller, ERR_NEW_CONTROLLER)?;
        require(self.contract(ids::MINTER)? == this, ERR_NOT_REGISTERED)?;
        let token = self.contract(ids::LIVEPEER_TOKEN)?;
        let balance = self.view(token, &ILivepeerToken::balanceOfCall { account: this })?;
        self.token_call(token, &ILivepeerToken::transferCall { to: new_minter, amount: balance })?;
        let eth = self.vm().balance(this);
        self.plain_call(new_minter, &IMinter::depositETHCall {}.abi_encode(), eth)?;
        Ok(())
    }

    /// onlyBondingManager, whenSystemNotPaused: mints
    /// `floor(currentMintableTokens * floor(num * PD9 / den) / PD9)` to the Minter.
    pub fn create_reward(&mut self, frac_num: U256, frac_denom: U256) -> Result<U256, Revert> {
        self.only(ids::BONDING_MANAGER, ERR_NOT_BONDING_MANAGER)?;
        ctl::when_system_not_paused(self.vm(), self.ctl())?;
        let mintable = self.current_mintable_tokens.get();
        let amount = pd9::perc_of(mintable, frac_num, frac_denom)?;
        let minted = add(self.current_minted_tokens.get(), amount)?;
        self.current_minted_tokens.set(minted);
        require(minted <= mintable, ERR_MINT_EXCEEDS)?;
        let token = self.contract(ids::LIVEPEER_TOKEN)?;
        let this = self.vm().contract_address();
        self.plain_call(token, &ILivepeerToken::mintCall { _to: this, _amount: amount }.abi_encode(), U256::ZERO)?;
        Ok(amount)
    }

    /// onlyBondingManager, whenSystemNotPaused: transfers LPT held by the Minter.
    pub fn trusted_transfer_tokens(&mut self, to: Address, amount: U256) -> Result<(), Revert> {
        self.only(ids::BONDING_MANAGER, ERR_NOT_BONDING_MANAGER)?;
        ctl::when_system_not_paused(self.vm(), self.ctl())?;
        let token = self.contract(ids::LIVEPEER_TOKEN)?;
        self.token_call(token, &ILivepeerToken::transferCall { to, amount })
    }

    /// onlyBondingManager, whenSystemNotPaused: burns LPT held by the Minter.
    pub fn trusted_burn_tokens(&mut self, amount: U256) -> Result<(), Revert> {
        self.only(ids::BONDING_MANAGER, ERR_NOT_BONDING_MANAGER)?;
        ctl::when_system_not_paused(self.vm(), self.ctl())?;
        let token = self.contract(ids::LIVEPEER_TOKEN)?;
        self.plain_call(token, &ILivepeerToken::burnCall { amount }.abi_encode(), U256::ZERO)?;
        Ok(())
    }

    /// onlyBondingManagerOrJobsManager, whenSystemNotPaused: sends ETH held by the Minter.
    ///
    /// Deviation: Solidity's `transfer` forwards a 2300-gas stipend; here the recipient gets
    /// all gas (Stylus value calls), so it may run code. The callers (BondingManager,
    /// TicketBroker) update their state before calling, so re-entry finds nothing to take.
    #[selector(name = "trustedWithdrawETH")]
    pub fn trusted_withdraw_eth(&mut self, to: Address, amount: U256) -> Result<(), Revert> {
        self.only_either(ids::BONDING_MANAGER, ids::JOBS_MANAGER, ERR_NOT_BM_OR_JM)?;
        ctl::when_system_not_paused(self.vm(), self.ctl())?;
        self.plain_call(to, &[], amount)?;
        Ok(())
    }

    /// onlyMinterOrJobsManager: accepts ETH (TicketBroker deposits, migration from the old
    /// Minter). Not pausable, so a migration can run while the system is paused.
    #[payable]
    #[selector(name = "depositETH")]
    pub fn deposit_eth(&mut self) -> Result<bool, Revert> {
        self.only_either(ids::MINTER, ids::JOBS_MANAGER, ERR_NOT_MINTER_OR_JM)?;
        Ok(true)
    }

    /// onlyRoundsManager, whenSystemNotPaused: moves inflation one step toward the target
    /// bonding rate and fixes this round's mintable LPT.
    pub fn set_current_reward_tokens(&mut self) -> Result<(), Revert> {
        self.only(ids::ROUNDS_MANAGER, ERR_NOT_ROUNDS_MANAGER)?;
        ctl::when_system_not_paused(self.vm(), self.ctl())?;
        let token = self.contract(ids::LIVEPEER_TOKEN)?;
        // Livepeer reads the supply twice (setInflation and here); nothing changes it in
        // between, so one read gives the same figures for fewer calls.
        let supply = self.global_total_supply(token)?;

        let rate = if supply > U256::ZERO {
            let bonding_manager = self.contract(ids::BONDING_MANAGER)?;
            let bonded = self.view(bonding_manager, &IBondingManager::getTotalBondedCall {})?;
            pd9::perc_points(bonded, supply)?
        } else {
            U256::ZERO
        };
        let target = self.target_bonding_rate.get();
        let mut inflation = self.inflation.get();
        let change = self.inflation_change.get();
        if rate < target {
            inflation = add(inflation, change)?;
        } else if rate > target {
            inflation = if change > inflation { U256::ZERO } else { sub(inflation, change)? };
        }
        self.inflation.set(inflation);

        let mintable = pd9::perc_of2(supply, inflation)?;
        self.current_mintable_tokens.set(mintable);
        self.current_minted_tokens.set(U256::ZERO);
        self.vm().log(IMinter::SetCurrentRewardTokens { currentMintableTokens: mintable, currentInflation: inflation });
        Ok(())
    }

    /// L2 supply plus L1 circulating supply.
    pub fn get_global_total_supply(&self) -> Result<U256, Revert> {
        let token = self.contract(ids::LIVEPEER_TOKEN)?;
        self.global_total_supply(token)
    }
}

#[cfg(test)]
mod tests;

/// The entry point against malformed and arbitrary calldata (see `lpx_contracts_common::entry`).
#[cfg(test)]
mod entry_tests {
    use alloy_primitives::U256;
    use alloy_sol_types::{SolCall, SolValue};
    use lpx_abi::minter::IMinter;
    use lpx_contracts_common::testing::*;

    use super::entry::minter_entry as entry;

    fn constructed() -> (TestHost, alloc::vec::Vec<u8>) {
        constructed_through_entry(entry, &(ENTRY_OWNER, U256::from(100u32), U256::from(1u32), U256::from(500_000u32)).abi_encode_params())
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let (host, ctor) = constructed();
        check_malformed_calls(&host, entry, &ctor, IMinter::setControllerCall::SELECTOR);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let (host, _) = constructed();
        check_arbitrary_calldata(&host, entry, IMinter::IMinterCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
