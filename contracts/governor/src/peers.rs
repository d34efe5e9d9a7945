//! Calls to the contracts the governor depends on (Controller, BondingVotes, the Treasury
//! timelock, the ecrecover precompile) and event emission.
//!
//! Calldata, replies and event data are encoded by hand ([`crate::encode`]); selectors and
//! topics come from the `sol!` ABIs as constants. Calls go through `RawCall` (as the
//! TicketBroker's), whose revert data bubbles up verbatim. The tests decode every call and
//! event with the `sol!` types.

use alloc::vec::Vec;
use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use lpx_abi::bonding_votes::IBondingVotes as Bv;
use lpx_abi::controller::IController as C;
use lpx_abi::governor::ILivepeerGovernor as G;
use lpx_abi::ticket_broker::{ecrecover_input, ecrecover_output};
use lpx_abi::treasury::ITreasury as T;
use lpx_contracts_common::revert::{err, require, Revert};
use stylus_sdk::call::RawCall;
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;

use crate::encode::{self, Tok};

/// The ecrecover precompile.
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");
/// A peer answered with data that does not decode (the other lpx contracts' message).
pub const ERR_BAD_REPLY: &str = "invalid call response";
/// A state-changing call to an address without code (the EVM would report success).
pub const ERR_NO_CODE: &str = "call to non-contract";

/// An address as an ABI word.
pub fn w(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

fn calldata(selector: [u8; 4], args: &[U256]) -> Vec<u8> {
    let mut d = selector.to_vec();
    args.iter().for_each(|a| d.extend_from_slice(&a.to_be_bytes::<32>()));
    d
}

/// Static call with static arguments; the raw reply.
fn view_raw(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<Vec<u8>, Revert> {
    // SAFETY: the storage cache is flushed (and stays valid) before the call; a static call
    // cannot write our storage.
    unsafe { RawCall::new_static(vm).flush_storage_cache().call(to, &calldata(selector, args)) }
}

/// Static call returning one word at most `max` (a clean value of its ABI type).
fn view(vm: &VM, to: Address, selector: [u8; 4], args: &[U256], max: U256) -> Result<U256, Revert> {
    let reply = view_raw(vm, to, selector, args)?;
    let word = reply.first_chunk::<32>().map(|w| U256::from_be_bytes(*w));
    match word {
        Some(v) if v <= max => Ok(v),
        _ => Err(err(ERR_BAD_REPLY)),
    }
}

fn view_uint(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<U256, Revert> {
    view(vm, to, selector, args, U256::MAX)
}

fn view_bool(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<bool, Revert> {
    Ok(view(vm, to, selector, args, U256::from(1u8))? == U256::from(1u8))
}

fn view_addr(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<Address, Revert> {
    let v = view(vm, to, selector, args, U256::MAX >> 96)?;
    Ok(Address::from_word(v.into()))
}

/// A state-changing call with `value`; reverts bubble up verbatim.
pub fn send(vm: &VM, to: Address, value: U256, data: &[u8]) -> Result<Vec<u8>, Revert> {
    require(vm.code_size(to) > 0, ERR_NO_CODE)?;
    // SAFETY: the storage cache is flushed and cleared before the call (the callee may call
    // back into the governor), so no value read before it is reused afterwards.
    unsafe { RawCall::new_with_value(vm, value).clear_storage_cache().call(to, data) }
}

/// `controller.getContract(id)`.
pub fn get_contract(vm: &VM, controller: Address, id: B256) -> Result<Address, Revert> {
    view_addr(vm, controller, C::getContractCall::SELECTOR, &[id.into()])
}

/// `BondingVotes.clock()`: the current round (a uint48).
pub fn clock(vm: &VM, token: Address) -> Result<U256, Revert> {
    view(vm, token, Bv::clockCall::SELECTOR, &[], U256::from((1u64 << 48) - 1))
}

/// `BondingVotes.CLOCK_MODE()`, the reply passed on as it is (an ABI string).
pub fn clock_mode(vm: &VM, token: Address) -> Result<Vec<u8>, Revert> {
    view_raw(vm, token, Bv::CLOCK_MODECall::SELECTOR, &[])
}

/// `BondingVotes.getPastVotes(account, round)`.
pub fn past_votes(vm: &VM, token: Address, account: Address, round: U256) -> Result<U256, Revert> {
    view_uint(vm, token, Bv::getPastVotesCall::SELECTOR, &[w(account), round])
}

/// `BondingVotes.getPastTotalSupply(round)`.
pub fn past_total_supply(vm: &VM, token: Address, round: U256) -> Result<U256, Revert> {
    view_uint(vm, token, Bv::getPastTotalSupplyCall::SELECTOR, &[round])
}

/// `BondingVotes.delegatedAt(account, round)`.
pub fn delegated_at(vm: &VM, votes: Address, account: Address, round: U256) -> Result<Address, Revert> {
    view_addr(vm, votes, Bv::delegatedAtCall::SELECTOR, &[w(account), round])
}

/// `Treasury.getMinDelay()`.
pub fn min_delay(vm: &VM, timelock: Address) -> Result<U256, Revert> {
    view_uint(vm, timelock, T::getMinDelayCall::SELECTOR, &[])
}

/// `Treasury.getTimestamp(id)`.
pub fn timestamp(vm: &VM, timelock: Address, id: B256) -> Result<U256, Revert> {
    view_uint(vm, timelock, T::getTimestampCall::SELECTOR, &[id.into()])
}

/// `Treasury.isOperationDone(id)`.
pub fn is_done(vm: &VM, timelock: Address, id: B256) -> Result<bool, Revert> {
    view_bool(vm, timelock, T::isOperationDoneCall::SELECTOR, &[id.into()])
}

/// `Treasury.isOperationPending(id)`.
pub fn is_pending(vm: &VM, timelock: Address, id: B256) -> Result<bool, Revert> {
    view_bool(vm, timelock, T::isOperationPendingCall::SELECTOR, &[id.into()])
}

/// ecrecover through the precompile: the signer, or `None` when recovery fails.
pub fn ecrecover(vm: &VM, digest: &B256, r: &B256, s: U256, v: u8) -> Result<Option<Address>, Revert> {
    // SAFETY: a static call to a precompile, which reads no storage of ours.
    let out = unsafe { RawCall::new_static(vm).call(ECRECOVER, &ecrecover_input(digest, r, s, v))? };
    Ok(ecrecover_output(&out))
}

/// Emits an event with `topics` and ABI-encoded `data`.
pub fn emit(vm: &VM, topics: &[B256], data: &[Tok<'_>]) {
    // raw_log only fails for more than 4 topics; these have at most 2.
    let _ = vm.raw_log(topics, &encode::encode(data));
}

/// Emits an event whose data is static words.
pub fn emit_words(vm: &VM, topic0: B256, data: &[U256]) {
    let _ = vm.raw_log(&[topic0], &encode::words(data));
}

/// The topic0 of each event the governor emits.
pub mod topic {
    use super::*;
    /// `ProposalCreated`.
    pub const CREATED: B256 = G::ProposalCreated::SIGNATURE_HASH;
    /// `ProposalCanceled`.
    pub const CANCELED: B256 = G::ProposalCanceled::SIGNATURE_HASH;
    /// `ProposalExecuted`.
    pub const EXECUTED: B256 = G::ProposalExecuted::SIGNATURE_HASH;
    /// `ProposalQueued`.
    pub const QUEUED: B256 = G::ProposalQueued::SIGNATURE_HASH;
    /// `VoteCast`.
    pub const VOTE_CAST: B256 = G::VoteCast::SIGNATURE_HASH;
    /// `VoteCastWithParams`.
    pub const VOTE_CAST_WITH_PARAMS: B256 = G::VoteCastWithParams::SIGNATURE_HASH;
    /// `VotingDelaySet`.
    pub const VOTING_DELAY_SET: B256 = G::VotingDelaySet::SIGNATURE_HASH;
    /// `VotingPeriodSet`.
    pub const VOTING_PERIOD_SET: B256 = G::VotingPeriodSet::SIGNATURE_HASH;
    /// `ProposalThresholdSet`.
    pub const THRESHOLD_SET: B256 = G::ProposalThresholdSet::SIGNATURE_HASH;
    /// `QuorumNumeratorUpdated`.
    pub const QUORUM_UPDATED: B256 = G::QuorumNumeratorUpdated::SIGNATURE_HASH;
    /// `TimelockChange`.
    pub const TIMELOCK_CHANGE: B256 = G::TimelockChange::SIGNATURE_HASH;
    /// `Initialized`.
    pub const INITIALIZED: B256 = G::Initialized::SIGNATURE_HASH;
    /// `SetController`.
    pub const SET_CONTROLLER: B256 = G::SetController::SIGNATURE_HASH;
}
