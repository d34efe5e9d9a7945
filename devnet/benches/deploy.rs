//! Time to deploy the whole protocol on a fresh devnet. `cargo bench -p lpx-devnet --bench deploy`;
//! `BENCH_RUNS` sets the number of runs (default 5).
//!
//! The contracts are built once before any timing (building is cargo's cost, not the
//! deployment's). Each run starts a new in-process devnet and runs what `lpx deploy` runs:
//! `lpx_deployer::deploy` from `deployments/devnet.toml`, through an alloy provider with the
//! recommended fillers and anvil's first key, every transaction mined on arrival.

use std::{path::PathBuf, time::Instant};

use alloy::{
    network::EthereumWallet,
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use lpx_deployer::{Artifact, Chain, NetworkConfig};
use lpx_devnet::{Devnet, DevnetConfig};

const KEY0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = NetworkConfig::load(&root.join("deployments/devnet.toml")).expect("devnet.toml");
    let t = Instant::now();
    let built = lpx_contract_build::build_all(&root).expect("building the contracts");
    let artifacts = Artifact::from_built(built).expect("artifacts");
    println!("contracts built in {:.1} s ({} programs)", t.elapsed().as_secs_f64(), artifacts.len());

    let signer: PrivateKeySigner = KEY0.parse().expect("key");
    let from = signer.address();
    let (mut spawn_ms, mut deploy_s, mut txs) = (Vec::new(), Vec::new(), 0);
    for run in 0..runs {
        let t = Instant::now();
        let devnet = Devnet::spawn(DevnetConfig::test()).await.expect("devnet");
        spawn_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let provider = ProviderBuilder::new().wallet(EthereumWallet::new(signer.clone())).connect_http(devnet.url().parse().expect("url")).erased();

        let t = Instant::now();
        let outcome = lpx_deployer::deploy(&Chain::new(provider.clone(), from), &config, &artifacts, None).await.expect("deploy");
        let secs = t.elapsed().as_secs_f64();
        deploy_s.push(secs);
        txs = provider.get_transaction_count(from).await.expect("nonce");
        println!(
            "run {run}: devnet up in {:.1} ms, protocol deployed in {secs:.2} s ({} contracts in the book, {txs} transactions)",
            spawn_ms[run],
            outcome.book.contracts.len(),
        );
    }
    let d = median(&mut deploy_s);
    println!("runs: {runs}");
    println!("devnet start-up, in-process spawn (median) {:.1} ms", median(&mut spawn_ms));
    println!("full protocol deployment (median) {d:.2} s: {txs} transactions, {:.1} ms each", d * 1e3 / txs as f64);
}
