//! Controller registry ids: `keccak256(<contract name>)`, computed at compile time.
//!
//! Contracts find each other through `Controller.getContract(id)`; these are Livepeer's ids
//! (spec §1.1), so a deployment can be inspected with Livepeer's own tooling.

use alloy_primitives::B256;

const fn id(name: &str) -> B256 {
    B256::new(stylus_sdk::keccak_const::Keccak256::new().update(name.as_bytes()).finalize())
}

/// `keccak256("Controller")`.
pub const CONTROLLER: B256 = id("Controller");
/// `keccak256("LivepeerToken")`.
pub const LIVEPEER_TOKEN: B256 = id("LivepeerToken");
/// `keccak256("Minter")`.
pub const MINTER: B256 = id("Minter");
/// `keccak256("RoundsManager")`.
pub const ROUNDS_MANAGER: B256 = id("RoundsManager");
/// `keccak256("BondingManager")`.
pub const BONDING_MANAGER: B256 = id("BondingManager");
/// `keccak256("TicketBroker")`.
pub const TICKET_BROKER: B256 = id("TicketBroker");
/// `keccak256("JobsManager")`: legacy alias of the TicketBroker, the only id the Minter
/// accepts for ETH deposits and withdrawals (spec §1.1).
pub const JOBS_MANAGER: B256 = id("JobsManager");
/// `keccak256("ServiceRegistry")`.
pub const SERVICE_REGISTRY: B256 = id("ServiceRegistry");
/// `keccak256("Verifier")`: the slashing role (registered as zero on mainnet).
pub const VERIFIER: B256 = id("Verifier");
/// `keccak256("BondingVotes")`.
pub const BONDING_VOTES: B256 = id("BondingVotes");
/// `keccak256("Treasury")`.
pub const TREASURY: B256 = id("Treasury");
/// `keccak256("LivepeerGovernor")`.
pub const LIVEPEER_GOVERNOR: B256 = id("LivepeerGovernor");
/// `keccak256("L2LPTDataCache")`: source of `l1CirculatingSupply()` for the Minter.
pub const L2_LPT_DATA_CACHE: B256 = id("L2LPTDataCache");
/// `keccak256("L2Migrator")`.
pub const L2_MIGRATOR: B256 = id("L2Migrator");
/// `keccak256("MerkleSnapshot")`.
pub const MERKLE_SNAPSHOT: B256 = id("MerkleSnapshot");
/// `keccak256("BondingManagerTarget")`: the implementation behind the BondingManager proxy.
pub const BONDING_MANAGER_TARGET: B256 = id("BondingManagerTarget");
/// `keccak256("RoundsManagerTarget")`.
pub const ROUNDS_MANAGER_TARGET: B256 = id("RoundsManagerTarget");
/// `keccak256("TicketBrokerTarget")`.
pub const TICKET_BROKER_TARGET: B256 = id("TicketBrokerTarget");
/// `keccak256("ServiceRegistryTarget")`.
pub const SERVICE_REGISTRY_TARGET: B256 = id("ServiceRegistryTarget");
/// `keccak256("BondingVotesTarget")`.
pub const BONDING_VOTES_TARGET: B256 = id("BondingVotesTarget");
/// `keccak256("LivepeerGovernorTarget")`.
pub const LIVEPEER_GOVERNOR_TARGET: B256 = id("LivepeerGovernorTarget");

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{b256, keccak256};

    #[test]
    fn ids_match_spec_table_1_1() {
        let table = [
            (BONDING_MANAGER, b256!("2517d59a36a86548e38734e8ab416f42afff4bca78706a66ad65750dae7f9e37")),
            (BONDING_MANAGER_TARGET, b256!("fc6f6f33d2bb065ac61cbdd4dbe4b7adf6f3e7e6c6a3d1fe297cbf9a187092e4")),
            (MINTER, b256!("6e58ad548d72b425ea94c15f453bf26caddb061d82b2551db7fdd3cefe0e9940")),
            (ROUNDS_MANAGER, b256!("e8438ea868df48e3fc21f2f087b993c9b1837dc0f6135064161ce7d7a1701fe8")),
            (ROUNDS_MANAGER_TARGET, b256!("56f65aba3e3e5b6d5adbc6cdc14c51957893b21d4a6a56260af4e03af7e1a51d")),
            (TICKET_BROKER, b256!("bd1aa3e8d2464256d7fd3dcf645c16418d5d8c51d971f1ad7d57e7b1b5eee239")),
            (TICKET_BROKER_TARGET, b256!("f16f832ef171c8058cbd4a32de7d27c32a1a1ad90bb091b4b7f376f1d95ee254")),
            (JOBS_MANAGER, b256!("3d7456535a3155a46f15a2313c3915bd07137ffdc56464f4fc9a82bae7215c2d")),
            (LIVEPEER_TOKEN, b256!("3443e257065fe41dd0e4d1f5a1b73a22a62e300962b57f30cddf41d0f8273ba7")),
            (TREASURY, b256!("6efca2866b731ee4984990bacad4cde10f1ef764fb54a5206bdfd291695b1a9b")),
            (BONDING_VOTES, b256!("2a1b465fbcae519904f0fb11f93e73dfbeb47ec54530ec444279610af8cf06b2")),
            (BONDING_VOTES_TARGET, b256!("7de5a5b8ecd5bb031f348e5f6eaba02944a498be282a3242da27f5a559dbd5dc")),
            (LIVEPEER_GOVERNOR, b256!("aea11c65571dd8b6188d3a5cf5e5d3d4695845e6f217cad0b453b4e276c6cdcd")),
            (LIVEPEER_GOVERNOR_TARGET, b256!("d4c5f51c55641d608f9aa8c83a618a0b4bafdf778911c37f61b63c6be7a6992e")),
            (SERVICE_REGISTRY, b256!("79c5d2a4a07754f4bacb0ffba18ac516030ee589ebc89db8627680c4d4cdb230")),
            (SERVICE_REGISTRY_TARGET, b256!("a65c3dc1a85422ba3e6003be871c3339b882a9c28fc454085d394e4b6436d564")),
            (L2_MIGRATOR, b256!("74b6d21e0d4650f622c903126d418c1a52bcc99ea7acb0db0809fc0eeae6c7c3")),
            (L2_LPT_DATA_CACHE, b256!("8ecfba413a4e4715a264d70a55d3a35bf60b2954c56759310202f39281623200")),
            (VERIFIER, b256!("121833d5ee4fda5e1a4034c2b7be8155c158142541dea26f39122c796649233f")),
            (MERKLE_SNAPSHOT, b256!("b6138afe6f306a47bdf645c5aebcb9781efe787d221a1880e62d1f76dae58b84")),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
        assert_eq!(CONTROLLER, keccak256("Controller"));
    }
}
