//! Poll: one signalling poll (Livepeer `polling/Poll.sol`, spec §12). Stakeholders vote by
//! event while the poll is open; the stake-weighted tally is computed off-chain from the
//! `Vote` events (`lpx poll tally`).
//!
//! # One program, many polls
//! Livepeer's PollCreator runs `new Poll(endBlock)` for every poll. A Stylus program created
//! that way would need its own activation, so lpx deploys this program once and the
//! PollCreator creates each poll as an EIP-1167 minimal proxy (45 bytes of EVM code that
//! DELEGATECALLs here). Activation is per code hash and the clone is EVM code, so clones run
//! without any activation of their own. A clone's storage is its own:
//! - slot 0 `endBlock` (Livepeer's layout);
//! - slot 1 `creator`, written by the clone's init code (the CALLER of its creation, i.e. the
//!   PollCreator) before any call can reach it; only that creator may call
//!   [`Poll::initialize`], once, in the same transaction.
//!
//! This program's own storage is never initialized: its `creator` stays zero, so nobody can
//! initialize it, and its `endBlock` stays zero, so voting on it reverts "poll is over".
//!
//! # Deviations
//! `destroy()` cannot SELFDESTRUCT on Stylus: it reverts "poll is active" while the poll is
//! open (as Livepeer) and [`ERR_NO_SELFDESTRUCT`] after; a finished poll stays on chain,
//! inert. `initialize` and `creator` are lpx additions.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]`/`#[public]` generate undocumented items in wasm and export-abi builds.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use lpx_abi::poll::IPoll;
use lpx_contracts_common::revert::{require, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256};

/// `vote` after the end block (Livepeer's message).
pub const ERR_OVER: &str = "poll is over";
/// `destroy` while the poll is open (Livepeer's message).
pub const ERR_ACTIVE: &str = "poll is active";
/// `destroy` after the end block: Stylus has no SELFDESTRUCT.
pub const ERR_NO_SELFDESTRUCT: &str = "Poll: destroy is not supported (Stylus has no SELFDESTRUCT); a finished poll stays inert";
/// `initialize` by anyone but the account that created the clone.
pub const ERR_NOT_CREATOR: &str = "Poll: caller is not the creator";
/// `initialize` a second time.
pub const ERR_INITIALIZED: &str = "Poll: already initialized";
/// `initialize` with a zero end block (which would leave it re-initializable).
pub const ERR_ZERO_END: &str = "Poll: end block is zero";

/// The storage slot of `creator`, which a clone's init code writes (see the crate docs).
pub const CREATOR_SLOT: u8 = 1;

/// A poll's storage.
#[storage]
pub struct Poll {
    /// The last block in which votes count (slot 0).
    end_block: StorageU256,
    /// The account that created this clone (slot [`CREATOR_SLOT`]).
    creator: StorageAddress,
}

// SAFETY: `Poll` is the contract's whole storage, laid out from slot 0, which is what
// `#[entrypoint]` on the struct would assert; the entry function below replaces it.
unsafe impl TopLevelStorage for Poll {}

/// The entry point: the SDK's router, with a message on each of its silent reverts.
mod entry {
    #![allow(missing_docs)]
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    use super::*;

    #[entrypoint]
    pub fn poll_entry(input: Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        lpx_contracts_common::entry::route::<Poll>(input, vm, <lpx_abi::poll::IPoll::IPollCalls as alloy_sol_types::SolInterface>::valid_selector)
    }
}

#[public]
impl Poll {
    /// The last block in which votes count (zero before initialization).
    #[selector(name = "endBlock")]
    pub fn end_block(&self) -> U256 {
        self.end_block.get()
    }

    /// The PollCreator that created this poll (zero on the implementation itself).
    pub fn creator(&self) -> Address {
        self.creator.get()
    }

    /// Sets the end block.
    ///
    /// # Errors
    /// [`ERR_NOT_CREATOR`] unless the caller created this clone, [`ERR_INITIALIZED`] on a
    /// second call, [`ERR_ZERO_END`] for a zero end block.
    pub fn initialize(&mut self, end_block: U256) -> Result<(), Revert> {
        let creator = self.creator.get();
        require(!creator.is_zero() && self.vm().msg_sender() == creator, ERR_NOT_CREATOR)?;
        require(self.end_block.get().is_zero(), ERR_INITIALIZED)?;
        require(!end_block.is_zero(), ERR_ZERO_END)?;
        self.end_block.set(end_block);
        Ok(())
    }

    /// Votes `choice_id` (Livepeer's explorer: 0 = yes, 1 = no; any value is recorded).
    ///
    /// # Errors
    /// [`ERR_OVER`] after the end block.
    ///
    /// # Events
    /// `Vote(voter, choiceID)`.
    pub fn vote(&mut self, choice_id: U256) -> Result<(), Revert> {
        require(U256::from(self.vm().block_number()) <= self.end_block.get(), ERR_OVER)?;
        let voter = self.vm().msg_sender();
        self.vm().log(IPoll::Vote { voter, choiceID: choice_id });
        Ok(())
    }

    /// Livepeer's `destroy`; always reverts (see the crate docs).
    ///
    /// # Errors
    /// [`ERR_ACTIVE`] while the poll is open, [`ERR_NO_SELFDESTRUCT`] after.
    pub fn destroy(&mut self) -> Result<(), Revert> {
        require(U256::from(self.vm().block_number()) > self.end_block.get(), ERR_ACTIVE)?;
        Err(lpx_contracts_common::revert::err(ERR_NO_SELFDESTRUCT))
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, B256};
    use alloy_sol_types::SolEvent;
    use lpx_contracts_common::revert::err;
    use lpx_contracts_common::testing::TestHost;

    use super::*;

    const CREATOR: Address = address!("00000000000000000000000000000000000c4ea7");
    const VOTER: Address = address!("00000000000000000000000000000000000000aa");

    /// A clone as its init code leaves it: `creator` written, nothing else.
    fn clone() -> (TestHost, Poll) {
        let host = TestHost::new();
        host.vm().set_storage(U256::from(CREATOR_SLOT), CREATOR.into_word());
        let poll = Poll::from(&host);
        (host, poll)
    }

    #[test]
    fn only_the_creator_initializes_once() {
        let (host, mut poll) = clone();
        assert_eq!(poll.creator(), CREATOR);
        host.vm().set_sender(VOTER);
        assert_eq!(poll.initialize(U256::from(100)), Err(err(ERR_NOT_CREATOR)));
        host.vm().set_sender(CREATOR);
        assert_eq!(poll.initialize(U256::ZERO), Err(err(ERR_ZERO_END)));
        assert_eq!(poll.initialize(U256::from(100)), Ok(()));
        assert_eq!(poll.end_block(), U256::from(100));
        assert_eq!(poll.initialize(U256::from(200)), Err(err(ERR_INITIALIZED)));
        assert_eq!(poll.end_block(), U256::from(100));
        // Livepeer's layout: endBlock in slot 0.
        assert_eq!(host.vm().get_storage(U256::ZERO), B256::from(U256::from(100)));
    }

    #[test]
    fn the_implementation_cannot_be_initialized() {
        let host = TestHost::new();
        let mut poll = Poll::from(&host);
        for who in [Address::ZERO, VOTER, CREATOR] {
            host.vm().set_sender(who);
            assert_eq!(poll.initialize(U256::from(100)), Err(err(ERR_NOT_CREATOR)));
        }
        host.vm().set_sender(VOTER);
        host.vm().set_block_number(1);
        assert_eq!(poll.vote(U256::ZERO), Err(err(ERR_OVER)));
    }

    #[test]
    fn votes_until_the_end_block_inclusive() {
        let (host, mut poll) = clone();
        host.vm().set_sender(CREATOR);
        poll.initialize(U256::from(50)).unwrap();
        host.vm().set_sender(VOTER);
        host.vm().set_block_number(49);
        poll.vote(U256::ZERO).unwrap();
        host.vm().set_block_number(50);
        poll.vote(U256::from(1)).unwrap();
        host.vm().set_block_number(51);
        assert_eq!(poll.vote(U256::ZERO), Err(err(ERR_OVER)));
        let logs = host.logs();
        assert_eq!(logs.len(), 2);
        assert_eq!(logs[1].0[0], IPoll::Vote::SIGNATURE_HASH);
        assert_eq!(logs[1].0[1], VOTER.into_word()); // voter is indexed
        let ev = IPoll::Vote::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1).unwrap();
        assert_eq!((ev.voter, ev.choiceID), (VOTER, U256::from(1)));
    }

    #[test]
    fn destroy_reverts_before_and_after_the_end() {
        let (host, mut poll) = clone();
        host.vm().set_sender(CREATOR);
        poll.initialize(U256::from(50)).unwrap();
        host.vm().set_block_number(50);
        assert_eq!(poll.destroy(), Err(err(ERR_ACTIVE)));
        host.vm().set_block_number(51);
        assert_eq!(poll.destroy(), Err(err(ERR_NO_SELFDESTRUCT)));
    }
}

/// The entry point against malformed and arbitrary calldata (see `lpx_contracts_common::entry`).
#[cfg(test)]
mod entry_tests {
    use alloy_primitives::U256;
    use alloy_sol_types::SolCall;
    use lpx_abi::poll::IPoll;
    use lpx_contracts_common::{entry::*, testing::*};

    use super::entry::poll_entry as entry;

    #[test]
    fn malformed_calls_revert_with_what_is_wrong() {
        let host = TestHost::new();
        // A chain's blocks start above zero: the implementation's endBlock 0 is in the past.
        host.vm().set_block_number(1);
        let who = ENTRY_OWNER;
        let fails = |value: U256, data: &[u8]| revert_message(&call_entry(&host, entry, who, value, data).unwrap_err());
        assert_eq!(fails(U256::ZERO, &[]), ERR_SELECTOR);
        assert_eq!(fails(U256::ZERO, &[0xde, 0xad, 0xbe, 0xef]), ERR_SELECTOR);
        // No constructor (the program is deployed without one): the router refuses the call.
        assert_eq!(fails(U256::ZERO, &CONSTRUCTOR_SELECTOR), ERR_CALLDATA);
        let mut truncated = IPoll::voteCall::SELECTOR.to_vec();
        truncated.extend_from_slice(&[0u8; 31]);
        assert_eq!(fails(U256::ZERO, &truncated), ERR_CALLDATA_OR_SILENT);
        let vote = IPoll::voteCall { _choiceID: U256::ZERO }.abi_encode();
        assert_eq!(fails(U256::from(1), &vote), ERR_VALUE);
        assert_eq!(fails(U256::ZERO, &vote), super::ERR_OVER);
    }

    #[test]
    fn arbitrary_calldata_is_served_or_reverted_with_a_message() {
        let host = TestHost::new();
        check_arbitrary_calldata(&host, entry, IPoll::IPollCalls::SELECTORS, &ENTRY_SENDERS, 400);
    }
}
