//! LivepeerToken (LPT): Livepeer's L2 token, an OpenZeppelin 4.x ERC-20 with ERC20Burnable,
//! ERC20Permit (EIP-2612) and AccessControl (spec §13). Only MINTER_ROLE mints (the Minter,
//! and a bridge gateway if one exists); only BURNER_ROLE burns (the Minter, for slashing).
//! Revert strings are OpenZeppelin 4.x's.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

mod access;
mod permit;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256};
use lpx_abi::token::ILivepeerToken;
use lpx_contracts_common::revert::{add, require, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageMap, StorageU256};

pub use access::{BURNER_ROLE, DEFAULT_ADMIN_ROLE, MINTER_ROLE};

/// Token name.
pub const NAME: &str = "Livepeer Token";
/// Token symbol.
pub const SYMBOL: &str = "LPT";

/// The token's storage.
#[storage]
pub struct LivepeerToken {
    /// role → members and admin role.
    roles: StorageMap<B256, access::RoleData>,
    /// ERC-20 balances.
    balances: StorageMap<Address, StorageU256>,
    /// ERC-20 allowances: owner → spender → amount.
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// ERC-20 total supply.
    total_supply: StorageU256,
    /// EIP-2612 nonces.
    nonces: StorageMap<Address, StorageU256>,
}

// SAFETY: `LivepeerToken` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for LivepeerToken {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn livepeer_token_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<LivepeerToken>(input, vm, |s| {
            <lpx_abi::token::ILivepeerToken::ILivepeerTokenCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
}

impl LivepeerToken {
    fn transfer_impl(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Revert> {
        require(from != Address::ZERO, "ERC20: transfer from the zero address")?;
        require(to != Address::ZERO, "ERC20: transfer to the zero address")?;
        let from_balance = self.balances.get(from);
        require(from_balance >= amount, "ERC20: transfer amount exceeds balance")?;
        // Cannot overflow: the sum of balances is the total supply, which fits.
        self.balances.setter(from).set(from_balance - amount);
        let to_balance = self.balances.get(to);
        self.balances.setter(to).set(add(to_balance, amount)?);
        self.vm().log(ILivepeerToken::Transfer { from, to, value: amount });
        Ok(())
    }

    fn mint_impl(&mut self, to: Address, amount: U256) -> Result<(), Revert> {
        require(to != Address::ZERO, "ERC20: mint to the zero address")?;
        self.total_supply.set(add(self.total_supply.get(), amount)?);
        let balance = self.balances.get(to);
        self.balances.setter(to).set(add(balance, amount)?);
        self.vm().log(ILivepeerToken::Transfer { from: Address::ZERO, to, value: amount });
        Ok(())
    }

    fn burn_impl(&mut self, from: Address, amount: U256) -> Result<(), Revert> {
        require(from != Address::ZERO, "ERC20: burn from the zero address")?;
        let balance = self.balances.get(from);
        require(balance >= amount, "ERC20: burn amount exceeds balance")?;
        // Cannot underflow: amount <= balance <= total supply.
        self.balances.setter(from).set(balance - amount);
        self.total_supply.set(self.total_supply.get() - amount);
        self.vm().log(ILivepeerToken::Transfer { from, to: Address::ZERO, value: amount });
        Ok(())
    }

    fn approve_impl(&mut self, owner: Address, spender: Address, amount: U256) -> Result<(), Revert> {
        require(owner != Address::ZERO, "ERC20: approve from the zero address")?;
        require(spender != Address::ZERO, "ERC20: approve to the zero address")?;
        self.allowances.setter(owner).setter(spender).set(amount);
        self.vm().log(ILivepeerToken::Approval { owner, spender, value: amount });
        Ok(())
    }

    fn spend_allowance(&mut self, owner: Address, spender: Address, amount: U256) -> Result<(), Revert> {
        let current = self.allowances.get(owner).get(spender);
        if current != U256::MAX {
            require(current >= amount, "ERC20: insufficient allowance")?;
            self.approve_impl(owner, spender, current - amount)?;
        }
        Ok(())
    }
}

#[public]
impl LivepeerToken {
    /// Grants DEFAULT_ADMIN_ROLE to `admin` (Livepeer grants it to the deployer; under
    /// StylusDeployer the sender is the deployer contract, so the admin is an argument).
    #[constructor]
    pub fn constructor(&mut self, admin: Address) {
        self.grant_role_impl(DEFAULT_ADMIN_ROLE, admin);
    }

    /// "Livepeer Token".
    pub fn name(&self) -> String {
        NAME.into()
    }

    /// "LPT".
    pub fn symbol(&self) -> String {
        SYMBOL.into()
    }

    /// 18.
    pub fn decimals(&self) -> u8 {
        18
    }

    /// Total supply.
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// Balance of `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// ERC-20 transfer.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Revert> {
        let from = self.vm().msg_sender();
        self.transfer_impl(from, to, amount)?;
        Ok(true)
    }

    /// ERC-20 allowance.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.get(owner).get(spender)
    }

    /// ERC-20 approve.
    pub fn approve(&mut self, spender: Address, amount: U256) -> Result<bool, Revert> {
        let owner = self.vm().msg_sender();
        self.approve_impl(owner, spender, amount)?;
        Ok(true)
    }

    /// ERC-20 transferFrom (an infinite allowance is not decreased).
    pub fn transfer_from(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Revert> {
        let spender = self.vm().msg_sender();
        self.spend_allowance(from, spender, amount)?;
        self.transfer_impl(from, to, amount)?;
        Ok(true)
    }

    /// Raises the caller's allowance for `spender`.
    pub fn increase_allowance(&mut self, spender: Address, added_value: U256) -> Result<bool, Revert> {
        let owner = self.vm().msg_sender();
        let current = self.allowances.get(owner).get(spender);
        self.approve_impl(owner, spender, add(current, added_value)?)?;
        Ok(true)
    }

    /// Lowers the caller's allowance for `spender`.
    pub fn decrease_allowance(&mut self, spender: Address, subtracted_value: U256) -> Result<bool, Revert> {
        let owner = self.vm().msg_sender();
        let current = self.allowances.get(owner).get(spender);
        require(current >= subtracted_value, "ERC20: decreased allowance below zero")?;
        self.approve_impl(owner, spender, current - subtracted_value)?;
        Ok(true)
    }

    /// MINTER_ROLE: mints `amount` to `to`; emits `Transfer` and `Mint`.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Revert> {
        self.check_role(MINTER_ROLE)?;
        self.mint_impl(to, amount)?;
        self.vm().log(ILivepeerToken::Mint { to, amount });
        Ok(())
    }

    /// BURNER_ROLE: burns the caller's `amount`; emits `Transfer` and `Burn`.
    pub fn burn(&mut self, amount: U256) -> Result<(), Revert> {
        self.check_role(BURNER_ROLE)?;
        let burner = self.vm().msg_sender();
        self.burn_impl(burner, amount)?;
        self.vm().log(ILivepeerToken::Burn { burner, amount });
        Ok(())
    }

    /// BURNER_ROLE: burns `amount` from `account` using the caller's allowance.
    pub fn burn_from(&mut self, account: Address, amount: U256) -> Result<(), Revert> {
        self.check_role(BURNER_ROLE)?;
        let spender = self.vm().msg_sender();
        self.spend_allowance(account, spender, amount)?;
        self.burn_impl(account, amount)?;
        self.vm().log(ILivepeerToken::Burn { burner: account, amount });
        Ok(())
    }

    /// EIP-2612: approval by signature.
    #[allow(clippy::too_many_arguments)]
    pub fn permit(&mut self, owner: Address, spender: Address, value: U256, deadline: U256, v: u8, r: B256, s: B256) -> Result<(), Revert> {
        self.permit_impl(owner, spender, value, deadline, v, r, s)
    }

    /// EIP-2612 nonce of `owner`.
    pub fn nonces(&self, owner: Address) -> U256 {
        self.nonces.get(owner)
    }

    /// EIP-712 domain separator ("Livepeer Token", version "1", this chain, this contract).
    #[selector(name = "DOMAIN_SEPARATOR")]
    pub fn domain_separator(&self) -> B256 {
        self.domain_separator_impl()
    }

    /// keccak256("MINTER_ROLE").
    #[selector(name = "MINTER_ROLE")]
    pub fn minter_role(&self) -> B256 {
        MINTER_ROLE
    }

    /// keccak256("BURNER_ROLE").
    #[selector(name = "BURNER_ROLE")]
    pub fn burner_role(&self) -> B256 {
        BURNER_ROLE
    }

    /// Zero.
    #[selector(name = "DEFAULT_ADMIN_ROLE")]
    pub fn default_admin_role(&self) -> B256 {
        DEFAULT_ADMIN_ROLE
    }

    /// Whether `account` holds `role`.
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.has_role_impl(role, account)
    }

    /// The admin role of `role`.
    pub fn get_role_admin(&self, role: B256) -> B256 {
        self.roles.get(role).admin_role.get()
    }

    /// Grants `role` to `account` (caller must hold the role's admin role).
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Revert> {
        self.check_role(self.get_role_admin(role))?;
        self.grant_role_impl(role, account);
        Ok(())
    }

    /// Revokes `role` from `account` (caller must hold the role's admin role).
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Revert> {
        self.check_role(self.get_role_admin(role))?;
        self.revoke_role_impl(role, account);
        Ok(())
    }

    /// Gives up `role`; `account` must be the caller.
    pub fn renounce_role(&mut self, role: B256, account: Address) -> Result<(), Revert> {
        require(account == self.vm().msg_sender(), "AccessControl: can only renounce roles for self")?;
        self.revoke_role_impl(role, account);
        Ok(())
    }

    /// ERC-165: IAccessControl and IERC165.
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        interface_id == access::IACCESS_CONTROL_ID || interface_id == access::IERC165_ID
    }
}

#[cfg(test)]
mod tests;

/// The entry point against malformed and arbitrary calldata (see `lpx_contracts_common::entry`).
#[cfg(test)]
mod entry_tests {
    use alloy_sol_types::{SolCall, SolValue};
    use lpx_abi::token::ILivepeerToken;
    use lpx_contracts_common::testing::*;

    use super::entry::livepeer_token_entry as entry;

    fn constructed() -> (TestHost, alloc::vec::Vec<u8>) {
        constructed_through_entry(entry, &(ENTRY_OWNER,).abi_encode_params())
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let (host, ctor) = constructed();
        check_malformed_calls(&host, entry, &ctor, ILivepeerToken::balanceOfCall::SELECTOR);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let (host, _) = constructed();
        check_arbitrary_calldata(&host, entry, ILivepeerToken::ILivepeerTokenCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
