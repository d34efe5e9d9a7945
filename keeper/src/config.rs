//! The keeper's configuration: a TOML file, with any value overridable from the
//! environment as `KEEPER_<SECTION>__<KEY>` (e.g. `KEEPER_CHAIN__RPC_URLS='["http://a"]'`,
//! `KEEPER_API__LISTEN=0.0.0.0:7935`). See docs/keeper.md for a commented example.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use alloy::primitives::Address;
use figment::{
    providers::{Env, Format, Toml},
    Figment,
};
use lpx_chain_config::SignerSource;
use lpx_txman::{FeePolicy, RpcPolicy};
use serde::Deserialize;
use url::Url;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Chain access and contract addresses.
    pub chain: ChainConfig,
    /// The key the keeper sends transactions with.
    pub signer: SignerSource,
    /// Where state is kept.
    #[serde(default)]
    pub state: StateConfig,
    /// Round initialization.
    #[serde(default)]
    pub rounds: RoundsConfig,
    /// Reward calls.
    #[serde(default)]
    pub reward: RewardConfig,
    /// The orchestrators this keeper calls reward for.
    #[serde(default)]
    pub orchestrators: Vec<OrchestratorConfig>,
    /// Gas policy.
    #[serde(default)]
    pub gas: GasConfig,
    /// Ticket redemption.
    #[serde(default)]
    pub tickets: TicketsConfig,
    /// The local HTTP API (tickets in, /metrics, /health).
    #[serde(default)]
    pub api: ApiConfig,
    /// The `run` service.
    #[serde(default)]
    pub run: RunConfig,
}

/// `[run]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// On SIGTERM/SIGINT, wait this long for the transactions in flight to be mined before
    /// exiting (what is still in flight then is resumed on the next start). Keep it below
    /// the service manager's stop timeout (systemd: 90 s).
    #[serde(default = "d_grace")]
    pub shutdown_grace_secs: u64,
}
fn d_grace() -> u64 {
    20
}
impl Default for RunConfig {
    fn default() -> Self {
        Self { shutdown_grace_secs: d_grace() }
    }
}

/// `[chain]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// JSON-RPC endpoints, tried in order (failover).
    pub rpc_urls: Vec<Url>,
    /// The deployer's address book (`deployments/<network>.json`), relative to the config.
    #[serde(default)]
    pub deployments: Option<PathBuf>,
    /// The Controller; contracts missing from the address book are looked up in it.
    #[serde(default)]
    pub controller: Option<Address>,
    /// Explicit addresses (override the address book).
    #[serde(default)]
    pub contracts: ContractOverrides,
    /// Refuse to run on another chain.
    #[serde(default)]
    pub chain_id: Option<u64>,
    /// Time between head polls in `run` mode.
    #[serde(default = "d_poll")]
    pub poll_interval_ms: u64,
    /// Timeout of one RPC request.
    #[serde(default = "d_timeout")]
    pub request_timeout_ms: u64,
    /// Attempts per RPC request across endpoints.
    #[serde(default = "d_attempts")]
    pub max_attempts: u32,
    /// First backoff after all endpoints failed.
    #[serde(default = "d_backoff0")]
    pub backoff_initial_ms: u64,
    /// Longest backoff.
    #[serde(default = "d_backoff_max")]
    pub backoff_max_ms: u64,
    /// After sending, wait this long before looking for the receipts (within the same
    /// tick): long enough for the next block, so the first look usually finds them.
    #[serde(default = "d_receipt_wait")]
    pub receipt_wait_ms: u64,
}
fn d_poll() -> u64 {
    2_000
}
fn d_timeout() -> u64 {
    10_000
}
fn d_attempts() -> u32 {
    6
}
fn d_backoff0() -> u64 {
    250
}
fn d_backoff_max() -> u64 {
    8_000
}
fn d_receipt_wait() -> u64 {
    1_000
}

/// `[chain.contracts]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractOverrides {
    /// RoundsManager.
    pub rounds_manager: Option<Address>,
    /// BondingManager.
    pub bonding_manager: Option<Address>,
    /// Minter.
    pub minter: Option<Address>,
    /// TicketBroker.
    pub ticket_broker: Option<Address>,
}

/// `[state]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    /// Directory of `keeper.sqlite` (tickets and transactions), relative to the config.
    #[serde(default = "d_state_dir")]
    pub dir: PathBuf,
}
fn d_state_dir() -> PathBuf {
    "keeper-state".into()
}
impl Default for StateConfig {
    fn default() -> Self {
        Self { dir: d_state_dir() }
    }
}

/// How keepers that all initialize rounds avoid sending duplicates: each waits its turn
/// after the round starts, then checks the chain before sending. Only `pool` and `rank`
/// give every keeper a turn of its own (see [`crate::rounds`]).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "mode", rename_all = "lowercase", deny_unknown_fields)]
pub enum ElectionConfig {
    /// The default. Turn = the rotated position, in the transcoder pool, of the first
    /// orchestrator this keeper is the reward caller of (or is, without a caller set): one
    /// owner per position on chain, so no two keepers share a turn and no configuration is
    /// shared between them. A keeper owning no position goes after all of them.
    Pool {
        /// Length of a turn: longer than the poll interval plus the time to inclusion.
        #[serde(default = "d_slot")]
        slot_ms: u64,
    },
    /// Turn = keccak(round ‖ signer) mod `slots`: no coordination needed, but two keepers
    /// share a turn (and both send) in about 1/`slots` of rounds.
    Hash {
        /// Number of turns.
        slots: u32,
        /// Length of a turn.
        slot_ms: u64,
    },
    /// Turn = (rank + round) mod keepers: strict rotation among `keepers` known keepers.
    Rank {
        /// This keeper's rank, 0-based.
        rank: u32,
        /// How many keepers share the job.
        keepers: u32,
        /// Length of a turn.
        slot_ms: u64,
    },
    /// go-livepeer's behaviour: a uniform random delay up to `max_ms` (collisions possible).
    Jitter {
        /// Longest delay.
        max_ms: u64,
    },
    /// Send at once (a single keeper).
    Off,
}

/// `[rounds]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundsConfig {
    /// Whether this keeper initializes rounds.
    #[serde(default = "d_true")]
    pub initialize: bool,
    /// Election among keepers.
    #[serde(default = "d_election")]
    pub election: ElectionConfig,
}
fn d_true() -> bool {
    true
}
fn d_slot() -> u64 {
    5_000
}
fn d_election() -> ElectionConfig {
    ElectionConfig::Pool { slot_ms: d_slot() }
}
impl Default for RoundsConfig {
    fn default() -> Self {
        Self { initialize: true, election: d_election() }
    }
}

/// `[reward]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardConfig {
    /// Whether to call reward at all.
    #[serde(default = "d_true")]
    pub enabled: bool,
    /// A fixed gas limit for reward calls (skips `eth_estimateGas`, one call less per
    /// orchestrator and round; the state is still checked first).
    #[serde(default)]
    pub gas_limit: Option<u64>,
    /// Profitability guard: skip the reward when minted LPT × `lpt_price_eth` is below gas
    /// cost × this ratio. Off when unset.
    #[serde(default)]
    pub min_profit_ratio: Option<f64>,
    /// LPT price in ETH for the guard.
    #[serde(default)]
    pub lpt_price_eth: Option<f64>,
}
impl Default for RewardConfig {
    fn default() -> Self {
        Self { enabled: true, gas_limit: None, min_profit_ratio: None, lpt_price_eth: None }
    }
}

/// `[[orchestrators]]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OrchestratorConfig {
    /// The orchestrator. If it is the signer, the keeper calls `rewardWithHint`; otherwise
    /// it calls `rewardForTranscoderWithHint` as its reward caller (LIP-118).
    pub address: Address,
}

/// `[gas]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GasConfig {
    /// Never pay more per gas (gwei).
    #[serde(default = "d_max_fee")]
    pub max_fee_gwei: f64,
    /// Tip (gwei).
    #[serde(default)]
    pub priority_fee_gwei: f64,
    /// First fee cap = base fee × this + tip.
    #[serde(default = "d_mult")]
    pub base_fee_multiplier: u64,
    /// Replacement fee increase (%), at least 10.
    #[serde(default = "d_bump")]
    pub bump_percent: u64,
    /// Replace a transaction without receipt after this long.
    #[serde(default = "d_bump_after")]
    pub bump_after_secs: u64,
    /// Most replacements per transaction.
    #[serde(default = "d_max_bumps")]
    pub max_bumps: u32,
    /// Gas limit = estimate × (100 + this) / 100.
    #[serde(default = "d_margin")]
    pub gas_limit_margin_percent: u64,
}
fn d_max_fee() -> f64 {
    100.0
}
fn d_mult() -> u64 {
    2
}
fn d_bump() -> u64 {
    20
}
fn d_bump_after() -> u64 {
    30
}
fn d_max_bumps() -> u32 {
    10
}
fn d_margin() -> u64 {
    30
}
impl Default for GasConfig {
    fn default() -> Self {
        Self {
            max_fee_gwei: d_max_fee(),
            priority_fee_gwei: 0.0,
            base_fee_multiplier: d_mult(),
            bump_percent: d_bump(),
            bump_after_secs: d_bump_after(),
            max_bumps: d_max_bumps(),
            gas_limit_margin_percent: d_margin(),
        }
    }
}

/// `[tickets]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketsConfig {
    /// Whether to redeem tickets.
    #[serde(default = "d_true")]
    pub enabled: bool,
    /// Most tickets per redemption transaction (`batchRedeemWinningTickets` above 1).
    #[serde(default = "d_batch")]
    pub batch_size: usize,
    /// Redeem only when face value ≥ gas cost × this.
    #[serde(default = "d_ratio")]
    pub min_face_value_to_gas: f64,
    /// A directory the orchestrator drops `*.json` tickets into (alternative to the API).
    #[serde(default)]
    pub spool_dir: Option<PathBuf>,
    /// Wait before retrying a ticket that failed for a temporary reason.
    #[serde(default = "d_retry")]
    pub retry_secs: u64,
}
fn d_batch() -> usize {
    10
}
fn d_ratio() -> f64 {
    1.0
}
fn d_retry() -> u64 {
    30
}
impl Default for TicketsConfig {
    fn default() -> Self {
        Self { enabled: true, batch_size: d_batch(), min_face_value_to_gas: d_ratio(), spool_dir: None, retry_secs: d_retry() }
    }
}

/// `[api]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Listen address; unset disables the API (and /metrics) — fine for `once` under cron.
    #[serde(default = "d_listen")]
    pub listen: Option<SocketAddr>,
    /// /health turns 503 when the last good tick is older than this.
    #[serde(default = "d_health")]
    pub health_max_tick_age_secs: u64,
}
fn d_listen() -> Option<SocketAddr> {
    "127.0.0.1:7935".parse().ok()
}
fn d_health() -> u64 {
    60
}
impl Default for ApiConfig {
    fn default() -> Self {
        Self { listen: d_listen(), health_max_tick_age_secs: d_health() }
    }
}

/// Config errors, with the file name.
#[derive(Debug, thiserror::Error)]
#[error("config {path}: {message}")]
pub struct ConfigError {
    path: String,
    message: String,
}

fn gwei(g: f64) -> u128 {
    (g * 1e9).round().max(0.0) as u128
}

impl Config {
    /// Reads `path` and applies `KEEPER_*` environment overrides. Relative paths in the
    /// file are resolved against the file's directory.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let err = |message: String| ConfigError { path: path.display().to_string(), message };
        if !path.exists() {
            return Err(err("file not found".into()));
        }
        let mut cfg: Config = Figment::new()
            .merge(Toml::file(path))
            // Only KEEPER_<SECTION>__<KEY>: KEEPER_CONFIG, KEEPER_PRIVATE_KEY and the like
            // are not config keys.
            .merge(Env::prefixed("KEEPER_").filter(|k| k.as_str().contains("__")).split("__"))
            .extract()
            .map_err(|e| err(e.to_string()))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        cfg.resolve_paths(&base);
        cfg.validate().map_err(err)?;
        Ok(cfg)
    }

    /// Parses TOML text (tests, `check`).
    pub fn from_toml(text: &str, base: &Path) -> Result<Self, ConfigError> {
        let err = |message: String| ConfigError { path: "<inline>".into(), message };
        let mut cfg: Config = Figment::new().merge(Toml::string(text)).extract().map_err(|e| err(e.to_string()))?;
        cfg.resolve_paths(base);
        cfg.validate().map_err(err)?;
        Ok(cfg)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(d) = self.chain.deployments.as_mut() {
            fix(d)
        }
        fix(&mut self.state.dir);
        if let Some(d) = self.tickets.spool_dir.as_mut() {
            fix(d)
        }
        if let Some(k) = self.signer.keystore.as_mut() {
            fix(k)
        }
        if let Some(k) = self.signer.private_key_file.as_mut() {
            fix(k)
        }
    }

    fn validate(&self) -> Result<(), String> {
        if self.chain.rpc_urls.is_empty() {
            return Err("chain.rpc_urls is empty: give at least one JSON-RPC URL".into());
        }
        if self.chain.deployments.is_none() && self.chain.controller.is_none() {
            let c = &self.chain.contracts;
            if c.rounds_manager.is_none() || c.bonding_manager.is_none() || c.ticket_broker.is_none() {
                return Err("set chain.deployments, chain.controller or all of [chain.contracts]".into());
            }
        }
        if self.gas.bump_percent < 10 {
            return Err("gas.bump_percent must be at least 10 (nodes reject smaller replacements)".into());
        }
        if self.tickets.batch_size == 0 {
            return Err("tickets.batch_size must be at least 1".into());
        }
        if self.reward.min_profit_ratio.is_some() != self.reward.lpt_price_eth.is_some() {
            return Err("reward.min_profit_ratio and reward.lpt_price_eth go together".into());
        }
        if let ElectionConfig::Rank { rank, keepers, .. } = self.rounds.election {
            if keepers == 0 || rank >= keepers {
                return Err("rounds.election: rank must be below keepers".into());
            }
        }
        Ok(())
    }

    /// The RPC policy.
    pub fn rpc_policy(&self) -> RpcPolicy {
        RpcPolicy {
            request_timeout: Duration::from_millis(self.chain.request_timeout_ms),
            max_attempts: self.chain.max_attempts,
            backoff_initial: Duration::from_millis(self.chain.backoff_initial_ms),
            backoff_max: Duration::from_millis(self.chain.backoff_max_ms),
            endpoint_cooldown: Duration::from_secs(30),
        }
    }

    /// The fee policy.
    pub fn fee_policy(&self) -> FeePolicy {
        FeePolicy {
            max_fee_cap: gwei(self.gas.max_fee_gwei),
            priority_fee: gwei(self.gas.priority_fee_gwei),
            base_fee_multiplier: self.gas.base_fee_multiplier as u128,
            bump_percent: self.gas.bump_percent,
            bump_after: Duration::from_secs(self.gas.bump_after_secs),
            max_bumps: self.gas.max_bumps,
            gas_limit_margin_percent: self.gas.gas_limit_margin_percent,
        }
    }

    /// The SQLite file.
    pub fn db_path(&self) -> PathBuf {
        self.state.dir.join("keeper.sqlite")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: &str = r#"
        [chain]
        rpc_urls = ["http://127.0.0.1:8545", "https://backup.example/key"]
        deployments = "deployments/devnet.json"
        [signer]
        private_key_env = "KEEPER_KEY"
        [[orchestrators]]
        address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    "#;

    #[test]
    fn defaults_and_relative_paths() {
        let c = Config::from_toml(MIN, Path::new("/etc/lpx")).unwrap();
        assert_eq!(c.chain.rpc_urls.len(), 2);
        assert_eq!(c.chain.deployments.as_deref(), Some(Path::new("/etc/lpx/deployments/devnet.json")));
        assert_eq!(c.db_path(), Path::new("/etc/lpx/keeper-state/keeper.sqlite"));
        assert_eq!(c.rounds.election, ElectionConfig::Pool { slot_ms: 5000 });
        assert_eq!(c.fee_policy().max_fee_cap, 100_000_000_000);
        assert_eq!(c.orchestrators.len(), 1);
        assert_eq!(c.api.listen, Some("127.0.0.1:7935".parse().unwrap()));
    }

    #[test]
    fn election_modes_and_gas() {
        let text = format!("{MIN}\n[rounds.election]\nmode = \"rank\"\nrank = 1\nkeepers = 2\nslot_ms = 3000\n[gas]\nmax_fee_gwei = 0.5\nbump_percent = 25\n");
        let c = Config::from_toml(&text, Path::new("/")).unwrap();
        assert_eq!(c.rounds.election, ElectionConfig::Rank { rank: 1, keepers: 2, slot_ms: 3000 });
        assert_eq!(c.fee_policy().max_fee_cap, 500_000_000);
        assert_eq!(c.fee_policy().bump_percent, 25);
        let c = Config::from_toml(&format!("{MIN}\n[rounds.election]\nmode = \"pool\"\n"), Path::new("/")).unwrap();
        assert_eq!(c.rounds.election, ElectionConfig::Pool { slot_ms: 5000 });
        let c = Config::from_toml(&format!("{MIN}\n[rounds.election]\nmode = \"hash\"\nslots = 4\nslot_ms = 10\n"), Path::new("/")).unwrap();
        assert_eq!(c.rounds.election, ElectionConfig::Hash { slots: 4, slot_ms: 10 });
    }

    #[test]
    fn user_mistakes_are_one_clear_line() {
        let bad = MIN.replace("rpc_urls = [\"http://127.0.0.1:8545\", \"https://backup.example/key\"]", "rpc_urls = []");
        assert!(Config::from_toml(&bad, Path::new("/")).unwrap_err().to_string().contains("chain.rpc_urls is empty"));
        let bad = format!("{MIN}\n[gas]\nbump_percent = 5\n");
        assert!(Config::from_toml(&bad, Path::new("/")).unwrap_err().to_string().contains("at least 10"));
        let bad = format!("{MIN}\n[rounds]\ninitialise = true\n");
        assert!(Config::from_toml(&bad, Path::new("/")).unwrap_err().to_string().contains("initialise"));
        let bad = MIN.replace("deployments = \"deployments/devnet.json\"", "");
        assert!(Config::from_toml(&bad, Path::new("/")).is_err());
    }

    #[test]
    // figment::Jail's closure must return figment's (large) error type.
    #[allow(clippy::result_large_err)]
    fn env_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keeper.toml");
        std::fs::write(&p, MIN).unwrap();
        figment::Jail::expect_with(|jail| {
            jail.set_env("KEEPER_CHAIN__RPC_URLS", r#"["http://10.0.0.1:8547"]"#);
            jail.set_env("KEEPER_TICKETS__BATCH_SIZE", "3");
            let c = Config::load(&p).map_err(|e| e.to_string())?;
            assert_eq!(c.chain.rpc_urls, vec![Url::parse("http://10.0.0.1:8547").unwrap()]);
            assert_eq!(c.tickets.batch_size, 3);
            Ok(())
        });
    }
}
