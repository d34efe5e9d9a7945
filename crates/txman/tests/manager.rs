//! The transaction manager against a real anvil: restart survival, idempotent labels,
//! replacement of stuck transactions, nonce collisions, re-broadcast after a failed send.

use std::{path::Path, time::Duration};

use alloy::{
    primitives::{address, Address, Bytes, U256},
    providers::{Provider, RootProvider},
    signers::local::PrivateKeySigner,
};
use lpx_testkit::{anvil_key, Anvil, Fault, FaultyProxy};
use lpx_txman::{FailoverTransport, FeePolicy, RpcPolicy, TxError, TxManager, TxRequest, TxState, TxStatus};

const SINK: Address = address!("00000000000000000000000000000000000000aa");

fn provider(url: &str) -> RootProvider {
    FailoverTransport::new(&[url.parse().unwrap()], RpcPolicy { max_attempts: 2, request_timeout: Duration::from_secs(5), ..Default::default() })
        .unwrap()
        .provider()
}

fn key(i: usize) -> PrivateKeySigner {
    anvil_key(i).parse().unwrap()
}

fn policy() -> FeePolicy {
    FeePolicy { max_fee_cap: 50_000_000_000, bump_after: Duration::from_secs(3600), ..Default::default() }
}

async fn manager(url: &str, db: &Path, signer: PrivateKeySigner, policy: FeePolicy) -> TxManager {
    let m = TxManager::open(provider(url), signer, db, policy).await.unwrap();
    m.recover().await.unwrap();
    m
}

fn transfer(label: &str, wei: u64) -> TxRequest {
    TxRequest { label: label.into(), to: SINK, input: Bytes::new(), value: U256::from(wei), gas_limit: None }
}

async fn automine(p: &RootProvider, on: bool) {
    let _: () = p.client().request("evm_setAutomine", (on,)).await.unwrap();
}

async fn mine(p: &RootProvider) {
    let _: String = p.client().request("evm_mine", ()).await.unwrap();
}

async fn pending_count(p: &RootProvider, a: Address) -> u64 {
    p.get_transaction_count(a).pending().await.unwrap()
}

#[tokio::test]
async fn nonces_and_labels_survive_a_restart() {
    let anvil = Anvil::spawn(&[]);
    let p = provider(&anvil.url());
    automine(&p, false).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tx.sqlite");
    let me = key(1).address();
    {
        let m = manager(&anvil.url(), &db, key(1), policy()).await;
        assert_eq!(m.submit(transfer("a", 1)).await.unwrap().nonce, 0);
        assert_eq!(m.submit(transfer("b", 2)).await.unwrap().nonce, 1);
        assert_eq!(pending_count(&p, me).await, 2);
    } // "crash": nothing mined, two transactions in flight

    let m = manager(&anvil.url(), &db, key(1), policy()).await;
    // The same label is the same transaction: nothing new is signed or sent.
    let again = m.submit(transfer("a", 1)).await.unwrap();
    assert_eq!((again.nonce, again.attempts.len()), (0, 1));
    assert_eq!(m.submit(transfer("c", 3)).await.unwrap().nonce, 2);
    assert_eq!(pending_count(&p, me).await, 3);
    mine(&p).await;
    for (id, _) in m.pending_ids().unwrap() {
        assert!(matches!(m.poll(id).await.unwrap(), TxState::Mined(_)));
    }
    assert_eq!(p.get_transaction_count(me).await.unwrap(), 3);
    assert_eq!(p.get_balance(SINK).await.unwrap(), U256::from(6));
    // Mined labels stay idempotent.
    assert_eq!(m.submit(transfer("b", 2)).await.unwrap().status, TxStatus::Mined);
    assert_eq!(p.get_transaction_count(me).await.unwrap(), 3);
}

#[tokio::test]
async fn stuck_transaction_is_replaced_with_higher_fees_up_to_the_cap() {
    let anvil = Anvil::spawn(&[]);
    let p = provider(&anvil.url());
    automine(&p, false).await;
    let dir = tempfile::tempdir().unwrap();
    let base = p.get_block_by_number(Default::default()).await.unwrap().unwrap().header.base_fee_per_gas.unwrap() as u128;
    // Room for exactly two bumps of 20 % above the first price (base × 2).
    let cap = base * 2 * 144 / 100 + 10;
    let pol = FeePolicy { max_fee_cap: cap, bump_after: Duration::ZERO, bump_percent: 20, ..policy() };
    let m = manager(&anvil.url(), &dir.path().join("tx.sqlite"), key(2), pol).await;
    let rec = m.submit(transfer("stuck", 7)).await.unwrap();
    for _ in 0..4 {
        assert!(matches!(m.poll(rec.id).await.unwrap(), TxState::Pending));
    }
    let rec = m.store().get(rec.id).unwrap().unwrap();
    let fees: Vec<u128> = rec.attempts.iter().map(|a| a.max_fee).collect();
    // First, +20 %, +20 % (clamped to the cap at most); then no more bumps, only re-broadcasts.
    let distinct: std::collections::BTreeSet<_> = rec.attempts.iter().map(|a| a.hash).collect();
    assert_eq!(distinct.len(), 3, "fees {fees:?}");
    assert!(fees.iter().all(|f| *f <= cap), "{fees:?} above cap {cap}");
    assert!(fees[1] >= fees[0] * 12 / 10 && fees[2] >= fees[1] * 11 / 10, "{fees:?}");
    // Only the newest version sits in the pool; it is the one mined.
    mine(&p).await;
    let TxState::Mined(r) = m.poll(rec.id).await.unwrap() else { panic!("not mined") };
    let newest = m.store().get(rec.id).unwrap().unwrap().mined_hash.unwrap();
    assert_eq!(r.transaction_hash, newest);
    assert!(r.effective_gas_price <= base, "paid the base fee (tip 0), not the cap: {}", r.effective_gas_price);
    assert_eq!(p.get_balance(SINK).await.unwrap(), U256::from(7));
    assert_eq!(p.get_transaction_count(key(2).address()).await.unwrap(), 1);
}

#[tokio::test]
async fn failed_broadcast_is_resent_after_restart() {
    let anvil = Anvil::spawn(&[]);
    let proxy = FaultyProxy::start(&anvil.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tx.sqlite");
    {
        let m = manager(&proxy.url(), &db, key(3), policy()).await;
        m.observe_block(Some(1_000_000_000));
        // The nonce is known and the gas given: the broadcast is the only request left.
        proxy.set(Fault::ServerError);
        let rec = m.submit(TxRequest { gas_limit: Some(21_000), ..transfer("lost", 5) }).await.unwrap();
        assert_eq!(rec.status, TxStatus::Pending);
        proxy.set(Fault::Pass);
        assert_eq!(pending_count(&provider(&anvil.url()), key(3).address()).await, 0, "never reached the node");
    }
    let m = TxManager::open(provider(&anvil.url()), key(3), &db, policy()).await.unwrap();
    let rec = m.recover().await.unwrap();
    assert_eq!((rec.rebroadcast, rec.next_nonce), (1, 1));
    let id = m.pending_ids().unwrap()[0].0;
    assert!(matches!(m.wait(id, Duration::from_millis(100), Duration::from_secs(5)).await.unwrap(), TxState::Mined(_)));
    assert_eq!(provider(&anvil.url()).get_balance(SINK).await.unwrap(), U256::from(5));
}

#[tokio::test]
async fn nonce_used_by_another_process_moves_to_a_fresh_one() {
    let anvil = Anvil::spawn(&[]);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(&anvil.url(), &dir.path().join("a.sqlite"), key(4), policy()).await;
    // Another process with the same key (its own state) takes nonce 0 first.
    let other = manager(&anvil.url(), &dir.path().join("b.sqlite"), key(4), policy()).await;
    let o = other.submit(transfer("other", 1)).await.unwrap();
    assert_eq!(o.nonce, 0);
    let rec = m.submit(transfer("mine", 2)).await.unwrap();
    assert_eq!(rec.nonce, 1, "moved past the nonce the other process used");
    assert!(matches!(m.wait(rec.id, Duration::from_millis(50), Duration::from_secs(5)).await.unwrap(), TxState::Mined(_)));
    assert_eq!(provider(&anvil.url()).get_balance(SINK).await.unwrap(), U256::from(3));
}

#[tokio::test]
async fn a_reverting_call_is_refused_before_signing() {
    let anvil = Anvil::spawn(&[]);
    let p = provider(&anvil.url());
    let reverter = address!("00000000000000000000000000000000000000bb");
    // PUSH1 0 PUSH1 0 REVERT
    let _: () = p.client().request("anvil_setCode", (reverter, Bytes::from(vec![0x60, 0, 0x60, 0, 0xfd]))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let m = manager(&anvil.url(), &dir.path().join("tx.sqlite"), key(5), policy()).await;
    let err = m.submit(TxRequest { to: reverter, ..transfer("bad", 0) }).await.unwrap_err();
    assert!(matches!(err, TxError::Simulation(lpx_txman::CallFailure::Revert(None))), "{err:?}");
    assert!(m.store().by_label("bad").unwrap().is_none());
    assert_eq!(m.submit(transfer("good", 1)).await.unwrap().nonce, 0, "no nonce burnt");
}

#[tokio::test]
async fn fee_cap_below_market_sends_nothing() {
    let anvil = Anvil::spawn(&[]);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(&anvil.url(), &dir.path().join("tx.sqlite"), key(6), FeePolicy { max_fee_cap: 1, ..policy() }).await;
    let err = m.submit(transfer("x", 1)).await.unwrap_err();
    assert!(matches!(err, TxError::FeeCap(_)), "{err:?}");
    assert!(err.to_string().contains("above the configured cap"));
    assert_eq!(pending_count(&provider(&anvil.url()), key(6).address()).await, 0);
}
