//! Metric names and the Prometheus recorder.
//!
//! The keeper's own series are `keeper_*`; the chain plumbing (lpx-txman) adds `lpx_rpc_*`
//! (requests, calls by method, errors by endpoint and kind, failovers) and `lpx_tx_*`,
//! `lpx_gas_*` (sent, replaced, reverted, gas used and wei spent by kind).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Rounds this keeper initialized.
pub const ROUNDS_INITIALIZED: &str = "keeper_rounds_initialized_total";
/// initializeRound not sent, by reason (`already_initialized`, `lost_race`).
pub const INIT_SKIPPED: &str = "keeper_round_initialize_skipped_total";
/// Reward transactions mined, by orchestrator.
pub const REWARDS_CALLED: &str = "keeper_rewards_called_total";
/// LPT (wei) minted by this keeper's reward calls, by orchestrator.
pub const REWARD_MINTED: &str = "keeper_reward_minted_lpt_wei_total";
/// Rounds an orchestrator was active and not rewarded, by orchestrator.
pub const REWARDS_MISSED: &str = "keeper_rewards_missed_total";
/// Reward attempts that failed, by orchestrator and reason.
pub const REWARD_ERRORS: &str = "keeper_reward_errors_total";
/// Rewards deliberately skipped, by orchestrator and reason (`unprofitable`, `inactive`).
pub const REWARD_SKIPPED: &str = "keeper_reward_skipped_total";
/// Tickets accepted into the queue.
pub const TICKETS_QUEUED: &str = "keeper_tickets_queued_total";
/// Tickets redeemed.
pub const TICKETS_REDEEMED: &str = "keeper_tickets_redeemed_total";
/// Face value (wei) of redeemed tickets.
pub const TICKET_VALUE: &str = "keeper_ticket_face_value_redeemed_wei_total";
/// Tickets dropped, by reason (`expired`, `used`, `invalid`).
pub const TICKETS_DROPPED: &str = "keeper_tickets_dropped_total";
/// Tickets put back for a retry, by reason.
pub const TICKETS_RETRIED: &str = "keeper_tickets_retried_total";
/// Tickets refused at intake.
pub const TICKETS_REFUSED: &str = "keeper_tickets_refused_total";
/// Tickets waiting (queued or submitting).
pub const TICKETS_PENDING: &str = "keeper_tickets_pending";
/// Current round.
pub const ROUND: &str = "keeper_current_round";
/// Latest block seen (the round clock's block number).
pub const BLOCK: &str = "keeper_block_number";
/// RPC calls spent in the last complete round.
pub const ROUND_RPC_CALLS: &str = "keeper_round_rpc_calls";
/// HTTP RPC requests spent in the last complete round.
pub const ROUND_RPC_REQUESTS: &str = "keeper_round_rpc_requests";
/// Seconds from the round's first block to the initializeRound receipt (this keeper's).
pub const INIT_DELAY: &str = "keeper_round_initialize_delay_seconds";
/// Times the cached pool order was found stale (and replaced by the one just read).
pub const POOL_STALE: &str = "keeper_pool_stale_total";
/// Ticks that failed.
pub const TICK_ERRORS: &str = "keeper_tick_errors_total";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the global recorder (once per process) and returns the handle /metrics renders.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder is installed already (a test harness); the
            // handle still renders this recorder's (then empty) registry.
            let _ = metrics::set_global_recorder(recorder);
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge};
    describe_counter!(ROUNDS_INITIALIZED, "Rounds this keeper initialized");
    describe_counter!(INIT_SKIPPED, "initializeRound not sent, by reason");
    describe_counter!(REWARDS_CALLED, "Reward transactions mined, by orchestrator");
    describe_counter!(REWARD_MINTED, "LPT wei minted by reward calls, by orchestrator");
    describe_counter!(REWARDS_MISSED, "Rounds an orchestrator was active and not rewarded");
    describe_counter!(REWARD_ERRORS, "Failed reward attempts, by orchestrator and reason");
    describe_counter!(REWARD_SKIPPED, "Rewards skipped on purpose, by orchestrator and reason");
    describe_counter!(TICKETS_QUEUED, "Winning tickets accepted");
    describe_counter!(TICKETS_REDEEMED, "Winning tickets redeemed");
    describe_counter!(TICKET_VALUE, "Face value of redeemed tickets (wei)");
    describe_counter!(TICKETS_DROPPED, "Tickets dropped, by final reason");
    describe_counter!(TICKETS_RETRIED, "Tickets kept for a retry, by reason");
    describe_counter!(TICKETS_REFUSED, "Tickets refused at intake");
    describe_gauge!(TICKETS_PENDING, "Tickets queued or in flight");
    describe_gauge!(ROUND, "Current round");
    describe_gauge!(BLOCK, "Latest block number seen by the round clock");
    describe_gauge!(ROUND_RPC_CALLS, "JSON-RPC calls spent in the last complete round");
    describe_gauge!(ROUND_RPC_REQUESTS, "HTTP RPC requests spent in the last complete round");
    describe_gauge!(INIT_DELAY, "Seconds from round start to this keeper's initializeRound receipt");
    describe_counter!(TICK_ERRORS, "Keeper ticks that failed");
}
