//! ABI of the service_registry contract.
