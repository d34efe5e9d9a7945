//! A plain-EVM stand-in for the protocol on a real anvil (fixtures/MockProtocol.sol), and
//! keeper configs pointing at it.

#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    providers::{Provider, RootProvider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::{local::PrivateKeySigner, SignerSync},
    sol,
    sol_types::{SolCall, SolValue},
};
use lpx_abi::ticket_broker::{encode_aux_data, recipient_rand_hash, ticket_hash, Ticket};
use lpx_keeper::{config::Config, keeper::Keeper};
use lpx_testkit::{anvil_key, Anvil};
use lpx_txman::{FailoverTransport, RpcPolicy};

sol! {
    interface IMockAdmin {
        function addTranscoder(address t, uint256 s) external;
        function setInactive(address t, bool v) external;
        function setRewardCallerFor(address t, address c) external;
        function setPaused(bool v) external;
        function fundDepositFor(address s) external payable;
        function setSenderUnlocked(address s, bool v) external;
        function initializeCount() external view returns (uint256);
        function rewardCount(address t, uint256 r) external view returns (uint256);
        function redeemedCount() external view returns (uint256);
        function currentRound() external view returns (uint256);
        function stake(address t) external view returns (uint256);
        function goodHints() external view returns (uint256);
        function badHints() external view returns (uint256);
    }
}

pub const ROUND_LENGTH: u64 = 20;

pub struct Mock {
    pub anvil: Anvil,
    pub provider: RootProvider,
    pub addr: Address,
    pub admin: Address,
}

pub fn signer(i: usize) -> PrivateKeySigner {
    anvil_key(i).parse().unwrap()
}

impl Mock {
    pub async fn start() -> Self {
        let anvil = Anvil::spawn(&[]);
        let provider = FailoverTransport::new(&[anvil.url().parse().unwrap()], RpcPolicy::default()).unwrap().provider();
        let admin = signer(0).address();
        let bin = include_str!("../fixtures/MockProtocol.bin").trim();
        let mut code = alloy::primitives::hex::decode(bin).unwrap();
        code.extend_from_slice(&U256::from(ROUND_LENGTH).abi_encode());
        let rcpt = send(&provider, admin, None, code.into(), U256::ZERO).await;
        let addr = rcpt.contract_address.expect("deployed");
        Self { anvil, provider, addr, admin }
    }

    pub async fn admin<C: SolCall>(&self, c: C) -> TransactionReceipt {
        send(&self.provider, self.admin, Some(self.addr), c.abi_encode().into(), U256::ZERO).await
    }

    pub async fn admin_value<C: SolCall>(&self, c: C, value: U256) -> TransactionReceipt {
        send(&self.provider, self.admin, Some(self.addr), c.abi_encode().into(), value).await
    }

    pub async fn view<C: SolCall>(&self, c: C) -> C::Return {
        let tx = TransactionRequest::default().to(self.addr).input(Bytes::from(c.abi_encode()).into());
        let out = self.provider.call(tx).await.unwrap();
        C::abi_decode_returns(&out).unwrap()
    }

    pub async fn block(&self) -> u64 {
        self.provider.get_block_number().await.unwrap()
    }

    /// Mines until the first block of round `r`.
    pub async fn mine_to_round(&self, r: u64) {
        let target = r * ROUND_LENGTH;
        let now = self.block().await;
        if target > now {
            let _: () = self.provider.client().request("anvil_mine", (U256::from(target - now), U256::ZERO)).await.unwrap();
        }
    }

    pub async fn nonce(&self, a: Address) -> u64 {
        self.provider.get_transaction_count(a).await.unwrap()
    }

    /// A keeper config for this chain, signer = anvil account `key`.
    pub fn config(&self, dir: &Path, key: usize, orchestrators: &[Address], extra: &str) -> Config {
        self.config_with_url(&self.anvil.url(), dir, key, orchestrators, extra)
    }

    pub fn config_with_url(&self, url: &str, dir: &Path, key: usize, orchestrators: &[Address], extra: &str) -> Config {
        Config::from_toml(&self.config_text(url, key, "127.0.0.1:0", orchestrators, extra), dir).unwrap()
    }

    /// The config as TOML (for the binary); the key is in `LPX_KEEPER_TEST_KEY_<key>`, set
    /// in this process (pass it on to a child with [`key_env`]). An empty `listen` leaves the
    /// `[api]` table to `extra`.
    pub fn config_text(&self, url: &str, key: usize, listen: &str, orchestrators: &[Address], extra: &str) -> String {
        let (env, value) = key_env(key);
        std::env::set_var(&env, value);
        let orchs: String = orchestrators.iter().map(|o| format!("[[orchestrators]]\naddress = \"{o}\"\n")).collect();
        let api = if listen.is_empty() { String::new() } else { format!("[api]\nlisten = \"{listen}\"") };
        let a = self.addr;
        format!(
            r#"
[chain]
rpc_urls = ["{url}"]
poll_interval_ms = 200
receipt_wait_ms = 50
request_timeout_ms = 2000
max_attempts = 4
backoff_initial_ms = 50
backoff_max_ms = 400
[chain.contracts]
rounds_manager = "{a}"
bonding_manager = "{a}"
minter = "{a}"
ticket_broker = "{a}"
[signer]
private_key_env = "{env}"
[state]
dir = "state-{key}"
{api}
[gas]
max_fee_gwei = 50.0
bump_after_secs = 5
{extra}
{orchs}
"#
        )
    }
}

/// The environment variable (name, value) holding anvil key `key` for a keeper config.
pub fn key_env(key: usize) -> (String, String) {
    (format!("LPX_KEEPER_TEST_KEY_{key}"), anvil_key(key).to_string())
}

/// Sends from an unlocked anvil account and waits for the receipt.
pub async fn send(p: &RootProvider, from: Address, to: Option<Address>, input: Bytes, value: U256) -> TransactionReceipt {
    let mut tx = TransactionRequest::default().from(from).input(input.into()).value(value);
    if let Some(to) = to {
        tx = tx.to(to);
    }
    let hash: B256 = p.client().request("eth_sendTransaction", (tx,)).await.unwrap();
    for _ in 0..100 {
        if let Some(r) = p.get_transaction_receipt(hash).await.unwrap() {
            assert!(r.status(), "admin transaction reverted");
            return r;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no receipt for {hash}");
}

/// A winning ticket (winProb = max) as JSON for the keeper.
pub fn ticket_json(sender: &PrivateKeySigner, recipient: Address, nonce: u64, creation_round: u64, face: U256) -> (serde_json::Value, B256) {
    let rand = U256::from(7_000 + nonce);
    let t = Ticket {
        recipient,
        sender: sender.address(),
        faceValue: face,
        winProb: U256::MAX,
        senderNonce: U256::from(nonce),
        recipientRandHash: recipient_rand_hash(rand),
        auxData: encode_aux_data(U256::from(creation_round), B256::repeat_byte(1)),
    };
    let h = ticket_hash(&t);
    let sig = sender.sign_message_sync(h.as_slice()).unwrap();
    let j = serde_json::json!({
        "recipient": t.recipient, "sender": t.sender, "faceValue": t.faceValue.to_string(),
        "winProb": format!("{:#x}", t.winProb), "senderNonce": nonce, "recipientRandHash": t.recipientRandHash,
        "auxData": t.auxData, "sig": Bytes::from(sig.as_bytes().to_vec()), "recipientRand": rand.to_string(),
    });
    (j, h)
}

pub async fn keeper(cfg: Config) -> Keeper {
    Keeper::start(cfg).await.expect("keeper starts")
}

/// A `keeper run` process (the real binary) with its API port and log file.
pub struct KeeperProc {
    pub child: Child,
    pub api: u16,
    pub log: PathBuf,
}

impl KeeperProc {
    /// Starts `keeper --config <config> run` with anvil key `key`; returns once its API answers.
    pub fn start(config: &Path, key: usize, api: u16, log: PathBuf) -> Self {
        let (env, value) = key_env(key);
        let child = Command::new(env!("CARGO_BIN_EXE_keeper"))
            .arg("--config")
            .arg(config)
            .arg("run")
            .env(env, value)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start keeper");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", api)).is_err() {
            assert!(Instant::now() < deadline, "keeper API never came up: {}", std::fs::read_to_string(&log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, api, log }
    }

    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on our own child's pid; no memory is involved.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill failed");
    }

    /// Waits for the exit (panics after `max`).
    pub async fn exit_within(&mut self, max: Duration) -> ExitStatus {
        let deadline = Instant::now() + max;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "keeper did not exit within {max:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub async fn tickets(&self, status: &str) -> usize {
        let url = format!("http://127.0.0.1:{}/tickets?status={status}", self.api);
        let v: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        v.as_array().unwrap().len()
    }

    pub async fn wait_tickets(&self, status: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.tickets(status).await != n {
            assert!(Instant::now() < deadline, "never {n} tickets {status}; log:\n{}", self.log_text());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn post(&self, tickets: &[serde_json::Value]) {
        let r = reqwest::Client::new().post(format!("http://127.0.0.1:{}/tickets", self.api)).json(tickets).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 202);
    }

    /// `GET /metrics`, parsed: `name{labels}` (as rendered) → value.
    pub async fn metrics(&self) -> std::collections::BTreeMap<String, f64> {
        let text = reqwest::get(format!("http://127.0.0.1:{}/metrics", self.api)).await.unwrap().text().await.unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let (k, v) = l.rsplit_once(' ')?;
                Some((k.to_string(), v.parse().ok()?))
            })
            .collect()
    }

    /// `GET /health`: status code and body.
    pub async fn health(&self) -> (u16, serde_json::Value) {
        let r = reqwest::get(format!("http://127.0.0.1:{}/health", self.api)).await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }
}

impl Drop for KeeperProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
