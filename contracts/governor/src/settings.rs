//! Initialization, the governance-only parameters (OZ 4.9 `GovernorSettings`,
//! `GovernorVotesQuorumFraction`, `GovernorTimelockControl.updateTimelock`, `relay`), the
//! quorum and the Manager members.

use alloy_primitives::{
    aliases::{U224, U32, U8},
    Address, B256, U256,
};
use alloy_sol_types::SolCall;
use lpx_abi::governor::ILivepeerGovernor as G;
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{err, require, Revert};
use stylus_sdk::call::RawCall;
use stylus_sdk::prelude::*;

use crate::consts::QUORUM_DENOMINATOR;
use crate::peers::{self, topic, w};
use crate::reasons as r;
use crate::LivepeerGovernor;

const fn sel(s: [u8; 4]) -> u32 {
    u32::from_be_bytes(s)
}

/// The `IGovernor` id of OZ 4.3 (and the 4.9 `Governor`'s `governor43Id`).
const GOVERNOR_43: u32 = sel(G::nameCall::SELECTOR)
    ^ sel(G::versionCall::SELECTOR)
    ^ sel(G::COUNTING_MODECall::SELECTOR)
    ^ sel(G::hashProposalCall::SELECTOR)
    ^ sel(G::stateCall::SELECTOR)
    ^ sel(G::proposalSnapshotCall::SELECTOR)
    ^ sel(G::proposalDeadlineCall::SELECTOR)
    ^ sel(G::votingDelayCall::SELECTOR)
    ^ sel(G::votingPeriodCall::SELECTOR)
    ^ sel(G::quorumCall::SELECTOR)
    ^ sel(G::getVotesCall::SELECTOR)
    ^ sel(G::hasVotedCall::SELECTOR)
    ^ sel(G::proposeCall::SELECTOR)
    ^ sel(G::executeCall::SELECTOR)
    ^ sel(G::castVoteCall::SELECTOR)
    ^ sel(G::castVoteWithReasonCall::SELECTOR)
    ^ sel(G::castVoteBySigCall::SELECTOR);
/// OZ 4.6 added the params functions.
const GOVERNOR_46: u32 = GOVERNOR_43
    ^ sel(G::castVoteWithReasonAndParamsCall::SELECTOR)
    ^ sel(G::castVoteWithReasonAndParamsBySigCall::SELECTOR)
    ^ sel(G::getVotesWithParamsCall::SELECTOR);
/// OZ 4.9's `governorCancelId`.
const GOVERNOR_CANCEL: u32 = sel(G::cancelCall::SELECTOR) ^ sel(G::proposalProposerCall::SELECTOR);
/// `IGovernorTimelock`.
const GOVERNOR_TIMELOCK: u32 = sel(G::timelockCall::SELECTOR) ^ sel(G::proposalEtaCall::SELECTOR) ^ sel(G::queueCall::SELECTOR);
/// ERC-165 itself.
const ERC165: u32 = 0x01ff_c9a7;

/// The interface ids `supportsInterface` answers true for.
pub const INTERFACES: [u32; 5] = [GOVERNOR_43, GOVERNOR_46, GOVERNOR_CANCEL, GOVERNOR_TIMELOCK, ERC165];

impl LivepeerGovernor {
    /// The Stylus constructor: sets the Controller and, like Livepeer's constructor
    /// (`_disableInitializers`), makes the bare target impossible to initialize.
    ///
    /// # Errors
    /// "constructor already called".
    ///
    /// # Events
    /// `Initialized(255)`.
    pub fn constructor(&mut self, controller: Address) -> Result<(), Revert> {
        if stylus_sdk::stylus_core::ConstructorGuard::check_constructor_slot(self).is_err() {
            return Err(err(r::CONSTRUCTED));
        }
        self.manager.controller.set(controller);
        self.initialized.set(U8::MAX);
        peers::emit_words(self.vm(), topic::INITIALIZED, &[U256::from(255)]);
        Ok(())
    }

    /// Livepeer's `initialize` (once, through the proxy): name "LivepeerGovernor", settings,
    /// timelock = Controller "Treasury", token = Controller "BondingVotes", quorum numerator
    /// (checkpointed at the current round) and quota.
    ///
    /// # Errors
    /// "Initializable: contract is already initialized", "GovernorSettings: voting period
    /// too low", "GovernorVotesQuorumFraction: quorumNumerator over quorumDenominator".
    ///
    /// # Events
    /// `VotingDelaySet`, `VotingPeriodSet`, `ProposalThresholdSet`, `TimelockChange`,
    /// `QuorumNumeratorUpdated`, `Initialized(1)`.
    pub fn initialize(&mut self, delay: U256, period: U256, threshold: U256, quorum: U256, quota: U256) -> Result<(), Revert> {
        require(self.initialized.get().is_zero(), r::INITIALIZED)?;
        self.initialized.set(U8::from(1));
        let controller = self.manager.controller.get();
        let treasury = peers::get_contract(self.vm(), controller, ids::TREASURY)?;
        let votes = peers::get_contract(self.vm(), controller, ids::BONDING_VOTES)?;
        self.set_voting_delay_inner(delay);
        self.set_voting_period_inner(period)?;
        self.set_proposal_threshold_inner(threshold);
        self.update_timelock_inner(treasury);
        self.token.set(votes);
        self.update_quorum_numerator_inner(quorum)?;
        self.quota.set(quota);
        peers::emit_words(self.vm(), topic::INITIALIZED, &[U256::from(1)]);
        Ok(())
    }

    fn set_voting_delay_inner(&mut self, v: U256) {
        let old = self.voting_delay.get();
        peers::emit_words(self.vm(), topic::VOTING_DELAY_SET, &[old, v]);
        self.voting_delay.set(v);
    }

    fn set_voting_period_inner(&mut self, v: U256) -> Result<(), Revert> {
        require(!v.is_zero(), r::PERIOD_TOO_LOW)?;
        let old = self.voting_period.get();
        peers::emit_words(self.vm(), topic::VOTING_PERIOD_SET, &[old, v]);
        self.voting_period.set(v);
        Ok(())
    }

    fn set_proposal_threshold_inner(&mut self, v: U256) {
        let old = self.proposal_threshold.get();
        peers::emit_words(self.vm(), topic::THRESHOLD_SET, &[old, v]);
        self.proposal_threshold.set(v);
    }

    fn update_timelock_inner(&mut self, timelock: Address) {
        let old = self.timelock.get();
        peers::emit_words(self.vm(), topic::TIMELOCK_CHANGE, &[w(old), w(timelock)]);
        self.timelock.set(timelock);
    }

    fn update_quorum_numerator_inner(&mut self, v: U256) -> Result<(), Revert> {
        require(v <= QUORUM_DENOMINATOR, r::QUORUM_OVER)?;
        let old = self.quorum_numerator();
        let key = u32::try_from(self.clock()?).map_err(|_| err(r::U32))?;
        // OZ's Trace224.push: same key overwrites, an older key reverts. The numerator is at
        // most 1e6, so it fits uint224.
        let value = U224::from(v);
        let len = self.quorum_history.len();
        let last = len.checked_sub(1).and_then(|i| self.quorum_history.get(i).map(|c| c.key.get().as_limbs()[0]));
        match last {
            Some(k) if k > u64::from(key) => return Err(err(r::DECREASING_KEYS)),
            Some(k) if k == u64::from(key) => {
                if let Some(mut c) = self.quorum_history.setter(len - 1) {
                    c.value.set(value);
                }
            }
            _ => {
                let mut c = self.quorum_history.grow();
                c.key.set(U32::from(key));
                c.value.set(value);
            }
        }
        peers::emit_words(self.vm(), topic::QUORUM_UPDATED, &[old, v]);
        Ok(())
    }

    /// onlyGovernance. Events: `VotingDelaySet`.
    pub fn set_voting_delay(&mut self, v: U256, msg_hash: B256) -> Result<(), Revert> {
        self.only_governance(msg_hash)?;
        self.set_voting_delay_inner(v);
        Ok(())
    }

    /// onlyGovernance; "GovernorSettings: voting period too low" for 0. Events:
    /// `VotingPeriodSet`.
    pub fn set_voting_period(&mut self, v: U256, msg_hash: B256) -> Result<(), Revert> {
        self.only_governance(msg_hash)?;
        self.set_voting_period_inner(v)
    }

    /// onlyGovernance. Events: `ProposalThresholdSet`.
    pub fn set_proposal_threshold(&mut self, v: U256, msg_hash: B256) -> Result<(), Revert> {
        self.only_governance(msg_hash)?;
        self.set_proposal_threshold_inner(v);
        Ok(())
    }

    /// onlyGovernance; at most 1e6. Events: `QuorumNumeratorUpdated`.
    pub fn update_quorum_numerator(&mut self, v: U256, msg_hash: B256) -> Result<(), Revert> {
        self.only_governance(msg_hash)?;
        self.update_quorum_numerator_inner(v)
    }

    /// onlyGovernance. Events: `TimelockChange`.
    pub fn update_timelock(&mut self, timelock: Address, msg_hash: B256) -> Result<(), Revert> {
        self.only_governance(msg_hash)?;
        self.update_timelock_inner(timelock);
        Ok(())
    }

    /// onlyGovernance: calls `target` with `value` and `data` as the governor; a revert
    /// bubbles up, or "Governor: relay reverted without message" when it has no data.
    pub fn relay(&mut self, target: Address, value: U256, data: &[u8], msg_hash: B256) -> Result<(), Revert> {
        self.only_governance(msg_hash)?;
        // SAFETY: the storage cache is flushed and cleared before the call.
        let result = unsafe { RawCall::new_with_value(self.vm(), value).clear_storage_cache().call(target, data) };
        match result {
            Ok(_) => Ok(()),
            Err(data) if data.is_empty() => Err(err(r::RELAY)),
            Err(data) => Err(data),
        }
    }

    /// The current quorum numerator.
    pub fn quorum_numerator(&self) -> U256 {
        match self.quorum_history.len().checked_sub(1).and_then(|i| self.quorum_history.get(i)) {
            Some(c) => U256::from(c.value.get()),
            None => U256::ZERO,
        }
    }

    /// The quorum numerator in force at round `t` (OZ `upperLookupRecent`: the latest
    /// checkpoint at or before `t`, 0 before the first).
    pub fn quorum_numerator_at(&self, t: U256) -> U256 {
        let len = self.quorum_history.len();
        for i in (0..len).rev() {
            if let Some(c) = self.quorum_history.get(i) {
                if U256::from(c.key.get()) <= t {
                    return U256::from(c.value.get());
                }
            }
        }
        U256::ZERO
    }

    /// `floor(BondingVotes.getPastTotalSupply(t) * quorumNumerator(t) / 1e6)`.
    pub fn quorum(&self, t: U256) -> Result<U256, Revert> {
        let supply = peers::past_total_supply(self.vm(), self.token.get(), t)?;
        crate::perc_of(supply, self.quorum_numerator_at(t))
    }

    /// `votes()`: the Controller's current "BondingVotes".
    pub fn votes(&self) -> Result<Address, Revert> {
        peers::get_contract(self.vm(), self.manager.controller.get(), ids::BONDING_VOTES)
    }

    /// Re-reads "BondingVotes" into `token` (anyone: it only copies the Controller's entry).
    pub fn bump_governor_votes_token_address(&mut self) -> Result<(), Revert> {
        let votes = self.votes()?;
        self.token.set(votes);
        Ok(())
    }

    /// onlyController; emits `SetController`.
    pub fn set_controller(&mut self, controller: Address) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.manager.controller.get(), r::NOT_CONTROLLER)?;
        self.manager.controller.set(controller);
        peers::emit_words(self.vm(), topic::SET_CONTROLLER, &[w(controller)]);
        Ok(())
    }

    /// ERC-165.
    pub fn supports_interface(&self, id: [u8; 4]) -> bool {
        INTERFACES.contains(&u32::from_be_bytes(id))
    }
}
