//! Ticket throughput on one core: off-chain validation (the recipient's intake) and
//! creation + signing (the sender's batches).
//!
//! `cargo bench -p lpx-pm --bench tickets`

use std::time::{Duration, Instant};

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    signers::local::PrivateKeySigner,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lpx_pm::{
    validate_ticket, ChainState, ExpirationParams, PricePerPixel, Recipient, RecipientConfig,
    RecipientSecret, Sender, SenderConfig, SenderFunds, SenderView, TicketBatch,
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
    let p = r
        .ticket_params(key.address(), price, U256::from(10_000_000u64), U256::MAX, U256::from(1000), exp)
        .unwrap();
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

fn bench(c: &mut Criterion) {
    let (sender, recipient, batch, view) = setup();
    let tickets: Vec<_> = batch.signed_tickets().collect();
    let rand = recipient.recipient_rand(&batch.params, batch.sender);

    let mut g = c.benchmark_group("pm");
    g.sample_size(20).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(1));

    // The contract's checks alone: hash, aux, rand hash, ecrecover, win value.
    let mut i = 0usize;
    g.bench_function("validate_ticket", |b| {
        b.iter(|| {
            let t = &tickets[i % tickets.len()];
            i += 1;
            validate_ticket(&t.ticket, &t.sig, rand, &Chain, |_| false).unwrap()
        })
    });

    // The full intake: HMAC rand derivation, the checks, replay guard, EV credit. Each
    // ticket can be taken once per recipient, so a fresh recipient takes each round of N.
    g.bench_function("receive_ticket", |b| {
        b.iter_custom(|iters| {
            let mut left = iters;
            let mut total = Duration::ZERO;
            while left > 0 {
                let r = Recipient::new(O, RecipientSecret::from_bytes([7; 32]), RecipientConfig { nonce_cap: usize::MAX, ..Default::default() });
                let n = left.min(N as u64) as usize;
                let start = Instant::now();
                for (nonce, sig) in &batch.tickets[..n] {
                    r.receive_ticket(&batch.params, batch.sender, *nonce, sig, U256::from(1000), &Chain).unwrap();
                }
                total += start.elapsed();
                left -= n as u64;
            }
            total
        })
    });

    // Sender: nonce allocation, hashing and EIP-191 signing, in batches of 10.
    g.throughput(Throughput::Elements(10));
    let key = sender.start_session(batch.params.clone());
    g.bench_function("create_ticket_batch_10", |b| {
        b.iter(|| {
            // Restart the session so nonces never run out during long runs.
            sender.start_session(batch.params.clone());
            sender.create_ticket_batch(&key, 10, &view).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
