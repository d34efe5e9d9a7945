//! ABI of the Minter (Livepeer `Minter.sol`): inflation, reward minting and custody of
//! bonded LPT and all ETH.

alloy_sol_types::sol! {
    /// Livepeer's Minter.
    #[derive(Debug, PartialEq, Eq)]
    interface IMinter {
        /// The Controller (Manager slot 0).
        function controller() external view returns (address);
        /// Re-points the Minter at a new Controller (onlyController).
        function setController(address _controller) external;
        /// Same as `controller()` (used by `migrateToNewMinter`).
        function getController() external view returns (address);
        /// Per-round inflation in parts per billion of the global supply.
        function inflation() external view returns (uint256);
        /// Step by which inflation moves each round (PD9).
        function inflationChange() external view returns (uint256);
        /// Bonding rate that inflation steers toward (PD9).
        function targetBondingRate() external view returns (uint256);
        /// LPT mintable in the current round.
        function currentMintableTokens() external view returns (uint256);
        /// LPT minted so far in the current round.
        function currentMintedTokens() external view returns (uint256);
        /// Sets the target bonding rate (onlyControllerOwner).
        function setTargetBondingRate(uint256 _targetBondingRate) external;
        /// Sets the inflation step (onlyControllerOwner).
        function setInflationChange(uint256 _inflationChange) external;
        /// Moves all LPT and ETH to a new Minter (onlyControllerOwner).
        function migrateToNewMinter(address _newMinter) external;
        /// Mints `currentMintableTokens * floor(num * PD9 / den) / PD9` (onlyBondingManager).
        function createReward(uint256 _fracNum, uint256 _fracDenom) external returns (uint256);
        /// Transfers LPT held by the Minter (onlyBondingManager).
        function trustedTransferTokens(address _to, uint256 _amount) external;
        /// Burns LPT held by the Minter (onlyBondingManager).
        function trustedBurnTokens(uint256 _amount) external;
        /// Sends ETH held by the Minter (onlyBondingManagerOrJobsManager).
        function trustedWithdrawETH(address _to, uint256 _amount) external;
        /// Accepts ETH (onlyMinterOrJobsManager).
        function depositETH() external payable returns (bool);
        /// Adjusts inflation and fixes this round's mintable LPT (onlyRoundsManager).
        function setCurrentRewardTokens() external;
        /// L2 supply plus L1 circulating supply.
        function getGlobalTotalSupply() external view returns (uint256);

        /// A round's mintable LPT and inflation were fixed.
        event SetCurrentRewardTokens(uint256 currentMintableTokens, uint256 currentInflation);
        /// A parameter setter ran.
        event ParameterUpdate(string param);
        /// The Controller changed.
        event SetController(address controller);
    }

    /// L2LPTDataCache: the L1 LPT not bridged to L2, for the global supply.
    #[derive(Debug, PartialEq, Eq)]
    interface IL2LPTDataCache {
        /// L1 circulating supply.
        function l1CirculatingSupply() external view returns (uint256);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "Minter",
    functions: IMinter::IMinterCalls::SIGNATURES,
    selectors: IMinter::IMinterCalls::SELECTORS,
    events: IMinter::IMinterEvents::SIGNATURES,
    topics: IMinter::IMinterEvents::SELECTORS,
};
