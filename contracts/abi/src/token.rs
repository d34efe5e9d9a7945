//! ABI of the token contract.
