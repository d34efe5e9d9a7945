//! A real client: Foundry's `cast` (installed from npm by the setup script) reads from and
//! sends to the protocol deployed on the devnet.

use std::process::Command;

use alloy::primitives::{utils::parse_ether, U256};
use lpx_abi::token::ILivepeerToken;
use lpx_e2e::{repo_root, Protocol};

/// The second anvil dev key (account 1), well known and safe to use here.
const ANVIL_KEY_1: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

fn cast(args: &[&str]) -> String {
    let bin = repo_root().join(".tools/node_modules/.bin/cast");
    let out = Command::new(&bin).args(args).output().unwrap_or_else(|e| panic!("cannot run {} (run scripts/setup.sh): {e}", bin.display()));
    assert!(out.status.success(), "cast {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cast_reads_and_sends() {
    let p = Protocol::deploy().await;
    let url = p.devnet.url();
    let token = p.address("LivepeerToken").to_string();
    let a2 = p.accounts[2].to_string();

    assert_eq!(cast(&["chain-id", "--rpc-url", &url]), p.book.chain_id.to_string());
    assert_eq!(cast(&["call", &token, "symbol()(string)", "--rpc-url", &url]), "\"LPT\"");
    let genesis = parse_ether("100000").unwrap();
    let balance = cast(&["call", &token, "balanceOf(address)(uint256)", &a2, "--rpc-url", &url]);
    assert!(balance.starts_with(&genesis.to_string()), "{balance}");

    let out = cast(&["send", &token, "transfer(address,uint256)", &a2, "7", "--private-key", ANVIL_KEY_1, "--rpc-url", &url, "--json"]);
    assert!(out.contains("\"status\":\"0x1\""), "{out}");
    let after = p.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: p.accounts[2] }).await;
    assert_eq!(after, genesis + U256::from(7));
    let sender = p.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: p.accounts[1] }).await;
    assert_eq!(sender, genesis - U256::from(7));
}
