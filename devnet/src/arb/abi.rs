//! Solidity interfaces of the native accounts: the same definitions every lpx client uses.

pub use lpx_abi::arbitrum::{IArbOwnerPublic, IArbSys, IArbWasm, IStylusDeployer};
