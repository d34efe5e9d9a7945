//! Counting: V58 (quorum), V60 (every delegator-override case, InvalidVoteType(7),
//! VoteAlreadyCast), the quota, and EIP-712 votes by signature.

use super::*;
use alloy::signers::{local::PrivateKeySigner, SignerSync};
use alloy::sol_types::{eip712_domain, SolError, SolStruct};
use lpx_abi::governor::proposal_state as ps;

alloy::sol! {
    struct Ballot { uint256 proposalId; uint8 support; }
    struct ExtendedBallot { uint256 proposalId; uint8 support; string reason; bytes params; }
}

const PROPOSER: Address = Address::repeat_byte(0x99);
const T: Address = Address::repeat_byte(0x71);
const D: Address = Address::repeat_byte(0xd1);
const D2: Address = Address::repeat_byte(0xd2);

/// An initialized governor with `quorum`, a proposal in its Active period (round 12).
fn active(quorum: u64) -> (Env, U256) {
    let env = Env::uninitialized();
    let init = G::initializeCall {
        initialVotingDelay: U256::from(VOTING_DELAY),
        initialVotingPeriod: U256::from(VOTING_PERIOD),
        initialProposalThreshold: U256::ZERO,
        initialQuorum: U256::from(quorum),
        quota: U256::from(QUOTA),
    };
    env.ok(PROPOSER, &init.abi_encode());
    let p = Proposal::call(GOV, vec![0x12], "a proposal");
    let id = env.propose(PROPOSER, &p);
    env.set_round(12);
    assert_eq!(env.state(id), ps::ACTIVE);
    (env, id)
}

fn votes(env: &Env, id: U256) -> (u64, u64, u64) {
    let v = env.view(&G::proposalVotesCall { proposalId: id });
    let lpt = |x: U256| (x / U256::from(LPT)).to::<u64>();
    (lpt(v.againstVotes), lpt(v.forVotes), lpt(v.abstainVotes))
}

#[test]
fn v58_quorum_reached_at_37_5_percent_not_at_35_7() {
    for (voters, reached) in [(vec![1u64, 2, 3, 4, 10], false), (vec![1, 2, 3, 4, 5, 6], true)] {
        let (env, id) = active(370_000);
        env.w().supply = U256::from(56u64) * U256::from(LPT);
        for i in 1..=10u64 {
            env.give(Address::with_last_byte(i as u8), i);
        }
        for v in &voters {
            env.vote(Address::with_last_byte(*v as u8), id, 1).unwrap();
        }
        assert_eq!(env.view(&G::quorumCall { timepoint: U256::from(11) }), U256::from(56 * 370_000 * LPT / 1_000_000));
        env.set_round(22);
        let want = if reached { ps::SUCCEEDED } else { ps::DEFEATED };
        assert_eq!(env.state(id), want, "voters {voters:?}");
    }
}

/// V60's world: T (transcoder) weight 2 = 1 own + 1 from D; D delegates to T.
fn v60() -> (Env, U256) {
    let (env, id) = active(0);
    env.give(T, 2);
    env.give(D, 1);
    env.w().delegates.insert(D, T);
    (env, id)
}

#[test]
fn v60_transcoder_first_then_delegator_moves_its_weight() {
    for (x, y) in [(0u8, 1u8), (1, 2), (2, 0), (1, 1)] {
        let (env, id) = v60();
        env.vote(T, id, x).unwrap();
        let mut want = [0u64; 3];
        want[x as usize] = 2;
        assert_eq!(votes(&env, id), (want[0], want[1], want[2]));
        env.vote(D, id, y).unwrap();
        want[x as usize] -= 1;
        want[y as usize] += 1;
        assert_eq!(votes(&env, id), (want[0], want[1], want[2]), "T votes {x}, D votes {y}");
    }
}

#[test]
fn v60_delegator_first_then_transcoder_minus_deduction() {
    let (env, id) = v60();
    env.vote(D, id, 0).unwrap();
    assert_eq!(votes(&env, id), (1, 0, 0));
    let weight = U256::abi_decode(&env.vote(T, id, 2).unwrap()).unwrap();
    assert_eq!(votes(&env, id), (1, 0, 1));
    // The event and the return value carry the full weight (as OZ's `_castVote`).
    assert_eq!(weight, U256::from(2 * LPT));
    assert_eq!(env.last_event::<G::VoteCast>().weight, U256::from(2 * LPT));
}

#[test]
fn v60_delegator_of_a_non_self_delegated_account_is_never_overridden() {
    for d2_first in [true, false] {
        let (env, id) = v60();
        // D2's 3 are delegated to D, who delegates to T: D is not self-delegated.
        env.give(D2, 3);
        env.w().delegates.insert(D2, D);
        if d2_first {
            env.vote(D2, id, 0).unwrap();
            env.vote(D, id, 1).unwrap();
        } else {
            env.vote(D, id, 1).unwrap();
            env.vote(D2, id, 0).unwrap();
        }
        assert_eq!(votes(&env, id), (3, 1, 0), "D2 first: {d2_first}");
    }
}

#[test]
fn v60_invalid_vote_type_and_double_vote() {
    let (env, id) = v60();
    assert_eq!(env.vote(T, id, 7), Err(G::InvalidVoteType { voteType: 7 }.abi_encode()));
    assert!(!env.view(&G::hasVotedCall { proposalId: id, account: T }));
    env.vote(T, id, 1).unwrap();
    assert!(env.view(&G::hasVotedCall { proposalId: id, account: T }));
    assert_eq!(env.vote(T, id, 0), Err(G::VoteAlreadyCast {}.abi_encode()));
    assert_eq!(env.vote(T, id, 7), Err(G::InvalidVoteType { voteType: 7 }.abi_encode()));
}

#[test]
fn quota_ignores_abstain_and_accepts_equality() {
    let (env, id) = active(0);
    env.give(T, 2);
    env.give(D, 2);
    env.give(D2, 5);
    env.vote(T, id, 1).unwrap();
    env.vote(D, id, 0).unwrap();
    env.vote(D2, id, 2).unwrap();
    env.set_round(22);
    assert_eq!(env.state(id), ps::SUCCEEDED, "2 for >= 50% of 4 opinionated");
    // No votes at all with a zero quorum: 0 >= 0 succeeds (OZ checks quorum first).
    let (env, id) = active(0);
    env.set_round(22);
    assert_eq!(env.state(id), ps::SUCCEEDED);
}

#[test]
fn vote_with_reason_and_params_events() {
    let (env, id) = v60();
    let call = G::castVoteWithReasonCall { proposalId: id, support: 1, reason: "because".into() };
    env.ok(T, &call.abi_encode());
    let ev = env.last_event::<G::VoteCast>();
    assert_eq!((ev.voter, ev.reason.as_str()), (T, "because"));
    let call = G::castVoteWithReasonAndParamsCall { proposalId: id, support: 0, reason: "r".into(), params: Bytes::from(vec![1, 2, 3]) };
    env.ok(D, &call.abi_encode());
    let ev = env.last_event::<G::VoteCastWithParams>();
    assert_eq!((ev.voter, ev.support, ev.params.to_vec()), (D, 0, vec![1, 2, 3]));
    assert_eq!(votes(&env, id), (1, 1, 0));
    // Empty params: a plain VoteCast.
    env.give(D2, 3);
    let call = G::castVoteWithReasonAndParamsCall { proposalId: id, support: 2, reason: "".into(), params: Bytes::new() };
    env.ok(D2, &call.abi_encode());
    assert_eq!(env.last_event::<G::VoteCast>().voter, D2);
    let by_params = G::getVotesWithParamsCall { account: D2, timepoint: U256::from(11), params: Bytes::from(vec![9]) };
    assert_eq!(env.view(&by_params), U256::from(3 * LPT));
    assert_eq!(env.view(&G::getVotesCall { account: D2, timepoint: U256::from(11) }), U256::from(3 * LPT));
}

fn domain() -> alloy::sol_types::Eip712Domain {
    eip712_domain! { name: "LivepeerGovernor", version: "1", chain_id: CHAIN_ID, verifying_contract: GOV, }
}

fn split(sig: &Signature) -> (u8, B256, B256) {
    (27 + sig.v() as u8, sig.r().into(), sig.s().into())
}

#[test]
fn cast_vote_by_sig_counts_for_the_signer() {
    let (env, id) = v60();
    let signer = PrivateKeySigner::random();
    env.give(signer.address(), 4);
    let ballot = Ballot { proposalId: id, support: 1 };
    assert_eq!(ballot.eip712_type_hash(), crate::consts::BALLOT_TYPEHASH);
    let sig = signer.sign_hash_sync(&ballot.eip712_signing_hash(&domain())).unwrap();
    let (v, r, s) = split(&sig);
    // A relayer submits it.
    env.ok(PROPOSER, &G::castVoteBySigCall { proposalId: id, support: 1, v, r, s }.abi_encode());
    assert!(env.view(&G::hasVotedCall { proposalId: id, account: signer.address() }));
    assert_eq!(env.last_event::<G::VoteCast>().voter, signer.address());
    assert_eq!(votes(&env, id), (0, 4, 0));
    // Replaying it: the same voter again.
    let again = env.call(PROPOSER, &G::castVoteBySigCall { proposalId: id, support: 1, v, r, s }.abi_encode());
    assert_eq!(again, Err(G::VoteAlreadyCast {}.abi_encode()));
}

#[test]
fn cast_vote_by_sig_with_a_wrong_signature() {
    let (env, id) = v60();
    let signer = PrivateKeySigner::random();
    env.give(signer.address(), 4);
    let sig = signer.sign_hash_sync(&Ballot { proposalId: id, support: 1 }.eip712_signing_hash(&domain())).unwrap();
    let (v, r, s) = split(&sig);
    // Submitted with another support value: recovers someone else, who has no votes.
    env.ok(PROPOSER, &G::castVoteBySigCall { proposalId: id, support: 0, v, r, s }.abi_encode());
    assert!(!env.view(&G::hasVotedCall { proposalId: id, account: signer.address() }));
    assert_ne!(env.last_event::<G::VoteCast>().voter, signer.address());
    assert_eq!(votes(&env, id), (0, 0, 0));
    // High s (the malleable twin) and an invalid v are refused as OZ 4.9's ECDSA does.
    let n = U256::from_be_bytes(alloy::hex!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));
    let high_s = B256::from(n - U256::from_be_bytes(s.0));
    let twin = G::castVoteBySigCall { proposalId: id, support: 1, v: 55 - v, r, s: high_s };
    assert_eq!(env.fails(PROPOSER, &twin.abi_encode()), "ECDSA: invalid signature 's' value");
    let bad_v = G::castVoteBySigCall { proposalId: id, support: 1, v: 29, r, s };
    assert_eq!(env.fails(PROPOSER, &bad_v.abi_encode()), "ECDSA: invalid signature");
}

#[test]
fn cast_vote_with_reason_and_params_by_sig() {
    let (env, id) = v60();
    let signer = PrivateKeySigner::random();
    env.give(signer.address(), 4);
    let ballot = ExtendedBallot { proposalId: id, support: 2, reason: "why".into(), params: Bytes::from(vec![7]) };
    assert_eq!(ballot.eip712_type_hash(), crate::consts::EXTENDED_BALLOT_TYPEHASH);
    let sig = signer.sign_hash_sync(&ballot.eip712_signing_hash(&domain())).unwrap();
    let (v, r, s) = split(&sig);
    let call = G::castVoteWithReasonAndParamsBySigCall { proposalId: id, support: 2, reason: "why".into(), params: Bytes::from(vec![7]), v, r, s };
    env.ok(PROPOSER, &call.abi_encode());
    let ev = env.last_event::<G::VoteCastWithParams>();
    assert_eq!((ev.voter, ev.reason.as_str()), (signer.address(), "why"));
    assert_eq!(votes(&env, id), (0, 0, 4));
}
