//! ServiceRegistry: where orchestrators publish their service URI (Livepeer
//! `ServiceRegistry.sol`, spec §13). No access control and no pause, as in Livepeer.
//!
//! Storage matches Livepeer's proxy layout: 0 controller, 1 targetContractId,
//! 2 records mapping(address => Record { string serviceURI }).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `user_entrypoint` in wasm builds.
#![cfg_attr(target_arch = "wasm32", allow(missing_docs))]
#![no_std]
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
#[entrypoint]
pub struct ServiceRegistry {
    /// Controller and proxy target id (slots 0, 1).
    manager: Manager,
    /// address → record (slot 2).
    records: StorageMap<Address, Record>,
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
