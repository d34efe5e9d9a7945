//! The entry point of the contracts routed by the SDK's `#[public]` macro.
//!
//! The SDK's router reverts with empty data when a selector is unknown, when arguments fail
//! to decode, when ETH is sent to a non-payable function and when the constructor runs a
//! second time. A caller can't tell those apart (nor from an out-of-gas), so [`route`] gives
//! each a message; the hand-written routers (BondingManager) use the same messages.
//! Every failure inside a function carries its own message; the one other source of an empty
//! revert is a nested call that reverted silently and was passed on (see
//! [`ERR_CALLDATA_OR_SILENT`]).

use alloc::vec::Vec;
use core::borrow::BorrowMut;

use alloy_primitives::B256;
use stylus_sdk::{
    abi::{internal::CONSTRUCTOR_EXECUTED_SLOT, router_entrypoint, Router},
    host::VM,
    prelude::*,
    storage::StorageType,
    stylus_core::ValueDenier,
    ArbResult,
};

use crate::revert::err;

/// Calldata shorter than its arguments, or an argument that is not a clean value of its type.
pub const ERR_CALLDATA: &str = "invalid calldata";
/// No function has this selector (Livepeer's contracts have no fallback).
pub const ERR_SELECTOR: &str = "unknown function selector";
/// ETH sent to a non-payable function.
pub const ERR_VALUE: &str = "function is not payable";
/// A known function reverted without data: either its arguments failed to decode or a call it
/// made reverted silently and it passed that on (as Solidity bubbles an empty revert), and the
/// router can't tell which.
pub const ERR_CALLDATA_OR_SILENT: &str = "invalid calldata, or a nested call reverted without a reason";
/// The Stylus constructor was called again.
pub const ERR_CONSTRUCTED: &str = "constructor already called";

/// `keccak256("stylus_constructor()")[..4]`, the SDK's constructor selector.
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// Runs the SDK router for the contract `S` and puts a message on its silent reverts.
/// `known` says whether a selector belongs to the contract's ABI (the `valid_selector` of
/// its `lpx_abi` interface).
pub fn route<S>(input: Vec<u8>, vm: VM, known: fn([u8; 4]) -> bool) -> ArbResult
where
    S: Router<S> + StorageType + TopLevelStorage + BorrowMut<<S as Router<S>>::Storage> + ValueDenier,
{
    let selector: Option<[u8; 4]> = input.get(..4).and_then(|s| s.try_into().ok());
    let host = vm.clone();
    match router_entrypoint::<S, S>(input, vm) {
        Err(data) if data.is_empty() => Err(err(reason(selector, known, &host))),
        done => done,
    }
}

/// Only failed calls pay for this: the value is read here, not on every call.
fn reason(selector: Option<[u8; 4]>, known: fn([u8; 4]) -> bool, host: &VM) -> &'static str {
    let paid = !host.msg_value().is_zero();
    match selector {
        Some(CONSTRUCTOR_SELECTOR) => {
            let constructed = host.storage_load_bytes32(CONSTRUCTOR_EXECUTED_SLOT) != B256::ZERO;
            if constructed {
                ERR_CONSTRUCTED
            } else if paid {
                ERR_VALUE
            } else {
                ERR_CALLDATA
            }
        }
        Some(s) if known(s) => {
            if paid {
                ERR_VALUE
            } else {
                ERR_CALLDATA_OR_SILENT
            }
        }
        _ => ERR_SELECTOR,
    }
}
