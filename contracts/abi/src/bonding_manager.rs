//! ABI of the bonding_manager contract.
