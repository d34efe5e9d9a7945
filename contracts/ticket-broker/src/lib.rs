//! TicketBroker: probabilistic micropayments in ETH.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;
