//! ABI of the RoundsManager (Livepeer `RoundsManager.sol`): the round clock, round
//! initialization, the per-round block hash and the lock period.
//! The round tag comes from ArbSys (`crate::arbitrum::IArbSys`, precompile 0x64).

alloy_sol_types::sol! {
    /// Livepeer's RoundsManager. Livepeer's `blockHash(uint256)` is not offered: Stylus has
    /// no BLOCKHASH (see docs/contracts/rounds.md).
    #[derive(Debug, PartialEq, Eq)]
    interface IRoundsManager {
        /// The Controller (Manager slot 0).
        function controller() external view returns (address);
        /// Proxy target id (slot 1).
        function targetContractId() external view returns (bytes32);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;
        /// Round length in blocks.
        function roundLength() external view returns (uint256);
        /// Locked fraction at the end of a round (PD6).
        function roundLockAmount() external view returns (uint256);
        /// The last initialized round.
        function lastInitializedRound() external view returns (uint256);
        /// Round of the last round-length change (anchor).
        function lastRoundLengthUpdateRound() external view returns (uint256);
        /// Start block of the last round-length change (anchor).
        function lastRoundLengthUpdateStartBlock() external view returns (uint256);
        /// Round from which a LIP applies (0 if unset).
        function lipUpgradeRound(uint256 _lip) external view returns (uint256);
        /// Sets the round length (onlyControllerOwner).
        function setRoundLength(uint256 _roundLength) external;
        /// Sets the lock fraction (onlyControllerOwner).
        function setRoundLockAmount(uint256 _roundLockAmount) external;
        /// Starts the current round (whenSystemNotPaused).
        function initializeRound() external;
        /// Records the round a LIP took effect (onlyControllerOwner, once per LIP).
        function setLIPUpgradeRound(uint256 _lip, uint256 _round) external;
        /// The block number (an L1 block estimate on Arbitrum).
        function blockNum() external view returns (uint256);
        /// The tag stored when round `_round` was initialized (zero if it was not).
        function blockHashForRound(uint256 _round) external view returns (bytes32);
        /// The current round.
        function currentRound() external view returns (uint256);
        /// First block of the current round.
        function currentRoundStartBlock() external view returns (uint256);
        /// Whether the current round is initialized.
        function currentRoundInitialized() external view returns (bool);
        /// Whether the current round is in its lock period.
        function currentRoundLocked() external view returns (bool);

        /// A round was initialized.
        event NewRound(uint256 indexed round, bytes32 blockHash);
        /// A parameter setter ran.
        event ParameterUpdate(string param);
        /// The Controller changed.
        event SetController(address controller);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "RoundsManager",
    functions: IRoundsManager::IRoundsManagerCalls::SIGNATURES,
    selectors: IRoundsManager::IRoundsManagerCalls::SELECTORS,
    events: IRoundsManager::IRoundsManagerEvents::SIGNATURES,
    topics: IRoundsManager::IRoundsManagerEvents::SELECTORS,
};
