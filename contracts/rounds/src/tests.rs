//! RoundsManager unit tests: spec §7 and §15.10 (V66, V68), mainnet anchors, every revert.

use alloc::vec::Vec;

use alloy_primitives::{address, b256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use lpx_abi::arbitrum::{IArbSys, ARB_SYS};
use lpx_abi::bonding_manager::IBondingManager;
use lpx_abi::manager::IManager;
use lpx_abi::minter::IMinter;
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{err, panic};
use lpx_contracts_common::testing::{CallKind, TestHost};

use crate::*;

const CONTROLLER: Address = address!("00000000000000000000000000000000000c0111");
const OWNER: Address = address!("000000000000000000000000000000000000a11c");
const BM: Address = address!("00000000000000000000000000000000000000b1");
const MINTER: Address = address!("00000000000000000000000000000000000000e1");
const STRANGER: Address = address!("0000000000000000000000000000000000000bad");
const TAG: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn setup() -> (TestHost, RoundsManager) {
    let host = TestHost::new();
    let mut rm = RoundsManager::from(&host);
    rm.constructor(CONTROLLER);
    host.mock_controller(CONTROLLER, OWNER, false);
    host.mock_get_contract(CONTROLLER, ids::BONDING_MANAGER, BM);
    host.mock_get_contract(CONTROLLER, ids::MINTER, MINTER);
    host.vm().set_sender(OWNER);
    (host, rm)
}

fn at_block(host: &TestHost, block: u64) {
    host.vm().set_block_number(block);
}

fn mock_round_peers(host: &TestHost, arb_block: u64) {
    host.mock_view(ARB_SYS, &IArbSys::arbBlockNumberCall {}, u(arb_block));
    host.mock_view(ARB_SYS, &IArbSys::arbBlockHashCall { arbBlockNum: u(arb_block - 1) }, TAG);
    host.mock_write(BM, &IBondingManager::setCurrentRoundTotalActiveStakeCall {}, Vec::new());
    host.mock_write(MINTER, &IMinter::setCurrentRewardTokensCall {}, Vec::new());
}

#[test]
fn v66_round_from_block_with_zero_anchors() {
    let (host, mut rm) = setup();
    at_block(&host, 14_227_200);
    rm.set_round_length(u(5760)).unwrap();
    rm.set_round_lock_amount(u(100_000)).unwrap();
    assert_eq!(rm.current_round(), Ok(u(2470)));
    assert_eq!(rm.current_round_start_block(), Ok(u(14_227_200)));
    assert_eq!(rm.last_round_length_update_round(), u(2470));
    assert_eq!(rm.last_round_length_update_start_block(), u(14_227_200));
    // Locked from offset 5760 - 576 = 5184.
    at_block(&host, 14_227_200 + 5183);
    assert_eq!(rm.current_round_locked(), Ok(false));
    at_block(&host, 14_227_200 + 5184);
    assert_eq!(rm.current_round_locked(), Ok(true));
    at_block(&host, 14_227_200 + 5759);
    assert_eq!((rm.current_round(), rm.current_round_locked()), (Ok(u(2470)), Ok(true)));
    at_block(&host, 14_227_200 + 5760);
    assert_eq!((rm.current_round(), rm.current_round_locked()), (Ok(u(2471)), Ok(false)));
}

#[test]
fn lock_period_with_6377_blocks() {
    let (host, mut rm) = setup();
    at_block(&host, 0);
    rm.set_round_length(u(6377)).unwrap();
    rm.set_round_lock_amount(u(100_000)).unwrap();
    // floor(6377 * 0.1) = 637 locked blocks: locked from offset 5740.
    at_block(&host, 6377 + 5739);
    assert_eq!(rm.current_round_locked(), Ok(false));
    at_block(&host, 6377 + 5740);
    assert_eq!(rm.current_round_locked(), Ok(true));
}

#[test]
fn v68_length_change_moves_anchors_only() {
    for new_length in [60u64, 40] {
        let (host, mut rm) = setup();
        at_block(&host, 0);
        rm.set_round_length(u(50)).unwrap();
        at_block(&host, 120); // round 2, started at 100
        rm.set_round_length(u(new_length)).unwrap();
        assert_eq!(rm.last_round_length_update_round(), u(2));
        assert_eq!(rm.last_round_length_update_start_block(), u(100));
        assert_eq!(rm.current_round(), Ok(u(2)));
        // The next boundary is 100 + new_length.
        at_block(&host, 100 + new_length - 1);
        assert_eq!(rm.current_round(), Ok(u(2)));
        at_block(&host, 100 + new_length);
        assert_eq!(rm.current_round(), Ok(u(3)));
        assert_eq!(rm.current_round_start_block(), Ok(u(100 + new_length)));
    }
}

#[test]
fn mainnet_anchors_predict_round_4253() {
    let (host, mut rm) = setup();
    at_block(&host, 15_696_000 + 100);
    rm.set_round_length(u(5760)).unwrap();
    assert_eq!(rm.current_round(), Ok(u(2725)));
    rm.set_round_length(u(6377)).unwrap();
    assert_eq!(rm.last_round_length_update_round(), u(2725));
    assert_eq!(rm.last_round_length_update_start_block(), u(15_696_000));
    // Fork-test constant: round 3015 starts at 17,545,330.
    at_block(&host, 17_545_330);
    assert_eq!(rm.current_round(), Ok(u(3015)));
    at_block(&host, 17_545_329);
    assert_eq!(rm.current_round(), Ok(u(3014)));
    at_block(&host, 15_696_000 + 1528 * 6377);
    assert_eq!(rm.current_round(), Ok(u(4253)));
}

#[test]
fn initialize_round_stores_tag_and_calls_peers_in_order() {
    let (host, mut rm) = setup();
    at_block(&host, 1000);
    rm.set_round_length(u(100)).unwrap();
    mock_round_peers(&host, 5000);
    host.clear_calls();
    host.vm().set_sender(STRANGER); // anyone may initialize
    assert_eq!(rm.current_round_initialized(), Ok(false));
    rm.initialize_round().unwrap();
    assert_eq!(rm.last_initialized_round(), u(10));
    assert_eq!(rm.current_round_initialized(), Ok(true));
    assert_eq!(rm.block_hash_for_round(u(10)), TAG);
    assert_eq!(rm.block_hash_for_round(u(9)), B256::ZERO);

    let writes: Vec<_> = host.calls().into_iter().filter(|c| c.kind == CallKind::Call).collect();
    assert_eq!(writes.len(), 2);
    assert_eq!((writes[0].to, writes[1].to), (BM, MINTER));
    assert_eq!(writes[0].data, IBondingManager::setCurrentRoundTotalActiveStakeCall {}.abi_encode());

    let logs = host.logs();
    let last = logs.last().unwrap();
    let ev = IRoundsManager::NewRound::decode_raw_log(last.0.iter().copied(), &last.1).unwrap();
    assert_eq!((ev.round, ev.blockHash), (u(10), TAG));
    assert_eq!(last.0[1], B256::from(u(10))); // round is indexed

    assert_eq!(rm.initialize_round(), Err(err(ERR_ALREADY_INITIALIZED)));
    at_block(&host, 1100);
    assert_eq!(rm.current_round_initialized(), Ok(false));
    rm.initialize_round().unwrap();
    assert_eq!(rm.last_initialized_round(), u(11));
}

#[test]
fn initialize_round_is_pausable_and_bubbles_peer_reverts() {
    let (host, mut rm) = setup();
    at_block(&host, 1000);
    rm.set_round_length(u(100)).unwrap();
    mock_round_peers(&host, 5000);
    host.mock_controller(CONTROLLER, OWNER, true);
    assert_eq!(rm.initialize_round(), Err(err("system is paused")));
    host.mock_controller(CONTROLLER, OWNER, false);
    host.mock_call(MINTER, IMinter::setCurrentRewardTokensCall {}.abi_encode(), U256::ZERO, Err(err("msg.sender not RoundsManager")));
    assert_eq!(rm.initialize_round(), Err(err("msg.sender not RoundsManager")));
}

#[test]
fn malformed_arbsys_replies_revert_invalid_arbsys_response() {
    // A fresh RoundsManager per case: a direct call does not roll back on Err.
    let ready = || {
        let (host, mut rm) = setup();
        at_block(&host, 1000);
        rm.set_round_length(u(100)).unwrap();
        mock_round_peers(&host, 5000);
        (host, rm)
    };
    // arbBlockNumber answered with less than a word.
    let (host, mut rm) = ready();
    host.mock_static_call(ARB_SYS, IArbSys::arbBlockNumberCall {}.abi_encode(), Ok(vec![0u8; 31]));
    assert_eq!(rm.initialize_round(), Err(err(ERR_BAD_ARBSYS)));
    // arbBlockHash answered with nothing.
    let (host, mut rm) = ready();
    host.mock_static_call(ARB_SYS, IArbSys::arbBlockHashCall { arbBlockNum: u(4999) }.abi_encode(), Ok(Vec::new()));
    assert_eq!(rm.initialize_round(), Err(err(ERR_BAD_ARBSYS)));
    // The same setup with well-formed replies initializes the round.
    let (_host, mut rm) = ready();
    assert_eq!(rm.initialize_round(), Ok(()));
    assert_eq!(rm.block_hash_for_round(u(10)), TAG);
}

#[test]
fn views_before_round_length_is_set_divide_by_zero() {
    let (_host, rm) = setup();
    assert_eq!(rm.current_round(), Err(panic(0x12)));
}

#[test]
fn setters_check_owner_and_values() {
    let (host, mut rm) = setup();
    host.vm().set_sender(STRANGER);
    let not_owner = Err(err("caller must be Controller owner"));
    assert_eq!(rm.set_round_length(u(1)), not_owner);
    assert_eq!(rm.set_round_lock_amount(u(1)), not_owner);
    assert_eq!(rm.set_lip_upgrade_round(u(1), u(1)), not_owner);
    assert_eq!(rm.set_controller(STRANGER), Err(err("caller must be Controller")));
    host.vm().set_sender(OWNER);
    assert_eq!(rm.set_round_length(U256::ZERO), Err(err(ERR_ZERO_LENGTH)));
    assert_eq!(rm.set_round_lock_amount(u(1_000_001)), Err(err(ERR_LOCK_AMOUNT)));
    rm.set_round_lock_amount(u(1_000_000)).unwrap();
    assert_eq!(rm.round_lock_amount(), u(1_000_000));

    rm.set_lip_upgrade_round(u(73), u(2470)).unwrap();
    assert_eq!(rm.lip_upgrade_round(u(73)), u(2470));
    assert_eq!(rm.set_lip_upgrade_round(u(73), u(2471)), Err(err(ERR_LIP_SET)));

    let params: Vec<_> = host.logs().iter().map(|(t, d)| IManager::ParameterUpdate::decode_raw_log(t.iter().copied(), d).unwrap().param).collect();
    assert_eq!(params, ["roundLockAmount"]);
}

#[test]
fn block_num_and_storage_layout() {
    let (host, mut rm) = setup();
    at_block(&host, 777);
    assert_eq!(rm.block_num(), u(777));
    rm.set_round_length(u(5760)).unwrap();
    rm.set_round_lock_amount(u(100_000)).unwrap();
    // Livepeer's slots: 0 controller, 2 roundLength, 3 roundLockAmount.
    assert_eq!(host.vm().get_storage(U256::ZERO), CONTROLLER.into_word());
    assert_eq!(host.vm().get_storage(u(2)), B256::from(u(5760)));
    assert_eq!(host.vm().get_storage(u(3)), B256::from(u(100_000)));
    assert_eq!(rm.controller(), CONTROLLER);
    assert_eq!(rm.target_contract_id(), B256::ZERO);
}
