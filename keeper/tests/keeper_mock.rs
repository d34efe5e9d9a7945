//! The keeper on a real anvil against a plain-EVM stand-in of the protocol
//! (fixtures/MockProtocol.sol): round initialization, rewards (stuck, reverted, missed), ticket redemption, restarts,
//! idempotence of `once`, two keepers side by side, RPC trouble. The real Stylus contracts
//! get the same treatment in `devnet_e2e.rs`.

mod common;

use std::time::Duration;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
};
use common::*;
use lpx_keeper::{
    run,
    tickets::{intake::TicketJson, queue::Status},
};
use lpx_testkit::{Fault, FaultyProxy};

const ONCE: Duration = Duration::from_secs(60);

fn ticket(j: serde_json::Value) -> TicketJson {
    serde_json::from_value(j).unwrap()
}

/// Three orchestrators: the keeper's own account (reward), one that made the keeper its
/// reward caller, one that made someone else its caller.
async fn setup_orchs(m: &Mock, keeper_key: usize) -> [Address; 3] {
    let me = signer(keeper_key).address();
    let o2 = signer(7).address();
    let o3 = signer(8).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: U256::from(300u64) * U256::from(10u64).pow(U256::from(18)) }).await;
    m.admin(IMockAdmin::addTranscoderCall { t: o2, s: U256::from(200u64) * U256::from(10u64).pow(U256::from(18)) }).await;
    m.admin(IMockAdmin::addTranscoderCall { t: o3, s: U256::from(100u64) * U256::from(10u64).pow(U256::from(18)) }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o2, c: me }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o3, c: signer(9).address() }).await;
    [me, o2, o3]
}

#[tokio::test]
async fn once_does_the_round_and_a_second_once_sends_nothing() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let orchs = setup_orchs(&m, 1).await;
    m.mine_to_round(1).await;
    let me = orchs[0];
    let cfg = m.config(dir.path(), 1, &orchs, "[rounds.election]\nmode = \"off\"");

    let mut k = keeper(cfg.clone()).await;
    assert!(run::once(&mut k, ONCE).await.unwrap(), "first once finishes");
    assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(1));
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: orchs[0], r: U256::from(1) }).await, U256::from(1));
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: orchs[1], r: U256::from(1) }).await, U256::from(1));
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: orchs[2], r: U256::from(1) }).await, U256::ZERO, "not our orchestrator to reward");
    let sent = m.nonce(me).await;
    assert_eq!(sent, 3, "initializeRound + 2 rewards");
    drop(k);

    // A second run (cron's next tick) in the same round: everything is done.
    let mut k = keeper(cfg.clone()).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.nonce(me).await, sent, "the second once sent nothing");

    // Next round: the same again, once.
    m.mine_to_round(2).await;
    let mut k = keeper(cfg).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.nonce(me).await, sent + 3);
    assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(2));
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: orchs[1], r: U256::from(2) }).await, U256::from(1));
}

#[tokio::test]
async fn two_keepers_side_by_side_send_each_transaction_once() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let a = signer(1).address();
    let b = signer(2).address();
    let o = [signer(7).address(), signer(8).address(), signer(9).address()];
    for (i, x) in o.iter().enumerate() {
        m.admin(IMockAdmin::addTranscoderCall { t: *x, s: U256::from(100 * (i as u64 + 1)) }).await;
    }
    // Keeper A is the reward caller of o0 and o1, keeper B of o2; both initialize rounds.
    m.admin(IMockAdmin::setRewardCallerForCall { t: o[0], c: a }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o[1], c: a }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o[2], c: b }).await;
    let election = |rank| format!("[rounds.election]\nmode = \"rank\"\nrank = {rank}\nkeepers = 2\nslot_ms = 1500");
    let ca = m.config(dir.path(), 1, &o[..2], &election(0));
    let cb = m.config(dir.path(), 2, &o[2..], &election(1));
    let rounds = 4u64;
    two_keepers_once_a_round(&m, &ca, &cb, rounds).await;
    assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(rounds));
    for r in 1..=rounds {
        for x in o {
            assert_eq!(m.view(IMockAdmin::rewardCountCall { t: x, r: U256::from(r) }).await, U256::from(1), "round {r}");
        }
    }
    // Every transaction sent did something: no duplicate initializeRound was even sent.
    let (na, nb) = (m.nonce(a).await, m.nonce(b).await);
    assert_eq!(na + nb, rounds + 3 * rounds, "A sent {na}, B sent {nb}");
    // The rank rotation shares the initialization work.
    assert!(na > 2 * rounds && nb > rounds, "A sent {na}, B sent {nb}");
}

/// Rounds 1 to `rounds`: each round, two fresh keepers with configs `a` and `b` run `once`
/// together, so their ticks are in step (the worst case for a race).
async fn two_keepers_once_a_round(m: &Mock, a: &lpx_keeper::config::Config, b: &lpx_keeper::config::Config, rounds: u64) {
    for r in 1..=rounds {
        m.mine_to_round(r).await;
        let mut ka = keeper(a.clone()).await;
        let mut kb = keeper(b.clone()).await;
        let (x, y) = tokio::join!(run::once(&mut ka, ONCE), run::once(&mut kb, ONCE));
        assert!(x.unwrap() && y.unwrap());
    }
}

/// Two keepers left at the default election, each the reward caller of one orchestrator,
/// started together every round so their ticks run in step (the worst case for a race):
/// one `NewRound` per round and no transaction beyond one initializeRound and one reward
/// per orchestrator. Under the former default (`hash`, 4 slots) these two signers share
/// the first turn of rounds 1 and 2, and with the gas limit learned in round 1 both sent
/// initializeRound in round 2.
#[tokio::test]
async fn two_keepers_in_the_default_election_never_both_initialize() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (signer(1).address(), signer(2).address());
    let o = [signer(7).address(), signer(8).address()];
    m.admin(IMockAdmin::addTranscoderCall { t: o[0], s: lpt(100) }).await;
    m.admin(IMockAdmin::addTranscoderCall { t: o[1], s: lpt(200) }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o[0], c: a }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o[1], c: b }).await;
    let ca = m.config(dir.path(), 1, &o[..1], "");
    let cb = m.config(dir.path(), 2, &o[1..], "");
    assert_eq!(ca.rounds.election, lpx_keeper::config::ElectionConfig::Pool { slot_ms: 5000 }, "the default");
    let rounds = 4u64;
    two_keepers_once_a_round(&m, &ca, &cb, rounds).await;
    let logs = m
        .provider
        .get_logs(&alloy::rpc::types::Filter::new().address(m.addr).event_signature(alloy::primitives::keccak256("NewRound(uint256,bytes32)")).from_block(0))
        .await
        .unwrap();
    let mut per_round = std::collections::BTreeMap::<u64, u32>::new();
    for l in &logs {
        *per_round.entry(U256::from_be_bytes(l.topics()[1].0).to::<u64>()).or_insert(0) += 1;
    }
    let want: std::collections::BTreeMap<u64, u32> = (1..=rounds).map(|r| (r, 1)).collect();
    assert_eq!(per_round, want, "one NewRound per round");
    for r in 1..=rounds {
        for x in o {
            assert_eq!(m.view(IMockAdmin::rewardCountCall { t: x, r: U256::from(r) }).await, U256::from(1), "round {r}");
        }
    }
    // Nothing else was sent: a second initializeRound would have used a nonce (and reverted).
    let (na, nb) = (m.nonce(a).await, m.nonce(b).await);
    assert_eq!(na + nb, rounds + 2 * rounds, "A sent {na}, B sent {nb}");
    // The pool rotation shares the initialization work.
    assert!(na > rounds && nb > rounds, "A sent {na}, B sent {nb}");
}

#[tokio::test]
async fn tickets_are_redeemed_and_only_final_failures_drop_them() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: U256::from(1000) }).await;
    m.mine_to_round(3).await;
    let funded = signer(3);
    let unlocked = signer(4);
    let broke = signer(5);
    m.admin_value(IMockAdmin::fundDepositForCall { s: funded.address() }, U256::from(10u64).pow(U256::from(18))).await;
    m.admin_value(IMockAdmin::fundDepositForCall { s: unlocked.address() }, U256::from(10u64).pow(U256::from(18))).await;
    m.admin(IMockAdmin::setSenderUnlockedCall { s: unlocked.address(), v: true }).await;
    let face = U256::from(10u64).pow(U256::from(16));
    let cfg = m.config(dir.path(), 1, &[], "[rounds.election]\nmode = \"off\"\n[tickets]\nbatch_size = 4\nretry_secs = 1");
    let mut k = keeper(cfg.clone()).await;
    let mut good = Vec::new();
    for n in 0..6 {
        let (j, h) = ticket_json(&funded, me, n, 3, face);
        assert!(k.add_ticket(ticket(j)).unwrap());
        good.push(h);
    }
    let (j, expired) = ticket_json(&funded, me, 100, 1, face); // created in round 1, valid 2 rounds
    k.add_ticket(ticket(j)).unwrap();
    let (j, waits) = ticket_json(&unlocked, me, 1, 3, face);
    k.add_ticket(ticket(j)).unwrap();
    let (j, poor) = ticket_json(&broke, me, 1, 3, face);
    k.add_ticket(ticket(j)).unwrap();
    // A duplicate is a no-op; a ticket that did not win is refused at the door.
    let (j, _) = ticket_json(&funded, me, 0, 3, face);
    assert!(!k.add_ticket(ticket(j)).unwrap());
    let (mut j, _) = ticket_json(&funded, me, 50, 3, face);
    j["recipientRand"] = "1".into();
    assert!(k.add_ticket(ticket(j)).unwrap_err().contains("recipientRand does not match"));

    run::once(&mut k, ONCE).await.unwrap();
    let q = k.queue();
    for h in &good {
        assert_eq!(q.get(*h).unwrap().unwrap().status, Status::Redeemed, "{h}");
    }
    assert_eq!(m.view(IMockAdmin::redeemedCountCall {}).await, U256::from(6));
    let e = q.get(expired).unwrap().unwrap();
    assert_eq!((e.status, e.reason.as_deref()), (Status::Dropped, Some("ticket is expired")));
    // Unlocked sender and empty deposit are not final: kept for a retry.
    let w = q.get(waits).unwrap().unwrap();
    assert_eq!(w.status, Status::Queued);
    assert!(w.reason.as_deref().unwrap().contains("sender is unlocked"), "{:?}", w.reason);
    let p = q.get(poor).unwrap().unwrap();
    assert_eq!(p.status, Status::Queued);
    assert!(p.reason.as_deref().unwrap().contains("sender deposit and reserve are zero"));

    // The sender re-locks: the kept ticket redeems on a later run.
    m.admin(IMockAdmin::setSenderUnlockedCall { s: unlocked.address(), v: false }).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    run::once(&mut k, ONCE).await.unwrap();
    assert_eq!(q.get(waits).unwrap().unwrap().status, Status::Redeemed);
    // Its validity ends two rounds after creation: then the poor one is dropped as expired.
    m.mine_to_round(5).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    run::once(&mut k, ONCE).await.unwrap();
    let p = q.get(poor).unwrap().unwrap();
    assert_eq!((p.status, p.reason.as_deref()), (Status::Dropped, Some("ticket is expired")));
}

#[tokio::test]
async fn killed_with_tickets_in_flight_redeems_them_all_after_restart() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: U256::from(1000) }).await;
    m.mine_to_round(2).await;
    let sender = signer(3);
    m.admin_value(IMockAdmin::fundDepositForCall { s: sender.address() }, U256::from(10u64).pow(U256::from(18))).await;
    let cfg = m.config(dir.path(), 1, &[], "[rounds.election]\nmode = \"off\"\n[tickets]\nbatch_size = 3");
    let mut hashes = Vec::new();
    {
        let mut k = keeper(cfg.clone()).await;
        // Round initialized first (automine), then the node stops mining.
        run::once(&mut k, ONCE).await.unwrap();
        for n in 0..7 {
            let (j, h) = ticket_json(&sender, me, n, 2, U256::from(10u64).pow(U256::from(15)));
            k.add_ticket(ticket(j)).unwrap();
            hashes.push(h);
        }
        let _: () = m.provider.client().request("evm_setAutomine", (false,)).await.unwrap();
        k.tick().await.unwrap(); // a batch of 3 goes out and sits in the pool
        assert_eq!(k.queue().counts().unwrap().submitting, 3);
        // Crash between marking tickets and sending their transaction.
        let (j, h) = ticket_json(&sender, me, 99, 2, U256::from(10u64).pow(U256::from(15)));
        k.add_ticket(ticket(j)).unwrap();
        hashes.push(h);
        k.queue().mark_submitting(&[h], "redeem:never-sent:0:1").unwrap();
    } // killed
    let _: () = m.provider.client().request("evm_setAutomine", (true,)).await.unwrap();
    let _: String = m.provider.client().request("evm_mine", ()).await.unwrap();
    let mut k = keeper(cfg).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    let q = k.queue();
    for h in &hashes {
        assert_eq!(q.get(*h).unwrap().unwrap().status, Status::Redeemed, "{h}");
    }
    assert_eq!(m.view(IMockAdmin::redeemedCountCall {}).await, U256::from(hashes.len()));
}

#[tokio::test]
async fn rpc_outage_is_backed_off_and_caught_up() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let orchs = setup_orchs(&m, 1).await;
    let proxy = FaultyProxy::start(&m.anvil.url()).await;
    let cfg = m.config_with_url(&proxy.url(), dir.path(), 1, &orchs, "[rounds.election]\nmode = \"off\"");
    let mut k = keeper(cfg).await;
    m.mine_to_round(1).await;
    // The RPC goes bad for a while: garbage, errors, hangs.
    proxy.set(Fault::Garbage);
    assert!(k.tick().await.is_err(), "a tick during the outage fails (after retries)");
    proxy.set(Fault::Hang(Duration::from_secs(5)));
    assert!(k.tick().await.is_err());
    proxy.set_for(Fault::ServerError, 3);
    let before = proxy.faulted();
    assert!(run::once(&mut k, ONCE).await.unwrap(), "caught up once the RPC recovered");
    assert!(proxy.faulted() >= before + 3);
    assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(1));
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: orchs[1], r: U256::from(1) }).await, U256::from(1));
    assert_eq!(m.nonce(orchs[0]).await, 3);
}

fn lpt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// The budget: at most 3 + 2N JSON-RPC calls per round for a keeper that
/// initializes the round and rewards N orchestrators, counted by the transport (every call
/// in a batch counts). Steady state: the previous round taught the gas limits.
#[tokio::test]
async fn rpc_budget_per_round_is_3_plus_2n_in_steady_state() {
    for n in [1usize, 3] {
        let m = Mock::start().await;
        let dir = tempfile::tempdir().unwrap();
        let me = signer(1).address();
        let mut orchs = Vec::new();
        for i in 0..n {
            let o = signer(3 + i).address();
            m.admin(IMockAdmin::addTranscoderCall { t: o, s: lpt(100 + 10 * i as u64) }).await;
            m.admin(IMockAdmin::setRewardCallerForCall { t: o, c: me }).await;
            orchs.push(o);
        }
        // Pool members the keeper does not serve: the pool's size must not cost calls.
        for i in 0..4u8 {
            m.admin(IMockAdmin::addTranscoderCall { t: Address::repeat_byte(0xa0 + i), s: lpt(50 + 40 * i as u64) }).await;
        }
        let cfg = m.config(dir.path(), 1, &orchs, "[rounds.election]\nmode = \"off\"");
        let mut k = keeper(cfg.clone()).await;
        // Round 1 is the cold one: no gas limits known yet, so they are estimated.
        m.mine_to_round(1).await;
        assert!(run::once(&mut k, ONCE).await.unwrap());
        let cold = k.stats();
        assert_eq!(cold.estimates, 1 + n as u64, "initializeRound and each reward estimated once");

        m.mine_to_round(2).await;
        let s0 = k.chain().transport.stats().snapshot();
        assert!(run::once(&mut k, ONCE).await.unwrap());
        let used = k.chain().transport.stats().snapshot() - s0;
        assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(2));
        for o in &orchs {
            assert_eq!(m.view(IMockAdmin::rewardCountCall { t: *o, r: U256::from(2) }).await, U256::from(1));
        }
        assert_eq!(k.stats().estimates, cold.estimates, "steady state sends with the learned gas limits");
        assert_eq!(m.view(IMockAdmin::badHintsCall {}).await, U256::ZERO, "every hint was the exact position");
        assert_eq!(m.view(IMockAdmin::goodHintsCall {}).await, U256::from(2 * n));
        let idle0 = k.chain().transport.stats().snapshot();
        assert!(!k.tick().await.unwrap().busy);
        let idle = k.chain().transport.stats().snapshot() - idle0;
        // `once` as cron runs it: a new process each time (startup calls included).
        m.mine_to_round(3).await;
        let mut fresh = keeper(cfg).await;
        assert!(run::once(&mut fresh, ONCE).await.unwrap());
        let cron = fresh.chain().transport.stats().snapshot();
        eprintln!(
            "RPC per round, N={n} (pool {}): steady state {} calls in {} HTTP requests (budget {}); idle tick {} call; \
             cron-style `once` in a new process {} calls in {} requests",
            n + 4,
            used.calls,
            used.requests,
            3 + 2 * n,
            idle.calls,
            cron.calls,
            cron.requests
        );
        assert!(used.calls <= 3 + 2 * n as u64, "N={n}: {used:?}");
        assert_eq!(used.errors, 0);
        assert_eq!(idle.calls, 1, "an idle tick is the one lens call");
        assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(3));
    }
}

/// The pool order is cached between rounds; when someone else changes it, the lens's hash
/// check reports it stale in the same call, the new order replaces the cache, and the hint
/// is still the exact position (the mock counts hints that were not).
#[tokio::test]
async fn stale_pool_cache_is_detected_and_hints_stay_exact() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    let o = signer(3).address();
    let (a, b, c) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xb2), Address::repeat_byte(0xc3));
    m.admin(IMockAdmin::addTranscoderCall { t: a, s: lpt(3000) }).await;
    m.admin(IMockAdmin::addTranscoderCall { t: o, s: lpt(1000) }).await;
    m.admin(IMockAdmin::addTranscoderCall { t: b, s: lpt(500) }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: o, c: me }).await;
    let cfg = m.config(dir.path(), 1, &[o], "[rounds.election]\nmode = \"off\"");
    let mut k = keeper(cfg).await;
    m.mine_to_round(1).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    // Round 1: o (1000 + 1000·1000/4500 ≈ 1222 LPT) stays between a and b.
    assert_eq!(k.stats().pool_reads, 1);
    assert_eq!(k.stats().pool_stale, 0);

    // Someone joins with 1300 LPT. Round 2 lifts o to ≈ 1425 LPT, in front of the newcomer:
    // the cached order would give (a, b), the right hint is (a, c).
    m.admin(IMockAdmin::addTranscoderCall { t: c, s: lpt(1300) }).await;
    m.mine_to_round(2).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(k.stats().pool_stale, 1, "the cached order was found stale");
    assert_eq!(k.stats().pool_reads, 2);
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: o, r: U256::from(2) }).await, U256::from(1));

    // Round 3 with nobody else moving: the cache (with our own reward applied) still holds.
    m.mine_to_round(3).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(k.stats().pool_stale, 1, "an unchanged pool is not re-sent");
    assert_eq!(k.stats().pool_reads, 2);
    assert_eq!(m.view(IMockAdmin::goodHintsCall {}).await, U256::from(3));
    assert_eq!(m.view(IMockAdmin::badHintsCall {}).await, U256::ZERO);
}

/// A metric's value from a parsed /metrics page: the series named `name` carrying every
/// label in `labels` (label order and other labels do not matter); 0 when absent.
fn metric(page: &std::collections::BTreeMap<String, f64>, name: &str, labels: &[(&str, &str)]) -> f64 {
    page.iter()
        .filter(|(k, _)| k.split('{').next() == Some(name))
        .filter(|(k, _)| labels.iter().all(|(l, v)| k.contains(&format!("{l}=\"{v}\""))))
        .map(|(_, v)| *v)
        .sum()
}

/// Waits until /metrics shows `value` for the series (the chain can show a transaction
/// before the keeper has looked up its receipt); returns the page.
async fn wait_metric(k: &KeeperProc, name: &str, labels: &[(&str, &str)], value: f64) -> std::collections::BTreeMap<String, f64> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let p = k.metrics().await;
        if metric(&p, name, labels) == value {
            return p;
        }
        assert!(std::time::Instant::now() < deadline, "{name} {labels:?} never {value}: {p:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `keeper run` as an operator watches it: /metrics carries the documented series and they
/// move (rounds, rewards, tickets queued, redeemed and dropped by reason, gas by kind, RPC
/// calls and errors, tick errors); /health is 200 while ticks succeed, 503 once the last
/// good tick is older than `health_max_tick_age_secs` (RPC answering garbage), 200 again
/// after; tickets come in through the API and the spool directory (a bad file is set aside
/// with its reason); an orchestrator active and not rewarded in a round this keeper saw
/// initialized raises `keeper_rewards_missed_total` and a `MISSED REWARD` error line.
// Multi-threaded: the proxy serves the keeper process while this thread blocks on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_health_spool_and_missed_rounds_as_an_operator_sees_them() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    // Served, but its reward caller is another account: never rewarded by this keeper.
    let missed = signer(6).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: lpt(300) }).await;
    m.admin(IMockAdmin::addTranscoderCall { t: missed, s: lpt(100) }).await;
    m.admin(IMockAdmin::setRewardCallerForCall { t: missed, c: signer(9).address() }).await;
    m.mine_to_round(3).await;
    let sender = signer(3);
    m.admin_value(IMockAdmin::fundDepositForCall { s: sender.address() }, U256::from(10u64).pow(U256::from(18))).await;
    let proxy = FaultyProxy::start(&m.anvil.url()).await;
    let api = lpx_testkit::free_port();
    std::fs::create_dir(dir.path().join("spool")).unwrap();
    let extra = format!(
        "[api]\nlisten = \"127.0.0.1:{api}\"\nhealth_max_tick_age_secs = 2\n[rounds.election]\nmode = \"off\"\n\
         [tickets]\nbatch_size = 2\nretry_secs = 1\nspool_dir = \"spool\""
    );
    let config = dir.path().join("keeper.toml");
    std::fs::write(&config, m.config_text(&proxy.url(), 1, "", &[me, missed], &extra)).unwrap();
    let k = KeeperProc::start(&config, 1, api, dir.path().join("keeper.log"));

    let face = U256::from(10u64).pow(U256::from(15));
    let mut body = Vec::new();
    for n in 0..3 {
        body.push(ticket_json(&sender, me, n, 3, face).0);
    }
    body.push(ticket_json(&sender, me, 50, 1, face).0); // created in round 1: expired in round 3
    k.post(&body).await;
    // Two more through the spool (written aside, then renamed into place), and a file
    // holding a ticket that cannot be valid.
    let spool = dir.path().join("spool");
    let files = serde_json::json!([ticket_json(&sender, me, 10, 3, face).0, ticket_json(&sender, me, 11, 3, face).0]);
    std::fs::write(spool.join("a.json.tmp"), files.to_string()).unwrap();
    std::fs::rename(spool.join("a.json.tmp"), spool.join("a.json")).unwrap();
    let (mut bad, _) = ticket_json(&sender, me, 12, 3, face);
    bad["recipientRand"] = "1".into();
    std::fs::write(spool.join("bad.json"), bad.to_string()).unwrap();
    k.wait_tickets("redeemed", 5).await;
    k.wait_tickets("dropped", 1).await;
    assert!(!spool.join("a.json").exists(), "an ingested spool file is removed");
    assert!(spool.join("bad.json.refused").exists());
    let why = std::fs::read_to_string(spool.join("bad.json.refused.txt")).unwrap();
    assert!(why.contains("recipientRand does not match"), "{why}");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(3) }).await != U256::from(1) {
        assert!(std::time::Instant::now() < deadline, "no reward in round 3:\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (code, body) = k.health().await;
    assert_eq!((code, body["status"].as_str(), body["round"].as_u64()), (200, Some("ok"), Some(3)), "{body}");
    let (me_s, missed_s) = (me.to_string(), missed.to_string());
    let p = wait_metric(&k, "keeper_rewards_called_total", &[("orchestrator", &me_s)], 1.0).await;
    assert_eq!(metric(&p, "keeper_rounds_initialized_total", &[]), 1.0, "{p:#?}");
    assert_eq!(metric(&p, "keeper_rewards_called_total", &[("orchestrator", &me_s)]), 1.0);
    assert!(metric(&p, "keeper_reward_minted_lpt_wei_total", &[("orchestrator", &me_s)]) > 0.0);
    assert!(metric(&p, "keeper_reward_errors_total", &[("orchestrator", &missed_s), ("reason", "not_reward_caller")]) >= 1.0);
    assert_eq!(metric(&p, "keeper_tickets_queued_total", &[]), 6.0);
    assert_eq!(metric(&p, "keeper_tickets_refused_total", &[]), 1.0);
    assert_eq!(metric(&p, "keeper_tickets_redeemed_total", &[]), 5.0);
    assert_eq!(metric(&p, "keeper_ticket_face_value_redeemed_wei_total", &[]), 5e15);
    assert_eq!(metric(&p, "keeper_tickets_dropped_total", &[("reason", "expired")]), 1.0);
    assert_eq!(metric(&p, "keeper_tickets_pending", &[]), 0.0);
    assert_eq!(metric(&p, "keeper_current_round", &[]), 3.0);
    for kind in ["initializeRound", "reward", "redeem"] {
        assert!(metric(&p, "lpx_tx_sent_total", &[("kind", kind)]) >= 1.0, "{kind}");
        assert!(metric(&p, "lpx_gas_used_total", &[("kind", kind)]) > 0.0, "{kind}");
        assert!(metric(&p, "lpx_gas_spent_wei_total", &[("kind", kind)]) > 0.0, "{kind}");
    }
    let calls = metric(&p, "lpx_rpc_calls_total", &[("method", "eth_call")]);
    assert!(calls > 0.0 && metric(&p, "lpx_rpc_calls_total", &[("method", "eth_sendRawTransaction")]) >= 3.0);
    assert_eq!(metric(&p, "lpx_rpc_errors_total", &[]), 0.0);

    // The RPC answers garbage: ticks fail, /health turns 503 within the age limit, and the
    // errors are counted; then it recovers.
    proxy.set(Fault::Garbage);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (code, body) = k.health().await;
        if code == 503 {
            assert_eq!(body["status"], "stale");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "health never went stale: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let p = k.metrics().await;
    assert!(metric(&p, "lpx_rpc_errors_total", &[]) > 0.0, "{p:#?}");
    assert!(metric(&p, "keeper_tick_errors_total", &[]) > 0.0);
    proxy.set(Fault::Pass);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while k.health().await.0 != 200 {
        assert!(std::time::Instant::now() < deadline, "health never recovered:\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(metric(&k.metrics().await, "lpx_rpc_calls_total", &[("method", "eth_call")]) > calls, "calls are counted again");

    // Round 4: done as before, and the orchestrator left unrewarded in round 3 is reported.
    m.mine_to_round(4).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(4) }).await != U256::from(1) {
        assert!(std::time::Instant::now() < deadline, "no reward in round 4:\n{}", k.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let p = wait_metric(&k, "keeper_rewards_called_total", &[("orchestrator", &me_s)], 2.0).await;
    assert_eq!(metric(&p, "keeper_rounds_initialized_total", &[]), 2.0);
    assert_eq!(metric(&p, "keeper_rewards_called_total", &[("orchestrator", &me_s)]), 2.0);
    assert_eq!(metric(&p, "keeper_rewards_missed_total", &[("orchestrator", &missed_s)]), 1.0, "{p:#?}");
    assert_eq!(metric(&p, "keeper_rewards_missed_total", &[("orchestrator", &me_s)]), 0.0);
    assert_eq!(metric(&p, "keeper_current_round", &[]), 4.0);
    let log = k.log_text();
    let line = log.lines().find(|l| l.contains("MISSED REWARD")).unwrap_or_else(|| panic!("no MISSED REWARD line:\n{log}"));
    assert!(line.contains("ERROR") && line.contains(&missed_s) && line.contains("round=3"), "{line}");
    let mut k = k;
    k.signal(libc::SIGTERM);
    assert_eq!(k.exit_within(Duration::from_secs(20)).await.code(), Some(0));
}

/// The two profitability guards hold back what costs more gas than it brings, and let the
/// same work through once it pays: the reward when the LPT it mints is worth less than
/// gas × `min_profit_ratio` at `lpt_price_eth`, and a ticket whose face value is below gas
/// cost × `min_face_value_to_gas` (kept in the queue, not dropped).
#[tokio::test]
async fn profitability_guards_skip_what_costs_more_than_it_brings() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: lpt(1000) }).await;
    m.mine_to_round(2).await;
    let sender = signer(3);
    m.admin_value(IMockAdmin::fundDepositForCall { s: sender.address() }, U256::from(10u64).pow(U256::from(18))).await;
    let cfg = |price: &str, face_ratio: &str| {
        m.config(
            dir.path(),
            1,
            &[me],
            &format!(
                "[rounds.election]\nmode = \"off\"\n[reward]\nmin_profit_ratio = 2.0\nlpt_price_eth = {price}\n\
                 [tickets]\nretry_secs = 1\nmin_face_value_to_gas = {face_ratio}"
            ),
        )
    };
    // The round mints 1000 LPT, all of it this orchestrator's (the only stake): worth 1 wei
    // at 1e-21 ETH per LPT, far below the reward's gas. The ticket's 1000 wei is too.
    let mut k = keeper(cfg("1e-21", "1.0")).await;
    let (j, h) = ticket_json(&sender, me, 1, 2, U256::from(1000));
    assert!(k.add_ticket(ticket(j)).unwrap());
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.view(IMockAdmin::initializeCountCall {}).await, U256::from(1));
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(2) }).await, U256::ZERO, "reward skipped");
    let t = k.queue().get(h).unwrap().unwrap();
    assert_eq!(t.status, Status::Queued, "kept, not dropped");
    assert!(t.reason.as_deref().unwrap_or("").contains("face value below gas cost"), "{:?}", t.reason);
    assert_eq!(m.view(IMockAdmin::redeemedCountCall {}).await, U256::ZERO);
    assert_eq!(m.nonce(me).await, 1, "only initializeRound was sent");
    drop(k);

    // At 0.01 ETH per LPT the reward pays, and a ratio of 0 lets any ticket through: both
    // go out in the same round (the ticket once its retry delay, 2 × retry_secs, is over).
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let mut k = keeper(cfg("0.01", "0.0")).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(2) }).await, U256::from(1), "reward sent");
    assert_eq!(k.queue().get(h).unwrap().unwrap().status, Status::Redeemed);
    assert_eq!(m.view(IMockAdmin::redeemedCountCall {}).await, U256::from(1));
    assert_eq!(m.nonce(me).await, 3);
}

/// A reward stuck in the node's pool (nothing is mined) is replaced at the same nonce
/// with fees raised by `bump_percent` each `bump_after_secs`, stops rising at
/// `max_fee_gwei` (set here to 1.5 × the first fee cap: room for two bumps), and is mined
/// exactly once when the node mines again: one reward, one nonce.
#[tokio::test]
async fn stuck_reward_is_replaced_with_higher_fees_up_to_the_cap() {
    use alloy::sol_types::SolCall;
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: lpt(1000) }).await;
    m.mine_to_round(1).await;
    // Someone else initializes the round; then the node stops mining.
    let init = lpx_abi::rounds_manager::IRoundsManager::initializeRoundCall {}.abi_encode();
    send(&m.provider, m.admin, Some(m.addr), init.into(), U256::ZERO).await;
    let base = m.provider.get_block_by_number(alloy::eips::BlockNumberOrTag::Latest).await.unwrap().unwrap().header.base_fee_per_gas.unwrap() as u128;
    let first = 2 * base; // base_fee_multiplier 2, no tip
    let cap = first * 3 / 2;
    let mut cfg = m.config(dir.path(), 1, &[me], "[rounds.election]\nmode = \"off\"");
    cfg.gas.bump_after_secs = 1;
    cfg.gas.max_fee_gwei = cap as f64 / 1e9;
    let mut k = keeper(cfg).await;
    let _: () = m.provider.client().request("evm_setAutomine", (false,)).await.unwrap();
    let t0 = std::time::Instant::now();
    while t0.elapsed() < Duration::from_millis(4500) {
        assert!(k.tick().await.unwrap().busy, "the reward is in flight");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let rec = k.tx().store().by_label(&format!("reward:{me}:1")).unwrap().expect("reward sent");
    let mut fees: Vec<u128> = Vec::new();
    for a in &rec.attempts {
        if fees.last() != Some(&a.max_fee) {
            fees.push(a.max_fee);
        }
    }
    // first, +20 %, +20 %; the next +20 % would pass the cap and the +10 % a node requires
    // of a replacement does not fit under it either: re-broadcast unchanged from then on.
    let bump = |f: u128| (f * 120).div_ceil(100);
    assert_eq!(fees, vec![first, bump(first), bump(bump(first))], "fee caps of the attempts");
    assert!(fees.iter().all(|f| *f <= cap));
    assert_eq!(m.nonce(me).await, 0, "nothing mined yet");
    let pool: serde_json::Value = m.provider.client().request("txpool_status", ()).await.unwrap();
    assert_eq!(pool["pending"], "0x1", "each replacement took the place of the one before");

    let _: () = m.provider.client().request("evm_setAutomine", (true,)).await.unwrap();
    let _: String = m.provider.client().request("evm_mine", ()).await.unwrap();
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(1) }).await, U256::from(1));
    assert_eq!(m.nonce(me).await, 1, "one transaction for the reward, whatever its attempts");
    let rec = k.tx().store().by_label(&format!("reward:{me}:1")).unwrap().unwrap();
    assert_eq!(rec.mined_hash, rec.attempts.last().map(|a| a.hash), "the last replacement is the one mined");
}

/// A reward still pending when its round ends (here: the node lost it) is not doubled by a
/// reward for the next round: when the keeper re-sends it, it rewards the round it lands
/// in, and nothing else goes out. Before, the keeper queued a second reward behind it at
/// the next nonce, which reverted once the first was mined.
#[tokio::test]
async fn reward_pending_at_round_end_is_not_sent_twice() {
    use alloy::sol_types::SolCall;
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: lpt(1000) }).await;
    let init: alloy::primitives::Bytes = lpx_abi::rounds_manager::IRoundsManager::initializeRoundCall {}.abi_encode().into();
    m.mine_to_round(1).await;
    send(&m.provider, m.admin, Some(m.addr), init.clone(), U256::ZERO).await;
    let mut cfg = m.config(dir.path(), 1, &[me], "[rounds.election]\nmode = \"off\"\n[rounds]\ninitialize = false");
    cfg.gas.bump_after_secs = 1;
    let mut k = keeper(cfg).await;
    let _: () = m.provider.client().request("evm_setAutomine", (false,)).await.unwrap();
    k.tick().await.unwrap();
    assert!(k.tx().store().by_label(&format!("reward:{me}:1")).unwrap().is_some(), "reward sent in round 1");
    // The node loses it and round 1 ends without it; someone initializes round 2.
    let _: () = m.provider.client().request("anvil_dropAllTransactions", ()).await.unwrap();
    let _: () = m.provider.client().request("evm_setAutomine", (true,)).await.unwrap();
    m.mine_to_round(2).await;
    send(&m.provider, m.admin, Some(m.addr), init, U256::ZERO).await;
    // Ticks in round 2 past bump_after_secs: the lost reward is sent again at its nonce.
    let t0 = std::time::Instant::now();
    while t0.elapsed() < Duration::from_millis(2500) {
        k.tick().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(1) }).await, U256::ZERO);
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(2) }).await, U256::from(1), "it rewarded round 2");
    assert_eq!(m.nonce(me).await, 1, "one reward transaction, no second one behind it");
}

std::thread_local! {
    static THREAD_LOGS: std::cell::RefCell<Option<LogBuf>> = const { std::cell::RefCell::new(None) };
}

/// The keeper's log lines, captured from the thread that asked for them (a test on the
/// default current-thread runtime: the keeper runs on that thread).
#[derive(Clone, Default)]
struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuf {
    /// Starts capturing this thread's log lines. The subscriber is the process's global one,
    /// installed once: tracing caches whether a log site is enabled across threads, so a
    /// thread-scoped subscriber can miss lines another test's thread reached first.
    fn capture() -> Self {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            let sub = tracing_subscriber::fmt().with_writer(|| ThreadLogs).with_ansi(false).finish();
            tracing::subscriber::set_global_default(sub).expect("no other global subscriber in this test binary");
        });
        let buf = Self::default();
        THREAD_LOGS.with(|c| *c.borrow_mut() = Some(buf.clone()));
        buf
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Writes to the current thread's [`LogBuf`], if it has one; elsewhere, nowhere.
struct ThreadLogs;

impl std::io::Write for ThreadLogs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        THREAD_LOGS.with(|c| {
            if let Some(buf) = c.borrow().as_ref() {
                buf.0.lock().unwrap().extend_from_slice(b);
            }
        });
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `n` ticks, 100 ms apart.
async fn ticks(k: &mut lpx_keeper::keeper::Keeper, n: usize) {
    for _ in 0..n {
        k.tick().await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `setPaused(v)` from the admin with a 1 gwei tip, not waited for: with automine off it
/// waits in the pool and, tipping more than the keeper (no tip), is ordered before the
/// keeper's transaction in the next block.
async fn pause_ahead(m: &Mock, v: bool) -> alloy::primitives::B256 {
    use alloy::{network::TransactionBuilder, rpc::types::TransactionRequest, sol_types::SolCall};
    let tx = TransactionRequest::default()
        .with_from(m.admin)
        .with_to(m.addr)
        .with_input(IMockAdmin::setPausedCall { v }.abi_encode())
        .with_gas_limit(100_000)
        .with_max_priority_fee_per_gas(1_000_000_000)
        .with_max_fee_per_gas(100_000_000_000);
    m.provider.client().request("eth_sendTransaction", (tx,)).await.unwrap()
}

/// Sends the keeper's reward for `round` (automine off, so it waits in the pool), lets the
/// protocol be paused ahead of it in the same block, and checks the reward was mined and
/// reverted although its simulation had passed. Automine is on again afterwards.
async fn reward_reverts_on_chain(m: &Mock, k: &mut lpx_keeper::keeper::Keeper, me: Address, round: u64) -> i64 {
    let _: () = m.provider.client().request("evm_setAutomine", (false,)).await.unwrap();
    k.tick().await.unwrap();
    let rec = k.tx().store().by_label(&format!("reward:{me}:{round}")).unwrap().expect("reward sent after a passing simulation");
    assert_eq!(rec.status, lpx_txman::TxStatus::Pending);
    let pause = pause_ahead(m, true).await;
    let _: String = m.provider.client().request("evm_mine", ()).await.unwrap();
    let _: () = m.provider.client().request("evm_setAutomine", (true,)).await.unwrap();
    assert!(m.provider.get_transaction_receipt(pause).await.unwrap().expect("pause mined").status());
    let hash = rec.attempts.last().unwrap().hash;
    let r = m.provider.get_transaction_receipt(hash).await.unwrap().expect("reward mined in the same block");
    assert!(!r.status(), "the reward reverted on chain (paused ahead of it)");
    assert_eq!(m.view(IMockAdmin::currentRoundCall {}).await, U256::from(round));
    rec.id
}

/// A reward that is mined but reverts for a passing reason (here: the protocol was paused
/// in the same block, after the keeper's simulation had passed) is simulated and sent
/// again within the same round once the cause is gone, and lands exactly once; while the
/// cause lasts nothing is sent (the simulation says it would revert). When the cause lasts
/// past the round's end, the keeper leaves that round's reward alone (the next round's
/// reward is a new one, sent once), counts `keeper_rewards_missed_total` for it and logs
/// a `MISSED REWARD` error.
#[tokio::test]
async fn reverted_reward_is_resent_in_its_round_and_missed_once_the_round_is_over() {
    use alloy::sol_types::SolCall;
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let metrics_page = recorder.handle();
    let _metrics = metrics::set_default_local_recorder(&recorder);
    let logs = LogBuf::capture();
    let page = || -> std::collections::BTreeMap<String, f64> {
        metrics_page
            .render()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let (k, v) = l.rsplit_once(' ')?;
                Some((k.to_string(), v.parse().ok()?))
            })
            .collect()
    };

    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    let me_s = me.to_string();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: lpt(1000) }).await;
    let init: alloy::primitives::Bytes = lpx_abi::rounds_manager::IRoundsManager::initializeRoundCall {}.abi_encode().into();
    m.mine_to_round(1).await;
    send(&m.provider, m.admin, Some(m.addr), init.clone(), U256::ZERO).await;
    let cfg = m.config(dir.path(), 1, &[me], "[rounds.election]\nmode = \"off\"\n[rounds]\ninitialize = false");
    let mut k = keeper(cfg).await;
    // (1) Round 1: the reward reverts on chain; while paused nothing more is sent.
    let first = reward_reverts_on_chain(&m, &mut k, me, 1).await;
    ticks(&mut k, 5).await;
    assert_eq!(m.nonce(me).await, 1, "nothing sent while the simulation says it would revert");
    assert_eq!(k.tx().store().by_label(&format!("reward:{me}:1")).unwrap().unwrap().status, lpx_txman::TxStatus::Reverted);
    let p = page();
    assert_eq!(metric(&p, "keeper_reward_errors_total", &[("orchestrator", &me_s), ("reason", "tx_failed")]), 1.0, "{p:#?}");
    let paused_errors = metric(&p, "keeper_reward_errors_total", &[("orchestrator", &me_s), ("reason", "system is paused")]);
    assert!(paused_errors >= 5.0, "every tick's failed simulation is counted: {p:#?}");
    // ...but said once at ERROR for the round, not once a tick.
    let said = logs.text().lines().filter(|l| l.contains("ERROR") && l.contains("reward would fail") && l.contains("round=1")).count();
    assert_eq!(said, 1, "{}", logs.text());
    // The cause goes away within the round: the reward is sent again and lands, once.
    m.admin(IMockAdmin::setPausedCall { v: false }).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    assert_eq!(m.view(IMockAdmin::currentRoundCall {}).await, U256::from(1), "still round 1");
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(1) }).await, U256::from(1), "rewarded in round 1");
    assert_eq!(m.nonce(me).await, 2, "the reverted reward and one more");
    let rec = k.tx().store().by_label(&format!("reward:{me}:1")).unwrap().unwrap();
    assert!(rec.id != first && rec.status == lpx_txman::TxStatus::Mined);
    ticks(&mut k, 3).await;
    assert_eq!(m.nonce(me).await, 2, "nothing more once it landed");
    assert_eq!(metric(&page(), "keeper_rewards_called_total", &[("orchestrator", &me_s)]), 1.0);

    // (2) Round 2: the reward reverts on chain and the pause lasts past the round's end.
    m.mine_to_round(2).await;
    send(&m.provider, m.admin, Some(m.addr), init.clone(), U256::ZERO).await;
    let second = reward_reverts_on_chain(&m, &mut k, me, 2).await;
    ticks(&mut k, 5).await;
    assert_eq!(m.nonce(me).await, 3);
    assert_eq!(metric(&page(), "keeper_rewards_missed_total", &[]), 0.0, "not missed while its round lasts");
    m.mine_to_round(3).await;
    send(&m.provider, m.admin, Some(m.addr), init, U256::ZERO).await;
    ticks(&mut k, 5).await;
    let p = page();
    assert_eq!(metric(&p, "keeper_rewards_missed_total", &[("orchestrator", &me_s)]), 1.0, "{p:#?}");
    let log = logs.text();
    let line = log.lines().find(|l| l.contains("MISSED REWARD")).unwrap_or_else(|| panic!("no MISSED REWARD line:\n{log}"));
    assert!(line.contains("ERROR") && line.contains(&me_s) && line.contains("round=2"), "{line}");
    // Unpaused in round 3: round 2's reward is not sent again (it would reward round 3);
    // round 3's own reward goes out, once.
    m.admin(IMockAdmin::setPausedCall { v: false }).await;
    assert!(run::once(&mut k, ONCE).await.unwrap());
    ticks(&mut k, 3).await;
    assert_eq!(k.tx().store().by_label(&format!("reward:{me}:2")).unwrap().unwrap().id, second, "round 2's reward was not re-sent");
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(2) }).await, U256::ZERO);
    assert_eq!(m.view(IMockAdmin::rewardCountCall { t: me, r: U256::from(3) }).await, U256::from(1));
    assert_eq!(m.nonce(me).await, 4, "one reward for round 3, nothing for round 2");
    let p = page();
    assert_eq!(metric(&p, "keeper_rewards_missed_total", &[("orchestrator", &me_s)]), 1.0, "missed once");
    assert_eq!(metric(&p, "keeper_rewards_called_total", &[("orchestrator", &me_s)]), 2.0);
}
