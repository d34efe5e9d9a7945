//! A real stylus-sdk 0.10 contract (devnet/fixtures/counter) through alloy clients.

use alloy::{
    providers::Provider,
    sol,
    sol_types::{SolCall, SolError},
};
use alloy_primitives::{Address, Bytes, U256};
use lpx_devnet::test_utils::{counter_wasm, deploy_evm, deploy_stylus, deploy_stylus_with_deployer};

use crate::common::*;

sol! {
    #[sol(rpc)]
    interface ICounter {
        function constructor(uint256 initial) external payable;
        function number() external view returns (uint256);
        function owner() external view returns (address);
        function increment() external;
        function setNumber(uint256 value) external;
        function deposit() external payable returns (uint256);
        function depositOf(address who) external view returns (uint256);
        function readOther(address other) external view returns (uint256);
        function callOther(address target, bytes data) external returns (bytes);
        function spin(uint256 rounds) external view returns (uint256);
        function boom() external view returns (uint256);
        event Incremented(address indexed by, uint256 value);
        error NotOwner(address caller);
        error CallFailed(bytes data);
    }
}

/// `stylus_constructor()` selector, then the ABI-encoded arguments.
fn constructor_call(initial: u64) -> Bytes {
    let args = ICounter::constructorCall { initial: U256::from(initial) }.abi_encode();
    [&alloy_primitives::keccak256(b"stylus_constructor()")[..4], &args[4..]].concat().into()
}

#[tokio::test]
async fn counter_deploys_with_constructor_and_runs() {
    let wasm = counter_wasm().expect("fixture builds");
    let (_d, p) = devnet().await;
    let before = p.get_balance(ADDR0).await.unwrap();
    let addr = deploy_stylus_with_deployer(&p, &wasm, constructor_call(5), U256::from(7)).await.unwrap();
    let c = ICounter::new(addr, &p);
    assert_eq!(c.number().call().await.unwrap(), U256::from(5));
    // As on Arbitrum, the constructor runs with the StylusDeployer as msg.sender.
    assert_eq!(c.owner().call().await.unwrap(), lpx_devnet::arb::STYLUS_DEPLOYER);
    assert_eq!(p.get_balance(addr).await.unwrap(), U256::from(7), "init value reaches the contract");
    // The deployer refunded everything but the data fee, the init value and gas.
    let spent = before - p.get_balance(ADDR0).await.unwrap();
    assert!(spent < U256::from(10).pow(U256::from(16)), "spent {spent}");
    assert_eq!(p.get_balance(lpx_devnet::arb::STYLUS_DEPLOYER).await.unwrap(), U256::ZERO);

    let r = c.increment().send().await.unwrap().get_receipt().await.unwrap();
    assert!(r.status());
    let ev = r.decoded_log::<ICounter::Incremented>().expect("event");
    assert_eq!(ev.by, ADDR0);
    assert_eq!(ev.value, U256::from(6));
    assert_eq!(c.number().call().await.unwrap(), U256::from(6));

    // Owner check with a custom error.
    let err = c.setNumber(U256::from(1)).call().await.err().expect("reverts");
    let data = err.as_revert_data().expect("revert data");
    assert_eq!(ICounter::NotOwner::abi_decode(&data).unwrap().caller, ADDR0);

    // A plain CREATE + activation, then the constructor called directly: the caller owns it.
    let direct = deploy_stylus(&p, &wasm).await.unwrap();
    let r = send(&p, direct, constructor_call(1).to_vec(), U256::ZERO, None).await;
    assert!(r.status());
    let c = ICounter::new(direct, &p);
    assert_eq!(c.owner().call().await.unwrap(), ADDR0);
    let other = provider(&_d, "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    let err = ICounter::new(direct, &other).setNumber(U256::from(1)).call().await.err().expect("reverts");
    let data = err.as_revert_data().expect("revert data");
    let decoded = ICounter::NotOwner::abi_decode(&data).unwrap();
    assert_eq!(decoded.caller, alloy_primitives::address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"));
    c.setNumber(U256::from(40)).send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(c.number().call().await.unwrap(), U256::from(40));

    // Payable and non-payable.
    c.deposit().value(U256::from(1000)).send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(c.depositOf(ADDR0).call().await.unwrap(), U256::from(1000));
    assert!(c.increment().value(U256::from(1)).call().await.is_err());

    // A second constructor call is refused.
    assert!(call(&p, direct, constructor_call(1).to_vec()).await.is_err());
}

#[tokio::test]
async fn counter_calls_out_and_refuses_reentry() {
    let wasm = counter_wasm().expect("fixture builds");
    let (_d, p) = devnet().await;
    let a = deploy_stylus(&p, &wasm).await.unwrap();
    let b = deploy_stylus_with_deployer(&p, &wasm, constructor_call(9), U256::ZERO).await.unwrap();
    let fortytwo = deploy_evm(&p, init_code(RETURNS_42)).await.unwrap();
    let fwd = deploy_evm(&p, init_code(FORWARDER)).await.unwrap();
    let ca = ICounter::new(a, &p);
    assert_eq!(ca.number().call().await.unwrap(), U256::ZERO, "no constructor ran");
    assert_eq!(ca.readOther(fortytwo).call().await.unwrap(), U256::from(42), "Stylus -> EVM");
    assert_eq!(ca.readOther(b).call().await.unwrap(), U256::from(9), "Stylus -> Stylus");
    // EVM -> Stylus -> Stylus.
    let inner = ICounter::readOtherCall { other: b }.abi_encode();
    let out = call(&p, fwd, [a.as_slice(), &inner].concat()).await.unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(9));

    // A -> B.increment works (B isn't reentrant).
    let inc = Bytes::from(ICounter::incrementCall {}.abi_encode());
    let r = ca.callOther(b, inc.clone()).send().await.unwrap().get_receipt().await.unwrap();
    assert!(r.status());
    assert_eq!(ICounter::new(b, &p).number().call().await.unwrap(), U256::from(10));
    // A -> A.increment: the SDK's guard refuses reentry (empty revert data).
    let err = ca.callOther(a, inc.clone()).call().await.unwrap_err();
    let data = err.as_revert_data().expect("revert data");
    assert_eq!(ICounter::CallFailed::abi_decode(&data).unwrap().data, Bytes::new());
    // A -> EVM -> A.increment: refused as well.
    let via = Bytes::from([a.as_slice(), &inc].concat());
    let err = ca.callOther(fwd, via).call().await.unwrap_err();
    assert!(err.as_revert_data().is_some());

    // Faults: a panic reverts with empty data; spinning exhausts ink.
    let err = ca.boom().call().await.unwrap_err();
    assert_eq!(err.as_revert_data().map(|d| d.len()), Some(0));
    let spin = ICounter::spinCall { rounds: U256::MAX }.abi_encode();
    let r = send(&p, a, spin, U256::ZERO, Some(2_000_000)).await;
    assert!(!r.status());
    assert_eq!(r.gas_used, 2_000_000);
    assert_eq!(ca.number().call().await.unwrap(), U256::ZERO, "still serving");
    let _: Address = a;
}
