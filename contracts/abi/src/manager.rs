//! ABI shared by every Manager (Livepeer's `Manager`/`ManagerProxyTarget`): the controller
//! pointer, its setter and the two events every manager can emit.

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

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "Manager",
    functions: IManager::IManagerCalls::SIGNATURES,
    selectors: IManager::IManagerCalls::SELECTORS,
    events: IManager::IManagerEvents::SIGNATURES,
    topics: IManager::IManagerEvents::SELECTORS,
};
