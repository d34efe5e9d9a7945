//! ABI of the rounds_manager contract.
