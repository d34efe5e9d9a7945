//! ABI of the Controller: the registry of protocol contracts, the pause switch and the
//! owner (Livepeer `Controller.sol`).

alloy_sol_types::sol! {
    /// Livepeer's Controller.
    #[derive(Debug, PartialEq, Eq)]
    interface IController {
        /// The owner (the protocol Governor).
        function owner() external view returns (address);
        /// Whether the protocol is paused.
        function paused() external view returns (bool);
        /// Hands ownership to `newOwner` (onlyOwner, non-zero).
        function transferOwnership(address newOwner) external;
        /// Pauses the protocol (the owner or the guardian, when not paused).
        function pause() external;
        /// The account that may pause besides the owner (lpx addition; zero if none).
        function guardian() external view returns (address);
        /// Names the guardian, or removes it with the zero address (onlyOwner; lpx addition).
        function setGuardian(address _guardian) external;
        /// Unpauses the protocol (onlyOwner, when paused).
        function unpause() external;
        /// Registers `_contractAddress` under `_id` with its source commit (onlyOwner).
        function setContractInfo(bytes32 _id, address _contractAddress, bytes20 _gitCommitHash) external;
        /// Calls `setController(_controller)` on the contract registered under `_id` (onlyOwner).
        function updateController(bytes32 _id, address _controller) external;
        /// The registry entry under `_id`.
        function getContractInfo(bytes32 _id) external view returns (address, bytes20);
        /// The address registered under `_id` (zero if none).
        function getContract(bytes32 _id) external view returns (address);

        /// A registry entry was written.
        event SetContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash);
        /// Ownership moved.
        event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
        /// The guardian changed (lpx addition).
        event GuardianSet(address indexed previousGuardian, address indexed newGuardian);
        /// The protocol was paused.
        event Pause();
        /// The protocol was unpaused.
        event Unpause();
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "Controller",
    functions: IController::IControllerCalls::SIGNATURES,
    selectors: IController::IControllerCalls::SELECTORS,
    events: IController::IControllerEvents::SIGNATURES,
    topics: IController::IControllerEvents::SELECTORS,
};
