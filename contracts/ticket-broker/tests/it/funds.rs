//! Funding, unlock and withdraw (spec §8.3, V53) and the admin setters.

use alloy::{
    primitives::{Address, B256, U256},
    sol_types::SolEvent,
};
use lpx_abi::{
    manager::IManager,
    ticket_broker::{reasons, ITicketBroker},
};

use crate::harness::*;

const B: Address = Address::repeat_byte(0xb1);
const THIRD: Address = Address::repeat_byte(0xc3);

fn err<T: std::fmt::Debug>(r: Result<T, Vec<u8>>) -> String {
    Harness::reason(&r.unwrap_err())
}

#[test]
fn funding_credits_forwards_eth_to_minter_and_emits() {
    let mut h = Harness::new();
    h.as_sender(B, U256::from(7), |b| b.fund_deposit()).unwrap();
    h.as_sender(B, U256::from(5), |b| b.fund_reserve()).unwrap();
    h.fund(B, 3, 4);
    assert_eq!(h.broker.get_sender_info(B).unwrap(), ((U256::from(10), U256::ZERO), (U256::from(9), U256::ZERO)));
    assert_eq!(h.world.borrow().deposits, vec![U256::from(7), U256::from(5), U256::from(7)]);
    let topics: Vec<_> = h.logs().iter().map(|l| l.0[0]).collect();
    assert_eq!(
        topics,
        vec![
            ITicketBroker::DepositFunded::SIGNATURE_HASH,
            ITicketBroker::ReserveFunded::SIGNATURE_HASH,
            ITicketBroker::ReserveFunded::SIGNATURE_HASH,
            ITicketBroker::DepositFunded::SIGNATURE_HASH,
        ]
    );
    let last = h.logs().pop().unwrap();
    let ev = ITicketBroker::DepositFunded::decode_raw_log(last.0.iter().copied(), &last.1).unwrap();
    assert_eq!((ev.sender, ev.amount), (B, U256::from(3)));
    assert_eq!(err(h.as_sender(B, U256::from(6), |b| b.fund_deposit_and_reserve(U256::from(3), U256::from(4)))), reasons::VALUE_MISMATCH);
    // dep + res overflowing is a mismatch too, not a panic.
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.fund_deposit_and_reserve(U256::MAX, U256::from(1)))), reasons::VALUE_MISMATCH);
    h.world.borrow_mut().paused = true;
    assert_eq!(err(h.as_sender(B, U256::from(1), |b| b.fund_deposit())), "system is paused");
}

#[test]
fn v53_unlock_cancel_and_withdraw() {
    let mut h = Harness::new();
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.unlock())), reasons::FUNDS_ZERO);
    h.fund(B, 1000, 500);
    h.as_sender(B, U256::ZERO, |b| b.unlock()).unwrap();
    assert!(h.broker.is_unlock_in_progress(B));
    assert_eq!(h.broker.get_sender_info(B).unwrap().0 .1, U256::from(30));
    let last = h.logs().pop().unwrap();
    let ev = ITicketBroker::Unlock::decode_raw_log(last.0.iter().copied(), &last.1).unwrap();
    assert_eq!((ev.sender, ev.startRound, ev.endRound), (B, U256::from(10), U256::from(30)));
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.unlock())), reasons::UNLOCK_IN_PROGRESS);

    // A third party's top-up does not cancel the unlock (Aug 2023 fix)...
    h.as_sender(THIRD, U256::ZERO, |b| b.fund_deposit_and_reserve_for(B, U256::ZERO, U256::ZERO)).unwrap();
    assert!(h.broker.is_unlock_in_progress(B));
    // ...the sender's own does.
    h.as_sender(B, U256::from(1), |b| b.fund_deposit()).unwrap();
    assert!(!h.broker.is_unlock_in_progress(B));
    assert!(h.logs().iter().any(|l| l.0[0] == ITicketBroker::UnlockCancelled::SIGNATURE_HASH));
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.cancel_unlock())), reasons::NO_UNLOCK);
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.withdraw())), reasons::NO_UNLOCK);

    h.as_sender(B, U256::ZERO, |b| b.unlock()).unwrap();
    h.set_round(29);
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.withdraw())), reasons::LOCKED);
    h.set_round(30);
    h.as_sender(B, U256::ZERO, |b| b.withdraw()).unwrap();
    assert_eq!(h.world.borrow().withdrawals, vec![(B, U256::from(1501))]);
    let last = h.logs().pop().unwrap();
    let ev = ITicketBroker::Withdrawal::decode_raw_log(last.0.iter().copied(), &last.1).unwrap();
    assert_eq!((ev.deposit, ev.reserve), (U256::from(1001), U256::from(500)));
    // withdrawRound is kept (spec §16 item 24); funds are gone.
    assert_eq!(h.broker.get_sender_info(B).unwrap(), ((U256::ZERO, U256::from(30)), (U256::ZERO, U256::ZERO)));
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.withdraw())), reasons::FUNDS_ZERO);
}

#[test]
fn cancel_unlock_emits() {
    let mut h = Harness::new();
    h.fund(B, 1, 0);
    h.as_sender(B, U256::ZERO, |b| b.unlock()).unwrap();
    h.as_sender(B, U256::ZERO, |b| b.cancel_unlock()).unwrap();
    let last = h.logs().pop().unwrap();
    assert_eq!(last.0, vec![ITicketBroker::UnlockCancelled::SIGNATURE_HASH, B.into_word()]);
}

#[test]
fn setters_are_owner_only_and_validated() {
    let mut h = Harness::new();
    assert_eq!(h.broker.unlock_period(), U256::from(20));
    assert_eq!(h.broker.ticket_validity_period(), U256::from(2));
    assert_eq!(err(h.as_sender(B, U256::ZERO, |b| b.set_unlock_period(U256::from(1)))), "caller must be Controller owner");
    assert_eq!(err(h.as_owner(|b| b.set_ticket_validity_period(U256::ZERO))), reasons::VALIDITY_ZERO);
    h.as_owner(|b| b.set_unlock_period(U256::from(3))).unwrap();
    assert_eq!(h.broker.unlock_period(), U256::from(3));
    let last = h.logs().pop().unwrap();
    let ev = IManager::ParameterUpdate::decode_raw_log(last.0.iter().copied(), &last.1).unwrap();
    assert_eq!(ev.param, "unlockPeriod");
    assert_eq!(h.broker.controller(), CONTROLLER);
}

#[test]
fn storage_layout_matches_livepeer() {
    let mut h = Harness::new();
    h.fund(B, 1000, 500);
    let vm = h.host.vm();
    assert_eq!(vm.get_storage(U256::ZERO), CONTROLLER.into_word());
    assert_eq!(vm.get_storage(U256::from(4)), B256::from(U256::from(20)));
    assert_eq!(vm.get_storage(U256::from(6)), B256::from(U256::from(2)));
    // senders[B].deposit at keccak(pad(B) ‖ 3); reserves[B].funds at keccak(pad(B) ‖ 2).
    let slot = |base: u8| {
        let mut k = [0u8; 64];
        k[12..32].copy_from_slice(B.as_slice());
        k[63] = base;
        U256::from_be_bytes(alloy::primitives::keccak256(k).0)
    };
    assert_eq!(vm.get_storage(slot(3)), B256::from(U256::from(1000)));
    assert_eq!(vm.get_storage(slot(2)), B256::from(U256::from(500)));
}
