//! No public entry point panics, whatever the calldata: a panic would revert with empty
//! data and hide the reason. Calls go through the generated router, as on chain.

use std::panic::{catch_unwind, AssertUnwindSafe};

use alloy::primitives::U256;
use lpx_abi::ticket_broker::ABI;
use lpx_ticket_broker::TicketBroker;
use proptest::prelude::*;
use stylus_sdk::abi::Router;

use crate::harness::*;

fn route(h: &mut Harness, selector: [u8; 4], args: &[u8], value: U256) {
    let sel = u32::from_be_bytes(selector);
    h.host.vm().set_value(value);
    let r = catch_unwind(AssertUnwindSafe(|| {
        <TicketBroker as Router<TicketBroker>>::route(&mut h.broker, sel, args)
    }));
    h.host.vm().set_value(U256::ZERO);
    assert!(r.is_ok(), "panic on selector {selector:02x?} with {} arg bytes", args.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

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
        let mut data = Vec::new();
        for w in &words {
            let mut word = [0u8; 32];
            word[31] = *w;
            if *w == 0xff { word = [0xff; 32]; }
            data.extend_from_slice(&word);
        }
        data.extend_from_slice(&args);
        route(&mut h, selector, &data, U256::from(value));
    }
}

#[test]
fn every_selector_routes_and_unknown_ones_do_not() {
    let mut h = Harness::new();
    for s in ABI.selectors {
        let r = <TicketBroker as Router<TicketBroker>>::route(&mut h.broker, u32::from_be_bytes(*s), &[]);
        assert!(r.is_some(), "selector {s:02x?} not routed");
    }
    assert!(<TicketBroker as Router<TicketBroker>>::route(&mut h.broker, 0xdeadbeef, &[]).is_none());
}
