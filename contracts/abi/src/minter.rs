//! ABI of the minter contract.
