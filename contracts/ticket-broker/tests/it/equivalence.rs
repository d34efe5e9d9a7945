//! Property: the off-chain check (`lpx_pm::check_redemption`) accepts a ticket iff the
//! contract redeems it, with the same reason when both refuse and the same amount when
//! both pay.

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
};
use lpx_abi::ticket_broker::{encode_aux_data, SECP256K1_HALF_N};
use lpx_pm::check_redemption;
use proptest::prelude::*;

use crate::harness::*;

#[derive(Debug, Clone)]
struct Case {
    recipient_null: bool,
    sender_null: bool,
    aux_len: usize,
    creation_round: u64,
    wrong_hash: bool,
    wrong_rand: bool,
    sig_kind: u8,
    win_prob: U256,
    face_value: u64,
    deposit: u64,
    reserve: u64,
    unlock: u8,
    active: bool,
    pool_size: u64,
    replay: bool,
    random_sig: [u8; 65],
}

fn case() -> impl Strategy<Value = Case> {
    (
        (any::<bool>(), any::<bool>(), prop_oneof![4 => Just(64usize), 1 => 0usize..100], 7u64..12),
        (prop_oneof![6 => Just(false), 1 => Just(true)], prop_oneof![6 => Just(false), 1 => Just(true)]),
        (0u8..8, prop_oneof![Just(U256::MAX), Just(U256::ZERO), any::<[u8; 32]>().prop_map(U256::from_be_bytes)]),
        (0u64..3000, prop_oneof![Just(0u64), 0u64..2000], prop_oneof![Just(0u64), 0u64..2000]),
        (0u8..3, any::<bool>(), 0u64..4, prop_oneof![6 => Just(false), 1 => Just(true)]),
        proptest::collection::vec(any::<u8>(), 65),
    )
        .prop_map(|((rn, sn, aux_len, cr), (wh, wr), (sig_kind, win_prob), (fv, dep, res), (unlock, active, pool, replay), rs)| {
            let mut random_sig = [0u8; 65];
            random_sig.copy_from_slice(&rs);
            Case {
                // Null addresses are rare so most cases reach the deeper checks.
                recipient_null: rn && sn && cr == 7,
                sender_null: rn && !sn && cr == 7,
                aux_len,
                creation_round: cr,
                wrong_hash: wh,
                wrong_rand: wr,
                sig_kind,
                win_prob,
                face_value: fv,
                deposit: dep,
                reserve: res,
                unlock,
                active,
                pool_size: pool,
                replay,
                random_sig,
            }
        })
}

fn build(h: &mut Harness, key: &PrivateKeySigner, c: &Case) -> (lpx_abi::ticket_broker::Ticket, Bytes, U256) {
    let s = key.address();
    // Rounds 8..=10 have hashes; 7 and 11 do not.
    for r in 8u64..=10 {
        h.world.borrow_mut().block_hashes.insert(U256::from(r), keccak256(r.to_be_bytes()));
    }
    if c.deposit + c.reserve > 0 {
        h.fund(s, c.deposit, c.reserve);
    }
    match c.unlock {
        1 if c.deposit + c.reserve > 0 => {
            // Unlock period 0: withdrawRound = current round, already unlocked.
            h.as_owner(|b| b.set_unlock_period(U256::ZERO)).unwrap();
            h.as_sender(s, U256::ZERO, |b| b.unlock()).unwrap();
        }
        2 if c.deposit + c.reserve > 0 => h.as_sender(s, U256::ZERO, |b| b.unlock()).map(|_| ()).unwrap(),
        _ => {}
    }
    {
        let mut w = h.world.borrow_mut();
        w.pool_size = U256::from(c.pool_size);
        if !c.active {
            w.active.clear();
        }
    }
    let mut t = winning_ticket(s, c.face_value, 1);
    t.winProb = c.win_prob;
    let hash = if c.wrong_hash { keccak256("wrong") } else { keccak256(c.creation_round.to_be_bytes()) };
    let mut aux = encode_aux_data(U256::from(c.creation_round), hash).to_vec();
    aux.resize(c.aux_len, 0xab);
    t.auxData = aux.into();
    if c.recipient_null {
        t.recipient = Address::ZERO;
    }
    if c.sender_null {
        t.sender = Address::ZERO;
    }
    let good = sign(key, &t);
    let sig: Bytes = match c.sig_kind {
        0..=2 => good,
        3 => good[..64].to_vec().into(),
        4 => {
            let mut v = good.to_vec();
            let n: U256 = (SECP256K1_HALF_N << 1) + U256::from(1);
            let s_val = U256::from_be_slice(&v[32..64]);
            v[32..64].copy_from_slice(&(n - s_val).to_be_bytes::<32>());
            v[64] ^= 0x1b ^ 0x1c;
            v.into()
        }
        5 => sign(&PrivateKeySigner::from_bytes(&B256::repeat_byte(0x77)).unwrap(), &t),
        6 => {
            let mut v = good.to_vec();
            v[64] ^= 0x1b ^ 0x1c;
            v.into()
        }
        _ => c.random_sig.to_vec().into(),
    };
    let rand = U256::from(if c.wrong_rand { 6 } else { 5 });
    if c.replay {
        // Redeem it once first (if it can be), so the second attempt is a replay.
        let _ = h.redeem(&t, &sig, rand);
    }
    (t, sig, rand)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pm_accepts_iff_contract_accepts(c in case()) {
        let mut h = Harness::new();
        let key = sender_key();
        let (t, sig, rand) = build(&mut h, &key, &c);
        let off = check_redemption(&t, &sig, rand, &View(&h));
        let fees_before = h.world.borrow().fees.len();
        let on = h.redeem(&t, &sig, rand);
        match (&off, &on) {
            (Ok(r), Ok(())) => {
                let fees = h.world.borrow().fees.clone();
                let paid = if fees.len() > fees_before { fees[fees.len() - 1].1 } else { U256::ZERO };
                prop_assert_eq!(r.amount, paid);
            }
            (Err(e), Err(reason)) => prop_assert_eq!(e.reason(), Some(reason.as_str())),
            _ => prop_assert!(false, "pm {:?} vs contract {:?} for {:?}", off, on, c),
        }
    }
}
