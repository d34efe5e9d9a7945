//! LivepeerToken unit tests: ERC-20, roles with OZ 4.x messages, EIP-2612 permit.

use alloc::{string::ToString, vec::Vec};

use alloy_primitives::{address, b256, Address, B256, U256};
use alloy_sol_types::{eip712_domain, sol, SolEvent, SolStruct};
use lpx_abi::token::ILivepeerToken;
use lpx_contracts_common::revert::{err, panic};
use lpx_contracts_common::testing::TestHost;

use crate::*;

const ADMIN: Address = address!("000000000000000000000000000000000000ad11");
const MINTER: Address = address!("00000000000000000000000000000000000000e1");
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const THIS: Address = address!("0000000000000000000000000000000000007070");

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn setup() -> (TestHost, LivepeerToken) {
    let host = TestHost::new();
    host.vm().set_contract_address(THIS);
    let mut t = LivepeerToken::from(&host);
    host.vm().set_sender(ADMIN);
    t.constructor(ADMIN);
    t.grant_role(MINTER_ROLE, MINTER).unwrap();
    t.grant_role(BURNER_ROLE, MINTER).unwrap();
    host.vm().set_sender(MINTER);
    t.mint(ALICE, u(1000)).unwrap();
    (host, t)
}

#[test]
fn metadata_and_role_constants() {
    let (_h, t) = setup();
    assert_eq!((t.name(), t.symbol(), t.decimals()), ("Livepeer Token".to_string(), "LPT".to_string(), 18));
    assert_eq!(MINTER_ROLE, b256!("9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6"));
    assert_eq!(BURNER_ROLE, b256!("3c11d16cbaffd01df69ce1c404f6340ee057498f5f00246190ea54220576a848"));
    assert_eq!((t.minter_role(), t.burner_role(), t.default_admin_role()), (MINTER_ROLE, BURNER_ROLE, B256::ZERO));
    assert!(t.supports_interface(access::IACCESS_CONTROL_ID));
    assert!(t.supports_interface(access::IERC165_ID));
    assert!(!t.supports_interface([0xff, 0xff, 0xff, 0xff].into()));
}

#[test]
fn mint_and_burn_need_roles() {
    let (host, mut t) = setup();
    assert_eq!(t.total_supply(), u(1000));
    host.vm().set_sender(ALICE);
    let msg = "AccessControl: account 0x00000000000000000000000000000000000a11ce is missing role \
               0x9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6";
    assert_eq!(t.mint(ALICE, u(1)), Err(err(msg)));
    let msg = "AccessControl: account 0x00000000000000000000000000000000000a11ce is missing role \
               0x3c11d16cbaffd01df69ce1c404f6340ee057498f5f00246190ea54220576a848";
    assert_eq!(t.burn(u(1)), Err(err(msg)));
    assert_eq!(t.burn_from(ALICE, u(1)), Err(err(msg)));

    host.vm().set_sender(MINTER);
    assert_eq!(t.mint(Address::ZERO, u(1)), Err(err("ERC20: mint to the zero address")));
    assert_eq!(t.mint(ALICE, U256::MAX), Err(panic(0x11)));
    t.mint(MINTER, u(50)).unwrap();
    assert_eq!(t.burn(u(51)), Err(err("ERC20: burn amount exceeds balance")));
}

#[test]
fn burn_emits_transfer_and_burn() {
    let (host, mut t) = setup();
    host.vm().set_sender(ALICE);
    t.transfer(MINTER, u(40)).unwrap();
    host.vm().set_sender(MINTER);
    let before = host.logs().len();
    t.burn(u(30)).unwrap();
    assert_eq!((t.balance_of(MINTER), t.total_supply()), (u(10), u(970)));
    let logs = &host.logs()[before..];
    assert_eq!(logs[0].0, [ILivepeerToken::Transfer::SIGNATURE_HASH, MINTER.into_word(), B256::ZERO]);
    let burn = ILivepeerToken::Burn::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1).unwrap();
    assert_eq!((burn.burner, burn.amount), (MINTER, u(30)));
    // burnFrom spends allowance.
    host.vm().set_sender(ALICE);
    t.approve(MINTER, u(5)).unwrap();
    host.vm().set_sender(MINTER);
    assert_eq!(t.burn_from(ALICE, u(6)), Err(err("ERC20: insufficient allowance")));
    t.burn_from(ALICE, u(5)).unwrap();
    assert_eq!((t.balance_of(ALICE), t.allowance(ALICE, MINTER)), (u(955), U256::ZERO));
}

#[test]
fn erc20_transfers_and_allowances() {
    let (host, mut t) = setup();
    host.vm().set_sender(ALICE);
    assert_eq!(t.transfer(BOB, u(1001)), Err(err("ERC20: transfer amount exceeds balance")));
    assert_eq!(t.transfer(Address::ZERO, u(1)), Err(err("ERC20: transfer to the zero address")));
    assert_eq!(t.transfer(BOB, u(100)), Ok(true));
    assert_eq!((t.balance_of(ALICE), t.balance_of(BOB)), (u(900), u(100)));
    assert_eq!(t.approve(Address::ZERO, u(1)), Err(err("ERC20: approve to the zero address")));
    t.approve(BOB, u(300)).unwrap();
    t.increase_allowance(BOB, u(10)).unwrap();
    t.decrease_allowance(BOB, u(20)).unwrap();
    assert_eq!(t.allowance(ALICE, BOB), u(290));
    assert_eq!(t.decrease_allowance(BOB, u(291)), Err(err("ERC20: decreased allowance below zero")));
    host.vm().set_sender(BOB);
    assert_eq!(t.transfer_from(ALICE, BOB, u(291)), Err(err("ERC20: insufficient allowance")));
    t.transfer_from(ALICE, BOB, u(290)).unwrap();
    assert_eq!((t.balance_of(BOB), t.allowance(ALICE, BOB)), (u(390), U256::ZERO));
    // An infinite allowance is not spent.
    host.vm().set_sender(ALICE);
    t.approve(BOB, U256::MAX).unwrap();
    host.vm().set_sender(BOB);
    t.transfer_from(ALICE, BOB, u(10)).unwrap();
    assert_eq!(t.allowance(ALICE, BOB), U256::MAX);
}

#[test]
fn role_administration() {
    let (host, mut t) = setup();
    assert!(t.has_role(MINTER_ROLE, MINTER));
    assert_eq!(t.get_role_admin(MINTER_ROLE), DEFAULT_ADMIN_ROLE);
    host.vm().set_sender(ALICE);
    let msg = "AccessControl: account 0x00000000000000000000000000000000000a11ce is missing role \
               0x0000000000000000000000000000000000000000000000000000000000000000";
    assert_eq!(t.grant_role(MINTER_ROLE, ALICE), Err(err(msg)));
    assert_eq!(t.revoke_role(MINTER_ROLE, MINTER), Err(err(msg)));
    assert_eq!(t.renounce_role(MINTER_ROLE, MINTER), Err(err("AccessControl: can only renounce roles for self")));
    host.vm().set_sender(ADMIN);
    let before = host.logs().len();
    t.revoke_role(MINTER_ROLE, MINTER).unwrap();
    assert!(!t.has_role(MINTER_ROLE, MINTER));
    let log = &host.logs()[before];
    assert_eq!(log.0, [ILivepeerToken::RoleRevoked::SIGNATURE_HASH, MINTER_ROLE, MINTER.into_word(), ADMIN.into_word()]);
    host.vm().set_sender(MINTER);
    t.renounce_role(BURNER_ROLE, MINTER).unwrap();
    assert!(!t.has_role(BURNER_ROLE, MINTER));
}

sol! {
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// ecrecover precompile input for `digest` and (v, r, s).
fn ecrecover_input(digest: B256, v: u8, r: B256, s: B256) -> Vec<u8> {
    [digest.as_slice(), U256::from(v).to_be_bytes::<32>().as_slice(), r.as_slice(), s.as_slice()].concat()
}

#[test]
fn permit_uses_the_eip712_digest_and_checks_signer() {
    let (host, mut t) = setup();
    host.vm().set_block_timestamp(1000);
    let domain = eip712_domain! {
        name: "Livepeer Token",
        version: "1",
        chain_id: 42161,
        verifying_contract: THIS,
    };
    assert_eq!(t.domain_separator(), domain.separator());
    let permit = Permit { owner: ALICE, spender: BOB, value: u(77), nonce: u(0), deadline: u(2000) };
    let digest = permit.eip712_signing_hash(&domain);
    let (r, s) = (B256::repeat_byte(0x11), B256::repeat_byte(0x22));
    let ecrecover = address!("0000000000000000000000000000000000000001");
    host.mock_static_call(ecrecover, ecrecover_input(digest, 27, r, s), Ok(ALICE.into_word().to_vec()));

    assert_eq!(t.permit(ALICE, BOB, u(77), u(999), 27, r, s), Err(err("ERC20Permit: expired deadline")));
    t.permit(ALICE, BOB, u(77), u(2000), 27, r, s).unwrap();
    assert_eq!((t.allowance(ALICE, BOB), t.nonces(ALICE)), (u(77), u(1)));

    // Replaying the signature: the nonce moved, so the digest differs and the precompile
    // recovers nothing (it returns empty output).
    let replay = Permit { nonce: u(1), ..permit.clone() }.eip712_signing_hash(&domain);
    host.mock_static_call(ecrecover, ecrecover_input(replay, 27, r, s), Ok(Vec::new()));
    assert_eq!(t.permit(ALICE, BOB, u(77), u(2000), 27, r, s), Err(err("ECDSA: invalid signature")));

    // A signature by someone else. (Native tests do not roll back a failed call, so the
    // replay above consumed nonce 1; on chain the revert would have restored it.)
    let permit = Permit { owner: ALICE, spender: BOB, value: u(5), nonce: u(2), deadline: u(2000) };
    let digest = permit.eip712_signing_hash(&domain);
    host.mock_static_call(ecrecover, ecrecover_input(digest, 28, r, s), Ok(BOB.into_word().to_vec()));
    assert_eq!(t.permit(ALICE, BOB, u(5), u(2000), 28, r, s), Err(err("ERC20Permit: invalid signature")));

    // High-s signatures are rejected before recovery.
    let high_s = B256::repeat_byte(0xff);
    assert_eq!(t.permit(ALICE, BOB, u(5), u(2000), 28, r, high_s), Err(err("ECDSA: invalid signature 's' value")));
}
