//! Sender ↔ recipient round trips through the public API, with an in-memory chain state.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
};
use lpx_pm::{
    check_redemption, ChainState, ExpirationParams, PricePerPixel, Recipient, RecipientConfig, RecipientSecret, Sender, SenderConfig, SenderError, SenderFunds,
    SenderView, TicketError, TicketParams,
};
use proptest::prelude::*;

#[derive(Default)]
struct Mem {
    round: u64,
    hashes: HashMap<U256, B256>,
    used: HashSet<B256>,
    funds: HashMap<Address, SenderFunds>,
}

impl ChainState for Mem {
    fn current_round(&self) -> U256 {
        U256::from(self.round)
    }
    fn ticket_validity_period(&self) -> U256 {
        U256::from(2)
    }
    fn block_hash_for_round(&self, r: U256) -> B256 {
        self.hashes.get(&r).copied().unwrap_or_default()
    }
    fn is_used(&self, h: &B256) -> bool {
        self.used.contains(h)
    }
    fn sender_funds(&self, s: &Address) -> SenderFunds {
        self.funds.get(s).copied().unwrap_or_default()
    }
    fn claimable_reserve(&self, _: &Address, _: &Address) -> U256 {
        U256::ZERO
    }
    fn is_active(&self, _: &Address) -> bool {
        true
    }
}

const O: Address = Address::repeat_byte(0x0f);
const PRICE: PricePerPixel = PricePerPixel { num: 900, den: 1 };
const BLOCK: u64 = 1000;
const GAS_PRICE: u64 = 10_000_000; // 0.01 gwei

fn world() -> (Mem, Recipient, Sender<PrivateKeySigner>, SenderView) {
    let key = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap();
    let mut mem = Mem { round: 10, ..Default::default() };
    mem.hashes.insert(U256::from(10), keccak256("foo"));
    let deposit = U256::from(10u64).pow(U256::from(17));
    mem.funds.insert(key.address(), SenderFunds { deposit, reserve: deposit, withdraw_round: U256::ZERO });
    let recipient = Recipient::new(O, RecipientSecret::from_bytes([7; 32]), RecipientConfig::default());
    let view = SenderView { last_block: U256::from(BLOCK), last_initialized_round: U256::from(10), deposit, reserve: deposit, withdraw_round: U256::ZERO };
    (mem, recipient, Sender::new(key, SenderConfig::default()), view)
}

fn expiration() -> ExpirationParams {
    ExpirationParams { creation_round: U256::from(10), creation_round_block_hash: keccak256("foo") }
}

fn params(r: &Recipient, sender: Address) -> TicketParams {
    r.ticket_params(sender, PRICE, U256::from(GAS_PRICE), U256::MAX, U256::from(BLOCK), expiration()).unwrap()
}

#[test]
fn batch_round_trip_credits_exact_ev_and_nonces_are_consecutive() {
    let (mem, r, s, view) = world();
    let p = params(&r, s.address());
    assert_eq!(p.face_value, U256::from(1_200_000_000_000_000u64));
    assert_eq!(p.expiration_block, U256::from(BLOCK + 40));
    let key = s.start_session(p.clone());
    let b1 = s.create_ticket_batch(&key, 5, &view).unwrap();
    let b2 = s.create_ticket_batch(&key, 3, &view).unwrap();
    let nonces: Vec<u32> = b1.tickets.iter().chain(&b2.tickets).map(|t| t.0).collect();
    assert_eq!(nonces, (1..=8).collect::<Vec<_>>());
    for b in [&b1, &b2] {
        for (nonce, sig) in &b.tickets {
            let got = r.receive_ticket(&b.params, b.sender, *nonce, sig, U256::from(BLOCK), &mem).unwrap();
            assert_eq!(got.hash, lpx_pm::ticket_hash(&got.ticket));
        }
    }
    let ev = lpx_pm::ticket_ev(p.face_value, p.win_prob);
    assert_eq!(r.balance(&s.address()), ev * num_rational::BigRational::from_integer(8.into()));
}

#[test]
fn concurrent_batches_never_share_a_nonce() {
    let (_, r, s, view) = world();
    let s = Arc::new(s);
    let key = s.start_session(params(&r, s.address()));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || s.create_ticket_batch(&key, 25, &view).unwrap())
        })
        .collect();
    let mut seen = HashSet::new();
    for h in handles {
        for (n, _) in h.join().unwrap().tickets {
            assert!(seen.insert(n), "nonce {n} reused");
        }
    }
    assert_eq!(seen.len(), 100);
}

#[test]
fn recipient_rejections_name_the_failed_check() {
    let (mut mem, r, s, view) = world();
    let p = params(&r, s.address());
    let key = s.start_session(p.clone());
    let b = s.create_ticket_batch(&key, 2, &view).unwrap();
    let (n1, sig1) = b.tickets[0].clone();
    let block = U256::from(BLOCK);

    // Tampered params break the HMAC link: the derived rand no longer matches the hash.
    let mut tampered = p.clone();
    tampered.face_value += U256::from(1);
    assert_eq!(r.receive_ticket(&tampered, b.sender, n1, &sig1, block, &mem), Err(TicketError::RandMismatch));
    // Wrong recipient.
    let other = Recipient::new(Address::repeat_byte(1), RecipientSecret::from_bytes([7; 32]), RecipientConfig::default());
    assert!(matches!(other.receive_ticket(&p, b.sender, n1, &sig1, block, &mem), Err(TicketError::WrongRecipient { .. })));
    // Forged: signature of nonce 2 presented for nonce 1; 64-byte signature.
    let (_, sig2) = b.tickets[1].clone();
    assert_eq!(r.receive_ticket(&p, b.sender, n1, &sig2, block, &mem), Err(TicketError::WrongSigner));
    let compact = Bytes::copy_from_slice(&sig1[..64]);
    let e = r.receive_ticket(&p, b.sender, n1, &compact, block, &mem).unwrap_err();
    assert_eq!(e.reason(), Some("INVALID_SIGNATURE_LENGTH"));
    // Params expired.
    assert!(matches!(r.receive_ticket(&p, b.sender, n1, &sig1, U256::from(BLOCK + 40), &mem), Err(TicketError::ParamsExpired { .. })));
    // Accepted once, then a replay.
    r.receive_ticket(&p, b.sender, n1, &sig1, block, &mem).unwrap();
    assert_eq!(r.receive_ticket(&p, b.sender, n1, &sig1, block, &mem), Err(TicketError::Used));
    // Sender unlocking next round.
    mem.funds.get_mut(&b.sender).unwrap().withdraw_round = U256::from(11);
    assert!(matches!(r.receive_ticket(&p, b.sender, 2, &sig2, block, &mem), Err(TicketError::SenderUnlocking { .. })));
    mem.funds.get_mut(&b.sender).unwrap().withdraw_round = U256::ZERO;
    // Wrong round / expired creation round: the chain decides.
    mem.round = 12;
    assert_eq!(r.receive_ticket(&p, b.sender, 2, &sig2, block, &mem), Err(TicketError::Expired));
    mem.hashes.insert(U256::from(10), keccak256("reorged"));
    assert_eq!(r.receive_ticket(&p, b.sender, 2, &sig2, block, &mem), Err(TicketError::BlockHashInvalid));
}

#[test]
fn nonce_cap_per_rand() {
    let (mem, _, s, view) = world();
    let cfg = RecipientConfig { nonce_cap: 3, ..Default::default() };
    let r = Recipient::new(O, RecipientSecret::from_bytes([7; 32]), cfg);
    let p = params(&r, s.address());
    let key = s.start_session(p.clone());
    let b = s.create_ticket_batch(&key, 4, &view).unwrap();
    for (n, sig) in &b.tickets[..3] {
        r.receive_ticket(&p, b.sender, *n, sig, U256::from(BLOCK), &mem).unwrap();
    }
    let (n, sig) = &b.tickets[3];
    assert_eq!(r.receive_ticket(&p, b.sender, *n, sig, U256::from(BLOCK), &mem), Err(TicketError::NonceCapReached { cap: 3 }));
    // Pruning at expiry forgets the rand.
    r.prune(p.expiration_block);
}

#[test]
fn sender_pre_send_checks() {
    let (_, r, s, view) = world();
    let p = params(&r, s.address());
    let key = s.start_session(p.clone());
    let check = |v: SenderView, n: u32| s.create_ticket_batch(&key, n, &v).unwrap_err();
    assert!(matches!(check(SenderView { last_block: U256::from(BLOCK + 39), ..view }, 1), SenderError::ParamsExpired { .. }));
    assert!(matches!(check(SenderView { deposit: U256::ZERO, reserve: U256::ZERO, ..view }, 1), SenderError::FundsZero));
    assert!(matches!(check(SenderView { deposit: U256::from(1000), ..view }, 1), SenderError::FaceValueAboveDeposit { .. }));
    assert!(matches!(check(SenderView { withdraw_round: U256::from(11), ..view }, 1), SenderError::Unlocking { .. }));
    // 8e9 EV × 2501 > 2e13.
    assert!(matches!(check(view, 2501), SenderError::TotalEvTooHigh { .. }));
    assert!(matches!(s.create_ticket_batch(&B256::ZERO, 1, &view).unwrap_err(), SenderError::UnknownSession(_)));
    // A face value at or below EV is refused; an EV above the cap too.
    let mut cheap = p.clone();
    cheap.win_prob = U256::MAX;
    cheap.recipient_rand_hash = B256::repeat_byte(1);
    let k2 = s.start_session(cheap);
    assert!(matches!(s.create_ticket_batch(&k2, 1, &view).unwrap_err(), SenderError::TicketEvTooHigh { .. }));
    let mut at_ev = p.clone();
    at_ev.face_value = U256::from(1000);
    at_ev.win_prob = U256::MAX;
    at_ev.recipient_rand_hash = B256::repeat_byte(2);
    let k3 = s.start_session(at_ev);
    assert!(matches!(s.create_ticket_batch(&k3, 1, &view).unwrap_err(), SenderError::FaceValueNotAboveEv { .. }));
}

#[test]
fn winners_are_redeemable_exactly_once() {
    let (mut mem, _, _, view) = world();
    let s = Sender::new(
        PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap(),
        SenderConfig { max_ticket_ev: U256::MAX, max_total_ev: U256::MAX, ..Default::default() },
    );
    let mut cfg = RecipientConfig::default();
    // EV one wei below the face value: the ticket wins with probability 1 − 8×10⁻¹⁶.
    cfg.face_value.ticket_ev = U256::from(1_200_000_000_000_000u64 - 1);
    let r = Recipient::new(O, RecipientSecret::from_bytes([9; 32]), cfg);
    let p = params(&r, s.address());
    assert_eq!(p.face_value, U256::from(1_200_000_000_000_000u64));
    let key = s.start_session(p.clone());
    let b = s.create_ticket_batch(&key, 1, &SenderView { ..view }).unwrap_or_else(|e| panic!("{e}"));
    let (n, sig) = &b.tickets[0];
    let got = r.receive_ticket(&p, b.sender, *n, sig, U256::from(BLOCK), &mem).unwrap();
    assert!(got.won);
    let red = check_redemption(&got.ticket, &got.sig, got.recipient_rand, &mem).unwrap();
    assert_eq!(red.amount, p.face_value);
    mem.used.insert(red.hash);
    assert_eq!(check_redemption(&got.ticket, &got.sig, got.recipient_rand, &mem), Err(TicketError::Used));
}

#[test]
fn concurrent_intake_credits_each_ticket_once() {
    // Four threads take the same 12 tickets, each in its own order: every ticket is
    // accepted by exactly one of them, the others see it as used.
    let (mem, r, s, view) = world();
    let p = params(&r, s.address());
    let key = s.start_session(p.clone());
    let b = s.create_ticket_batch(&key, 12, &view).unwrap();
    let accepted: Vec<Vec<u32>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let (r, p, b, mem) = (&r, &p, &b, &mem);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    let len = b.tickets.len();
                    for k in 0..len {
                        // Rotated per thread, and backwards for odd threads.
                        let k = if t % 2 == 1 { len - 1 - k } else { k };
                        let (n, sig) = &b.tickets[(k + 3 * t) % len];
                        match r.receive_ticket(p, b.sender, *n, sig, U256::from(BLOCK), mem) {
                            Ok(_) => mine.push(*n),
                            Err(e) => assert_eq!(e, TicketError::Used),
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<u32> = accepted.into_iter().flatten().collect();
    all.sort_unstable();
    assert_eq!(all, (1..=12).collect::<Vec<_>>());
    let ev = lpx_pm::ticket_ev(p.face_value, p.win_prob);
    assert_eq!(r.balance(&s.address()), ev * num_rational::BigRational::from_integer(12.into()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Whatever order and repetition tickets arrive in, each (rand, nonce) is credited once.
    #[test]
    fn each_ticket_is_credited_at_most_once(order in proptest::collection::vec(0usize..6, 1..30)) {
        let (mem, r, s, view) = world();
        let p = params(&r, s.address());
        let key = s.start_session(p.clone());
        let b = s.create_ticket_batch(&key, 6, &view).unwrap();
        let mut accepted = HashSet::new();
        for i in order {
            let (n, sig) = &b.tickets[i];
            match r.receive_ticket(&p, b.sender, *n, sig, U256::from(BLOCK), &mem) {
                Ok(_) => prop_assert!(accepted.insert(*n)),
                Err(e) => {
                    prop_assert_eq!(e, TicketError::Used);
                    prop_assert!(accepted.contains(n));
                }
            }
        }
        let ev = lpx_pm::ticket_ev(p.face_value, p.win_prob);
        prop_assert_eq!(r.balance(&s.address()), ev * num_rational::BigRational::from_integer(accepted.len().into()));
    }
}
