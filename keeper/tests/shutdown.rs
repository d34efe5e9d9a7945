//! `keeper run` stops cleanly on SIGTERM and SIGINT: the real binary, on a real anvil with
//! the plain-EVM stand-in of the protocol. What is in flight is either finished within the
//! grace period or persisted and resumed by the next start; queued tickets are never lost;
//! the process exits 0 with its SQLite logs written back.

mod common;

use std::{
    path::Path,
    time::{Duration, Instant},
};

use alloy::{
    primitives::{B256, U256},
    providers::Provider,
};
use common::*;
use lpx_keeper::tickets::queue::{Status, TicketQueue};
use lpx_testkit::free_port;
use lpx_txman::store::TxStore;

const GRACE_SECS: u64 = 3;

async fn automine(m: &Mock, on: bool) {
    let _: () = m.provider.client().request("evm_setAutomine", (on,)).await.unwrap();
}

async fn mine_one(m: &Mock) {
    let _: String = m.provider.client().request("evm_mine", ()).await.unwrap();
}

fn statuses(db: &Path, hashes: &[B256]) -> Vec<Status> {
    let q = TicketQueue::open(db).unwrap();
    hashes.iter().map(|h| q.get(*h).unwrap().unwrap().status).collect()
}

#[tokio::test]
async fn sigterm_and_sigint_stop_cleanly_and_lose_nothing() {
    let m = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let me = signer(1).address();
    m.admin(IMockAdmin::addTranscoderCall { t: me, s: U256::from(1000) }).await;
    m.mine_to_round(2).await;
    let (funded, broke) = (signer(3), signer(5));
    let eth = U256::from(10u64).pow(U256::from(18));
    m.admin_value(IMockAdmin::fundDepositForCall { s: funded.address() }, eth).await;
    let api = free_port();
    let extra = format!("[rounds.election]\nmode = \"off\"\n[tickets]\nbatch_size = 10\nretry_secs = 1\n[run]\nshutdown_grace_secs = {GRACE_SECS}");
    let config = dir.path().join("keeper.toml");
    std::fs::write(&config, m.config_text(&m.anvil.url(), 1, &format!("127.0.0.1:{api}"), &[], &extra)).unwrap();
    let db = dir.path().join("state-1/keeper.sqlite");
    let face = U256::from(10u64).pow(U256::from(15));

    // Phase 1: a redemption is in flight (the node stopped mining) and two tickets wait
    // for their sender's deposit when SIGTERM arrives. Nothing can finish: after the grace
    // period the keeper exits 0 with all of it persisted.
    let mut k = KeeperProc::start(&config, 1, api, dir.path().join("run1.log"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while m.view(IMockAdmin::initializeCountCall {}).await != U256::from(1) {
        assert!(Instant::now() < deadline, "round never initialized");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    automine(&m, false).await;
    let mut inflight = Vec::new();
    let mut waiting = Vec::new();
    let mut body = Vec::new();
    for n in 0..4 {
        let (j, h) = ticket_json(&funded, me, n, 2, face);
        body.push(j);
        inflight.push(h);
    }
    for n in 0..2 {
        let (j, h) = ticket_json(&broke, me, n, 2, face);
        body.push(j);
        waiting.push(h);
    }
    k.post(&body).await;
    k.wait_tickets("submitting", 4).await;
    let started = Instant::now();
    k.signal(libc::SIGTERM);
    let status = k.exit_within(Duration::from_secs(GRACE_SECS + 10)).await;
    assert_eq!(status.code(), Some(0), "clean exit; log:\n{}", std::fs::read_to_string(&k.log).unwrap());
    assert!(started.elapsed() >= Duration::from_secs(GRACE_SECS), "it waited the grace period for the receipt");
    let log = std::fs::read_to_string(&k.log).unwrap();
    assert!(log.contains("SIGTERM") && log.contains("stopped cleanly"), "{log}");
    // The logs were written back into the database file on the way out.
    let wal = db.with_extension("sqlite-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "WAL not checkpointed");
    assert_eq!(statuses(&db, &inflight), vec![Status::Submitting; 4]);
    assert_eq!(statuses(&db, &waiting), vec![Status::Queued; 2]);
    let store = TxStore::open(&db, 31337, me).unwrap();
    assert_eq!(store.pending().unwrap().len(), 1, "the redemption transaction is persisted");
    drop(store);
    drop(k);

    // Phase 2: the node mines again and the sender funds its deposit; the next start
    // finishes everything from the persisted state.
    automine(&m, true).await;
    mine_one(&m).await;
    m.admin_value(IMockAdmin::fundDepositForCall { s: broke.address() }, eth).await;
    let mut k = KeeperProc::start(&config, 1, api, dir.path().join("run2.log"));
    k.wait_tickets("redeemed", 6).await;
    assert_eq!(m.view(IMockAdmin::redeemedCountCall {}).await, U256::from(6));

    // Phase 3: SIGINT with a redemption in flight that the node mines during the grace
    // period: the keeper records the receipt before it exits.
    automine(&m, false).await;
    let mut late = Vec::new();
    let mut body = Vec::new();
    for n in 10..12 {
        let (j, h) = ticket_json(&funded, me, n, 2, face);
        body.push(j);
        late.push(h);
    }
    k.post(&body).await;
    k.wait_tickets("submitting", 2).await;
    k.signal(libc::SIGINT);
    tokio::time::sleep(Duration::from_millis(300)).await;
    mine_one(&m).await;
    let status = k.exit_within(Duration::from_secs(GRACE_SECS + 10)).await;
    assert_eq!(status.code(), Some(0));
    assert!(std::fs::read_to_string(&k.log).unwrap().contains("SIGINT"));
    assert_eq!(statuses(&db, &late), vec![Status::Redeemed; 2], "finished within the grace period");
    assert!(TxStore::open(&db, 31337, me).unwrap().pending().unwrap().is_empty());
    assert_eq!(m.view(IMockAdmin::redeemedCountCall {}).await, U256::from(8), "each ticket redeemed exactly once");
}
