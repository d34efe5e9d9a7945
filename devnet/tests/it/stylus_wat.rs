//! Hostio-level behaviour with hand-written wasm (tests/fixtures/probe.wat).

use alloy::providers::Provider;
use alloy_primitives::{address, keccak256, Address, B256, U256};
use lpx_devnet::test_utils::{deploy_evm, deploy_stylus, deploy_stylus_unactivated, wat};

use crate::common::*;

fn word(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

#[tokio::test]
async fn storage_logs_and_echo_through_the_journal() {
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &probe_wasm()).await.unwrap();

    assert_eq!(call(&p, a, op(0, b"hello")).await.unwrap().as_ref(), b"hello");

    let key = word(7);
    let value = word(0xabcdef);
    let r = send(&p, a, op(1, &[key, value].concat()), U256::ZERO, None).await;
    assert!(r.status());
    let stored = p.get_storage_at(a, U256::from(7)).await.unwrap();
    assert_eq!(stored, U256::from(0xabcdef));
    assert_eq!(call(&p, a, op(2, &key)).await.unwrap().as_ref(), value);

    // An unflushed write is visible through the cache but dropped at the end of the call.
    let other = word(99);
    let r = send(&p, a, op(3, &[word(8), other].concat()), U256::ZERO, None).await;
    assert!(r.status());
    assert_eq!(p.get_storage_at(a, U256::from(8)).await.unwrap(), U256::ZERO);
    assert_eq!(call(&p, a, op(3, &[word(8), other].concat())).await.unwrap().as_ref(), other);

    // LOG2 with 3 data bytes.
    let t1 = B256::repeat_byte(1);
    let t2 = B256::repeat_byte(2);
    let payload = [&[2u8][..], t1.as_slice(), t2.as_slice(), b"abc"].concat();
    let r = send(&p, a, op(4, &payload), U256::ZERO, None).await;
    let logs = r.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address(), a);
    assert_eq!(logs[0].topics(), &[t1, t2]);
    assert_eq!(logs[0].data().data.as_ref(), b"abc");
}

#[tokio::test]
async fn environment_hostios_report_block_tx_and_message() {
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let out = call(&p, a, op(10, &[])).await.unwrap();
    let u64_at = |i: usize| u64::from_le_bytes(out[i..i + 8].try_into().unwrap());
    let head = p.get_block_number().await.unwrap();
    assert_eq!(u64_at(0), head + 1, "pending block number");
    assert_eq!(u64_at(16), 412_346, "chain id");
    assert_eq!(u64_at(24), 30_000_000, "gas limit");
    assert_eq!(u32::from_le_bytes(out[32..36].try_into().unwrap()), 0, "not reentrant");
    assert_eq!(u32::from_le_bytes(out[36..40].try_into().unwrap()), 10_000, "ink price");
    assert_eq!(Address::from_slice(&out[92..112]), a, "contract address");
    assert_eq!(Address::from_slice(&out[112..132]), ADDR0, "sender");
    assert_eq!(Address::from_slice(&out[196..216]), ADDR0, "origin");
    let gas_left = u64_at(216);
    let ink_left = u64_at(224);
    assert!(gas_left > 1_000_000 && gas_left < 30_000_000, "gas left {gas_left}");
    assert!(ink_left / 10_000 <= gas_left, "ink {ink_left} vs gas {gas_left}");
}

#[tokio::test]
async fn account_crypto_math_transient_and_exit_hostios() {
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let evm = deploy_evm(&p, init_code(RETURNS_42)).await.unwrap();

    let out = call(&p, a, op(11, evm.as_slice())).await.unwrap();
    assert_eq!(U256::from_be_slice(&out[..32]), U256::ZERO);
    assert_eq!(u32::from_le_bytes(out[32..36].try_into().unwrap()), 10);
    let runtime = alloy_primitives::hex::decode(RETURNS_42).unwrap();
    assert_eq!(&out[36..68], keccak256(&runtime).as_slice());
    assert_eq!(&out[68..], runtime.as_slice());
    let out = call(&p, a, op(11, ADDR0.as_slice())).await.unwrap();
    assert_eq!(U256::from_be_slice(&out[..32]), p.get_balance(ADDR0).await.unwrap());

    assert_eq!(call(&p, a, op(12, b"lpx")).await.unwrap().as_ref(), keccak256(b"lpx").as_slice());

    let out = call(&p, a, op(13, &[word(17), word(5), word(6)].concat())).await.unwrap();
    let at = |i: usize| U256::from_be_slice(&out[i * 32..(i + 1) * 32]);
    assert_eq!(at(0), U256::from(3));
    assert_eq!(at(1), U256::from(2));
    assert_eq!(at(2), U256::from(1_419_857u64));
    assert_eq!(at(3), U256::from(22 % 6));
    assert_eq!(at(4), U256::from(85 % 6));
    let out = call(&p, a, op(13, &[word(17), word(0), word(0)].concat())).await.unwrap();
    assert_eq!(U256::from_be_slice(&out[..32]), U256::ZERO, "x / 0 = 0");

    assert_eq!(call(&p, a, op(14, &[word(1), word(77)].concat())).await.unwrap().as_ref(), word(77));

    assert_eq!(call(&p, a, op(15, &[0, 9, 9]).to_vec()).await.unwrap().as_ref(), &[9, 9]);
    let err = call(&p, a, op(15, &[1, 0xde, 0xad])).await.unwrap_err();
    assert!(err.contains("0xdead"), "{err}");
    let err = call(&p, a, op(16, &[0xbe, 0xef])).await.unwrap_err();
    assert!(err.contains("0xbeef"), "{err}");
}

#[tokio::test]
async fn nested_calls_cross_between_stylus_and_evm_at_depth() {
    let (_d, p) = devnet().await;
    let s1 = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let s2 = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let fortytwo = deploy_evm(&p, init_code(RETURNS_42)).await.unwrap();
    let fwd = deploy_evm(&p, init_code(FORWARDER)).await.unwrap();

    // Stylus -> EVM (static).
    let out = call(&p, s1, op(6, fortytwo.as_slice())).await.unwrap();
    assert_eq!(out.as_ref(), word(42));
    // EVM -> Stylus.
    let out = call(&p, fwd, [s2.as_slice(), &op(0, b"deep")].concat()).await.unwrap();
    assert_eq!(out.as_ref(), b"deep");
    // Stylus -> EVM -> Stylus -> EVM.
    let inner = [fwd.as_slice(), &[s2.as_slice(), &op(6, fortytwo.as_slice())].concat()].concat();
    let out = call(&p, s1, op(6, &inner)).await.unwrap();
    assert_eq!(out.as_ref(), word(42));
    // A write through nested calls with value lands in the callee.
    let payload = [s2.as_slice(), &word(5), &op(1, &[word(3), word(4)].concat())].concat();
    let r = send(&p, s1, op(5, &payload), U256::from(10), None).await;
    assert!(r.status());
    assert_eq!(p.get_storage_at(s2, U256::from(3)).await.unwrap(), U256::from(4));
    assert_eq!(p.get_balance(s2).await.unwrap(), U256::from(5));
    assert_eq!(p.get_balance(s1).await.unwrap(), U256::from(5));
    // Delegate call writes the caller's storage.
    let r = send(&p, s1, op(7, &[s2.as_slice(), &op(1, &[word(11), word(12)].concat())].concat()), U256::ZERO, None).await;
    assert!(r.status());
    assert_eq!(p.get_storage_at(s1, U256::from(11)).await.unwrap(), U256::from(12));
    assert_eq!(p.get_storage_at(s2, U256::from(11)).await.unwrap(), U256::ZERO);
    // A revert deep inside comes back as the callee's data with status 1.
    let err = call(&p, s1, op(6, &[s2.as_slice(), &op(16, &[0xca, 0xfe])].concat())).await.unwrap_err();
    assert!(err.contains("0xcafe"), "{err}");
}

#[tokio::test]
async fn msg_reentrant_is_exact() {
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let b = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let fwd = deploy_evm(&p, init_code(FORWARDER)).await.unwrap();
    let reentrant = |out: &[u8]| u32::from_le_bytes(out[32..36].try_into().unwrap());
    // A -> B (env): B is not reentrant.
    let out = call(&p, a, op(6, &[b.as_slice(), &op(10, &[])].concat())).await.unwrap();
    assert_eq!(reentrant(&out), 0);
    // A -> B -> A (env): A is reentrant.
    let back = op(6, &[a.as_slice(), &op(10, &[])].concat());
    let out = call(&p, a, op(6, &[b.as_slice(), &back].concat())).await.unwrap();
    assert_eq!(reentrant(&out), 1);
    // A -> EVM -> A: still reentrant.
    let out = call(&p, a, op(6, &[fwd.as_slice(), &[a.as_slice(), &op(10, &[])].concat()].concat())).await.unwrap();
    assert_eq!(reentrant(&out), 1);
    // A delegate-calls B: B's code runs as A, one A frame: not reentrant.
    let out = call(&p, a, op(7, &[b.as_slice(), &op(10, &[])].concat())).await.unwrap();
    assert_eq!(reentrant(&out), 0);
}

#[tokio::test]
async fn create_hostios_deploy_evm_code() {
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let init = init_code(RETURNS_42);
    let out = call(&p, a, op(8, &[&word(0)[..], &init].concat())).await.unwrap();
    let created = Address::from_slice(&out[..20]);
    assert_eq!(created, a.create(1));
    let salt = B256::repeat_byte(0x11);
    let out = call(&p, a, op(9, &[&word(0)[..], salt.as_slice(), &init].concat())).await.unwrap();
    assert_eq!(Address::from_slice(&out[..20]), a.create2_from_code(salt, &init));
    // A reverting init code gives the zero address and its revert data.
    let revert_init = alloy_primitives::hex::decode("60aa6000526001601ffd").unwrap();
    let out = call(&p, a, op(8, &[&word(0)[..], &revert_init].concat())).await.unwrap();
    assert_eq!(Address::from_slice(&out[..20]), Address::ZERO);
    assert_eq!(&out[20..], &[0xaa]);
    // An explicit limit: like any CREATE from a contract, a tight estimate can starve the inner
    // create while the outer call still succeeds.
    let r = send(&p, a, op(8, &[&word(0)[..], &init].concat()), U256::ZERO, Some(1_000_000)).await;
    assert!(r.status());
    assert_eq!(p.get_code_at(a.create(1)).await.unwrap().as_ref(), alloy_primitives::hex::decode(RETURNS_42).unwrap());
}

#[tokio::test]
async fn faults_revert_and_the_node_keeps_serving() {
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &probe_wasm()).await.unwrap();
    let gas = 3_000_000;
    // Trap: reverted, unused gas returned.
    let r = send(&p, a, op(17, &[]), U256::ZERO, Some(gas)).await;
    assert!(!r.status());
    assert!(r.gas_used < gas);
    assert!(call(&p, a, op(17, &[])).await.unwrap_err().contains("execution reverted"));
    // Ink exhaustion: reverted, all gas consumed.
    let r = send(&p, a, op(18, &[]), U256::ZERO, Some(gas)).await;
    assert!(!r.status());
    assert_eq!(r.gas_used, gas);
    // Unbounded recursion.
    let r = send(&p, a, op(19, &[]), U256::ZERO, Some(gas)).await;
    assert!(!r.status());
    // Oversized return data: 64 pages cost more than the gas limit.
    let r = send(&p, a, op(20, &[64]), U256::ZERO, Some(gas)).await;
    assert!(!r.status());
    // Still serving, and a normal call works.
    assert_eq!(call(&p, a, op(0, b"ok")).await.unwrap().as_ref(), b"ok");
    let r = send(&p, a, op(1, &[word(1), word(1)].concat()), U256::ZERO, None).await;
    assert!(r.status());
    // Memory growth within limits works and reports the old size.
    assert_eq!(call(&p, a, op(21, &[3])).await.unwrap().as_ref(), 1u32.to_le_bytes());
    // Past the page limit memory.grow fails with -1.
    assert_eq!(call(&p, a, op(21, &[200])).await.unwrap().as_ref(), (-1i32).to_le_bytes());
}

#[tokio::test]
async fn activation_rules() {
    use alloy::sol_types::{SolCall, SolError};
    use lpx_devnet::arb::{abi::IArbWasm, ARB_WASM};
    let (_d, p) = devnet().await;
    let a = deploy_stylus_unactivated(&p, &probe_wasm()).await.unwrap();
    let not_activated = alloy_primitives::hex::encode(IArbWasm::ProgramNotActivated::SELECTOR);
    let err = call(&p, a, op(0, b"x")).await.unwrap_err();
    assert!(err.contains(&not_activated), "{err}");
    let code = p.get_code_at(a).await.unwrap();
    let hash = keccak256(&code);
    let version = IArbWasm::codehashVersionCall { codehash: hash }.abi_encode();
    assert!(call(&p, ARB_WASM, version.clone()).await.unwrap_err().contains(&not_activated));
    lpx_devnet::test_utils::activate(&p, a).await.unwrap();
    let out = call(&p, ARB_WASM, version).await.unwrap();
    assert_eq!(IArbWasm::codehashVersionCall::abi_decode_returns(&out).unwrap(), 2);
    assert_eq!(call(&p, a, op(0, b"x")).await.unwrap().as_ref(), b"x");
    // Activating again: ProgramUpToDate.
    let again = call(&p, ARB_WASM, IArbWasm::activateProgramCall { program: a }.abi_encode()).await.unwrap_err();
    assert!(again.contains(&alloy_primitives::hex::encode(IArbWasm::ProgramUpToDate::SELECTOR)), "{again}");

    // Imports outside vm_hooks are refused at activation.
    let bad = wat(r#"(module (import "env" "abort" (func)) (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#);
    let b = deploy_stylus_unactivated(&p, &bad).await.unwrap();
    assert!(lpx_devnet::test_utils::activate(&p, b).await.is_err());
    let bogus = wat(r#"(module (import "vm_hooks" "bogus" (func)) (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#);
    let c = deploy_stylus_unactivated(&p, &bogus).await.unwrap();
    assert!(lpx_devnet::test_utils::activate(&p, c).await.is_err());

    // ArbSys basics.
    use lpx_devnet::arb::{abi::IArbSys, ARB_SYS};
    let out = call(&p, ARB_SYS, IArbSys::arbChainIDCall {}.abi_encode()).await.unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(412_346));
    let out = call(&p, ARB_SYS, IArbSys::arbBlockNumberCall {}.abi_encode()).await.unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(p.get_block_number().await.unwrap() + 1));
    let out = call(&p, ARB_SYS, IArbSys::arbOSVersionCall {}.abi_encode()).await.unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(95));
    let prev = p.get_block_number().await.unwrap();
    let out = call(&p, ARB_SYS, IArbSys::arbBlockHashCall { arbBlockNum: U256::from(prev) }.abi_encode()).await.unwrap();
    let block = p.get_block_by_number(prev.into()).await.unwrap().unwrap();
    assert_eq!(B256::from_slice(&out), block.header.hash);
}

#[tokio::test]
async fn eip3541_is_relaxed_only_for_stylus_prefixes() {
    let (_d, p) = devnet().await;
    // Runtime starting with 0xEF but not a Stylus prefix: the CREATE fails.
    let init = init_code("ef0102");
    let err = lpx_devnet::test_utils::deploy_evm(&p, init).await;
    assert!(err.is_err());
    // The factory from genesis is present.
    let code = p.get_code_at(address!("4e59b44847b379578588920ca78fbf26c0b4956c")).await.unwrap();
    assert_eq!(code.len(), 69);
}
