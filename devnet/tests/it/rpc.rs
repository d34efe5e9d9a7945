//! JSON-RPC behaviour: anvil dev methods, errors, overrides, subscriptions, and `cast`.

use std::process::Command;

use alloy::{
    network::TransactionBuilder,
    providers::{ext::AnvilApi, Provider, ProviderBuilder, WsConnect},
    rpc::types::{state::AccountOverride, Filter, TransactionRequest},
};
use alloy_primitives::{address, Address, Bytes, U256};
use futures::StreamExt;
use serde_json::{json, Value};

use lpx_devnet::{Devnet, DevnetConfig};

use crate::common::*;

async fn raw(url: &str, body: &str) -> Value {
    let out = tokio::task::spawn_blocking({
        let (url, body) = (url.to_string(), body.to_string());
        move || Command::new("curl").args(["-s", "-X", "POST", "-H", "content-type: application/json", "--data", &body, &url]).output()
    })
    .await
    .unwrap()
    .expect("curl");
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[tokio::test]
async fn malformed_requests_get_errors_not_crashes() {
    let (d, p) = devnet().await;
    let url = d.url();
    assert_eq!(raw(&url, "{not json").await["error"]["code"], json!(-32700));
    assert_eq!(raw(&url, r#"{"jsonrpc":"2.0","id":1,"method":"eth_nope","params":[]}"#).await["error"]["code"], json!(-32601));
    assert_eq!(raw(&url, r#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x12"]}"#).await["error"]["code"], json!(-32602));
    assert_eq!(raw(&url, r#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0xdeadbeef"]}"#).await["error"]["code"], json!(-32602));
    assert_eq!(raw(&url, r#"{"jsonrpc":"2.0","id":1}"#).await["error"]["code"], json!(-32600));
    let batch = raw(&url, r#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"net_version"}]"#).await;
    assert_eq!(batch[0]["result"], json!("0x64aba"));
    assert_eq!(batch[1]["result"], json!("412346"));
    assert_eq!(p.get_chain_id().await.unwrap(), 412_346);
    let accounts = p.get_accounts().await.unwrap();
    assert_eq!(accounts.len(), 10);
    assert_eq!(accounts[0], ADDR0);
    assert_eq!(p.get_balance(accounts[9]).await.unwrap(), U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18)));
}

#[tokio::test]
async fn reverts_are_geth_style_and_overrides_apply() {
    let (d, p) = devnet().await;
    // Error(string) revert via eth_call, and state overrides putting code at an address.
    // Runtime: store "no" reason → revert Error("no").
    let reason = alloy_sol_types::Revert::from("no");
    let data = alloy_sol_types::SolError::abi_encode(&reason);
    let mut runtime = vec![0x60, data.len() as u8, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, data.len() as u8, 0x60, 0x00, 0xfd];
    runtime.extend_from_slice(&data);
    let reverter = alloy_primitives::hex::encode(&runtime);
    let target = address!("00000000000000000000000000000000000000aa");
    let body = json!({"jsonrpc":"2.0","id":1,"method":"eth_call","params":[
        {"to": target, "data": "0x"}, "latest",
        {target.to_string(): {"code": format!("0x{reverter}")}}]});
    let r = raw(&d.url(), &body.to_string()).await;
    assert_eq!(r["error"]["code"], json!(3), "{r}");
    assert_eq!(r["error"]["message"], json!("execution reverted: no"), "{r}");
    assert!(r["error"]["data"].as_str().unwrap().starts_with("0x08c379a0"));

    // Balance override.
    let rich = address!("00000000000000000000000000000000000000bb");
    let probe = deploy_probe(&p).await;
    let mut ov = alloy::rpc::types::state::StateOverride::default();
    ov.insert(rich, AccountOverride { balance: Some(U256::from(123)), ..Default::default() });
    let out = p.call(TransactionRequest::default().with_to(probe).with_input(op(11, rich.as_slice()))).overrides(ov).await.unwrap();
    assert_eq!(U256::from_be_slice(&out[..32]), U256::from(123));

    // A contract may be the `from` of a call (anvil allows it; EIP-3607 covers transactions).
    let read = TransactionRequest::default().with_to(probe).with_input(op(11, ADDR0.as_slice()));
    let from_contract = read.clone().with_from(probe);
    let out = p.call(from_contract.clone()).await.expect("eth_call from an account with code");
    assert_eq!(out, p.call(read.with_from(ADDR0)).await.unwrap(), "the same answer as from an account without code");
    p.estimate_gas(from_contract).await.expect("eth_estimateGas from an account with code");

    // estimateGas: a value transfer is exactly 21000; a Stylus call is more.
    let est = p.estimate_gas(TransactionRequest::default().with_from(ADDR0).with_to(rich).with_value(U256::from(1))).await.unwrap();
    assert_eq!(est, 21_000);
    let est = p.estimate_gas(TransactionRequest::default().with_from(ADDR0).with_to(probe).with_input(op(1, &[[1u8; 32], [2u8; 32]].concat()))).await.unwrap();
    let r = send(&p, probe, op(1, &[[1u8; 32], [2u8; 32]].concat()), U256::ZERO, Some(est)).await;
    assert!(r.status(), "estimate {est} is enough");
}

async fn deploy_probe(p: &alloy::providers::DynProvider) -> Address {
    lpx_devnet::test_utils::deploy_stylus(p, &probe_wasm()).await.unwrap()
}

#[tokio::test]
async fn anvil_dev_methods() {
    let (d, p) = devnet().await;
    let n0 = p.get_block_number().await.unwrap();
    p.anvil_mine(Some(5), Some(10)).await.unwrap();
    assert_eq!(p.get_block_number().await.unwrap(), n0 + 5);
    let t1 = p.get_block_by_number((n0 + 4).into()).await.unwrap().unwrap().header.timestamp;
    let t2 = p.get_block_by_number((n0 + 5).into()).await.unwrap().unwrap().header.timestamp;
    assert_eq!(t2 - t1, 10);

    p.anvil_set_next_block_timestamp(t2 + 1000).await.unwrap();
    p.evm_mine(None).await.unwrap();
    assert_eq!(p.get_block_by_number(alloy::eips::BlockNumberOrTag::Latest).await.unwrap().unwrap().header.timestamp, t2 + 1000);
    let offset = p.anvil_increase_time(3600).await.unwrap();
    assert!(offset >= 3600);

    let who = address!("00000000000000000000000000000000000000cc");
    let snap = p.anvil_snapshot().await.unwrap();
    p.anvil_set_balance(who, U256::from(5)).await.unwrap();
    p.anvil_set_nonce(who, 7).await.unwrap();
    p.anvil_set_code(who, Bytes::from(vec![0x60, 0x00])).await.unwrap();
    p.anvil_set_storage_at(who, U256::from(1), U256::from(9).into()).await.unwrap();
    assert_eq!(p.get_balance(who).await.unwrap(), U256::from(5));
    assert_eq!(p.get_transaction_count(who).await.unwrap(), 7);
    assert_eq!(p.get_code_at(who).await.unwrap().as_ref(), &[0x60, 0x00]);
    assert_eq!(p.get_storage_at(who, U256::from(1)).await.unwrap(), U256::from(9));
    let before = p.get_block_number().await.unwrap();
    p.anvil_mine(Some(2), None).await.unwrap();
    assert!(p.anvil_revert(snap).await.unwrap());
    assert_eq!(p.get_balance(who).await.unwrap(), U256::ZERO);
    assert_eq!(p.get_block_number().await.unwrap(), before);

    // Impersonation: send from an address with no key.
    let whale = address!("00000000000000000000000000000000000000dd");
    p.anvil_set_balance(whale, U256::from(10).pow(U256::from(18))).await.unwrap();
    p.anvil_impersonate_account(whale).await.unwrap();
    let unsigned = ProviderBuilder::new().connect_http(d.url().parse().unwrap());
    let tx = TransactionRequest::default().with_from(whale).with_to(who).with_value(U256::from(77));
    let r = unsigned.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    assert!(r.status());
    assert_eq!(r.from, whale);
    assert_eq!(p.get_balance(who).await.unwrap(), U256::from(77));
    p.anvil_stop_impersonating_account(whale).await.unwrap();
    let tx = TransactionRequest::default().with_from(whale).with_to(who).with_value(U256::from(1));
    assert!(unsigned.send_transaction(tx).await.is_err());

    // Manual mining: transactions wait in the pool until a block is mined.
    p.anvil_set_auto_mine(false).await.unwrap();
    let pending = p.send_transaction(TransactionRequest::default().with_to(who).with_value(U256::from(1))).await.unwrap();
    let h = *pending.tx_hash();
    assert!(p.get_transaction_receipt(h).await.unwrap().is_none());
    p.evm_mine(None).await.unwrap();
    assert!(p.get_transaction_receipt(h).await.unwrap().unwrap().status());
    p.anvil_set_auto_mine(true).await.unwrap();

    // Dump and load.
    let dump = p.anvil_dump_state().await.unwrap();
    p.anvil_reset(None).await.unwrap();
    assert_eq!(p.get_balance(who).await.unwrap(), U256::ZERO);
    assert!(p.anvil_load_state(dump).await.unwrap());
    assert_eq!(p.get_balance(who).await.unwrap(), U256::from(78));
}

/// `DevnetConfig::state` (`--state`): a devnet that goes away restarts from its file with
/// its blocks, receipts, logs, accounts and Stylus programs, and carries on from the same head.
#[tokio::test]
async fn persisted_chain_restarts_where_it_stopped() {
    let path = std::env::temp_dir().join(format!("lpx-devnet-state-{}-{:?}.json", std::process::id(), std::time::Instant::now()));
    let config = DevnetConfig { state: Some(path.clone()), ..DevnetConfig::test() };
    let d = Devnet::spawn(config.clone()).await.unwrap();
    let p = provider(&d, KEY0);
    let probe = deploy_probe(&p).await;
    let topic = alloy_primitives::B256::repeat_byte(9);
    let logged = send(&p, probe, op(4, &[&[1u8][..], topic.as_slice(), b"z"].concat()), U256::ZERO, None).await;
    p.anvil_mine(Some(7), None).await.unwrap();
    let head = p.get_block_by_number(alloy::eips::BlockNumberOrTag::Latest).await.unwrap().unwrap();
    let who = address!("00000000000000000000000000000000000000b0");
    send(&p, who, Vec::new(), U256::from(5), None).await;
    let head = (head.header.number + 1, p.get_block_by_number((head.header.number + 1).into()).await.unwrap().unwrap().header.hash);
    let nonce = p.get_transaction_count(ADDR0).await.unwrap();
    // Gone without a word, as after a kill: persistence happened before each reply.
    drop(p);
    drop(d);
    let d = Devnet::spawn(config).await.unwrap();
    let p = provider(&d, KEY0);
    assert_eq!(p.get_block_number().await.unwrap(), head.0);
    assert_eq!(p.get_block_by_number(head.0.into()).await.unwrap().unwrap().header.hash, head.1);
    assert_eq!(p.get_transaction_count(ADDR0).await.unwrap(), nonce);
    assert_eq!(p.get_balance(who).await.unwrap(), U256::from(5));
    let r = p.get_transaction_receipt(logged.transaction_hash).await.unwrap().expect("receipt survives");
    assert_eq!(r.block_hash, logged.block_hash);
    assert_eq!(r.inner.logs().len(), 1);
    let logs = p.get_logs(&Filter::new().address(probe).from_block(0)).await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].topics()[0], topic);
    // The program still runs, and new blocks follow the old head.
    let again = send(&p, probe, op(4, &[&[1u8][..], topic.as_slice(), b"y"].concat()), U256::ZERO, None).await;
    assert!(again.status());
    let next = p.get_block_by_number((head.0 + 1).into()).await.unwrap().unwrap();
    assert_eq!(next.header.parent_hash, head.1);
    assert_eq!(p.get_logs(&Filter::new().address(probe).from_block(0)).await.unwrap().len(), 2);
    drop(d);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn logs_filters_and_websocket_subscriptions() {
    let (d, p) = devnet().await;
    let probe = deploy_probe(&p).await;
    let ws = ProviderBuilder::new().connect_ws(WsConnect::new(d.ws_url())).await.unwrap();
    let mut heads = ws.subscribe_blocks().await.unwrap().into_stream();
    let mut logs = ws.subscribe_logs(&Filter::new().address(probe)).await.unwrap().into_stream();
    let filter_id = p.new_filter(&Filter::new().address(probe)).await.unwrap();
    let block_filter = p.new_block_filter().await.unwrap();

    let topic = alloy_primitives::B256::repeat_byte(7);
    let payload = [&[1u8][..], topic.as_slice(), b"z"].concat();
    let r = send(&p, probe, op(4, &payload), U256::ZERO, None).await;

    let head = tokio::time::timeout(std::time::Duration::from_secs(5), heads.next()).await.unwrap().unwrap();
    assert_eq!(head.number, r.block_number.unwrap());
    let log = tokio::time::timeout(std::time::Duration::from_secs(5), logs.next()).await.unwrap().unwrap();
    assert_eq!(log.topics(), &[topic]);

    let got = p.get_logs(&Filter::new().address(probe).from_block(0)).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data().data.as_ref(), b"z");
    assert!(p.get_logs(&Filter::new().address(probe).event_signature(alloy_primitives::B256::repeat_byte(8)).from_block(0)).await.unwrap().is_empty());
    let changes: Vec<alloy::rpc::types::Log> = p.get_filter_changes(filter_id).await.unwrap();
    assert_eq!(changes.len(), 1);
    let blocks: Vec<alloy_primitives::B256> = p.get_filter_changes(block_filter).await.unwrap();
    assert_eq!(blocks.len(), 1);
    let receipt = p.get_transaction_receipt(r.transaction_hash).await.unwrap().unwrap();
    assert_eq!(receipt.inner.logs().len(), 1);
    let fee_history = p.get_fee_history(4, alloy::eips::BlockNumberOrTag::Latest, &[50.0]).await.unwrap();
    assert_eq!(fee_history.base_fee_per_gas.len(), 5);
}

// cast runs as a blocking child process; the server needs other worker threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cast_reads_and_sends() {
    let cast = concat!(env!("CARGO_MANIFEST_DIR"), "/../.tools/node_modules/.bin/cast");
    let (d, p) = devnet().await;
    let url = d.url();
    let run = |args: Vec<String>| {
        let out = Command::new(cast).args(&args).output().expect("cast runs");
        assert!(out.status.success(), "cast {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let s = |v: &str| v.to_string();
    assert_eq!(run(vec![s("chain-id"), s("--rpc-url"), url.clone()]), "412346");
    assert_eq!(run(vec![s("balance"), s("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), s("--rpc-url"), url.clone()]), "10000000000000000000000");
    let to = "0x00000000000000000000000000000000000000Ee";
    let out = run(vec![s("send"), s("--private-key"), s(KEY0), s("--rpc-url"), url.clone(), s(to), s("--value"), s("12345"), s("--json")]);
    let receipt: Value = serde_json::from_str(&out).expect("json receipt");
    assert_eq!(receipt["status"], json!("0x1"));
    assert_eq!(run(vec![s("balance"), s(to), s("--rpc-url"), url.clone()]), "12345");
    // cast call on a Stylus program.
    let probe = deploy_probe(&p).await;
    let out = run(vec![s("call"), format!("{probe}"), format!("0x00{}", alloy_primitives::hex::encode(b"hi")), s("--rpc-url"), url.clone()]);
    assert_eq!(out, "0x6869");
    // Unlocked dev account (eth_sendTransaction).
    let out = run(vec![
        s("send"),
        s("--unlocked"),
        s("--from"),
        s("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        s("--rpc-url"),
        url.clone(),
        s(to),
        s("--value"),
        s("5"),
        s("--json"),
    ]);
    let receipt: Value = serde_json::from_str(&out).expect("json receipt");
    assert_eq!(receipt["status"], json!("0x1"));
    assert_eq!(run(vec![s("balance"), s(to), s("--rpc-url"), url.clone()]), "12350");
    let block = run(vec![s("block-number"), s("--rpc-url"), url]);
    assert_eq!(block.parse::<u64>().unwrap(), p.get_block_number().await.unwrap());
}
