//! ABI of the LivepeerToken (Livepeer's L2 LPT: OpenZeppelin 4.x ERC20 + ERC20Burnable +
//! ERC20Permit + AccessControl with MINTER_ROLE and BURNER_ROLE).

alloy_sol_types::sol! {
    /// Livepeer's L2 LivepeerToken.
    #[derive(Debug, PartialEq, Eq)]
    interface ILivepeerToken {
        /// "Livepeer Token".
        function name() external view returns (string);
        /// "LPT".
        function symbol() external view returns (string);
        /// 18.
        function decimals() external view returns (uint8);
        /// Total supply.
        function totalSupply() external view returns (uint256);
        /// Balance of `account`.
        function balanceOf(address account) external view returns (uint256);
        /// ERC-20 transfer.
        function transfer(address to, uint256 amount) external returns (bool);
        /// ERC-20 allowance.
        function allowance(address owner, address spender) external view returns (uint256);
        /// ERC-20 approve.
        function approve(address spender, uint256 amount) external returns (bool);
        /// ERC-20 transferFrom.
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        /// OZ 4.x allowance helper.
        function increaseAllowance(address spender, uint256 addedValue) external returns (bool);
        /// OZ 4.x allowance helper.
        function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool);
        /// Mints (MINTER_ROLE); emits `Mint`.
        function mint(address _to, uint256 _amount) external;
        /// Burns the caller's tokens (BURNER_ROLE); emits `Burn`.
        function burn(uint256 amount) external;
        /// Burns from `account` using allowance (BURNER_ROLE); emits `Burn`.
        function burnFrom(address account, uint256 amount) external;
        /// EIP-2612 permit.
        function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
        /// EIP-2612 nonce of `owner`.
        function nonces(address owner) external view returns (uint256);
        /// EIP-712 domain separator.
        function DOMAIN_SEPARATOR() external view returns (bytes32);
        /// keccak256("MINTER_ROLE").
        function MINTER_ROLE() external view returns (bytes32);
        /// keccak256("BURNER_ROLE").
        function BURNER_ROLE() external view returns (bytes32);
        /// Zero: the admin of every role.
        function DEFAULT_ADMIN_ROLE() external view returns (bytes32);
        /// Whether `account` holds `role`.
        function hasRole(bytes32 role, address account) external view returns (bool);
        /// The admin role of `role`.
        function getRoleAdmin(bytes32 role) external view returns (bytes32);
        /// Grants `role` (caller must hold its admin role).
        function grantRole(bytes32 role, address account) external;
        /// Revokes `role` (caller must hold its admin role).
        function revokeRole(bytes32 role, address account) external;
        /// Gives up `role` (only for oneself).
        function renounceRole(bytes32 role, address account) external;
        /// ERC-165.
        function supportsInterface(bytes4 interfaceId) external view returns (bool);

        /// ERC-20 transfer (mint: from zero; burn: to zero).
        event Transfer(address indexed from, address indexed to, uint256 value);
        /// ERC-20 approval.
        event Approval(address indexed owner, address indexed spender, uint256 value);
        /// LPT minted.
        event Mint(address indexed to, uint256 amount);
        /// LPT burned.
        event Burn(address indexed burner, uint256 amount);
        /// AccessControl.
        event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
        /// AccessControl.
        event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
        /// AccessControl.
        event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "LivepeerToken",
    functions: ILivepeerToken::ILivepeerTokenCalls::SIGNATURES,
    selectors: ILivepeerToken::ILivepeerTokenCalls::SELECTORS,
    events: ILivepeerToken::ILivepeerTokenEvents::SIGNATURES,
    topics: ILivepeerToken::ILivepeerTokenEvents::SELECTORS,
};
