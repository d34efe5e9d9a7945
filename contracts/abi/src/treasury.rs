//! ABI of the Treasury: Livepeer's `Treasury.sol`, an OpenZeppelin 4.9
//! `TimelockControllerUpgradeable` (with `AccessControlUpgradeable`) initialized once.
//! It executes passed governance proposals and holds the treasury's LPT and ETH.

alloy_sol_types::sol! {
    /// Livepeer's Treasury (OZ 4.9 TimelockController + AccessControl + Initializable).
    #[derive(Debug, PartialEq, Eq)]
    interface ITreasury {
        /// Sets the delay and grants the initial roles; runs once.
        function initialize(uint256 minDelay, address[] proposers, address[] executors, address admin) external;

        /// Role administering every timelock role (held by the timelock itself).
        function TIMELOCK_ADMIN_ROLE() external view returns (bytes32);
        /// Role allowed to schedule operations.
        function PROPOSER_ROLE() external view returns (bytes32);
        /// Role allowed to execute ready operations (open to all when held by address(0)).
        function EXECUTOR_ROLE() external view returns (bytes32);
        /// Role allowed to cancel pending operations.
        function CANCELLER_ROLE() external view returns (bytes32);

        /// ERC-165: true for IERC165, IAccessControl and IERC1155Receiver.
        function supportsInterface(bytes4 interfaceId) external view returns (bool);
        /// Whether `id` was ever scheduled (pending, ready or done).
        function isOperation(bytes32 id) external view returns (bool);
        /// Whether `id` is scheduled and not yet executed.
        function isOperationPending(bytes32 id) external view returns (bool);
        /// Whether `id` is pending and its timestamp has passed.
        function isOperationReady(bytes32 id) external view returns (bool);
        /// Whether `id` was executed.
        function isOperationDone(bytes32 id) external view returns (bool);
        /// The timestamp `id` becomes ready at (0 unset, 1 done).
        function getTimestamp(bytes32 id) external view returns (uint256);
        /// The minimum delay of a new operation, in seconds.
        function getMinDelay() external view returns (uint256);
        /// Operation id of a single call: keccak256(abi.encode(target, value, data, predecessor, salt)).
        function hashOperation(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt) external pure returns (bytes32);
        /// Operation id of a batch: keccak256(abi.encode(targets, values, payloads, predecessor, salt)).
        function hashOperationBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) external pure returns (bytes32);

        /// Schedules a single call (PROPOSER_ROLE).
        function schedule(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt, uint256 delay) external;
        /// Schedules a batch of calls (PROPOSER_ROLE).
        function scheduleBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt, uint256 delay) external;
        /// Cancels a pending operation (CANCELLER_ROLE).
        function cancel(bytes32 id) external;
        /// Executes a ready single call (EXECUTOR_ROLE or open).
        function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt) external payable;
        /// Executes a ready batch (EXECUTOR_ROLE or open).
        function executeBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) external payable;
        /// Changes the minimum delay; only callable by the timelock itself.
        function updateDelay(uint256 newDelay) external;

        /// ERC-721 receiver hook: accepts every token.
        function onERC721Received(address operator, address from, uint256 tokenId, bytes data) external returns (bytes4);
        /// ERC-1155 receiver hook: accepts every token.
        function onERC1155Received(address operator, address from, uint256 id, uint256 value, bytes data) external returns (bytes4);
        /// ERC-1155 batch receiver hook: accepts every token.
        function onERC1155BatchReceived(address operator, address from, uint256[] ids, uint256[] values, bytes data) external returns (bytes4);

        /// Whether `account` holds `role`.
        function hasRole(bytes32 role, address account) external view returns (bool);
        /// The role administering `role`.
        function getRoleAdmin(bytes32 role) external view returns (bytes32);
        /// Grants `role` to `account` (caller must hold the role's admin role).
        function grantRole(bytes32 role, address account) external;
        /// Revokes `role` from `account` (caller must hold the role's admin role).
        function revokeRole(bytes32 role, address account) external;
        /// Gives up `role` (`account` must be the caller).
        function renounceRole(bytes32 role, address account) external;

        /// An operation (or one call of a batch, `index`) was scheduled.
        event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay);
        /// One call of an operation was executed.
        event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data);
        /// An operation was scheduled with a non-zero salt.
        event CallSalt(bytes32 indexed id, bytes32 salt);
        /// A pending operation was cancelled.
        event Cancelled(bytes32 indexed id);
        /// The minimum delay changed.
        event MinDelayChange(uint256 oldDuration, uint256 newDuration);
        /// `role`'s admin role changed.
        event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole);
        /// `account` was granted `role` by `sender`.
        event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
        /// `account` lost `role` (revoked or renounced) by `sender`.
        event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
        /// `initialize` ran (OZ Initializable, version 1).
        event Initialized(uint8 version);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "Treasury",
    functions: ITreasury::ITreasuryCalls::SIGNATURES,
    selectors: ITreasury::ITreasuryCalls::SELECTORS,
    events: ITreasury::ITreasuryEvents::SIGNATURES,
    topics: ITreasury::ITreasuryEvents::SELECTORS,
};
