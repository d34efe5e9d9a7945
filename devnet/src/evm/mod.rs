//! revm 43 wired for an Arbitrum-style chain: the context type, the precompile provider that
//! claims Stylus programs and ArbOS precompiles, and an EVM wrapper that counts open frames for
//! `msg_reentrant` and exempts only Stylus code from EIP-3541.

pub mod nested;

use std::{collections::HashMap, convert::Infallible, rc::Rc};

use alloy_primitives::{Address, B256};
use revm::{
    context::{BlockEnv, CfgEnv, Context, Evm, FrameStack, Journal, TxEnv},
    context_interface::{
        result::{EVMError, ExecutionResult, InvalidTransaction},
        ContextTr, JournalTr,
    },
    database::{CacheDB, EmptyDB},
    handler::{
        evm::{ContextDbError, FrameInitResult, FrameTr},
        instructions::{EthInstructions, InstructionProvider},
        EthFrame, EthPrecompiles, EvmTr, FrameData, FrameInitOrResult, FrameResult, Handler, ItemOrResult, MainnetHandler, PrecompileProvider,
    },
    interpreter::{interpreter::EthInterpreter, CallInputs, CallScheme, FrameInput, InstructionResult, InterpreterAction, InterpreterResult},
    primitives::{hardfork::SpecId, AddressSet},
    state::EvmState,
    DatabaseCommit,
};

use crate::{
    arb,
    stylus::{self, StylusRuntime},
};

/// The state database: everything in memory.
pub type DevDb = CacheDB<EmptyDB>;
/// The execution context.
pub type DevCtx = Context<BlockEnv, TxEnv, CfgEnv, DevDb, Journal<DevDb>, ArbChain>;
/// Errors a transaction can fail with before executing.
pub type DevError = EVMError<Infallible, InvalidTransaction>;

/// ArbOS parameters the devnet exposes.
#[derive(Debug, Clone)]
pub struct ArbParams {
    /// Ink per gas.
    pub ink_price: u32,
    /// The Stylus version programs are activated against.
    pub stylus_version: u16,
    /// ArbOS version (ArbSys reports 55 more, as Nitro does).
    pub arbos_version: u64,
    /// Whether programs are activated automatically when called (like arbos-foundry's option).
    pub auto_activate: bool,
}

impl Default for ArbParams {
    fn default() -> Self {
        Self { ink_price: stylus::pricing::DEFAULT_INK_PRICE, stylus_version: 2, arbos_version: 40, auto_activate: false }
    }
}

/// Chain-specific state carried in revm's context: the Stylus runtime and per-transaction
/// bookkeeping.
#[derive(Clone)]
pub struct ArbChain {
    /// wasmi engine and compiled-module cache.
    pub runtime: Rc<StylusRuntime>,
    /// ArbOS parameters.
    pub params: ArbParams,
    /// Open non-delegate frames per address (for `msg_reentrant`).
    pub open_frames: HashMap<Address, u32>,
    /// Wasm pages open in this transaction.
    pub pages_open: u16,
    /// High-water mark of open pages in this transaction.
    pub pages_ever: u16,
}

impl std::fmt::Debug for ArbChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArbChain").field("params", &self.params).finish_non_exhaustive()
    }
}

impl ArbChain {
    /// A chain with a fresh runtime.
    pub fn new(params: ArbParams) -> Self {
        Self { runtime: StylusRuntime::new(), params, open_frames: HashMap::new(), pages_open: 0, pages_ever: 0 }
    }

    fn reset_tx(&mut self) {
        self.open_frames.clear();
        self.pages_open = 0;
        self.pages_ever = 0;
    }
}

/// Ethereum precompiles plus the ArbOS ones, Stylus programs and the native StylusDeployer.
#[derive(Debug, Clone)]
pub struct DevPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
}

impl DevPrecompiles {
    /// Precompiles for `spec`.
    pub fn new(spec: SpecId) -> Self {
        let eth = EthPrecompiles::new(spec);
        let mut warm = eth.warm_addresses().clone();
        warm.extend(arb::PRECOMPILES);
        Self { eth, warm }
    }
}

impl<'a> PrecompileProvider<&'a mut DevCtx> for DevPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: SpecId) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<DevCtx>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = self.eth.warm_addresses().clone();
            self.warm.extend(arb::PRECOMPILES);
        }
        changed
    }

    fn run(&mut self, ctx: &mut &'a mut DevCtx, inputs: &CallInputs) -> Result<Option<InterpreterResult>, String> {
        let ctx: &mut DevCtx = ctx;
        if let Some(result) = arb::dispatch(ctx, inputs) {
            return Ok(Some(result));
        }
        if stylus::is_stylus_program(inputs.known_bytecode.1.original_byte_slice()) {
            return Ok(Some(arb::programs::call(ctx, inputs)));
        }
        <EthPrecompiles as PrecompileProvider<DevCtx>>::run(&mut self.eth, ctx, inputs)
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }
}

type Inner<'a> = Evm<&'a mut DevCtx, (), EthInstructions<EthInterpreter, &'a mut DevCtx>, DevPrecompiles, EthFrame<EthInterpreter>>;

/// revm's mainnet EVM with two Arbitrum rules added around its frames.
pub struct DevEvm<'a> {
    inner: Inner<'a>,
    counted: Vec<Option<Address>>,
}

impl<'a> DevEvm<'a> {
    /// An EVM over `ctx`.
    pub fn new(ctx: &'a mut DevCtx) -> Self {
        let spec = ctx.cfg.spec;
        let mut inner = Evm::new(ctx, EthInstructions::new_mainnet_with_spec(spec), DevPrecompiles::new(spec));
        inner.frame_stack = FrameStack::new_prealloc(2);
        Self { inner, counted: Vec::new() }
    }

    fn uncount(&mut self, address: Option<Address>) {
        if let Some(a) = address {
            if let Some(n) = self.inner.ctx.chain.open_frames.get_mut(&a) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

impl<'a> EvmTr for DevEvm<'a> {
    type Context = &'a mut DevCtx;
    type Instructions = EthInstructions<EthInterpreter, &'a mut DevCtx>;
    type Precompiles = DevPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(&self) -> (&Self::Context, &Self::Instructions, &Self::Precompiles, &FrameStack<Self::Frame>) {
        self.inner.all()
    }

    fn all_mut(&mut self) -> (&mut Self::Context, &mut Self::Instructions, &mut Self::Precompiles, &mut FrameStack<Self::Frame>) {
        self.inner.all_mut()
    }

    fn frame_init(&mut self, frame_input: <Self::Frame as FrameTr>::FrameInit) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Self::Context>> {
        // Nitro counts every open frame of an address except those entered by DELEGATECALL or
        // CALLCODE; a Stylus program runs inside `frame_init`, so count before it.
        let counted = match &frame_input.frame_input {
            FrameInput::Call(c) if !matches!(c.scheme, CallScheme::DelegateCall | CallScheme::CallCode) => Some(c.target_address),
            _ => None,
        };
        if let Some(a) = counted {
            *self.inner.ctx.chain.open_frames.entry(a).or_default() += 1;
        }
        let res = self.inner.frame_init(frame_input)?.map_item(|_| ());
        match res {
            ItemOrResult::Item(()) => {
                self.counted.push(counted);
                Ok(ItemOrResult::Item(self.inner.frame_stack.get()))
            }
            ItemOrResult::Result(r) => {
                self.uncount(counted);
                Ok(ItemOrResult::Result(r))
            }
        }
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Self::Context>> {
        let frame = self.inner.frame_stack.get();
        let ctx = &mut self.inner.ctx;
        let instructions = &mut self.inner.instruction;
        let action = frame.interpreter.run_plain(instructions.instruction_table(), instructions.gas_table(), ctx);
        // Arbitrum exempts exactly the Stylus formats from EIP-3541.
        let relax =
            matches!(frame.data, FrameData::Create(_)) && matches!(&action, InterpreterAction::Return(r) if stylus::code::is_stylus_deployable(&r.output));
        if relax {
            ctx.cfg.disable_eip3541 = true;
        }
        let out = frame.process_next_action::<_, ContextDbError<Self::Context>>(ctx, action).inspect(|i| {
            if i.is_result() {
                frame.set_finished(true);
            }
        });
        if relax {
            ctx.cfg.disable_eip3541 = false;
        }
        out
    }

    fn frame_return_result(
        &mut self,
        result: <Self::Frame as FrameTr>::FrameResult,
    ) -> Result<Option<<Self::Frame as FrameTr>::FrameResult>, ContextDbError<Self::Context>> {
        if self.inner.frame_stack.get().is_finished() {
            let counted = self.counted.pop().flatten();
            self.uncount(counted);
        }
        self.inner.frame_return_result(result)
    }
}

/// The outcome of one transaction.
#[derive(Debug)]
pub struct TxOutcome {
    /// What happened.
    pub result: ExecutionResult,
    /// The state changes (already committed when asked to).
    pub state: EvmState,
}

/// Runs `tx` against `ctx`'s database; commits when `commit` is set.
pub fn transact(ctx: &mut DevCtx, tx: TxEnv, commit: bool) -> Result<TxOutcome, DevError> {
    ctx.tx = tx;
    ctx.chain.reset_tx();
    let result = {
        let mut evm = DevEvm::new(ctx);
        MainnetHandler::<_, DevError, EthFrame<EthInterpreter>>::default().run(&mut evm)
    };
    let state = ctx.journal_mut().finalize();
    let result = result?;
    if commit {
        ctx.journal_mut().db_mut().commit(state.clone());
    }
    Ok(TxOutcome { result, state })
}

/// A result for a frame that couldn't run (context errors can't happen with an in-memory
/// database, but are mapped rather than unwrapped).
pub(crate) fn failed(gas_limit: u64) -> InterpreterResult {
    let mut gas = revm::interpreter::Gas::new(gas_limit);
    gas.spend_all();
    InterpreterResult::new(InstructionResult::FatalExternalError, Default::default(), gas)
}

/// The code hash for an account's code bytes.
pub fn code_hash(code: &[u8]) -> B256 {
    if code.is_empty() {
        revm::primitives::KECCAK_EMPTY
    } else {
        alloy_primitives::keccak256(code)
    }
}

#[allow(unused_imports)]
use FrameResult as _;
