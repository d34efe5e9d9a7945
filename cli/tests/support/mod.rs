//! Running the real `lpx` binary against a test's devnet, shared by the CLI's end-to-end
//! tests.
#![allow(dead_code)]

use std::{path::PathBuf, process::Output};

use alloy::signers::local::PrivateKeySigner;
use lpx_e2e::{anvil_signers, Protocol};
use serde_json::Value;

/// The `lpx` binary inheriting none of its own environment settings, so each test says which
/// key, node and address book it uses.
pub fn lpx_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lpx"));
    cmd.env_remove("LPX_PRIVATE_KEY").env_remove("LPX_RPC_URL").env_remove("LPX_DEPLOYMENTS");
    cmd
}

/// `lpx` pointed at one deployment: the devnet's URL and an address book file written for
/// it (removed on drop).
pub struct Lpx<'a> {
    pub p: &'a Protocol,
    book: PathBuf,
    keys: Vec<PrivateKeySigner>,
}

impl Drop for Lpx<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.book);
    }
}

impl<'a> Lpx<'a> {
    /// Writes `p`'s address book to a file of the test's own (`tag` keeps tests apart).
    pub fn new(p: &'a Protocol, tag: &str) -> Self {
        let book = std::env::temp_dir().join(format!("lpx-cli-{tag}-{}.json", std::process::id()));
        p.book.save(&book).expect("address book");
        Self { p, book, keys: anvil_signers() }
    }

    /// Runs `lpx args...`, signing with anvil key `key` if given.
    pub async fn run(&self, key: Option<usize>, args: &[&str]) -> Output {
        let mut cmd = tokio::process::Command::from(lpx_command());
        cmd.args(["--rpc-url", &self.p.devnet.url(), "--deployments"]).arg(&self.book).args(args);
        if let Some(k) = key {
            cmd.env("LPX_PRIVATE_KEY", alloy::hex::encode_prefixed(self.keys[k].to_bytes()));
        }
        cmd.output().await.expect("lpx runs")
    }

    /// `lpx args...` must succeed; returns its stdout.
    pub async fn ok(&self, key: Option<usize>, args: &[&str]) -> String {
        let out = self.run(key, args).await;
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "lpx {args:?} failed:\n{stderr}\n{stdout}");
        stdout.into_owned()
    }

    /// `lpx args...` must fail with exactly one line on stderr; returns that line.
    pub async fn fails(&self, key: Option<usize>, args: &[&str]) -> String {
        let out = self.run(key, args).await;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "lpx {args:?} succeeded: {}", String::from_utf8_lossy(&out.stdout));
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "lpx {args:?}: expected one error line, got:\n{stderr}");
        assert!(lines[0].starts_with("error: "), "{stderr}");
        lines[0].to_string()
    }

    /// `lpx --json args...`, parsed.
    pub async fn json(&self, key: Option<usize>, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(key, &all).await;
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("lpx {args:?}: not JSON ({e}): {out}"))
    }
}
