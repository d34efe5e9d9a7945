//! Voting: the castVote family (OZ 4.9 `Governor._castVote`, EIP-712 ballots) and
//! Livepeer's `GovernorCountingOverridable` tally, where a delegator who votes takes its
//! stake out of its transcoder's vote (spec §10.3).

use alloc::vec::Vec;
use alloy_primitives::{aliases::U8, keccak256, Address, B256, U256};
use alloy_sol_types::SolError;
use lpx_abi::governor::{proposal_state as ps, ILivepeerGovernor as G};
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{add, err, require, sub, Revert};
use stylus_sdk::prelude::*;

use crate::consts::{BALLOT_TYPEHASH, DOMAIN_TYPEHASH, EXTENDED_BALLOT_TYPEHASH, NAME_HASH, VERSION_HASH};
use crate::encode::{words, Tok};
use crate::peers::{self, topic, w};
use crate::reasons as r;
use crate::LivepeerGovernor;

/// secp256k1n / 2: OZ's ECDSA refuses larger `s` (malleable signatures).
const HALF_N: U256 = U256::from_be_bytes(alloy_primitives::hex!("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"));

const AGAINST: u8 = 0;
const FOR: u8 = 1;
const ABSTAIN: u8 = 2;

/// An EIP-712 signature as `castVote*BySig` takes it.
pub struct Sig {
    /// Recovery id (27 or 28).
    pub v: u8,
    /// r.
    pub r: B256,
    /// s.
    pub s: B256,
}

impl LivepeerGovernor {
    /// OZ `_castVote`: requires Active; weight = BondingVotes power at the end of the snapshot
    /// round; counts with override; emits `VoteCast`, or `VoteCastWithParams` when `params`
    /// is not empty. Returns the weight.
    ///
    /// # Errors
    /// "Governor: vote not currently active", `InvalidVoteType`, `VoteAlreadyCast`.
    pub fn cast_vote(&mut self, id: U256, voter: Address, support: u8, reason: &[u8], params: &[u8]) -> Result<U256, Revert> {
        require(self.state(id)? == ps::ACTIVE, r::NOT_ACTIVE)?;
        let snapshot = U256::from(self.proposals.get(id).vote_start.get());
        let weight = peers::past_votes(self.vm(), self.token.get(), voter, snapshot)?;
        self.count_vote(id, voter, support, weight, snapshot)?;
        let head = [Tok::Word(id), Tok::Word(U256::from(support)), Tok::Word(weight), Tok::Bytes(reason)];
        let topics = [topic::VOTE_CAST, voter.into_word()];
        if params.is_empty() {
            peers::emit(self.vm(), &topics, &head);
        } else {
            let mut data: Vec<Tok<'_>> = head.into_iter().collect();
            data.push(Tok::Bytes(params));
            peers::emit(self.vm(), &[topic::VOTE_CAST_WITH_PARAMS, voter.into_word()], &data);
        }
        Ok(weight)
    }

    /// `_countVote` with `_handleVoteOverrides` (GovernorCountingOverridable).
    fn count_vote(&mut self, id: U256, account: Address, support: u8, weight: U256, snapshot: U256) -> Result<(), Revert> {
        if support > ABSTAIN {
            return Err(G::InvalidVoteType { voteType: support }.abi_encode());
        }
        let mut tally = self.tallies.setter(id);
        let mut voter = tally.voters.setter(account);
        if voter.has_voted.get() {
            return Err(G::VoteAlreadyCast {}.abi_encode());
        }
        voter.has_voted.set(true);
        voter.support.set(U8::from(support));
        let deductions = voter.deductions.get();
        // `votes()`: the Controller's current BondingVotes, looked up once.
        let controller = self.manager.controller.get();
        let votes = peers::get_contract(self.vm(), controller, ids::BONDING_VOTES)?;
        let delegate = peers::delegated_at(self.vm(), votes, account, snapshot)?;
        let transcoder = account == delegate;
        let overrides = !transcoder && delegate == peers::delegated_at(self.vm(), votes, delegate, snapshot)?;
        let mut tally = self.tallies.setter(id);
        let weight = if transcoder {
            // A transcoder: its delegators who voted already took their part.
            sub(weight, deductions)?
        } else if !overrides {
            // Delegated to an account that is not self-delegated: no override (audit H-02).
            weight
        } else {
            let mut dv = tally.voters.setter(delegate);
            let total = add(dv.deductions.get(), weight)?;
            dv.deductions.set(total);
            if dv.has_voted.get() {
                let prior = dv.support.get().as_limbs()[0] as u8;
                Self::tally_sub(&mut tally, prior, weight)?;
            }
            weight
        };
        let bucket = match support {
            AGAINST => &mut tally.against,
            FOR => &mut tally.for_votes,
            _ => &mut tally.abstain,
        };
        let sum = add(bucket.get(), weight)?;
        bucket.set(sum);
        Ok(())
    }

    fn tally_sub(tally: &mut crate::state::Tally, support: u8, weight: U256) -> Result<(), Revert> {
        let bucket = match support {
            AGAINST => &mut tally.against,
            FOR => &mut tally.for_votes,
            _ => &mut tally.abstain,
        };
        let left = sub(bucket.get(), weight)?;
        bucket.set(left);
        Ok(())
    }

    /// EIP-712 `_hashTypedDataV4(structHash)` with domain ("LivepeerGovernor", "1", chain
    /// id, this contract: the proxy when called through it).
    pub fn typed_digest(&self, struct_hash: B256) -> B256 {
        let chain = U256::from(self.vm().chain_id());
        let this = w(self.vm().contract_address());
        let domain = keccak256(words(&[DOMAIN_TYPEHASH.into(), NAME_HASH.into(), VERSION_HASH.into(), chain, this]));
        let mut msg = Vec::with_capacity(66);
        msg.extend_from_slice(&[0x19, 0x01]);
        msg.extend_from_slice(domain.as_slice());
        msg.extend_from_slice(struct_hash.as_slice());
        keccak256(msg)
    }

    /// OZ 4.9 `ECDSA.recover(digest, v, r, s)`.
    ///
    /// # Errors
    /// "ECDSA: invalid signature 's' value", "ECDSA: invalid signature".
    pub fn recover(&self, digest: B256, sig: &Sig) -> Result<Address, Revert> {
        let s = U256::from_be_bytes(sig.s.0);
        require(s <= HALF_N, r::BAD_SIGNATURE_S)?;
        peers::ecrecover(self.vm(), &digest, &sig.r, s, sig.v)?.ok_or_else(|| err(r::BAD_SIGNATURE))
    }

    /// `castVoteBySig`: the signer of `Ballot(proposalId, support)` votes.
    pub fn cast_vote_by_sig(&mut self, id: U256, support: u8, sig: &Sig) -> Result<U256, Revert> {
        let hash = keccak256(words(&[BALLOT_TYPEHASH.into(), id, U256::from(support)]));
        let voter = self.recover(self.typed_digest(hash), sig)?;
        self.cast_vote(id, voter, support, &[], &[])
    }

    /// `castVoteWithReasonAndParamsBySig`: the signer of `ExtendedBallot(proposalId,
    /// support, reason, params)` votes.
    pub fn cast_vote_with_reason_and_params_by_sig(&mut self, id: U256, support: u8, reason: &[u8], params: &[u8], sig: &Sig) -> Result<U256, Revert> {
        let fields = [EXTENDED_BALLOT_TYPEHASH.into(), id, U256::from(support), keccak256(reason).into(), keccak256(params).into()];
        let voter = self.recover(self.typed_digest(keccak256(words(&fields))), sig)?;
        self.cast_vote(id, voter, support, reason, params)
    }

    /// Whether `account` voted on the proposal.
    pub fn has_voted(&self, id: U256, account: Address) -> bool {
        self.tallies.get(id).voters.get(account).has_voted.get()
    }

    /// (against, for, abstain).
    pub fn proposal_votes(&self, id: U256) -> [U256; 3] {
        let t = self.tallies.get(id);
        [t.against.get(), t.for_votes.get(), t.abstain.get()]
    }
}
