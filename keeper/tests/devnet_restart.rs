//! The keeper against a devnet that dies (issue 5), on the real Stylus contracts.
//!
//! `devnet_killed_mid_round_then_rpc_outage`: the protocol is deployed in process
//! (`lpx_e2e::Protocol::deploy`), its chain written to a state file and handed to a devnet
//! running as a separate process (this test binary re-executed, see [`CHILD_ENV`]) that
//! persists itself after every block (`DevnetConfig::state`, the devnet's `--state`). A
//! `keeper run` process starts in a new round with winning tickets queued through its API
//! (one ticket per transaction); once it has initialized the round, called reward and
//! redeemed two tickets, and 0-400 ms later, the devnet gets SIGKILL, whatever was in flight (the
//! test prints where it landed), and comes back
//! from its file on the same port 1.5 s later. Asserted from the restarted chain: the round
//! initialized once, the orchestrator rewarded once, every ticket redeemed exactly once
//! (used on chain, one `WinningTicketRedeemed` each, the sender's deposit down by exactly
//! their face values), and one keeper transaction per action, none reverted or repeated;
//! the keeper's own queue says all redeemed, none dropped. Then an RPC outage in front of
//! the same devnet (garbage, hangs, server errors from a proxy) for the next round: the
//! keeper's ticks fail, it backs off, and it catches up once the RPC recovers.
//!
//! `devnet_keeper_killed_with_tickets_queued`: the other way round, the devnet stays up and
//! the `keeper run` process gets SIGKILL, three ways: with redemptions sitting in the
//! devnet's pool that are mined while it is dead, with redemptions still unmined when it
//! comes back, and at random moments while it redeems. It finds the contracts through the
//! deployer's own address book (`deployments/<network>.json` as `lpx deploy` writes it), and
//! `keeper check` through the Controller's registry. Asserted from the chain: every ticket
//! redeemed exactly once, none dropped, the deposit down by exactly their face values, and
//! the keeper's nonce exactly one per action.
//!
//! `devnet_redemption_throughput` (run with `-- --ignored`): tickets redeemed per second by
//! a `keeper run` process on an in-process devnet, one ticket per transaction and batches
//! of 10 (figures in docs/PERFORMANCE-keeper.md).
//!
//! No libtest harness (`harness = false` in Cargo.toml): the binary is also the devnet
//! process, so it reads its own arguments (`--ignored`, `--include-ignored`, name filters).

mod devnet_common;

use std::{
    collections::HashMap,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{Filter, TransactionRequest},
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::{SolCall, SolEvent},
};
use devnet_common::{write_config, write_config_from, Contracts, KeeperProc, Source};
use lpx_abi::{
    bonding_manager::IBondingManager,
    rounds_manager::IRoundsManager,
    ticket_broker::{encode_aux_data, recipient_rand_hash, ticket_hash, ITicketBroker, Ticket},
    token::ILivepeerToken,
};
use lpx_devnet::{Devnet, DevnetConfig};
use lpx_e2e::{anvil_signers, Protocol};
use lpx_keeper::{config::Config, keeper::Keeper, run};
use lpx_testkit::{free_port, Fault, FaultyProxy};

/// Set to `<port>|<state file>`: this binary is the devnet process, not the tests.
const CHILD_ENV: &str = "LPX_KEEPER_TEST_DEVNET";

const ORCH: usize = 1;
const KEEPER: usize = 5;
const BROADCASTER: usize = 7;

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        return devnet_child(&spec);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ignored = args.iter().any(|a| a == "--ignored");
    let include_ignored = args.iter().any(|a| a == "--include-ignored");
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if args.iter().any(|a| a == "--list") {
        println!("devnet_killed_mid_round_then_rpc_outage: test\ndevnet_keeper_killed_with_tickets_queued: test\ndevnet_redemption_throughput: test");
        return;
    }
    type Test = fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
    let tests: [(&str, bool, Test); 3] = [
        ("devnet_killed_mid_round_then_rpc_outage", false, || Box::pin(killed_mid_round_then_rpc_outage())),
        ("devnet_keeper_killed_with_tickets_queued", false, || Box::pin(keeper_killed_with_tickets_queued())),
        ("devnet_redemption_throughput", true, || Box::pin(redemption_throughput())),
    ];
    let mut ran = 0;
    for (name, is_ignored, test) in tests {
        let selected = filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
        let by_ignore = include_ignored || ignored == is_ignored;
        if !(selected && by_ignore) {
            continue;
        }
        eprintln!("test {name} ...");
        let t0 = Instant::now();
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(test());
        eprintln!("test {name} ... ok ({:.1} s)", t0.elapsed().as_secs_f64());
        ran += 1;
    }
    eprintln!("test result: ok. {ran} passed");
}

/// The devnet process: serves the chain in the state file until killed.
fn devnet_child(spec: &str) {
    let (port, path) = spec.split_once('|').expect("<port>|<state file>");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port.parse().expect("port")));
        let _devnet = Devnet::spawn(DevnetConfig { addr, state: Some(path.into()), ..DevnetConfig::test() }).await.expect("devnet starts");
        std::future::pending::<()>().await;
    });
}

/// The devnet as a separate process.
struct DevnetProc(Child);

impl DevnetProc {
    fn start(port: u16, state: &Path, log: &Path) -> Self {
        let child = Command::new(std::env::current_exe().unwrap())
            .env(CHILD_ENV, format!("{port}|{}", state.display()))
            .stdout(Stdio::null())
            .stderr(std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap())
            .spawn()
            .expect("start the devnet process");
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "devnet never came up:\n{}", std::fs::read_to_string(log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(20));
        }
        Self(child)
    }

    /// SIGKILL: no chance to write anything more.
    fn kill9(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for DevnetProc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A provider that signs for every anvil account.
fn provider(url: &str) -> DynProvider {
    let signers = anvil_signers();
    let mut wallet = EthereumWallet::new(signers[0].clone());
    for s in &signers[1..] {
        wallet.register_signer(s.clone());
    }
    ProviderBuilder::new().wallet(wallet).connect_http(url.parse().unwrap()).erased()
}

async fn view<C: SolCall>(p: &DynProvider, to: Address, call: C) -> C::Return {
    let out = p.call(TransactionRequest::default().with_to(to).with_input(call.abi_encode())).await.unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE));
    C::abi_decode_returns(&out).unwrap()
}

async fn current_round(p: &DynProvider, c: Contracts) -> u64 {
    view(p, c.rounds, IRoundsManager::currentRoundCall {}).await.saturating_to()
}

/// Mines to the first block of the next round; returns that round.
async fn mine_to_next_round(p: &DynProvider, c: Contracts) -> u64 {
    let len: u64 = view(p, c.rounds, IRoundsManager::roundLengthCall {}).await.saturating_to();
    let start: u64 = view(p, c.rounds, IRoundsManager::currentRoundStartBlockCall {}).await.saturating_to();
    let now = p.get_block_number().await.unwrap();
    let _: serde_json::Value = p.raw_request("anvil_mine".into(), (U256::from(start + len - now),)).await.unwrap();
    current_round(p, c).await
}

fn eth(milli: u64) -> U256 {
    U256::from(milli) * U256::from(10u64).pow(U256::from(15))
}

/// An orchestrator (account [`ORCH`], reward caller [`KEEPER`]) active in the returned
/// round, which is initialized, and a broadcaster (account [`BROADCASTER`]) with `deposit`.
async fn setup(p: &Protocol, deposit: U256) -> u64 {
    p.next_round().await;
    let (orch, bm) = (p.accounts[ORCH], p.address("BondingManager"));
    let amount = U256::from(1000u64) * U256::from(10u64).pow(U256::from(18));
    p.send(orch, "LivepeerToken", ILivepeerToken::approveCall { spender: bm, amount }).await;
    p.send(orch, "BondingManager", IBondingManager::bondCall { _amount: amount, _to: orch }).await;
    p.send(orch, "BondingManager", IBondingManager::transcoderCall { _rewardCut: U256::from(100_000), _feeShare: U256::from(500_000) }).await;
    p.send(orch, "BondingManager", IBondingManager::setRewardCallerCall { _rewardCaller: p.accounts[KEEPER] }).await;
    let reserve = eth(1000);
    let fund = ITicketBroker::fundDepositAndReserveCall { _depositAmount: deposit, _reserveAmount: reserve };
    p.try_send(p.accounts[BROADCASTER], "TicketBroker", fund, deposit + reserve).await.unwrap();
    p.next_round().await.saturating_to()
}

/// A fresh protocol after [`setup`]: the round it returns, the keeper's view of the contracts
/// and that round's block hash (which the broker checks in tickets).
async fn deployed(deposit: U256) -> (Protocol, u64, Contracts, B256) {
    let p = Protocol::deploy().await;
    let r1 = setup(&p, deposit).await;
    let c = Contracts::of(&p);
    let block_hash = p.view("RoundsManager", IRoundsManager::blockHashForRoundCall { _round: U256::from(r1) }).await;
    (p, r1, c, block_hash)
}

/// The orchestrator, its reward caller (the keeper) and the broadcaster.
fn roles(p: &Protocol) -> (Address, Address, Address) {
    (p.accounts[ORCH], p.accounts[KEEPER], p.accounts[BROADCASTER])
}

/// Winning tickets (win probability 2^256 - 1) from the broadcaster to the orchestrator,
/// created in `round` (whose block hash the broker checks), as the keeper's API takes them.
fn tickets(round: u64, block_hash: B256, face: U256, nonces: std::ops::Range<u64>) -> (serde_json::Value, Vec<B256>) {
    let sender: PrivateKeySigner = anvil_signers()[BROADCASTER].clone();
    let recipient = anvil_signers()[ORCH].address();
    let mut out = Vec::new();
    let mut hashes = Vec::new();
    for n in nonces {
        let rand = U256::from(1_000_000 + n);
        let t = Ticket {
            recipient,
            sender: sender.address(),
            faceValue: face,
            winProb: U256::MAX,
            senderNonce: U256::from(n),
            recipientRandHash: recipient_rand_hash(rand),
            auxData: encode_aux_data(U256::from(round), block_hash),
        };
        let h = ticket_hash(&t);
        let sig = sender.sign_message_sync(h.as_slice()).unwrap();
        out.push(serde_json::json!({
            "recipient": t.recipient, "sender": t.sender, "faceValue": t.faceValue.to_string(),
            "winProb": format!("{:#x}", t.winProb), "senderNonce": n, "recipientRandHash": t.recipientRandHash,
            "auxData": t.auxData, "sig": Bytes::from(sig.as_bytes().to_vec()), "recipientRand": rand.to_string(),
        }));
        hashes.push(h);
    }
    (serde_json::Value::Array(out), hashes)
}

async fn post_tickets(api: u16, body: &serde_json::Value) {
    let r = reqwest::Client::new().post(format!("http://127.0.0.1:{api}/tickets")).json(body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202, "{:?}", r.text().await);
}

/// The keeper's queue by status (its API).
async fn queue_counts(api: u16) -> HashMap<String, usize> {
    let rows: Vec<serde_json::Value> = reqwest::get(format!("http://127.0.0.1:{api}/tickets?limit=10000")).await.unwrap().json().await.unwrap();
    let mut m = HashMap::new();
    for r in rows {
        *m.entry(r["status"].as_str().unwrap_or("?").to_string()).or_default() += 1;
    }
    m
}

async fn deposit_of(p: &DynProvider, c: Contracts, sender: Address) -> U256 {
    view(p, c.broker, ITicketBroker::getSenderInfoCall { _sender: sender }).await.sender.deposit
}

/// Ticket hashes of every `WinningTicketRedeemed` on chain, in order.
async fn redeemed_on_chain(p: &DynProvider, c: Contracts) -> Vec<B256> {
    let logs = p.get_logs(&Filter::new().address(c.broker).event_signature(ITicketBroker::WinningTicketRedeemed::SIGNATURE_HASH).from_block(0)).await.unwrap();
    logs.iter()
        .map(|l| {
            let e = ITicketBroker::WinningTicketRedeemed::decode_log_data(l.data()).unwrap();
            ticket_hash(&Ticket {
                recipient: e.recipient,
                sender: e.sender,
                faceValue: e.faceValue,
                winProb: e.winProb,
                senderNonce: e.senderNonce,
                recipientRandHash: recipient_rand_hash(e.recipientRand),
                auxData: e.auxData,
            })
        })
        .collect()
}

/// `NewRound` events for `round`, and `Reward` events for `orch` in blocks from `from`.
/// Every ticket in `hashes` was redeemed exactly once (one `WinningTicketRedeemed` each, each
/// marked used) and the broadcaster's deposit is down to `deposit_left`.
async fn assert_each_redeemed_once(p: &DynProvider, c: Contracts, hashes: &[B256], broadcaster: Address, deposit_left: U256) {
    let mut redeemed = redeemed_on_chain(p, c).await;
    redeemed.sort();
    let mut want = hashes.to_vec();
    want.sort();
    assert_eq!(redeemed, want, "every ticket redeemed exactly once");
    for h in hashes {
        assert!(view(p, c.broker, ITicketBroker::usedTicketsCall { _ticketHash: *h }).await, "{h} used");
    }
    assert_eq!(deposit_of(p, c, broadcaster).await, deposit_left, "the deposit paid each face value once");
}

async fn round_events(p: &DynProvider, c: Contracts, round: u64, orch: Address, from: u64) -> (usize, usize) {
    let f = Filter::new().address(c.rounds).event_signature(IRoundsManager::NewRound::SIGNATURE_HASH).from_block(0);
    let inits = p.get_logs(&f).await.unwrap().iter().filter(|l| U256::from_be_bytes(l.topics()[1].0) == U256::from(round)).count();
    let f = Filter::new().address(c.bonding).event_signature(IBondingManager::Reward::SIGNATURE_HASH).from_block(from);
    let rewards = p.get_logs(&f).await.unwrap().iter().filter(|l| Address::from_word(l.topics()[1]) == orch).count();
    (inits, rewards)
}

async fn round_start(p: &DynProvider, c: Contracts) -> u64 {
    view(p, c.rounds, IRoundsManager::currentRoundStartBlockCall {}).await.saturating_to()
}

async fn killed_mid_round_then_rpc_outage() {
    const N: u64 = 10;
    let face = eth(10);
    let (p, r1, c, block_hash) = deployed(face * U256::from(N)).await;
    let (orch, keeper, broadcaster) = roles(&p);

    // The chain moves into a devnet process that persists it after every block.
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("chain.json");
    let dump = p.devnet.node().with(|ch| ch.dump_chain()).await.unwrap();
    std::fs::write(&state, serde_json::to_vec(&dump).unwrap()).unwrap();
    drop(p);
    let port = free_port();
    let devnet_log = dir.path().join("devnet.log");
    let devnet = DevnetProc::start(port, &state, &devnet_log);
    let url = format!("http://127.0.0.1:{port}");
    let chain = provider(&url);
    assert_eq!(current_round(&chain, c).await, r1, "the devnet process carries the deployed chain");
    let deposit0 = deposit_of(&chain, c, broadcaster).await;
    let r2 = mine_to_next_round(&chain, c).await;
    let r2_start = round_start(&chain, c).await;

    let api = free_port();
    let extra = "[rounds.election]\nmode = \"off\"\n[tickets]\nbatch_size = 1\nretry_secs = 1\n[gas]\nbump_after_secs = 3";
    let cfg = write_config(dir.path(), "k", &url, c, KEEPER, Some(api), &[orch], extra);
    let k = KeeperProc::run(&cfg, KEEPER, api, dir.path().join("k.log"));
    let (body, hashes) = tickets(r1, block_hash, face, 0..N);
    post_tickets(api, &body).await;

    // Kill the devnet once the keeper has initialized the round, rewarded and redeemed two
    // tickets: it is then in the middle of the queue.
    let deadline = Instant::now() + Duration::from_secs(60);
    while chain.get_transaction_count(keeper).await.unwrap() < 4 {
        assert!(Instant::now() < deadline, "keeper made no progress:\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Somewhere in the next tick: a transaction may be in flight, sent and not answered, or
    // answered and not yet looked up (where it lands is printed).
    tokio::time::sleep(Duration::from_millis(rand::random_range(0..400))).await;
    let at_kill = chain.get_transaction_count(keeper).await.unwrap();
    devnet.kill9();
    let t_kill = Instant::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let devnet = DevnetProc::start(port, &state, &devnet_log);
    let at_restart = chain.get_transaction_count(keeper).await.unwrap();
    eprintln!("devnet killed with the keeper's nonce at {at_kill}, back after {:?} at nonce {at_restart} (of {})", t_kill.elapsed(), 2 + N);

    // Everything done, then a few more polls to see nothing else is sent.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let counts = queue_counts(api).await;
        if counts.get("redeemed").copied().unwrap_or(0) == N as usize && chain.get_transaction_count(keeper).await.unwrap() >= 2 + N {
            break;
        }
        assert!(Instant::now() < deadline, "keeper did not finish after the restart: {counts:?}\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("all {N} tickets redeemed {:?} after the kill", t_kill.elapsed());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let counts = queue_counts(api).await;
    let log = k.log_text();
    eprintln!("the keeper's warnings and errors around the outage (first 12):");
    for l in log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")).take(12) {
        eprintln!("  {l}");
    }
    assert_eq!(k.stop().code(), Some(0), "keeper stops cleanly");

    assert_eq!(current_round(&chain, c).await, r2);
    assert!(view(&chain, c.rounds, IRoundsManager::currentRoundInitializedCall {}).await);
    assert_eq!(round_events(&chain, c, r2, orch, r2_start).await, (1, 1), "one NewRound and one Reward in round {r2}");
    let t = view(&chain, c.bonding, IBondingManager::getTranscoderCall { _transcoder: orch }).await;
    assert_eq!(t.lastRewardRound, U256::from(r2));
    assert_each_redeemed_once(&chain, c, &hashes, broadcaster, deposit0 - face * U256::from(N)).await;
    assert_eq!(chain.get_transaction_count(keeper).await.unwrap(), 2 + N, "one transaction per action, none repeated:\n{log}");
    assert_eq!(counts.get("redeemed").copied(), Some(N as usize), "{counts:?}");
    assert_eq!(counts.get("dropped"), None, "{counts:?}");

    // An RPC outage in the next round: the ticks fail, the keeper backs off, then catches up.
    let r3 = mine_to_next_round(&chain, c).await;
    let r3_start = round_start(&chain, c).await;
    let proxy = FaultyProxy::start(&url).await;
    // The same keeper (same key and state), in process so each tick can be watched.
    let text = std::fs::read_to_string(&cfg).unwrap().replace(&url, &proxy.url()).replace("request_timeout_ms = 5000", "request_timeout_ms = 1000");
    std::env::set_var(format!("E2E_KEY_{KEEPER}"), lpx_testkit::anvil_key(KEEPER));
    let mut k = Keeper::start(Config::from_toml(&text, dir.path()).unwrap()).await.unwrap();
    proxy.set(Fault::Garbage);
    assert!(k.tick().await.is_err(), "a tick during the outage fails (after retries)");
    proxy.set(Fault::Hang(Duration::from_secs(3)));
    assert!(k.tick().await.is_err());
    proxy.set_for(Fault::ServerError, 3);
    let before = proxy.faulted();
    let t0 = Instant::now();
    assert!(run::once(&mut k, Duration::from_secs(60)).await.unwrap(), "caught up once the RPC recovered");
    assert!(proxy.faulted() >= before + 3);
    eprintln!("caught up {:?} after the RPC recovered (3 server errors first)", t0.elapsed());
    assert_eq!(round_events(&chain, c, r3, orch, r3_start).await, (1, 1), "one NewRound and one Reward in round {r3}");
    assert_eq!(chain.get_transaction_count(keeper).await.unwrap(), 2 + N + 2);
    drop(devnet);
}

async fn set_automine(p: &DynProvider, on: bool) {
    let _: serde_json::Value = p.raw_request("evm_setAutomine".into(), (on,)).await.unwrap();
}

async fn mine_one(p: &DynProvider) {
    let _: serde_json::Value = p.raw_request("evm_mine".into(), ()).await.unwrap();
}

/// Transactions waiting in the devnet's pool (only the keeper sends while it runs).
async fn pooled(p: &DynProvider) -> u64 {
    let v: serde_json::Value = p.raw_request("txpool_status".into(), ()).await.unwrap();
    u64::from_str_radix(v["pending"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// Waits until the keeper has a transaction in the (not mining) pool: a redemption in flight.
async fn wait_in_flight(p: &DynProvider, k: &KeeperProc) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while pooled(p).await == 0 {
        assert!(Instant::now() < deadline, "no redemption sent:\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn keeper_killed_with_tickets_queued() {
    const N: u64 = 8;
    let face = eth(10);
    let (p, r1, c, block_hash) = deployed(face * U256::from(N)).await;
    let (orch, keeper, broadcaster) = roles(&p);
    let url = p.devnet.url();
    let chain = provider(&url);
    let deposit0 = deposit_of(&chain, c, broadcaster).await;
    let r2 = mine_to_next_round(&chain, c).await;
    let r2_start = round_start(&chain, c).await;
    let dir = tempfile::tempdir().unwrap();

    // The addresses come from the deployer's address book as `lpx deploy` writes it; `check`
    // with only the Controller finds the same ones in its registry.
    let book = dir.path().join("devnet.json");
    p.book.save(&book).unwrap();
    let by_controller = write_config_from(dir.path(), "ctl", &url, &Source::Controller(p.address("Controller")), KEEPER, None, &[], "");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keeper"))
        .args(["--config", by_controller.to_str().unwrap(), "check"])
        .env(format!("E2E_KEY_{KEEPER}"), lpx_testkit::anvil_key(KEEPER))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "keeper check: {}", String::from_utf8_lossy(&out.stderr));
    for (name, a) in [("RoundsManager", c.rounds), ("BondingManager", c.bonding), ("Minter", c.minter), ("TicketBroker", c.broker)] {
        assert!(text.contains(&format!("{name} {a}")), "{name} from the Controller: {text}");
    }

    let api = free_port();
    let extra = "[rounds.election]\nmode = \"off\"\n[tickets]\nbatch_size = 1\nretry_secs = 1";
    let cfg = write_config_from(dir.path(), "k", &url, &Source::Book(book), KEEPER, Some(api), &[orch], extra);
    let log = dir.path().join("k.log");
    let k = KeeperProc::run(&cfg, KEEPER, api, log.clone());
    // The round's own work first: initializeRound and the reward.
    let deadline = Instant::now() + Duration::from_secs(60);
    while chain.get_transaction_count(keeper).await.unwrap() < 2 {
        assert!(Instant::now() < deadline, "no initializeRound and reward:\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // 1. The node holds the redemptions in its pool; the keeper dies with them in flight,
    //    and they are mined while it is dead.
    set_automine(&chain, false).await;
    let (body, hashes) = tickets(r1, block_hash, face, 0..N);
    post_tickets(api, &body).await;
    wait_in_flight(&chain, &k).await;
    k.kill9();
    let in_pool = pooled(&chain).await;
    mine_one(&chain).await;
    eprintln!("killed with {in_pool} redemption(s) in the pool, mined while the keeper was dead");

    // 2. Back with the node still holding: it records those receipts and sends more; killed
    //    again with these unmined, so the next start finds them still in flight.
    let k = KeeperProc::run(&cfg, KEEPER, api, log.clone());
    wait_in_flight(&chain, &k).await;
    k.kill9();
    eprintln!("killed again with {} redemption(s) unmined", pooled(&chain).await);
    let k = KeeperProc::run(&cfg, KEEPER, api, log.clone());
    set_automine(&chain, true).await;
    mine_one(&chain).await;

    // 3. Killed at random moments while it redeems, restarted at once. After a start the
    //    first redemption goes out about 1 s later here (its simulation is the slow part),
    //    then one every ~1.2 s: the kills land before, during or after a send.
    let mut k = k;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(rand::random_range(300..1800))).await;
        let at = chain.get_transaction_count(keeper).await.unwrap();
        k.kill9();
        eprintln!("killed at nonce {at} of {}", 2 + N);
        k = KeeperProc::run(&cfg, KEEPER, api, log.clone());
    }

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let counts = queue_counts(api).await;
        if counts.get("redeemed").copied().unwrap_or(0) == N as usize && chain.get_transaction_count(keeper).await.unwrap() >= 2 + N {
            break;
        }
        assert!(Instant::now() < deadline, "not all redeemed after the kills: {counts:?}\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A few more ticks: nothing else is sent.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let counts = queue_counts(api).await;
    let text = k.log_text();
    assert_eq!(k.stop().code(), Some(0), "keeper stops cleanly");

    assert_eq!(round_events(&chain, c, r2, orch, r2_start).await, (1, 1), "one NewRound and one Reward in round {r2}");
    assert_each_redeemed_once(&chain, c, &hashes, broadcaster, deposit0 - face * U256::from(N)).await;
    // One transaction per action: initializeRound, the reward, one per ticket (batch_size 1);
    // none repeated, none reverted (a revert would have used a nonce without a redemption).
    assert_eq!(chain.get_transaction_count(keeper).await.unwrap(), 2 + N, "nonce:\n{text}");
    assert_eq!(pooled(&chain).await, 0);
    assert_eq!(counts.get("redeemed").copied(), Some(N as usize), "{counts:?}");
    assert_eq!(counts.get("dropped"), None, "{counts:?}");
}

async fn redemption_throughput() {
    let face = eth(10);
    let runs: [(usize, u64); 2] = [(1, 30), (10, 100)];
    let total: u64 = runs.iter().map(|r| r.1).sum();
    let (p, _, c, _) = deployed(face * U256::from(total)).await;
    let (orch, keeper, broadcaster) = roles(&p);
    let chain = provider(&p.devnet.url());
    let dir = tempfile::tempdir().unwrap();
    let mut next = 0;
    for (batch, n) in runs {
        let api = free_port();
        let extra = format!("[rounds.election]\nmode = \"off\"\n[tickets]\nbatch_size = {batch}\nretry_secs = 1");
        let cfg = write_config(dir.path(), &format!("b{batch}"), &p.devnet.url(), c, KEEPER, Some(api), &[orch], &extra);
        let k = KeeperProc::run(&cfg, KEEPER, api, dir.path().join(format!("b{batch}.log")));
        // Let it initialize and reward first, so the clock starts with the redemptions. Every
        // transaction is a block and a round is 20: the tickets are created in this round.
        let deadline = Instant::now() + Duration::from_secs(60);
        let round = loop {
            let r = current_round(&chain, c).await;
            let rewarded = view(&chain, c.bonding, IBondingManager::getTranscoderCall { _transcoder: orch }).await.lastRewardRound;
            if rewarded >= U256::from(r) {
                break r;
            }
            assert!(Instant::now() < deadline, "no reward:\n{}", k.log_text());
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        let block_hash = view(&chain, c.rounds, IRoundsManager::blockHashForRoundCall { _round: U256::from(round) }).await;
        let (nonce0, deposit0) = (chain.get_transaction_count(keeper).await.unwrap(), deposit_of(&chain, c, broadcaster).await);
        let (body, _) = tickets(round, block_hash, face, next..next + n);
        next += n;
        let t0 = Instant::now();
        post_tickets(api, &body).await;
        let want = deposit0 - face * U256::from(n);
        let deadline = Instant::now() + Duration::from_secs(300);
        while deposit_of(&chain, c, broadcaster).await > want {
            assert!(Instant::now() < deadline, "not all redeemed: {:?}\n{}", queue_counts(api).await, k.log_text());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = t0.elapsed().as_secs_f64();
        let txs = chain.get_transaction_count(keeper).await.unwrap() - nonce0;
        let log = k.log_text();
        assert_eq!(k.stop().code(), Some(0));
        let count = |m: &str| log.lines().filter(|l| l.contains(m)).count();
        eprintln!(
            "  keeper log: {} redemption sent, {} ticket kept for a retry, {} tick failed, {} replaced, {} round finished",
            count("redemption sent"),
            count("kept for a retry"),
            count("tick failed"),
            count("replaced a stuck"),
            count("round finished")
        );
        for l in log.lines().filter(|l| l.contains("kept for a retry") || l.contains("tick failed")).take(3) {
            eprintln!("  {l}");
        }
        eprintln!("redemption throughput, batch_size = {batch}: {n} tickets in {secs:.2} s = {:.1} tickets/s ({txs} transactions)", n as f64 / secs);
    }
    // Where a redemption's time goes on this devnet: one execution (eth_call) against the
    // node's eth_estimateGas, which searches for the limit by executing again.
    let round = current_round(&chain, c).await;
    let block_hash = view(&chain, c.rounds, IRoundsManager::blockHashForRoundCall { _round: U256::from(round) }).await;
    let (body, _) = tickets(round, block_hash, face, next..next + 10);
    let ws: Vec<_> =
        (0..10).map(|i| serde_json::from_value::<lpx_keeper::tickets::intake::TicketJson>(body[i].clone()).unwrap().into_ticket().unwrap()).collect();
    let w = ws[0].clone();
    let single = ITicketBroker::redeemWinningTicketCall { _ticket: w.ticket, _sig: w.sig, _recipientRand: w.recipient_rand }.abi_encode();
    let batch = ITicketBroker::batchRedeemWinningTicketsCall {
        _tickets: ws.iter().map(|w| w.ticket.clone()).collect(),
        _sigs: ws.iter().map(|w| w.sig.clone()).collect(),
        _recipientRands: ws.iter().map(|w| w.recipient_rand).collect(),
    }
    .abi_encode();
    for (what, input) in [("one redemption", single), ("a batch of 10", batch)] {
        let req = TransactionRequest::default().with_from(keeper).with_to(c.broker).with_input(input);
        let t0 = Instant::now();
        chain.call(req.clone()).await.unwrap();
        let t_call = t0.elapsed();
        let t0 = Instant::now();
        let gas = chain.estimate_gas(req).await.unwrap();
        eprintln!("{what} on this devnet: eth_call {t_call:?}, eth_estimateGas {:?} (gas {gas})", t0.elapsed());
    }
}
