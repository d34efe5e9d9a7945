//! ServiceRegistry: where orchestrators publish their service URI (Livepeer
//! `ServiceRegistry.sol`, spec §13). No access control and no pause, as in Livepeer.
//!
//! Storage matches Livepeer's proxy layout: 0 controller, 1 targetContractId,
//! 2 records mapping(address => Record { string serviceURI }).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, B256};
use lpx_abi::service_registry::IServiceRegistry;
use lpx_contracts_common::controller::Manager;
use lpx_contracts_common::revert::Revert;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageMap, StorageString};

/// One address's record.
#[storage]
pub struct Record {
    /// The published URI.
    service_uri: StorageString,
}

/// The ServiceRegistry's storage.
#[storage]
pub struct ServiceRegistry {
    /// Controller and proxy target id (slots 0, 1).
    manager: Manager,
    /// address → record (slot 2).
    records: StorageMap<Address, Record>,
}

// SAFETY: `ServiceRegistry` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for ServiceRegistry {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export, except in
    // native test builds, where only the tests call the entry function.
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn service_registry_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<ServiceRegistry>(input, vm, |s| {
            <lpx_abi::service_registry::IServiceRegistry::IServiceRegistryCalls as alloy_sol_types::SolInterface>::valid_selector(s)
        })
    }
}

#[public]
impl ServiceRegistry {
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
        self.manager.set_controller(controller)
    }

    /// Stores the caller's service URI and emits `ServiceURIUpdate`.
    #[selector(name = "setServiceURI")]
    pub fn set_service_uri(&mut self, service_uri: String) {
        let addr = self.vm().msg_sender();
        self.records.setter(addr).service_uri.set_str(&service_uri);
        self.vm().log(IServiceRegistry::ServiceURIUpdate { addr, serviceURI: service_uri });
    }

    /// The service URI of `addr` (empty if none).
    #[selector(name = "getServiceURI")]
    pub fn get_service_uri(&self, addr: Address) -> String {
        self.records.get(addr).service_uri.get_string()
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, Address, B256, U256};
    use alloy_sol_types::SolEvent;
    use lpx_contracts_common::revert::err;
    use lpx_contracts_common::testing::TestHost;

    use super::*;

    const CONTROLLER: Address = address!("00000000000000000000000000000000000c0111");
    const ORCH: Address = address!("00000000000000000000000000000000000000aa");

    #[test]
    fn set_and_get_service_uri() {
        let host = TestHost::new();
        let mut sr = ServiceRegistry::from(&host);
        sr.constructor(CONTROLLER);
        assert_eq!(sr.controller(), CONTROLLER);
        assert_eq!(sr.target_contract_id(), B256::ZERO);
        assert_eq!(sr.get_service_uri(ORCH), "");
        host.vm().set_sender(ORCH);
        let long = "https://orchestrator.example.com:8935/a-path-long-enough-to-span-storage-slots";
        sr.set_service_uri(long.into());
        assert_eq!(sr.get_service_uri(ORCH), long);
        sr.set_service_uri("https://o.example:8935".into());
        assert_eq!(sr.get_service_uri(ORCH), "https://o.example:8935");
        let logs = host.logs();
        assert_eq!(logs.len(), 2);
        assert_eq!(logs[1].0[1], ORCH.into_word()); // addr is indexed
        let ev = IServiceRegistry::ServiceURIUpdate::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1).unwrap();
        assert_eq!((ev.addr, ev.serviceURI.as_str()), (ORCH, "https://o.example:8935"));
        // Record of ORCH sits at keccak(ORCH ‖ 2): Livepeer layout.
        let slot = alloy_primitives::keccak256([ORCH.into_word().as_slice(), B256::from(U256::from(2)).as_slice()].concat());
        assert_ne!(host.vm().get_storage(U256::from_be_bytes(slot.0)), B256::ZERO);
    }

    #[test]
    fn set_controller_only_by_controller() {
        let host = TestHost::new();
        let mut sr = ServiceRegistry::from(&host);
        sr.constructor(CONTROLLER);
        host.vm().set_sender(ORCH);
        assert_eq!(sr.set_controller(ORCH), Err(err("caller must be Controller")));
        host.vm().set_sender(CONTROLLER);
        sr.set_controller(ORCH).unwrap();
        assert_eq!(sr.controller(), ORCH);
    }
}

/// The entry point against malformed and arbitrary calldata (see `lpx_contracts_common::entry`).
#[cfg(test)]
mod entry_tests {
    use alloy_sol_types::{SolCall, SolValue};
    use lpx_abi::service_registry::IServiceRegistry;
    use lpx_contracts_common::testing::*;

    use super::entry::service_registry_entry as entry;

    fn constructed() -> (TestHost, alloc::vec::Vec<u8>) {
        constructed_through_entry(entry, &(ENTRY_OWNER,).abi_encode_params())
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let (host, ctor) = constructed();
        check_malformed_calls(&host, entry, &ctor, IServiceRegistry::getServiceURICall::SELECTOR);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let (host, _) = constructed();
        check_arbitrary_calldata(&host, entry, IServiceRegistry::IServiceRegistryCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
