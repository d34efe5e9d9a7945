//! Native test host for contracts (feature `testing`, never for wasm).
//!
//! [`TestHost`] wraps stylus-test's `TestVM` and fixes what unit tests of cross-contract code
//! need: `TestVM` (0.10.10) hands back the return data of the *last registered* mock rather
//! than of the call just made, so any code doing two different calls reads the wrong reply.
//! `TestHost` keeps its own mock tables, sets the return data per call, records every call
//! (for assertions on calls with value, e.g. ETH transfers) and reverts unmocked calls with
//! a message naming the call, instead of silently returning empty data.
//! A router closure can answer calls dynamically (e.g. by dispatching to another contract
//! instance), which multi-contract scenario tests use.
//!
//! Use it wherever `TestVM` is used: `let host = TestHost::new(); let c = Contract::from(&host);`
//! and `host.vm()` for the `TestVM` setters (`set_sender`, `set_block_number`, ...).

extern crate std;

use alloc::{boxed::Box, format, rc::Rc, vec::Vec};
use core::cell::RefCell;
use std::collections::HashMap;

use alloy_primitives::{hex, Address, B256, U256};
use stylus_sdk::stylus_core::host::*;
use stylus_sdk::testing::TestVM;

use alloy_sol_types::{SolCall, SolValue};
use lpx_abi::controller::IController;

use crate::revert::err;

/// The kind of an outgoing call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// CALL (with or without value).
    Call,
    /// STATICCALL.
    Static,
    /// DELEGATECALL.
    Delegate,
}

/// One outgoing call as the contract made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCall {
    /// Call kind.
    pub kind: CallKind,
    /// Callee.
    pub to: Address,
    /// Calldata.
    pub data: Vec<u8>,
    /// Value sent (zero for static and delegate calls).
    pub value: U256,
}

/// A call's result: return data, or revert data.
pub type CallOutcome = Result<Vec<u8>, Vec<u8>>;

/// Answers a call, or `None` to fall through to the mock tables.
pub type Router = Box<dyn FnMut(&RecordedCall) -> Option<CallOutcome>>;

#[derive(Default)]
struct State {
    /// Keyed by (kind, callee, calldata, value).
    mocks: HashMap<(CallKind, Address, Vec<u8>, U256), CallOutcome>,
    return_data: Vec<u8>,
    calls: Vec<RecordedCall>,
    router: Option<Router>,
}

/// A `Host` for native tests: `TestVM` plus correct per-call return data, call recording
/// and a router hook. Clones share state.
#[derive(Clone)]
pub struct TestHost {
    vm: TestVM,
    state: Rc<RefCell<State>>,
}

impl Default for TestHost {
    fn default() -> Self {
        Self::new()
    }
}

impl TestHost {
    /// A fresh host around a default `TestVM`.
    pub fn new() -> Self {
        Self::with_vm(TestVM::default())
    }

    /// A host around an existing `TestVM` (shares its state).
    pub fn with_vm(vm: TestVM) -> Self {
        Self { vm, state: Rc::new(RefCell::new(State::default())) }
    }

    /// The wrapped `TestVM`, for its setters and `get_emitted_logs`.
    pub fn vm(&self) -> &TestVM {
        &self.vm
    }

    /// Answers a STATICCALL to `to` with exactly `data`.
    pub fn mock_static_call(&self, to: Address, data: Vec<u8>, reply: Result<Vec<u8>, Vec<u8>>) {
        self.state.borrow_mut().mocks.insert((CallKind::Static, to, data, U256::ZERO), reply);
    }

    /// Answers a CALL to `to` with exactly `data` and `value`.
    pub fn mock_call(&self, to: Address, data: Vec<u8>, value: U256, reply: Result<Vec<u8>, Vec<u8>>) {
        self.state.borrow_mut().mocks.insert((CallKind::Call, to, data, value), reply);
    }

    /// Answers a DELEGATECALL to `to` with exactly `data`.
    pub fn mock_delegate_call(&self, to: Address, data: Vec<u8>, reply: Result<Vec<u8>, Vec<u8>>) {
        self.state.borrow_mut().mocks.insert((CallKind::Delegate, to, data, U256::ZERO), reply);
    }

    /// Removes every mock (the router and recorded calls stay).
    pub fn clear_mocks(&self) {
        self.state.borrow_mut().mocks.clear();
    }

    /// Installs a router consulted before the mock tables.
    pub fn set_router(&self, router: Router) {
        self.state.borrow_mut().router = Some(router);
    }

    /// Every call made so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.state.borrow().calls.clone()
    }

    /// Forgets the recorded calls.
    pub fn clear_calls(&self) {
        self.state.borrow_mut().calls.clear();
    }

    /// Mocks `controller.getContract(id)` to return `addr`.
    pub fn mock_get_contract(&self, controller: Address, id: B256, addr: Address) {
        let call = IController::getContractCall { _id: id }.abi_encode();
        self.mock_static_call(controller, call, Ok(addr.abi_encode()));
    }

    /// Mocks `controller.owner()` and `controller.paused()`.
    pub fn mock_controller(&self, controller: Address, owner: Address, paused: bool) {
        self.mock_static_call(controller, IController::ownerCall {}.abi_encode(), Ok(owner.abi_encode()));
        self.mock_static_call(controller, IController::pausedCall {}.abi_encode(), Ok(paused.abi_encode()));
    }

    /// Mocks a static call of a typed `sol!` call to return `ret` (ABI-encoded).
    pub fn mock_view<C: SolCall, R: SolValue>(&self, to: Address, call: &C, ret: R) {
        self.mock_static_call(to, call.abi_encode(), Ok(ret.abi_encode()));
    }

    /// Mocks a non-payable CALL of a typed `sol!` call to succeed with `ret`'s encoding.
    pub fn mock_write<C: SolCall>(&self, to: Address, call: &C, ret: Vec<u8>) {
        self.mock_call(to, call.abi_encode(), U256::ZERO, Ok(ret));
    }

    /// The calls of `kind` made to `to`, as (calldata, value).
    pub fn calls_to(&self, kind: CallKind, to: Address) -> Vec<(Vec<u8>, U256)> {
        self.calls().into_iter().filter(|c| c.kind == kind && c.to == to).map(|c| (c.data, c.value)).collect()
    }

    /// Every log emitted so far as (topics, data).
    pub fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.vm.get_emitted_logs()
    }

    fn perform(&self, call: RecordedCall, outs_len: &mut usize) -> u8 {
        let mut state = self.state.borrow_mut();
        state.calls.push(call.clone());
        let routed = match state.router.as_mut() {
            Some(router) => router(&call),
            None => None,
        };
        let reply = routed.unwrap_or_else(|| {
            let key = (call.kind, call.to, call.data.clone(), call.value);
            state.mocks.get(&key).cloned().unwrap_or_else(|| {
                Err(err(&format!("TestHost: unmocked {:?} to {} value {} data 0x{}", call.kind, call.to, call.value, hex::encode(&call.data))))
            })
        });
        let (status, data) = match reply {
            Ok(data) => (0, data),
            Err(data) => (1, data),
        };
        *outs_len = data.len();
        state.return_data = data;
        status
    }
}

impl Host for TestHost {}

impl CryptographyAccess for TestHost {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        self.vm.native_keccak256(input)
    }
}

impl CalldataAccess for TestHost {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.vm.read_args(len)
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let state = self.state.borrow();
        let data = &state.return_data;
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |s| start.saturating_add(s).min(data.len()));
        data[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.state.borrow().return_data.len()
    }
    fn write_result(&self, data: &[u8]) {
        self.vm.write_result(data)
    }
}

unsafe impl UnsafeDeploymentAccess for TestHost {
    unsafe fn create1(&self, code: *const u8, code_len: usize, endowment: *const u8, contract: *mut u8, revert_data_len: *mut usize) {
        unsafe { self.vm.create1(code, code_len, endowment, contract, revert_data_len) }
    }
    unsafe fn create2(&self, code: *const u8, code_len: usize, endowment: *const u8, salt: *const u8, contract: *mut u8, revert_data_len: *mut usize) {
        unsafe { self.vm.create2(code, code_len, endowment, salt, contract, revert_data_len) }
    }
}

impl StorageAccess for TestHost {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.vm.storage_load_bytes32(key)
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        unsafe { self.vm.storage_cache_bytes32(key, value) }
    }
    fn flush_cache(&self, clear: bool) {
        self.vm.flush_cache(clear)
    }
}

unsafe impl UnsafeCallAccess for TestHost {
    unsafe fn call_contract(&self, to: *const u8, data: *const u8, data_len: usize, value: *const u8, _gas: u64, outs_len: &mut usize) -> u8 {
        // SAFETY: the SDK passes valid pointers to 20-byte, data_len-byte and 32-byte buffers.
        let (to, data, value) = unsafe {
            (
                Address::from_slice(core::slice::from_raw_parts(to, 20)),
                core::slice::from_raw_parts(data, data_len).to_vec(),
                U256::from_be_slice(core::slice::from_raw_parts(value, 32)),
            )
        };
        self.perform(RecordedCall { kind: CallKind::Call, to, data, value }, outs_len)
    }
    unsafe fn static_call_contract(&self, to: *const u8, data: *const u8, data_len: usize, _gas: u64, outs_len: &mut usize) -> u8 {
        // SAFETY: as above.
        let (to, data) = unsafe { (Address::from_slice(core::slice::from_raw_parts(to, 20)), core::slice::from_raw_parts(data, data_len).to_vec()) };
        self.perform(RecordedCall { kind: CallKind::Static, to, data, value: U256::ZERO }, outs_len)
    }
    unsafe fn delegate_call_contract(&self, to: *const u8, data: *const u8, data_len: usize, _gas: u64, outs_len: &mut usize) -> u8 {
        // SAFETY: as above.
        let (to, data) = unsafe { (Address::from_slice(core::slice::from_raw_parts(to, 20)), core::slice::from_raw_parts(data, data_len).to_vec()) };
        self.perform(RecordedCall { kind: CallKind::Delegate, to, data, value: U256::ZERO }, outs_len)
    }
}

impl BlockAccess for TestHost {
    fn block_basefee(&self) -> U256 {
        self.vm.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.vm.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.vm.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.vm.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.vm.block_gas_limit()
    }
}

impl ChainAccess for TestHost {
    fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }
}

impl AccountAccess for TestHost {
    fn balance(&self, account: Address) -> U256 {
        self.vm.balance(account)
    }
    fn contract_address(&self) -> Address {
        self.vm.contract_address()
    }
    fn code(&self, account: Address) -> Vec<u8> {
        self.vm.code(account)
    }
    fn code_size(&self, account: Address) -> usize {
        self.vm.code_size(account)
    }
    fn code_hash(&self, account: Address) -> B256 {
        self.vm.code_hash(account)
    }
}

impl MemoryAccess for TestHost {
    fn pay_for_memory_grow(&self, pages: u16) {
        self.vm.pay_for_memory_grow(pages)
    }
}

impl MessageAccess for TestHost {
    fn msg_sender(&self) -> Address {
        self.vm.msg_sender()
    }
    fn msg_reentrant(&self) -> bool {
        self.vm.msg_reentrant()
    }
    fn msg_value(&self) -> U256 {
        self.vm.msg_value()
    }
    fn tx_origin(&self) -> Address {
        self.vm.tx_origin()
    }
}

impl MeteringAccess for TestHost {
    fn evm_gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.vm.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.vm.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }
}

impl RawLogAccess for TestHost {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.vm.emit_log(input, num_topics)
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.vm.raw_log(topics, data)
    }
}

/// Calls a contract's `#[entrypoint]` function as the chain would: `sender` sends `data`
/// with `value`.
pub fn call_entry(
    host: &TestHost,
    entry: fn(Vec<u8>, stylus_sdk::host::VM) -> stylus_sdk::ArbResult,
    sender: Address,
    value: U256,
    data: &[u8],
) -> stylus_sdk::ArbResult {
    host.vm().set_sender(sender);
    host.vm().set_value(value);
    let result = entry(data.to_vec(), stylus_sdk::host::VM { host: Box::new(host.clone()) });
    host.vm().set_value(U256::ZERO);
    result
}

/// The account that constructs contracts in entry-point tests.
pub const ENTRY_OWNER: Address = Address::repeat_byte(0x0e);
/// Senders the arbitrary-calldata property draws from: the owner, a stranger, zero.
pub static ENTRY_SENDERS: [Address; 3] = [ENTRY_OWNER, Address::repeat_byte(0x01), Address::ZERO];

/// A fresh host with the contract constructed through its entry point from [`ENTRY_OWNER`],
/// as StylusDeployer does; returns the host and the constructor calldata.
pub fn constructed_through_entry(entry: fn(Vec<u8>, stylus_sdk::host::VM) -> stylus_sdk::ArbResult, constructor_args: &[u8]) -> (TestHost, Vec<u8>) {
    let host = TestHost::new();
    let mut ctor = crate::entry::CONSTRUCTOR_SELECTOR.to_vec();
    ctor.extend_from_slice(constructor_args);
    call_entry(&host, entry, ENTRY_OWNER, U256::ZERO, &ctor).unwrap_or_else(|e| panic!("constructor: {}", revert_message(&e)));
    (host, ctor)
}

/// The message of `Error(string)` revert data, or a description of anything else.
pub fn revert_message(data: &[u8]) -> alloc::string::String {
    use alloy_sol_types::{Panic, Revert as SolRevert, SolError};
    if let Ok(r) = SolRevert::abi_decode(data) {
        return r.reason;
    }
    if let Ok(p) = Panic::abi_decode(data) {
        return format!("Panic({})", p.code);
    }
    format!("undecodable revert data 0x{}", hex::encode(data))
}

/// Checks how an SDK-routed contract's entry point answers malformed calls (see
/// [`crate::entry`]): `constructor` is valid constructor calldata (already run on `host`),
/// `address_fn` the selector of a non-payable function whose first argument is an address.
pub fn check_malformed_calls(host: &TestHost, entry: fn(Vec<u8>, stylus_sdk::host::VM) -> stylus_sdk::ArbResult, constructor: &[u8], address_fn: [u8; 4]) {
    use crate::entry::*;
    let who = Address::repeat_byte(0x5e);
    let fails = |value: U256, data: &[u8]| match call_entry(host, entry, who, value, data) {
        Ok(out) => panic!("0x{} was served: 0x{}", hex::encode(data), hex::encode(out)),
        Err(e) => revert_message(&e),
    };
    assert_eq!(fails(U256::ZERO, &[]), ERR_SELECTOR, "empty calldata");
    assert_eq!(fails(U256::ZERO, &[0x12, 0x34]), ERR_SELECTOR, "a short selector");
    assert_eq!(fails(U256::ZERO, &[0xde, 0xad, 0xbe, 0xef]), ERR_SELECTOR, "an unknown selector");
    let mut truncated = address_fn.to_vec();
    truncated.extend_from_slice(&[0u8; 31]);
    assert_eq!(fails(U256::ZERO, &truncated), ERR_CALLDATA_OR_SILENT, "a truncated argument");
    let mut dirty = address_fn.to_vec();
    dirty.extend_from_slice(&[0xff; 32]);
    dirty.extend_from_slice(&[0u8; 96]);
    assert_eq!(fails(U256::ZERO, &dirty), ERR_CALLDATA_OR_SILENT, "an address with high bits set");
    let mut clean = address_fn.to_vec();
    clean.extend_from_slice(&[0u8; 128]);
    assert_eq!(fails(U256::from(1), &clean), ERR_VALUE, "value sent to a non-payable function");
    assert_eq!(fails(U256::ZERO, constructor), ERR_CONSTRUCTED, "a second constructor call");
}

/// Property: arbitrary calldata (a selector of the contract's ABI or any four bytes, then
/// arbitrary words, from one of a few senders, with or without value) is served or reverted
/// with a message; the entry point never panics and never reverts silently.
pub fn check_arbitrary_calldata(
    host: &TestHost,
    entry: fn(Vec<u8>, stylus_sdk::host::VM) -> stylus_sdk::ArbResult,
    selectors: &'static [[u8; 4]],
    senders: &'static [Address],
    cases: u32,
) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let word = prop_oneof![
        (0u64..1_000_000).prop_map(|x| U256::from(x).to_be_bytes::<32>()),
        (0..senders.len()).prop_map(move |i| U256::from_be_slice(senders[i].as_slice()).to_be_bytes::<32>()),
        any::<[u8; 32]>(),
    ];
    let selector = prop_oneof![3 => (0..selectors.len()).prop_map(move |i| selectors[i]), 1 => any::<[u8; 4]>()];
    let strategy = (selector, proptest::collection::vec(word, 0..6), 0usize..40, 0..senders.len(), any::<bool>());
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&strategy, |(selector, words, cut, from, paid)| {
            let mut data = selector.to_vec();
            words.iter().for_each(|w| data.extend_from_slice(w));
            data.truncate(data.len().saturating_sub(cut % 8 * 4));
            let value = if paid { U256::from(1) } else { U256::ZERO };
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call_entry(host, entry, senders[from], value, &data)));
            let Ok(result) = run else {
                return Err(TestCaseError::fail(format!("panicked on 0x{}", hex::encode(&data))));
            };
            if let Err(e) = result {
                let message = revert_message(&e);
                prop_assert!(!message.starts_with("undecodable"), "{message} for 0x{}", hex::encode(&data));
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
