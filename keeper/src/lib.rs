//! The lpx keeper: initializes rounds, calls reward for the orchestrators it serves (as
//! the orchestrator or as its LIP-118 reward caller), and redeems winning tickets.
//!
//! - [`config`]: the TOML config with environment overrides.
//! - [`chain`]: addresses, typed calls and batches over the failover transport.
//! - [`lens`]: the one read per tick (a deployless `eth_call`).
//! - [`rounds`]: the initializer election.
//! - [`pool`]: the pool snapshot and reward hints.
//! - [`tickets`]: intake, queue, classification.
//! - [`keeper`]: the tick that ties them together; [`run`] drives it as a service or once.
//! - [`api`]: tickets in, /health, /metrics.

pub mod api;
pub mod chain;
pub mod config;
pub mod keeper;
pub mod lens;
pub mod metrics;
pub mod pool;
pub mod rounds;
pub mod run;
pub mod tickets;
