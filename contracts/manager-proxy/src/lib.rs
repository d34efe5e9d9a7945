//! ManagerProxy: Livepeer's upgrade pattern (spec §2.2) as a Stylus program.
//!
//! The proxy owns the storage; the code lives in a target registered in the Controller
//! under `targetContractId`. Every call except the proxy's own three functions is looked up
//! (`controller.getContract(targetContractId)`, one static call) and DELEGATECALLed with the
//! full calldata, all the gas and the caller's value context; the target's return or revert
//! data comes back verbatim. Re-registering the id in the Controller upgrades the code and
//! keeps the state.
//!
//! Storage is the Manager head every lpx manager starts with: slot 0 the Controller,
//! slot 1 the target id. The Stylus constructor `(controller, targetContractId)` sets both
//! once; the SDK's constructor flag then also refuses a target's constructor reached through
//! the proxy, so no target can overwrite the head that way.
//!
//! The entry point is written by hand (no SDK router, no reentrancy guard, no ABI decoder):
//! the proxy must stay a few KiB, and it must let reentrant calls through so that each
//! target decides for itself. Nitro counts open non-delegate frames per address, so a call
//! path RoundsManager proxy → BondingManager proxy → RoundsManager proxy opens a second
//! frame of the first proxy, and the target's SDK guard (which reads `msg_reentrant` in the
//! proxy's context) refuses it unless that target is built with the `reentrant` feature.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![no_std]
extern crate alloc;

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use lpx_abi::controller::IController;
use lpx_abi::manager::IManagerProxy as I;
use lpx_contracts_common::controller::{ERR_BAD_CONTROLLER_REPLY, ERR_NOT_CONTROLLER};
use lpx_contracts_common::entry::{CONSTRUCTOR_SELECTOR, ERR_CALLDATA, ERR_CONSTRUCTED, ERR_VALUE};
use lpx_contracts_common::revert::err;
use stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT;
use stylus_sdk::call::RawCall;
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

/// Revert string when no target is registered under `targetContractId` (Livepeer's).
pub const ERR_NOT_REGISTERED: &str = "target contract must be registered";

/// Slot 0: the Controller.
pub const CONTROLLER_SLOT: U256 = U256::ZERO;
/// Slot 1: the Controller id of the target.
pub const TARGET_ID_SLOT: U256 = U256::from_limbs([1, 0, 0, 0]);

/// Serves one call: `input` is the full calldata. The wasm export `user_entrypoint` wraps
/// it; native tests call it directly.
pub fn proxy_entry(input: Vec<u8>, vm: VM) -> ArbResult {
    let Some(selector) = input.first_chunk::<4>().copied() else {
        return forward(&vm, &input);
    };
    match selector {
        I::controllerCall::SELECTOR => {
            non_payable(&vm)?;
            Ok(address_word(controller(&vm)).to_vec())
        }
        I::targetContractIdCall::SELECTOR => {
            non_payable(&vm)?;
            Ok(vm.storage_load_bytes32(TARGET_ID_SLOT).to_vec())
        }
        I::setControllerCall::SELECTOR => {
            non_payable(&vm)?;
            set_controller(&vm, address_arg(&input[4..])?)
        }
        CONSTRUCTOR_SELECTOR => {
            non_payable(&vm)?;
            let args = &input[4..];
            let id = args.get(32..64).ok_or_else(|| err(ERR_CALLDATA))?;
            construct(&vm, address_arg(args)?, B256::from_slice(id))
        }
        _ => forward(&vm, &input),
    }
}

/// The Controller stored in slot 0.
fn controller(vm: &VM) -> Address {
    Address::from_word(vm.storage_load_bytes32(CONTROLLER_SLOT))
}

/// A clean ABI word of `a`.
fn address_word(a: Address) -> B256 {
    a.into_word()
}

/// The first argument as an address: a whole word with zero high bytes.
fn address_arg(args: &[u8]) -> Result<Address, Vec<u8>> {
    let word = args.first_chunk::<32>().ok_or_else(|| err(ERR_CALLDATA))?;
    if word[..12].iter().any(|&b| b != 0) {
        return Err(err(ERR_CALLDATA));
    }
    Ok(Address::from_slice(&word[12..]))
}

fn non_payable(vm: &VM) -> Result<(), Vec<u8>> {
    if vm.msg_value().is_zero() {
        Ok(())
    } else {
        Err(err(ERR_VALUE))
    }
}

/// Writes the head once (Livepeer's `ManagerProxy(controller, targetContractId)`).
fn construct(vm: &VM, controller: Address, id: B256) -> ArbResult {
    if vm.storage_load_bytes32(CONSTRUCTOR_EXECUTED_SLOT) != B256::ZERO {
        return Err(err(ERR_CONSTRUCTED));
    }
    // The SDK's flag value: 0x01 in the most significant byte.
    let mut flag = B256::ZERO;
    flag[0] = 1;
    // SAFETY: no storage reference is alive; the writes are flushed below.
    unsafe {
        vm.storage_cache_bytes32(CONSTRUCTOR_EXECUTED_SLOT, flag);
        vm.storage_cache_bytes32(CONTROLLER_SLOT, address_word(controller));
        vm.storage_cache_bytes32(TARGET_ID_SLOT, id);
    }
    vm.flush_cache(false);
    Ok(Vec::new())
}

/// `setController(addr)`: onlyController; emits `SetController(addr)`.
fn set_controller(vm: &VM, new: Address) -> ArbResult {
    if vm.msg_sender() != controller(vm) {
        return Err(err(ERR_NOT_CONTROLLER));
    }
    // SAFETY: no storage reference is alive; the write is flushed below.
    unsafe { vm.storage_cache_bytes32(CONTROLLER_SLOT, address_word(new)) };
    vm.flush_cache(false);
    let data = address_word(new);
    // One topic and 32 bytes of data are always accepted.
    let _ = vm.raw_log(&[I::SetController::SIGNATURE_HASH], data.as_slice());
    Ok(Vec::new())
}

/// Resolves the target and DELEGATECALLs it with the whole calldata.
fn forward(vm: &VM, input: &[u8]) -> ArbResult {
    let target = target(vm)?;
    // All the gas (clamped by the 63/64 rule); nothing is cached dirty, so the cache is
    // left alone.
    // SAFETY: the proxy holds no storage reference across the call and reads no storage
    // after it.
    unsafe { RawCall::new_delegate(vm).call(target, input) }
}

/// `controller.getContract(targetContractId)`, required to be non-zero.
fn target(vm: &VM) -> Result<Address, Vec<u8>> {
    let id = vm.storage_load_bytes32(TARGET_ID_SLOT);
    let mut call = Vec::with_capacity(36);
    call.extend_from_slice(&IController::getContractCall::SELECTOR);
    call.extend_from_slice(id.as_slice());
    // SAFETY: a static call cannot write this contract's storage.
    let reply = unsafe { RawCall::new_static(vm).call(controller(vm), &call) }?;
    let target = address_arg(&reply).map_err(|_| err(ERR_BAD_CONTROLLER_REPLY))?;
    if target.is_zero() {
        return Err(err(ERR_NOT_REGISTERED));
    }
    Ok(target)
}

/// The program's export: reads the calldata, serves it, writes the result. Unlike the
/// SDK's `#[entrypoint]` it refuses no reentrant call (see the crate docs).
#[cfg(all(target_arch = "wasm32", not(any(feature = "export-abi", feature = "contract-client-gen"))))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    let vm = VM { host: stylus_sdk::host::WasmVM {} };
    // Makes Nitro's activation find the import it rewrites `memory.grow` into.
    vm.pay_for_memory_grow(0);
    let input = vm.read_args(len);
    let (data, status) = match proxy_entry(input, vm.clone()) {
        Ok(data) => (data, 0),
        Err(data) => (data, 1),
    };
    vm.write_result(&data);
    status
}

#[cfg(test)]
mod tests;
