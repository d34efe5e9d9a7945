//! Storage records, laid out as Livepeer's LivepeerGovernor behind its proxy (spec
//! Appendix B: OZ 4.9 upgradeable storage with its gaps), so the slots a tool or a later
//! target reads are where Solidity would put them.

// `#[storage]` expands to code naming `vec!` and `Vec`.
// The gaps only hold slots in place; nothing reads them.
#![allow(dead_code)]

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use lpx_contracts_common::Manager;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{
    StorageAddress, StorageArray, StorageB256, StorageBool, StorageFixedBytes, StorageMap, StorageU128, StorageU256, StorageU32, StorageU64, StorageU8,
    StorageUint, StorageVec,
};

/// An unused run of slots (OZ's `__gap`).
pub type Gap<const N: usize> = StorageArray<StorageU256, N>;

/// OZ 4.9 `ProposalCore`: three slots.
#[storage]
pub struct ProposalCore {
    /// Snapshot round (`voteStart`).
    pub vote_start: StorageU64,
    /// Who proposed it.
    pub proposer: StorageAddress,
    gap0: StorageFixedBytes<4>,
    /// Last voting round (`voteEnd`).
    pub vote_end: StorageU64,
    gap1: StorageFixedBytes<24>,
    /// Set by `execute`.
    pub executed: StorageBool,
    /// Set by `cancel`.
    pub canceled: StorageBool,
}

/// `ProposalVoterState`: whether and how an account voted, and the weight its delegators
/// took out of its vote.
#[storage]
pub struct Voter {
    /// Voted on this proposal.
    pub has_voted: StorageBool,
    /// 0 against, 1 for, 2 abstain.
    pub support: StorageU8,
    /// Sum of the weights of its delegators who voted.
    pub deductions: StorageU256,
}

/// `ProposalTally`.
#[storage]
pub struct Tally {
    /// Against votes.
    pub against: StorageU256,
    /// For votes.
    pub for_votes: StorageU256,
    /// Abstain votes.
    pub abstain: StorageU256,
    /// Per voter.
    pub voters: StorageMap<Address, Voter>,
}

/// OZ `Checkpoints.Checkpoint224`: one slot.
#[storage]
pub struct Checkpoint224 {
    /// The round from which `value` holds.
    pub key: StorageU32,
    /// The quorum numerator.
    pub value: StorageUint<224, 4>,
}

/// The LivepeerGovernor contract and its storage (slot numbers of spec Appendix B in the
/// comments). Runs of slots this contract never uses are single gaps (fewer fields: the
/// SDK constructs every field on every call): OZ's `__gap`s, EIP712's `_hashedName`,
/// `_hashedVersion`, `_name`, `_version` and Governor's `_name` (103-106, 255; the names are
/// constants here), `_initializing` (slot 2 byte 1; there is no nested initializer) and
/// the deprecated `_quorumNumerator` (456; this contract always had the history).
#[storage]
pub struct LivepeerGovernor {
    /// 0-1: controller and targetContractId.
    pub manager: Manager,
    /// 2: OZ Initializable `_initialized` (1 once initialized, 255 on the bare target).
    pub initialized: StorageU8,
    gap_3_255: Gap<253>,
    /// 256: proposals by id.
    pub proposals: StorageMap<U256, ProposalCore>,
    /// 257: `_governanceCall` deque `_begin` (low half) and `_end` (high half).
    pub call_begin: StorageU128,
    /// 257: see `call_begin`.
    pub call_end: StorageU128,
    /// 258: deque data.
    pub call_data: StorageMap<U256, StorageB256>,
    gap_259_304: Gap<46>,
    /// 305: rounds from proposal to snapshot.
    pub voting_delay: StorageU256,
    /// 306: rounds of voting.
    pub voting_period: StorageU256,
    /// 307: votes needed to propose.
    pub proposal_threshold: StorageU256,
    gap_308_354: Gap<47>,
    /// 355: the Treasury timelock.
    pub timelock: StorageAddress,
    /// 356: timelock operation id per queued proposal.
    pub timelock_ids: StorageMap<U256, StorageB256>,
    gap_357_404: Gap<48>,
    /// 405: the votes token (BondingVotes).
    pub token: StorageAddress,
    gap_406_456: Gap<51>,
    /// 457: quorum numerator history.
    pub quorum_history: StorageVec<Checkpoint224>,
    gap_458_505: Gap<48>,
    /// 506: tallies by proposal id.
    pub tallies: StorageMap<U256, Tally>,
    /// 507: share of for votes needed among for + against (parts per million).
    pub quota: StorageU256,
}
