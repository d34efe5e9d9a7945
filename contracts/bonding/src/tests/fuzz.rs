//! No entry point panics: arbitrary and structured calldata through both routers either
//! succeeds or reverts with an `Error(string)` or `Panic(uint256)` payload.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::*;
use crate::router::TABLE;
use alloy_sol_types::{Panic, Revert as SolRevert, SolError};
use proptest::prelude::*;

/// A world with a few transcoders and delegators, so calls reach deep code paths.
fn busy_world() -> World {
    let w = World::new();
    w.with(|s| *s.eth.entry(MINTER).or_default() = U256::MAX >> 2);
    w.call(OWNER, lpx_abi::bonding_manager::IBondingManager::setNumActiveTranscodersCall { _numActiveTranscoders: U256::from(3) }).unwrap();
    for n in 1..=3u16 {
        w.bond(addr(n), 1000 * n as u128, addr(n)).unwrap();
        w.transcoder(addr(n), 500_000, 500_000).unwrap();
    }
    w.bond(addr(10), 500, addr(1)).unwrap();
    w.next_round();
    w.reward(addr(1)).unwrap();
    w.fees(addr(1), 1000).unwrap();
    w.unbond(addr(10), 100).unwrap();
    w
}

fn arg_word() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![
        // small amounts / ids / percentages
        (0u64..3_000_000).prop_map(|x| U256::from(x).to_be_bytes::<32>()),
        // one of the actors or peers as an address
        (0u16..16).prop_map(|n| {
            let a = if n < 12 { addr(n) } else { [Z, MINTER, BROKER, OWNER][n as usize - 12] };
            crate::env::w(a).to_be_bytes::<32>()
        }),
        // anything
        any::<[u8; 32]>(),
    ]
}

fn sender() -> impl Strategy<Value = Address> {
    prop_oneof![(0u16..12).prop_map(addr), Just(OWNER), Just(BROKER), Just(VERIFIER), Just(ROUNDS), Just(CONTROLLER)]
}

fn check(w: &World, from: Address, calldata: Vec<u8>, extension: bool) -> Result<(), TestCaseError> {
    let result = catch_unwind(AssertUnwindSafe(|| if extension { w.tx_ext(from, calldata.clone()) } else { w.tx(from, calldata.clone()) }));
    let Ok(out) = result else {
        return Err(TestCaseError::fail(format!("panicked on {}", alloy_primitives::hex::encode(&calldata))));
    };
    if let Err(data) = out {
        let decodes = SolRevert::abi_decode(&data).is_ok()
            || Panic::abi_decode(&data).is_ok()
            || data.is_empty() && calldata.len() >= 4 && u32::from_be_bytes(calldata[..4].try_into().unwrap()) == crate::router::CONSTRUCTOR_SELECTOR;
        prop_assert!(decodes, "revert without a message: {:?} for {}", data, alloy_primitives::hex::encode(&calldata));
    }
    Ok(())
}

impl World {
    /// Calls the extension router directly (as the main program's DELEGATECALL would).
    pub fn tx_ext(&self, from: Address, data: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
        self.tx_with(from, |bm| bm.route_extension(&data))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn structured_calldata_never_panics(entry in 0..TABLE.len(), words in proptest::collection::vec(arg_word(), 0..8), from in sender(), cut in 0usize..300) {
        let w = busy_world();
        let mut calldata = TABLE[entry].0.to_be_bytes().to_vec();
        for word in &words {
            calldata.extend_from_slice(word);
        }
        calldata.truncate(4 + cut.min(words.len() * 32));
        check(&w, from, calldata.clone(), false)?;
        check(&w, from, calldata, true)?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), from in sender()) {
        let w = busy_world();
        check(&w, from, bytes.clone(), false)?;
        check(&w, from, bytes, true)?;
    }
}

/// Every function of the spec's ABI is served by one of the two programs.
#[test]
fn every_abi_function_is_routed() {
    use lpx_abi::bonding_manager::IBondingManager::IBondingManagerCalls;
    for sel in IBondingManagerCalls::SELECTORS {
        assert!(TABLE.iter().any(|e| e.0.to_be_bytes() == *sel), "selector {:x?} not routed", sel);
    }
    assert_eq!(TABLE.len(), IBondingManagerCalls::SELECTORS.len() + 1, "table = ABI + constructor");
}
