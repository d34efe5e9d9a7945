//! End-to-end tests on the devnet with the real Stylus contracts and real processes: the
//! devnet binary, two `keeper` binaries, a faulty RPC proxy.
//!
//! They need a devnet state with the protocol deployed, which the deployer produces:
//!
//! ```sh
//! lpx-devnet --port 8545 --dump-state /tmp/lpx-protocol.json &
//! <deployer> --rpc-url http://127.0.0.1:8545 ...   # writes deployments/devnet.json
//! kill -INT %1                                      # the devnet writes its state on exit
//! LPX_E2E_DEVNET_BIN=$CARGO_TARGET_DIR/debug/lpx-devnet \
//! LPX_E2E_STATE=/tmp/lpx-protocol.json LPX_E2E_DEPLOYMENTS=deployments/devnet.json \
//!   cargo test -p lpx-keeper --test devnet_e2e -- --ignored --test-threads 1
//! ```
//!
//! The address book must name LivepeerToken, BondingManager, RoundsManager, Minter and
//! TicketBroker (or the Controller). The test bonds anvil accounts 1–3 as orchestrators
//! from the genesis LPT, funds account 4 as a broadcaster, and runs keepers with accounts
//! 5 and 6 as reward callers. Without the variables each test prints why and passes.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    providers::{Provider, RootProvider},
    rpc::types::Filter,
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::{SolCall, SolEvent},
};
use lpx_abi::{
    bonding_manager::IBondingManager,
    rounds_manager::IRoundsManager,
    ticket_broker::{encode_aux_data, recipient_rand_hash, ticket_hash, ITicketBroker, Ticket},
    token::ILivepeerToken,
};
use lpx_chain_config::Deployments;
use lpx_testkit::{anvil_key, free_port, Fault, FaultyProxy};
use lpx_txman::{FailoverTransport, FeePolicy, RpcPolicy, TxManager, TxRequest, TxState};

struct Env {
    devnet_bin: PathBuf,
    state: PathBuf,
    book: Deployments,
    book_path: PathBuf,
}

fn env() -> Option<Env> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (get("LPX_E2E_DEVNET_BIN"), get("LPX_E2E_STATE"), get("LPX_E2E_DEPLOYMENTS")) {
        (Some(bin), Some(state), Some(book)) => {
            let book_path = PathBuf::from(book);
            Some(Env { devnet_bin: bin.into(), state: state.into(), book: Deployments::load(&book_path).expect("deployments file"), book_path })
        }
        _ => {
            eprintln!("skipped: set LPX_E2E_DEVNET_BIN, LPX_E2E_STATE and LPX_E2E_DEPLOYMENTS (see the file's docs); the protocol deployer provides them");
            None
        }
    }
}

/// A devnet process on a fixed port (so a restart keeps its URL).
struct Devnet {
    child: Option<Child>,
    port: u16,
    bin: PathBuf,
    state: PathBuf,
}

impl Devnet {
    fn start(e: &Env, dir: &Path) -> Self {
        let state = dir.join("devnet-state.json");
        std::fs::copy(&e.state, &state).expect("copy state");
        let mut d = Self { child: None, port: free_port(), bin: e.devnet_bin.clone(), state };
        d.spawn();
        d
    }
    fn spawn(&mut self) {
        let child = Command::new(&self.bin)
            .args(["--port", &self.port.to_string(), "--load-state"])
            .arg(&self.state)
            .arg("--dump-state")
            .arg(&self.state)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start devnet");
        self.child = Some(child);
        wait_port(self.port);
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    /// Stops it with SIGINT (it writes its state) and starts it again from that state.
    fn restart(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-INT", &c.id().to_string()]).status();
            let _ = c.wait();
        }
        self.spawn();
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listening on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn key(i: usize) -> PrivateKeySigner {
    anvil_key(i).parse().unwrap()
}

fn provider(url: &str) -> RootProvider {
    FailoverTransport::new(&[url.parse().unwrap()], RpcPolicy::default()).unwrap().provider()
}

/// Sends typed calls from a dev account and waits for success.
async fn send<C: SolCall>(url: &str, dir: &Path, from: usize, to: Address, c: C, value: U256) {
    let m = TxManager::open(provider(url), key(from), &dir.join(format!("setup-{from}.sqlite")), FeePolicy::default()).await.unwrap();
    m.recover().await.unwrap();
    let label = format!("setup:{}:{}", C::SIGNATURE, lpx_txman::store::now_ms());
    let rec = m.submit(TxRequest { label, to, input: c.abi_encode().into(), value, gas_limit: None }).await.unwrap();
    match m.wait(rec.id, Duration::from_millis(100), Duration::from_secs(30)).await.unwrap() {
        TxState::Mined(_) => {}
        other => panic!("{} failed: {other:?}", C::SIGNATURE),
    }
}

async fn mine(url: &str, blocks: u64) {
    let _: () = provider(url).client().request("anvil_mine", (U256::from(blocks), U256::ZERO)).await.unwrap();
}

struct Protocol {
    token: Address,
    bonding: Address,
    rounds: Address,
    broker: Address,
}

fn protocol(e: &Env) -> Protocol {
    let g = |n: &str| e.book.get(n).unwrap_or_else(|| panic!("{n} missing from the deployments file"));
    Protocol { token: g("LivepeerToken"), bonding: g("BondingManager"), rounds: g("RoundsManager"), broker: g("TicketBroker") }
}

async fn call<C: SolCall>(url: &str, to: Address, c: C) -> C::Return {
    let tx = alloy::rpc::types::TransactionRequest::default().to(to).input(Bytes::from(c.abi_encode()).into());
    C::abi_decode_returns(&provider(url).call(tx).await.unwrap()).unwrap()
}

/// Orchestrators 1..=3 bond and register; 1 and 2 authorize keeper A (account 5), 3
/// authorizes keeper B (account 6).
async fn setup_orchestrators(url: &str, dir: &Path, p: &Protocol) -> [Address; 3] {
    let lpt = U256::from(1000u64) * U256::from(10u64).pow(U256::from(18));
    for (i, caller) in [(1usize, 5usize), (2, 5), (3, 6)] {
        let amount = lpt * U256::from(i as u64);
        send(url, dir, i, p.token, ILivepeerToken::approveCall { spender: p.bonding, amount }, U256::ZERO).await;
        send(url, dir, i, p.bonding, IBondingManager::bondCall { _amount: amount, _to: key(i).address() }, U256::ZERO).await;
        send(url, dir, i, p.bonding, IBondingManager::transcoderCall { _rewardCut: U256::from(100_000), _feeShare: U256::from(500_000) }, U256::ZERO).await;
        send(url, dir, i, p.bonding, IBondingManager::setRewardCallerCall { _rewardCaller: key(caller).address() }, U256::ZERO).await;
    }
    [key(1).address(), key(2).address(), key(3).address()]
}

struct KeeperProc {
    child: Child,
    api: u16,
}

fn write_config(dir: &Path, name: &str, rpc: &str, e: &Env, account: usize, orchs: &[Address], extra: &str) -> (PathBuf, u16) {
    let api = free_port();
    let orchs: String = orchs.iter().map(|o| format!("[[orchestrators]]\naddress = \"{o}\"\n")).collect();
    let text = format!(
        "[chain]\nrpc_urls = [\"{rpc}\"]\ndeployments = \"{}\"\npoll_interval_ms = 300\nrequest_timeout_ms = 2000\nbackoff_initial_ms = 100\nbackoff_max_ms = 1000\n\
         [signer]\nprivate_key_env = \"E2E_KEY_{account}\"\n[state]\ndir = \"{name}-state\"\n[api]\nlisten = \"127.0.0.1:{api}\"\n\
         [gas]\nbump_after_secs = 5\n[tickets]\nretry_secs = 1\n{extra}\n{orchs}",
        e.book_path.canonicalize().unwrap().display()
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    (path, api)
}

fn start_keeper(dir: &Path, config: &Path, account: usize, api: u16, mode: &[&str]) -> KeeperProc {
    let log = std::fs::File::create(dir.join(format!("{}.log", config.file_stem().unwrap().to_string_lossy()))).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_keeper"))
        .arg("--config")
        .arg(config)
        .args(mode)
        .env(format!("E2E_KEY_{account}"), anvil_key(account))
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start keeper");
    if mode == ["run"] {
        wait_port(api);
    }
    KeeperProc { child, api }
}

impl Drop for KeeperProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn current_round(url: &str, p: &Protocol) -> u64 {
    call(url, p.rounds, IRoundsManager::currentRoundCall {}).await.saturating_to()
}

async fn round_length(url: &str, p: &Protocol) -> u64 {
    call(url, p.rounds, IRoundsManager::roundLengthCall {}).await.saturating_to()
}

/// Waits until every orchestrator was rewarded in round `r` (or panics after `max`).
async fn wait_rewarded(url: &str, p: &Protocol, orchs: &[Address], r: u64, max: Duration) {
    let deadline = Instant::now() + max;
    loop {
        let mut all = true;
        for o in orchs {
            let t = call(url, p.bonding, IBondingManager::getTranscoderCall { _transcoder: *o }).await;
            all &= t.lastRewardRound.saturating_to::<u64>() >= r;
        }
        if all {
            return;
        }
        assert!(Instant::now() < deadline, "round {r} not fully rewarded in time");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Counts NewRound per round and Reward per (orchestrator, round) from the logs.
async fn events(url: &str, p: &Protocol) -> (Vec<u64>, Vec<(Address, u64)>) {
    let prov = provider(url);
    let logs = prov.get_logs(&Filter::new().address(p.rounds).event_signature(IRoundsManager::NewRound::SIGNATURE_HASH).from_block(0)).await.unwrap();
    let rounds = logs.iter().map(|l| U256::from_be_bytes(l.topics()[1].0).saturating_to::<u64>()).collect();
    let logs = prov.get_logs(&Filter::new().address(p.bonding).event_signature(IBondingManager::Reward::SIGNATURE_HASH).from_block(0)).await.unwrap();
    let mut rewards = Vec::new();
    for l in logs {
        let o = Address::from_word(l.topics()[1]);
        let b = l.block_number.unwrap();
        let r = call_at_round(url, p, b).await;
        rewards.push((o, r));
    }
    (rounds, rewards)
}

async fn call_at_round(url: &str, p: &Protocol, block: u64) -> u64 {
    let len = round_length(url, p).await;
    let anchor_r: u64 = call(url, p.rounds, IRoundsManager::lastRoundLengthUpdateRoundCall {}).await.saturating_to();
    let anchor_b: u64 = call(url, p.rounds, IRoundsManager::lastRoundLengthUpdateStartBlockCall {}).await.saturating_to();
    anchor_r + (block - anchor_b) / len
}

fn assert_once_per_round(rounds: &[u64], rewards: &[(Address, u64)], orchs: &[Address], from: u64, to: u64) {
    for r in from..=to {
        assert_eq!(rounds.iter().filter(|x| **x == r).count(), 1, "NewRound for round {r}");
        for o in orchs {
            assert_eq!(rewards.iter().filter(|(a, x)| a == o && *x == r).count(), 1, "Reward for {o} in round {r}");
        }
    }
}

#[tokio::test]
#[ignore = "needs a deployed devnet state (LPX_E2E_*), see the file docs"]
async fn ten_rounds_two_keepers_three_orchestrators_once_each() {
    let Some(e) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let dev = Devnet::start(&e, dir.path());
    let url = dev.url();
    let p = protocol(&e);
    let orchs = setup_orchestrators(&url, dir.path(), &p).await;
    let election = |rank| format!("[rounds.election]\nmode = \"rank\"\nrank = {rank}\nkeepers = 2\nslot_ms = 1500");
    let (ca, api_a) = write_config(dir.path(), "a", &url, &e, 5, &orchs[..2], &election(0));
    let (cb, api_b) = write_config(dir.path(), "b", &url, &e, 6, &orchs[2..], &election(1));
    let _a = start_keeper(dir.path(), &ca, 5, api_a, &["run"]);
    let _b = start_keeper(dir.path(), &cb, 6, api_b, &["run"]);
    let len = round_length(&url, &p).await;
    let first = current_round(&url, &p).await + 1;
    let last = first + 10;
    for r in first..=last {
        let block = provider(&url).get_block_number().await.unwrap();
        mine(&url, r * len - block.min(r * len)).await; // to the first block of round r
        let started = Instant::now();
        wait_rewarded(&url, &p, &orchs, r, Duration::from_secs(30)).await;
        eprintln!("round {r}: initialized and 3 rewards in {:?}", started.elapsed());
    }
    let (rounds, rewards) = events(&url, &p).await;
    assert_once_per_round(&rounds, &rewards, &orchs, first, last);
    // No transaction beyond the useful ones: one initializeRound per round and one reward
    // per orchestrator and round, across both keepers.
    let prov = provider(&url);
    let sent = prov.get_transaction_count(key(5).address()).await.unwrap() + prov.get_transaction_count(key(6).address()).await.unwrap();
    assert_eq!(sent, (last - first + 1) * 4);
}

#[tokio::test]
#[ignore = "needs a deployed devnet state (LPX_E2E_*), see the file docs"]
async fn devnet_restart_mid_round_and_keeper_kill_with_tickets_queued() {
    let Some(e) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut dev = Devnet::start(&e, dir.path());
    let url = dev.url();
    let p = protocol(&e);
    let orchs = setup_orchestrators(&url, dir.path(), &p).await;
    let (ca, api) = write_config(dir.path(), "a", &url, &e, 5, &orchs, "[rounds.election]\nmode = \"off\"");
    // Orchestrator 3's reward caller is account 6; make account 5 the caller of all three.
    send(&url, dir.path(), 3, p.bonding, IBondingManager::setRewardCallerCall { _rewardCaller: key(5).address() }, U256::ZERO).await;
    let len = round_length(&url, &p).await;
    let r = current_round(&url, &p).await + 1;
    mine(&url, r * len - provider(&url).get_block_number().await.unwrap()).await;
    let mut k = start_keeper(dir.path(), &ca, 5, api, &["run"]);
    wait_rewarded(&url, &p, &orchs, r, Duration::from_secs(30)).await;

    // The broadcaster funds and pays orchestrator 1 with 5 winning tickets, not yet due.
    let b = key(4);
    let eth = U256::from(10u64).pow(U256::from(18));
    send(&url, dir.path(), 4, p.broker, ITicketBroker::fundDepositAndReserveCall { _depositAmount: eth, _reserveAmount: eth }, eth * U256::from(2)).await;
    let block_hash: B256 = call(&url, p.rounds, IRoundsManager::blockHashForRoundCall { _round: U256::from(r) }).await;
    let due_at = provider(&url).get_block_number().await.unwrap() + 3;
    let mut hashes = Vec::new();
    let mut body = Vec::new();
    for n in 0..5u64 {
        let rand = U256::from(9_000 + n);
        let t = Ticket {
            recipient: orchs[0],
            sender: b.address(),
            faceValue: U256::from(10u64).pow(U256::from(15)),
            winProb: U256::MAX,
            senderNonce: U256::from(n + 1),
            recipientRandHash: recipient_rand_hash(rand),
            auxData: encode_aux_data(U256::from(r), block_hash),
        };
        let h = ticket_hash(&t);
        let sig = b.sign_message_sync(h.as_slice()).unwrap();
        hashes.push(h);
        body.push(serde_json::json!({"recipient": t.recipient, "sender": t.sender, "faceValue": t.faceValue.to_string(),
            "winProb": format!("{:#x}", t.winProb), "senderNonce": n + 1, "recipientRandHash": t.recipientRandHash,
            "auxData": t.auxData, "sig": Bytes::from(sig.as_bytes().to_vec()), "recipientRand": rand.to_string(), "expirationBlock": due_at}));
    }
    let resp = reqwest::Client::new().post(format!("http://127.0.0.1:{}/tickets", k.api)).json(&body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 202);

    // The keeper is killed with the tickets queued; the devnet restarts mid-round.
    let _ = k.child.kill();
    let _ = k.child.wait();
    dev.restart();
    mine(&url, 5).await;
    let k = start_keeper(dir.path(), &ca, 5, api, &["run"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list: serde_json::Value = reqwest::get(format!("http://127.0.0.1:{}/tickets?status=redeemed", k.api)).await.unwrap().json().await.unwrap();
        if list.as_array().unwrap().len() == hashes.len() {
            break;
        }
        assert!(Instant::now() < deadline, "tickets not redeemed after restart: {list}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let logs = provider(&url)
        .get_logs(&Filter::new().address(p.broker).event_signature(ITicketBroker::WinningTicketRedeemed::SIGNATURE_HASH).from_block(0))
        .await
        .unwrap();
    assert_eq!(logs.len(), hashes.len(), "each ticket redeemed exactly once");
    // Next round after the restart: still exactly once each.
    mine(&url, len).await;
    wait_rewarded(&url, &p, &orchs, r + 1, Duration::from_secs(30)).await;
    let (rounds, rewards) = events(&url, &p).await;
    assert_once_per_round(&rounds, &rewards, &orchs, r, r + 1);
}

#[tokio::test]
#[ignore = "needs a deployed devnet state (LPX_E2E_*), see the file docs"]
async fn faulty_rpc_then_catch_up_and_once_from_a_cron_loop() {
    let Some(e) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let dev = Devnet::start(&e, dir.path());
    let url = dev.url();
    let p = protocol(&e);
    let orchs = setup_orchestrators(&url, dir.path(), &p).await;
    send(&url, dir.path(), 3, p.bonding, IBondingManager::setRewardCallerCall { _rewardCaller: key(5).address() }, U256::ZERO).await;
    let proxy = FaultyProxy::start(&url).await;
    let (cfg, api) = write_config(dir.path(), "cron", &proxy.url(), &e, 5, &orchs, "[rounds.election]\nmode = \"off\"\n[api]\nlisten = \"127.0.0.1:0\"");
    let _ = api;
    let len = round_length(&url, &p).await;
    let first = current_round(&url, &p).await + 1;
    for (i, r) in (first..first + 4).enumerate() {
        mine(&url, r * len - provider(&url).get_block_number().await.unwrap()).await;
        // Rounds 2 and 4 start with a bad RPC: garbage, then errors, then a hang.
        if i % 2 == 1 {
            proxy.set_for([Fault::Garbage, Fault::ServerError, Fault::Hang(Duration::from_secs(3))][i % 3], 4);
        }
        // cron: `keeper once` every few seconds until the round is done.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = start_keeper(dir.path(), &cfg, 5, 0, &["once", "--max-secs", "20"]).child.wait().unwrap();
            if status.code() == Some(0) {
                break;
            }
            assert!(Instant::now() < deadline, "once never finished round {r}");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        wait_rewarded(&url, &p, &orchs, r, Duration::from_secs(5)).await;
        // A second cron tick in the same round sends nothing.
        let before = provider(&url).get_transaction_count(key(5).address()).await.unwrap();
        assert!(start_keeper(dir.path(), &cfg, 5, 0, &["once"]).child.wait().unwrap().success());
        assert_eq!(provider(&url).get_transaction_count(key(5).address()).await.unwrap(), before);
    }
    assert!(proxy.faulted() > 0);
    let (rounds, rewards) = events(&url, &p).await;
    assert_once_per_round(&rounds, &rewards, &orchs, first, first + 3);
}
