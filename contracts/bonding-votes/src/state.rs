//! One account's checkpointed bonding state and the pure rules on it: who counts as a
//! registered transcoder, how a delegator's stake grows with rewards, and which events a new
//! checkpoint emits (spec §9.2, §16 M-01/H-02).

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolError, SolEvent};
use lpx_abi::bonding_votes::IBondingVotes as V;
use lpx_contracts_common::math::precise;
use lpx_contracts_common::revert::Revert;

/// A `BondingCheckpoint`: the BondingManager state of an account from a start round on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State {
    /// `Delegator.bondedAmount` as of `last_claim_round`.
    pub bonded: U256,
    /// `Delegator.delegateAddress` (the account itself for a transcoder).
    pub delegate: Address,
    /// `Delegator.delegatedAmount` (stake delegated to this account, its own included).
    pub delegated: U256,
    /// `Delegator.lastClaimRound`.
    pub last_claim_round: U256,
    /// `Transcoder.lastRewardRound`.
    pub last_reward_round: U256,
}

impl State {
    /// `isRegisteredTranscoder` as BondingManager defines it: self-delegated with stake.
    /// An account delegating elsewhere, or with nothing bonded, has no delegated votes (M-01).
    pub fn is_transcoder(&self, account: Address) -> bool {
        self.delegate == account && !self.bonded.is_zero()
    }

    /// The votes ERC-5805 events report for `account`: its delegated amount while it is a
    /// registered transcoder, else zero.
    pub fn delegate_votes(&self, account: Address) -> U256 {
        if self.is_transcoder(account) {
            self.delegated
        } else {
            U256::ZERO
        }
    }
}

/// `delegatorCumulativeStakeAndFees` without fees: `bonded` grown by the transcoder's
/// cumulative reward factor from `start_crf` (at the delegator's last claim) to `end_crf`
/// (at the transcoder's last reward). A factor never written reads as 1 (10^27), as in
/// Livepeer; both floors are PreciseMathUtils'.
pub fn cumulative_stake(bonded: U256, start_crf: U256, end_crf: U256) -> Result<U256, Revert> {
    let one = precise::PERC_DIVISOR;
    let start = if start_crf.is_zero() { one } else { start_crf };
    let end = if end_crf.is_zero() { one } else { end_crf };
    precise::perc_of(bonded, end, start)
}

/// The logs (topics, data) a checkpoint replacing `previous` with `current` for `account`
/// emits, in Livepeer's order: `DelegateChanged`, `DelegateVotesChanged`,
/// `DelegatorBondedAmountChanged`, each only when what it reports changed. Encoded by hand,
/// as [`custom`] is.
pub fn changes(account: Address, previous: &State, current: &State) -> Vec<(Vec<B256>, Vec<u8>)> {
    let who = account.into_word();
    let mut logs = Vec::new();
    if previous.delegate != current.delegate {
        let topics = vec![V::DelegateChanged::SIGNATURE_HASH, who, previous.delegate.into_word(), current.delegate.into_word()];
        logs.push((topics, Vec::new()));
    }
    let (before, after) = (previous.delegate_votes(account), current.delegate_votes(account));
    if before != after {
        logs.push((vec![V::DelegateVotesChanged::SIGNATURE_HASH, who], words(&[before, after])));
    }
    if previous.bonded != current.bonded || previous.last_claim_round != current.last_claim_round {
        let data = words(&[previous.bonded, previous.last_claim_round, current.bonded, current.last_claim_round]);
        logs.push((vec![V::DelegatorBondedAmountChanged::SIGNATURE_HASH, who], data));
    }
    logs
}

fn words(ws: &[U256]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
}

/// `MustCallBondingManager(function)`: `Error(string)`'s layout under another selector.
pub fn must_call_bonding_manager(function: &str) -> Revert {
    let mut data = lpx_contracts_common::revert::err(function);
    if let Some(head) = data.get_mut(..4) {
        head.copy_from_slice(&V::MustCallBondingManager::SELECTOR);
    }
    data
}

/// A custom error with static arguments: selector and one word per argument. Written out
/// rather than through alloy's generic encoder, which costs code per error type.
pub fn custom(selector: [u8; 4], words: &[U256]) -> Revert {
    let mut out = selector.to_vec();
    out.extend_from_slice(&self::words(words));
    out
}

/// An address as an ABI word.
pub fn word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const T: Address = address!("00000000000000000000000000000000000000aa");
    const D: Address = address!("00000000000000000000000000000000000000dd");

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    #[test]
    fn custom_errors_match_alloys_encoding() {
        let e = V::FutureLookup { queryRound: u(7), maxAllowed: u(5) };
        assert_eq!(custom(V::FutureLookup::SELECTOR, &[u(7), u(5)]), e.abi_encode());
        let e = V::InvalidCaller { caller: D, required: T };
        assert_eq!(custom(V::InvalidCaller::SELECTOR, &[word(D), word(T)]), e.abi_encode());
    }

    #[test]
    fn registered_transcoder_needs_self_delegation_and_stake() {
        let t = State { bonded: u(1), delegate: T, delegated: u(5), ..Default::default() };
        assert!(t.is_transcoder(T));
        assert_eq!(t.delegate_votes(T), u(5));
        assert!(!t.is_transcoder(D));
        let slashed = State { bonded: U256::ZERO, ..t };
        assert!(!slashed.is_transcoder(T));
        assert_eq!(slashed.delegate_votes(T), U256::ZERO);
    }

    #[test]
    fn cumulative_stake_uses_livepeers_floors_and_defaults() {
        let pd27 = precise::PERC_DIVISOR;
        // No factor written on either side: the stake is unchanged.
        assert_eq!(cumulative_stake(u(1000), U256::ZERO, U256::ZERO), Ok(u(1000)));
        // Appendix C: D bonded 1000 at CRF 0 (reads as 1), T's CRF[102] = 1.4583…e27 -> 1458.
        let crf102 = u(1_458_333_333_333_333_333_333_333_332);
        assert_eq!(cumulative_stake(u(1000), U256::ZERO, crf102), Ok(u(1458)));
        // From CRF 1.25e27 to CRF[102]: floor(1000 * floor(crf102 * 1e27 / 1.25e27) / 1e27).
        assert_eq!(cumulative_stake(u(1000), u(1_250_000_000_000_000_000_000_000_000), crf102), Ok(u(1166)));
        assert_eq!(cumulative_stake(u(7), pd27, pd27), Ok(u(7)));
    }

    #[test]
    fn changes_emit_only_what_changed() {
        let before = State { bonded: u(100), delegate: T, delegated: u(300), last_claim_round: u(4), last_reward_round: u(4) };
        assert!(changes(T, &before, &before).is_empty());
        // A reward: delegated grows, the bond and claim round do not.
        let rewarded = State { delegated: u(350), last_reward_round: u(5), ..before };
        let logs = changes(T, &before, &rewarded);
        assert_eq!(logs.len(), 1);
        let e = V::DelegateVotesChanged::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
        assert_eq!((e.delegate, e.previousBalance, e.newBalance), (T, u(300), u(350)));
        // A new delegator bonding to T: its delegate and bond change, it has no delegate votes.
        let bonded = State { bonded: u(10), delegate: T, last_claim_round: u(6), ..Default::default() };
        let logs = changes(D, &State::default(), &bonded);
        assert_eq!(logs.len(), 2);
        let e = V::DelegateChanged::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
        assert_eq!((e.delegator, e.fromDelegate, e.toDelegate), (D, Address::ZERO, T));
        let e = V::DelegatorBondedAmountChanged::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1).unwrap();
        assert_eq!(
            (e.delegate, e.previousBondedAmount, e.previousLastClaimRound, e.newBondedAmount, e.newLastClaimRound),
            (D, U256::ZERO, U256::ZERO, u(10), u(6))
        );
        // Only the claim round moving still reports the bond (Livepeer's QA fix).
        let claimed = State { last_claim_round: u(7), ..bonded };
        let logs = changes(D, &bonded, &claimed);
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].0[0], V::DelegatorBondedAmountChanged::SIGNATURE_HASH);
        // A transcoder fully unbonding loses its delegate votes even though delegated stays.
        let gone = State { bonded: U256::ZERO, ..before };
        let logs = changes(T, &before, &gone);
        let e = V::DelegateVotesChanged::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).unwrap();
        assert_eq!((e.previousBalance, e.newBalance), (u(300), U256::ZERO));
    }

    #[test]
    fn must_call_bonding_manager_matches_alloy() {
        let e = V::MustCallBondingManager { bondingManagerFunction: "bondFor".into() };
        assert_eq!(must_call_bonding_manager("bondFor"), e.abi_encode());
    }
}
