//! LivepeerGovernor: stake-weighted governance of the protocol (Livepeer's
//! `LivepeerGovernor.sol`, spec §10), as an Arbitrum Stylus contract deployed behind a
//! ManagerProxy and initialized once through it.
//!
//! OpenZeppelin 4.9 semantics throughout: `Governor` (proposal lifecycle, EIP-712 votes),
//! `GovernorSettings`, `GovernorTimelockControl` (the Treasury executes), `GovernorVotes`
//! (BondingVotes: the clock is the round), `GovernorVotesQuorumFraction` (parts per million)
//! and Livepeer's `GovernorCountingOverridable` (a delegator's vote overrides its
//! transcoder's for its own stake).
//!
//! Layout of the crate:
//! - [`state`]: storage in Livepeer's slot order (spec Appendix B, gaps included);
//! - [`proposal`]: a proposal's arrays as read from calldata, its id and the Treasury calls;
//! - `governance`: propose, queue, execute, cancel, the state machine and `onlyGovernance`;
//! - `counting`: votes, signatures and the tally with delegator override;
//! - `settings`: initialization, parameters and views;
//! - [`peers`]: calls to the Controller, BondingVotes, the Treasury and ecrecover; events;
//! - [`calldata`], [`encode`] and [`router`]: the ABI by hand (see the router's docs).
//!
//! Deviations from Livepeer/OZ are listed in docs/contracts/governor.md.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(feature = "export-abi"), no_std)]
extern crate alloc;

/// The shared calldata reader (moved to `lpx-contracts-common`).
pub use lpx_contracts_common::calldata;
mod counting;
pub mod encode;
mod governance;
pub mod peers;
pub mod proposal;
pub mod router;
mod settings;
pub mod state;

pub use state::LivepeerGovernor;

use alloy_primitives::U256;
use lpx_contracts_common::revert::{mul, Revert};

/// `floor(a * b / 1e6)`: MathUtils' `percOf(a, b)` (the quorum and the quota), reverting
/// with Panic(0x11) if `a * b` overflows. Long division in 32-bit digits, so every step is
/// a native 64-bit division (ruint's general division costs 8 KiB of wasm, u128's 2 KiB).
pub fn perc_of(a: U256, b: U256) -> Result<U256, Revert> {
    const D: u64 = 1_000_000;
    let mut limbs = *mul(a, b)?.as_limbs();
    let mut rem: u64 = 0;
    for limb in limbs.iter_mut().rev() {
        let mut q: u64 = 0;
        for half in [*limb >> 32, *limb & 0xffff_ffff] {
            // rem < D < 2^20, so cur < 2^52 and its quotient fits in 32 bits.
            let cur = (rem << 32) | half;
            q = (q << 32) | (cur / D);
            rem = cur % D;
        }
        *limb = q;
    }
    Ok(U256::from_limbs(limbs))
}

/// Every revert string of the governor (OZ 4.9's where they exist).
pub mod reasons {
    /// `initializer` on an initialized contract (or the bare target).
    pub const INITIALIZED: &str = "Initializable: contract is already initialized";
    /// Proposer's votes at the start of the current round are below the threshold.
    pub const BELOW_THRESHOLD: &str = "Governor: proposer votes below proposal threshold";
    /// The description ends in `#proposer=0x…` naming someone else.
    pub const RESTRICTED: &str = "Governor: proposer restricted";
    /// Arrays of different lengths.
    pub const LENGTH: &str = "Governor: invalid proposal length";
    /// No action.
    pub const EMPTY: &str = "Governor: empty proposal";
    /// Same actions and description proposed before.
    pub const EXISTS: &str = "Governor: proposal already exists";
    /// No such proposal.
    pub const UNKNOWN: &str = "Governor: unknown proposal id";
    /// Voting outside the Active state.
    pub const NOT_ACTIVE: &str = "Governor: vote not currently active";
    /// Queue or execute of a proposal that did not pass.
    pub const NOT_SUCCESSFUL: &str = "Governor: proposal not successful";
    /// A governance-only function not called by the timelock through a passed proposal.
    pub const ONLY_GOVERNANCE: &str = "Governor: onlyGovernance";
    /// Cancel after the proposal left Pending.
    pub const TOO_LATE: &str = "Governor: too late to cancel";
    /// Cancel by someone other than the proposer.
    pub const ONLY_PROPOSER: &str = "Governor: only proposer can cancel";
    /// The timelock called a governance-only function that the executing proposal does not
    /// call (OZ 4.9 reverts with DoubleEndedQueue's custom error `Empty()` here).
    pub const NOT_QUEUED: &str = "Governor: call is not part of the executing proposal";
    /// `relay` whose call reverted without data.
    pub const RELAY: &str = "Governor: relay reverted without message";
    /// A zero voting period.
    pub const PERIOD_TOO_LOW: &str = "GovernorSettings: voting period too low";
    /// A quorum numerator above 1,000,000.
    pub const QUORUM_OVER: &str = "GovernorVotesQuorumFraction: quorumNumerator over quorumDenominator";
    /// ecrecover found no signer.
    pub const BAD_SIGNATURE: &str = "ECDSA: invalid signature";
    /// A high-s signature.
    pub const BAD_SIGNATURE_S: &str = "ECDSA: invalid signature 's' value";
    /// A snapshot or deadline beyond uint64.
    pub const U64: &str = "SafeCast: value doesn't fit in 64 bits";
    /// A quorum checkpoint key beyond uint32.
    pub const U32: &str = "SafeCast: value doesn't fit in 32 bits";
    /// A quorum checkpoint older than the last.
    pub const DECREASING_KEYS: &str = "Checkpoint: decreasing keys";
    /// `setController` not by the Controller.
    pub const NOT_CONTROLLER: &str = lpx_contracts_common::controller::ERR_NOT_CONTROLLER;
    /// The Stylus constructor ran before.
    pub const CONSTRUCTED: &str = "constructor already called";
}

/// Constants of the governor's ABI.
pub mod consts {
    use alloy_primitives::{B256, U256};
    use stylus_sdk::keccak_const::Keccak256;

    const fn hash(s: &str) -> B256 {
        B256::new(Keccak256::new().update(s.as_bytes()).finalize())
    }

    /// `name()`, also the EIP-712 domain name.
    pub const NAME: &str = "LivepeerGovernor";
    /// `version()`, also the EIP-712 domain version.
    pub const VERSION: &str = "1";
    /// `COUNTING_MODE()`.
    pub const COUNTING_MODE: &str = "support=bravo&quorum=for,abstain,against";
    /// `quorumDenominator()`: MathUtils' PERC_DIVISOR.
    pub const QUORUM_DENOMINATOR: U256 = U256::from_limbs([1_000_000, 0, 0, 0]);
    /// `BALLOT_TYPEHASH()`.
    pub const BALLOT_TYPEHASH: B256 = hash("Ballot(uint256 proposalId,uint8 support)");
    /// `EXTENDED_BALLOT_TYPEHASH()`.
    pub const EXTENDED_BALLOT_TYPEHASH: B256 = hash("ExtendedBallot(uint256 proposalId,uint8 support,string reason,bytes params)");
    /// EIP-712 domain type hash.
    pub const DOMAIN_TYPEHASH: B256 = hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// `keccak256(NAME)`.
    pub const NAME_HASH: B256 = hash(NAME);
    /// `keccak256(VERSION)`.
    pub const VERSION_HASH: B256 = hash(VERSION);
}

#[cfg(test)]
mod tests;
