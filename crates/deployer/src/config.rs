//! Per-network deployment parameters (`deployments/<network>.toml`).
//!
//! Every field defaults to Livepeer's value on Arbitrum One (spec/protocol.md §14), so a
//! network file states only where it differs: the devnet's file shortens rounds and periods.

use std::path::Path;

use alloy::primitives::{utils::parse_ether, Address, U256};
use serde::Deserialize;

use crate::DeployError;

/// One network's deployment parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NetworkConfig {
    /// Network name; also names the address book `deployments/<network>.json`.
    pub network: String,
    /// Refuse to deploy when the RPC reports another chain id.
    #[serde(default)]
    pub chain_id: Option<u64>,
    /// Unpause the Controller once everything is registered (it deploys paused).
    #[serde(default = "yes")]
    pub unpause: bool,
    /// Most wei the deployer sends per program for its activation data fee; ArbWasm
    /// refunds what it does not use.
    #[serde(default = "default_activation_fee", deserialize_with = "de_ether")]
    pub max_activation_fee: U256,
    /// Governance: the Governor's settings, the Treasury's delay, who owns the Controller.
    #[serde(default)]
    pub governance: GovernanceParams,
    /// RoundsManager parameters.
    #[serde(default)]
    pub rounds: RoundsParams,
    /// BondingManager parameters.
    #[serde(default)]
    pub bonding: BondingParams,
    /// Minter parameters.
    #[serde(default)]
    pub minter: MinterParams,
    /// TicketBroker parameters.
    #[serde(default)]
    pub ticket_broker: TicketBrokerParams,
    /// PollCreator parameters.
    #[serde(default)]
    pub polls: PollParams,
    /// LPT minted once, when the token's supply is zero (development networks).
    #[serde(default)]
    pub genesis: Vec<GenesisAllocation>,
}

/// RoundsManager parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RoundsParams {
    /// Round length in (L1) blocks.
    pub round_length: u64,
    /// Share of a round, at its end, during which transcoders can't register (PD6).
    pub round_lock_amount: u64,
}

impl Default for RoundsParams {
    fn default() -> Self {
        Self { round_length: 6377, round_lock_amount: 100_000 }
    }
}

/// BondingManager parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct BondingParams {
    /// Rounds an unbonding lock waits before withdrawal.
    pub unbonding_period: u64,
    /// Size of the active transcoder set.
    pub num_active_transcoders: u64,
    /// Share of each reward sent to the treasury (PD27).
    #[serde(deserialize_with = "de_u256")]
    pub treasury_reward_cut_rate: U256,
    /// Treasury balance (LPT) above which the cut stops.
    #[serde(deserialize_with = "de_ether")]
    pub treasury_balance_ceiling: U256,
}

impl Default for BondingParams {
    fn default() -> Self {
        Self {
            unbonding_period: 7,
            num_active_transcoders: 100,
            // 10% (LIP-92), in PreciseMathUtils units of 1e27.
            treasury_reward_cut_rate: U256::from(10u64).pow(U256::from(26u64)),
            treasury_balance_ceiling: U256::from(750_000u64) * U256::from(10u64).pow(U256::from(18u64)),
        }
    }
}

/// Minter parameters (PD9 fractions).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct MinterParams {
    /// Per-round inflation.
    pub inflation: u64,
    /// Per-round change of inflation toward the target bonding rate.
    pub inflation_change: u64,
    /// Target share of the supply that is bonded.
    pub target_bonding_rate: u64,
}

impl Default for MinterParams {
    fn default() -> Self {
        // Live values on Arbitrum One in July 2026 (round 4253).
        Self { inflation: 560_500, inflation_change: 500, target_bonding_rate: 500_000_000 }
    }
}

/// TicketBroker parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct TicketBrokerParams {
    /// Rounds a sender waits between unlock and withdraw.
    pub unlock_period: u64,
    /// Rounds a ticket stays redeemable after its creation round.
    pub ticket_validity_period: u64,
}

impl Default for TicketBrokerParams {
    fn default() -> Self {
        Self { unlock_period: 2, ticket_validity_period: 2 }
    }
}

/// Who owns the Controller once the deployment is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Owner {
    /// The Treasury timelock: every owner action needs a passed proposal.
    Treasury,
    /// The deploying account (a development setting: parameters stay directly settable).
    Deployer,
}

/// LivepeerGovernor and Treasury parameters (spec §10, §15.9 V65).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct GovernanceParams {
    /// Who owns the Controller at the end of the run.
    pub owner: Owner,
    /// An account that may pause the protocol and nothing else.
    pub guardian: Option<Address>,
    /// Rounds between a proposal and its snapshot.
    pub voting_delay: u64,
    /// Rounds a proposal is open for votes.
    pub voting_period: u64,
    /// Votes (LPT) needed to propose.
    #[serde(deserialize_with = "de_ether")]
    pub proposal_threshold: U256,
    /// Quorum as a share of the snapshot's total stake (PD6).
    pub quorum: u64,
    /// Share of for + against that must be for (PD6).
    pub quota: u64,
    /// Seconds between queueing and executing a proposal.
    pub timelock_delay: u64,
}

impl Default for GovernanceParams {
    fn default() -> Self {
        Self {
            owner: Owner::Treasury,
            guardian: None,
            voting_delay: 1,
            voting_period: 10,
            proposal_threshold: U256::from(100u64) * U256::from(10u64).pow(U256::from(18u64)),
            quorum: 333_300,
            quota: 500_000,
            timelock_delay: 0,
        }
    }
}

/// PollCreator parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct PollParams {
    /// Blocks a signalling poll stays open. Livepeer's is 57,600 (10 rounds of 5,760 L1
    /// blocks, never updated for 6,377-block rounds).
    pub period: u64,
}

impl Default for PollParams {
    fn default() -> Self {
        Self { period: 57_600 }
    }
}

/// LPT minted to one account at genesis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GenesisAllocation {
    /// Recipient.
    pub to: Address,
    /// Amount in LPT (decimal string, 18 decimals), e.g. `"1000"` or `"0.5"`.
    #[serde(deserialize_with = "de_ether")]
    pub amount: U256,
}

fn yes() -> bool {
    true
}

fn default_activation_fee() -> U256 {
    // 0.01 ETH: about 200x Nitro's data fee for a 24 KiB program at zero demand.
    U256::from(10u64).pow(U256::from(16u64))
}

/// Accepts `"1.5"` (18-decimal units) or an integer.
fn de_ether<'de, D: serde::Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(u64),
        Str(String),
    }
    match Num::deserialize(d)? {
        Num::Int(n) => Ok(U256::from(n) * U256::from(10u64).pow(U256::from(18u64))),
        Num::Str(s) => parse_ether(&s).map_err(serde::de::Error::custom),
    }
}

/// Accepts an integer or a decimal/hex string of a raw integer.
fn de_u256<'de, D: serde::Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(u64),
        Str(String),
    }
    match Num::deserialize(d)? {
        Num::Int(n) => Ok(U256::from(n)),
        Num::Str(s) => s.parse::<U256>().map_err(serde::de::Error::custom),
    }
}

impl NetworkConfig {
    /// Reads a network file.
    pub fn load(path: &Path) -> Result<Self, DeployError> {
        let text = std::fs::read_to_string(path).map_err(|e| DeployError::Config(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| DeployError::Config(format!("{}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_mainnet_values() {
        let c: NetworkConfig = toml::from_str("network = \"arbitrum-one\"").unwrap();
        assert_eq!(c.rounds.round_length, 6377);
        assert_eq!(c.bonding.unbonding_period, 7);
        assert_eq!(c.bonding.num_active_transcoders, 100);
        assert_eq!(c.bonding.treasury_reward_cut_rate, U256::from(10u64).pow(U256::from(26u64)));
        assert_eq!(c.minter.target_bonding_rate, 500_000_000);
        assert_eq!(c.ticket_broker.unlock_period, 2);
        assert_eq!(c.polls.period, 57_600);
        assert_eq!(c.governance.owner, Owner::Treasury);
        assert_eq!((c.governance.voting_delay, c.governance.voting_period), (1, 10));
        assert_eq!(c.governance.proposal_threshold, parse_ether("100").unwrap());
        assert_eq!((c.governance.quorum, c.governance.quota, c.governance.timelock_delay), (333_300, 500_000, 0));
        assert!(c.unpause);
        assert!(c.genesis.is_empty());
    }

    #[test]
    fn amounts_parse_as_lpt_and_unknown_keys_are_rejected() {
        let c: NetworkConfig =
            toml::from_str("network = \"devnet\"\n[[genesis]]\nto = \"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\"\namount = \"1.5\"\n").unwrap();
        assert_eq!(c.genesis[0].amount, U256::from(1_500_000_000_000_000_000u64));
        let bad = toml::from_str::<NetworkConfig>("network = \"x\"\n[rounds]\nround-lenght = 5\n");
        assert!(bad.unwrap_err().to_string().contains("round-lenght"));
    }

    #[test]
    fn committed_network_files_parse() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deployments");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let c = NetworkConfig::load(&path).unwrap();
                assert_eq!(Some(c.network.as_str()), path.file_stem().and_then(|s| s.to_str()));
                seen += 1;
            }
        }
        assert!(seen >= 3, "expected devnet, arbitrum-sepolia and arbitrum-one files");
    }
}
