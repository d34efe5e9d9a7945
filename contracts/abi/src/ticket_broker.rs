//! ABI of the ticket_broker contract.
