//! Native tests of the TicketBroker under stylus-test, with the Controller, RoundsManager,
//! BondingManager, Minter and the ecrecover precompile answered by an in-memory [`World`].

mod harness;

mod equivalence;
mod funds;
mod redeem;
mod router;
