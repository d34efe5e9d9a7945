//! The `vm_hooks` imports (spec §2.2): every hostio a Stylus program may call, charged in ink
//! the way Nitro charges it, with state reached through revm's journal.

use std::collections::HashMap;

use alloy_primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use revm::{
    context_interface::{Block, Cfg, ContextTr, Host, JournalTr, Transaction},
    interpreter::{instructions::contract::load_account_delegated, CallInput, CallInputs, CallScheme, CallValue, CreateInputs, CreateScheme},
};
use wasmi::{errors::HostError, Caller, Error, Linker, Memory, ResourceLimiter};

use super::pricing::{self, ADD_MOD_INK, DIV_INK, EVM_API_INK, HOSTIO_INK, INK_PER_FUEL, MUL_MOD_INK, PTR_INK};
use crate::evm::{nested, DevCtx};

/// How a hostio stops the program early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// The program ran out of ink (or gas inside a hostio).
    OutOfInk,
    /// `exit_early(status)`.
    Exit(u32),
    /// A hostio that Nitro answers with a revert (e.g. a write in a static context).
    Revert,
    /// The program asked for something impossible (bad log, bad memory range...).
    Failure,
}

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl HostError for Escape {}

/// The frame a program runs in: who called it, at which address, with which value.
#[derive(Debug, Clone)]
pub struct FrameInfo {
    /// ADDRESS: whose storage the program uses.
    pub address: Address,
    /// CALLER.
    pub caller: Address,
    /// CALLVALUE (the apparent value for delegate calls).
    pub value: U256,
    /// Whether state changes are forbidden.
    pub is_static: bool,
    /// Whether another non-delegate frame of this address is open.
    pub reentrant: bool,
}

/// A slot in the per-call storage cache.
#[derive(Debug, Clone, Copy)]
struct CachedSlot {
    value: B256,
    dirty: bool,
}

/// Memory growth seen by wasmi's limiter but not yet paid for (the limiter can't reach the fuel).
#[derive(Debug, Default)]
pub struct GrowLimiter {
    /// Pages grown since the last settlement.
    pub pending_pages: u16,
    /// Pages the module has right now.
    pub pages: u16,
}

impl ResourceLimiter for GrowLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> Result<bool, wasmi_core::LimiterError> {
        let page = 65_536;
        let (current, desired) = (current / page, desired / page);
        if desired > usize::from(pricing::PAGE_LIMIT) {
            return Ok(false);
        }
        let grown = desired.saturating_sub(current) as u16;
        self.pending_pages = self.pending_pages.saturating_add(grown);
        self.pages = desired as u16;
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> Result<bool, wasmi_core::LimiterError> {
        Ok(desired <= 4096)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }
}

/// Everything a running program's hostios need. Lives in the wasmi `Store`.
pub struct HostData {
    /// The chain context. Valid only while [`super::exec::run`] is on the stack; see there.
    pub env: *mut DevCtx,
    /// The frame.
    pub frame: FrameInfo,
    /// Calldata.
    pub args: Bytes,
    /// Output or revert data set by `write_result`.
    pub outs: Vec<u8>,
    /// Return data of the last call or create.
    pub return_data: Bytes,
    /// The module's exported memory, set after instantiation.
    pub memory: Option<Memory>,
    /// Memory growth bookkeeping.
    pub limiter: GrowLimiter,
    /// EVM gas refund accumulated by storage writes.
    pub refund: i64,
    /// Ink per gas.
    pub ink_price: u64,
    cache: HashMap<B256, CachedSlot>,
    reads: u32,
    writes: u32,
}

impl HostData {
    /// Sets up the data for one invocation.
    pub fn new(env: *mut DevCtx, frame: FrameInfo, args: Bytes, ink_price: u64) -> Self {
        Self {
            env,
            frame,
            args,
            outs: Vec::new(),
            return_data: Bytes::new(),
            memory: None,
            limiter: GrowLimiter::default(),
            refund: 0,
            ink_price,
            cache: HashMap::new(),
            reads: 0,
            writes: 0,
        }
    }
}

type Cx<'a> = Caller<'a, HostData>;
type R<T = ()> = Result<T, Error>;

fn escape(e: Escape) -> Error {
    Error::host(e)
}

fn env<'a>(c: &mut Cx<'_>) -> &'a mut DevCtx {
    // SAFETY: `env` points at the DevCtx that `exec::run` borrows mutably for the whole wasm call
    // and doesn't touch until the call returns; hostios run strictly inside that call on the
    // same thread, and no two hostios run at once, so this is the only live reference.
    unsafe { &mut *c.data().env }
}

fn ink_left(c: &Cx<'_>) -> u64 {
    c.get_fuel().unwrap_or(0).saturating_mul(INK_PER_FUEL)
}

fn gas_left(c: &Cx<'_>) -> u64 {
    ink_left(c) / c.data().ink_price
}

/// Burns `ink`, settling any unpaid memory growth first.
fn charge(c: &mut Cx<'_>, ink: u64) -> R {
    settle_memory(c)?;
    burn(c, ink)
}

fn burn(c: &mut Cx<'_>, ink: u64) -> R {
    let fuel = c.get_fuel().unwrap_or(0);
    let cost = ink.div_ceil(INK_PER_FUEL);
    if cost > fuel {
        let _ = c.set_fuel(0);
        return Err(escape(Escape::OutOfInk));
    }
    let _ = c.set_fuel(fuel - cost);
    Ok(())
}

fn buy_gas(c: &mut Cx<'_>, gas: u64) -> R {
    let ink = gas.saturating_mul(c.data().ink_price);
    burn(c, ink)
}

/// Checks that `gas` is available without burning it (Nitro's sentries).
fn require_gas(c: &Cx<'_>, gas: u64) -> R {
    if gas_left(c) < gas {
        return Err(escape(Escape::OutOfInk));
    }
    Ok(())
}

/// Charges the memory model for pages wasmi grew since the last hostio.
pub fn settle_memory(c: &mut Cx<'_>) -> R {
    let pages = std::mem::take(&mut c.data_mut().limiter.pending_pages);
    if pages == 0 {
        return Ok(());
    }
    let chain = &mut env(c).chain;
    let gas = pricing::memory_gas(pages, chain.pages_open, chain.pages_ever);
    chain.pages_open = chain.pages_open.saturating_add(pages);
    chain.pages_ever = chain.pages_ever.max(chain.pages_open);
    buy_gas(c, gas)
}

fn memory(c: &Cx<'_>) -> R<Memory> {
    c.data().memory.ok_or_else(|| escape(Escape::Failure))
}

fn read(c: &Cx<'_>, ptr: u32, len: u32) -> R<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    memory(c)?.read(c, ptr as usize, &mut buf).map_err(|_| escape(Escape::Failure))?;
    Ok(buf)
}

fn read32(c: &Cx<'_>, ptr: u32) -> R<B256> {
    let mut buf = [0u8; 32];
    memory(c)?.read(c, ptr as usize, &mut buf).map_err(|_| escape(Escape::Failure))?;
    Ok(B256::from(buf))
}

fn read_u256(c: &Cx<'_>, ptr: u32) -> R<U256> {
    Ok(U256::from_be_bytes(read32(c, ptr)?.0))
}

fn read_address(c: &Cx<'_>, ptr: u32) -> R<Address> {
    let mut buf = [0u8; 20];
    memory(c)?.read(c, ptr as usize, &mut buf).map_err(|_| escape(Escape::Failure))?;
    Ok(Address::from(buf))
}

fn write(c: &mut Cx<'_>, ptr: u32, bytes: &[u8]) -> R {
    let mem = memory(c)?;
    mem.write(c, ptr as usize, bytes).map_err(|_| escape(Escape::Failure))
}

fn write_u32(c: &mut Cx<'_>, ptr: u32, value: u32) -> R {
    write(c, ptr, &value.to_le_bytes())
}

fn cache_read_gas(reads: u32) -> u64 {
    match reads {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

fn cache_write_gas(writes: u32) -> u64 {
    match writes {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

const SSTORE_SENTRY_GAS: u64 = 2_300;
const COLD_SLOAD_GAS: u64 = 2_100;
const EVM_API_GAS: u64 = EVM_API_INK.div_ceil(10_000);

fn storage_load(c: &mut Cx<'_>, key: B256) -> R<B256> {
    charge(c, HOSTIO_INK + 2 * PTR_INK)?;
    require_gas(c, COLD_SLOAD_GAS + 10 + EVM_API_GAS)?;
    c.data_mut().reads += 1;
    let reads = c.data().reads;
    buy_gas(c, cache_read_gas(reads))?;
    if let Some(slot) = c.data().cache.get(&key) {
        return Ok(slot.value);
    }
    let address = c.data().frame.address;
    let ctx = env(c);
    let loaded = ctx.sload(address, key.into()).ok_or_else(|| escape(Escape::Failure))?;
    let gas = if loaded.is_cold { COLD_SLOAD_GAS } else { 100 };
    let value = B256::from(loaded.data);
    c.data_mut().cache.insert(key, CachedSlot { value, dirty: false });
    buy_gas(c, gas)?;
    burn(c, EVM_API_INK)?;
    Ok(value)
}

/// Writes dirty slots to the journal, paying SSTORE gas; optionally drops the cache.
fn flush_cache(c: &mut Cx<'_>, clear: bool) -> R {
    let dirty: Vec<(B256, B256)> = c.data().cache.iter().filter(|(_, s)| s.dirty).map(|(k, s)| (*k, s.value)).collect();
    if !dirty.is_empty() && c.data().frame.is_static {
        return Err(escape(Escape::Revert));
    }
    let address = c.data().frame.address;
    let mut dirty = dirty;
    // Deterministic order, so gas and journal entries don't depend on hash-map order.
    dirty.sort_by_key(|(k, _)| *k);
    for (key, value) in dirty {
        let ctx = env(c);
        let result = ctx.journal_mut().sstore(address, key.into(), value.into()).map_err(|_| escape(Escape::Failure))?;
        let params = ctx.cfg().gas_params();
        let gas = params.sstore_static_gas() + params.sstore_dynamic_gas(true, &result.data, result.is_cold);
        let refund = params.sstore_refund(true, &result.data);
        c.data_mut().refund += refund;
        buy_gas(c, gas)?;
    }
    let data = c.data_mut();
    if clear {
        data.cache.clear();
    } else {
        for slot in data.cache.values_mut() {
            slot.dirty = false;
        }
    }
    Ok(())
}

/// Gas for touching an account (EIP-2929): 100 warm, 2,600 cold.
fn touch(c: &mut Cx<'_>, address: Address) -> R<u64> {
    let ctx = env(c);
    let load = ctx.balance(address).ok_or_else(|| escape(Escape::Failure))?;
    Ok(if load.is_cold { 2_600 } else { 100 })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CallKind {
    Call,
    Delegate,
    Static,
}

/// Runs a CALL/DELEGATECALL/STATICCALL with the EVM's rules: 2929 access cost, value transfer
/// and new-account charges, the 63/64 rule and the stipend.
#[allow(clippy::too_many_arguments)]
fn do_call(c: &mut Cx<'_>, kind: CallKind, addr: u32, data: u32, len: u32, value: Option<u32>, gas: u64, ret_len: u32) -> R<u32> {
    charge(c, HOSTIO_INK + 3 * PTR_INK + EVM_API_INK + 2 * pricing::read_price(u64::from(len)))?;
    let target = read_address(c, addr)?;
    let input = Bytes::from(read(c, data, len)?);
    let value = match value {
        Some(ptr) => read_u256(c, ptr)?,
        None => U256::ZERO,
    };
    let frame = c.data().frame.clone();
    if kind == CallKind::Call && frame.is_static && !value.is_zero() {
        return Err(escape(Escape::Revert));
    }
    // The callee must not see writes the program hasn't flushed; the SDK flushes first, and
    // Nitro drops nothing here, so neither do we.
    let transfers = kind == CallKind::Call && !value.is_zero();
    let ctx = env(c);
    let remaining = gas_left(c);
    let mut cost = ctx.cfg().gas_params().warm_storage_read_cost();
    if transfers {
        cost += ctx.cfg().gas_params().transfer_value_cost();
    }
    let spec = ctx.cfg.spec;
    let (extra, _, bytecode, code_hash) =
        load_account_delegated(ctx, spec, remaining.saturating_sub(cost), target, transfers, kind == CallKind::Call).map_err(|_| escape(Escape::Failure))?;
    cost += extra;
    if cost > remaining {
        let _ = c.set_fuel(0);
        return Err(escape(Escape::OutOfInk));
    }
    let available = remaining - cost;
    let mut gas_limit = gas.min(available - available / 64);
    buy_gas(c, cost + gas_limit)?;
    if transfers {
        gas_limit += ctx.cfg().gas_params().call_stipend();
    }
    let (target_address, caller, call_value, scheme) = match kind {
        CallKind::Call => (target, frame.address, CallValue::Transfer(value), CallScheme::Call),
        CallKind::Static => (target, frame.address, CallValue::Transfer(U256::ZERO), CallScheme::StaticCall),
        CallKind::Delegate => (frame.address, frame.caller, CallValue::Apparent(frame.value), CallScheme::DelegateCall),
    };
    let inputs = CallInputs {
        input: CallInput::Bytes(input),
        return_memory_offset: 0..0,
        gas_limit,
        reservoir: 0,
        bytecode_address: target,
        known_bytecode: (code_hash, bytecode),
        target_address,
        caller,
        value: call_value,
        scheme,
        is_static: frame.is_static || kind == CallKind::Static,
        charged_new_account_state_gas: false,
    };
    let result = nested::call(env(c), inputs);
    // Unused gas comes back, the stipend included, exactly as for the EVM's CALL.
    let returned = result.gas.remaining();
    refund_gas(c, returned);
    if result.result.is_ok() {
        c.data_mut().refund += result.gas.refunded();
    }
    let status = u32::from(!result.result.is_ok());
    let len = result.output.len() as u32;
    c.data_mut().return_data = result.output;
    write_u32(c, ret_len, len)?;
    Ok(status)
}

/// Gives back gas a child didn't use.
fn refund_gas(c: &mut Cx<'_>, gas: u64) {
    let ink = gas.saturating_mul(c.data().ink_price);
    let fuel = c.get_fuel().unwrap_or(0);
    let _ = c.set_fuel(fuel.saturating_add(ink / INK_PER_FUEL));
}

fn do_create(c: &mut Cx<'_>, code: u32, code_len: u32, endowment: u32, salt: Option<u32>, addr_out: u32, revert_len: u32) -> R {
    let base = if salt.is_some() { HOSTIO_INK + 4 * PTR_INK + EVM_API_INK } else { HOSTIO_INK + 3 * PTR_INK + EVM_API_INK };
    charge(c, base + 2 * pricing::read_price(u64::from(code_len)))?;
    let init_code = Bytes::from(read(c, code, code_len)?);
    let value = read_u256(c, endowment)?;
    let salt = match salt {
        Some(ptr) => Some(read_u256(c, ptr)?),
        None => None,
    };
    if c.data().frame.is_static {
        return Err(escape(Escape::Revert));
    }
    let ctx = env(c);
    let params = ctx.cfg().gas_params();
    let mut cost = params.create_cost() + params.initcode_cost(init_code.len());
    if salt.is_some() {
        cost += params.create2_cost(init_code.len());
    }
    buy_gas(c, cost)?;
    let remaining = gas_left(c);
    let gas_limit = remaining - remaining / 64;
    buy_gas(c, gas_limit)?;
    let scheme = match salt {
        Some(salt) => CreateScheme::Create2 { salt },
        None => CreateScheme::Create,
    };
    let caller = c.data().frame.address;
    let inputs = CreateInputs::new(caller, scheme, value, init_code, gas_limit, 0);
    let (result, address) = nested::create(env(c), inputs);
    refund_gas(c, result.gas.remaining());
    let ok = result.result.is_ok();
    if ok {
        c.data_mut().refund += result.gas.refunded();
    }
    let address = address.filter(|_| ok).unwrap_or_default();
    // On success the return data is empty; on revert it is the revert data.
    let return_data = if ok { Bytes::new() } else { result.output };
    let len = return_data.len() as u32;
    c.data_mut().return_data = return_data;
    write(c, addr_out, address.as_slice())?;
    write_u32(c, revert_len, len)
}

fn emit_log(c: &mut Cx<'_>, data: u32, len: u32, topics: u32) -> R {
    charge(c, HOSTIO_INK + EVM_API_INK + pricing::read_price(u64::from(len)))?;
    if topics > 4 || len < topics * 32 {
        return Err(escape(Escape::Failure));
    }
    if c.data().frame.is_static {
        return Err(escape(Escape::Revert));
    }
    let buf = read(c, data, len)?;
    let data_len = u64::from(len - topics * 32);
    buy_gas(c, 375 * (1 + u64::from(topics)) + 8 * data_len)?;
    let topics: Vec<B256> = buf[..topics as usize * 32].chunks(32).map(B256::from_slice).collect();
    let body = Bytes::copy_from_slice(&buf[topics.len() * 32..]);
    let address = c.data().frame.address;
    env(c).journal_mut().log(Log { address, data: LogData::new_unchecked(topics, body) });
    Ok(())
}

fn math2(c: &mut Cx<'_>, a: u32, b: u32, ink: u64, f: fn(U256, U256) -> U256) -> R {
    charge(c, ink)?;
    let x = read_u256(c, a)?;
    let y = read_u256(c, b)?;
    write(c, a, &f(x, y).to_be_bytes::<32>())
}

fn math3(c: &mut Cx<'_>, a: u32, b: u32, m: u32, ink: u64, f: fn(U256, U256, U256) -> U256) -> R {
    charge(c, ink)?;
    let x = read_u256(c, a)?;
    let y = read_u256(c, b)?;
    let z = read_u256(c, m)?;
    write(c, a, &f(x, y, z).to_be_bytes::<32>())
}

fn write_word(c: &mut Cx<'_>, dest: u32, word: &[u8; 32]) -> R {
    charge(c, HOSTIO_INK + PTR_INK)?;
    write(c, dest, word)
}

/// Defines every `vm_hooks` import on the linker.
pub fn link(linker: &mut Linker<HostData>) -> Result<(), wasmi::errors::LinkerError> {
    const M: &str = "vm_hooks";
    linker.func_wrap(M, "read_args", |mut c: Cx<'_>, dest: u32| -> R {
        let args = c.data().args.clone();
        charge(&mut c, HOSTIO_INK + pricing::write_price(args.len() as u64))?;
        write(&mut c, dest, &args)
    })?;
    linker.func_wrap(M, "write_result", |mut c: Cx<'_>, ptr: u32, len: u32| -> R {
        charge(&mut c, HOSTIO_INK + 2 * pricing::read_price(u64::from(len)))?;
        let outs = read(&c, ptr, len)?;
        c.data_mut().outs = outs;
        Ok(())
    })?;
    linker.func_wrap(M, "exit_early", |_c: Cx<'_>, status: u32| -> R { Err(escape(Escape::Exit(status))) })?;
    linker.func_wrap(M, "storage_load_bytes32", |mut c: Cx<'_>, key: u32, dest: u32| -> R {
        let k = read32(&c, key)?;
        let v = storage_load(&mut c, k)?;
        write(&mut c, dest, v.as_slice())
    })?;
    linker.func_wrap(M, "storage_cache_bytes32", |mut c: Cx<'_>, key: u32, value: u32| -> R {
        charge(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
        require_gas(&c, SSTORE_SENTRY_GAS + 10)?;
        let k = read32(&c, key)?;
        let v = read32(&c, value)?;
        c.data_mut().writes += 1;
        let writes = c.data().writes;
        buy_gas(&mut c, cache_write_gas(writes))?;
        c.data_mut().cache.insert(k, CachedSlot { value: v, dirty: true });
        Ok(())
    })?;
    linker.func_wrap(M, "storage_flush_cache", |mut c: Cx<'_>, clear: u32| -> R {
        charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
        require_gas(&c, SSTORE_SENTRY_GAS)?;
        flush_cache(&mut c, clear != 0)
    })?;
    linker.func_wrap(M, "transient_load_bytes32", |mut c: Cx<'_>, key: u32, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        buy_gas(&mut c, 100)?;
        let k = read32(&c, key)?;
        let address = c.data().frame.address;
        let v = env(&mut c).journal_mut().tload(address, k.into());
        write(&mut c, dest, &v.to_be_bytes::<32>())
    })?;
    linker.func_wrap(M, "transient_store_bytes32", |mut c: Cx<'_>, key: u32, value: u32| -> R {
        charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        buy_gas(&mut c, 100)?;
        if c.data().frame.is_static {
            return Err(escape(Escape::Revert));
        }
        let k = read32(&c, key)?;
        let v = read32(&c, value)?;
        let address = c.data().frame.address;
        env(&mut c).journal_mut().tstore(address, k.into(), v.into());
        Ok(())
    })?;
    linker.func_wrap(M, "call_contract", |mut c: Cx<'_>, addr: u32, data: u32, len: u32, value: u32, gas: u64, ret: u32| -> R<u32> {
        do_call(&mut c, CallKind::Call, addr, data, len, Some(value), gas, ret)
    })?;
    linker.func_wrap(M, "delegate_call_contract", |mut c: Cx<'_>, addr: u32, data: u32, len: u32, gas: u64, ret: u32| -> R<u32> {
        do_call(&mut c, CallKind::Delegate, addr, data, len, None, gas, ret)
    })?;
    linker.func_wrap(M, "static_call_contract", |mut c: Cx<'_>, addr: u32, data: u32, len: u32, gas: u64, ret: u32| -> R<u32> {
        do_call(&mut c, CallKind::Static, addr, data, len, None, gas, ret)
    })?;
    linker.func_wrap(M, "create1", |mut c: Cx<'_>, code: u32, len: u32, endowment: u32, addr: u32, revert_len: u32| -> R {
        do_create(&mut c, code, len, endowment, None, addr, revert_len)
    })?;
    linker.func_wrap(M, "create2", |mut c: Cx<'_>, code: u32, len: u32, endowment: u32, salt: u32, addr: u32, revert_len: u32| -> R {
        do_create(&mut c, code, len, endowment, Some(salt), addr, revert_len)
    })?;
    linker.func_wrap(M, "read_return_data", |mut c: Cx<'_>, dest: u32, offset: u32, size: u32| -> R<u32> {
        let data = c.data().return_data.clone();
        let start = (offset as usize).min(data.len());
        let end = start.saturating_add(size as usize).min(data.len());
        charge(&mut c, HOSTIO_INK + EVM_API_INK + pricing::write_price((end - start) as u64))?;
        write(&mut c, dest, &data[start..end])?;
        Ok((end - start) as u32)
    })?;
    linker.func_wrap(M, "return_data_size", |mut c: Cx<'_>| -> R<u32> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data().return_data.len() as u32)
    })?;
    linker.func_wrap(M, "emit_log", |mut c: Cx<'_>, data: u32, len: u32, topics: u32| -> R { emit_log(&mut c, data, len, topics) })?;
    linker.func_wrap(M, "account_balance", |mut c: Cx<'_>, addr: u32, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let address = read_address(&c, addr)?;
        let load = env(&mut c).balance(address).ok_or_else(|| escape(Escape::Failure))?;
        buy_gas(&mut c, if load.is_cold { 2_600 } else { 100 })?;
        write(&mut c, dest, &load.data.to_be_bytes::<32>())
    })?;
    linker.func_wrap(M, "account_code", |mut c: Cx<'_>, addr: u32, offset: u32, size: u32, dest: u32| -> R<u32> {
        charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
        let address = read_address(&c, addr)?;
        let gas = touch(&mut c, address)?;
        buy_gas(&mut c, gas)?;
        let code = env(&mut c).load_account_code(address).ok_or_else(|| escape(Escape::Failure))?.data;
        charge(&mut c, pricing::write_price(code.len() as u64))?;
        let start = (offset as usize).min(code.len());
        let end = start.saturating_add(size as usize).min(code.len());
        write(&mut c, dest, &code[start..end])?;
        Ok((end - start) as u32)
    })?;
    linker.func_wrap(M, "account_code_size", |mut c: Cx<'_>, addr: u32| -> R<u32> {
        charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
        let address = read_address(&c, addr)?;
        let gas = touch(&mut c, address)?;
        buy_gas(&mut c, gas)?;
        let code = env(&mut c).load_account_code(address).ok_or_else(|| escape(Escape::Failure))?.data;
        Ok(code.len() as u32)
    })?;
    linker.func_wrap(M, "account_codehash", |mut c: Cx<'_>, addr: u32, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let address = read_address(&c, addr)?;
        let gas = touch(&mut c, address)?;
        buy_gas(&mut c, gas)?;
        let hash = env(&mut c).load_account_code_hash(address).ok_or_else(|| escape(Escape::Failure))?.data;
        write(&mut c, dest, hash.as_slice())
    })?;
    linker.func_wrap(M, "evm_gas_left", |mut c: Cx<'_>| -> R<u64> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(gas_left(&c))
    })?;
    linker.func_wrap(M, "evm_ink_left", |mut c: Cx<'_>| -> R<u64> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(ink_left(&c))
    })?;
    linker.func_wrap(M, "block_basefee", |mut c: Cx<'_>, dest: u32| -> R {
        let fee = U256::from(env(&mut c).block().basefee());
        write_word(&mut c, dest, &fee.to_be_bytes::<32>())
    })?;
    linker.func_wrap(M, "block_coinbase", |mut c: Cx<'_>, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let coinbase = env(&mut c).block().beneficiary();
        write(&mut c, dest, coinbase.as_slice())
    })?;
    linker.func_wrap(M, "block_gas_limit", |mut c: Cx<'_>| -> R<u64> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(env(&mut c).block().gas_limit())
    })?;
    linker.func_wrap(M, "block_number", |mut c: Cx<'_>| -> R<u64> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(env(&mut c).block().number().saturating_to())
    })?;
    linker.func_wrap(M, "block_timestamp", |mut c: Cx<'_>| -> R<u64> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(env(&mut c).block().timestamp().saturating_to())
    })?;
    linker.func_wrap(M, "chainid", |mut c: Cx<'_>| -> R<u64> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(env(&mut c).cfg().chain_id())
    })?;
    linker.func_wrap(M, "contract_address", |mut c: Cx<'_>, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let a = c.data().frame.address;
        write(&mut c, dest, a.as_slice())
    })?;
    linker.func_wrap(M, "msg_sender", |mut c: Cx<'_>, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let a = c.data().frame.caller;
        write(&mut c, dest, a.as_slice())
    })?;
    linker.func_wrap(M, "msg_value", |mut c: Cx<'_>, dest: u32| -> R {
        let v = c.data().frame.value;
        write_word(&mut c, dest, &v.to_be_bytes::<32>())
    })?;
    linker.func_wrap(M, "msg_reentrant", |mut c: Cx<'_>| -> R<u32> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(u32::from(c.data().frame.reentrant))
    })?;
    linker.func_wrap(M, "tx_gas_price", |mut c: Cx<'_>, dest: u32| -> R {
        let ctx = env(&mut c);
        let price = U256::from(ctx.tx().effective_gas_price(u128::from(ctx.block().basefee())));
        write_word(&mut c, dest, &price.to_be_bytes::<32>())
    })?;
    linker.func_wrap(M, "tx_ink_price", |mut c: Cx<'_>| -> R<u32> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data().ink_price as u32)
    })?;
    linker.func_wrap(M, "tx_origin", |mut c: Cx<'_>, dest: u32| -> R {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let origin = env(&mut c).tx().caller();
        write(&mut c, dest, origin.as_slice())
    })?;
    linker.func_wrap(M, "native_keccak256", |mut c: Cx<'_>, data: u32, len: u32, out: u32| -> R {
        charge(&mut c, pricing::keccak_price(u64::from(len)))?;
        let bytes = read(&c, data, len)?;
        write(&mut c, out, keccak256(bytes).as_slice())
    })?;
    linker.func_wrap(M, "math_div", |mut c: Cx<'_>, a: u32, b: u32| -> R {
        math2(&mut c, a, b, HOSTIO_INK + 3 * PTR_INK + DIV_INK, |x, y| x.checked_div(y).unwrap_or_default())
    })?;
    linker.func_wrap(M, "math_mod", |mut c: Cx<'_>, a: u32, b: u32| -> R {
        math2(&mut c, a, b, HOSTIO_INK + 3 * PTR_INK + DIV_INK, |x, y| x.checked_rem(y).unwrap_or_default())
    })?;
    linker.func_wrap(M, "math_pow", |mut c: Cx<'_>, a: u32, b: u32| -> R {
        let exponent = read32(&c, b)?;
        charge(&mut c, pricing::pow_price(&exponent.0))?;
        let x = read_u256(&c, a)?;
        let y = U256::from_be_bytes(exponent.0);
        write(&mut c, a, &x.pow(y).to_be_bytes::<32>())
    })?;
    linker.func_wrap(M, "math_add_mod", |mut c: Cx<'_>, a: u32, b: u32, m: u32| -> R {
        math3(&mut c, a, b, m, HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK, |x, y, z| x.add_mod(y, z))
    })?;
    linker.func_wrap(M, "math_mul_mod", |mut c: Cx<'_>, a: u32, b: u32, m: u32| -> R {
        math3(&mut c, a, b, m, HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK, |x, y, z| x.mul_mod(y, z))
    })?;
    linker.func_wrap(M, "pay_for_memory_grow", |mut c: Cx<'_>, pages: u32| -> R {
        if pages == 0 {
            return charge(&mut c, HOSTIO_INK);
        }
        // Nitro's instrumentation calls this before `memory.grow`; wasmi's limiter charges the
        // growth itself, so an explicit call only pays the hostio.
        charge(&mut c, HOSTIO_INK)
    })?;
    Ok(())
}

/// Names of every import a program may use (module `vm_hooks`).
pub const IMPORTS: [&str; 42] = [
    "read_args",
    "write_result",
    "exit_early",
    "storage_load_bytes32",
    "storage_cache_bytes32",
    "storage_flush_cache",
    "transient_load_bytes32",
    "transient_store_bytes32",
    "call_contract",
    "delegate_call_contract",
    "static_call_contract",
    "create1",
    "create2",
    "read_return_data",
    "return_data_size",
    "emit_log",
    "account_balance",
    "account_code",
    "account_code_size",
    "account_codehash",
    "evm_gas_left",
    "evm_ink_left",
    "block_basefee",
    "block_coinbase",
    "block_gas_limit",
    "block_number",
    "block_timestamp",
    "chainid",
    "contract_address",
    "msg_sender",
    "msg_value",
    "msg_reentrant",
    "tx_gas_price",
    "tx_ink_price",
    "tx_origin",
    "native_keccak256",
    "math_div",
    "math_mod",
    "math_pow",
    "math_add_mod",
    "math_mul_mod",
    "pay_for_memory_grow",
];
