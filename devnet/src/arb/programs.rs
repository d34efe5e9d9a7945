//! Entry into a Stylus program from a call frame: activation check, module lookup, then the
//! executor.

use revm::interpreter::{CallInputs, InterpreterResult};

use super::arbwasm;
use crate::{
    evm::DevCtx,
    stylus::exec::{self, Invocation},
};

/// Runs the Stylus program that `inputs` calls.
pub fn call(ctx: &mut DevCtx, inputs: &CallInputs) -> InterpreterResult {
    let (codehash, bytecode) = &inputs.known_bytecode;
    let gas = inputs.gas_limit;
    if let Err(why) = arbwasm::check_active(ctx, *codehash) {
        let auto = ctx.chain.params.auto_activate && why == arbwasm::Inactive::NotActivated;
        if !auto || arbwasm::activate(ctx, inputs.bytecode_address).is_err() {
            return super::revert(arbwasm::inactive_error(ctx, why).into(), gas, super::VIEW_GAS);
        }
    }
    let program = match ctx.chain.runtime.compile(*codehash, bytecode.original_byte_slice()) {
        Ok(p) => p,
        Err(_) => return super::revert(Default::default(), gas, gas),
    };
    let address = inputs.target_address;
    // Nitro: more than one open non-delegate frame of this address (this frame counts itself
    // unless it was entered by DELEGATECALL/CALLCODE).
    let reentrant = ctx.chain.open_frames.get(&address).copied().unwrap_or(0) > 1;
    let value = inputs.value.get();
    let frame = exec::frame(address, inputs.caller, value, inputs.is_static, reentrant);
    let args = inputs.input.bytes(ctx);
    exec::run(ctx, &program, Invocation { frame, args, gas_limit: gas })
}
