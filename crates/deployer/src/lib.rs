//! Deploys the lpx protocol to any Arbitrum-style chain: the devnet, a Nitro dev node,
//! Arbitrum Sepolia or One.
//!
//! One run builds nothing itself (the caller passes the built programs), then, checking
//! the chain before every write so that a second run sends no transaction:
//! 1. deploys each program through the StylusDeployer (deploy, activate and construct in
//!    one transaction, so nobody can front-run a constructor), reusing a program already at
//!    the address the previous address book names when its code hash is unchanged;
//! 2. registers every contract in the Controller (TicketBroker also as "JobsManager", the
//!    legacy name the Minter trusts for ETH);
//! 3. grants the Minter the token's minter and burner roles, and mints the genesis LPT of a
//!    development network (only while the supply is zero);
//! 4. sets every parameter whose on-chain value differs from the network file;
//! 5. unpauses the Controller.
//!
//! The registry's `gitCommitHash` field holds the first 20 bytes of the program's code
//! hash rather than a git commit: it then names the exact code, and re-running from a later
//! commit with unchanged contracts changes nothing.

mod book;
mod chain;
mod config;
mod plan;

pub use book::{AddressBook, ContractRecord};
pub use chain::Chain;
pub use config::{BondingParams, GenesisAllocation, MinterParams, NetworkConfig, RoundsParams, TicketBrokerParams};
pub use plan::{deploy, Artifact, Outcome};

/// Why a deployment stopped. Every message names the step and the contract.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// A network file or address book is unreadable or invalid.
    #[error("{0}")]
    Config(String),
    /// The RPC reports another chain than the network file names.
    #[error("the RPC serves chain {actual}, but the network file is for chain {expected}")]
    WrongChain {
        /// From the network file.
        expected: u64,
        /// From `eth_chainId`.
        actual: u64,
    },
    /// A built program is missing.
    #[error("no built program for {0}")]
    MissingArtifact(String),
    /// A call reverted with a reason.
    #[error("{call} reverted: {reason}")]
    Reverted {
        /// What was called, and where.
        call: String,
        /// The decoded revert reason.
        reason: String,
    },
    /// Any other chain failure (transport, missing receipt, ...).
    #[error("{0}")]
    Chain(String),
}
