//! Shared helpers.

use alloy::{
    network::TransactionBuilder,
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use alloy_primitives::{hex, Address, Bytes, U256};
use lpx_devnet::{Devnet, DevnetConfig};

/// anvil's first dev key (public test key of the standard mnemonic).
pub const KEY0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// Its address.
pub const ADDR0: Address = alloy_primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

/// A devnet on a free port and a provider that signs with key 0.
pub async fn devnet() -> (Devnet, DynProvider) {
    let devnet = Devnet::spawn(DevnetConfig::test()).await.expect("devnet starts");
    let provider = provider(&devnet, KEY0);
    (devnet, provider)
}

/// A signing provider for `key`.
pub fn provider(devnet: &Devnet, key: &str) -> DynProvider {
    let signer: PrivateKeySigner = key.parse().expect("key");
    ProviderBuilder::new().wallet(signer).connect_http(devnet.url().parse().expect("url")).erased()
}

/// The probe program (every hostio), assembled.
pub fn probe_wasm() -> Vec<u8> {
    wat::parse_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/probe.wat")).expect("probe.wat")
}

/// Runtime code that returns 42 as a word.
pub const RETURNS_42: &str = "602a60005260206000f3";
/// Runtime code that forwards `calldata[20..]` to `address(calldata[0..20])` and bubbles the
/// result (status and data).
pub const FORWARDER: &str = "6014360380601460003760006000826000600060003560601c5af13d600060003e156029573d6000f35b3d6000fd";

/// Init code that deploys `runtime` unchanged.
pub fn init_code(runtime_hex: &str) -> Bytes {
    let runtime = hex::decode(runtime_hex).expect("hex");
    let n = runtime.len() as u8;
    let mut code = vec![0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xf3];
    code.extend(runtime);
    code.into()
}

/// Sends a transaction and returns its receipt (whatever the status).
pub async fn send(p: &DynProvider, to: Address, data: Vec<u8>, value: U256, gas: Option<u64>) -> alloy::rpc::types::TransactionReceipt {
    let mut tx = TransactionRequest::default().with_to(to).with_input(data).with_value(value);
    if let Some(g) = gas {
        tx = tx.with_gas_limit(g);
    }
    p.send_transaction(tx).await.expect("send").get_receipt().await.expect("receipt")
}

/// `eth_call` returning bytes or the error text.
pub async fn call(p: &DynProvider, to: Address, data: Vec<u8>) -> Result<Bytes, String> {
    p.call(TransactionRequest::default().with_from(ADDR0).with_to(to).with_input(data)).await.map_err(|e| e.to_string())
}

/// `[op] ++ payload`.
pub fn op(code: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![code];
    v.extend_from_slice(payload);
    v
}
