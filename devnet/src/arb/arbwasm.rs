//! ArbWasm (0x71): activation and the Stylus parameters (spec §3.4). Activation records live in
//! ArbWasm's own storage, keyed by code hash, so they follow reverts, snapshots and state dumps.

use alloy_primitives::{keccak256, Address, Log, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use revm::{
    context_interface::{Block, ContextTr, JournalTr},
    interpreter::{CallInputs, InterpreterResult},
};

use super::{
    abi::IArbWasm::{self, IArbWasmCalls},
    decode, ok, revert_with, ARB_WASM, VIEW_GAS,
};
use crate::{evm::DevCtx, stylus::pricing};

/// Gas activation burns (Nitro's computation charge; its constant `ActivationGas` part is folded in).
pub const ACTIVATION_GAS: u64 = 1_659_168;
/// Data fee floor per estimated native byte, in wei (Nitro's `minPrice` at zero demand).
const DATA_PRICE_WEI: u64 = 82_928_201;
/// Nitro's minimum native-size estimate.
const MIN_ASM_ESTIMATE: u64 = 512_000;
const EXPIRY_DAYS: u16 = 365;
const KEEPALIVE_DAYS: u16 = 31;
const MAX_STACK_DEPTH: u32 = 22_000;
const PAGE_RAMP: u64 = 620_674_314;
const MIN_INIT_GAS: u64 = 69;
const MIN_CACHED_INIT_GAS: u64 = 11;

/// What activation stored for a code hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activation {
    /// Stylus version the program was activated against.
    pub version: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// Estimated native size in bytes.
    pub asm_estimate: u32,
    /// Block timestamp of activation.
    pub activated_at: u64,
}

impl Activation {
    fn pack(&self) -> U256 {
        (U256::from(self.version) << 240)
            | (U256::from(self.footprint) << 224)
            | (U256::from(self.asm_estimate) << 192)
            | (U256::from(self.activated_at) << 128)
            | U256::from(1)
    }

    fn unpack(word: U256) -> Option<Self> {
        if word.is_zero() {
            return None;
        }
        let part = |shift: usize, bits: usize| (word >> shift) & ((U256::from(1) << bits) - U256::from(1));
        Some(Self { version: part(240, 16).to(), footprint: part(224, 16).to(), asm_estimate: part(192, 32).to(), activated_at: part(128, 64).to() })
    }
}

/// Reads the activation record for `codehash` through the journal.
pub fn activation(ctx: &mut DevCtx, codehash: B256) -> Option<Activation> {
    let journal = ctx.journal_mut();
    journal.load_account(ARB_WASM).ok()?;
    let word = journal.sload(ARB_WASM, codehash.into()).ok()?.data;
    Activation::unpack(word)
}

fn store_activation(ctx: &mut DevCtx, codehash: B256, record: Activation) {
    let journal = ctx.journal_mut();
    if journal.load_account(ARB_WASM).is_ok() {
        let _ = journal.sstore(ARB_WASM, codehash.into(), record.pack());
    }
}

/// Why a program can't be called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inactive {
    /// Never activated (or not a program).
    NotActivated,
    /// Activated against an older Stylus version.
    NeedsUpgrade(u16),
    /// Older than the expiry.
    Expired(u64),
}

/// Checks that `codehash` is active at the current version and not expired.
pub fn check_active(ctx: &mut DevCtx, codehash: B256) -> Result<Activation, Inactive> {
    let record = activation(ctx, codehash).ok_or(Inactive::NotActivated)?;
    if record.version != ctx.chain.params.stylus_version {
        return Err(Inactive::NeedsUpgrade(record.version));
    }
    let now: u64 = ctx.block.timestamp().saturating_to();
    let age = now.saturating_sub(record.activated_at);
    if age > u64::from(EXPIRY_DAYS) * 86_400 {
        return Err(Inactive::Expired(age));
    }
    Ok(record)
}

/// The revert data Nitro returns for an inactive program.
pub fn inactive_error(ctx: &DevCtx, why: Inactive) -> Vec<u8> {
    use alloy_sol_types::SolError;
    match why {
        Inactive::NotActivated => IArbWasm::ProgramNotActivated {}.abi_encode(),
        Inactive::NeedsUpgrade(v) => IArbWasm::ProgramNeedsUpgrade { version: v, stylusVersion: ctx.chain.params.stylus_version }.abi_encode(),
        Inactive::Expired(age) => IArbWasm::ProgramExpired { ageInSeconds: age }.abi_encode(),
    }
}

/// The data fee for activating a program of `wasm_len` bytes.
pub fn data_fee(asm_estimate: u32) -> U256 {
    U256::from(asm_estimate) * U256::from(DATA_PRICE_WEI)
}

/// Validates, compiles and records a program. Returns the record and the module hash.
pub fn activate(ctx: &mut DevCtx, program: Address) -> Result<(Activation, B256), Vec<u8>> {
    use alloy_sol_types::SolError;
    let (code, codehash) = {
        let Ok(acc) = ctx.journal_mut().load_account_with_code(program);
        let code = acc.info.code.as_ref().map(|c| c.original_bytes()).unwrap_or_default();
        (code, acc.info.code_hash)
    };
    if !crate::stylus::is_stylus_program(&code) {
        return Err(IArbWasm::ProgramNotWasm {}.abi_encode());
    }
    let compiled = ctx.chain.runtime.compile(codehash, &code).map_err(|e| e.to_string().into_bytes())?;
    let record = Activation {
        version: ctx.chain.params.stylus_version,
        footprint: compiled.footprint,
        asm_estimate: (compiled.wasm_len as u64 * 4).max(MIN_ASM_ESTIMATE) as u32,
        activated_at: ctx.block.timestamp().saturating_to(),
    };
    store_activation(ctx, codehash, record);
    Ok((record, keccak256(compiled.wasm_len.to_be_bytes()).into_with_hash(codehash)))
}

trait ModuleHash {
    fn into_with_hash(self, codehash: B256) -> B256;
}

impl ModuleHash for B256 {
    // The module hash identifies the compiled artefact; the devnet derives it from the code hash.
    fn into_with_hash(self, codehash: B256) -> B256 {
        keccak256([self.as_slice(), codehash.as_slice()].concat())
    }
}

fn program_codehash(ctx: &mut DevCtx, program: Address) -> B256 {
    ctx.journal_mut().code_hash(program).map(|c| c.data).unwrap_or_default()
}

/// Handles a call to ArbWasm.
pub fn call(ctx: &mut DevCtx, inputs: &CallInputs) -> InterpreterResult {
    let call = match decode::<IArbWasmCalls>(ctx, inputs) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let gas = inputs.gas_limit;
    let version = ctx.chain.params.stylus_version;
    let active = |ctx: &mut DevCtx, codehash: B256| -> Result<Activation, InterpreterResult> {
        check_active(ctx, codehash).map_err(|why| super::revert(inactive_error(ctx, why).into(), gas, VIEW_GAS))
    };
    macro_rules! ret {
        ($call:ty, $value:expr) => {
            ok(<$call>::abi_encode_returns(&$value), gas, VIEW_GAS)
        };
    }
    match call {
        IArbWasmCalls::activateProgram(c) => activate_program(ctx, inputs, c.program),
        IArbWasmCalls::stylusVersion(_) => ret!(IArbWasm::stylusVersionCall, version),
        IArbWasmCalls::codehashVersion(c) => match active(ctx, c.codehash) {
            Ok(r) => ret!(IArbWasm::codehashVersionCall, r.version),
            Err(e) => e,
        },
        IArbWasmCalls::programVersion(c) => {
            let h = program_codehash(ctx, c.program);
            match active(ctx, h) {
                Ok(r) => ret!(IArbWasm::programVersionCall, r.version),
                Err(e) => e,
            }
        }
        IArbWasmCalls::codehashAsmSize(c) => match active(ctx, c.codehash) {
            Ok(r) => ret!(IArbWasm::codehashAsmSizeCall, r.asm_estimate),
            Err(e) => e,
        },
        IArbWasmCalls::codehashKeepalive(c) => match active(ctx, c.codehash) {
            Ok(r) => {
                let now: u64 = ctx.block.timestamp().saturating_to();
                let age = now.saturating_sub(r.activated_at);
                revert_with(IArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }, gas, VIEW_GAS)
            }
            Err(e) => e,
        },
        IArbWasmCalls::programInitGas(c) => {
            let h = program_codehash(ctx, c.program);
            match active(ctx, h) {
                Ok(_) => ok(
                    IArbWasm::programInitGasCall::abi_encode_returns(&IArbWasm::programInitGasReturn {
                        gas: MIN_INIT_GAS * 128,
                        gasWhenCached: MIN_CACHED_INIT_GAS * 32,
                    }),
                    gas,
                    VIEW_GAS,
                ),
                Err(e) => e,
            }
        }
        IArbWasmCalls::programMemoryFootprint(c) => {
            let h = program_codehash(ctx, c.program);
            match active(ctx, h) {
                Ok(r) => ret!(IArbWasm::programMemoryFootprintCall, r.footprint),
                Err(e) => e,
            }
        }
        IArbWasmCalls::programTimeLeft(c) => {
            let h = program_codehash(ctx, c.program);
            match active(ctx, h) {
                Ok(r) => {
                    let now: u64 = ctx.block.timestamp().saturating_to();
                    let left = (u64::from(EXPIRY_DAYS) * 86_400).saturating_sub(now.saturating_sub(r.activated_at));
                    ret!(IArbWasm::programTimeLeftCall, left)
                }
                Err(e) => e,
            }
        }
        IArbWasmCalls::inkPrice(_) => ret!(IArbWasm::inkPriceCall, ctx.chain.params.ink_price),
        IArbWasmCalls::maxStackDepth(_) => ret!(IArbWasm::maxStackDepthCall, MAX_STACK_DEPTH),
        IArbWasmCalls::freePages(_) => ret!(IArbWasm::freePagesCall, pricing::FREE_PAGES),
        IArbWasmCalls::pageGas(_) => ret!(IArbWasm::pageGasCall, pricing::PAGE_GAS),
        IArbWasmCalls::pageRamp(_) => ret!(IArbWasm::pageRampCall, PAGE_RAMP),
        IArbWasmCalls::pageLimit(_) => ret!(IArbWasm::pageLimitCall, pricing::PAGE_LIMIT),
        IArbWasmCalls::minInitGas(_) => ok(
            IArbWasm::minInitGasCall::abi_encode_returns(&IArbWasm::minInitGasReturn { gas: MIN_INIT_GAS * 128, cached: MIN_CACHED_INIT_GAS * 32 }),
            gas,
            VIEW_GAS,
        ),
        IArbWasmCalls::initCostScalar(_) => ret!(IArbWasm::initCostScalarCall, 100u64),
        IArbWasmCalls::expiryDays(_) => ret!(IArbWasm::expiryDaysCall, EXPIRY_DAYS),
        IArbWasmCalls::keepaliveDays(_) => ret!(IArbWasm::keepaliveDaysCall, KEEPALIVE_DAYS),
        IArbWasmCalls::blockCacheSize(_) => ret!(IArbWasm::blockCacheSizeCall, 32u16),
    }
}

fn activate_program(ctx: &mut DevCtx, inputs: &CallInputs, program: Address) -> InterpreterResult {
    let gas = inputs.gas_limit;
    if gas < ACTIVATION_GAS {
        return super::revert(Default::default(), gas, gas);
    }
    let codehash = program_codehash(ctx, program);
    if check_active(ctx, codehash).is_ok() {
        return revert_with(IArbWasm::ProgramUpToDate {}, gas, VIEW_GAS);
    }
    let (record, module_hash) = match activate(ctx, program) {
        Ok(r) => r,
        Err(data) if data.len() == 4 => return super::revert(data.into(), gas, VIEW_GAS),
        // Validation failures burn all gas, as on Nitro.
        Err(_) => return super::revert(Default::default(), gas, gas),
    };
    let fee = data_fee(record.asm_estimate);
    let value = inputs.value.get();
    if value < fee {
        return revert_with(IArbWasm::ProgramInsufficientValue { have: value, want: fee }, gas, ACTIVATION_GAS);
    }
    // The fee goes to the network fee account (the block's beneficiary here); the rest goes back.
    let beneficiary = ctx.block.beneficiary();
    let journal = ctx.journal_mut();
    if !fee.is_zero() {
        let _ = journal.load_account(beneficiary);
        if journal.transfer(ARB_WASM, beneficiary, fee).ok().flatten().is_some() {
            return super::revert(Default::default(), gas, gas);
        }
    }
    let refund = value - fee;
    if !refund.is_zero() {
        let _ = journal.load_account(inputs.caller);
        if journal.transfer(ARB_WASM, inputs.caller, refund).ok().flatten().is_some() {
            return super::revert(Default::default(), gas, gas);
        }
    }
    let event = IArbWasm::ProgramActivated { codehash, moduleHash: module_hash, program, dataFee: fee, version: record.version };
    journal.log(Log { address: ARB_WASM, data: event.encode_log_data() });
    ok(IArbWasm::activateProgramCall::abi_encode_returns(&IArbWasm::activateProgramReturn { version: record.version, dataFee: fee }), gas, ACTIVATION_GAS)
}
