//! The Manager pattern (spec §2.2): every protocol contract stores its Controller and finds
//! its peers, its owner and the pause switch through it.
//!
//! [`Manager`] is placed first in a contract's storage, so `controller` is slot 0 and
//! `target_contract_id` slot 1, as in Livepeer's `ManagerProxyTarget`; a contract can later
//! sit behind a `ManagerProxy` without moving state.
//!
//! Gas: every helper costs exactly one static call to the Controller. Livepeer spends
//! 50-60k gas per operation on repeated lookups of the same id; callers should resolve each
//! address once per call (keep the returned `Address`) instead of calling
//! [`Manager::get_contract`] again.
//! The free functions take the controller address explicitly for contracts that keep it
//! elsewhere (the Minter is not proxied and stores only the controller).

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256};
use alloy_sol_types::SolCall;
use lpx_abi::controller::IController;
use lpx_abi::manager::IManager;
use stylus_sdk::call::static_call;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageB256};

use crate::revert::{err, require, Revert};

/// `onlyControllerOwner` revert string.
pub const ERR_NOT_CONTROLLER_OWNER: &str = "caller must be Controller owner";
/// `onlyController` revert string.
pub const ERR_NOT_CONTROLLER: &str = "caller must be Controller";
/// `whenSystemNotPaused` revert string.
pub const ERR_PAUSED: &str = "system is paused";
/// `whenSystemPaused` revert string.
pub const ERR_NOT_PAUSED: &str = "system is not paused";
/// Revert string when the Controller answers with data that does not decode.
pub const ERR_BAD_CONTROLLER_REPLY: &str = "invalid Controller response";

/// Storage head of every Manager contract: slot 0 the Controller, slot 1 the proxy target id.
#[storage]
pub struct Manager {
    /// The Controller (slot 0).
    pub controller: StorageAddress,
    /// Registry id of the implementation behind a `ManagerProxy` (slot 1); zero when unproxied.
    pub target_contract_id: StorageB256,
}

impl Manager {
    /// The Controller address.
    pub fn controller_address(&self) -> Address {
        self.controller.get()
    }

    /// `controller.getContract(id)`: one static call.
    pub fn get_contract(&self, id: B256) -> Result<Address, Revert> {
        get_contract(self.vm(), self.controller.get(), id)
    }

    /// `controller.owner()`: one static call.
    pub fn controller_owner(&self) -> Result<Address, Revert> {
        controller_owner(self.vm(), self.controller.get())
    }

    /// `controller.paused()`: one static call.
    pub fn paused(&self) -> Result<bool, Revert> {
        paused(self.vm(), self.controller.get())
    }

    /// `onlyControllerOwner`: reverts "caller must be Controller owner".
    pub fn only_controller_owner(&self) -> Result<(), Revert> {
        only_controller_owner(self.vm(), self.controller.get())
    }

    /// `whenSystemNotPaused`: reverts "system is paused".
    pub fn when_system_not_paused(&self) -> Result<(), Revert> {
        when_system_not_paused(self.vm(), self.controller.get())
    }

    /// `whenSystemPaused`: reverts "system is not paused".
    pub fn when_system_paused(&self) -> Result<(), Revert> {
        when_system_paused(self.vm(), self.controller.get())
    }

    /// Caller must be the contract registered under `id`, else reverts with `msg`.
    /// Returns that address so the caller need not look it up again.
    pub fn only(&self, id: B256, msg: &str) -> Result<Address, Revert> {
        only(self.vm(), self.controller.get(), id, msg)
    }

    /// `setController(addr)`: onlyController ("caller must be Controller"); emits
    /// `SetController(addr)`.
    pub fn set_controller(&mut self, controller: Address) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.controller.get(), ERR_NOT_CONTROLLER)?;
        self.controller.set(controller);
        self.vm().log(IManager::SetController { controller });
        Ok(())
    }

    /// Emits `ParameterUpdate(param)`, the event every parameter setter emits.
    pub fn emit_parameter_update(&self, param: &str) {
        self.vm().log(IManager::ParameterUpdate { param: param.into() });
    }
}

/// Static-calls `controller` with `call` and decodes the reply; a revert bubbles up verbatim.
fn controller_view<H: Host + ?Sized, C: SolCall>(host: &H, controller: Address, call: &C) -> Result<C::Return, Revert> {
    let reply = static_call(host, Call::new(), controller, &call.abi_encode()).map_err(Vec::<u8>::from)?;
    C::abi_decode_returns(&reply).map_err(|_| err(ERR_BAD_CONTROLLER_REPLY))
}

/// `controller.getContract(id)`.
pub fn get_contract<H: Host + ?Sized>(host: &H, controller: Address, id: B256) -> Result<Address, Revert> {
    controller_view(host, controller, &IController::getContractCall { _id: id })
}

/// `controller.owner()`.
pub fn controller_owner<H: Host + ?Sized>(host: &H, controller: Address) -> Result<Address, Revert> {
    controller_view(host, controller, &IController::ownerCall {})
}

/// `controller.paused()`.
pub fn paused<H: Host + ?Sized>(host: &H, controller: Address) -> Result<bool, Revert> {
    controller_view(host, controller, &IController::pausedCall {})
}

/// `onlyControllerOwner`.
pub fn only_controller_owner<H: Host + ?Sized>(host: &H, controller: Address) -> Result<(), Revert> {
    let owner = controller_owner(host, controller)?;
    require(host.msg_sender() == owner, ERR_NOT_CONTROLLER_OWNER)
}

/// `whenSystemNotPaused`.
pub fn when_system_not_paused<H: Host + ?Sized>(host: &H, controller: Address) -> Result<(), Revert> {
    require(!paused(host, controller)?, ERR_PAUSED)
}

/// `whenSystemPaused`.
pub fn when_system_paused<H: Host + ?Sized>(host: &H, controller: Address) -> Result<(), Revert> {
    require(paused(host, controller)?, ERR_NOT_PAUSED)
}

/// Caller must be `getContract(id)`, else reverts with `msg`; returns the address.
pub fn only<H: Host + ?Sized>(host: &H, controller: Address, id: B256, msg: &str) -> Result<Address, Revert> {
    let expected = get_contract(host, controller, id)?;
    require(host.msg_sender() == expected, msg)?;
    Ok(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids;
    use crate::testing::TestHost;
    use alloy_primitives::{address, U256};
    use alloy_sol_types::{SolEvent, SolValue};

    const CONTROLLER: Address = address!("00000000000000000000000000000000000c0111");
    const OWNER: Address = address!("000000000000000000000000000000000000a11c");
    const MINTER: Address = address!("0000000000000000000000000000000000000111");

    fn setup() -> (TestHost, Manager) {
        let host = TestHost::new();
        let mut m = Manager::from(&host);
        m.controller.set(CONTROLLER);
        let owner = IController::ownerCall {}.abi_encode();
        host.mock_static_call(CONTROLLER, owner, Ok(OWNER.abi_encode()));
        let minter = IController::getContractCall { _id: ids::MINTER }.abi_encode();
        host.mock_static_call(CONTROLLER, minter, Ok(MINTER.abi_encode()));
        (host, m)
    }

    fn set_paused(host: &TestHost, paused: bool) {
        host.mock_static_call(CONTROLLER, IController::pausedCall {}.abi_encode(), Ok(paused.abi_encode()));
    }

    #[test]
    fn storage_head_is_slot_0_and_1() {
        let (host, mut m) = setup();
        m.target_contract_id.set(ids::ROUNDS_MANAGER_TARGET);
        assert_eq!(host.vm().get_storage(U256::ZERO), CONTROLLER.into_word());
        assert_eq!(host.vm().get_storage(U256::from(1)), ids::ROUNDS_MANAGER_TARGET);
    }

    #[test]
    fn lookups_use_one_static_call_each() {
        let (host, m) = setup();
        assert_eq!(m.get_contract(ids::MINTER), Ok(MINTER));
        assert_eq!(m.controller_owner(), Ok(OWNER));
        assert_eq!(host.calls().len(), 2);
        // Unregistered ids resolve to zero, as Controller.getContract does.
        let other = IController::getContractCall { _id: ids::VERIFIER }.abi_encode();
        host.mock_static_call(CONTROLLER, other, Ok(Address::ZERO.abi_encode()));
        assert_eq!(m.get_contract(ids::VERIFIER), Ok(Address::ZERO));
    }

    #[test]
    fn only_controller_owner() {
        let (host, m) = setup();
        host.vm().set_sender(OWNER);
        assert_eq!(m.only_controller_owner(), Ok(()));
        host.vm().set_sender(MINTER);
        assert_eq!(m.only_controller_owner(), Err(err("caller must be Controller owner")));
    }

    #[test]
    fn pause_checks() {
        let (host, m) = setup();
        set_paused(&host, false);
        assert_eq!(m.when_system_not_paused(), Ok(()));
        assert_eq!(m.when_system_paused(), Err(err("system is not paused")));
        set_paused(&host, true);
        assert_eq!(m.when_system_not_paused(), Err(err("system is paused")));
        assert_eq!(m.when_system_paused(), Ok(()));
    }

    #[test]
    fn only_role() {
        let (host, m) = setup();
        host.vm().set_sender(MINTER);
        assert_eq!(m.only(ids::MINTER, "msg.sender not Minter"), Ok(MINTER));
        host.vm().set_sender(OWNER);
        assert_eq!(m.only(ids::MINTER, "msg.sender not Minter"), Err(err("msg.sender not Minter")));
    }

    #[test]
    fn controller_reverts_bubble_up_and_garbage_is_rejected() {
        let (host, m) = setup();
        let call = IController::getContractCall { _id: ids::TREASURY }.abi_encode();
        host.mock_static_call(CONTROLLER, call.clone(), Err(err("boom")));
        assert_eq!(m.get_contract(ids::TREASURY), Err(err("boom")));
        host.mock_static_call(CONTROLLER, call, Ok(vec![1, 2, 3]));
        assert_eq!(m.get_contract(ids::TREASURY), Err(err(ERR_BAD_CONTROLLER_REPLY)));
    }

    #[test]
    fn set_controller_only_by_controller_and_emits() {
        let (host, mut m) = setup();
        let new = address!("0000000000000000000000000000000000000c02");
        host.vm().set_sender(OWNER);
        assert_eq!(m.set_controller(new), Err(err("caller must be Controller")));
        host.vm().set_sender(CONTROLLER);
        assert_eq!(m.set_controller(new), Ok(()));
        assert_eq!(m.controller_address(), new);
        let logs = host.logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].0, vec![IManager::SetController::SIGNATURE_HASH]);
        assert_eq!(logs[0].1, new.abi_encode());
    }

    #[test]
    fn parameter_update_event() {
        let (host, m) = setup();
        m.emit_parameter_update("roundLength");
        let logs = host.logs();
        let ev = IManager::ParameterUpdate::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
        assert_eq!(ev.param, "roundLength");
    }
}
