//! EVM parity with real anvil: the same signed transactions give the same results.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::Duration,
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy},
    eips::Encodable2718,
    network::TxSignerSync,
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use alloy_primitives::{address, Address, Bytes, TxKind, U256};

use crate::common::*;

struct Anvil(Child);

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_anvil() -> (Anvil, String) {
    let port = free_port();
    let child = Command::new(lpx_testkit::anvil_path())
        .args(["--port", &port.to_string(), "--chain-id", "412346", "--hardfork", "prague", "--silent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("anvil starts");
    // Owned by the guard at once, so a start-up that times out still kills and reaps it.
    let anvil = Anvil(child);
    let url = format!("http://127.0.0.1:{port}");
    let p = ProviderBuilder::new().connect_http(url.parse().unwrap());
    for _ in 0..100 {
        if p.get_chain_id().await.is_ok() {
            return (anvil, url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("anvil did not start");
}

fn signed_1559(key: &PrivateKeySigner, nonce: u64, to: TxKind, value: u64, input: Bytes, gas: u64) -> Bytes {
    let mut tx = TxEip1559 {
        chain_id: 412_346,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 10_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to,
        value: U256::from(value),
        access_list: Default::default(),
        input,
    };
    let sig = key.sign_transaction_sync(&mut tx).unwrap();
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into()
}

fn signed_legacy(key: &PrivateKeySigner, nonce: u64, to: Address, value: u64) -> Bytes {
    let mut tx = TxLegacy {
        chain_id: Some(412_346),
        nonce,
        gas_price: 5_000_000_000,
        gas_limit: 30_000,
        to: TxKind::Call(to),
        value: U256::from(value),
        input: Bytes::new(),
    };
    let sig = key.sign_transaction_sync(&mut tx).unwrap();
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into()
}

fn erc20_call(selector: [u8; 4], args: &[[u8; 32]]) -> Bytes {
    let mut v = selector.to_vec();
    for a in args {
        v.extend_from_slice(a);
    }
    v.into()
}

#[derive(Debug, PartialEq)]
struct Outcome {
    status: bool,
    gas_used: u64,
    cumulative: u64,
    logs: Vec<(Address, Vec<alloy_primitives::B256>, Bytes)>,
    contract: Option<Address>,
}

#[tokio::test]
async fn same_signed_transactions_same_results_as_anvil() {
    let (_anvil, anvil_url) = start_anvil().await;
    let (d, _) = devnet().await;
    let key: PrivateKeySigner = KEY0.parse().unwrap();
    let alice = address!("00000000000000000000000000000000000a11ce");
    let bob = address!("0000000000000000000000000000000000000b0b");
    let token = ADDR0.create(1);
    let word = |a: Address| -> [u8; 32] { U256::from_be_slice(a.as_slice()).to_be_bytes() };
    let amount = |v: u64| -> [u8; 32] { U256::from(v).to_be_bytes() };
    let erc20: Bytes = alloy_primitives::hex::decode(include_str!("../fixtures/erc20.hex").trim()).unwrap().into();
    let transfer = [0xa9, 0x05, 0x9c, 0xbb];
    let txs = vec![
        signed_1559(&key, 0, TxKind::Call(alice), 1_000_000, Bytes::new(), 21_000),
        signed_1559(&key, 1, TxKind::Create, 0, erc20, 200_000),
        signed_1559(&key, 2, TxKind::Call(token), 0, erc20_call(transfer, &[word(bob), amount(500)]), 100_000),
        signed_1559(&key, 3, TxKind::Call(token), 0, erc20_call(transfer, &[word(alice), amount(1)]), 100_000),
        // More than the balance: reverts.
        signed_1559(&key, 4, TxKind::Call(token), 0, erc20_call(transfer, &[word(bob), [0xff; 32]]), 100_000),
        signed_legacy(&key, 5, bob, 777),
    ];

    let mut results = Vec::new();
    for url in [&anvil_url, &d.url()] {
        let p = ProviderBuilder::new().connect_http(url.parse().unwrap());
        let mut outcomes = Vec::new();
        for raw in &txs {
            let r = p.send_raw_transaction(raw).await.unwrap().get_receipt().await.unwrap();
            outcomes.push(Outcome {
                status: r.status(),
                gas_used: r.gas_used,
                cumulative: r.inner.cumulative_gas_used(),
                logs: r.inner.logs().iter().map(|l| (l.address(), l.topics().to_vec(), l.data().data.clone())).collect(),
                contract: r.contract_address,
            });
        }
        let balances = [p.get_balance(ADDR0).await.unwrap(), p.get_balance(alice).await.unwrap(), p.get_balance(bob).await.unwrap()];
        let storage = [
            p.get_storage_at(token, U256::from_be_slice(ADDR0.as_slice())).await.unwrap(),
            p.get_storage_at(token, U256::from_be_slice(bob.as_slice())).await.unwrap(),
            p.get_storage_at(token, U256::from_be_slice(alice.as_slice())).await.unwrap(),
        ];
        results.push((outcomes, balances, storage));
    }
    let (anvil, devnet) = (&results[0], &results[1]);
    assert_eq!(anvil.0, devnet.0, "receipts");
    assert_eq!(anvil.1, devnet.1, "balances");
    assert_eq!(anvil.2, devnet.2, "storage");
    // And the scenario did what it says.
    assert!(!devnet.0[4].status);
    assert_eq!(devnet.2[1], U256::from(500));
    assert_eq!(devnet.0[2].logs.len(), 1);
}
