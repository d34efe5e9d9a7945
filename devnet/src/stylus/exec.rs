//! Runs one Stylus call: entry charges, a fresh instance, `user_entrypoint`, and the mapping of
//! the outcome onto an EVM result (spec §2.1).

use alloy_primitives::{Address, Bytes, U256};
use revm::interpreter::{Gas, InstructionResult, InterpreterResult};
use wasmi::{Store, TrapCode};

use super::{
    host::{Escape, FrameInfo, HostData},
    pricing::{self, INK_PER_FUEL},
    runtime::Program,
};
use crate::evm::DevCtx;

/// Fixed gas for starting a cached program (Nitro's `MinCachedInitGas` x 32); the per-program
/// part of Nitro's init cost isn't modelled.
pub const CALL_INIT_GAS: u64 = 11 * 32;

/// What a call asks of a program.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// Frame data visible to the program.
    pub frame: FrameInfo,
    /// Calldata.
    pub args: Bytes,
    /// Gas the call may use.
    pub gas_limit: u64,
}

fn result(result: InstructionResult, output: Bytes, gas: Gas) -> InterpreterResult {
    InterpreterResult { result, output, gas }
}

/// Gas EVM memory expansion costs for `len` bytes (the floor Nitro puts under return data).
fn evm_memory_gas(len: usize) -> u64 {
    let words = (len as u64).div_ceil(32);
    3 * words + words * words / 512
}

/// Runs `program` for `call`. Never panics on program behaviour: every fault becomes a revert or
/// an out-of-gas result.
pub fn run(ctx: &mut DevCtx, program: &Program, call: Invocation) -> InterpreterResult {
    let mut gas = Gas::new(call.gas_limit);
    let ink_price = u64::from(ctx.chain.params.ink_price);
    let (open, ever) = (ctx.chain.pages_open, ctx.chain.pages_ever);
    let entry = pricing::memory_gas(program.footprint, open, ever) + CALL_INIT_GAS;
    if !gas.record_regular_cost(entry) {
        gas.spend_all();
        return result(InstructionResult::OutOfGas, Bytes::new(), gas);
    }
    ctx.chain.pages_open = open.saturating_add(program.footprint);
    ctx.chain.pages_ever = ever.max(ctx.chain.pages_open);

    let runtime = ctx.chain.runtime.clone();
    let env: *mut DevCtx = ctx;
    let args_len = call.args.len() as i32;
    let mut store = Store::new(runtime.engine(), HostData::new(env, call.frame, call.args, ink_price));
    store.limiter(|d| &mut d.limiter);
    let fuel = gas.remaining().saturating_mul(ink_price) / INK_PER_FUEL;
    let _ = store.set_fuel(fuel);
    store.data_mut().limiter.pages = program.footprint;

    let outcome = (|| {
        let instance = runtime.linker().instantiate_and_start(&mut store, &program.module)?;
        let memory = instance.get_memory(&store, "memory");
        store.data_mut().memory = memory;
        let entry = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint")?;
        entry.call(&mut store, args_len)
    })();
    // Growth after the last hostio is paid here.
    let pending = std::mem::take(&mut store.data_mut().limiter.pending_pages);
    // SAFETY: the wasm call has returned, so no hostio holds the pointer any more; `ctx` is the
    // only reference again.
    let ctx: &mut DevCtx = unsafe { &mut *env };
    let grow_gas = if pending > 0 {
        let g = pricing::memory_gas(pending, ctx.chain.pages_open, ctx.chain.pages_ever);
        ctx.chain.pages_open = ctx.chain.pages_open.saturating_add(pending);
        ctx.chain.pages_ever = ctx.chain.pages_ever.max(ctx.chain.pages_open);
        g
    } else {
        0
    };
    // Pages close again when the call returns.
    ctx.chain.pages_open = open;

    let fuel_left = store.get_fuel().unwrap_or(0);
    let data = store.into_data();
    let gas_left = (fuel_left.saturating_mul(INK_PER_FUEL) / ink_price).saturating_sub(grow_gas);
    let out_of_gas = |mut gas: Gas| {
        gas.spend_all();
        result(InstructionResult::OutOfGas, Bytes::new(), gas)
    };
    if grow_gas > fuel_left.saturating_mul(INK_PER_FUEL) / ink_price {
        return out_of_gas(gas);
    }

    let status = match outcome {
        Ok(status) => Ok(status as u32),
        Err(err) => {
            if let Some(escape) = err.downcast_ref::<Escape>() {
                match *escape {
                    Escape::Exit(status) => Ok(status),
                    Escape::Revert => Err(InstructionResult::Revert),
                    Escape::OutOfInk => return out_of_gas(gas),
                    Escape::Failure => Err(InstructionResult::Revert),
                }
            } else if let Some(code) = err.as_trap_code() {
                match code {
                    TrapCode::OutOfFuel => return out_of_gas(gas),
                    TrapCode::StackOverflow => {
                        gas.spend_all();
                        return result(InstructionResult::CallTooDeep, Bytes::new(), gas);
                    }
                    _ => Err(InstructionResult::Revert),
                }
            } else {
                Err(InstructionResult::Revert)
            }
        }
    };
    gas.set_remaining(gas_left);
    match status {
        Ok(0) => {
            // Returning n bytes costs at least EVM memory expansion for n bytes.
            let floor = evm_memory_gas(data.outs.len());
            let max_left = call.gas_limit.saturating_sub(floor);
            if floor > call.gas_limit {
                return out_of_gas(gas);
            }
            gas.set_remaining(gas.remaining().min(max_left));
            gas.record_refund(data.refund);
            result(InstructionResult::Return, data.outs.into(), gas)
        }
        Ok(_) => {
            let floor = evm_memory_gas(data.outs.len());
            if floor > call.gas_limit {
                return out_of_gas(gas);
            }
            gas.set_remaining(gas.remaining().min(call.gas_limit - floor));
            result(InstructionResult::Revert, data.outs.into(), gas)
        }
        // A trap or a failed hostio: a revert with no data, unused gas returned.
        Err(r) => result(r, Bytes::new(), gas),
    }
}

/// Frame data for a call into `address`.
pub fn frame(address: Address, caller: Address, value: U256, is_static: bool, reentrant: bool) -> FrameInfo {
    FrameInfo { address, caller, value, is_static, reentrant }
}
