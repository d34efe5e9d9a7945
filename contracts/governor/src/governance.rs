//! The proposal lifecycle (OZ 4.9 `Governor` + `GovernorTimelockControl`, spec §10.2):
//! propose, the state machine, queue and execute through the Treasury timelock, cancel,
//! and `onlyGovernance` with OZ's queue of expected governance calls.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolCall;
use lpx_abi::governor::proposal_state as ps;
use lpx_abi::treasury::ITreasury as T;
use lpx_contracts_common::revert::{add, err, require, sub, Revert};
use stylus_sdk::prelude::*;

use crate::encode::Tok;
use crate::peers::{self, topic, w};
use crate::proposal::{timelock_salt, Actions};
use crate::reasons as r;
use crate::LivepeerGovernor;

/// `#proposer=0x`, the marker of OZ's front-running protection suffix.
const MARKER: &[u8; 12] = b"#proposer=0x";

/// OZ `_isValidDescriptionForProposer`: a description ending in `#proposer=0x` and 40 hex
/// digits may only be proposed by that address; any other description by anyone.
pub fn valid_description_for(proposer: Address, description: &[u8]) -> bool {
    let len = description.len();
    if len < 52 || &description[len - 52..len - 40] != MARKER {
        return true;
    }
    let mut recovered = [0u8; 20];
    for (i, c) in description[len - 40..].iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return true,
        };
        recovered[i / 2] |= if i % 2 == 0 { v << 4 } else { v };
    }
    Address::from(recovered) == proposer
}

fn to_u64(x: U256) -> Result<u64, Revert> {
    u64::try_from(x).map_err(|_| err(r::U64))
}

impl LivepeerGovernor {
    /// The BondingVotes clock: the current round.
    pub(crate) fn clock(&self) -> Result<U256, Revert> {
        peers::clock(self.vm(), self.token.get())
    }

    /// OZ `state(proposalId)` with GovernorTimelockControl's override.
    ///
    /// # Errors
    /// "Governor: unknown proposal id".
    pub fn state(&self, id: U256) -> Result<u8, Revert> {
        let p = self.proposals.get(id);
        if p.executed.get() {
            return Ok(ps::EXECUTED);
        }
        if p.canceled.get() {
            return Ok(ps::CANCELED);
        }
        let snapshot = U256::from(p.vote_start.get());
        require(!snapshot.is_zero(), r::UNKNOWN)?;
        let now = self.clock()?;
        if snapshot >= now {
            return Ok(ps::PENDING);
        }
        if U256::from(p.vote_end.get()) >= now {
            return Ok(ps::ACTIVE);
        }
        if !(self.quorum_reached(id, snapshot)? && self.vote_succeeded(id)?) {
            return Ok(ps::DEFEATED);
        }
        let op = self.timelock_ids.get(id);
        if op.is_zero() {
            return Ok(ps::SUCCEEDED);
        }
        let timelock = self.timelock.get();
        if peers::is_done(self.vm(), timelock, op)? {
            Ok(ps::EXECUTED)
        } else if peers::is_pending(self.vm(), timelock, op)? {
            Ok(ps::QUEUED)
        } else {
            Ok(ps::CANCELED)
        }
    }

    /// Votes cast (for + against + abstain) reach the quorum at the snapshot.
    fn quorum_reached(&self, id: U256, snapshot: U256) -> Result<bool, Revert> {
        let t = self.tallies.get(id);
        let total = add(add(t.against.get(), t.for_votes.get())?, t.abstain.get())?;
        Ok(total >= self.quorum(snapshot)?)
    }

    /// For votes reach the quota of for + against (abstain ignored; MathUtils.percOf).
    fn vote_succeeded(&self, id: U256) -> Result<bool, Revert> {
        let t = self.tallies.get(id);
        let for_votes = t.for_votes.get();
        let opinionated = add(t.against.get(), for_votes)?;
        let needed = crate::perc_of(opinionated, self.quota.get())?;
        Ok(for_votes >= needed)
    }

    /// Creates a proposal voting from `clock() + votingDelay` to that plus `votingPeriod`.
    ///
    /// # Errors
    /// "Governor: proposer restricted", "Governor: proposer votes below proposal threshold",
    /// "Governor: invalid proposal length", "Governor: empty proposal", "Governor: proposal
    /// already exists"; Panic(0x11) at round 0 (as OZ's `clock() - 1`).
    ///
    /// # Events
    /// `ProposalCreated`.
    pub fn propose(&mut self, a: &Actions<'_>, description: &[u8]) -> Result<U256, Revert> {
        let proposer = self.vm().msg_sender();
        require(valid_description_for(proposer, description), r::RESTRICTED)?;
        let now = self.clock()?;
        let votes = peers::past_votes(self.vm(), self.token.get(), proposer, sub(now, U256::from(1))?)?;
        require(votes >= self.proposal_threshold.get(), r::BELOW_THRESHOLD)?;
        let id = a.id(keccak256(description));
        let n = a.targets.len();
        require(n == a.values.len() && n == a.calldatas.len(), r::LENGTH)?;
        require(n > 0, r::EMPTY)?;
        require(self.proposals.get(id).vote_start.get() == 0, r::EXISTS)?;
        let snapshot = add(now, self.voting_delay.get())?;
        let deadline = add(snapshot, self.voting_period.get())?;
        let (start, end) = (to_u64(snapshot)?, to_u64(deadline)?);
        let mut p = self.proposals.setter(id);
        p.vote_start.set(alloy_primitives::aliases::U64::from(start));
        p.vote_end.set(alloy_primitives::aliases::U64::from(end));
        p.proposer.set(proposer);
        let data = [
            Tok::Word(id),
            Tok::Word(w(proposer)),
            Tok::Words(&a.targets),
            Tok::Words(&a.values),
            Tok::EmptyStrings(n),
            Tok::BytesArray(&a.calldatas),
            Tok::Word(snapshot),
            Tok::Word(deadline),
            Tok::Bytes(description),
        ];
        peers::emit(self.vm(), &[topic::CREATED], &data);
        Ok(id)
    }

    fn salt(&self, description_hash: B256) -> B256 {
        timelock_salt(self.vm().contract_address(), description_hash)
    }

    /// Schedules a succeeded proposal on the Treasury with its minimum delay.
    ///
    /// # Errors
    /// "Governor: proposal not successful"; the Treasury's reverts.
    ///
    /// # Events
    /// `ProposalQueued(id, block.timestamp + delay)`.
    pub fn queue(&mut self, a: &Actions<'_>, description_hash: B256) -> Result<U256, Revert> {
        let id = a.id(description_hash);
        require(self.state(id)? == ps::SUCCEEDED, r::NOT_SUCCESSFUL)?;
        let timelock = self.timelock.get();
        let delay = peers::min_delay(self.vm(), timelock)?;
        let salt = self.salt(description_hash);
        self.timelock_ids.setter(id).set(a.operation_id(salt));
        peers::send(self.vm(), timelock, U256::ZERO, &a.batch_call(T::scheduleBatchCall::SELECTOR, salt, &[delay]))?;
        let eta = add(U256::from(self.vm().block_timestamp()), delay)?;
        peers::emit_words(self.vm(), topic::QUEUED, &[id, eta]);
        Ok(id)
    }

    /// Executes a queued proposal through `Treasury.executeBatch` (payable: `msg.value` is
    /// forwarded).
    ///
    /// # Errors
    /// "Governor: proposal not successful"; the Treasury's and the actions' reverts.
    ///
    /// # Events
    /// `ProposalExecuted`.
    pub fn execute(&mut self, a: &Actions<'_>, description_hash: B256) -> Result<U256, Revert> {
        let id = a.id(description_hash);
        let state = self.state(id)?;
        require(state == ps::SUCCEEDED || state == ps::QUEUED, r::NOT_SUCCESSFUL)?;
        self.proposals.setter(id).executed.set(true);
        peers::emit_words(self.vm(), topic::EXECUTED, &[id]);
        // _beforeExecute: the calls the proposal makes to this governor are the only ones
        // `onlyGovernance` accepts while it runs.
        let this = self.vm().contract_address();
        for data in a.calls_to(this) {
            self.push_governance_call(keccak256(data))?;
        }
        let salt = self.salt(description_hash);
        let value = self.vm().msg_value();
        let call = a.batch_call(T::executeBatchCall::SELECTOR, salt, &[]);
        peers::send(self.vm(), self.timelock.get(), value, &call)?;
        // _afterExecute: drop what the proposal did not consume.
        if self.call_begin.get() != self.call_end.get() {
            self.call_begin.set(alloy_primitives::aliases::U128::ZERO);
            self.call_end.set(alloy_primitives::aliases::U128::ZERO);
        }
        Ok(id)
    }

    /// Cancels a pending proposal (OZ 4.9: only its proposer, only while Pending; a pending
    /// proposal is never on the timelock, so nothing is cancelled there).
    ///
    /// # Errors
    /// "Governor: too late to cancel", "Governor: only proposer can cancel".
    ///
    /// # Events
    /// `ProposalCanceled`.
    pub fn cancel(&mut self, a: &Actions<'_>, description_hash: B256) -> Result<U256, Revert> {
        let id = a.id(description_hash);
        require(self.state(id)? == ps::PENDING, r::TOO_LATE)?;
        let sender = self.vm().msg_sender();
        require(sender == self.proposals.get(id).proposer.get(), r::ONLY_PROPOSER)?;
        self.proposals.setter(id).canceled.set(true);
        peers::emit_words(self.vm(), topic::CANCELED, &[id]);
        Ok(id)
    }

    pub(crate) fn push_governance_call(&mut self, hash: B256) -> Result<(), Revert> {
        let end = self.call_end.get();
        self.call_data.setter(U256::from(end)).set(hash);
        let next = end.checked_add(alloy_primitives::aliases::U128::from(1)).ok_or_else(|| err(r::ONLY_GOVERNANCE))?;
        self.call_end.set(next);
        Ok(())
    }

    /// `onlyGovernance`: the caller is the timelock, and the call (`msg_hash` =
    /// keccak256(msg.data)) is one the executing proposal makes to this governor: queued
    /// calls are popped until it is found; none left reverts (OZ: `Empty()`).
    pub(crate) fn only_governance(&mut self, msg_hash: B256) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.timelock.get(), r::ONLY_GOVERNANCE)?;
        loop {
            let begin = self.call_begin.get();
            if begin == self.call_end.get() {
                return Err(err(r::NOT_QUEUED));
            }
            let key = U256::from(begin);
            let front = self.call_data.get(key);
            self.call_data.delete(key);
            // begin < end, so begin + 1 cannot overflow.
            self.call_begin.set(begin + alloy_primitives::aliases::U128::from(1));
            if front == msg_hash {
                return Ok(());
            }
        }
    }

    /// Timestamp the queued operation becomes executable; 0 if not queued or done.
    pub fn proposal_eta(&self, id: U256) -> Result<U256, Revert> {
        let op = self.timelock_ids.get(id);
        if op.is_zero() {
            return Ok(U256::ZERO);
        }
        let eta = peers::timestamp(self.vm(), self.timelock.get(), op)?;
        Ok(if eta == U256::from(1) { U256::ZERO } else { eta })
    }
}
