//! ABI shared by every Manager (Livepeer's `Manager`/`ManagerProxyTarget`): the controller
//! pointer, its setter and the two events every manager can emit; and the members the
//! `ManagerProxy` serves itself.

alloy_sol_types::sol! {
    /// Members every Manager contract exposes.
    #[derive(Debug, PartialEq, Eq)]
    interface IManager {
        /// The Controller this contract resolves its peers through.
        function controller() external view returns (address);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;

        /// Emitted by `setController`.
        event SetController(address controller);
        /// Emitted by every parameter setter, with the parameter's name.
        event ParameterUpdate(string param);
    }
}

alloy_sol_types::sol! {
    /// Livepeer's `ManagerProxy`: the members the proxy serves itself. Every other call is
    /// delegated to `controller.getContract(targetContractId)`.
    #[derive(Debug, PartialEq, Eq)]
    interface IManagerProxy {
        /// The Controller the proxy resolves its target through (slot 0).
        function controller() external view returns (address);
        /// The Controller id of the target (slot 1).
        function targetContractId() external view returns (bytes32);
        /// Re-points the proxy at a new Controller (onlyController).
        function setController(address _controller) external;

        /// Emitted by `setController`.
        event SetController(address controller);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "Manager",
    functions: IManager::IManagerCalls::SIGNATURES,
    selectors: IManager::IManagerCalls::SELECTORS,
    events: IManager::IManagerEvents::SIGNATURES,
    topics: IManager::IManagerEvents::SELECTORS,
};

/// Registry entry of the proxy's own members, see the crate docs.
pub const PROXY_ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "ManagerProxy",
    functions: IManagerProxy::IManagerProxyCalls::SIGNATURES,
    selectors: IManagerProxy::IManagerProxyCalls::SELECTORS,
    events: IManagerProxy::IManagerProxyEvents::SIGNATURES,
    topics: IManagerProxy::IManagerProxyEvents::SELECTORS,
};
