//! Side-by-side throughput: value transfers and ERC-20 transfers on the devnet vs anvil, the cost
//! of a Stylus call, and start-up time. `cargo bench -p lpx-devnet --bench throughput`.
//! Set `BENCH_TXS` to change the number of transactions (default 500), `BENCH_STARTS` the
//! number of start-up samples per node (default 5).

use std::{
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::Encodable2718,
    network::{TransactionBuilder, TxSignerSync},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use alloy_primitives::{address, Address, Bytes, TxKind, U256};
use lpx_devnet::{test_utils, Devnet, DevnetConfig};

const KEY0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ADDR0: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

fn sign(key: &PrivateKeySigner, nonce: u64, to: TxKind, input: Bytes, gas: u64) -> Bytes {
    let mut tx = TxEip1559 {
        chain_id: 412_346,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 100_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to,
        value: U256::from(1),
        access_list: Default::default(),
        input,
    };
    let sig = key.sign_transaction_sync(&mut tx).expect("sign");
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into()
}

fn erc20() -> Bytes {
    alloy_primitives::hex::decode(include_str!("../tests/fixtures/erc20.hex").trim()).expect("hex").into()
}

/// A free local port.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

/// Starts `program --port <free port> ...args` and returns it with its URL and the time from
/// process start to its first answer to `eth_chainId`.
async fn start(program: &str, args: &[&str]) -> (std::process::Child, String, f64) {
    let port = free_port();
    let t = Instant::now();
    let child = Command::new(program)
        .args(["--port", &port.to_string()])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let url = format!("http://127.0.0.1:{port}");
    let probe = ProviderBuilder::new().connect_http(url.parse().expect("url"));
    while probe.get_chain_id().await.is_err() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    (child, url, t.elapsed().as_secs_f64() * 1e3)
}

/// Median start-up time of `program` over `n` starts.
async fn startup_ms(program: &str, args: &[&str], n: usize) -> f64 {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let (mut child, _, ms) = start(program, args).await;
        let _ = child.kill();
        let _ = child.wait();
        v.push(ms);
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Sends `txs` one after another (each mined on arrival) and returns transactions per second.
async fn run(url: &str, txs: &[Bytes]) -> f64 {
    let p = ProviderBuilder::new().connect_http(url.parse().expect("url"));
    let start = Instant::now();
    let mut last = None;
    for raw in txs {
        last = Some(p.send_raw_transaction(raw).await.expect("send"));
    }
    let receipt = last.expect("one tx").get_receipt().await.expect("receipt");
    assert!(receipt.status());
    txs.len() as f64 / start.elapsed().as_secs_f64()
}

async fn scenario(url: &str, n: u64) -> (f64, f64) {
    let key: PrivateKeySigner = KEY0.parse().expect("key");
    let to = address!("00000000000000000000000000000000000a11ce");
    let p = ProviderBuilder::new().connect_http(url.parse().expect("url"));
    let base = p.get_transaction_count(ADDR0).await.expect("nonce");
    let transfers: Vec<Bytes> = (0..n).map(|i| sign(&key, base + i, TxKind::Call(to), Bytes::new(), 21_000)).collect();
    let value_tps = run(url, &transfers).await;
    let deploy = sign(&key, base + n, TxKind::Create, erc20(), 200_000);
    p.send_raw_transaction(&deploy).await.expect("deploy").get_receipt().await.expect("receipt");
    let token = ADDR0.create(base + n);
    let call = |i: u64| {
        let mut v = vec![0xa9, 0x05, 0x9c, 0xbb];
        v.extend_from_slice(&U256::from_be_slice(to.as_slice()).to_be_bytes::<32>());
        v.extend_from_slice(&U256::from(1 + i % 3).to_be_bytes::<32>());
        Bytes::from(v)
    };
    let erc: Vec<Bytes> = (0..n).map(|i| sign(&key, base + n + 1 + i, TxKind::Call(token), call(i), 100_000)).collect();
    let erc_tps = run(url, &erc).await;
    (value_tps, erc_tps)
}

#[tokio::main]
async fn main() {
    let n: u64 = std::env::var("BENCH_TXS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);

    // Start-up: in-process spawn, and the binary until its port answers.
    let t = Instant::now();
    let devnet = Devnet::spawn(DevnetConfig::test()).await.expect("devnet");
    let spawn_ms = t.elapsed().as_secs_f64() * 1e3;

    let (dv, de) = scenario(&devnet.url(), n).await;

    // The native binary, not npm's node launcher: the launcher's own start would count as
    // anvil's start-up, and killing it would leave anvil running.
    let anvil_bin = lpx_testkit::anvil_path();
    let anvil = anvil_bin.to_str().expect("utf-8 path");
    let (mut child, anvil_url, _) = start(anvil, &["--chain-id", "412346", "--silent"]).await;
    let (av, ae) = scenario(&anvil_url, n).await;
    let _ = child.kill();

    // Stylus call cost: the probe's echo, executed on the node thread (no HTTP), and over HTTP.
    let signer: PrivateKeySigner = KEY0.parse().expect("key");
    let p = ProviderBuilder::new().wallet(signer).connect_http(devnet.url().parse().expect("url"));
    let wasm = wat::parse_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/probe.wat")).expect("probe");
    let program = test_utils::deploy_stylus(&p, &wasm).await.expect("deploy");
    let calls = 2_000u32;
    let in_process_us = devnet
        .node()
        .with(move |c| {
            let tx = revm::context::TxEnv {
                caller: ADDR0,
                kind: TxKind::Call(program),
                data: Bytes::from(vec![0u8, 1, 2, 3]),
                gas_limit: 1_000_000,
                chain_id: Some(412_346),
                ..Default::default()
            };
            // Median of five batches: the machine is shared, and one slow batch shouldn't decide.
            let mut batches: Vec<f64> = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    for _ in 0..calls {
                        let r = c.call(tx.clone(), None).expect("call");
                        assert!(r.is_success());
                    }
                    t.elapsed().as_secs_f64() * 1e6 / f64::from(calls)
                })
                .collect();
            batches.sort_by(f64::total_cmp);
            batches[2]
        })
        .await
        .expect("node");
    let req = TransactionRequest::default().with_to(program).with_input(vec![0u8, 1, 2, 3]);
    let t = Instant::now();
    for _ in 0..500 {
        p.call(req.clone()).await.expect("eth_call");
    }
    let http_us = t.elapsed().as_secs_f64() * 1e6 / 500.0;

    println!("transactions per benchmark: {n}");
    println!("value transfers  devnet {dv:8.0} tx/s   anvil {av:8.0} tx/s   ratio {:.2}", dv / av);
    println!("ERC-20 transfers devnet {de:8.0} tx/s   anvil {ae:8.0} tx/s   ratio {:.2}", de / ae);
    println!("Stylus call (echo, in-process execution, median of 5 x {calls}) {in_process_us:.1} us");
    println!("Stylus eth_call over HTTP {http_us:.1} us");
    // Start-up, process start to first answer, the same way for both nodes.
    let starts: usize = std::env::var("BENCH_STARTS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let devnet_start_ms = startup_ms(env!("CARGO_BIN_EXE_lpx-devnet"), &[], starts).await;
    let anvil_start_ms = startup_ms(anvil, &["--chain-id", "412346", "--silent"], starts).await;
    println!("start-up: devnet in-process spawn {spawn_ms:.1} ms (one)");
    println!(
        "start-up, process start to first answer (median of {starts}): devnet {devnet_start_ms:.0} ms, anvil {anvil_start_ms:.0} ms, ratio {:.2}",
        devnet_start_ms / anvil_start_ms
    );
}
