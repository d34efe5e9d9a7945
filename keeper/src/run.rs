//! The two modes: `run` (a service: ticks until told to stop, serves the API) and `once`
//! (ticks until nothing is due or in flight, then exits; for cron and systemd timers), and
//! the stop request both obey.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::keeper::{Keeper, KeeperError};

/// A request to stop (SIGTERM or SIGINT), shared by the tick loop and the API server. A
/// stop is taken between ticks: a tick that is sending is not cut short (unless it is
/// still running a grace period after the request, e.g. with the RPC down).
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Fires on SIGTERM or SIGINT.
    #[cfg(unix)]
    pub fn on_signals() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        let (tx, rx) = watch::channel(false);
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            tracing::info!(signal = name, "stopping: finishing the current tick, then following the transactions in flight");
            let _ = tx.send(true);
            // Keep the sender alive: receivers see `true` from now on.
            std::future::pending::<()>().await;
        });
        Ok(Self(rx))
    }

    /// A stop that fires when the returned sender sends `true` (tests, embedding).
    pub fn manual() -> (watch::Sender<bool>, Self) {
        let (tx, rx) = watch::channel(false);
        (tx, Self(rx))
    }

    /// Whether a stop was requested.
    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once a stop is requested (never, if the requester is gone without asking).
    pub async fn wait(&mut self) {
        if self.0.wait_for(|v| *v).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Ticks until there is nothing to do or `max` has passed. Returns whether it finished
/// with nothing left in flight.
pub async fn once(k: &mut Keeper, max: Duration) -> Result<bool, KeeperError> {
    let (_keep, stop) = Shutdown::manual();
    once_until(k, max, stop).await
}

/// [`once`] that also ends, after the current tick, when `stop` fires.
pub async fn once_until(k: &mut Keeper, max: Duration, stop: Shutdown) -> Result<bool, KeeperError> {
    let deadline = Instant::now() + max;
    let busy_sleep = busy_interval(k);
    loop {
        let out = k.tick().await?;
        if !out.busy {
            return Ok(true);
        }
        if stop.requested() {
            tracing::warn!("once: stopped with work in flight; the next run resumes it");
            return Ok(false);
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

/// Ticks until `stop` fires. A failed tick is logged and counted; the next one starts after
/// the transport's own backoff and the poll interval. Returns when the last tick is over
/// (then call [`Keeper::settle_and_close`]).
pub async fn forever(k: &mut Keeper, mut stop: Shutdown) {
    let idle = Duration::from_millis(k.config().chain.poll_interval_ms);
    let busy = busy_interval(k);
    let grace = Duration::from_secs(k.config().run.shutdown_grace_secs);
    while !stop.requested() {
        let mut watcher = stop.clone();
        let outcome = tokio::select! {
            r = k.tick() => Some(r),
            // A tick stuck on a dead RPC must not hold the shutdown past the grace period;
            // dropping it is safe (every step is written ahead to SQLite).
            _ = async { watcher.wait().await; tokio::time::sleep(grace).await } => None,
        };
        let sleep = match outcome {
            None => {
                tracing::warn!(grace_secs = grace.as_secs(), "tick still running after the grace period; abandoned (resumed on the next start)");
                return;
            }
            Some(Ok(out)) if out.busy => busy,
            Some(Ok(_)) => idle,
            Some(Err(e)) => {
                metrics::counter!(crate::metrics::TICK_ERRORS).increment(1);
                tracing::error!(error = %e, "tick failed; retrying");
                idle
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = stop.wait() => {}
        }
    }
}
