//! ABI of the controller contract.
