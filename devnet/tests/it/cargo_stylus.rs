//! The real `cargo stylus` against the devnet: `check`, then `deploy` of a contract with a
//! constructor (devnet/fixtures/counter), then calls that show the constructor ran.
//!
//! Ignored by default because it needs the cargo-stylus binary (a long install); run it with
//! `./scripts/test-cargo-stylus.sh`, which installs cargo-stylus and fails unless this test ran
//! and passed.

use std::{path::PathBuf, process::Command};

use alloy::{providers::Provider, sol, sol_types::SolCall};
use alloy_primitives::{keccak256, Address, U256};
use lpx_devnet::arb::{abi::IArbWasm, ARB_WASM, STYLUS_DEPLOYER};

use crate::common::*;

sol! {
    #[sol(rpc)]
    interface ICounter {
        function number() external view returns (uint256);
        function owner() external view returns (address);
        function increment() external;
    }
}

/// Runs `cargo stylus <args>` in the fixture's directory and returns its output (stdout and
/// stderr, colours stripped); panics with that output if the command fails.
fn cargo_stylus(args: &[&str]) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/counter");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&dir)
        .arg("stylus")
        .args(args)
        // The outer `cargo test` holds the lock on its target dir: build the contract in its own.
        .env("CARGO_TARGET_DIR", fixture_target())
        // The workspace's wasm32 flags come from .cargo/config.toml; nothing from the test run.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `cargo stylus` (install it with ./scripts/test-cargo-stylus.sh): {e}"));
    let text = strip_ansi(&format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    assert!(out.status.success(), "`cargo stylus {}` failed ({}):\n{text}", args.join(" "), out.status);
    text
}

fn fixture_target() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    target.join("cargo-stylus")
}

/// Removes ANSI colour sequences (`ESC [ ... m`), which cargo-stylus prints even into a pipe.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The address after `deployed code at address: ` in cargo-stylus's output.
fn deployed_address(output: &str) -> Address {
    let line = output
        .lines()
        .find_map(|l| l.split_once("deployed code at address:").map(|(_, rest)| rest.trim().to_owned()))
        .unwrap_or_else(|| panic!("no deployed address in:\n{output}"));
    line.parse().unwrap_or_else(|e| panic!("bad address {line:?}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs cargo-stylus; run ./scripts/test-cargo-stylus.sh"]
async fn cargo_stylus_checks_and_deploys_with_constructor() {
    let (d, p) = devnet().await;
    let url = d.url();

    // `check` builds the contract, asks ArbWasm whether its code hash is active and probes the
    // data fee with a state-overridden eth_call; on a fresh chain it must find it not yet active.
    let check = tokio::task::spawn_blocking({
        let url = url.clone();
        move || cargo_stylus(&["check", "--endpoint", &url])
    })
    .await
    .expect("check thread");
    println!("--- cargo stylus check\n{check}");
    assert!(check.contains("contract size:"), "check printed no size:\n{check}");
    assert!(check.contains("wasm data fee:"), "check found no data fee (program should need activation):\n{check}");

    // `deploy` detects the constructor (`constructor(uint256 initial)`) by running the crate with
    // `export-abi`, then deploys, activates and initializes in one StylusDeployer transaction.
    let before = p.get_block_number().await.unwrap();
    let deploy = tokio::task::spawn_blocking({
        let url = url.clone();
        move || cargo_stylus(&["deploy", "--endpoint", &url, "--private-key", KEY0, "--no-verify", "--constructor-args", "42"])
    })
    .await
    .expect("deploy thread");
    println!("--- cargo stylus deploy\n{deploy}");
    let addr = deployed_address(&deploy);
    assert!(p.get_block_number().await.unwrap() > before, "deploy mined nothing");

    // The code is a Stylus program, activated at the current version.
    let code = p.get_code_at(addr).await.unwrap();
    assert!(code.starts_with(&[0xEF, 0xF0, 0x00]), "not Stylus code: {code}");
    let version = call(&p, ARB_WASM, IArbWasm::codehashVersionCall { codehash: keccak256(&code) }.abi_encode()).await.expect("codehash is active");
    let stylus = call(&p, ARB_WASM, IArbWasm::stylusVersionCall {}.abi_encode()).await.expect("stylusVersion");
    assert_eq!(version, stylus);

    // The constructor ran, with the StylusDeployer as msg.sender, and only once.
    let c = ICounter::new(addr, &p);
    assert_eq!(c.number().call().await.unwrap(), U256::from(42));
    assert_eq!(c.owner().call().await.unwrap(), STYLUS_DEPLOYER);
    let r = c.increment().send().await.unwrap().get_receipt().await.unwrap();
    assert!(r.status());
    assert_eq!(c.number().call().await.unwrap(), U256::from(43));

    // A second check sees the same code hash active.
    let again = tokio::task::spawn_blocking(move || cargo_stylus(&["check", "--endpoint", &url])).await.expect("check thread");
    println!("--- cargo stylus check (after deploy)\n{again}");
    assert!(!again.contains("wasm data fee:"), "the deployed program should be active:\n{again}");
}
