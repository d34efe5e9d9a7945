//! Treasury: the governance timelock (Livepeer's `Treasury.sol`, an OpenZeppelin 4.9
//! `TimelockControllerUpgradeable`, spec §10.4) as an Arbitrum Stylus contract.
//!
//! Passed proposals are scheduled here by the LivepeerGovernor (PROPOSER_ROLE) and executed
//! after `getMinDelay()` seconds (EXECUTOR_ROLE, or anyone once the role is granted to
//! `address(0)`). The timelock owns the Controller, holds the treasury's LPT (the reward
//! cut) and ETH, and administers its own roles.
//!
//! Layout of the crate:
//! - [`access`]: OZ 4.9 AccessControl (roles, role admins, the revert message);
//! - [`ops`]: operation ids, states and the calls an execution makes;
//! - this file: storage, the entry point and the public functions in OZ's order of checks.
//!
//! Storage: slots 0-1 are left to the Manager head (controller, targetContractId), so the
//! same program works standalone (slots stay zero) and as a ManagerProxy target (the proxy
//! keeps its head there); then 2 Initializable (`_initialized` in the low byte),
//! 3 `_roles` mapping(bytes32 => {mapping(address => bool) members; bytes32 adminRole}),
//! 4 `_timestamps` mapping(bytes32 => uint256), 5 `_minDelay`. Livepeer's Treasury is not
//! proxied and keeps OZ's gapped layout; nothing reads its slots from outside.
//!
//! Deviation (docs/contracts/treasury.md): a reverted call of an operation bubbles the
//! callee's revert data when there is any; only an empty revert becomes
//! "TimelockController: underlying transaction reverted" (OZ 4.9 always uses that string).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

pub mod access;
pub mod enc;
pub mod ops;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256};
use lpx_abi::treasury::ITreasury;
use lpx_contracts_common::controller::Manager;
use lpx_contracts_common::revert::{require, Revert};
use stylus_sdk::abi::Bytes;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageB256, StorageBool, StorageMap, StorageU256, StorageU8};

pub use access::{CANCELLER_ROLE, EXECUTOR_ROLE, PROPOSER_ROLE, TIMELOCK_ADMIN_ROLE};
pub use ops::{hash_operation, hash_operation_batch, DONE_TIMESTAMP};

/// `initializer` ran already.
pub const ERR_INITIALIZED: &str = "Initializable: contract is already initialized";
/// `updateDelay` not called by the timelock itself.
pub const ERR_NOT_TIMELOCK: &str = "TimelockController: caller must be timelock";
/// Batch arrays of different lengths.
pub const ERR_LENGTH: &str = "TimelockController: length mismatch";

/// One role: its members and its admin role.
#[storage]
pub struct RoleData {
    /// account → has the role.
    pub members: StorageMap<Address, StorageBool>,
    /// The role whose members grant and revoke this one.
    pub admin_role: StorageB256,
}

/// The Treasury's storage (see the crate docs for the slots).
#[storage]
pub struct Treasury {
    /// Slots 0-1: the ManagerProxy head when proxied, unused otherwise.
    pub(crate) _manager: Manager,
    /// Slot 2: OZ Initializable's `_initialized`.
    pub(crate) initialized: StorageU8,
    /// Slot 3: AccessControl's `_roles`.
    pub(crate) roles: StorageMap<B256, RoleData>,
    /// Slot 4: operation id → ready timestamp (0 unset, 1 done).
    pub(crate) timestamps: StorageMap<B256, StorageU256>,
    /// Slot 5: minimum delay of a new operation, in seconds.
    pub(crate) min_delay: StorageU256,
}

// SAFETY: `Treasury` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for Treasury {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn treasury_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<Treasury>(input, vm, <ITreasury::ITreasuryCalls as alloy_sol_types::SolInterface>::valid_selector)
    }
}
pub use entry::treasury_entry;

#[public]
impl Treasury {
    /// Accepts ETH (OZ's `receive() external payable`).
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    /// Sets the delay and the roles, once: the timelock administers itself, `admin` (if
    /// non-zero) too, each proposer gets PROPOSER_ROLE and CANCELLER_ROLE, each executor
    /// EXECUTOR_ROLE.
    ///
    /// # Errors
    /// "Initializable: contract is already initialized".
    ///
    /// # Events
    /// `RoleAdminChanged` ×4, `RoleGranted` per new grant, `MinDelayChange(0, minDelay)`,
    /// `Initialized(1)`.
    pub fn initialize(&mut self, min_delay: U256, proposers: Vec<Address>, executors: Vec<Address>, admin: Address) -> Result<(), Revert> {
        require(self.initialized.get() == alloy_primitives::Uint::ZERO, ERR_INITIALIZED)?;
        self.initialized.set(alloy_primitives::Uint::from(1u8));
        for role in [TIMELOCK_ADMIN_ROLE, PROPOSER_ROLE, EXECUTOR_ROLE, CANCELLER_ROLE] {
            self.set_role_admin(role, TIMELOCK_ADMIN_ROLE);
        }
        let this = self.vm().contract_address();
        self.grant(TIMELOCK_ADMIN_ROLE, this);
        if !admin.is_zero() {
            self.grant(TIMELOCK_ADMIN_ROLE, admin);
        }
        for p in proposers {
            self.grant(PROPOSER_ROLE, p);
            self.grant(CANCELLER_ROLE, p);
        }
        for e in executors {
            self.grant(EXECUTOR_ROLE, e);
        }
        self.min_delay.set(min_delay);
        self.vm().log(ITreasury::MinDelayChange { oldDuration: U256::ZERO, newDuration: min_delay });
        self.vm().log(ITreasury::Initialized { version: 1 });
        Ok(())
    }

    /// `keccak256("TIMELOCK_ADMIN_ROLE")`.
    #[selector(name = "TIMELOCK_ADMIN_ROLE")]
    pub fn timelock_admin_role(&self) -> B256 {
        TIMELOCK_ADMIN_ROLE
    }

    /// `keccak256("PROPOSER_ROLE")`.
    #[selector(name = "PROPOSER_ROLE")]
    pub fn proposer_role(&self) -> B256 {
        PROPOSER_ROLE
    }

    /// `keccak256("EXECUTOR_ROLE")`.
    #[selector(name = "EXECUTOR_ROLE")]
    pub fn executor_role(&self) -> B256 {
        EXECUTOR_ROLE
    }

    /// `keccak256("CANCELLER_ROLE")`.
    #[selector(name = "CANCELLER_ROLE")]
    pub fn canceller_role(&self) -> B256 {
        CANCELLER_ROLE
    }

    /// ERC-165: IERC165, IAccessControl and IERC1155Receiver (OZ 4.9's set).
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        access::supports_interface(interface_id.0)
    }

    /// Whether `id` was ever scheduled and not cancelled (pending or done).
    pub fn is_operation(&self, id: B256) -> bool {
        self.timestamp(id) > U256::ZERO
    }

    /// Whether `id` is scheduled and not executed.
    pub fn is_operation_pending(&self, id: B256) -> bool {
        self.timestamp(id) > DONE_TIMESTAMP
    }

    /// Whether `id` is pending and its time has come.
    pub fn is_operation_ready(&self, id: B256) -> bool {
        self.ready(id)
    }

    /// Whether `id` was executed.
    pub fn is_operation_done(&self, id: B256) -> bool {
        self.timestamp(id) == DONE_TIMESTAMP
    }

    /// The timestamp `id` becomes ready at (0 unset, 1 done).
    pub fn get_timestamp(&self, id: B256) -> U256 {
        self.timestamp(id)
    }

    /// The minimum delay of a new operation, in seconds.
    pub fn get_min_delay(&self) -> U256 {
        self.min_delay.get()
    }

    /// `keccak256(abi.encode(target, value, data, predecessor, salt))`.
    pub fn hash_operation(&self, target: Address, value: U256, data: Bytes, predecessor: B256, salt: B256) -> B256 {
        hash_operation(target, value, &data, predecessor, salt)
    }

    /// `keccak256(abi.encode(targets, values, payloads, predecessor, salt))`.
    pub fn hash_operation_batch(&self, targets: Vec<Address>, values: Vec<U256>, payloads: Vec<Bytes>, predecessor: B256, salt: B256) -> B256 {
        hash_operation_batch(&targets, &values, &payloads, predecessor, salt)
    }

    /// Schedules one call, ready after `delay` seconds (PROPOSER_ROLE).
    ///
    /// # Errors
    /// The AccessControl message, "TimelockController: operation already scheduled",
    /// "TimelockController: insufficient delay", Panic(0x11) if the time overflows.
    ///
    /// # Events
    /// `CallScheduled(id, 0, ...)`, then `CallSalt` if `salt` is non-zero.
    pub fn schedule(&mut self, target: Address, value: U256, data: Bytes, predecessor: B256, salt: B256, delay: U256) -> Result<(), Revert> {
        self.check_role(PROPOSER_ROLE, self.vm().msg_sender())?;
        let id = hash_operation(target, value, &data, predecessor, salt);
        self.schedule_id(id, delay)?;
        self.emit_scheduled(id, 0, target, value, &data, predecessor, delay);
        self.emit_salt(id, salt);
        Ok(())
    }

    /// Schedules a batch of calls (PROPOSER_ROLE).
    ///
    /// # Errors
    /// As `schedule`, plus "TimelockController: length mismatch".
    ///
    /// # Events
    /// One `CallScheduled` per call, then `CallSalt` if `salt` is non-zero.
    pub fn schedule_batch(
        &mut self,
        targets: Vec<Address>,
        values: Vec<U256>,
        payloads: Vec<Bytes>,
        predecessor: B256,
        salt: B256,
        delay: U256,
    ) -> Result<(), Revert> {
        self.check_role(PROPOSER_ROLE, self.vm().msg_sender())?;
        require(targets.len() == values.len() && targets.len() == payloads.len(), ERR_LENGTH)?;
        let id = hash_operation_batch(&targets, &values, &payloads, predecessor, salt);
        self.schedule_id(id, delay)?;
        for (i, ((target, value), data)) in targets.into_iter().zip(values).zip(payloads).enumerate() {
            self.emit_scheduled(id, i, target, value, &data, predecessor, delay);
        }
        self.emit_salt(id, salt);
        Ok(())
    }

    /// Cancels a pending operation (CANCELLER_ROLE).
    ///
    /// # Errors
    /// The AccessControl message, "TimelockController: operation cannot be cancelled".
    ///
    /// # Events
    /// `Cancelled(id)`.
    pub fn cancel(&mut self, id: B256) -> Result<(), Revert> {
        self.check_role(CANCELLER_ROLE, self.vm().msg_sender())?;
        require(self.timestamp(id) > DONE_TIMESTAMP, ops::ERR_NOT_CANCELLABLE)?;
        self.timestamps.setter(id).set(U256::ZERO);
        self.vm().log(ITreasury::Cancelled { id });
        Ok(())
    }

    /// Executes a ready single-call operation (EXECUTOR_ROLE, or anyone when the role is
    /// open). Payable: the call's value comes from the timelock's balance.
    ///
    /// # Errors
    /// The AccessControl message, "TimelockController: operation is not ready",
    /// "TimelockController: missing dependency", the callee's revert data (or
    /// "TimelockController: underlying transaction reverted" when it has none).
    ///
    /// # Events
    /// `CallExecuted(id, 0, ...)`.
    #[payable]
    pub fn execute(&mut self, target: Address, value: U256, payload: Bytes, predecessor: B256, salt: B256) -> Result<(), Revert> {
        self.check_role_or_open(EXECUTOR_ROLE)?;
        let id = hash_operation(target, value, &payload, predecessor, salt);
        self.before_call(id, predecessor)?;
        self.call_out(target, value, &payload)?;
        self.emit_executed(id, 0, target, value, &payload);
        self.after_call(id)
    }

    /// Executes a ready batch (EXECUTOR_ROLE, or anyone when the role is open). Payable.
    ///
    /// # Errors
    /// As `execute`, plus "TimelockController: length mismatch".
    ///
    /// # Events
    /// One `CallExecuted` per call.
    #[payable]
    pub fn execute_batch(&mut self, targets: Vec<Address>, values: Vec<U256>, payloads: Vec<Bytes>, predecessor: B256, salt: B256) -> Result<(), Revert> {
        self.check_role_or_open(EXECUTOR_ROLE)?;
        require(targets.len() == values.len() && targets.len() == payloads.len(), ERR_LENGTH)?;
        let id = hash_operation_batch(&targets, &values, &payloads, predecessor, salt);
        self.before_call(id, predecessor)?;
        for (i, ((target, value), data)) in targets.into_iter().zip(values).zip(payloads).enumerate() {
            self.call_out(target, value, &data)?;
            self.emit_executed(id, i, target, value, &data);
        }
        self.after_call(id)
    }

    /// Changes the minimum delay; only the timelock itself (through an operation).
    ///
    /// # Errors
    /// "TimelockController: caller must be timelock".
    ///
    /// # Events
    /// `MinDelayChange(old, new)`.
    pub fn update_delay(&mut self, new_delay: U256) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.vm().contract_address(), ERR_NOT_TIMELOCK)?;
        let old = self.min_delay.get();
        self.vm().log(ITreasury::MinDelayChange { oldDuration: old, newDuration: new_delay });
        self.min_delay.set(new_delay);
        Ok(())
    }

    /// The ERC-721 and ERC-1155 receiver hooks (`onERC721Received`, `onERC1155Received`,
    /// `onERC1155BatchReceived`) accept every token by returning their own selector; any
    /// other selector is unknown. Served here rather than as routed methods: their arguments
    /// are never used, and decoding them would cost wasm the contract cannot spare.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = calldata.first_chunk::<4>().copied().unwrap_or_default();
        if !access::is_receiver_hook(selector) {
            return Err(lpx_contracts_common::revert::err(lpx_contracts_common::entry::ERR_SELECTOR));
        }
        require(self.vm().msg_value().is_zero(), lpx_contracts_common::entry::ERR_VALUE)?;
        let mut word = vec![0u8; 32];
        word[..4].copy_from_slice(&selector);
        Ok(word)
    }

    /// Whether `account` holds `role`.
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.holds(role, account)
    }

    /// The admin role of `role`.
    pub fn get_role_admin(&self, role: B256) -> B256 {
        self.roles.get(role).admin_role.get()
    }

    /// Grants `role` to `account` (caller must hold the role's admin role).
    ///
    /// # Errors
    /// The AccessControl message.
    ///
    /// # Events
    /// `RoleGranted` if `account` did not hold it.
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Revert> {
        self.check_role(self.get_role_admin(role), self.vm().msg_sender())?;
        self.grant(role, account);
        Ok(())
    }

    /// Revokes `role` from `account` (caller must hold the role's admin role).
    ///
    /// # Errors
    /// The AccessControl message.
    ///
    /// # Events
    /// `RoleRevoked` if `account` held it.
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Revert> {
        self.check_role(self.get_role_admin(role), self.vm().msg_sender())?;
        self.revoke(role, account);
        Ok(())
    }

    /// Gives up `role`; `account` must be the caller.
    ///
    /// # Errors
    /// "AccessControl: can only renounce roles for self".
    ///
    /// # Events
    /// `RoleRevoked` if the caller held it.
    pub fn renounce_role(&mut self, role: B256, account: Address) -> Result<(), Revert> {
        require(account == self.vm().msg_sender(), access::ERR_RENOUNCE)?;
        self.revoke(role, account);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
