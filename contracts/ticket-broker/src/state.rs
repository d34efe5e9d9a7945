//! Storage records in Livepeer's slot order (spec Appendix B, TicketBroker rows).

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageMap, StorageU256};

/// `Sender {deposit, withdrawRound}`; `withdraw_round == 0` means no unlock in progress.
#[storage]
pub struct SenderRecord {
    /// +0: deposit (wei).
    pub deposit: StorageU256,
    /// +1: round from which `withdraw` works.
    pub withdraw_round: StorageU256,
}

/// `Reserve {funds, claimedForRound, claimedByAddress}`. The claim maps are never cleared
/// (as in Livepeer): redemption requires a locked sender, so stale entries are harmless.
#[storage]
pub struct ReserveRecord {
    /// +0: funds remaining (wei).
    pub funds: StorageU256,
    /// +1: round ⇒ total claimed in that round.
    pub claimed_for_round: StorageMap<U256, StorageU256>,
    /// +2: round ⇒ claimant ⇒ claimed by that claimant in that round.
    pub claimed_by_address: StorageMap<U256, StorageMap<Address, StorageU256>>,
}
