//! The Solidity ABI of every lpx contract (functions, events, errors), written once with
//! `sol!` and used by the contracts themselves and by every off-chain client.
//!
//! # Convention for every module (C2: `bonding_manager`, P: `ticket_broker`, read this)
//!
//! Each module declares one `sol! { interface IName { ... } }` holding the contract's
//! functions, events and errors with Livepeer's exact signatures (spec Appendix A), and
//! exposes a registry entry built from the generated enums:
//!
//! ```ignore
//! pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
//!     name: "BondingManager",
//!     functions: IBondingManager::IBondingManagerCalls::SIGNATURES,
//!     selectors: IBondingManager::IBondingManagerCalls::SELECTORS,
//!     events: IBondingManager::IBondingManagerEvents::SIGNATURES,
//!     topics: IBondingManager::IBondingManagerEvents::SELECTORS,
//! };
//! ```
//!
//! (`&[]` for an interface without events) and adds one line to [`INTERFACES`] below.
//! `tests/selectors.rs` checks every entry against the spec's Appendix A.
//! Shared Manager members (`controller()`, `setController`, `SetController`,
//! `ParameterUpdate`) live in [`manager`] and are repeated in each manager's interface
//! so a client needs one interface per contract.
#![no_std]
extern crate alloc;

#[doc(hidden)]
pub use alloy_sol_types as __sol;

pub mod arbitrum;
pub mod bonding_manager;
pub mod bonding_votes;
pub mod controller;
pub mod export;
pub mod governor;
pub mod manager;
pub mod minter;
pub mod poll;
pub mod rounds_manager;
pub mod service_registry;
pub mod ticket_broker;
pub mod token;
pub mod treasury;

/// One contract's ABI as plain tables: what tests and tooling iterate over.
///
/// `functions[i]` has selector `selectors[i]`, `events[i]` has topic0 `topics[i]` (the
/// order of `sol!`'s generated `SIGNATURES`/`SELECTORS` constants, which agree).
#[derive(Debug, Clone, Copy)]
pub struct InterfaceAbi {
    /// Livepeer's contract name, e.g. `"Controller"`.
    pub name: &'static str,
    /// Canonical function signatures, e.g. `"getContract(bytes32)"`.
    pub functions: &'static [&'static str],
    /// 4-byte selectors, index-aligned with `functions`.
    pub selectors: &'static [[u8; 4]],
    /// Canonical event signatures, e.g. `"Pause()"`.
    pub events: &'static [&'static str],
    /// Event topic0 values, index-aligned with `events`.
    pub topics: &'static [[u8; 32]],
}

/// Every interface in this crate. Add your module's `ABI` here (one line).
pub const INTERFACES: &[InterfaceAbi] = &[
    manager::ABI,
    controller::ABI,
    token::ABI,
    minter::ABI,
    rounds_manager::ABI,
    service_registry::ABI,
    ticket_broker::ABI,
    bonding_manager::ABI,
    bonding_manager::VOTES_HOOKS_ABI,
    bonding_votes::ABI,
    governor::ABI,
    poll::CREATOR_ABI,
    poll::POLL_ABI,
    manager::PROXY_ABI,
    treasury::ABI,
];
