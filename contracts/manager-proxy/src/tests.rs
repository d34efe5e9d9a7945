//! The proxy's entry point on the native test host: its own functions, the lookup and the
//! delegation, and arbitrary calldata.

use alloc::{boxed::Box, vec, vec::Vec};

use alloy_primitives::{address, b256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use lpx_abi::controller::IController;
use lpx_abi::manager::IManagerProxy as I;
use lpx_contracts_common::entry::{CONSTRUCTOR_SELECTOR, ERR_CALLDATA, ERR_CONSTRUCTED, ERR_VALUE};
use lpx_contracts_common::revert::err;
use lpx_contracts_common::testing::*;

use super::*;

const CONTROLLER: Address = address!("00000000000000000000000000000000000c0111");
const TARGET: Address = address!("0000000000000000000000000000000000007a76");
const USER: Address = address!("00000000000000000000000000000000000000aa");
const ID: B256 = b256!("a65c3dc1a85422ba3e6003be871c3339b882a9c28fc454085d394e4b6436d564");

fn ctor(controller: Address, id: B256) -> Vec<u8> {
    [&CONSTRUCTOR_SELECTOR[..], &(controller, id).abi_encode_params()].concat()
}

fn call(host: &TestHost, from: Address, value: u64, data: &[u8]) -> ArbResult {
    call_entry(host, proxy_entry, from, U256::from(value), data)
}

fn deployed() -> TestHost {
    let host = TestHost::new();
    call(&host, USER, 0, &ctor(CONTROLLER, ID)).expect("constructor");
    host
}

fn lookup() -> Vec<u8> {
    IController::getContractCall { _id: ID }.abi_encode()
}

#[test]
fn constructor_sets_the_head_once() {
    let host = deployed();
    assert_eq!(host.vm().get_storage(CONTROLLER_SLOT), CONTROLLER.into_word());
    assert_eq!(host.vm().get_storage(TARGET_ID_SLOT), ID);
    let out = call(&host, USER, 0, &I::controllerCall {}.abi_encode()).unwrap();
    assert_eq!(I::controllerCall::abi_decode_returns(&out).unwrap(), CONTROLLER);
    let out = call(&host, USER, 0, &I::targetContractIdCall {}.abi_encode()).unwrap();
    assert_eq!(I::targetContractIdCall::abi_decode_returns(&out).unwrap(), ID);
    assert_eq!(call(&host, USER, 0, &ctor(USER, B256::ZERO)), Err(err(ERR_CONSTRUCTED)));
    assert_eq!(host.vm().get_storage(CONTROLLER_SLOT), CONTROLLER.into_word());
    assert!(host.calls().is_empty(), "own functions never reach the target");
}

#[test]
fn constructor_checks_its_arguments_and_value() {
    let host = TestHost::new();
    assert_eq!(call(&host, USER, 1, &ctor(CONTROLLER, ID)), Err(err(ERR_VALUE)));
    let short = &ctor(CONTROLLER, ID)[..40];
    assert_eq!(call(&host, USER, 0, short), Err(err(ERR_CALLDATA)));
    let mut dirty = ctor(CONTROLLER, ID);
    dirty[4] = 1;
    assert_eq!(call(&host, USER, 0, &dirty), Err(err(ERR_CALLDATA)));
    call(&host, USER, 0, &ctor(CONTROLLER, ID)).unwrap();
}

#[test]
fn set_controller_only_by_the_controller() {
    let host = deployed();
    let next = address!("00000000000000000000000000000000000c0222");
    let data = I::setControllerCall { _controller: next }.abi_encode();
    assert_eq!(call(&host, USER, 0, &data), Err(err("caller must be Controller")));
    assert_eq!(call(&host, CONTROLLER, 1, &data), Err(err(ERR_VALUE)));
    assert_eq!(call(&host, CONTROLLER, 0, &data[..20]), Err(err(ERR_CALLDATA)));
    assert_eq!(call(&host, CONTROLLER, 0, &data), Ok(Vec::new()));
    assert_eq!(host.vm().get_storage(CONTROLLER_SLOT), next.into_word());
    let logs = host.logs();
    assert_eq!(logs.len(), 1);
    let ev = I::SetController::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
    assert_eq!(ev.controller, next);
    // The old controller lost the right.
    assert_eq!(call(&host, CONTROLLER, 0, &data), Err(err("caller must be Controller")));
}

#[test]
fn other_calls_are_delegated_verbatim() {
    let host = deployed();
    host.mock_static_call(CONTROLLER, lookup(), Ok(TARGET.abi_encode()));
    let data = vec![0xde, 0xad, 0xbe, 0xef, 1, 2, 3];
    host.mock_delegate_call(TARGET, data.clone(), Ok(vec![7; 40]));
    assert_eq!(call(&host, USER, 5, &data), Ok(vec![7; 40]));
    // A revert comes back as is, whatever its encoding.
    host.mock_delegate_call(TARGET, data.clone(), Err(vec![1, 2, 3]));
    assert_eq!(call(&host, USER, 0, &data), Err(vec![1, 2, 3]));
    // Empty and short calldata reach the target too (receive / fallback).
    host.mock_delegate_call(TARGET, Vec::new(), Ok(Vec::new()));
    assert_eq!(call(&host, USER, 9, &[]), Ok(Vec::new()));
    host.mock_delegate_call(TARGET, vec![0x12], Err(Vec::new()));
    assert_eq!(call(&host, USER, 0, &[0x12]), Err(Vec::new()));
    let kinds: Vec<_> = host.calls().iter().map(|c| (c.kind, c.to)).collect();
    assert_eq!(kinds.len(), 8);
    assert!(kinds.chunks(2).all(|p| p == [(CallKind::Static, CONTROLLER), (CallKind::Delegate, TARGET)]));
}

#[test]
fn unregistered_target_or_bad_controller_reverts_with_a_message() {
    let host = deployed();
    let data = [0xde, 0xad, 0xbe, 0xef];
    host.mock_static_call(CONTROLLER, lookup(), Ok(Address::ZERO.abi_encode()));
    assert_eq!(call(&host, USER, 0, &data), Err(err(ERR_NOT_REGISTERED)));
    host.mock_static_call(CONTROLLER, lookup(), Ok(Vec::new()));
    assert_eq!(call(&host, USER, 0, &data), Err(err(ERR_BAD_CONTROLLER_REPLY)));
    host.mock_static_call(CONTROLLER, lookup(), Ok(vec![0xff; 32]));
    assert_eq!(call(&host, USER, 0, &data), Err(err(ERR_BAD_CONTROLLER_REPLY)));
    host.mock_static_call(CONTROLLER, lookup(), Err(err("controller says no")));
    assert_eq!(call(&host, USER, 0, &data), Err(err("controller says no")));
    assert!(host.calls().iter().all(|c| c.kind == CallKind::Static), "nothing delegated");
}

#[test]
fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
    let host = deployed();
    host.mock_static_call(CONTROLLER, lookup(), Ok(TARGET.abi_encode()));
    // The target answers everything; a fifth of the calls revert with a message.
    host.set_router(Box::new(|c| (c.kind == CallKind::Delegate).then(|| if c.data.len() % 5 == 0 { Err(err("target reverted")) } else { Ok(c.data.clone()) })));
    static SELECTORS: [[u8; 4]; 4] = [I::controllerCall::SELECTOR, I::targetContractIdCall::SELECTOR, I::setControllerCall::SELECTOR, CONSTRUCTOR_SELECTOR];
    check_arbitrary_calldata(&host, proxy_entry, &SELECTORS, &ENTRY_SENDERS, 400);
    assert_eq!(host.vm().get_storage(TARGET_ID_SLOT), ID, "the head is never overwritten");
}
