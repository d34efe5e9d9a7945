//! End to end on the lpx devnet with the real Stylus contracts, deployed by the test itself
//! (`lpx_e2e::Protocol::deploy`: an in-process devnet, the contracts built from source and
//! deployed with lpx-deployer), and real `keeper` processes.
//!
//! The scenario (issue 5): three orchestrators, two keepers side by side (keeper A is the
//! reward caller of orchestrators 1 and 2, keeper B of orchestrator 3, both initialize
//! rounds, rank election), rounds advanced with `anvil_mine`. Every round must be
//! initialized exactly once and every orchestrator rewarded exactly once per round, which
//! is asserted from the chain's `NewRound` and `Reward` events, and the keepers together
//! must have sent exactly one transaction per useful action. Then both keepers are stopped
//! with SIGTERM, keeper A becomes the reward caller of all three, and `keeper once` run
//! from a loop (standing in for cron) carries on for more rounds, a second run in the same
//! round sending nothing.
//!
//! 11 rounds side by side, then 3 cron rounds. It prints the devnet figures recorded in
//! docs/PERFORMANCE-keeper.md (run with `--nocapture`).

mod devnet_common;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolEvent,
};
use lpx_abi::{bonding_manager::IBondingManager, rounds_manager::IRoundsManager, token::ILivepeerToken};
use lpx_e2e::Protocol;
use lpx_keeper::{
    chain::Addresses,
    lens::{self, LensQuery},
};
use lpx_testkit::free_port;

use devnet_common::{Contracts, KeeperProc};

/// Keeper A's and B's anvil accounts.
const KEEPER_A: usize = 5;
const KEEPER_B: usize = 6;

/// A keeper config on the deployment.
fn write_config(dir: &Path, name: &str, p: &Protocol, account: usize, api: Option<u16>, orchs: &[Address], election: &str) -> PathBuf {
    devnet_common::write_config(dir, name, &p.devnet.url(), Contracts::of(p), account, api, orchs, election)
}

fn lpt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

async fn u64_view<C: alloy::sol_types::SolCall<Return = U256>>(p: &Protocol, to: &str, c: C) -> u64 {
    p.view(to, c).await.saturating_to()
}

/// Mines to the first block of the next round; returns that round.
async fn mine_to_next_round(p: &Protocol) -> u64 {
    let len = u64_view(p, "RoundsManager", IRoundsManager::roundLengthCall {}).await;
    let start = u64_view(p, "RoundsManager", IRoundsManager::currentRoundStartBlockCall {}).await;
    let now = p.provider.get_block_number().await.unwrap();
    p.mine(start + len - now).await;
    u64_view(p, "RoundsManager", IRoundsManager::currentRoundCall {}).await
}

/// Waits until round `r` is initialized and every orchestrator rewarded in it; returns the
/// wall time to each.
async fn wait_round_done(p: &Protocol, orchs: &[Address], r: u64) -> (Duration, Duration) {
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs(60);
    let mut init = None;
    loop {
        if init.is_none() && p.view("RoundsManager", IRoundsManager::currentRoundInitializedCall {}).await {
            init = Some(t0.elapsed());
        }
        let mut all = init.is_some();
        for o in orchs {
            let t = p.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: *o }).await;
            all &= t.lastRewardRound.saturating_to::<u64>() >= r;
        }
        if all {
            return (init.unwrap_or_default(), t0.elapsed());
        }
        assert!(Instant::now() < deadline, "round {r} not initialized and fully rewarded in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// NewRound count per round and Reward count per (orchestrator, round), from the logs.
async fn events(p: &Protocol) -> RoundEvents {
    let len = u64_view(p, "RoundsManager", IRoundsManager::roundLengthCall {}).await;
    let anchor_r = u64_view(p, "RoundsManager", IRoundsManager::lastRoundLengthUpdateRoundCall {}).await;
    let anchor_b = u64_view(p, "RoundsManager", IRoundsManager::lastRoundLengthUpdateStartBlockCall {}).await;
    let round_of = |block: u64| anchor_r + (block - anchor_b) / len;
    let logs = p
        .provider
        .get_logs(&Filter::new().address(p.address("RoundsManager")).event_signature(IRoundsManager::NewRound::SIGNATURE_HASH).from_block(0))
        .await
        .unwrap();
    let mut rounds = HashMap::new();
    for l in logs {
        let r: u64 = U256::from_be_bytes(l.topics()[1].0).saturating_to();
        assert_eq!(r, round_of(l.block_number.unwrap()), "NewRound in its own round");
        *rounds.entry(r).or_default() += 1;
    }
    let logs = p
        .provider
        .get_logs(&Filter::new().address(p.address("BondingManager")).event_signature(IBondingManager::Reward::SIGNATURE_HASH).from_block(0))
        .await
        .unwrap();
    let mut rewards = HashMap::new();
    for l in logs {
        *rewards.entry((Address::from_word(l.topics()[1]), round_of(l.block_number.unwrap()))).or_default() += 1;
    }
    (rounds, rewards)
}

/// NewRound events per round, and Reward events per (orchestrator, round).
type RoundEvents = (HashMap<u64, usize>, HashMap<(Address, u64), usize>);

fn assert_once_each(ev: &RoundEvents, orchs: &[Address], rounds: &[u64]) {
    for r in rounds {
        assert_eq!(ev.0.get(r).copied().unwrap_or(0), 1, "NewRound events for round {r}");
        for o in orchs {
            assert_eq!(ev.1.get(&(*o, *r)).copied().unwrap_or(0), 1, "Reward events for {o} in round {r}");
        }
    }
}

/// `rpc_calls=` of every "round finished" line in a keeper log.
fn rpc_per_round(log: &Path) -> Vec<u64> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("round finished"))
        .filter_map(|l| l.split("rpc_calls=").nth(1)?.split_whitespace().next()?.parse().ok())
        .collect()
}

/// Gas of the lens's `eth_call` on the real contracts: idle, and the round part with and
/// without the pool walk (pool = the 3 orchestrators), initializeRound simulated.
async fn lens_gas(p: &Protocol, orchs: &[Address]) {
    let addrs =
        Addresses { rounds: p.address("RoundsManager"), bonding: p.address("BondingManager"), minter: p.address("Minter"), broker: p.address("TicketBroker") };
    let round = u64_view(p, "RoundsManager", IRoundsManager::currentRoundCall {}).await;
    let q = |force, max_pool| LensQuery {
        known_round: round,
        known_initialized: true,
        force,
        simulate_init: true,
        orchestrators: orchs.to_vec(),
        pool_hash: B256::ZERO,
        max_pool,
    };
    let mut gas = Vec::new();
    for (force, max_pool) in [(false, 1000), (true, 0), (true, 1000)] {
        gas.push(p.provider.estimate_gas(lens::request(&addrs, &q(force, max_pool)).unwrap()).await.unwrap());
    }
    eprintln!(
        "lens gas: idle tick {}, round part without the pool {}, with the pool of 3 {} (≈ {} per pool member)",
        gas[0],
        gas[1],
        gas[2],
        (gas[2] - gas[1]) / 3
    );
}

async fn scenario(side_by_side_rounds: u64, cron_n: u64) {
    let t_deploy = Instant::now();
    let p = Protocol::deploy().await;
    eprintln!("protocol deployed in {:?}", t_deploy.elapsed());
    let dir = tempfile::tempdir().unwrap();
    let acct = |i: usize| p.accounts[i];
    let (ka, kb) = (acct(KEEPER_A), acct(KEEPER_B));
    let orchs = [acct(1), acct(2), acct(3)];

    // Orchestrators bond in an initialized round and become active in the next one.
    p.next_round().await;
    let bm = p.address("BondingManager");
    for (i, o) in orchs.iter().enumerate() {
        let amount = lpt(1000 * (i as u64 + 1));
        p.send(*o, "LivepeerToken", ILivepeerToken::approveCall { spender: bm, amount }).await;
        p.send(*o, "BondingManager", IBondingManager::bondCall { _amount: amount, _to: *o }).await;
        p.send(*o, "BondingManager", IBondingManager::transcoderCall { _rewardCut: U256::from(100_000), _feeShare: U256::from(500_000) }).await;
        let caller = if i < 2 { ka } else { kb };
        p.send(*o, "BondingManager", IBondingManager::setRewardCallerCall { _rewardCaller: caller }).await;
    }

    // Two keepers side by side.
    let election = |rank| format!("[rounds.election]\nmode = \"rank\"\nrank = {rank}\nkeepers = 2\nslot_ms = 1500");
    let (api_a, api_b) = (free_port(), free_port());
    let ca = write_config(dir.path(), "a", &p, KEEPER_A, Some(api_a), &orchs[..2], &election(0));
    let cb = write_config(dir.path(), "b", &p, KEEPER_B, Some(api_b), &orchs[2..], &election(1));
    let a = KeeperProc::run(&ca, KEEPER_A, api_a, dir.path().join("a.log"));
    let b = KeeperProc::run(&cb, KEEPER_B, api_b, dir.path().join("b.log"));
    let mut rounds = Vec::new();
    let mut delays = Vec::new();
    for _ in 0..side_by_side_rounds {
        let r = mine_to_next_round(&p).await;
        let (init, all) = wait_round_done(&p, &orchs, r).await;
        eprintln!("round {r}: initialized after {init:?}, all 3 rewarded after {all:?}");
        delays.push(init);
        rounds.push(r);
    }
    // One more round, so both keepers log the RPC use of every round above.
    let r = mine_to_next_round(&p).await;
    wait_round_done(&p, &orchs, r).await;
    rounds.push(r);
    let (log_a, log_b) = (a.log.clone(), b.log.clone());
    assert_eq!(a.stop().code(), Some(0), "keeper A stops cleanly");
    assert_eq!(b.stop().code(), Some(0), "keeper B stops cleanly");
    let ev = events(&p).await;
    assert_once_each(&ev, &orchs, &rounds);
    let sent_a = p.provider.get_transaction_count(ka).await.unwrap();
    let sent_b = p.provider.get_transaction_count(kb).await.unwrap();
    let n = rounds.len() as u64;
    assert_eq!(sent_a + sent_b, 4 * n, "one initializeRound and three rewards per round, nothing else (A {sent_a}, B {sent_b})");
    assert!(sent_a > 2 * n && sent_b > n, "the rank election shares initialization (A {sent_a}, B {sent_b})");
    let (rpc_a, rpc_b) = (rpc_per_round(&log_a), rpc_per_round(&log_b));
    let mut sorted = delays.clone();
    sorted.sort();
    eprintln!(
        "devnet figures: initializeRound seen on chain after mining the round's first block: median {:?}, max {:?}; \
         RPC calls per round (\"round finished\" lines) keeper A (N=2) {rpc_a:?}, keeper B (N=1) {rpc_b:?}",
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1]
    );

    lens_gas(&p, &orchs).await;

    // Cron: keeper A serves all three; `once` from a loop, a second run in a round sends nothing.
    p.send(orchs[2], "BondingManager", IBondingManager::setRewardCallerCall { _rewardCaller: ka }).await;
    let cron = write_config(dir.path(), "cron", &p, KEEPER_A, None, &orchs, "[rounds.election]\nmode = \"off\"");
    let cron_log = dir.path().join("cron.log");
    let mut cron_rounds = Vec::new();
    for _ in 0..cron_n {
        let r = mine_to_next_round(&p).await;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = KeeperProc::spawn(&cron, KEEPER_A, &["once", "--max-secs", "20"], &cron_log).wait().unwrap();
            if status.code() == Some(0) {
                break;
            }
            assert!(Instant::now() < deadline, "once never finished round {r}:\n{}", std::fs::read_to_string(&cron_log).unwrap_or_default());
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        wait_round_done(&p, &orchs, r).await;
        let before = p.provider.get_transaction_count(ka).await.unwrap();
        assert!(KeeperProc::spawn(&cron, KEEPER_A, &["once"], &cron_log).wait().unwrap().success());
        assert_eq!(p.provider.get_transaction_count(ka).await.unwrap(), before, "a second once in round {r} sent nothing");
        cron_rounds.push(r);
    }
    let ev = events(&p).await;
    assert_once_each(&ev, &orchs, &cron_rounds);
    assert_eq!(p.provider.get_transaction_count(ka).await.unwrap(), sent_a + 4 * cron_rounds.len() as u64);
}

/// About 30 s once the contracts are built (the deployment builds them like every lpx-e2e
/// test; cargo caches the WASM).
#[tokio::test(flavor = "multi_thread")]
async fn devnet_two_keepers_eleven_rounds_then_cron() {
    scenario(10, 3).await;
}
