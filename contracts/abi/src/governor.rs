//! ABI of LivepeerGovernor (Livepeer `LivepeerGovernor.sol`, spec §10): OpenZeppelin 4.9
//! `GovernorUpgradeable` with `GovernorSettings`, `GovernorTimelockControl`,
//! `GovernorVotes` and `GovernorVotesQuorumFraction`, Livepeer's
//! `GovernorCountingOverridable` (delegator override) and the Manager members.
//! The clock is the Livepeer round (BondingVotes' ERC-6372 clock).

// `ProposalCreated` has OZ's nine fields, and sol! gives each event a constructor.
#![allow(clippy::too_many_arguments)]

alloy_sol_types::sol! {
    /// LivepeerGovernor as deployed behind a ManagerProxy. Failures are OZ 4.9's revert
    /// strings, plus the counting module's custom errors.
    #[derive(Debug, PartialEq, Eq)]
    interface ILivepeerGovernor {
        /// The Controller (Manager slot 0).
        function controller() external view returns (address);
        /// Proxy target id (slot 1).
        function targetContractId() external view returns (bytes32);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;

        /// Runs once through the proxy: settings, timelock = Controller "Treasury", token =
        /// Controller "BondingVotes", quorum numerator and quota (both parts per million).
        function initialize(uint256 initialVotingDelay, uint256 initialVotingPeriod, uint256 initialProposalThreshold, uint256 initialQuorum, uint256 quota) external;

        /// "LivepeerGovernor".
        function name() external view returns (string);
        /// "1".
        function version() external view returns (string);
        /// "support=bravo&quorum=for,abstain,against".
        function COUNTING_MODE() external pure returns (string);
        /// ERC-6372: the token's clock mode ("mode=livepeer_round").
        function CLOCK_MODE() external view returns (string);
        /// ERC-6372: the current round.
        function clock() external view returns (uint48);
        /// `keccak256("Ballot(uint256 proposalId,uint8 support)")`.
        function BALLOT_TYPEHASH() external view returns (bytes32);
        /// `keccak256("ExtendedBallot(uint256 proposalId,uint8 support,string reason,bytes params)")`.
        function EXTENDED_BALLOT_TYPEHASH() external view returns (bytes32);
        /// ERC-165.
        function supportsInterface(bytes4 interfaceId) external view returns (bool);

        /// `uint256(keccak256(abi.encode(targets, values, calldatas, descriptionHash)))`.
        function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) external pure returns (uint256);
        /// The proposal's state (`ProposalState` enum: Pending 0, Active 1, Canceled 2,
        /// Defeated 3, Succeeded 4, Queued 5, Expired 6, Executed 7).
        function state(uint256 proposalId) external view returns (uint8);
        /// Round whose end fixes voting power (0 for an unknown proposal).
        function proposalSnapshot(uint256 proposalId) external view returns (uint256);
        /// Last round of voting (0 for an unknown proposal).
        function proposalDeadline(uint256 proposalId) external view returns (uint256);
        /// Who proposed it.
        function proposalProposer(uint256 proposalId) external view returns (address);
        /// Timestamp the queued operation becomes executable (0 if not queued).
        function proposalEta(uint256 proposalId) external view returns (uint256);

        /// Rounds between proposing and the snapshot.
        function votingDelay() external view returns (uint256);
        /// Rounds of voting.
        function votingPeriod() external view returns (uint256);
        /// Voting power needed to propose.
        function proposalThreshold() external view returns (uint256);
        /// Votes needed at `timepoint`: active stake times the quorum numerator / 1e6.
        function quorum(uint256 timepoint) external view returns (uint256);
        /// The current quorum numerator.
        function quorumNumerator() external view returns (uint256);
        /// The quorum numerator in force at `timepoint`.
        function quorumNumerator(uint256 timepoint) external view returns (uint256);
        /// 1,000,000 (parts per million).
        function quorumDenominator() external view returns (uint256);
        /// Share of for votes among for + against needed to pass (parts per million).
        function quota() external view returns (uint256);
        /// Voting power of `account` at the end of round `timepoint`.
        function getVotes(address account, uint256 timepoint) external view returns (uint256);
        /// Same as `getVotes` (params are ignored).
        function getVotesWithParams(address account, uint256 timepoint, bytes params) external view returns (uint256);
        /// Whether `account` voted on the proposal.
        function hasVoted(uint256 proposalId, address account) external view returns (bool);
        /// The tally.
        function proposalVotes(uint256 proposalId) external view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes);

        /// Creates a proposal.
        function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) external returns (uint256);
        /// Schedules a succeeded proposal on the timelock.
        function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) external returns (uint256);
        /// Executes a queued proposal through the timelock.
        function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) external payable returns (uint256);
        /// Cancels a pending proposal (only its proposer).
        function cancel(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) external returns (uint256);

        /// Votes with the caller's power at the snapshot; returns the weight.
        function castVote(uint256 proposalId, uint8 support) external returns (uint256);
        /// `castVote` with a reason.
        function castVoteWithReason(uint256 proposalId, uint8 support, string reason) external returns (uint256);
        /// `castVote` with a reason and params (emits `VoteCastWithParams` when params are set).
        function castVoteWithReasonAndParams(uint256 proposalId, uint8 support, string reason, bytes params) external returns (uint256);
        /// Votes for the signer of an EIP-712 `Ballot`.
        function castVoteBySig(uint256 proposalId, uint8 support, uint8 v, bytes32 r, bytes32 s) external returns (uint256);
        /// Votes for the signer of an EIP-712 `ExtendedBallot`.
        function castVoteWithReasonAndParamsBySig(uint256 proposalId, uint8 support, string reason, bytes params, uint8 v, bytes32 r, bytes32 s) external returns (uint256);

        /// onlyGovernance.
        function setVotingDelay(uint256 newVotingDelay) external;
        /// onlyGovernance; must be > 0.
        function setVotingPeriod(uint256 newVotingPeriod) external;
        /// onlyGovernance.
        function setProposalThreshold(uint256 newProposalThreshold) external;
        /// onlyGovernance; at most the denominator.
        function updateQuorumNumerator(uint256 newQuorumNumerator) external;
        /// onlyGovernance: moves proposal execution to another timelock.
        function updateTimelock(address newTimelock) external;
        /// onlyGovernance: a call made by the governor itself.
        function relay(address target, uint256 value, bytes data) external payable;

        /// The timelock (Treasury) proposals execute through.
        function timelock() external view returns (address);
        /// The votes token fixed at initialization (BondingVotes).
        function token() external view returns (address);
        /// The Controller's current "BondingVotes".
        function votes() external view returns (address);
        /// Re-reads "BondingVotes" from the Controller into `token` (anyone).
        function bumpGovernorVotesTokenAddress() external;

        /// A proposal was created.
        event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description);
        /// A proposal was canceled.
        event ProposalCanceled(uint256 proposalId);
        /// A proposal was executed.
        event ProposalExecuted(uint256 proposalId);
        /// A proposal was scheduled on the timelock.
        event ProposalQueued(uint256 proposalId, uint256 eta);
        /// A vote without params.
        event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);
        /// A vote with params.
        event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params);
        /// `votingDelay` changed.
        event VotingDelaySet(uint256 oldVotingDelay, uint256 newVotingDelay);
        /// `votingPeriod` changed.
        event VotingPeriodSet(uint256 oldVotingPeriod, uint256 newVotingPeriod);
        /// `proposalThreshold` changed.
        event ProposalThresholdSet(uint256 oldProposalThreshold, uint256 newProposalThreshold);
        /// The quorum numerator changed.
        event QuorumNumeratorUpdated(uint256 oldQuorumNumerator, uint256 newQuorumNumerator);
        /// The timelock changed.
        event TimelockChange(address oldTimelock, address newTimelock);
        /// OZ Initializable: initialized to `version` (255 on the bare target).
        event Initialized(uint8 version);
        /// The Controller changed.
        event SetController(address controller);
        /// A parameter setter ran (unused; kept for the Manager ABI).
        event ParameterUpdate(string param);

        /// `support` is not 0 (against), 1 (for) or 2 (abstain).
        error InvalidVoteType(uint8 voteType);
        /// The account already voted on this proposal.
        error VoteAlreadyCast();
    }
}

/// `ProposalState` values (OZ 4.9 `IGovernor.ProposalState`).
pub mod proposal_state {
    /// Before the snapshot round ends.
    pub const PENDING: u8 = 0;
    /// Voting.
    pub const ACTIVE: u8 = 1;
    /// Canceled by its proposer or on the timelock.
    pub const CANCELED: u8 = 2;
    /// Voting ended without quorum or quota.
    pub const DEFEATED: u8 = 3;
    /// Voting ended with quorum and quota.
    pub const SUCCEEDED: u8 = 4;
    /// Scheduled on the timelock.
    pub const QUEUED: u8 = 5;
    /// Unused by the timelock governor (kept for the enum).
    pub const EXPIRED: u8 = 6;
    /// Executed.
    pub const EXECUTED: u8 = 7;
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "LivepeerGovernor",
    functions: ILivepeerGovernor::ILivepeerGovernorCalls::SIGNATURES,
    selectors: ILivepeerGovernor::ILivepeerGovernorCalls::SELECTORS,
    events: ILivepeerGovernor::ILivepeerGovernorEvents::SIGNATURES,
    topics: ILivepeerGovernor::ILivepeerGovernorEvents::SELECTORS,
};

#[cfg(test)]
mod tests {
    use super::ILivepeerGovernor as G;
    use alloy_primitives::{hex, keccak256};
    use alloy_sol_types::{SolCall, SolError, SolEvent};

    #[test]
    fn oz_governor_selectors_are_the_standard_ones() {
        // OZ 4.9 IGovernor selectors, as Tally and other governor clients call them.
        let table: [([u8; 4], &str); 14] = [
            (G::proposeCall::SELECTOR, "7d5e81e2"),
            (G::executeCall::SELECTOR, "2656227d"),
            (G::queueCall::SELECTOR, "160cbed7"),
            (G::cancelCall::SELECTOR, "452115d6"),
            (G::castVoteCall::SELECTOR, "56781388"),
            (G::castVoteWithReasonCall::SELECTOR, "7b3c71d3"),
            (G::castVoteBySigCall::SELECTOR, "3bccf4fd"),
            (G::stateCall::SELECTOR, "3e4f49e6"),
            (G::hashProposalCall::SELECTOR, "c59057e4"),
            (G::proposalSnapshotCall::SELECTOR, "2d63f693"),
            (G::proposalDeadlineCall::SELECTOR, "c01f9e37"),
            (G::getVotesCall::SELECTOR, "eb9019d4"),
            (G::hasVotedCall::SELECTOR, "43859632"),
            (G::quorumCall::SELECTOR, "f8ce560a"),
        ];
        for (got, want) in table {
            assert_eq!(hex::encode(got), want);
        }
    }

    #[test]
    fn events_and_errors_have_oz_and_livepeer_signatures() {
        assert_eq!(G::ProposalCreated::SIGNATURE, "ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)");
        assert_eq!(G::VoteCast::SIGNATURE, "VoteCast(address,uint256,uint8,uint256,string)");
        assert_eq!(G::InvalidVoteType::SIGNATURE, "InvalidVoteType(uint8)");
        assert_eq!(G::VoteAlreadyCast::SIGNATURE, "VoteAlreadyCast()");
        assert_eq!(G::quorumNumerator_0Call::SIGNATURE, "quorumNumerator()");
        assert_eq!(G::quorumNumerator_1Call::SIGNATURE, "quorumNumerator(uint256)");
        // OZ 4.9's typehashes (the contract returns these).
        assert_eq!(keccak256("Ballot(uint256 proposalId,uint8 support)"), hex!("150214d74d59b7d1e90c73fc22ef3d991dd0a76b046543d4d80ab92d2a50328f"));
    }
}
