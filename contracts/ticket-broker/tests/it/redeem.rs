//! Redemption: every revert of spec §8.3 (V52), the payment paths (V51), the batch (V54)
//! and the reserve split.

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use lpx_abi::ticket_broker::{encode_aux_data, reasons, ticket_hash, ITicketBroker, Ticket, SECP256K1_HALF_N};
use lpx_pm::check_redemption;
use proptest::prelude::*;

use crate::harness::*;

fn setup() -> (Harness, PrivateKeySigner, Address) {
    let mut h = Harness::new();
    let key = sender_key();
    let s = key.address();
    h.fund(s, 1500, 1000);
    (h, key, s)
}

/// Asserts the contract reverts with `reason` and the off-chain check says the same.
fn both_reject(h: &mut Harness, t: &Ticket, sig: &Bytes, rand: u64, reason: &str) {
    let off = check_redemption(t, sig, U256::from(rand), &View(h)).expect_err("pm accepted");
    assert_eq!(off.reason(), Some(reason), "pm reason");
    assert_eq!(off.to_string(), reason);
    assert_eq!(h.redeem(t, sig, U256::from(rand)), Err(reason.to_string()), "contract reason");
}

#[test]
fn v52_every_check_reverts_with_livepeers_reason_on_and_off_chain() {
    let (mut h, key, s) = setup();
    let good = winning_ticket(s, 100, 1);
    let sig = sign(&key, &good);

    let mut t = good.clone();
    t.recipient = Address::ZERO;
    both_reject(&mut h, &t, &sig, 5, reasons::RECIPIENT_NULL);
    let mut t = good.clone();
    t.sender = Address::ZERO;
    both_reject(&mut h, &t, &sig, 5, reasons::SENDER_NULL);
    let mut t = good.clone();
    t.auxData = Bytes::copy_from_slice(&good.auxData[..63]);
    both_reject(&mut h, &t, &sig, 5, reasons::AUX_DATA_LENGTH);
    // Wrong round: a round with no stored hash, then a hash that is not the round's.
    let mut t = good.clone();
    t.auxData = encode_aux_data(U256::from(9), keccak256("foo"));
    both_reject(&mut h, &t, &sig, 5, reasons::NO_BLOCK_HASH);
    let mut t = good.clone();
    t.auxData = encode_aux_data(U256::from(10), keccak256("bar"));
    both_reject(&mut h, &t, &sig, 5, reasons::BLOCK_HASH_INVALID);
    // Expired: creationRound + 2 <= currentRound.
    h.world.borrow_mut().block_hashes.insert(U256::from(8), keccak256("old"));
    let mut t = good.clone();
    t.auxData = encode_aux_data(U256::from(8), keccak256("old"));
    let old_sig = sign(&key, &t);
    both_reject(&mut h, &t, &old_sig, 5, reasons::EXPIRED);
    both_reject(&mut h, &good, &sig, 6, reasons::RAND_MISMATCH);
    // 64-byte (EIP-2098) signature of the same ticket.
    let compact = Bytes::copy_from_slice(&sig[..64]);
    both_reject(&mut h, &good, &compact, 5, reasons::SIG_LENGTH);
    // The malleable twin (r, n − s, v ^ 1).
    let s_val = U256::from_be_slice(&sig[32..64]);
    let n: U256 = (SECP256K1_HALF_N << 1) + U256::from(1);
    let mut twin = sig.to_vec();
    twin[32..64].copy_from_slice(&(n - s_val).to_be_bytes::<32>());
    twin[64] ^= 0x1b ^ 0x1c;
    both_reject(&mut h, &good, &twin.into(), 5, reasons::SIG_HIGH_S);
    let mut bad_v = sig.to_vec();
    bad_v[64] = 29;
    both_reject(&mut h, &good, &bad_v.into(), 5, reasons::SIG_INVALID);
    // Forged by another key, and a flipped v (recovers to a stranger).
    let forger = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x43)).unwrap();
    both_reject(&mut h, &good, &sign(&forger, &good), 5, reasons::SIG_WRONG_SIGNER);
    let mut flipped = sig.to_vec();
    flipped[64] ^= 0x1b ^ 0x1c;
    both_reject(&mut h, &good, &flipped.into(), 5, reasons::SIG_WRONG_SIGNER);
    let mut t = good.clone();
    t.winProb = U256::ZERO;
    both_reject(&mut h, &t, &sign(&key, &t), 5, reasons::DID_NOT_WIN);

    // The good ticket pays, and then is a replay.
    assert_eq!(check_redemption(&good, &sig, U256::from(5), &View(&h)).unwrap().amount, U256::from(100));
    h.redeem(&good, &sig, U256::from(5)).unwrap();
    both_reject(&mut h, &good, &sig, 5, reasons::USED);
}

#[test]
fn v52_sender_state_and_recipient_checks() {
    let (mut h, key, s) = setup();
    // Unlocked sender: withdraw round 30 reached.
    h.as_sender(s, U256::ZERO, |b| b.unlock()).unwrap();
    h.set_round(30);
    h.world.borrow_mut().block_hashes.insert(U256::from(30), keccak256("r30"));
    let mut t = winning_ticket(s, 100, 1);
    t.auxData = encode_aux_data(U256::from(30), keccak256("r30"));
    both_reject(&mut h, &t, &sign(&key, &t), 5, reasons::SENDER_UNLOCKED);

    // Nothing funded.
    let mut h = Harness::new();
    let t = winning_ticket(s, 100, 1);
    both_reject(&mut h, &t, &sign(&key, &t), 5, reasons::FUNDS_ZERO);

    // Inactive recipient is refused on the fee path (deposit and reserve alike)...
    let (mut h, key, s) = setup();
    h.world.borrow_mut().active.clear();
    let t = winning_ticket(s, 100, 1);
    both_reject(&mut h, &t, &sign(&key, &t), 5, reasons::RECIPIENT_INACTIVE);
    let t = winning_ticket(s, 2000, 2);
    both_reject(&mut h, &t, &sign(&key, &t), 5, reasons::RECIPIENT_INACTIVE);
    // ...but a zero-value ticket still just gets marked used.
    let t = winning_ticket(s, 0, 3);
    h.redeem(&t, &sign(&key, &t), U256::from(5)).unwrap();
    assert!(h.broker.used_tickets(ticket_hash(&t)));
}

#[test]
fn guards_paused_and_uninitialized_round() {
    let (mut h, key, s) = setup();
    let t = winning_ticket(s, 100, 1);
    let sig = sign(&key, &t);
    h.world.borrow_mut().paused = true;
    assert_eq!(h.redeem(&t, &sig, U256::from(5)), Err("system is paused".into()));
    h.world.borrow_mut().paused = false;
    h.world.borrow_mut().initialized = false;
    assert_eq!(h.redeem(&t, &sig, U256::from(5)), Err(reasons::ROUND_NOT_INITIALIZED.into()));
}

#[test]
fn v51_zero_face_value_marks_used_without_fee_update() {
    let (mut h, key, s) = setup();
    let t = winning_ticket(s, 0, 1);
    h.redeem(&t, &sign(&key, &t), U256::from(5)).unwrap();
    assert!(h.broker.used_tickets(ticket_hash(&t)));
    assert!(h.world.borrow().fees.is_empty());
    let logs = h.logs();
    let topics: Vec<B256> = logs.iter().map(|l| l.0[0]).collect();
    assert!(!topics.contains(&ITicketBroker::WinningTicketTransfer::SIGNATURE_HASH));
    assert_eq!(*topics.last().unwrap(), ITicketBroker::WinningTicketRedeemed::SIGNATURE_HASH);
}

#[test]
fn v51_deposit_pays_face_value() {
    let (mut h, key, s) = setup();
    for (nonce, fv) in [(1, 1000u64), (2, 500)] {
        let t = winning_ticket(s, fv, nonce);
        h.redeem(&t, &sign(&key, &t), U256::from(5)).unwrap();
    }
    // 1000 < 1500, then 500 == remaining deposit.
    let fees = h.world.borrow().fees.clone();
    assert_eq!(fees, vec![(RECIPIENT, U256::from(1000), U256::from(10)), (RECIPIENT, U256::from(500), U256::from(10))]);
    let ((deposit, _), (reserve, _)) = h.broker.get_sender_info(s).unwrap();
    assert_eq!((deposit, reserve), (U256::ZERO, U256::from(1000)));
    let logs = h.logs();
    let last = logs.last().unwrap();
    let ev = ITicketBroker::WinningTicketRedeemed::decode_raw_log(last.0.iter().copied(), &last.1).unwrap();
    assert_eq!((ev.sender, ev.recipient, ev.faceValue, ev.recipientRand), (s, RECIPIENT, U256::from(500), U256::from(5)));
    assert_eq!(ev.senderNonce, U256::from(2));
    let transfer = &logs[logs.len() - 2];
    let ev = ITicketBroker::WinningTicketTransfer::decode_raw_log(transfer.0.iter().copied(), &transfer.1).unwrap();
    assert_eq!(ev.amount, U256::from(500));
}

#[test]
fn face_value_above_deposit_draws_on_reserve_allocation() {
    let (mut h, key, s) = setup();
    h.world.borrow_mut().pool_size = U256::from(2);
    // Allocation = 1000 / 2 = 500; ticket of 3000 takes deposit 1500 + 500.
    let t = winning_ticket(s, 3000, 1);
    h.redeem(&t, &sign(&key, &t), U256::from(5)).unwrap();
    assert_eq!(h.world.borrow().fees, vec![(RECIPIENT, U256::from(2000), U256::from(10))]);
    assert_eq!(h.broker.claimed_reserve(s, RECIPIENT).unwrap(), U256::from(500));
    assert_eq!(h.broker.claimable_reserve(s, RECIPIENT).unwrap(), U256::ZERO);
    assert_eq!(h.broker.get_reserve_info(s).unwrap(), (U256::from(500), U256::from(500)));
    let claimed = h.logs().into_iter().find(|l| l.0[0] == ITicketBroker::ReserveClaimed::SIGNATURE_HASH).unwrap();
    let ev = ITicketBroker::ReserveClaimed::decode_raw_log(claimed.0.iter().copied(), &claimed.1).unwrap();
    assert_eq!((ev.reserveHolder, ev.claimant, ev.amount), (s, RECIPIENT, U256::from(500)));
    // Next round the allocation is recomputed from what is left: 500 / 2.
    h.set_round(11);
    assert_eq!(h.broker.claimable_reserve(s, RECIPIENT).unwrap(), U256::from(250));
    // Inactive claimants get nothing.
    assert_eq!(h.broker.claimable_reserve(s, Address::repeat_byte(9)).unwrap(), U256::ZERO);
}

#[test]
fn failed_fee_credit_leaves_no_trace() {
    let (mut h, key, s) = setup();
    h.world.borrow_mut().fee_revert = Some(lpx_contracts_common::err("boom"));
    let t = winning_ticket(s, 3000, 1);
    assert_eq!(h.redeem(&t, &sign(&key, &t), U256::from(5)), Err("boom".into()));
    assert!(!h.broker.used_tickets(ticket_hash(&t)));
    assert_eq!(h.broker.get_sender_info(s).unwrap(), ((U256::from(1500), U256::ZERO), (U256::from(1000), U256::ZERO)));
}

#[test]
fn v54_batch_skips_failures_silently() {
    let (mut h, key, s) = setup();
    let t = winning_ticket(s, 100, 1);
    let sig = sign(&key, &t);
    let rand = U256::from(5);
    h.batch(&[t.clone(), t.clone()], &[sig.clone(), sig.clone()], &[rand, rand]).unwrap();
    assert_eq!(h.world.borrow().fees.len(), 1);
    let redeemed = |h: &Harness| h.logs().iter().filter(|l| l.0[0] == ITicketBroker::WinningTicketRedeemed::SIGNATURE_HASH).count();
    assert_eq!(redeemed(&h), 1);
    // Both invalid: no event, no revert.
    let mut bad = winning_ticket(s, 100, 2);
    bad.winProb = U256::ZERO;
    h.batch(&[bad.clone(), t.clone()], &[sign(&key, &bad), sig.clone()], &[rand, rand]).unwrap();
    assert_eq!(redeemed(&h), 1);
    assert_eq!(h.batch(std::slice::from_ref(&t), &[], &[rand]), Err(reasons::BATCH_LENGTH.to_string()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// N active orchestrators each redeem winning tickets against one sender with no
    /// deposit: each takes at most reserve / N per round, and all together never more
    /// than the reserve.
    #[test]
    fn reserve_split_never_exceeds_reserve(
        n in 1usize..6,
        reserve in 1u64..1_000_000,
        faces in proptest::collection::vec(1u64..600_000, 1..12),
    ) {
        let mut h = Harness::new();
        let key = sender_key();
        let s = key.address();
        h.fund(s, 0, reserve);
        let os: Vec<Address> = (0..n).map(|i| Address::repeat_byte(0xa0 + i as u8)).collect();
        h.world.borrow_mut().pool_size = U256::from(n);
        h.world.borrow_mut().active.extend(os.iter().copied());
        for (i, fv) in faces.iter().enumerate() {
            let mut t = winning_ticket(s, *fv, i as u64 + 1);
            t.recipient = os[i % n];
            let sig = sign(&key, &t);
            let _ = h.redeem_as(t.recipient, &t, &sig, U256::from(5));
        }
        let share = U256::from(reserve / n as u64);
        let mut total = U256::ZERO;
        for o in &os {
            let c = h.broker.claimed_reserve(s, *o).unwrap();
            prop_assert!(c <= share);
            total += c;
        }
        let paid: U256 = h.world.borrow().fees.iter().map(|f| f.1).sum();
        prop_assert_eq!(paid, total);
        prop_assert!(total <= U256::from(reserve));
        let (funds, claimed) = h.broker.get_reserve_info(s).unwrap();
        prop_assert_eq!(funds + claimed, U256::from(reserve));
    }
}
