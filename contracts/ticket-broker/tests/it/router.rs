//! The hand-written router (`lpx_ticket_broker::router`): every selector round-trips with
//! the `sol!` ABI; malformed calldata, unknown selectors, ETH sent to non-payable functions
//! and a second constructor call revert with a message; no calldata makes it panic.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    sol_types::{SolCall, SolEvent, SolValue},
};
use lpx_abi::{
    manager::IManager,
    ticket_broker::{ticket_hash, ITicketBroker as I, ReserveInfo, SenderInfo, ABI},
};
use lpx_ticket_broker::router::{is_routed, CONSTRUCTOR_SELECTOR, ERR_CALLDATA, ERR_CONSTRUCTED, ERR_SELECTOR, ERR_VALUE, TABLE};
use proptest::prelude::*;

use crate::harness::*;

const B: Address = Address::repeat_byte(0xb1);

/// A call through the router: (harness, from, value, calldata) -> return data.
type CallFn<'a> = dyn FnMut(&mut Harness, Address, u64, Vec<u8>) -> Vec<u8> + 'a;

fn word(x: u64) -> [u8; 32] {
    U256::from(x).to_be_bytes()
}

/// Selector followed by raw words and bytes.
fn raw(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    let mut d = selector.to_vec();
    for w in words {
        d.extend_from_slice(w);
    }
    d
}

/// The revert reason of a routed call that must fail.
fn reverts(h: &mut Harness, sender: Address, value: u64, data: &[u8]) -> String {
    let e = h.call(sender, U256::from(value), data).expect_err("call succeeded");
    Harness::reason(&e)
}

/// A redeemable ticket of `face` wei from the test sender, its signature and rand.
fn ticket(nonce: u64, face: u64) -> (lpx_abi::ticket_broker::Ticket, Bytes, U256) {
    let key = sender_key();
    let t = winning_ticket(key.address(), face, nonce);
    let sig = sign(&key, &t);
    (t, sig, U256::from(5))
}

#[test]
fn every_selector_round_trips_through_the_router() {
    let mut h = Harness::new();
    let s = sender_key().address();
    let mut seen: BTreeSet<[u8; 4]> = BTreeSet::new();
    let mut call = |h: &mut Harness, from: Address, value: u64, data: Vec<u8>| -> Vec<u8> {
        seen.insert(data[..4].try_into().unwrap());
        match h.call(from, U256::from(value), &data) {
            Ok(out) => out,
            Err(e) => panic!("{:02x?} reverted: {}", &data[..4], Harness::reason(&e)),
        }
    };

    // Payable funding, each credited as the sol! arguments say.
    assert!(call(&mut h, s, 7, I::fundDepositCall {}.abi_encode()).is_empty());
    assert!(call(&mut h, s, 5, I::fundReserveCall {}.abi_encode()).is_empty());
    let both = I::fundDepositAndReserveCall { _depositAmount: U256::from(1000), _reserveAmount: U256::from(500) };
    assert!(call(&mut h, s, 1500, both.abi_encode()).is_empty());
    let for_b = I::fundDepositAndReserveForCall { _addr: B, _depositAmount: U256::from(3), _reserveAmount: U256::from(4) };
    assert!(call(&mut h, s, 7, for_b.abi_encode()).is_empty());
    assert_eq!(h.world.borrow().deposits, vec![U256::from(7), U256::from(5), U256::from(1500), U256::from(7)]);

    // Views, decoded with the sol! return types, equal the Rust methods.
    let out = call(&mut h, s, 0, I::getSenderInfoCall { _sender: s }.abi_encode());
    let info = I::getSenderInfoCall::abi_decode_returns_validate(&out).unwrap();
    assert_eq!(info.sender, SenderInfo { deposit: U256::from(1007), withdrawRound: U256::ZERO });
    assert_eq!(info.reserve, ReserveInfo { fundsRemaining: U256::from(505), claimedInCurrentRound: U256::ZERO });
    let out = call(&mut h, s, 0, I::getReserveInfoCall { _reserveHolder: B }.abi_encode());
    let r = I::getReserveInfoCall::abi_decode_returns_validate(&out).unwrap();
    assert_eq!((r.fundsRemaining, r.claimedInCurrentRound), h.broker.get_reserve_info(B).unwrap());
    assert_eq!(r.fundsRemaining, U256::from(4));
    let out = call(&mut h, s, 0, I::claimableReserveCall { _reserveHolder: s, _claimant: RECIPIENT }.abi_encode());
    assert_eq!(I::claimableReserveCall::abi_decode_returns_validate(&out).unwrap(), U256::from(505));

    // Redemption of one ticket, then a batch of a replay and a fresh one.
    let (t1, sig1, rand) = ticket(1, 100);
    let out = call(&mut h, s, 0, I::getTicketHashCall { _ticket: t1.clone() }.abi_encode());
    assert_eq!(I::getTicketHashCall::abi_decode_returns_validate(&out).unwrap(), ticket_hash(&t1));
    let used = |h: &mut Harness, t: &lpx_abi::ticket_broker::Ticket, call: &mut CallFn<'_>| {
        let out = call(h, s, 0, I::usedTicketsCall { _ticketHash: ticket_hash(t) }.abi_encode());
        I::usedTicketsCall::abi_decode_returns_validate(&out).unwrap()
    };
    assert!(!used(&mut h, &t1, &mut call));
    let redeem = I::redeemWinningTicketCall { _ticket: t1.clone(), _sig: sig1.clone(), _recipientRand: rand };
    assert!(call(&mut h, RECIPIENT, 0, redeem.abi_encode()).is_empty());
    assert!(used(&mut h, &t1, &mut call));
    let (t2, sig2, _) = ticket(2, 200);
    let batch = I::batchRedeemWinningTicketsCall { _tickets: vec![t1.clone(), t2.clone()], _sigs: vec![sig1, sig2], _recipientRands: vec![rand, rand] };
    assert!(call(&mut h, RECIPIENT, 0, batch.abi_encode()).is_empty());
    assert!(used(&mut h, &t2, &mut call));
    let fees: Vec<U256> = h.world.borrow().fees.iter().map(|f| f.1).collect();
    assert_eq!(fees, vec![U256::from(100), U256::from(200)]);
    let redeemed: Vec<_> = h.logs().into_iter().filter(|l| l.0[0] == I::WinningTicketRedeemed::SIGNATURE_HASH).collect();
    let ev = I::WinningTicketRedeemed::decode_raw_log(redeemed[1].0.iter().copied(), &redeemed[1].1).unwrap();
    assert_eq!((ev.faceValue, ev.senderNonce, ev.auxData), (U256::from(200), U256::from(2), t2.auxData.clone()));
    let out = call(&mut h, s, 0, I::claimedReserveCall { _reserveHolder: s, _claimant: RECIPIENT }.abi_encode());
    assert_eq!(I::claimedReserveCall::abi_decode_returns_validate(&out).unwrap(), U256::ZERO);

    // Unlock, cancel, unlock again and withdraw.
    let in_progress = |h: &mut Harness, call: &mut CallFn<'_>| {
        let out = call(h, B, 0, I::isUnlockInProgressCall { _sender: s }.abi_encode());
        I::isUnlockInProgressCall::abi_decode_returns_validate(&out).unwrap()
    };
    assert!(call(&mut h, s, 0, I::unlockCall {}.abi_encode()).is_empty());
    assert!(in_progress(&mut h, &mut call));
    assert!(call(&mut h, s, 0, I::cancelUnlockCall {}.abi_encode()).is_empty());
    assert!(!in_progress(&mut h, &mut call));
    call(&mut h, s, 0, I::unlockCall {}.abi_encode());
    h.set_round(CURRENT_ROUND + 20);
    assert!(call(&mut h, s, 0, I::withdrawCall {}.abi_encode()).is_empty());
    assert_eq!(h.world.borrow().withdrawals, vec![(s, U256::from(1007 - 300 + 505))]);

    // Parameters (owner only) and the Manager functions.
    assert!(call(&mut h, OWNER, 0, I::setUnlockPeriodCall { _unlockPeriod: U256::from(9) }.abi_encode()).is_empty());
    let out = call(&mut h, s, 0, I::unlockPeriodCall {}.abi_encode());
    assert_eq!(I::unlockPeriodCall::abi_decode_returns_validate(&out).unwrap(), U256::from(9));
    let set = I::setTicketValidityPeriodCall { _ticketValidityPeriod: U256::from(4) };
    assert!(call(&mut h, OWNER, 0, set.abi_encode()).is_empty());
    let out = call(&mut h, s, 0, I::ticketValidityPeriodCall {}.abi_encode());
    assert_eq!(I::ticketValidityPeriodCall::abi_decode_returns_validate(&out).unwrap(), U256::from(4));
    let out = call(&mut h, s, 0, I::targetContractIdCall {}.abi_encode());
    assert_eq!(I::targetContractIdCall::abi_decode_returns_validate(&out).unwrap(), B256::ZERO);
    let out = call(&mut h, s, 0, I::controllerCall {}.abi_encode());
    assert_eq!(I::controllerCall::abi_decode_returns_validate(&out).unwrap(), CONTROLLER);
    let new = Address::repeat_byte(0xc2);
    assert!(call(&mut h, CONTROLLER, 0, I::setControllerCall { _controller: new }.abi_encode()).is_empty());
    let last = h.logs().pop().unwrap();
    assert_eq!(IManager::SetController::decode_raw_log(last.0.iter().copied(), &last.1).unwrap().controller, new);
    let out = call(&mut h, s, 0, I::controllerCall {}.abi_encode());
    assert_eq!(I::controllerCall::abi_decode_returns_validate(&out).unwrap(), new);

    let all: BTreeSet<[u8; 4]> = ABI.selectors.iter().copied().collect();
    assert_eq!(seen, all, "every ABI function is exercised");
}

#[test]
fn the_table_is_the_abi_plus_the_constructor() {
    let routed: BTreeSet<u32> = TABLE.iter().map(|e| e.0).collect();
    let mut expected: BTreeSet<u32> = ABI.selectors.iter().map(|s| u32::from_be_bytes(*s)).collect();
    expected.insert(CONSTRUCTOR_SELECTOR);
    assert_eq!(routed, expected);
    assert_eq!(TABLE.len(), expected.len(), "no duplicate selectors");
    assert_eq!(CONSTRUCTOR_SELECTOR.to_be_bytes(), keccak256("stylus_constructor()")[..4]);
    assert!(!is_routed([0xde, 0xad, 0xbe, 0xef]));
}

#[test]
fn unknown_selectors_value_and_constructor_revert_with_messages() {
    let mut h = Harness::new();
    for data in [&[][..], &[0x6c, 0xaa, 0x73][..], &[0xde, 0xad, 0xbe, 0xef, 0, 0][..]] {
        assert_eq!(reverts(&mut h, B, 0, data), ERR_SELECTOR, "{data:02x?}");
    }
    // Value is refused by every non-payable function, accepted by the four payable ones.
    assert_eq!(reverts(&mut h, B, 1, &I::unlockCall {}.abi_encode()), ERR_VALUE);
    assert_eq!(reverts(&mut h, B, 1, &I::unlockPeriodCall {}.abi_encode()), ERR_VALUE);
    let (t, sig, rand) = ticket(1, 1);
    let redeem = I::redeemWinningTicketCall { _ticket: t, _sig: sig, _recipientRand: rand };
    assert_eq!(reverts(&mut h, B, 1, &redeem.abi_encode()), ERR_VALUE);
    h.call(B, U256::from(1), &I::fundDepositCall {}.abi_encode()).unwrap();
    // The constructor ran in Harness::new.
    let mut again = CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec();
    again.extend_from_slice(&B.abi_encode());
    assert_eq!(reverts(&mut h, OWNER, 0, &again), ERR_CONSTRUCTED);
    assert_eq!(reverts(&mut h, OWNER, 1, &again), ERR_VALUE);
    assert_eq!(h.broker.controller(), CONTROLLER);
}

#[test]
fn short_and_dirty_static_arguments_revert() {
    let mut h = Harness::new();
    let sel = I::fundDepositAndReserveForCall::SELECTOR;
    // Two of three words, and 95 of 96 bytes.
    assert_eq!(reverts(&mut h, B, 0, &raw(sel, &[B.into_word().0, word(0)])), ERR_CALLDATA);
    let mut short = raw(sel, &[B.into_word().0, word(0), word(0)]);
    short.pop();
    assert_eq!(reverts(&mut h, B, 0, &short), ERR_CALLDATA);
    // An address word with a bit set above bit 159.
    let mut dirty = B.into_word().0;
    dirty[11] = 1;
    assert_eq!(reverts(&mut h, B, 0, &raw(sel, &[dirty, word(0), word(0)])), ERR_CALLDATA);
    assert_eq!(reverts(&mut h, B, 0, &raw(I::isUnlockInProgressCall::SELECTOR, &[dirty])), ERR_CALLDATA);
    assert_eq!(reverts(&mut h, CONTROLLER, 0, &raw(I::setControllerCall::SELECTOR, &[dirty])), ERR_CALLDATA);
    assert_eq!(reverts(&mut h, B, 0, &raw(I::claimableReserveCall::SELECTOR, &[word(1), dirty])), ERR_CALLDATA);
    assert_eq!(reverts(&mut h, B, 0, &raw(I::usedTicketsCall::SELECTOR, &[])), ERR_CALLDATA);
    assert_eq!(reverts(&mut h, OWNER, 0, &raw(I::setUnlockPeriodCall::SELECTOR, &[])), ERR_CALLDATA);
    // Clean words, and trailing bytes, decode (as Solidity's decoder allows).
    let mut ok = raw(sel, &[B.into_word().0, word(0), word(0)]);
    ok.extend_from_slice(&[1, 2, 3]);
    h.call(B, U256::ZERO, &ok).unwrap();
}

/// Head words of a `redeemWinningTicket` encoding: (ticket offset, sig offset, rand).
const TICKET_OFFSET: usize = 4;
const SIG_OFFSET: usize = 4 + 32;

fn set_word(data: &mut [u8], at: usize, value: U256) {
    data[at..at + 32].copy_from_slice(&value.to_be_bytes::<32>());
}

fn get_word(data: &[u8], at: usize) -> usize {
    U256::from_be_slice(&data[at..at + 32]).to::<usize>()
}

#[test]
fn bad_dynamic_offsets_and_lengths_revert() {
    let mut h = Harness::new();
    h.fund(sender_key().address(), 1000, 0);
    let (t, sig, rand) = ticket(1, 10);
    let good = I::redeemWinningTicketCall { _ticket: t.clone(), _sig: sig, _recipientRand: rand }.abi_encode();
    let ticket_at = 4 + get_word(&good, TICKET_OFFSET);
    let aux_len_at = ticket_at + get_word(&good, ticket_at + 6 * 32);
    let sig_len_at = 4 + get_word(&good, SIG_OFFSET);
    let len = good.len() - 4;
    let cases: Vec<(&str, usize, U256)> = vec![
        ("ticket offset past the end", TICKET_OFFSET, U256::from(len)),
        ("ticket offset of 2^255", TICKET_OFFSET, U256::from(1) << 255),
        ("ticket offset into the last word", TICKET_OFFSET, U256::from(len - 16)),
        ("sig offset past the end", SIG_OFFSET, U256::from(len + 32)),
        ("sig offset of 2^32", SIG_OFFSET, U256::from(1u64 << 32)),
        ("auxData offset past the end", ticket_at + 6 * 32, U256::from(len)),
        ("auxData length past the end", aux_len_at, U256::from(len)),
        ("auxData length of 2^256-1", aux_len_at, U256::MAX),
        ("sig length past the end", sig_len_at, U256::from(97)),
        ("sig length of u32::MAX", sig_len_at, U256::from(u32::MAX)),
        ("recipient with dirty bits", ticket_at, U256::MAX),
        ("sender with dirty bits", ticket_at + 32, U256::from(1) << 160),
    ];
    for (what, at, value) in cases {
        let mut data = good.clone();
        set_word(&mut data, at, value);
        assert_eq!(reverts(&mut h, RECIPIENT, 0, &data), ERR_CALLDATA, "{what}");
    }
    // Truncated anywhere before the signature's last byte (the padding after it is not
    // data): every cut reverts with the message.
    let sig_end = sig_len_at + 32 + 65;
    assert_eq!(sig_end + 31, good.len(), "the signature is the last tail");
    for cut in 4..sig_end {
        let r = h.call(RECIPIENT, U256::ZERO, &good[..cut]);
        assert_eq!(Harness::reason(&r.unwrap_err()), ERR_CALLDATA, "cut at {cut}");
    }
    // getTicketHash reads the same tuple.
    let hash = I::getTicketHashCall { _ticket: t }.abi_encode();
    let mut bad = hash.clone();
    set_word(&mut bad, 4, U256::from(hash.len()));
    assert_eq!(reverts(&mut h, B, 0, &bad), ERR_CALLDATA);
    // Nothing was redeemed by any of these.
    assert!(h.world.borrow().fees.is_empty());
    h.call(RECIPIENT, U256::ZERO, &good).unwrap();
    assert_eq!(h.world.borrow().fees.len(), 1);
}

#[test]
fn bad_batch_arrays_revert_before_redeeming_anything() {
    let mut h = Harness::new();
    h.fund(sender_key().address(), 1000, 0);
    let (t1, sig1, rand) = ticket(1, 10);
    let (t2, sig2, _) = ticket(2, 10);
    let good = I::batchRedeemWinningTicketsCall { _tickets: vec![t1, t2], _sigs: vec![sig1, sig2], _recipientRands: vec![rand, rand] }.abi_encode();
    let tickets_at = 4 + get_word(&good, 4);
    let sigs_at = 4 + get_word(&good, 36);
    let rands_at = 4 + get_word(&good, 68);
    // Second ticket's tuple and its auxData length.
    let t2_at = tickets_at + 32 + get_word(&good, tickets_at + 64);
    let t2_aux_at = t2_at + get_word(&good, t2_at + 6 * 32);
    let sig2_at = sigs_at + 32 + get_word(&good, sigs_at + 64);
    let len = good.len() - 4;
    let cases: Vec<(&str, usize, U256)> = vec![
        ("tickets array offset past the end", 4, U256::from(len)),
        ("rands array offset past the end", 68, U256::from(len + 1)),
        ("tickets length beyond the calldata", tickets_at, U256::from(len / 32)),
        ("tickets length of 2^32 - 1", tickets_at, U256::from(u32::MAX)),
        ("sigs length of 2^64", sigs_at, U256::from(1) << 64),
        ("rands length beyond the calldata", rands_at, U256::from(3)),
        ("second ticket offset past the end", tickets_at + 64, U256::from(len)),
        ("second ticket's auxData length past the end", t2_aux_at, U256::from(len)),
        ("second ticket's recipient dirty", t2_at, U256::MAX),
        ("second sig offset past the end", sigs_at + 64, U256::from(len)),
        ("second sig length past the end", sig2_at, U256::from(len)),
    ];
    for (what, at, value) in cases {
        let mut data = good.clone();
        set_word(&mut data, at, value);
        assert_eq!(reverts(&mut h, RECIPIENT, 0, &data), ERR_CALLDATA, "{what}");
    }
    // The rands are the last tail, so every cut removes data.
    for cut in 4..good.len() {
        let r = h.call(RECIPIENT, U256::ZERO, &good[..cut]);
        assert_eq!(Harness::reason(&r.unwrap_err()), ERR_CALLDATA, "cut at {cut}");
    }
    assert!(h.world.borrow().fees.is_empty());
    h.call(RECIPIENT, U256::ZERO, &good).unwrap();
    assert_eq!(h.world.borrow().fees.len(), 2);
}

fn route_catching(h: &mut Harness, data: &[u8], value: U256) -> Result<Vec<u8>, Vec<u8>> {
    let r = catch_unwind(AssertUnwindSafe(|| h.call(RECIPIENT, value, data)));
    match r {
        Ok(r) => r,
        Err(_) => panic!("panic on calldata 0x{}", alloy::hex::encode(data)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the calldata, the router returns or reverts with data (a message or a
    /// Panic code), never panics and never reverts empty.
    #[test]
    fn arbitrary_calldata_never_panics(
        idx in 0usize..64,
        random_selector in any::<[u8; 4]>(),
        args in proptest::collection::vec(any::<u8>(), 0..400),
        words in proptest::collection::vec(prop_oneof![Just(0u8), Just(0x20), Just(0x40), Just(0xff), any::<u8>()], 0..12),
        value in prop_oneof![Just(0u64), 1u64..1000],
    ) {
        let mut h = Harness::new();
        h.fund(sender_key().address(), 100, 100);
        let selector = if idx < ABI.selectors.len() { ABI.selectors[idx] } else { random_selector };
        // Mix raw bytes with word-shaped data (offsets/lengths) so decoding goes deep.
        let mut data = selector.to_vec();
        for w in &words {
            let mut word = [0u8; 32];
            word[31] = *w;
            if *w == 0xff { word = [0xff; 32]; }
            data.extend_from_slice(&word);
        }
        data.extend_from_slice(&args);
        if let Err(e) = route_catching(&mut h, &data, U256::from(value)) {
            prop_assert!(!e.is_empty(), "empty revert for 0x{}", alloy::hex::encode(&data));
        }
    }

    /// Valid encodings of redemptions with arbitrary ticket fields and byte strings
    /// decode to exactly what was encoded: the router and `getTicketHash` agree with
    /// `lpx_abi::ticket_hash`.
    #[test]
    fn ticket_hash_round_trips_any_ticket(
        recipient in any::<[u8; 20]>(),
        sender in any::<[u8; 20]>(),
        fields in any::<[[u8; 32]; 4]>(),
        aux in proptest::collection::vec(any::<u8>(), 0..130),
    ) {
        let mut h = Harness::new();
        let t = lpx_abi::ticket_broker::Ticket {
            recipient: Address::from(recipient),
            sender: Address::from(sender),
            faceValue: U256::from_be_bytes(fields[0]),
            winProb: U256::from_be_bytes(fields[1]),
            senderNonce: U256::from_be_bytes(fields[2]),
            recipientRandHash: B256::from(fields[3]),
            auxData: aux.into(),
        };
        let out = h.call(B, U256::ZERO, &I::getTicketHashCall { _ticket: t.clone() }.abi_encode()).unwrap();
        prop_assert_eq!(I::getTicketHashCall::abi_decode_returns_validate(&out).unwrap(), ticket_hash(&t));
    }
}
