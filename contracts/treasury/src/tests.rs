//! The timelock on the native test host: every revert string, the operation lifecycles,
//! roles, calls out (with value, reverts, re-entry) and the entry point.

use alloc::{boxed::Box, vec, vec::Vec};

use alloy_primitives::{address, hex, keccak256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use lpx_abi::treasury::ITreasury as I;
use lpx_contracts_common::entry::{ERR_CALLDATA_OR_SILENT, ERR_SELECTOR, ERR_VALUE};
use lpx_contracts_common::revert::{err, panic, PANIC_OVERFLOW};
use lpx_contracts_common::testing::*;
use stylus_sdk::abi::Bytes;

use super::*;
use crate::ops::*;

const TL: Address = address!("00000000000000000000000000000000007e1010");
const ADMIN: Address = address!("000000000000000000000000000000000000ad00");
const PROPOSER: Address = address!("0000000000000000000000000000000000000b0b");
const EXECUTOR: Address = address!("000000000000000000000000000000000000e0e0");
const STRANGER: Address = address!("00000000000000000000000000000000000000aa");
const TARGET: Address = address!("0000000000000000000000000000000000007a76");
const T0: u64 = 1_000_000;

fn setup(min_delay: u64) -> (TestHost, Treasury) {
    let host = TestHost::new();
    host.vm().set_contract_address(TL);
    host.vm().set_block_timestamp(T0);
    host.vm().set_sender(ADMIN);
    let mut t = Treasury::from(&host);
    t.initialize(U256::from(min_delay), vec![PROPOSER], vec![EXECUTOR], ADMIN).unwrap();
    (host, t)
}

fn as_(host: &TestHost, who: Address) {
    host.vm().set_sender(who);
}

fn data(bytes: &[u8]) -> Bytes {
    Bytes::from(bytes.to_vec())
}

fn missing(account: Address, role: B256) -> Vec<u8> {
    err(&alloc::format!("AccessControl: account 0x{} is missing role 0x{}", hex::encode(account), hex::encode(role)))
}

/// Logs decoded as `E`, skipping the others.
fn events<E: SolEvent>(host: &TestHost) -> Vec<E> {
    host.logs().iter().filter_map(|(t, d)| E::decode_raw_log(t.iter().copied(), d).ok()).collect()
}

#[test]
fn roles_selectors_and_ids_are_ozs() {
    assert_eq!(TIMELOCK_ADMIN_ROLE, keccak256("TIMELOCK_ADMIN_ROLE"));
    assert_eq!(PROPOSER_ROLE, keccak256("PROPOSER_ROLE"));
    assert_eq!(EXECUTOR_ROLE, keccak256("EXECUTOR_ROLE"));
    assert_eq!(CANCELLER_ROLE, keccak256("CANCELLER_ROLE"));
    // Selectors of OZ 4.9's TimelockController as deployed (4byte directory).
    let known: [([u8; 4], [u8; 4]); 9] = [
        (I::scheduleCall::SELECTOR, hex!("01d5062a")),
        (I::scheduleBatchCall::SELECTOR, hex!("8f2a0bb0")),
        (I::executeCall::SELECTOR, hex!("134008d3")),
        (I::executeBatchCall::SELECTOR, hex!("e38335e5")),
        (I::cancelCall::SELECTOR, hex!("c4d252f5")),
        (I::hashOperationCall::SELECTOR, hex!("8065657f")),
        (I::hashOperationBatchCall::SELECTOR, hex!("b1c5f427")),
        (I::updateDelayCall::SELECTOR, hex!("64d62353")),
        (I::getMinDelayCall::SELECTOR, hex!("f27a0c92")),
    ];
    for (got, want) in known {
        assert_eq!(got, want);
    }
    // The id is abi.encode of the five values (params, not a wrapped tuple): the bytes'
    // offset word is 0xa0, after the five head words.
    let payload = [0xab; 33];
    let mut pre = Vec::new();
    pre.extend_from_slice(TARGET.into_word().as_slice());
    pre.extend_from_slice(&U256::from(7).to_be_bytes::<32>());
    pre.extend_from_slice(&U256::from(0xa0).to_be_bytes::<32>());
    pre.extend_from_slice(&[1; 32]);
    pre.extend_from_slice(&[2; 32]);
    pre.extend_from_slice(&U256::from(33).to_be_bytes::<32>());
    pre.extend_from_slice(&payload);
    pre.extend_from_slice(&[0; 31]);
    let id = hash_operation(TARGET, U256::from(7), &payload, B256::repeat_byte(1), B256::repeat_byte(2));
    assert_eq!(id, keccak256(&pre));
    let batch = hash_operation_batch(&[TARGET], &[U256::from(7)], &[data(&payload)], B256::repeat_byte(1), B256::repeat_byte(2));
    let encoded = (vec![TARGET], vec![U256::from(7)], vec![alloy_primitives::Bytes::from(payload.to_vec())], B256::repeat_byte(1), B256::repeat_byte(2))
        .abi_encode_params();
    assert_eq!(batch, keccak256(encoded));
    assert_ne!(batch, id);
}

#[test]
fn initialize_sets_roles_delay_and_runs_once() {
    let (host, mut t) = setup(10);
    assert_eq!(t.get_min_delay(), U256::from(10));
    for role in [TIMELOCK_ADMIN_ROLE, PROPOSER_ROLE, EXECUTOR_ROLE, CANCELLER_ROLE] {
        assert_eq!(t.get_role_admin(role), TIMELOCK_ADMIN_ROLE);
    }
    assert!(t.has_role(TIMELOCK_ADMIN_ROLE, TL), "the timelock administers itself");
    assert!(t.has_role(TIMELOCK_ADMIN_ROLE, ADMIN));
    assert!(t.has_role(PROPOSER_ROLE, PROPOSER) && t.has_role(CANCELLER_ROLE, PROPOSER));
    assert!(t.has_role(EXECUTOR_ROLE, EXECUTOR));
    assert!(!t.has_role(EXECUTOR_ROLE, PROPOSER) && !t.has_role(PROPOSER_ROLE, EXECUTOR));
    assert_eq!(events::<I::RoleAdminChanged>(&host).len(), 4);
    let granted = events::<I::RoleGranted>(&host);
    assert_eq!(granted.len(), 5);
    assert_eq!((granted[0].role, granted[0].account, granted[0].sender), (TIMELOCK_ADMIN_ROLE, TL, ADMIN));
    let delay = events::<I::MinDelayChange>(&host);
    assert_eq!((delay[0].oldDuration, delay[0].newDuration), (U256::ZERO, U256::from(10)));
    assert_eq!(events::<I::Initialized>(&host)[0].version, 1);
    // Last two events: MinDelayChange then Initialized, as OZ's modifier order has it.
    let logs = host.logs();
    assert_eq!(logs[logs.len() - 1].0[0], I::Initialized::SIGNATURE_HASH);
    assert_eq!(logs[logs.len() - 2].0[0], I::MinDelayChange::SIGNATURE_HASH);
    as_(&host, STRANGER);
    assert_eq!(t.initialize(U256::ZERO, vec![STRANGER], vec![], STRANGER), Err(err(ERR_INITIALIZED)));
    // Slot 2 holds `_initialized`; slots 0-1 stay free for a ManagerProxy head.
    assert_eq!(host.vm().get_storage(U256::from(2)), B256::from(U256::from(1)));
    assert_eq!(host.vm().get_storage(U256::ZERO), B256::ZERO);
    assert_eq!(host.vm().get_storage(U256::from(1)), B256::ZERO);
    assert_eq!(host.vm().get_storage(U256::from(5)), B256::from(U256::from(10)));
}

#[test]
fn initialize_without_admin_grants_no_admin() {
    let host = TestHost::new();
    host.vm().set_contract_address(TL);
    let mut t = Treasury::from(&host);
    t.initialize(U256::ZERO, vec![], vec![Address::ZERO], Address::ZERO).unwrap();
    assert!(!t.has_role(TIMELOCK_ADMIN_ROLE, Address::ZERO));
    assert!(t.has_role(TIMELOCK_ADMIN_ROLE, TL));
    assert!(t.has_role(EXECUTOR_ROLE, Address::ZERO), "open executor role");
}

#[test]
fn access_control_message_is_lower_case_hex() {
    let msg = access::missing_role(address!("AbCdEf0000000000000000000000000000000001"), PROPOSER_ROLE);
    assert_eq!(
        msg,
        "AccessControl: account 0xabcdef0000000000000000000000000000000001 is missing role \
         0xb09aa5aeb3702cfd50b6b62bc4532604938f21248a27a1d5ca736082b6819cc1"
    );
}

#[test]
fn schedule_execute_lifecycle() {
    let (host, mut t) = setup(10);
    let (value, payload) = (U256::from(3), data(b"\x12\x34\x56\x78"));
    let (pred, salt) = (B256::ZERO, B256::repeat_byte(5));
    let id = hash_operation(TARGET, value, &payload, pred, salt);
    assert_eq!(t.hash_operation(TARGET, value, payload.clone(), pred, salt), id);
    as_(&host, STRANGER);
    assert_eq!(t.schedule(TARGET, value, payload.clone(), pred, salt, U256::from(10)), Err(missing(STRANGER, PROPOSER_ROLE)));
    as_(&host, EXECUTOR);
    assert_eq!(t.schedule(TARGET, value, payload.clone(), pred, salt, U256::from(10)), Err(missing(EXECUTOR, PROPOSER_ROLE)));
    as_(&host, PROPOSER);
    assert_eq!(t.schedule(TARGET, value, payload.clone(), pred, salt, U256::from(9)), Err(err(ERR_DELAY)));
    assert!(!t.is_operation(id));
    t.schedule(TARGET, value, payload.clone(), pred, salt, U256::from(10)).unwrap();
    let ev = &events::<I::CallScheduled>(&host)[0];
    assert_eq!((ev.id, ev.index, ev.target, ev.value), (id, U256::ZERO, TARGET, value));
    assert_eq!((&ev.data[..], ev.predecessor, ev.delay), (&payload[..], pred, U256::from(10)));
    assert_eq!(events::<I::CallSalt>(&host)[0].salt, salt);
    assert_eq!(t.get_timestamp(id), U256::from(T0 + 10));
    assert!(t.is_operation(id) && t.is_operation_pending(id) && !t.is_operation_ready(id) && !t.is_operation_done(id));
    assert_eq!(t.schedule(TARGET, value, payload.clone(), pred, salt, U256::from(10)), Err(err(ERR_SCHEDULED)));

    as_(&host, EXECUTOR);
    assert_eq!(t.execute(TARGET, value, payload.clone(), pred, salt), Err(err(ERR_NOT_READY)));
    host.vm().set_block_timestamp(T0 + 10);
    assert!(t.is_operation_ready(id));
    as_(&host, STRANGER);
    assert_eq!(t.execute(TARGET, value, payload.clone(), pred, salt), Err(missing(STRANGER, EXECUTOR_ROLE)));
    as_(&host, EXECUTOR);
    host.mock_call(TARGET, payload.to_vec(), value, Ok(vec![9; 32]));
    t.execute(TARGET, value, payload.clone(), pred, salt).unwrap();
    assert_eq!(host.calls_to(CallKind::Call, TARGET), vec![(payload.to_vec(), value)]);
    let ev = &events::<I::CallExecuted>(&host)[0];
    assert_eq!((ev.id, ev.index, ev.target, ev.value, &ev.data[..]), (id, U256::ZERO, TARGET, value, &payload[..]));
    assert!(t.is_operation_done(id) && !t.is_operation_pending(id) && !t.is_operation_ready(id));
    assert_eq!(t.get_timestamp(id), DONE_TIMESTAMP);
    // Done: neither again, nor cancelled, nor rescheduled.
    assert_eq!(t.execute(TARGET, value, payload.clone(), pred, salt), Err(err(ERR_NOT_READY)));
    as_(&host, PROPOSER);
    assert_eq!(t.cancel(id), Err(err(ERR_NOT_CANCELLABLE)));
    assert_eq!(t.schedule(TARGET, value, payload, pred, salt, U256::from(10)), Err(err(ERR_SCHEDULED)));
}

#[test]
fn zero_salt_emits_no_call_salt_and_overflowing_time_panics() {
    let (host, mut t) = setup(0);
    as_(&host, PROPOSER);
    t.schedule(TARGET, U256::ZERO, data(b""), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    assert!(events::<I::CallSalt>(&host).is_empty());
    let id = hash_operation(TARGET, U256::ZERO, b"", B256::ZERO, B256::ZERO);
    assert!(t.is_operation_ready(id), "delay 0 is ready at once");
    assert_eq!(t.schedule(TARGET, U256::ZERO, data(b"x"), B256::ZERO, B256::ZERO, U256::MAX), Err(panic(PANIC_OVERFLOW)));
}

#[test]
fn cancel_only_pending_by_canceller() {
    let (host, mut t) = setup(5);
    as_(&host, PROPOSER);
    let id = hash_operation(TARGET, U256::ZERO, b"a", B256::ZERO, B256::ZERO);
    assert_eq!(t.cancel(id), Err(err(ERR_NOT_CANCELLABLE)));
    t.schedule(TARGET, U256::ZERO, data(b"a"), B256::ZERO, B256::ZERO, U256::from(5)).unwrap();
    as_(&host, EXECUTOR);
    assert_eq!(t.cancel(id), Err(missing(EXECUTOR, CANCELLER_ROLE)));
    as_(&host, PROPOSER);
    t.cancel(id).unwrap();
    assert_eq!(events::<I::Cancelled>(&host)[0].id, id);
    assert!(!t.is_operation(id));
    host.vm().set_block_timestamp(T0 + 100);
    as_(&host, EXECUTOR);
    assert_eq!(t.execute(TARGET, U256::ZERO, data(b"a"), B256::ZERO, B256::ZERO), Err(err(ERR_NOT_READY)));
    // A cancelled id can be scheduled again.
    as_(&host, PROPOSER);
    t.schedule(TARGET, U256::ZERO, data(b"a"), B256::ZERO, B256::ZERO, U256::from(5)).unwrap();
    assert_eq!(t.get_timestamp(id), U256::from(T0 + 105));
}

#[test]
fn predecessor_must_be_done() {
    let (host, mut t) = setup(0);
    as_(&host, PROPOSER);
    let first = hash_operation(TARGET, U256::ZERO, b"1", B256::ZERO, B256::ZERO);
    t.schedule(TARGET, U256::ZERO, data(b"1"), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    t.schedule(TARGET, U256::ZERO, data(b"2"), first, B256::ZERO, U256::ZERO).unwrap();
    as_(&host, EXECUTOR);
    assert_eq!(t.execute(TARGET, U256::ZERO, data(b"2"), first, B256::ZERO), Err(err(ERR_DEPENDENCY)));
    host.mock_call(TARGET, b"1".to_vec(), U256::ZERO, Ok(vec![]));
    host.mock_call(TARGET, b"2".to_vec(), U256::ZERO, Ok(vec![]));
    t.execute(TARGET, U256::ZERO, data(b"1"), B256::ZERO, B256::ZERO).unwrap();
    t.execute(TARGET, U256::ZERO, data(b"2"), first, B256::ZERO).unwrap();
    let order: Vec<Vec<u8>> = host.calls_to(CallKind::Call, TARGET).into_iter().map(|c| c.0).collect();
    assert_eq!(order, vec![b"1".to_vec(), b"2".to_vec()]);
}

#[test]
fn batches_check_lengths_and_run_in_order() {
    let (host, mut t) = setup(0);
    let other = address!("0000000000000000000000000000000000007a77");
    let targets = vec![TARGET, other];
    let values = vec![U256::from(1), U256::ZERO];
    let payloads = vec![data(b"first"), data(b"second")];
    let salt = B256::repeat_byte(9);
    as_(&host, PROPOSER);
    for (ts, vs, ps) in [(targets.clone(), vec![U256::ZERO], payloads.clone()), (targets.clone(), values.clone(), vec![data(b"x")])] {
        assert_eq!(t.schedule_batch(ts.clone(), vs.clone(), ps.clone(), B256::ZERO, salt, U256::ZERO), Err(err(ERR_LENGTH)));
        as_(&host, EXECUTOR);
        assert_eq!(t.execute_batch(ts, vs, ps, B256::ZERO, salt), Err(err(ERR_LENGTH)));
        as_(&host, PROPOSER);
    }
    let id = t.hash_operation_batch(targets.clone(), values.clone(), payloads.clone(), B256::ZERO, salt);
    t.schedule_batch(targets.clone(), values.clone(), payloads.clone(), B256::ZERO, salt, U256::ZERO).unwrap();
    let scheduled = events::<I::CallScheduled>(&host);
    assert_eq!(scheduled.len(), 2);
    assert_eq!((scheduled[1].id, scheduled[1].index, scheduled[1].target), (id, U256::from(1), other));
    assert_eq!(events::<I::CallSalt>(&host).len(), 1);
    host.mock_call(TARGET, b"first".to_vec(), U256::from(1), Ok(vec![]));
    host.mock_call(other, b"second".to_vec(), U256::ZERO, Ok(vec![]));
    as_(&host, EXECUTOR);
    t.execute_batch(targets, values, payloads, B256::ZERO, salt).unwrap();
    let executed = events::<I::CallExecuted>(&host);
    assert_eq!(executed.iter().map(|e| (e.index, e.target)).collect::<Vec<_>>(), vec![(U256::ZERO, TARGET), (U256::from(1), other)]);
    assert!(t.is_operation_done(id));
}

#[test]
fn open_executor_role_lets_anyone_execute() {
    let (host, mut t) = setup(0);
    as_(&host, PROPOSER);
    t.schedule(TARGET, U256::ZERO, data(b"go"), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    as_(&host, STRANGER);
    assert_eq!(t.execute(TARGET, U256::ZERO, data(b"go"), B256::ZERO, B256::ZERO), Err(missing(STRANGER, EXECUTOR_ROLE)));
    as_(&host, ADMIN);
    t.grant_role(EXECUTOR_ROLE, Address::ZERO).unwrap();
    host.mock_call(TARGET, b"go".to_vec(), U256::ZERO, Ok(vec![]));
    as_(&host, STRANGER);
    t.execute(TARGET, U256::ZERO, data(b"go"), B256::ZERO, B256::ZERO).unwrap();
    // Opening executes only: proposing still needs the role.
    assert_eq!(t.schedule(TARGET, U256::ZERO, data(b"x"), B256::ZERO, B256::ZERO, U256::ZERO), Err(missing(STRANGER, PROPOSER_ROLE)));
}

#[test]
fn a_reverted_call_bubbles_its_reason_or_names_the_failure() {
    let (host, mut t) = setup(0);
    as_(&host, PROPOSER);
    t.schedule(TARGET, U256::ZERO, data(b"r"), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    t.schedule(TARGET, U256::ZERO, data(b"e"), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    host.mock_call(TARGET, b"r".to_vec(), U256::ZERO, Err(err("caller must be Controller owner")));
    host.mock_call(TARGET, b"e".to_vec(), U256::ZERO, Err(vec![]));
    as_(&host, EXECUTOR);
    assert_eq!(t.execute(TARGET, U256::ZERO, data(b"r"), B256::ZERO, B256::ZERO), Err(err("caller must be Controller owner")));
    assert_eq!(t.execute(TARGET, U256::ZERO, data(b"e"), B256::ZERO, B256::ZERO), Err(err(ERR_CALL)));
    assert!(events::<I::CallExecuted>(&host).is_empty());
}

#[test]
fn execute_forwards_value_from_the_balance() {
    let (host, mut t) = setup(0);
    let value = U256::from(10).pow(U256::from(18));
    as_(&host, PROPOSER);
    t.schedule(TARGET, value, data(b""), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    host.mock_call(TARGET, vec![], value, Ok(vec![]));
    as_(&host, EXECUTOR);
    host.vm().set_value(value);
    t.execute(TARGET, value, data(b""), B256::ZERO, B256::ZERO).unwrap();
    host.vm().set_value(U256::ZERO);
    assert_eq!(host.calls_to(CallKind::Call, TARGET), vec![(vec![], value)]);
}

/// Answers calls to the timelock by running `f` on a second view of its storage, as the
/// timelock itself (`msg.sender == address(this)`), as a re-entrant frame would.
fn reenter(host: &TestHost, f: impl Fn(&mut Treasury) -> Result<(), Vec<u8>> + 'static) {
    let inner = host.clone();
    host.set_router(Box::new(move |c| {
        (c.kind == CallKind::Call && c.to == TL).then(|| {
            let outer = inner.vm().msg_sender();
            inner.vm().set_sender(TL);
            let result = f(&mut Treasury::from(&inner)).map(|_| Vec::new());
            inner.vm().set_sender(outer);
            result
        })
    }));
}

#[test]
fn update_delay_only_through_the_timelock() {
    let (host, mut t) = setup(0);
    as_(&host, ADMIN);
    assert_eq!(t.update_delay(U256::from(60)), Err(err(ERR_NOT_TIMELOCK)));
    let call = I::updateDelayCall { newDelay: U256::from(60) }.abi_encode();
    as_(&host, PROPOSER);
    t.schedule(TL, U256::ZERO, data(&call), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    reenter(&host, |tl| tl.update_delay(U256::from(60)));
    as_(&host, EXECUTOR);
    t.execute(TL, U256::ZERO, data(&call), B256::ZERO, B256::ZERO).unwrap();
    assert_eq!(t.get_min_delay(), U256::from(60));
    let change = events::<I::MinDelayChange>(&host);
    assert_eq!((change[1].oldDuration, change[1].newDuration), (U256::ZERO, U256::from(60)));
    as_(&host, PROPOSER);
    assert_eq!(t.schedule(TARGET, U256::ZERO, data(b"x"), B256::ZERO, B256::ZERO, U256::from(59)), Err(err(ERR_DELAY)));
}

#[test]
fn a_callee_cancelling_the_running_operation_reverts_it() {
    let (host, mut t) = setup(0);
    let id = hash_operation(TL, U256::ZERO, b"c", B256::ZERO, B256::ZERO);
    as_(&host, PROPOSER);
    t.schedule(TL, U256::ZERO, data(b"c"), B256::ZERO, B256::ZERO, U256::ZERO).unwrap();
    // The timelock holds no canceller role; the re-entrant frame acts as the proposer.
    let inner = host.clone();
    reenter(&host, move |tl| {
        inner.vm().set_sender(PROPOSER);
        tl.cancel(id)
    });
    as_(&host, EXECUTOR);
    assert_eq!(t.execute(TL, U256::ZERO, data(b"c"), B256::ZERO, B256::ZERO), Err(err(ERR_NOT_READY)));
}

#[test]
fn role_admin_grants_revokes_and_renounces() {
    let (host, mut t) = setup(0);
    as_(&host, STRANGER);
    assert_eq!(t.grant_role(PROPOSER_ROLE, STRANGER), Err(missing(STRANGER, TIMELOCK_ADMIN_ROLE)));
    assert_eq!(t.revoke_role(PROPOSER_ROLE, PROPOSER), Err(missing(STRANGER, TIMELOCK_ADMIN_ROLE)));
    assert_eq!(t.renounce_role(PROPOSER_ROLE, PROPOSER), Err(err(access::ERR_RENOUNCE)));
    as_(&host, ADMIN);
    t.grant_role(PROPOSER_ROLE, STRANGER).unwrap();
    t.grant_role(PROPOSER_ROLE, STRANGER).unwrap();
    assert_eq!(events::<I::RoleGranted>(&host).len(), 6, "a second grant emits nothing");
    t.revoke_role(PROPOSER_ROLE, STRANGER).unwrap();
    let revoked = events::<I::RoleRevoked>(&host);
    assert_eq!((revoked[0].role, revoked[0].account, revoked[0].sender), (PROPOSER_ROLE, STRANGER, ADMIN));
    assert!(!t.has_role(PROPOSER_ROLE, STRANGER));
    // The deployer's admin role is renounced (spec §10.4); only the timelock administers.
    t.renounce_role(TIMELOCK_ADMIN_ROLE, ADMIN).unwrap();
    assert_eq!(t.grant_role(PROPOSER_ROLE, ADMIN), Err(missing(ADMIN, TIMELOCK_ADMIN_ROLE)));
    as_(&host, TL);
    t.grant_role(PROPOSER_ROLE, ADMIN).unwrap();
    assert!(t.has_role(PROPOSER_ROLE, ADMIN));
}

#[test]
fn supported_interfaces() {
    let (_host, t) = setup(0);
    for (id, yes) in [(hex!("01ffc9a7"), true), (hex!("7965db0b"), true), (hex!("4e2312e0"), true), (hex!("150b7a02"), false), (hex!("ffffffff"), false)] {
        assert_eq!(t.supports_interface(id.into()), yes, "{}", hex::encode(id));
    }
}

#[test]
fn token_hooks_return_their_selector_through_the_entry_point() {
    let host = TestHost::new();
    let hooks = [
        I::onERC721ReceivedCall { operator: STRANGER, from: STRANGER, tokenId: U256::from(1), data: data(b"x") }.abi_encode(),
        I::onERC1155ReceivedCall { operator: STRANGER, from: STRANGER, id: U256::from(1), value: U256::from(2), data: data(b"") }.abi_encode(),
        I::onERC1155BatchReceivedCall { operator: STRANGER, from: STRANGER, ids: vec![U256::from(1)], values: vec![U256::from(2)], data: data(b"") }
            .abi_encode(),
    ];
    for (call, selector) in hooks.iter().zip([hex!("150b7a02"), hex!("f23a6e61"), hex!("bc197c81")]) {
        let out = call_entry(&host, treasury_entry, STRANGER, U256::ZERO, call).unwrap();
        assert_eq!(out, [&selector[..], &[0u8; 28]].concat());
        let paid = call_entry(&host, treasury_entry, STRANGER, U256::from(1), call).unwrap_err();
        assert_eq!(revert_message(&paid), ERR_VALUE);
    }
}

/// The entry point against malformed and arbitrary calldata.
mod entry {
    use super::*;

    fn initialized() -> TestHost {
        let host = TestHost::new();
        host.vm().set_contract_address(TL);
        let init = I::initializeCall { minDelay: U256::ZERO, proposers: vec![ENTRY_OWNER], executors: vec![Address::ZERO], admin: ENTRY_OWNER };
        call_entry(&host, treasury_entry, ENTRY_OWNER, U256::ZERO, &init.abi_encode()).unwrap();
        host
    }

    fn message(r: stylus_sdk::ArbResult) -> alloc::string::String {
        revert_message(&r.expect_err("reverts"))
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let host = initialized();
        let who = Address::repeat_byte(0x5e);
        let call = |value: u64, data: &[u8]| call_entry(&host, treasury_entry, who, U256::from(value), data);
        assert_eq!(call(5, &[]), Ok(vec![]), "receive accepts ETH");
        assert_eq!(message(call(0, &[0xde, 0xad, 0xbe, 0xef])), ERR_SELECTOR);
        assert_eq!(message(call(0, &[0x12, 0x34])), ERR_SELECTOR);
        let truncated = [&I::hasRoleCall::SELECTOR[..], &[0u8; 40]].concat();
        assert_eq!(message(call(0, &truncated)), ERR_CALLDATA_OR_SILENT);
        let dirty = [&I::hasRoleCall::SELECTOR[..], &[0u8; 32], &[0xff; 32]].concat();
        assert_eq!(message(call(0, &dirty)), ERR_CALLDATA_OR_SILENT);
        let cancel = I::cancelCall { id: B256::ZERO }.abi_encode();
        assert_eq!(message(call(1, &cancel)), ERR_VALUE);
        let init = I::initializeCall { minDelay: U256::ZERO, proposers: vec![], executors: vec![], admin: who };
        assert_eq!(message(call(0, &init.abi_encode())), ERR_INITIALIZED);
        // A served view through the entry point.
        let out = call(0, &I::hasRoleCall { role: EXECUTOR_ROLE, account: Address::ZERO }.abi_encode()).unwrap();
        assert!(I::hasRoleCall::abi_decode_returns(&out).unwrap());
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let host = initialized();
        check_arbitrary_calldata(&host, treasury_entry, I::ITreasuryCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
