//! Controller: the protocol's contract registry (id → address and source commit), the global
//! pause switch and the owner (Livepeer `Controller.sol`, spec §2.1).
//!
//! Storage matches Livepeer's layout: slot 0 holds `owner` (bytes 0..19) and `paused`
//! (byte 20); slot 1 is the registry mapping, two slots per entry.
//! Deviation: Livepeer's `onlyOwner`/pause checks are bare `require`s (empty revert data);
//! here they carry messages (see docs/contracts/controller.md).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `user_entrypoint` in wasm builds.
#![cfg_attr(target_arch = "wasm32", allow(missing_docs))]
#![no_std]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256};
use alloy_sol_types::SolCall;
use lpx_abi::controller::IController;
use lpx_abi::manager::IManager;
use lpx_contracts_common::controller::{ERR_NOT_PAUSED, ERR_PAUSED};
use lpx_contracts_common::revert::{require, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageBool, StorageFixedBytes, StorageMap};

/// Reverted when a non-owner calls an owner-only function.
pub const ERR_NOT_OWNER: &str = "caller is not the owner";
/// Reverted by `transferOwnership(0)`.
pub const ERR_ZERO_OWNER: &str = "new owner is the zero address";
/// Reverted by `updateController` when nothing with code is registered under the id.
pub const ERR_NOT_A_CONTRACT: &str = "registered address is not a contract";

/// One registry entry (two slots).
#[storage]
pub struct ContractInfo {
    /// The registered address.
    pub contract_address: StorageAddress,
    /// Commit of the source the contract was built from.
    pub git_commit_hash: StorageFixedBytes<20>,
}

/// The Controller's storage.
#[storage]
#[entrypoint]
pub struct Controller {
    /// The owner (the protocol Governor).
    owner: StorageAddress,
    /// Global pause switch, packed next to `owner`.
    paused: StorageBool,
    /// id → contract.
    registry: StorageMap<B256, ContractInfo>,
}

impl Controller {
    fn only_owner(&self) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.owner.get(), ERR_NOT_OWNER)
    }
}

#[public]
impl Controller {
    /// Sets the owner and starts paused, as Livepeer's constructor does. The owner is an
    /// argument because under StylusDeployer `msg.sender` is the deployer contract.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Revert> {
        require(owner != Address::ZERO, ERR_ZERO_OWNER)?;
        self.owner.set(owner);
        self.paused.set(true);
        Ok(())
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// Whether the protocol is paused.
    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    /// Hands ownership to `new_owner` (onlyOwner, non-zero).
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Revert> {
        self.only_owner()?;
        require(new_owner != Address::ZERO, ERR_ZERO_OWNER)?;
        let previous_owner = self.owner.get();
        self.owner.set(new_owner);
        self.vm().log(IController::OwnershipTransferred { previousOwner: previous_owner, newOwner: new_owner });
        Ok(())
    }

    /// Pauses the protocol (onlyOwner, when not paused).
    pub fn pause(&mut self) -> Result<(), Revert> {
        self.only_owner()?;
        require(!self.paused.get(), ERR_PAUSED)?;
        self.paused.set(true);
        self.vm().log(IController::Pause {});
        Ok(())
    }

    /// Unpauses the protocol (onlyOwner, when paused).
    pub fn unpause(&mut self) -> Result<(), Revert> {
        self.only_owner()?;
        require(self.paused.get(), ERR_NOT_PAUSED)?;
        self.paused.set(false);
        self.vm().log(IController::Unpause {});
        Ok(())
    }

    /// Registers `contract_address` under `id` with its source commit (onlyOwner).
    pub fn set_contract_info(
        &mut self,
        id: B256,
        contract_address: Address,
        git_commit_hash: FixedBytes<20>,
    ) -> Result<(), Revert> {
        self.only_owner()?;
        let mut entry = self.registry.setter(id);
        entry.contract_address.set(contract_address);
        entry.git_commit_hash.set(git_commit_hash);
        self.vm().log(IController::SetContractInfo {
            id,
            contractAddress: contract_address,
            gitCommitHash: git_commit_hash,
        });
        Ok(())
    }

    /// Calls `setController(controller)` on the contract registered under `id` (onlyOwner);
    /// its revert data bubbles up.
    pub fn update_controller(&mut self, id: B256, controller: Address) -> Result<(), Revert> {
        self.only_owner()?;
        let target = self.registry.get(id).contract_address.get();
        // Solidity's high-level call reverts on an address without code; a Stylus call to
        // an EOA would "succeed", silently doing nothing.
        require(self.vm().code_size(target) > 0, ERR_NOT_A_CONTRACT)?;
        let data = IManager::setControllerCall { _controller: controller }.abi_encode();
        let ctx = Call::new_mutating(self);
        call(self.vm(), ctx, target, &data)?;
        Ok(())
    }

    /// The registry entry under `id`: (address, commit hash).
    pub fn get_contract_info(&self, id: B256) -> (Address, FixedBytes<20>) {
        let entry = self.registry.get(id);
        (entry.contract_address.get(), entry.git_commit_hash.get())
    }

    /// The address registered under `id` (zero if none).
    pub fn get_contract(&self, id: B256) -> Address {
        self.registry.get(id).contract_address.get()
    }
}
