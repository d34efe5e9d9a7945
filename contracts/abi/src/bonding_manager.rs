//! ABI of the BondingManager (Livepeer `BondingManager.sol`, Delta "v9" plus the LIP-118
//! reward caller), and of the calls it makes to its peers: Minter, RoundsManager,
//! LivepeerToken and the BondingVotes checkpoint hooks.
//!
//! The BondingManager reverts only with `Error(string)` messages (Solidity `require`) and
//! `Panic(uint256)` codes, so its interface declares no custom errors.

alloy_sol_types::sol! {
    /// Livepeer's BondingManager: bonding, delegation, the transcoder pool, rewards and fees.
    #[derive(Debug, PartialEq, Eq)]
    interface IBondingManager {
        // ---- Manager / ManagerProxyTarget ----
        /// The Controller this contract resolves its peers through.
        function controller() external view returns (address);
        /// The Controller id of this contract's implementation (proxy pattern).
        function targetContractId() external view returns (bytes32);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;

        // ---- Parameters (onlyControllerOwner) ----
        /// Rounds between unbond and the earliest withdrawal.
        function setUnbondingPeriod(uint64 _unbondingPeriod) external;
        /// Stages the treasury share of each reward (PD27), applied at the next round.
        function setTreasuryRewardCutRate(uint256 _cutRate) external;
        /// Treasury LPT balance above which treasury contributions stop (0 = no ceiling).
        function setTreasuryBalanceCeiling(uint256 _ceiling) external;
        /// Grows the transcoder pool's maximum size (it can never shrink).
        function setNumActiveTranscoders(uint256 _numActiveTranscoders) external;

        // ---- Transcoders ----
        /// Sets reward cut and fee share (ppm) and tries to join the pool.
        function transcoder(uint256 _rewardCut, uint256 _feeShare) external;
        /// `transcoder` with a pool-position hint.
        function transcoderWithHint(uint256 _rewardCut, uint256 _feeShare, address _newPosPrev, address _newPosNext) external;

        // ---- Bonding ----
        /// Bonds `_amount` LPT of the caller to `_to`.
        function bond(uint256 _amount, address _to) external;
        /// `bond` with pool hints for the old and the new delegate.
        function bondWithHint(uint256 _amount, address _to, address _oldDelegateNewPosPrev, address _oldDelegateNewPosNext, address _currDelegateNewPosPrev, address _currDelegateNewPosNext) external;
        /// Bonds LPT from the caller on behalf of `_owner` (third-party rules apply).
        function bondForWithHint(uint256 _amount, address _owner, address _to, address _oldDelegateNewPosPrev, address _oldDelegateNewPosNext, address _currDelegateNewPosPrev, address _currDelegateNewPosNext) external;
        /// Moves part of the caller's bond to `_delegator` without an unbonding period.
        function transferBond(address _delegator, uint256 _amount, address _oldDelegateNewPosPrev, address _oldDelegateNewPosNext, address _newDelegateNewPosPrev, address _newDelegateNewPosNext) external;
        /// Starts unbonding `_amount` of the caller's stake.
        function unbond(uint256 _amount) external;
        /// `unbond` with a pool hint.
        function unbondWithHint(uint256 _amount, address _newPosPrev, address _newPosNext) external;
        /// Returns an unbonding lock to the caller's current delegate.
        function rebond(uint256 _unbondingLockId) external;
        /// `rebond` with a pool hint.
        function rebondWithHint(uint256 _unbondingLockId, address _newPosPrev, address _newPosNext) external;
        /// Rebonds an unbonding lock of an unbonded caller to `_to`.
        function rebondFromUnbonded(address _to, uint256 _unbondingLockId) external;
        /// `rebondFromUnbonded` with a pool hint.
        function rebondFromUnbondedWithHint(address _to, uint256 _unbondingLockId, address _newPosPrev, address _newPosNext) external;
        /// Withdraws the LPT of an unbonding lock whose period is over.
        function withdrawStake(uint256 _unbondingLockId) external;
        /// Withdraws `_amount` of the caller's ETH fees to `_recipient`.
        function withdrawFees(address _recipient, uint256 _amount) external;
        /// Claims the caller's earnings through the current round (argument ignored).
        function claimEarnings(uint256 _endRound) external;
        /// Re-checkpoints `_account`'s bonding state in BondingVotes.
        function checkpointBondingState(address _account) external;

        // ---- Rewards and fees ----
        /// Mints the caller's (an active transcoder's) reward for the current round.
        function reward() external;
        /// `reward` with a pool hint.
        function rewardWithHint(address _newPosPrev, address _newPosNext) external;
        /// LIP-118: authorizes `_rewardCaller` to call reward for the caller (0 unsets).
        function setRewardCaller(address _rewardCaller) external;
        /// LIP-118: reward for `_transcoder`, called by its reward caller.
        function rewardForTranscoder(address _transcoder) external;
        /// LIP-118: `rewardForTranscoder` with a pool hint.
        function rewardForTranscoderWithHint(address _transcoder, address _newPosPrev, address _newPosNext) external;
        /// LIP-118: the reward caller a transcoder authorized (0 if none).
        function transcoderToRewardCaller(address _transcoder) external view returns (address);
        /// Credits ticket fees to a transcoder's current-round pool (onlyTicketBroker).
        function updateTranscoderWithFees(address _transcoder, uint256 _fees, uint256 _round) external;
        /// Slashes a transcoder (onlyVerifier).
        function slashTranscoder(address _transcoder, address _finder, uint256 _slashAmount, uint256 _finderFee) external;
        /// Rolls the next round's active stake into the current round (onlyRoundsManager).
        function setCurrentRoundTotalActiveStake() external;

        // ---- Views ----
        /// Stake of `_delegator` including unclaimed rewards (`_endRound` ignored).
        function pendingStake(address _delegator, uint256 _endRound) external view returns (uint256);
        /// Fees of `_delegator` including unclaimed fees (`_endRound` ignored).
        function pendingFees(address _delegator, uint256 _endRound) external view returns (uint256);
        /// Total stake delegated to `_transcoder`.
        function transcoderTotalStake(address _transcoder) external view returns (uint256);
        /// 0 NotRegistered, 1 Registered.
        function transcoderStatus(address _transcoder) external view returns (uint8);
        /// 0 Pending, 1 Bonded, 2 Unbonded.
        function delegatorStatus(address _delegator) external view returns (uint8);
        /// A transcoder's record.
        function getTranscoder(address _transcoder) external view returns (uint256 lastRewardRound, uint256 rewardCut, uint256 feeShare, uint256 lastActiveStakeUpdateRound, uint256 activationRound, uint256 deactivationRound, uint256 activeCumulativeRewards, uint256 cumulativeRewards, uint256 cumulativeFees, uint256 lastFeeRound);
        /// A transcoder's earnings pool for `_round`.
        function getTranscoderEarningsPoolForRound(address _transcoder, uint256 _round) external view returns (uint256 totalStake, uint256 transcoderRewardCut, uint256 transcoderFeeShare, uint256 cumulativeRewardFactor, uint256 cumulativeFeeFactor);
        /// A delegator's record.
        function getDelegator(address _delegator) external view returns (uint256 bondedAmount, uint256 fees, address delegateAddress, uint256 delegatedAmount, uint256 startRound, uint256 lastClaimRound, uint256 nextUnbondingLockId);
        /// One unbonding lock of a delegator.
        function getDelegatorUnbondingLock(address _delegator, uint256 _unbondingLockId) external view returns (uint256 amount, uint256 withdrawRound);
        /// The pool's maximum size (numActiveTranscoders).
        function getTranscoderPoolMaxSize() external view returns (uint256);
        /// The pool's size.
        function getTranscoderPoolSize() external view returns (uint256);
        /// The pool member with the most stake.
        function getFirstTranscoderInPool() external view returns (address);
        /// The member after `_transcoder` in pool order (descending stake).
        function getNextTranscoderInPool(address _transcoder) external view returns (address);
        /// Total active stake of the current round.
        function getTotalBonded() external view returns (uint256);
        /// Whether `_transcoder` is active in the current round.
        function isActiveTranscoder(address _transcoder) external view returns (bool);
        /// Whether `_transcoder` is self-bonded with a positive bond.
        function isRegisteredTranscoder(address _transcoder) external view returns (bool);
        /// Whether the lock exists (withdrawRound > 0).
        function isValidUnbondingLock(address _delegator, uint256 _unbondingLockId) external view returns (bool);
        /// Public state variable.
        function unbondingPeriod() external view returns (uint64);
        /// Public state variable.
        function currentRoundTotalActiveStake() external view returns (uint256);
        /// Public state variable.
        function nextRoundTotalActiveStake() external view returns (uint256);
        /// Public state variable (PD27).
        function treasuryRewardCutRate() external view returns (uint256);
        /// Public state variable (PD27).
        function nextRoundTreasuryRewardCutRate() external view returns (uint256);
        /// Public state variable (LPT wei).
        function treasuryBalanceCeiling() external view returns (uint256);

        // ---- Events ----
        /// Reward cut / fee share set.
        event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
        /// Joined the pool; active from `activationRound`.
        event TranscoderActivated(address indexed transcoder, uint256 activationRound);
        /// Left the pool; inactive from `deactivationRound`.
        event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
        /// Slashed by the Verifier.
        event TranscoderSlashed(address indexed transcoder, address finder, uint256 penalty, uint256 finderReward);
        /// Reward minted for a transcoder (after the treasury cut).
        event Reward(address indexed transcoder, uint256 amount);
        /// Treasury share of a reward.
        event TreasuryReward(address indexed transcoder, address treasury, uint256 amount);
        /// A bond was created or changed.
        event Bond(address indexed newDelegate, address indexed oldDelegate, address indexed delegator, uint256 additionalAmount, uint256 bondedAmount);
        /// An unbonding lock was created.
        event Unbond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound);
        /// An unbonding lock was rebonded.
        event Rebond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount);
        /// A bond moved to another delegator.
        event TransferBond(address indexed oldDelegator, address indexed newDelegator, uint256 oldUnbondingLockId, uint256 newUnbondingLockId, uint256 amount);
        /// LPT of an unbonding lock was withdrawn.
        event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound);
        /// ETH fees were withdrawn.
        event WithdrawFees(address indexed delegator, address recipient, uint256 amount);
        /// Earnings from `startRound` through `endRound` were claimed.
        event EarningsClaimed(address indexed delegate, address indexed delegator, uint256 rewards, uint256 fees, uint256 startRound, uint256 endRound);
        /// LIP-118: a transcoder set (or unset, zero) its reward caller.
        event RewardCallerSet(address indexed transcoder, address indexed rewardCaller);
        /// Emitted by every parameter setter, with the parameter's name.
        event ParameterUpdate(string param);
        /// Emitted by `setController`.
        event SetController(address controller);
    }

    /// The Minter functions the BondingManager calls.
    #[derive(Debug, PartialEq, Eq)]
    interface IBondingMinter {
        /// Mints the share `_fracNum / _fracDenom` of the round's mintable LPT.
        function createReward(uint256 _fracNum, uint256 _fracDenom) external returns (uint256);
        /// Sends bonded LPT held by the Minter.
        function trustedTransferTokens(address _to, uint256 _amount) external;
        /// Burns LPT held by the Minter.
        function trustedBurnTokens(uint256 _amount) external;
        /// Sends ETH held by the Minter.
        function trustedWithdrawETH(address _to, uint256 _amount) external;
        /// LPT mintable in the current round.
        function currentMintableTokens() external view returns (uint256);
        /// LPT minted so far in the current round.
        function currentMintedTokens() external view returns (uint256);
    }

    /// The RoundsManager functions the BondingManager calls.
    #[derive(Debug, PartialEq, Eq)]
    interface IBondingRounds {
        /// The current round number.
        function currentRound() external view returns (uint256);
        /// Whether the current round was initialized.
        function currentRoundInitialized() external view returns (bool);
        /// Whether the current round is in its lock period.
        function currentRoundLocked() external view returns (bool);
    }

    /// The LivepeerToken functions the BondingManager calls.
    #[derive(Debug, PartialEq, Eq)]
    interface IBondingToken {
        /// Moves bonded LPT from the bonder into the Minter.
        function transferFrom(address _from, address _to, uint256 _amount) external returns (bool);
        /// LPT balance (used for the Treasury's ceiling check).
        function balanceOf(address _account) external view returns (uint256);
    }

    /// BondingVotes hooks (onlyBondingManager). The BondingVotes contract itself comes with
    /// governance; the BondingManager calls these whenever one is registered.
    #[derive(Debug, PartialEq, Eq)]
    interface IBondingVotesHooks {
        /// Records an account's bonding state effective from `_startRound`.
        function checkpointBondingState(address _account, uint256 _startRound, uint256 _bondedAmount, address _delegateAddress, uint256 _delegatedAmount, uint256 _lastClaimRound, uint256 _lastRewardRound) external;
        /// Records the total active stake of `_round`.
        function checkpointTotalActiveStake(uint256 _totalStake, uint256 _round) external;
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "BondingManager",
    functions: IBondingManager::IBondingManagerCalls::SIGNATURES,
    selectors: IBondingManager::IBondingManagerCalls::SELECTORS,
    events: IBondingManager::IBondingManagerEvents::SIGNATURES,
    topics: IBondingManager::IBondingManagerEvents::SELECTORS,
};

/// Registry entry for the BondingVotes hooks, see the crate docs.
pub const VOTES_HOOKS_ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "BondingVotesHooks",
    functions: IBondingVotesHooks::IBondingVotesHooksCalls::SIGNATURES,
    selectors: IBondingVotesHooks::IBondingVotesHooksCalls::SELECTORS,
    events: &[],
    topics: &[],
};
