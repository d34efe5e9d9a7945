//! The two modes: `run` (a service: ticks forever, serves the API) and `once` (ticks
//! until nothing is due or in flight, then exits; for cron and systemd timers).

use std::time::{Duration, Instant};

use crate::keeper::{Keeper, KeeperError};

/// Ticks until there is nothing to do or `max` has passed. Returns whether it finished
/// with nothing left in flight.
pub async fn once(k: &mut Keeper, max: Duration) -> Result<bool, KeeperError> {
    let deadline = Instant::now() + max;
    let busy_sleep = busy_interval(k);
    loop {
        let out = k.tick().await?;
        if !out.busy {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            tracing::warn!("once: time limit reached with work in flight; the next run resumes it");
            return Ok(false);
        }
        tokio::time::sleep(busy_sleep).await;
    }
}

fn busy_interval(k: &Keeper) -> Duration {
    Duration::from_millis((k.config().chain.poll_interval_ms / 4).clamp(100, 1_000))
}

/// Ticks forever. A failed tick is logged and counted; the next one starts after the
/// transport's own backoff and the poll interval.
pub async fn forever(k: &mut Keeper) {
    let idle = Duration::from_millis(k.config().chain.poll_interval_ms);
    let busy = busy_interval(k);
    loop {
        let sleep = match k.tick().await {
            Ok(out) if out.busy => busy,
            Ok(_) => idle,
            Err(e) => {
                metrics::counter!(crate::metrics::TICK_ERRORS).increment(1);
                tracing::error!(error = %e, "tick failed; retrying");
                idle
            }
        };
        tokio::time::sleep(sleep).await;
    }
}
