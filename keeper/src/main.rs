//! `keeper`: the lpx round, reward and ticket-redemption daemon.
//!
//! ```text
//! keeper --config keeper.toml run        # service: ticks and serves the API until SIGTERM/SIGINT,
//!                                        # then follows what is in flight (run.shutdown_grace_secs),
//!                                        # writes SQLite back and exits 0
//! keeper --config keeper.toml once       # cron/timer: does what is due, waits for receipts, exits
//! keeper --config keeper.toml check      # validates config, signer, RPC and addresses
//! ```

use std::{path::PathBuf, time::Duration};

use anyhow::Context;
use clap::{Parser, Subcommand};
use lpx_keeper::{api, config::Config, keeper::Keeper, metrics, run};

#[derive(Parser)]
#[command(name = "keeper", version, about = "Initializes rounds, calls reward, redeems winning tickets")]
struct Cli {
    /// Config file (TOML); values can be overridden with KEEPER_<SECTION>__<KEY>.
    #[arg(long, short, env = "KEEPER_CONFIG", default_value = "keeper.toml")]
    config: PathBuf,
    /// Log as JSON lines (for log shippers).
    #[arg(long, env = "KEEPER_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run as a service (SIGTERM/SIGINT: finish, persist, exit 0).
    Run,
    /// Do what is due, wait for the receipts, exit (0: done, 2: work left in flight).
    Once {
        /// Give up waiting after this many seconds (what is in flight is resumed next run).
        #[arg(long, default_value_t = 300)]
        max_secs: u64,
    },
    /// Check the config, signer, RPC and contract addresses, then exit.
    Check,
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // Colours only on a terminal: journald and log files get plain `key=value` text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    if json {
        b.json().init()
    } else {
        b.init()
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_logs(cli.log_json);
    match real_main(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // One line: what was wrong (the chain of causes, joined).
            eprintln!("keeper: {e:#}");
            std::process::exit(1);
        }
    }
}

async fn real_main(cli: Cli) -> anyhow::Result<i32> {
    let cfg = Config::load(&cli.config)?;
    let handle = metrics::install();
    let api_cfg = cfg.api.clone();
    let mut k = Keeper::start(cfg).await.context("startup")?;
    match cli.cmd {
        Cmd::Check => {
            let a = k.chain().addrs;
            println!(
                "signer {}\nchain {}\nRoundsManager {}\nBondingManager {}\nMinter {}\nTicketBroker {}",
                k.tx().address(),
                k.tx().chain_id(),
                a.rounds,
                a.bonding,
                a.minter,
                a.broker
            );
            Ok(0)
        }
        Cmd::Once { max_secs } => {
            let stop = run::Shutdown::on_signals().context("cannot install signal handlers")?;
            let done = run::once_until(&mut k, Duration::from_secs(max_secs), stop).await?;
            let left = k.settle_and_close(Duration::ZERO).await?;
            let s = k.chain().transport.stats().snapshot();
            tracing::info!(rpc_calls = s.calls, rpc_requests = s.requests, rpc_errors = s.errors, done, in_flight = left, "once finished");
            Ok(if done { 0 } else { 2 })
        }
        Cmd::Run => {
            let stop = run::Shutdown::on_signals().context("cannot install signal handlers")?;
            let mut api_task = None;
            if let Some(addr) = api_cfg.listen {
                let state = api::ApiState {
                    queue: k.queue(),
                    health: k.health(),
                    metrics: handle,
                    max_tick_age: Duration::from_secs(api_cfg.health_max_tick_age_secs),
                };
                // Bind before ticking so a port clash is a startup error, not a log line.
                let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
                tracing::info!(%addr, "API listening");
                let mut api_stop = stop.clone();
                api_task = Some(tokio::spawn(async move {
                    // On stop: no new connections; requests being served finish (a ticket
                    // answered 202 is in SQLite).
                    let serve = axum::serve(listener, api::router(state)).with_graceful_shutdown(async move { api_stop.wait().await });
                    if let Err(e) = serve.await {
                        tracing::error!(error = %e, "API server stopped");
                    }
                }));
            }
            run::forever(&mut k, stop).await;
            if let Some(t) = api_task {
                if tokio::time::timeout(Duration::from_secs(5), t).await.is_err() {
                    tracing::warn!("API requests still open after 5 s; closing them");
                }
            }
            let grace = Duration::from_secs(k.config().run.shutdown_grace_secs);
            let left = k.settle_and_close(grace).await?;
            let counts = k.queue().counts()?;
            tracing::info!(
                in_flight = left,
                tickets_queued = counts.queued,
                tickets_submitting = counts.submitting,
                "stopped cleanly; what is in flight or queued is resumed on the next start"
            );
            Ok(0)
        }
    }
}
