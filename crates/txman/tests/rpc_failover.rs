//! The failover transport against a real anvil behind a faulty proxy.

use std::time::{Duration, Instant};

use alloy::providers::Provider;
use lpx_testkit::{Anvil, Fault, FaultyProxy};
use lpx_txman::{FailoverTransport, RpcPolicy};

fn fast_policy() -> RpcPolicy {
    RpcPolicy {
        request_timeout: Duration::from_millis(400),
        max_attempts: 6,
        backoff_initial: Duration::from_millis(40),
        backoff_max: Duration::from_millis(200),
        endpoint_cooldown: Duration::from_secs(60),
    }
}

#[tokio::test]
async fn fails_over_to_second_endpoint_on_errors_timeouts_and_garbage() {
    let anvil = Anvil::spawn(&[]);
    for fault in [Fault::ServerError, Fault::Garbage, Fault::Hang(Duration::from_secs(5)), Fault::RateLimit, Fault::RpcRateLimit] {
        let bad = FaultyProxy::start(&anvil.url()).await;
        bad.set(fault);
        let t = FailoverTransport::new(&[bad.url().parse().unwrap(), anvil.url().parse().unwrap()], fast_policy()).unwrap();
        let p = t.provider();
        let started = Instant::now();
        assert_eq!(p.get_chain_id().await.unwrap(), 31337, "{fault:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{fault:?} took {:?}", started.elapsed());
        let s = t.stats().snapshot();
        assert_eq!((s.calls, s.errors, s.failovers, s.requests), (1, 1, 1, 2), "{fault:?}");
        // The failed endpoint cools down: the next call goes straight to the good one.
        p.get_block_number().await.unwrap();
        assert_eq!(bad.seen(), 1, "{fault:?}");
        assert_eq!(t.stats().snapshot().requests, 3);
    }
}

#[tokio::test]
async fn single_endpoint_backs_off_then_recovers() {
    let anvil = Anvil::spawn(&[]);
    let proxy = FaultyProxy::start(&anvil.url()).await;
    proxy.set_for(Fault::ServerError, 3);
    let t = FailoverTransport::new(&[proxy.url().parse().unwrap()], fast_policy()).unwrap();
    let started = Instant::now();
    assert_eq!(t.provider().get_chain_id().await.unwrap(), 31337);
    let waited = started.elapsed();
    // Three backoffs: >= 20 + 40 + 80 ms (half of 40·2^n, the jitter floor).
    assert!(waited >= Duration::from_millis(140), "no backoff: {waited:?}");
    let s = t.stats().snapshot();
    assert_eq!((s.errors, s.requests, s.calls, s.failovers), (3, 4, 1, 0));
    assert_eq!(proxy.faulted(), 3);
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let anvil = Anvil::spawn(&[]);
    let proxy = FaultyProxy::start(&anvil.url()).await;
    proxy.set(Fault::Garbage);
    let t = FailoverTransport::new(&[proxy.url().parse().unwrap()], RpcPolicy { max_attempts: 3, ..fast_policy() }).unwrap();
    assert!(t.provider().get_chain_id().await.is_err());
    assert_eq!(t.stats().snapshot().errors, 3);
    assert_eq!(proxy.seen(), 3);
}

#[tokio::test]
async fn batch_counts_every_call_in_one_request() {
    let anvil = Anvil::spawn(&[]);
    let t = FailoverTransport::new(&[anvil.url().parse().unwrap()], fast_policy()).unwrap();
    let client = t.client();
    let mut batch = client.new_batch();
    let a = batch.add_call::<_, alloy::primitives::U64>("eth_chainId", &()).unwrap();
    let b = batch.add_call::<_, alloy::primitives::U64>("eth_blockNumber", &()).unwrap();
    batch.send().await.unwrap();
    assert_eq!(a.await.unwrap().to::<u64>(), 31337);
    assert_eq!(b.await.unwrap().to::<u64>(), 0);
    let s = t.stats().snapshot();
    assert_eq!((s.requests, s.calls), (1, 2));
}
