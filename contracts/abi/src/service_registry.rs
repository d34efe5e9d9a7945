//! ABI of the ServiceRegistry (Livepeer `ServiceRegistry.sol`): orchestrator service URIs.

alloy_sol_types::sol! {
    /// Livepeer's ServiceRegistry.
    #[derive(Debug, PartialEq, Eq)]
    interface IServiceRegistry {
        /// The Controller (Manager slot 0).
        function controller() external view returns (address);
        /// Proxy target id (slot 1).
        function targetContractId() external view returns (bytes32);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;
        /// Stores the caller's service URI.
        function setServiceURI(string _serviceURI) external;
        /// The service URI of `_addr` (empty if unset).
        function getServiceURI(address _addr) external view returns (string);

        /// An address published a new service URI.
        event ServiceURIUpdate(address indexed addr, string serviceURI);
        /// The Controller changed.
        event SetController(address controller);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "ServiceRegistry",
    functions: IServiceRegistry::IServiceRegistryCalls::SIGNATURES,
    selectors: IServiceRegistry::IServiceRegistryCalls::SELECTORS,
    events: IServiceRegistry::IServiceRegistryEvents::SIGNATURES,
    topics: IServiceRegistry::IServiceRegistryEvents::SELECTORS,
};
