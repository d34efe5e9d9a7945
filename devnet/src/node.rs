//! The node thread: owns the [`Chain`] (and with it the wasmi runtime, which is not `Send`) and
//! runs jobs sent from the RPC layer one at a time. A large stack leaves room for deeply nested
//! Stylus ↔ EVM calls, which recurse on the Rust stack.

use std::{sync::mpsc, thread, time::Duration};

use serde_json::Value;
use tokio::sync::{broadcast, oneshot};

use crate::chain::{json, Chain, ChainConfig};

/// Stack for the node thread: 1,024 nested frames of wasmi + revm fit comfortably.
const NODE_STACK: usize = 1 << 30;

type Job = Box<dyn FnOnce(&mut Chain) + Send>;

/// Something subscribers care about.
#[derive(Debug, Clone)]
pub enum Event {
    /// A new block: its header (RPC form) and its logs (RPC form).
    Block {
        /// Block number.
        number: u64,
        /// Block hash.
        hash: alloy_primitives::B256,
        /// The header as `eth_getBlockByNumber(.., false)` renders it.
        header: Value,
        /// The block's logs with their raw form for filter matching.
        logs: Vec<(alloy_primitives::Log, Value)>,
    },
}

/// The node stopped (its thread is gone).
#[derive(Debug, thiserror::Error)]
#[error("the devnet node has stopped")]
pub struct NodeGone;

/// A handle that sends jobs to the node thread.
#[derive(Clone)]
pub struct Node {
    jobs: mpsc::Sender<Job>,
    events: broadcast::Sender<Event>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").finish_non_exhaustive()
    }
}

impl Node {
    /// Starts the node thread with a new chain.
    pub fn start(config: ChainConfig, block_time: Option<Duration>) -> Result<(Self, thread::JoinHandle<()>), String> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (events, _) = broadcast::channel(1024);
        let sender = events.clone();
        let (ready_tx, ready_rx) = mpsc::channel();
        let handle = thread::Builder::new()
            .name("lpx-devnet-node".into())
            .stack_size(NODE_STACK)
            .spawn(move || {
                let mut chain = match Chain::new(config) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                chain.interval = block_time;
                chain.on_block.push(Box::new(move |block, txs| {
                    let logs = txs.iter().flat_map(|t| t.logs.iter().cloned().zip(json::tx_logs(t, Some(block.header.timestamp)))).collect();
                    let mut header = json::block_header(block);
                    header["transactions"] = Value::Array(Vec::new());
                    let _ = sender.send(Event::Block { number: block.header.number, hash: block.hash, header, logs });
                }));
                let _ = ready_tx.send(Ok(()));
                run(&mut chain, &rx);
            })
            .map_err(|e| e.to_string())?;
        ready_rx.recv().map_err(|e| e.to_string())??;
        Ok((Self { jobs, events }, handle))
    }

    /// Runs `f` on the chain and returns its result.
    pub async fn with<R: Send + 'static>(&self, f: impl FnOnce(&mut Chain) -> R + Send + 'static) -> Result<R, NodeGone> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |chain: &mut Chain| {
                let r = f(chain);
                // Persisted before the caller hears back: what it was told was mined survives a kill.
                chain.persist();
                let _ = tx.send(r);
            }))
            .map_err(|_| NodeGone)?;
        rx.await.map_err(|_| NodeGone)
    }

    /// Runs `f` on the chain, blocking the calling (non-async) thread.
    pub fn with_blocking<R: Send + 'static>(&self, f: impl FnOnce(&mut Chain) -> R + Send + 'static) -> Result<R, NodeGone> {
        let (tx, rx) = mpsc::channel();
        self.jobs
            .send(Box::new(move |chain: &mut Chain| {
                let r = f(chain);
                // Persisted before the caller hears back: what it was told was mined survives a kill.
                chain.persist();
                let _ = tx.send(r);
            }))
            .map_err(|_| NodeGone)?;
        rx.recv().map_err(|_| NodeGone)
    }

    /// Subscribes to chain events.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }
}

fn run(chain: &mut Chain, rx: &mpsc::Receiver<Job>) {
    let mut next_tick = chain.interval.map(|d| std::time::Instant::now() + d);
    loop {
        let job = match (chain.interval, next_tick) {
            (Some(interval), Some(at)) => {
                let wait = at.saturating_duration_since(std::time::Instant::now());
                match rx.recv_timeout(wait) {
                    Ok(job) => Some(job),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        chain.mine(None);
                        chain.persist();
                        next_tick = Some(std::time::Instant::now() + interval);
                        None
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            _ => match rx.recv() {
                Ok(job) => Some(job),
                Err(_) => return,
            },
        };
        if let Some(job) = job {
            job(chain);
        }
        match (chain.interval, next_tick) {
            (Some(d), None) => next_tick = Some(std::time::Instant::now() + d),
            (None, Some(_)) => next_tick = None,
            _ => {}
        }
    }
}
