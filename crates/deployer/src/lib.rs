//! Deploys the lpx protocol to any Arbitrum-style chain: the devnet, a Nitro dev node,
//! Arbitrum Sepolia or One.
//!
//! One run builds nothing itself (the caller passes the built programs), then, checking
//! the chain before every write so that a second run sends no transaction:
//! 1. deploys each program through the StylusDeployer (deploy, activate and construct in
//!    one transaction, so nobody can front-run a constructor), reusing a program already at
//!    the address the previous address book names when its code hash is unchanged. The
//!    upgradeable managers ([`PROXIED`]) are deployed as `<Name>Target` behind a
//!    ManagerProxy named `<Name>`; the Treasury timelock is initialized in its deploying
//!    transaction with the Governor as its proposer and executor;
//! 2. registers every contract in the Controller (TicketBroker also as "JobsManager", the
//!    legacy name the Minter trusts for ETH);
//! 3. grants the Minter the token's minter and burner roles, and mints the genesis LPT of a
//!    development network (only while the supply is zero);
//! 4. sets every parameter whose on-chain value differs from the network file, and
//!    initializes the LivepeerGovernor;
//! 5. deploys the signalling polls' Poll program and a PollCreator using it (not registered);
//! 6. names the guardian, unpauses the Controller and, when `governance.owner` is
//!    `treasury` (the default), hands the Controller to the Treasury.
//!
//! Once the Treasury owns the Controller, a run that finds an owner-only difference (a
//! parameter, a registry entry) changes nothing and fails with the list of changes that
//! need a governance proposal.
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
pub use config::{BondingParams, GenesisAllocation, GovernanceParams, MinterParams, NetworkConfig, Owner, PollParams, RoundsParams, TicketBrokerParams};
pub use plan::{deploy, Artifact, Outcome, PROXIED};

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
