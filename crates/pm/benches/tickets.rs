//! Ticket throughput on one core: off-chain validation (the recipient's intake) and
//! creation + signing (the sender's batches).
//!
//! `cargo bench -p lpx-pm --bench tickets`
//!
//! Groups: `pm` (wall clock: validation, full intake, signing), `recover` (wall clock: pm's
//! signature recovery, libsecp256k1, next to alloy's k256 on the same signatures, so a ratio
//! survives a noisy machine) and `cpu` (the same validation and recoveries timed by this
//! thread's CPU clock, which does not count the time the scheduler gives other processes:
//! on a shared, overloaded machine it is the closer estimate of a dedicated core).
#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use alloy::{
    primitives::{keccak256, Address, Signature, B256, U256},
    signers::local::PrivateKeySigner,
};
use criterion::{criterion_group, criterion_main, measurement::WallTime, BenchmarkGroup, Criterion, Throughput};
use lpx_pm::{
    eth_signed_message_hash, recover_signer, ticket_hash, validate_ticket, ChainState, ExpirationParams, PricePerPixel, Recipient, RecipientConfig,
    RecipientSecret, Sender, SenderConfig, SenderFunds, SenderView, SignedTicket, TicketBatch,
};

struct Chain;

impl ChainState for Chain {
    fn current_round(&self) -> U256 {
        U256::from(10)
    }
    fn ticket_validity_period(&self) -> U256 {
        U256::from(2)
    }
    fn block_hash_for_round(&self, _: U256) -> B256 {
        keccak256("foo")
    }
    fn is_used(&self, _: &B256) -> bool {
        false
    }
    fn sender_funds(&self, _: &Address) -> SenderFunds {
        SenderFunds { deposit: U256::from(10u64.pow(18)), reserve: U256::from(10u64.pow(18)), withdraw_round: U256::ZERO }
    }
    fn claimable_reserve(&self, _: &Address, _: &Address) -> U256 {
        U256::ZERO
    }
    fn is_active(&self, _: &Address) -> bool {
        true
    }
}

const N: u32 = 1000;
const O: Address = Address::repeat_byte(0x0f);

fn setup() -> (Sender<PrivateKeySigner>, Recipient, TicketBatch, SenderView) {
    let key = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap();
    let cfg = RecipientConfig { nonce_cap: usize::MAX, ..Default::default() };
    let r = Recipient::new(O, RecipientSecret::from_bytes([7; 32]), cfg);
    let exp = ExpirationParams { creation_round: U256::from(10), creation_round_block_hash: keccak256("foo") };
    let price = PricePerPixel { num: 900, den: 1 };
    let p = r.ticket_params(key.address(), price, U256::from(10_000_000u64), U256::MAX, U256::from(1000), exp).unwrap();
    let sender = Sender::new(key, SenderConfig { max_total_ev: U256::MAX, ..Default::default() });
    let view = SenderView {
        last_block: U256::from(1000),
        last_initialized_round: U256::from(10),
        deposit: U256::from(10u64.pow(18)),
        reserve: U256::from(10u64.pow(18)),
        withdraw_round: U256::ZERO,
    };
    let k = sender.start_session(p);
    let batch = sender.create_ticket_batch(&k, N, &view).unwrap();
    (sender, r, batch, view)
}

/// A clock for `iter_custom`: time since some fixed origin.
type Clock = fn() -> Duration;

fn wall() -> Duration {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed()
}

/// CPU time used by this thread so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid, exclusive pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// `iters` calls of `f` (cycling through `inputs`) timed by `clock`.
fn timed<T, R>(clock: Clock, iters: u64, inputs: &[T], mut f: impl FnMut(&T) -> R) -> Duration {
    let start = clock();
    for k in 0..iters as usize {
        black_box(f(&inputs[k % inputs.len()]));
    }
    clock() - start
}

fn configure(g: &mut BenchmarkGroup<'_, WallTime>) {
    g.sample_size(20).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(1));
}

struct Fixture {
    batch: TicketBatch,
    tickets: Vec<SignedTicket>,
    rand: U256,
    /// (ticket hash, signature) of every ticket.
    sigs: Vec<(B256, alloy::primitives::Bytes)>,
}

/// The contract's checks alone: ticket hash, aux, rand hash, ecrecover, win value.
fn validate(g: &mut BenchmarkGroup<'_, WallTime>, clock: Clock, f: &Fixture) {
    g.bench_function("validate_ticket", |b| {
        b.iter_custom(|iters| timed(clock, iters, &f.tickets, |t| validate_ticket(&t.ticket, &t.sig, f.rand, &Chain, |_| false).unwrap()))
    });
}

/// The full intake: HMAC rand derivation, the checks, replay guard, EV credit. Each ticket
/// can be taken once per recipient, so a fresh recipient takes each round of N.
fn receive(g: &mut BenchmarkGroup<'_, WallTime>, clock: Clock, f: &Fixture) {
    let batch = &f.batch;
    g.bench_function("receive_ticket", |b| {
        b.iter_custom(|iters| {
            let mut left = iters;
            let mut total = Duration::ZERO;
            while left > 0 {
                let cfg = RecipientConfig { nonce_cap: usize::MAX, ..Default::default() };
                let r = Recipient::new(O, RecipientSecret::from_bytes([7; 32]), cfg);
                let n = left.min(N as u64) as usize;
                total += timed(clock, n as u64, &batch.tickets[..n], |(nonce, sig)| {
                    r.receive_ticket(&batch.params, batch.sender, *nonce, sig, U256::from(1000), &Chain).unwrap()
                });
                left -= n as u64;
            }
            total
        })
    });
}

/// Recovery alone over the same signatures: pm's (libsecp256k1) and alloy's k256 (the
/// backend pm used before, which also re-verifies the recovered key).
fn recover(g: &mut BenchmarkGroup<'_, WallTime>, clock: Clock, prefix: &str, f: &Fixture) {
    g.bench_function(format!("{prefix}secp256k1"), |b| b.iter_custom(|iters| timed(clock, iters, &f.sigs, |(h, sig)| recover_signer(h, sig).unwrap())));
    g.bench_function(format!("{prefix}k256"), |b| {
        b.iter_custom(|iters| {
            timed(clock, iters, &f.sigs, |(h, sig)| Signature::from_raw(sig).unwrap().recover_address_from_prehash(&eth_signed_message_hash(h)).unwrap())
        })
    });
}

fn bench(c: &mut Criterion) {
    let (sender, recipient, batch, view) = setup();
    let tickets: Vec<_> = batch.signed_tickets().collect();
    let rand = recipient.recipient_rand(&batch.params, batch.sender);
    let sigs = tickets.iter().map(|t| (ticket_hash(&t.ticket), t.sig.clone())).collect();
    let f = Fixture { batch, tickets, rand, sigs };

    let mut g = c.benchmark_group("pm");
    configure(&mut g);
    validate(&mut g, wall, &f);
    receive(&mut g, wall, &f);
    // Sender: nonce allocation, hashing and EIP-191 signing, in batches of 10.
    g.throughput(Throughput::Elements(10));
    let key = sender.start_session(f.batch.params.clone());
    g.bench_function("create_ticket_batch_10", |b| {
        b.iter(|| {
            // Restart the session so nonces never run out during long runs.
            sender.start_session(f.batch.params.clone());
            sender.create_ticket_batch(&key, 10, &view).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("recover");
    configure(&mut g);
    recover(&mut g, wall, "", &f);
    g.finish();

    // Criterion labels these "time"; they are thread CPU time.
    let mut g = c.benchmark_group("cpu");
    configure(&mut g);
    validate(&mut g, thread_cpu, &f);
    receive(&mut g, thread_cpu, &f);
    recover(&mut g, thread_cpu, "recover_", &f);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
