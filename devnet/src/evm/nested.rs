//! Calls and creates started from outside the EVM interpreter (Stylus hostios, native
//! precompiles): a nested EVM over the same context runs revm's frame loop for them.

use alloy_primitives::Address;
use revm::{
    context_interface::{ContextTr, JournalTr, LocalContextTr},
    handler::{EvmTr, FrameResult, ItemOrResult},
    interpreter::{interpreter_action::FrameInit, CallInputs, CreateInputs, FrameInput, InterpreterResult, SharedMemory},
};

use super::{failed, DevCtx, DevEvm};

fn run(ctx: &mut DevCtx, frame_input: FrameInput) -> Option<FrameResult> {
    // Nested frames must share the transaction's memory buffer: precompiles and Stylus programs
    // resolve call inputs as ranges of it. They start past what the open frames use, and the
    // buffer is cut back when they are done.
    let buffer = ctx.local().shared_memory_buffer().clone();
    let start = buffer.borrow().len();
    let result = run_frames(ctx, frame_input, buffer.clone());
    buffer.borrow_mut().truncate(start);
    result
}

fn run_frames(ctx: &mut DevCtx, frame_input: FrameInput, buffer: std::rc::Rc<std::cell::RefCell<Vec<u8>>>) -> Option<FrameResult> {
    let depth = ctx.journal().depth();
    let memory = SharedMemory::new_with_buffer(buffer).new_child_context();
    let mut evm = DevEvm::new(ctx);
    let init = FrameInit { depth, memory, frame_input };
    let first = evm.frame_init(init).ok()?;
    if let ItemOrResult::Result(r) = first {
        return Some(r);
    }
    loop {
        let result = match evm.frame_run().ok()? {
            ItemOrResult::Item(init) => match evm.frame_init(init).ok()? {
                ItemOrResult::Item(_) => continue,
                ItemOrResult::Result(r) => r,
            },
            ItemOrResult::Result(r) => r,
        };
        if let Some(r) = evm.frame_return_result(result).ok()? {
            return Some(r);
        }
    }
}

/// Runs a call frame to completion.
pub fn call(ctx: &mut DevCtx, inputs: CallInputs) -> InterpreterResult {
    let gas_limit = inputs.gas_limit;
    match run(ctx, FrameInput::Call(Box::new(inputs))) {
        Some(FrameResult::Call(outcome)) => outcome.result,
        _ => failed(gas_limit),
    }
}

/// Runs a create frame to completion; returns the new address when there is one.
pub fn create(ctx: &mut DevCtx, inputs: CreateInputs) -> (InterpreterResult, Option<Address>) {
    let gas_limit = inputs.gas_limit();
    match run(ctx, FrameInput::Create(Box::new(inputs))) {
        Some(FrameResult::Create(outcome)) => (outcome.result, outcome.address),
        _ => (failed(gas_limit), None),
    }
}
