//! Helpers for tests that deploy Stylus code on a devnet (feature `test-utils`).

use std::{path::PathBuf, process::Command, sync::OnceLock};

use alloy::{
    network::TransactionBuilder,
    providers::Provider,
    rpc::types::TransactionRequest,
    sol_types::{SolCall, SolEvent},
};
use alloy_primitives::{Address, Bytes, U256};

use crate::arb::{
    abi::{IArbWasm, IStylusDeployer},
    ARB_WASM, STYLUS_DEPLOYER,
};

/// A helper failed.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// The RPC call failed.
    #[error("rpc: {0}")]
    Rpc(String),
    /// The transaction reverted or the receipt was unexpected.
    #[error("{0}")]
    Tx(String),
    /// Building a fixture failed.
    #[error("build: {0}")]
    Build(String),
}

fn rpc<E: std::fmt::Display>(e: E) -> TestError {
    TestError::Rpc(e.to_string())
}

/// Assembles WAT text.
pub fn wat(src: &str) -> Vec<u8> {
    // SAFETY-free expect: test programs are written by the test author; a typo should fail loudly.
    wat::parse_str(src).expect("valid wat")
}

/// On-chain code for `wasm` (prefix + brotli, as cargo-stylus makes it).
pub fn stylus_code(wasm: &[u8]) -> Bytes {
    lpx_contract_build::compress(wasm).into()
}

async fn send<P: Provider>(provider: &P, tx: TransactionRequest) -> Result<alloy::rpc::types::TransactionReceipt, TestError> {
    let receipt = provider.send_transaction(tx).await.map_err(rpc)?.get_receipt().await.map_err(rpc)?;
    if !receipt.status() {
        return Err(TestError::Tx(format!("transaction {} reverted", receipt.transaction_hash)));
    }
    Ok(receipt)
}

/// Deploys EVM init code; returns the new address.
pub async fn deploy_evm<P: Provider>(provider: &P, init_code: Bytes) -> Result<Address, TestError> {
    let receipt = send(provider, TransactionRequest::default().with_deploy_code(init_code)).await?;
    receipt.contract_address.ok_or_else(|| TestError::Tx("no contract address".into()))
}

/// Deploys `wasm` with a plain CREATE (without activating it).
pub async fn deploy_stylus_unactivated<P: Provider>(provider: &P, wasm: &[u8]) -> Result<Address, TestError> {
    deploy_evm(provider, lpx_contract_build::create_init_code(&stylus_code(wasm)).into()).await
}

/// Activates the program at `program` through ArbWasm, paying the quoted data fee. Does nothing
/// when its code hash is already active (as `cargo stylus check` decides).
pub async fn activate<P: Provider>(provider: &P, program: Address) -> Result<(), TestError> {
    let code = provider.get_code_at(program).await.map_err(rpc)?;
    let version = IArbWasm::codehashVersionCall { codehash: alloy_primitives::keccak256(&code) }.abi_encode();
    if provider.call(TransactionRequest::default().with_to(ARB_WASM).with_input(version)).await.is_ok() {
        return Ok(());
    }
    let call = IArbWasm::activateProgramCall { program }.abi_encode();
    let probe = TransactionRequest::default().with_to(ARB_WASM).with_input(call.clone()).with_value(U256::from(10).pow(U256::from(18)));
    let out = provider.call(probe).await.map_err(rpc)?;
    let fee = IArbWasm::activateProgramCall::abi_decode_returns(&out).map_err(rpc)?.dataFee;
    send(provider, TransactionRequest::default().with_to(ARB_WASM).with_input(call).with_value(fee)).await?;
    Ok(())
}

/// Deploys and activates `wasm` (CREATE, then ArbWasm.activateProgram); returns the address.
pub async fn deploy_stylus<P: Provider>(provider: &P, wasm: &[u8]) -> Result<Address, TestError> {
    let address = deploy_stylus_unactivated(provider, wasm).await?;
    activate(provider, address).await?;
    Ok(address)
}

/// Deploys through the StylusDeployer in one transaction, running `init_data` (e.g. the
/// constructor call) with `init_value`; returns the address from the `ContractDeployed` event.
pub async fn deploy_stylus_with_deployer<P: Provider>(provider: &P, wasm: &[u8], init_data: Bytes, init_value: U256) -> Result<Address, TestError> {
    let bytecode = lpx_contract_build::create_init_code(&stylus_code(wasm)).into();
    let call = IStylusDeployer::deployCall { bytecode, initData: init_data, initValue: init_value, salt: Default::default() };
    // A generous value covers the data fee; the deployer refunds the rest.
    let value = init_value + U256::from(10).pow(U256::from(17));
    let tx = TransactionRequest::default().with_to(STYLUS_DEPLOYER).with_input(call.abi_encode()).with_value(value);
    let receipt = send(provider, tx).await?;
    receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| IStylusDeployer::ContractDeployed::decode_log_data(l.data()).ok())
        .map(|e| e.deployedContract)
        .ok_or_else(|| TestError::Tx("no ContractDeployed event".into()))
}

/// The stylus-sdk fixture contract `devnet/fixtures/counter`, built for wasm32 (once per
/// process) into `<target>/devnet-fixtures` and processed as cargo-stylus does.
pub fn counter_wasm() -> Result<Vec<u8>, TestError> {
    static WASM: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    WASM.get_or_init(|| build_fixture("lpx-devnet-counter", "lpx_devnet_counter")).clone().map_err(TestError::Build)
}

fn build_fixture(package: &str, artifact: &str) -> Result<Vec<u8>, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    // A separate target dir: the outer `cargo test` holds the lock on its own.
    let target = target.join("devnet-fixtures");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["build", "-p", package, "--lib", "--target", "wasm32-unknown-unknown", "--profile", "contract", "--target-dir"])
        .arg(&target)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let path = target.join("wasm32-unknown-unknown/contract").join(format!("{artifact}.wasm"));
    let raw = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    // What cargo-stylus deploys: custom sections stripped and the module re-encoded to MVP form.
    lpx_contract_build::nitro_wasm(&raw)
}
