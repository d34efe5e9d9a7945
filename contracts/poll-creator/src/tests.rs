//! Unit tests on the TestVM: the stake rule (spec V64), the clone and its initialization,
//! the event, and the entry point against malformed and arbitrary calldata.

use alloc::vec::Vec;

use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use lpx_abi::{
    bonding_manager::IBondingManager,
    poll::{IPoll, IPollCreator},
};
use lpx_contracts_common::{ids, revert::err, testing::*};

use super::*;

const CONTROLLER: Address = address!("00000000000000000000000000000000000c0111");
const BM: Address = address!("00000000000000000000000000000000000b0b0b");
const IMPL: Address = address!("000000000000000000000000000000000000f011");
const CLONE: Address = address!("00000000000000000000000000000000000c10e1");
const ALICE: Address = address!("00000000000000000000000000000000000000aa");
const PERIOD: u64 = 200;

fn lpt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

fn setup() -> (TestHost, PollCreator) {
    let host = TestHost::new();
    let mut pc = PollCreator::from(&host);
    pc.constructor(CONTROLLER, IMPL, U256::from(PERIOD)).unwrap();
    host.mock_get_contract(CONTROLLER, ids::BONDING_MANAGER, BM);
    host.vm().mock_deploy(clone_init_code(IMPL).to_vec(), None, Ok(CLONE));
    (host, pc)
}

fn stakes(host: &TestHost, own: U256, total: U256) {
    host.mock_view(BM, &IBondingManager::pendingStakeCall { _delegator: ALICE, _endRound: U256::ZERO }, own);
    host.mock_view(BM, &IBondingManager::transcoderTotalStakeCall { _transcoder: ALICE }, total);
}

fn init_call(end: u64) -> Vec<u8> {
    IPoll::initializeCall { _endBlock: U256::from(end) }.abi_encode()
}

#[test]
fn constants_and_configuration() {
    let (_, pc) = setup();
    assert_eq!(pc.quorum(), U256::from(333_300));
    assert_eq!(pc.quota(), U256::from(500_000));
    assert_eq!(pc.poll_creation_cost(), lpt(100));
    assert_eq!(pc.poll_period(), U256::from(PERIOD));
    assert_eq!(pc.controller(), CONTROLLER);
    assert_eq!(pc.poll_implementation(), IMPL);
    assert_eq!(pc.bonding_manager(), Ok(BM));
}

#[test]
fn constructor_rejects_zeros() {
    let host = TestHost::new();
    let mut pc = PollCreator::from(&host);
    assert_eq!(pc.constructor(Address::ZERO, IMPL, U256::from(1)), Err(err(ERR_CONFIG)));
    assert_eq!(pc.constructor(CONTROLLER, Address::ZERO, U256::from(1)), Err(err(ERR_CONFIG)));
    assert_eq!(pc.constructor(CONTROLLER, IMPL, U256::ZERO), Err(err(ERR_CONFIG)));
}

/// V64: own stake of exactly 100 LPT suffices; the poll ends POLL_PERIOD blocks after this
/// one; the clone is initialized with that block; PollCreated carries QUORUM and QUOTA.
#[test]
fn creates_with_own_stake_at_the_threshold() {
    let (host, mut pc) = setup();
    stakes(&host, lpt(100), U256::ZERO);
    host.mock_call(CLONE, init_call(1_000 + PERIOD), U256::ZERO, Ok(Vec::new()));
    host.vm().set_block_number(1_000);
    host.vm().set_sender(ALICE);
    let proposal = Bytes::from_static(b"QmWBPdeDCi8uxQrUyTV38xwaeYxgmjQmx1Zkiw4vgQhj7x");
    pc.create_poll(proposal.clone()).unwrap();
    // The own stake sufficed: the orchestrator's total was not read.
    let total = IBondingManager::transcoderTotalStakeCall { _transcoder: ALICE }.abi_encode();
    assert!(host.calls().iter().all(|c| c.data != total));
    assert_eq!(host.calls_to(CallKind::Call, CLONE), alloc::vec![(init_call(1_200), U256::ZERO)]);
    let logs = host.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].0[1], CLONE.into_word()); // poll is indexed
    let ev = IPollCreator::PollCreated::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
    assert_eq!((ev.poll, ev.proposal, ev.endBlock, ev.quorum, ev.quota), (CLONE, proposal, U256::from(1_200), U256::from(333_300), U256::from(500_000)));
}

#[test]
fn creates_with_total_stake_of_an_orchestrator() {
    let (host, mut pc) = setup();
    stakes(&host, lpt(10), lpt(100));
    host.mock_call(CLONE, init_call(PERIOD + 5), U256::ZERO, Ok(Vec::new()));
    host.vm().set_block_number(5);
    host.vm().set_sender(ALICE);
    pc.create_poll(Bytes::from_static(b"x")).unwrap();
    assert_eq!(host.logs().len(), 1);
}

#[test]
fn refuses_below_100_lpt() {
    let (host, mut pc) = setup();
    stakes(&host, lpt(100) - U256::from(1), lpt(100) - U256::from(1));
    host.vm().set_sender(ALICE);
    assert_eq!(pc.create_poll(Bytes::new()), Err(err("PollCreator#createPoll: INSUFFICIENT_STAKE")));
    assert!(host.logs().is_empty());
}

#[test]
fn failures_of_peers_surface() {
    let (host, mut pc) = setup();
    host.vm().set_sender(ALICE);
    // A BondingManager that answers garbage.
    let own = IBondingManager::pendingStakeCall { _delegator: ALICE, _endRound: U256::ZERO }.abi_encode();
    host.mock_static_call(BM, own, Ok(alloc::vec![1, 2]));
    assert_eq!(pc.create_poll(Bytes::new()), Err(err(ERR_BAD_REPLY)));
    // The clone refusing initialization bubbles its reason.
    stakes(&host, lpt(100), U256::ZERO);
    host.vm().set_block_number(10);
    host.mock_call(CLONE, init_call(10 + PERIOD), U256::ZERO, Err(err("Poll: already initialized")));
    assert_eq!(pc.create_poll(Bytes::new()), Err(err("Poll: already initialized")));
    // A failed CREATE reverts and emits nothing. (On a chain the revert data is the init
    // code's, empty, which becomes ERR_CREATE; TestHost would hand back the previous call's
    // return data, so only the failure is asserted here.)
    let host = TestHost::new();
    let mut pc = PollCreator::from(&host);
    pc.constructor(CONTROLLER, IMPL, U256::from(PERIOD)).unwrap();
    host.mock_get_contract(CONTROLLER, ids::BONDING_MANAGER, BM);
    stakes(&host, lpt(100), U256::ZERO);
    host.vm().set_sender(ALICE);
    assert!(pc.create_poll(Bytes::new()).is_err());
    assert!(host.logs().is_empty());
}

#[test]
fn end_block_overflow_panics_as_solidity() {
    let host = TestHost::new();
    let mut pc = PollCreator::from(&host);
    pc.constructor(CONTROLLER, IMPL, U256::MAX).unwrap();
    host.mock_get_contract(CONTROLLER, ids::BONDING_MANAGER, BM);
    stakes(&host, lpt(100), U256::ZERO);
    host.vm().set_block_number(1);
    host.vm().set_sender(ALICE);
    assert_eq!(pc.create_poll(Bytes::new()), Err(lpx_contracts_common::revert::panic(0x11)));
}

mod entry_tests {
    use super::*;
    use crate::entry::poll_creator_entry as entry;

    fn constructed() -> (TestHost, Vec<u8>) {
        constructed_through_entry(entry, &(CONTROLLER, IMPL, U256::from(PERIOD)).abi_encode_params())
    }

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let (host, ctor) = constructed();
        // No function takes an address first; check the generic cases by hand.
        let fails = |value: U256, data: &[u8]| revert_message(&call_entry(&host, entry, ALICE, value, data).unwrap_err());
        assert_eq!(fails(U256::ZERO, &[]), lpx_contracts_common::entry::ERR_SELECTOR);
        assert_eq!(fails(U256::ZERO, &[0xde, 0xad, 0xbe, 0xef]), lpx_contracts_common::entry::ERR_SELECTOR);
        let mut truncated = IPollCreator::createPollCall::SELECTOR.to_vec();
        truncated.extend_from_slice(&[0u8; 31]);
        assert_eq!(fails(U256::ZERO, &truncated), lpx_contracts_common::entry::ERR_CALLDATA_OR_SILENT);
        let create = IPollCreator::createPollCall { _proposal: Bytes::new() }.abi_encode();
        assert_eq!(fails(U256::from(1), &create), lpx_contracts_common::entry::ERR_VALUE);
        assert_eq!(fails(U256::ZERO, &ctor), lpx_contracts_common::entry::ERR_CONSTRUCTED);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let (host, _) = constructed();
        host.mock_get_contract(CONTROLLER, ids::BONDING_MANAGER, BM);
        check_arbitrary_calldata(&host, entry, IPollCreator::IPollCreatorCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
