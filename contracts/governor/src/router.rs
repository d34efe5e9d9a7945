//! The ABI dispatcher: selector → function, with the signatures of
//! `lpx_abi::governor::ILivepeerGovernor` plus the Stylus constructor.
//!
//! Written by hand as the TicketBroker's: the SDK's `#[public]` router with alloy's decoders
//! for a dozen dynamic-array signatures would not fit 24 KiB compressed. Arguments are read
//! in place with [`Calldata`] and checked the way Solidity's decoder checks them, so
//! malformed calldata reverts with "invalid calldata" before any function runs. An unknown
//! selector (or calldata shorter than one) reverts with "unknown function selector", ETH
//! sent to a non-payable function with "function is not payable" (the messages of the
//! other lpx routers). Nothing here panics.

use alloc::vec::Vec;
use alloy_primitives::{keccak256, U256};
use alloy_sol_types::SolCall;
use lpx_abi::governor::ILivepeerGovernor as I;
use lpx_contracts_common::revert::{err, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

use crate::calldata::Calldata;
use crate::consts;
use crate::counting::Sig;
use crate::encode::{string, words};
use crate::peers::{self, w};
use crate::proposal::Actions;
use crate::LivepeerGovernor;

/// No function has this selector.
pub const ERR_SELECTOR: &str = "unknown function selector";
/// ETH sent to a non-payable function.
pub const ERR_VALUE: &str = "function is not payable";

/// `keccak256("stylus_constructor()")[..4]`, the Stylus SDK's constructor selector.
pub const CONSTRUCTOR_SELECTOR: u32 = 0x5585_258d;

#[cfg(not(feature = "contract-client-gen"))]
pub mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export.
    #![allow(missing_docs, dead_code)]
    use super::*;
    use stylus_sdk::host::VM;

    /// The contract's entry point: builds the storage view and routes the calldata.
    #[entrypoint]
    pub fn governor_entry(input: Vec<u8>, vm: VM) -> ArbResult {
        // SAFETY: the top-level storage starts at slot 0, offset 0, as `#[entrypoint]`
        // structs do.
        let mut g = unsafe { <LivepeerGovernor as stylus_sdk::storage::StorageType>::new(U256::ZERO, 0, vm) };
        g.route(&input)
    }
}

// SAFETY: `LivepeerGovernor` is the contract's whole storage, laid out from slot 0.
unsafe impl TopLevelStorage for LivepeerGovernor {}

/// Function codes. The payable functions come first (codes up to [`op::LAST_PAYABLE`]).
mod op {
    pub const EXECUTE: u8 = 0;
    pub const RELAY: u8 = 1;
    pub const LAST_PAYABLE: u8 = RELAY;
    pub const CONSTRUCTOR: u8 = 2;
    pub const INITIALIZE: u8 = 3;
    pub const PROPOSE: u8 = 4;
    pub const QUEUE: u8 = 5;
    pub const CANCEL: u8 = 6;
    pub const HASH_PROPOSAL: u8 = 7;
    pub const CAST_VOTE: u8 = 8;
    pub const CAST_VOTE_WITH_REASON: u8 = 9;
    pub const CAST_VOTE_WITH_REASON_AND_PARAMS: u8 = 10;
    pub const CAST_VOTE_BY_SIG: u8 = 11;
    pub const CAST_VOTE_WITH_REASON_AND_PARAMS_BY_SIG: u8 = 12;
    pub const STATE: u8 = 13;
    pub const PROPOSAL_SNAPSHOT: u8 = 14;
    pub const PROPOSAL_DEADLINE: u8 = 15;
    pub const PROPOSAL_PROPOSER: u8 = 16;
    pub const PROPOSAL_ETA: u8 = 17;
    pub const VOTING_DELAY: u8 = 18;
    pub const VOTING_PERIOD: u8 = 19;
    pub const PROPOSAL_THRESHOLD: u8 = 20;
    pub const QUORUM: u8 = 21;
    pub const QUORUM_NUMERATOR: u8 = 22;
    pub const QUORUM_NUMERATOR_AT: u8 = 23;
    pub const QUORUM_DENOMINATOR: u8 = 24;
    pub const QUOTA: u8 = 25;
    pub const GET_VOTES: u8 = 26;
    pub const GET_VOTES_WITH_PARAMS: u8 = 27;
    pub const HAS_VOTED: u8 = 28;
    pub const PROPOSAL_VOTES: u8 = 29;
    pub const SET_VOTING_DELAY: u8 = 30;
    pub const SET_VOTING_PERIOD: u8 = 31;
    pub const SET_PROPOSAL_THRESHOLD: u8 = 32;
    pub const UPDATE_QUORUM_NUMERATOR: u8 = 33;
    pub const UPDATE_TIMELOCK: u8 = 34;
    pub const TIMELOCK: u8 = 35;
    pub const TOKEN: u8 = 36;
    pub const VOTES: u8 = 37;
    pub const BUMP_TOKEN: u8 = 38;
    pub const NAME: u8 = 39;
    pub const VERSION: u8 = 40;
    pub const COUNTING_MODE: u8 = 41;
    pub const CLOCK_MODE: u8 = 42;
    pub const CLOCK: u8 = 43;
    pub const BALLOT_TYPEHASH: u8 = 44;
    pub const EXTENDED_BALLOT_TYPEHASH: u8 = 45;
    pub const SUPPORTS_INTERFACE: u8 = 46;
    pub const CONTROLLER: u8 = 47;
    pub const SET_CONTROLLER: u8 = 48;
    pub const TARGET_CONTRACT_ID: u8 = 49;
}

const fn s(selector: [u8; 4]) -> u32 {
    u32::from_be_bytes(selector)
}

/// Every function: selector and code (selectors from `lpx_abi`).
pub const TABLE: &[(u32, u8)] = &[
    (s(I::executeCall::SELECTOR), op::EXECUTE),
    (s(I::relayCall::SELECTOR), op::RELAY),
    (CONSTRUCTOR_SELECTOR, op::CONSTRUCTOR),
    (s(I::initializeCall::SELECTOR), op::INITIALIZE),
    (s(I::proposeCall::SELECTOR), op::PROPOSE),
    (s(I::queueCall::SELECTOR), op::QUEUE),
    (s(I::cancelCall::SELECTOR), op::CANCEL),
    (s(I::hashProposalCall::SELECTOR), op::HASH_PROPOSAL),
    (s(I::castVoteCall::SELECTOR), op::CAST_VOTE),
    (s(I::castVoteWithReasonCall::SELECTOR), op::CAST_VOTE_WITH_REASON),
    (s(I::castVoteWithReasonAndParamsCall::SELECTOR), op::CAST_VOTE_WITH_REASON_AND_PARAMS),
    (s(I::castVoteBySigCall::SELECTOR), op::CAST_VOTE_BY_SIG),
    (s(I::castVoteWithReasonAndParamsBySigCall::SELECTOR), op::CAST_VOTE_WITH_REASON_AND_PARAMS_BY_SIG),
    (s(I::stateCall::SELECTOR), op::STATE),
    (s(I::proposalSnapshotCall::SELECTOR), op::PROPOSAL_SNAPSHOT),
    (s(I::proposalDeadlineCall::SELECTOR), op::PROPOSAL_DEADLINE),
    (s(I::proposalProposerCall::SELECTOR), op::PROPOSAL_PROPOSER),
    (s(I::proposalEtaCall::SELECTOR), op::PROPOSAL_ETA),
    (s(I::votingDelayCall::SELECTOR), op::VOTING_DELAY),
    (s(I::votingPeriodCall::SELECTOR), op::VOTING_PERIOD),
    (s(I::proposalThresholdCall::SELECTOR), op::PROPOSAL_THRESHOLD),
    (s(I::quorumCall::SELECTOR), op::QUORUM),
    (s(I::quorumNumerator_0Call::SELECTOR), op::QUORUM_NUMERATOR),
    (s(I::quorumNumerator_1Call::SELECTOR), op::QUORUM_NUMERATOR_AT),
    (s(I::quorumDenominatorCall::SELECTOR), op::QUORUM_DENOMINATOR),
    (s(I::quotaCall::SELECTOR), op::QUOTA),
    (s(I::getVotesCall::SELECTOR), op::GET_VOTES),
    (s(I::getVotesWithParamsCall::SELECTOR), op::GET_VOTES_WITH_PARAMS),
    (s(I::hasVotedCall::SELECTOR), op::HAS_VOTED),
    (s(I::proposalVotesCall::SELECTOR), op::PROPOSAL_VOTES),
    (s(I::setVotingDelayCall::SELECTOR), op::SET_VOTING_DELAY),
    (s(I::setVotingPeriodCall::SELECTOR), op::SET_VOTING_PERIOD),
    (s(I::setProposalThresholdCall::SELECTOR), op::SET_PROPOSAL_THRESHOLD),
    (s(I::updateQuorumNumeratorCall::SELECTOR), op::UPDATE_QUORUM_NUMERATOR),
    (s(I::updateTimelockCall::SELECTOR), op::UPDATE_TIMELOCK),
    (s(I::timelockCall::SELECTOR), op::TIMELOCK),
    (s(I::tokenCall::SELECTOR), op::TOKEN),
    (s(I::votesCall::SELECTOR), op::VOTES),
    (s(I::bumpGovernorVotesTokenAddressCall::SELECTOR), op::BUMP_TOKEN),
    (s(I::nameCall::SELECTOR), op::NAME),
    (s(I::versionCall::SELECTOR), op::VERSION),
    (s(I::COUNTING_MODECall::SELECTOR), op::COUNTING_MODE),
    (s(I::CLOCK_MODECall::SELECTOR), op::CLOCK_MODE),
    (s(I::clockCall::SELECTOR), op::CLOCK),
    (s(I::BALLOT_TYPEHASHCall::SELECTOR), op::BALLOT_TYPEHASH),
    (s(I::EXTENDED_BALLOT_TYPEHASHCall::SELECTOR), op::EXTENDED_BALLOT_TYPEHASH),
    (s(I::supportsInterfaceCall::SELECTOR), op::SUPPORTS_INTERFACE),
    (s(I::controllerCall::SELECTOR), op::CONTROLLER),
    (s(I::setControllerCall::SELECTOR), op::SET_CONTROLLER),
    (s(I::targetContractIdCall::SELECTOR), op::TARGET_CONTRACT_ID),
];

fn flag(b: bool) -> Vec<u8> {
    words(&[U256::from(b as u8)])
}

/// A function without return data, as a call result.
#[inline(never)]
fn unit(r: Result<(), Revert>) -> ArbResult {
    r.map(|_| Vec::new())
}

/// A function returning one word.
#[inline(never)]
fn word(r: Result<U256, Revert>) -> ArbResult {
    r.map(|x| words(&[x]))
}

/// Word position of head argument `i`.
const fn arg(i: usize) -> usize {
    i * 32
}

/// The signature at head arguments `at`, `at + 1`, `at + 2` (v, r, s).
fn sig(c: &Calldata<'_>, at: usize) -> Result<Sig, Revert> {
    Ok(Sig { v: c.uint8(arg(at))?, r: c.b256(arg(at + 1))?, s: c.b256(arg(at + 2))? })
}

impl LivepeerGovernor {
    /// Dispatches one call: `input` is the full calldata.
    pub fn route(&mut self, input: &[u8]) -> ArbResult {
        let Some((selector, args)) = input.split_first_chunk::<4>() else {
            return Err(err(ERR_SELECTOR));
        };
        let selector = u32::from_be_bytes(*selector);
        let Some(&(_, code)) = TABLE.iter().find(|e| e.0 == selector) else {
            return Err(err(ERR_SELECTOR));
        };
        if code > op::LAST_PAYABLE && !self.vm().msg_value().is_zero() {
            return Err(err(ERR_VALUE));
        }
        let c = Calldata::new(args);
        // What `onlyGovernance` matches against the calls the executing proposal makes.
        let msg_hash = || keccak256(input);
        let sender = self.vm().msg_sender();
        match code {
            op::EXECUTE => word(self.execute(&Actions::read(&c)?, c.b256(arg(3))?)),
            op::RELAY => {
                let (target, value, data) = (c.address(arg(0))?, c.uint(arg(1))?, c.bytes_arg(2)?);
                unit(self.relay(target, value, data, msg_hash()))
            }
            op::CONSTRUCTOR => unit(self.constructor(c.address(arg(0))?)),
            op::INITIALIZE => {
                let a = [c.uint(arg(0))?, c.uint(arg(1))?, c.uint(arg(2))?, c.uint(arg(3))?, c.uint(arg(4))?];
                unit(self.initialize(a[0], a[1], a[2], a[3], a[4]))
            }
            op::PROPOSE => {
                let actions = Actions::read(&c)?;
                word(self.propose(&actions, c.bytes_arg(3)?))
            }
            op::QUEUE => word(self.queue(&Actions::read(&c)?, c.b256(arg(3))?)),
            op::CANCEL => word(self.cancel(&Actions::read(&c)?, c.b256(arg(3))?)),
            op::HASH_PROPOSAL => word(Ok(Actions::read(&c)?.id(c.b256(arg(3))?))),
            op::CAST_VOTE => word(self.cast_vote(c.uint(arg(0))?, sender, c.uint8(arg(1))?, &[], &[])),
            op::CAST_VOTE_WITH_REASON => {
                let (id, support, reason) = (c.uint(arg(0))?, c.uint8(arg(1))?, c.bytes_arg(2)?);
                word(self.cast_vote(id, sender, support, reason, &[]))
            }
            op::CAST_VOTE_WITH_REASON_AND_PARAMS => {
                let (id, support) = (c.uint(arg(0))?, c.uint8(arg(1))?);
                let (reason, params) = (c.bytes_arg(2)?, c.bytes_arg(3)?);
                word(self.cast_vote(id, sender, support, reason, params))
            }
            op::CAST_VOTE_BY_SIG => {
                let (id, support, sig) = (c.uint(arg(0))?, c.uint8(arg(1))?, sig(&c, 2)?);
                word(self.cast_vote_by_sig(id, support, &sig))
            }
            op::CAST_VOTE_WITH_REASON_AND_PARAMS_BY_SIG => {
                let (id, support) = (c.uint(arg(0))?, c.uint8(arg(1))?);
                let (reason, params, sig) = (c.bytes_arg(2)?, c.bytes_arg(3)?, sig(&c, 4)?);
                word(self.cast_vote_with_reason_and_params_by_sig(id, support, reason, params, &sig))
            }
            op::STATE => self.state(c.uint(arg(0))?).map(|st| words(&[U256::from(st)])),
            op::PROPOSAL_SNAPSHOT => word(Ok(U256::from(self.proposals.get(c.uint(arg(0))?).vote_start.get()))),
            op::PROPOSAL_DEADLINE => word(Ok(U256::from(self.proposals.get(c.uint(arg(0))?).vote_end.get()))),
            op::PROPOSAL_PROPOSER => word(Ok(w(self.proposals.get(c.uint(arg(0))?).proposer.get()))),
            op::PROPOSAL_ETA => word(self.proposal_eta(c.uint(arg(0))?)),
            op::VOTING_DELAY => word(Ok(self.voting_delay.get())),
            op::VOTING_PERIOD => word(Ok(self.voting_period.get())),
            op::PROPOSAL_THRESHOLD => word(Ok(self.proposal_threshold.get())),
            op::QUORUM => word(self.quorum(c.uint(arg(0))?)),
            op::QUORUM_NUMERATOR => word(Ok(self.quorum_numerator())),
            op::QUORUM_NUMERATOR_AT => word(Ok(self.quorum_numerator_at(c.uint(arg(0))?))),
            op::QUORUM_DENOMINATOR => word(Ok(consts::QUORUM_DENOMINATOR)),
            op::QUOTA => word(Ok(self.quota.get())),
            op::GET_VOTES | op::GET_VOTES_WITH_PARAMS => {
                if code == op::GET_VOTES_WITH_PARAMS {
                    c.bytes_arg(2)?;
                }
                let (account, t) = (c.address(arg(0))?, c.uint(arg(1))?);
                word(peers::past_votes(self.vm(), self.token.get(), account, t))
            }
            op::HAS_VOTED => Ok(flag(self.has_voted(c.uint(arg(0))?, c.address(arg(1))?))),
            op::PROPOSAL_VOTES => Ok(words(&self.proposal_votes(c.uint(arg(0))?))),
            op::SET_VOTING_DELAY => unit(self.set_voting_delay(c.uint(arg(0))?, msg_hash())),
            op::SET_VOTING_PERIOD => unit(self.set_voting_period(c.uint(arg(0))?, msg_hash())),
            op::SET_PROPOSAL_THRESHOLD => unit(self.set_proposal_threshold(c.uint(arg(0))?, msg_hash())),
            op::UPDATE_QUORUM_NUMERATOR => unit(self.update_quorum_numerator(c.uint(arg(0))?, msg_hash())),
            op::UPDATE_TIMELOCK => unit(self.update_timelock(c.address(arg(0))?, msg_hash())),
            op::TIMELOCK => word(Ok(w(self.timelock.get()))),
            op::TOKEN => word(Ok(w(self.token.get()))),
            op::VOTES => word(self.votes().map(w)),
            op::BUMP_TOKEN => unit(self.bump_governor_votes_token_address()),
            op::NAME => Ok(string(consts::NAME.as_bytes())),
            op::VERSION => Ok(string(consts::VERSION.as_bytes())),
            op::COUNTING_MODE => Ok(string(consts::COUNTING_MODE.as_bytes())),
            op::CLOCK_MODE => peers::clock_mode(self.vm(), self.token.get()),
            op::CLOCK => word(self.clock()),
            op::BALLOT_TYPEHASH => word(Ok(consts::BALLOT_TYPEHASH.into())),
            op::EXTENDED_BALLOT_TYPEHASH => word(Ok(consts::EXTENDED_BALLOT_TYPEHASH.into())),
            op::SUPPORTS_INTERFACE => Ok(flag(self.supports_interface(c.bytes4(arg(0))?))),
            op::CONTROLLER => word(Ok(w(self.manager.controller.get()))),
            op::SET_CONTROLLER => unit(self.set_controller(c.address(arg(0))?)),
            op::TARGET_CONTRACT_ID => word(Ok(self.manager.target_contract_id.get().into())),
            // Every code in TABLE has an arm above.
            _ => Err(err(ERR_SELECTOR)),
        }
    }
}

/// Whether `selector` is routed (for tests and tools).
pub fn is_routed(selector: [u8; 4]) -> bool {
    TABLE.iter().any(|e| e.0 == u32::from_be_bytes(selector))
}
