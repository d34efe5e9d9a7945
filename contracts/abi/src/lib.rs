//! The Solidity ABI of every lpx contract (functions, events, errors), written once with
//! `sol!` and used by the contracts themselves and by every off-chain client.
#![no_std]

pub mod bonding_manager;
pub mod controller;
pub mod minter;
pub mod rounds_manager;
pub mod service_registry;
pub mod ticket_broker;
pub mod token;
