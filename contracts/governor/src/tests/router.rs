//! The hand-written router: every lpx-abi function is routed, malformed calldata reverts
//! with a message, and arbitrary calldata never panics.

use super::*;
use lpx_contracts_common::testing::check_arbitrary_calldata;

#[test]
fn every_abi_function_is_routed_and_nothing_else() {
    let abi = G::ILivepeerGovernorCalls::SELECTORS;
    for s in abi {
        assert!(crate::router::is_routed(*s), "0x{} not routed", alloy::hex::encode(s));
    }
    // The table: the ABI plus the Stylus constructor.
    assert_eq!(crate::router::TABLE.len(), abi.len() + 1);
}

#[test]
fn malformed_calls_revert_with_a_message() {
    let env = Env::new();
    let who = Address::repeat_byte(0x5e);
    assert_eq!(env.fails(who, &[]), "unknown function selector");
    assert_eq!(env.fails(who, &[0x12, 0x34]), "unknown function selector");
    assert_eq!(env.fails(who, &[0xde, 0xad, 0xbe, 0xef]), "unknown function selector");
    let mut dirty = G::hasVotedCall { proposalId: U256::from(1), account: who }.abi_encode();
    dirty[4 + 32] = 1;
    assert_eq!(env.fails(who, &dirty), "invalid calldata");
    let mut support = G::castVoteCall { proposalId: U256::from(1), support: 1 }.abi_encode();
    support[4 + 62] = 1;
    assert_eq!(env.fails(who, &support), "invalid calldata");
    let short = G::castVoteCall { proposalId: U256::from(1), support: 1 }.abi_encode();
    assert_eq!(env.fails(who, &short[..short.len() - 1]), "invalid calldata");
    let mut iface = G::supportsInterfaceCall { interfaceId: [1, 2, 3, 4].into() }.abi_encode();
    iface[4 + 31] = 1;
    assert_eq!(env.fails(who, &iface), "invalid calldata");
    // A proposal whose calldatas offset points past the end.
    let p = Proposal::call(GOV, vec![1], "x");
    let mut bad = p.propose_call();
    bad[4 + 64 + 31] = 0xff;
    assert_eq!(env.fails(who, &bad), "invalid calldata");
    let paid = env.call_value(who, U256::from(1), &G::votingDelayCall {}.abi_encode());
    assert_eq!(revert_message(&paid.unwrap_err()), "function is not payable");
    let paid = env.call_value(who, U256::from(1), &p.propose_call());
    assert_eq!(revert_message(&paid.unwrap_err()), "function is not payable");
}

#[test]
fn supports_ozs_governor_interfaces() {
    let env = Env::new();
    let sel = |s: [u8; 4]| u32::from_be_bytes(s);
    let ids: [u32; 5] = [
        sel(G::cancelCall::SELECTOR) ^ sel(G::proposalProposerCall::SELECTOR),
        sel(G::timelockCall::SELECTOR) ^ sel(G::proposalEtaCall::SELECTOR) ^ sel(G::queueCall::SELECTOR),
        0x01ffc9a7,
        // OZ 4.9's IGovernor without cancel/proposalProposer/clock/CLOCK_MODE (the id OZ's
        // own tests call "Governor").
        crate::settings::INTERFACES[0],
        crate::settings::INTERFACES[1],
    ];
    for id in ids {
        assert!(env.view(&G::supportsInterfaceCall { interfaceId: id.to_be_bytes().into() }), "{id:#x}");
    }
    assert!(!env.view(&G::supportsInterfaceCall { interfaceId: [0xff; 4].into() }));
    assert_eq!(env.view(&G::BALLOT_TYPEHASHCall {}), crate::consts::BALLOT_TYPEHASH);
    assert_eq!(env.view(&G::EXTENDED_BALLOT_TYPEHASHCall {}), crate::consts::EXTENDED_BALLOT_TYPEHASH);
    assert_eq!(env.view(&G::targetContractIdCall {}), B256::ZERO);
}

#[test]
fn arbitrary_calldata_never_panics() {
    let env = Env::new();
    env.give(Address::repeat_byte(0x01), 500);
    static SELECTORS: std::sync::LazyLock<Vec<[u8; 4]>> = std::sync::LazyLock::new(|| G::ILivepeerGovernorCalls::SELECTORS.to_vec());
    let selectors: &'static [[u8; 4]] = SELECTORS.as_slice();
    static SENDERS: [Address; 3] = [Address::repeat_byte(0x01), TREASURY, Address::ZERO];
    check_arbitrary_calldata(&env.host, governor_entry, selectors, &SENDERS, 3000);
}
