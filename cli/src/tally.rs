//! The stake-weighted tally of a signalling poll, with delegator override (Livepeer's rule,
//! which its subgraph applies to `Vote` events):
//!
//! - a delegator's vote counts its own stake (`pendingStake`), and moves that stake out of
//!   its orchestrator's vote;
//! - an orchestrator's vote counts its total stake (`transcoderTotalStake`) minus the stake of
//!   each of its delegators who voted too, whatever they chose.
//!
//! A voter's last vote counts. Choice 0 is yes and 1 is no; other choices are recorded by the
//! contract but counted for neither.
//!
//! Pure arithmetic: the caller reads the chain.

use alloy::primitives::{Address, U256};

/// Parts per million.
pub const PPM: u64 = 1_000_000;

/// A vote's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// `choiceID` 0.
    Yes,
    /// `choiceID` 1.
    No,
    /// Any other `choiceID`: recorded, counted for neither side.
    Other,
}

impl Choice {
    /// Livepeer's encoding: 0 yes, 1 no.
    pub fn from_id(id: U256) -> Self {
        if id == U256::ZERO {
            Choice::Yes
        } else if id == U256::from(1) {
            Choice::No
        } else {
            Choice::Other
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Other => "other",
        }
    }
}

/// One voter's bonding state, as read from the BondingManager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// The voting account.
    pub address: Address,
    /// Its last vote.
    pub choice: Choice,
    /// Its delegate (`getDelegator().delegateAddress`; zero when unbonded).
    pub delegate: Address,
    /// Its own stake (`pendingStake`).
    pub stake: U256,
    /// A registered orchestrator delegated to itself.
    pub orchestrator: bool,
    /// `transcoderTotalStake` when it is an orchestrator.
    pub total_stake: U256,
}

/// One voter's counted weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weighted {
    /// The voter.
    pub address: Address,
    /// Its choice.
    pub choice: Choice,
    /// The stake its vote counts with.
    pub weight: U256,
    /// Stake of its delegators who voted themselves (orchestrators only).
    pub overridden: U256,
}

/// The counted votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// Stake voting yes.
    pub yes: U256,
    /// Stake voting no.
    pub no: U256,
    /// Per voter, in the order given.
    pub voters: Vec<Weighted>,
}

/// Counts `voters` (one entry per account: its last vote) with delegator override.
pub fn count(voters: &[Voter]) -> Count {
    let mut out = Count { yes: U256::ZERO, no: U256::ZERO, voters: Vec::with_capacity(voters.len()) };
    for v in voters {
        let (weight, overridden) = if v.orchestrator {
            let overridden = voters
                .iter()
                .filter(|d| !d.orchestrator && d.address != v.address && d.delegate == v.address)
                .fold(U256::ZERO, |sum, d| sum.saturating_add(d.stake));
            (v.total_stake.saturating_sub(overridden), overridden)
        } else {
            (v.stake, U256::ZERO)
        };
        match v.choice {
            Choice::Yes => out.yes = out.yes.saturating_add(weight),
            Choice::No => out.no = out.no.saturating_add(weight),
            Choice::Other => {}
        }
        out.voters.push(Weighted { address: v.address, choice: v.choice, weight, overridden });
    }
    out
}

/// `part / whole` in parts per million, rounded down; zero when `whole` is zero.
pub fn ppm_of(part: U256, whole: U256) -> U256 {
    if whole.is_zero() {
        return U256::ZERO;
    }
    part.saturating_mul(U256::from(PPM)) / whole
}

/// Quorum: the stake that voted (yes + no) is at least `quorum` ppm of `total`.
pub fn quorum_reached(yes: U256, no: U256, total: U256, quorum: U256) -> bool {
    !total.is_zero() && yes.saturating_add(no).saturating_mul(U256::from(PPM)) >= total.saturating_mul(quorum)
}

/// Quota: yes is more than `quota` ppm of yes + no (at 50%, a tie does not pass).
pub fn quota_met(yes: U256, no: U256, quota: U256) -> bool {
    let cast = yes.saturating_add(no);
    !cast.is_zero() && yes.saturating_mul(U256::from(PPM)) > cast.saturating_mul(quota)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u8) -> Address {
        Address::repeat_byte(n)
    }

    fn orch(n: u8, choice: Choice, total: u64) -> Voter {
        Voter { address: a(n), choice, delegate: a(n), stake: U256::from(total / 10), orchestrator: true, total_stake: U256::from(total) }
    }

    fn del(n: u8, to: u8, choice: Choice, stake: u64) -> Voter {
        Voter { address: a(n), choice, delegate: a(to), stake: U256::from(stake), orchestrator: false, total_stake: U256::ZERO }
    }

    #[test]
    fn a_delegators_vote_moves_its_stake_out_of_its_orchestrators() {
        // O has 1000 in total, of which D1 holds 300 and D2 200; D1 votes against O, D2 with O.
        let c = count(&[orch(1, Choice::Yes, 1000), del(2, 1, Choice::No, 300), del(3, 1, Choice::Yes, 200)]);
        assert_eq!((c.yes, c.no), (U256::from(500 + 200), U256::from(300)));
        assert_eq!(c.voters[0].weight, U256::from(500));
        assert_eq!(c.voters[0].overridden, U256::from(500));
        // Without the delegators, O counts its whole stake.
        let c = count(&[orch(1, Choice::Yes, 1000)]);
        assert_eq!((c.yes, c.no), (U256::from(1000), U256::ZERO));
    }

    #[test]
    fn order_does_not_matter_and_others_are_not_touched() {
        let voters = [del(2, 1, Choice::No, 300), orch(1, Choice::Yes, 1000), orch(4, Choice::No, 50), del(5, 9, Choice::Yes, 7)];
        let c = count(&voters);
        assert_eq!((c.yes, c.no), (U256::from(700 + 7), U256::from(300 + 50)));
        let mut reversed = voters.to_vec();
        reversed.reverse();
        let r = count(&reversed);
        assert_eq!((r.yes, r.no), (c.yes, c.no));
    }

    #[test]
    fn other_choices_count_for_neither_but_still_override() {
        let c = count(&[orch(1, Choice::Yes, 1000), del(2, 1, Choice::Other, 300)]);
        assert_eq!((c.yes, c.no), (U256::from(700), U256::ZERO));
        assert_eq!(Choice::from_id(U256::from(7)), Choice::Other);
        assert_eq!(Choice::from_id(U256::ZERO), Choice::Yes);
        assert_eq!(Choice::from_id(U256::from(1)), Choice::No);
    }

    #[test]
    fn quorum_and_quota() {
        let q = U256::from(333_300);
        // 33.33% of 10,000 is 3,333.
        assert!(quorum_reached(U256::from(3_000), U256::from(333), U256::from(10_000), q));
        assert!(!quorum_reached(U256::from(3_000), U256::from(332), U256::from(10_000), q));
        assert!(!quorum_reached(U256::ZERO, U256::ZERO, U256::ZERO, q));
        let half = U256::from(500_000);
        assert!(quota_met(U256::from(51), U256::from(49), half));
        assert!(!quota_met(U256::from(50), U256::from(50), half));
        assert!(!quota_met(U256::ZERO, U256::ZERO, half));
        assert_eq!(ppm_of(U256::from(1), U256::from(3)), U256::from(333_333));
        assert_eq!(ppm_of(U256::from(1), U256::ZERO), U256::ZERO);
    }
}
