//! Controller: the protocol's contract registry (id → address and source commit), the global
//! pause switch and the owner (Livepeer `Controller.sol`, spec §2.1).
//!
//! Storage matches Livepeer's layout: slot 0 holds `owner` (bytes 0..19) and `paused`
//! (byte 20); slot 1 is the registry mapping, two slots per entry. Slot 2, new here, holds
//! the guardian: an account that may pause the protocol and do nothing else, so an
//! emergency need not wait for a governance vote while the owner is the Treasury.
//! Deviation: Livepeer's `onlyOwner`/pause checks are bare `require`s (empty revert data);
//! here they carry messages (see docs/contracts/controller.md).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
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
/// Reverted when neither the owner nor the guardian calls `pause`.
pub const ERR_NOT_OWNER_OR_GUARDIAN: &str = "caller is not the owner or the guardian";
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
pub struct Controller {
    /// The owner (the protocol Governor).
    owner: StorageAddress,
    /// Global pause switch, packed next to `owner`.
    paused: StorageBool,
    /// id → contract.
    registry: StorageMap<B256, ContractInfo>,
    /// May pause, nothing else; zero when there is none.
    guardian: StorageAddress,
}

// SAFETY: `Controller` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for Controller {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn controller_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<Controller>(input, vm, |s| {
            <lpx_abi::controller::IController::IControllerCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
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

    /// The account that may pause besides the owner (zero if none).
    pub fn guardian(&self) -> Address {
        self.guardian.get()
    }

    /// Names the guardian (onlyOwner); the zero address removes it.
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), Revert> {
        self.only_owner()?;
        let previous_guardian = self.guardian.get();
        self.guardian.set(guardian);
        self.vm().log(IController::GuardianSet { previousGuardian: previous_guardian, newGuardian: guardian });
        Ok(())
    }

    /// Pauses the protocol (the owner or the guardian, when not paused).
    pub fn pause(&mut self) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        require(sender == self.owner.get() || sender == self.guardian.get() && sender != Address::ZERO, ERR_NOT_OWNER_OR_GUARDIAN)?;
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
    pub fn set_contract_info(&mut self, id: B256, contract_address: Address, git_commit_hash: FixedBytes<20>) -> Result<(), Revert> {
        self.only_owner()?;
        let mut entry = self.registry.setter(id);
        entry.contract_address.set(contract_address);
        entry.git_commit_hash.set(git_commit_hash);
        self.vm().log(IController::SetContractInfo { id, contractAddress: contract_address, gitCommitHash: git_commit_hash });
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

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, fixed_bytes, Address, B256, U256};
    use alloy_sol_types::{SolCall, SolEvent};
    use lpx_abi::controller::IController;
    use lpx_abi::manager::IManager;
    use lpx_contracts_common::ids;
    use lpx_contracts_common::revert::err;
    use lpx_contracts_common::testing::{CallKind, TestHost};

    use super::*;

    const OWNER: Address = address!("000000000000000000000000000000000000a11c");
    const OTHER: Address = address!("0000000000000000000000000000000000000bad");
    const MINTER: Address = address!("00000000000000000000000000000000000000e1");

    fn setup() -> (TestHost, Controller) {
        let host = TestHost::new();
        let mut c = Controller::from(&host);
        c.constructor(OWNER).unwrap();
        host.vm().set_sender(OWNER);
        (host, c)
    }

    #[test]
    fn starts_paused_with_owner_and_livepeer_layout() {
        let (host, c) = setup();
        assert_eq!(c.owner(), OWNER);
        assert!(c.paused());
        // Slot 0: owner in bytes 12..32, paused flag in byte 11 (packed as Solidity does).
        let slot0 = host.vm().get_storage(U256::ZERO);
        assert_eq!(&slot0[12..], OWNER.as_slice());
        assert_eq!(slot0[11], 1);
        let mut c2 = Controller::from(&TestHost::new());
        assert_eq!(c2.constructor(Address::ZERO), Err(err(ERR_ZERO_OWNER)));
    }

    #[test]
    fn registry_set_and_get() {
        let (host, mut c) = setup();
        let hash = fixed_bytes!("3031323334353637383930313233343536373839");
        c.set_contract_info(ids::MINTER, MINTER, hash).unwrap();
        assert_eq!(c.get_contract(ids::MINTER), MINTER);
        assert_eq!(c.get_contract_info(ids::MINTER), (MINTER, hash));
        assert_eq!(c.get_contract(ids::VERIFIER), Address::ZERO);
        let logs = host.logs();
        let ev = IController::SetContractInfo::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
        assert_eq!((ev.id, ev.contractAddress, ev.gitCommitHash), (ids::MINTER, MINTER, hash));
        // Livepeer layout: registry at slot 1, entry = keccak(id ‖ 1), address at +0, hash at +1.
        let base = alloy_primitives::keccak256([ids::MINTER.as_slice(), B256::from(U256::from(1)).as_slice()].concat());
        let base = U256::from_be_bytes(base.0);
        assert_eq!(host.vm().get_storage(base), MINTER.into_word());
        // bytes20 alone in a slot is stored low-order aligned, as Solidity does.
        assert_eq!(&host.vm().get_storage(base + U256::from(1))[12..], hash.as_slice());
    }

    #[test]
    fn owner_only_functions() {
        let (host, mut c) = setup();
        host.vm().set_sender(OTHER);
        let denied = Err(err(ERR_NOT_OWNER));
        assert_eq!(c.set_contract_info(ids::MINTER, MINTER, Default::default()), denied);
        assert_eq!(c.set_guardian(OTHER), denied);
        c.unpause_as(&host, OWNER);
        assert_eq!(c.pause(), Err(err(ERR_NOT_OWNER_OR_GUARDIAN)));
        assert_eq!(c.unpause(), denied);
        assert_eq!(c.transfer_ownership(OTHER), denied);
        assert_eq!(c.update_controller(ids::MINTER, OTHER), denied);
    }

    #[test]
    fn pause_unpause_and_events() {
        let (host, mut c) = setup();
        assert_eq!(c.pause(), Err(err("system is paused")));
        c.unpause().unwrap();
        assert!(!c.paused());
        assert_eq!(c.unpause(), Err(err("system is not paused")));
        c.pause().unwrap();
        assert!(c.paused());
        let topics: Vec<B256> = host.logs().iter().map(|l| l.0[0]).collect();
        assert_eq!(topics, [IController::Unpause::SIGNATURE_HASH, IController::Pause::SIGNATURE_HASH]);
    }

    #[test]
    fn transfer_ownership() {
        let (host, mut c) = setup();
        assert_eq!(c.transfer_ownership(Address::ZERO), Err(err(ERR_ZERO_OWNER)));
        c.transfer_ownership(OTHER).unwrap();
        assert_eq!(c.owner(), OTHER);
        let log = &host.logs()[0];
        assert_eq!(log.0, [IController::OwnershipTransferred::SIGNATURE_HASH, OWNER.into_word(), OTHER.into_word()]);
        assert_eq!(c.set_guardian(OTHER), Err(err(ERR_NOT_OWNER)));
    }

    #[test]
    fn the_guardian_may_pause_and_nothing_else() {
        const GUARDIAN: Address = address!("00000000000000000000000000000000000000a9");
        let (host, mut c) = setup();
        assert_eq!(c.guardian(), Address::ZERO);
        c.set_guardian(GUARDIAN).unwrap();
        assert_eq!(c.guardian(), GUARDIAN);
        let log = &host.logs()[0];
        assert_eq!(log.0, [IController::GuardianSet::SIGNATURE_HASH, Address::ZERO.into_word(), GUARDIAN.into_word()]);
        // Slot 2, after Livepeer's two.
        assert_eq!(host.vm().get_storage(U256::from(2)), GUARDIAN.into_word());
        c.unpause().unwrap();

        host.vm().set_sender(GUARDIAN);
        c.pause().unwrap();
        assert!(c.paused());
        assert_eq!(c.unpause(), Err(err(ERR_NOT_OWNER)));
        assert_eq!(c.set_contract_info(ids::MINTER, MINTER, Default::default()), Err(err(ERR_NOT_OWNER)));
        assert_eq!(c.set_guardian(OTHER), Err(err(ERR_NOT_OWNER)));
        assert_eq!(c.transfer_ownership(GUARDIAN), Err(err(ERR_NOT_OWNER)));

        // Removed, it can no longer pause; nor can anyone while no guardian is set.
        host.vm().set_sender(OWNER);
        c.unpause().unwrap();
        c.set_guardian(Address::ZERO).unwrap();
        for who in [GUARDIAN, Address::ZERO] {
            host.vm().set_sender(who);
            assert_eq!(c.pause(), Err(err(ERR_NOT_OWNER_OR_GUARDIAN)));
        }
    }

    impl Controller {
        /// Unpauses as `owner`, then restores the sender (test helper).
        fn unpause_as(&mut self, host: &TestHost, owner: Address) {
            let sender = self.vm().msg_sender();
            host.vm().set_sender(owner);
            self.unpause().unwrap();
            host.vm().set_sender(sender);
        }
    }

    #[test]
    fn update_controller_calls_the_registered_manager() {
        let (host, mut c) = setup();
        assert_eq!(c.update_controller(ids::MINTER, OTHER), Err(err(ERR_NOT_A_CONTRACT)));
        c.set_contract_info(ids::MINTER, MINTER, Default::default()).unwrap();
        host.vm().set_code(MINTER, vec![0xef, 0xf0, 0x00]);
        let call = IManager::setControllerCall { _controller: OTHER }.abi_encode();
        host.mock_call(MINTER, call.clone(), U256::ZERO, Ok(vec![]));
        c.update_controller(ids::MINTER, OTHER).unwrap();
        assert_eq!(host.calls_to(CallKind::Call, MINTER), vec![(call.clone(), U256::ZERO)]);
        host.mock_call(MINTER, call, U256::ZERO, Err(err("caller must be Controller")));
        assert_eq!(c.update_controller(ids::MINTER, OTHER), Err(err("caller must be Controller")));
    }
}

/// The entry point against malformed and arbitrary calldata (see `lpx_contracts_common::entry`).
#[cfg(test)]
mod entry_tests {
    use alloy_sol_types::{SolCall, SolValue};
    use lpx_abi::controller::IController;
    use lpx_contracts_common::testing::*;

    use super::entry::controller_entry as entry;

    fn constructed() -> (TestHost, alloc::vec::Vec<u8>) {
        constructed_through_entry(entry, &(ENTRY_OWNER,).abi_encode_params())
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let (host, ctor) = constructed();
        check_malformed_calls(&host, entry, &ctor, IController::transferOwnershipCall::SELECTOR);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let (host, _) = constructed();
        check_arbitrary_calldata(&host, entry, IController::IControllerCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
