//! The Arbitrum surface: ArbSys, ArbWasm, ArbOwnerPublic, the native StylusDeployer and the
//! entry into Stylus programs.

pub mod abi;
pub mod arbsys;
pub mod arbwasm;
pub mod deployer;
pub mod owner;
pub mod programs;

use alloy_primitives::{address, Address, Bytes};
use alloy_sol_types::{SolError, SolInterface};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};

use crate::evm::DevCtx;

/// ArbSys.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
/// ArbOwnerPublic.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
/// ArbWasm.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// The StylusDeployer's canonical address (CREATE2 through the deterministic factory, salt 0).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The deterministic-deployment (CREATE2) factory.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");
/// The factory's runtime code, a well-known public constant.
pub const CREATE2_FACTORY_CODE: &[u8] = &alloy_primitives::hex!(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3"
);

/// Addresses that answer natively (warm from the start of every transaction).
pub const PRECOMPILES: [Address; 3] = [ARB_SYS, ARB_OWNER_PUBLIC, ARB_WASM];

/// Code placed at native accounts so they exist and aren't swept as empty (Nitro does the same).
pub const NATIVE_MARKER_CODE: &[u8] = &[0xfe];

/// Gas a native view call costs: Nitro charges for argument copying and storage reads; this is a
/// flat approximation.
pub const VIEW_GAS: u64 = 800;

/// Runs a native account if `inputs` targets one.
pub fn dispatch(ctx: &mut DevCtx, inputs: &CallInputs) -> Option<InterpreterResult> {
    match inputs.bytecode_address {
        ARB_SYS => Some(arbsys::call(ctx, inputs)),
        ARB_WASM => Some(arbwasm::call(ctx, inputs)),
        ARB_OWNER_PUBLIC => Some(owner::call(ctx, inputs)),
        STYLUS_DEPLOYER if inputs.known_bytecode.1.original_byte_slice() == NATIVE_MARKER_CODE => Some(deployer::call(ctx, inputs)),
        _ => None,
    }
}

/// Decodes a call to an interface, or answers with an empty revert like a Solidity contract
/// without a fallback.
pub(crate) fn decode<I: SolInterface>(ctx: &DevCtx, inputs: &CallInputs) -> Result<I, InterpreterResult> {
    let input = inputs.input.bytes(ctx);
    I::abi_decode(&input).map_err(|_| revert(Bytes::new(), inputs.gas_limit, 100))
}

/// A successful return that used `gas_used`.
pub(crate) fn ok(output: Vec<u8>, gas_limit: u64, gas_used: u64) -> InterpreterResult {
    finish(InstructionResult::Return, output.into(), gas_limit, gas_used)
}

/// A revert with data that used `gas_used`.
pub(crate) fn revert(output: Bytes, gas_limit: u64, gas_used: u64) -> InterpreterResult {
    finish(InstructionResult::Revert, output, gas_limit, gas_used)
}

/// A revert with a Solidity custom error.
pub(crate) fn revert_with<E: SolError>(err: E, gas_limit: u64, gas_used: u64) -> InterpreterResult {
    revert(err.abi_encode().into(), gas_limit, gas_used)
}

fn finish(result: InstructionResult, output: Bytes, gas_limit: u64, gas_used: u64) -> InterpreterResult {
    let mut gas = Gas::new(gas_limit);
    if !gas.record_regular_cost(gas_used) {
        gas.spend_all();
        return InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas);
    }
    InterpreterResult::new(result, output, gas)
}
