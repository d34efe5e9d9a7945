//! ABI of BondingVotes (Livepeer `BondingVotes.sol`/`IBondingVotes.sol`, spec §9): round-indexed
//! checkpoints of bonding state and total active stake, read through ERC-5805/ERC-6372 views
//! ("vLPT") by the governor. The clock is the Livepeer round.
//!
//! The BondingManager's side of the two hooks is [`crate::bonding_manager::IBondingVotesHooks`];
//! the same two functions are declared here so a client needs one interface per contract.

alloy_sol_types::sol! {
    /// Livepeer's BondingVotes with its Manager members. Failures are Livepeer's custom errors.
    #[derive(Debug, PartialEq, Eq)]
    interface IBondingVotes {
        /// The Controller (Manager slot 0).
        function controller() external view returns (address);
        /// Proxy target id (slot 1).
        function targetContractId() external view returns (bytes32);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;

        /// "Livepeer Voting Power".
        function name() external pure returns (string);
        /// "vLPT".
        function symbol() external pure returns (string);
        /// 18.
        function decimals() external pure returns (uint8);
        /// ERC-6372: the current round.
        function clock() external view returns (uint48);
        /// ERC-6372: "mode=livepeer_round".
        function CLOCK_MODE() external pure returns (string);

        /// Votes at the end of the current round (the start of the next).
        function getVotes(address _account) external view returns (uint256);
        /// Votes at the end of a past round `_round` (< clock()).
        function getPastVotes(address _account, uint256 _round) external view returns (uint256);
        /// Active stake at the end of the current round.
        function totalSupply() external view returns (uint256);
        /// Active stake at the end of a past round `_round` (< clock()).
        function getPastTotalSupply(uint256 _round) external view returns (uint256);
        /// The delegate at the end of the current round.
        function delegates(address _account) external view returns (address);
        /// The delegate at the end of a past round `_round` (< clock()).
        function delegatedAt(address _account, uint256 _round) external view returns (address);
        /// Always reverts `MustCallBondingManager("bond")`.
        function delegate(address delegatee) external pure;
        /// Always reverts `MustCallBondingManager("bondFor")`.
        function delegateBySig(address delegatee, uint256 nonce, uint256 expiry, uint8 v, bytes32 r, bytes32 s) external pure;

        /// Records an account's bonding state effective from `_startRound` (onlyBondingManager).
        function checkpointBondingState(address _account, uint256 _startRound, uint256 _bondedAmount, address _delegateAddress, uint256 _delegatedAmount, uint256 _lastClaimRound, uint256 _lastRewardRound) external;
        /// Records the total active stake of `_round` (onlyBondingManager).
        function checkpointTotalActiveStake(uint256 _totalStake, uint256 _round) external;
        /// Whether `_account` has any checkpoint.
        function hasCheckpoint(address _account) external view returns (bool);
        /// Active stake at the start of `_round` (<= clock() + 1).
        function getTotalActiveStakeAt(uint256 _round) external view returns (uint256);
        /// Votes and delegate at the start of `_round` (<= clock() + 1).
        function getVotesAndDelegateAtRoundStart(address _account, uint256 _round) external view returns (uint256 votes, address delegateAddress);

        /// ERC-5805: the account's delegate changed.
        event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
        /// ERC-5805: a registered transcoder's votes (its delegated amount) changed.
        event DelegateVotesChanged(address indexed delegate, uint256 previousBalance, uint256 newBalance);
        /// An account's bonded amount or last claim round changed.
        event DelegatorBondedAmountChanged(address indexed delegate, uint256 previousBondedAmount, uint256 previousLastClaimRound, uint256 newBondedAmount, uint256 newLastClaimRound);
        /// The Controller changed.
        event SetController(address controller);
        /// A parameter setter ran (none today; kept for the Manager ABI).
        event ParameterUpdate(string param);

        /// A hook was called by someone other than the BondingManager.
        error InvalidCaller(address caller, address required);
        /// A bonding checkpoint not for the next round.
        error InvalidStartRound(uint256 checkpointRound, uint256 requiredRound);
        /// A bonding checkpoint whose last claim round is not before its start round.
        error FutureLastClaimRound(uint256 lastClaimRound, uint256 maxAllowed);
        /// A total-stake checkpoint not for the current round.
        error InvalidTotalStakeCheckpointRound(uint256 checkpointRound, uint256 requiredRound);
        /// A lookup beyond what is known (past-round views: `_round < clock()`; at-round-start
        /// views: `_round <= clock() + 1`).
        error FutureLookup(uint256 queryRound, uint256 maxAllowed);
        /// A transcoder's last reward round has no earnings pool in the BondingManager.
        error MissingEarningsPool(address transcoder, uint256 round);
        /// Delegation happens by bonding in the BondingManager.
        error MustCallBondingManager(string bondingManagerFunction);
        /// SortedArrays: a round pushed below the last one.
        error DecreasingValues(uint256 newValue, uint256 lastValue);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "BondingVotes",
    functions: IBondingVotes::IBondingVotesCalls::SIGNATURES,
    selectors: IBondingVotes::IBondingVotesCalls::SELECTORS,
    events: IBondingVotes::IBondingVotesEvents::SIGNATURES,
    topics: IBondingVotes::IBondingVotesEvents::SELECTORS,
};

#[cfg(test)]
mod tests {
    use super::IBondingVotes as V;
    use crate::bonding_manager::IBondingVotesHooks as H;
    use alloy_primitives::hex;
    use alloy_sol_types::{SolCall, SolError};

    #[test]
    fn hooks_match_what_the_bonding_manager_calls() {
        assert_eq!(V::checkpointBondingStateCall::SELECTOR, H::checkpointBondingStateCall::SELECTOR);
        assert_eq!(V::checkpointTotalActiveStakeCall::SELECTOR, H::checkpointTotalActiveStakeCall::SELECTOR);
    }

    #[test]
    fn erc5805_and_erc6372_selectors_are_the_standard_ones() {
        // The selectors OpenZeppelin's ERC20Votes/IERC5805 expose; a governor built for
        // ERC-5805 tokens calls these.
        let table: [([u8; 4], &str); 8] = [
            (V::getVotesCall::SELECTOR, "9ab24eb0"),
            (V::getPastVotesCall::SELECTOR, "3a46b1a8"),
            (V::getPastTotalSupplyCall::SELECTOR, "8e539e8c"),
            (V::delegatesCall::SELECTOR, "587cde1e"),
            (V::delegateCall::SELECTOR, "5c19a95c"),
            (V::delegateBySigCall::SELECTOR, "c3cda520"),
            (V::clockCall::SELECTOR, "91ddadf4"),
            (V::CLOCK_MODECall::SELECTOR, "4bf5d7e9"),
        ];
        for (got, want) in table {
            assert_eq!(hex::encode(got), want);
        }
    }

    #[test]
    fn custom_errors_have_livepeers_signatures() {
        assert_eq!(V::FutureLookup::SIGNATURE, "FutureLookup(uint256,uint256)");
        assert_eq!(V::InvalidCaller::SIGNATURE, "InvalidCaller(address,address)");
        assert_eq!(V::MustCallBondingManager::SIGNATURE, "MustCallBondingManager(string)");
        assert_eq!(V::MissingEarningsPool::SIGNATURE, "MissingEarningsPool(address,uint256)");
    }
}
