//! The keeper's work, one tick at a time. A tick makes one read, the [`crate::lens`]: the
//! contract clock and the round, and when the round (or its initialization) changed, every
//! record the round's work needs. It then follows the transactions in flight and does what
//! is due: initialize the round (after its election turn), call reward for each served
//! orchestrator, redeem due tickets, and waits briefly for the receipts of what it sent.
//! Every decision is taken from chain state read in the same tick, plus the transaction
//! store, so ticks from two processes, or again after a crash, send nothing twice.
//!
//! In steady state (gas limits known from earlier rounds, pool unchanged or re-read inside
//! the lens) a round costs `3 + 2N` JSON-RPC calls for a keeper that initializes it and
//! rewards N orchestrators: the lens, initializeRound and its receipt, and per orchestrator
//! the reward and its receipt. docs/PERFORMANCE-keeper.md has the measurements.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    rpc::types::TransactionReceipt,
    sol_types::{SolCall, SolEvent},
};
use lpx_abi::{
    bonding_manager::IBondingManager,
    rounds_manager::IRoundsManager,
    ticket_broker::{recipient_rand_hash, ticket_hash, ITicketBroker, Ticket},
};
use lpx_chain_config::load_signer;
use lpx_txman::{store::now_ms, CallFailure, RpcStatsSnapshot, TxError, TxManager, TxRequest, TxState, TxStatus};

use crate::{
    chain::{Chain, ChainError},
    config::Config,
    lens::{self, LensOrch, LensQuery, LensView, RoundView},
    metrics as m,
    pool::PoolSnapshot,
    rounds::{election_delay, PoolSeats},
    tickets::{
        classify::{classify, DropReason, Verdict},
        intake::TicketJson,
        queue::TicketQueue,
    },
};

/// Keeper errors (one tick's or startup's).
#[derive(Debug, thiserror::Error)]
pub enum KeeperError {
    /// Chain access.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// Transactions.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// Ticket queue.
    #[error(transparent)]
    Queue(#[from] crate::tickets::queue::QueueError),
    /// Setup.
    #[error("{0}")]
    Setup(String),
}

/// Liveness shared with /health.
#[derive(Debug, Default)]
pub struct Health {
    /// Unix ms of the last tick that completed.
    pub last_ok_ms: AtomicU64,
    /// Last block seen.
    pub block: AtomicU64,
    /// Current round.
    pub round: AtomicU64,
}

/// What a tick left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TickOutcome {
    /// Work is still in progress or due soon (transactions in flight, an uninitialized
    /// round, rewards not settled, tickets due): tick again soon.
    pub busy: bool,
}

/// Counters of the keeper's own decisions (tests and reports).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeeperStats {
    /// Times the pool was (re)read because the cached one was missing or stale.
    pub pool_reads: u64,
    /// Of those, times a cached pool was found stale.
    pub pool_stale: u64,
    /// `eth_estimateGas` calls made for round work (initializeRound, rewards).
    pub estimates: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orch {
    /// Not settled this round.
    Todo,
    /// Rewarded this round (by us or anyone).
    Done,
    /// Not active this round.
    Inactive,
    /// We are not its reward caller.
    NotAuthorized,
    /// Skipped by the profitability guard.
    Unprofitable,
}

#[derive(Debug, Clone)]
struct RoundState {
    number: u64,
    initialized: bool,
    seen_at: Instant,
    /// The wait before this keeper may initialize the round, fixed once the round's first
    /// read (with the pool and reward callers) is in.
    election: Option<Duration>,
    rpc_at_start: RpcStatsSnapshot,
}

/// The round's numbers for reward hints, from the lens.
#[derive(Debug, Clone)]
struct RoundNumbers {
    round: u64,
    /// Read with initializeRound simulated (the round was not initialized yet).
    simulated: bool,
    mintable: U256,
    total_bonded: U256,
}

/// The keeper.
pub struct Keeper {
    cfg: Config,
    chain: Chain,
    tx: Arc<TxManager>,
    queue: Arc<TicketQueue>,
    /// `ticketValidityPeriod()`, read the first time a ticket is due.
    validity: Option<u64>,
    round: Option<RoundState>,
    prev_round_initialized: Option<u64>,
    orchs: HashMap<Address, Orch>,
    /// Served orchestrators' total stake, from the last full read.
    orch_stake: HashMap<Address, U256>,
    /// Served orchestrators' reward callers (zero: none), from the last full read.
    orch_caller: HashMap<Address, Address>,
    /// The pool as last read, with our own rewards applied.
    pool: Option<PoolSnapshot>,
    numbers: Option<RoundNumbers>,
    /// Stake of an orchestrator before the reward we sent for it (to apply the real
    /// minted amount once the receipt is in).
    reward_base: HashMap<Address, U256>,
    /// Reward failures already logged at ERROR this round, by orchestrator and reason: a cause
    /// that lasts (a pause, an unfunded account) is re-simulated every tick, and one ERROR
    /// line per round says it; the repeats go to DEBUG and to the error counter.
    reported_failures: HashSet<(Address, String)>,
    /// Ask the lens for the round part on the next tick (a transaction failed).
    refresh: bool,
    /// Orchestrators whose next reward is estimated rather than sent with the cached limit.
    estimate_next: HashSet<Address>,
    health: Arc<Health>,
    base_fee: Option<u128>,
    stats: KeeperStats,
}

/// Longest pool walk (a guard against a corrupt list that never ends).
const MAX_POOL_WALK: usize = 1_000;
/// Gas limits are taken from this many recent transactions of the same kind.
const GAS_HISTORY: usize = 8;

fn is_revert(f: &CallFailure, reason: &str) -> bool {
    f.reason().is_some_and(|r| r == reason)
}

impl Keeper {
    /// Connects, opens the state, and recovers what a previous run left in flight.
    pub async fn start(cfg: Config) -> Result<Self, KeeperError> {
        let chain = Chain::connect(&cfg).await?;
        let signer = load_signer(&cfg.signer, std::path::Path::new(".")).map_err(|e| KeeperError::Setup(e.to_string()))?;
        std::fs::create_dir_all(&cfg.state.dir).map_err(|e| KeeperError::Setup(format!("cannot create state dir {}: {e}", cfg.state.dir.display())))?;
        let tx = TxManager::open(chain.provider.clone(), signer, &cfg.db_path(), cfg.fee_policy()).await?;
        if let Some(want) = cfg.chain.chain_id {
            if want != tx.chain_id() {
                return Err(KeeperError::Setup(format!("RPC is on chain {} but chain.chain_id is {want}", tx.chain_id())));
            }
        }
        let rec = tx.recover().await?;
        tracing::info!(signer = %tx.address(), chain_id = tx.chain_id(), resolved = rec.resolved, rebroadcast = rec.rebroadcast, dropped = rec.dropped, next_nonce = rec.next_nonce, "transaction state recovered");
        let queue = Arc::new(TicketQueue::open(&cfg.db_path())?);
        let mut k = Self {
            cfg,
            chain,
            tx: Arc::new(tx),
            queue,
            validity: None,
            round: None,
            prev_round_initialized: None,
            orchs: HashMap::new(),
            orch_stake: HashMap::new(),
            orch_caller: HashMap::new(),
            pool: None,
            numbers: None,
            reward_base: HashMap::new(),
            reported_failures: HashSet::new(),
            refresh: false,
            estimate_next: HashSet::new(),
            health: Arc::new(Health::default()),
            base_fee: None,
            stats: KeeperStats::default(),
        };
        k.reconcile_tickets().await?;
        Ok(k)
    }

    /// The ticket queue (shared with the API).
    pub fn queue(&self) -> Arc<TicketQueue> {
        self.queue.clone()
    }

    /// Liveness (shared with the API).
    pub fn health(&self) -> Arc<Health> {
        self.health.clone()
    }

    /// The transaction manager.
    pub fn tx(&self) -> Arc<TxManager> {
        self.tx.clone()
    }

    /// The chain access (RPC stats).
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// The config.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Counters of the keeper's decisions.
    pub fn stats(&self) -> KeeperStats {
        self.stats
    }

    /// Tickets left `submitting` by a crash: re-attach them to their transaction, or put
    /// them back in the queue if the transaction was never recorded.
    async fn reconcile_tickets(&mut self) -> Result<(), KeeperError> {
        for label in self.queue.submitting_labels()? {
            match self.tx.store().by_label(&label).map_err(TxError::from)? {
                None => {
                    for t in self.queue.by_label(&label)? {
                        self.queue.retry(t.hash, "restarted before sending", 0)?;
                    }
                }
                Some(rec) if rec.status != TxStatus::Pending => {
                    let state = self.tx.poll(rec.id).await?;
                    self.on_redeem_final(&label, &state)?;
                }
                Some(_) => {} // pending: followed by the tick
            }
        }
        Ok(())
    }

    /// One tick.
    pub async fn tick(&mut self) -> Result<TickOutcome, KeeperError> {
        let q = LensQuery {
            known_round: self.round.as_ref().map_or(0, |s| s.number),
            known_initialized: self.round_initialized(),
            force: self.round.is_none() || self.refresh,
            simulate_init: true,
            orchestrators: self.cfg.orchestrators.iter().map(|o| o.address).collect(),
            pool_hash: self.pool.as_ref().map_or(B256::ZERO, lens::pool_hash),
            max_pool: MAX_POOL_WALK,
        };
        let view = lens::read(&self.chain, &q).await?;
        self.refresh = false;
        // A zero base fee is what some nodes report inside eth_call; let the transaction
        // manager ask for the market price itself then.
        self.base_fee = (view.base_fee > 0).then_some(view.base_fee);
        self.tx.observe_block(self.base_fee);
        self.health.block.store(view.block, Ordering::Relaxed);
        metrics::gauge!(m::BLOCK).set(view.block as f64);
        if self.round.as_ref().map(|s| s.number) != Some(view.round) {
            self.enter_round(&view);
        } else if view.initialized && !self.round_initialized() {
            if let Some(s) = self.round.as_mut() {
                s.initialized = true;
            }
            tracing::info!(round = view.round, "round initialized");
        }
        if let Some(full) = &view.full {
            self.apply_view(view.round, full);
        }
        self.fix_election();

        let mut busy = false;
        // Transactions in flight.
        self.poll_pending().await?;

        if let Some(dir) = self.cfg.tickets.spool_dir.clone() {
            crate::tickets::spool::ingest(&dir, &self.queue);
        }

        let mut sent = false;
        if !self.round_initialized() {
            sent |= self.maybe_initialize().await?;
        }
        if self.cfg.reward.enabled && self.can_reward() {
            sent |= self.reward_step().await?;
        }
        if self.round_initialized() && self.cfg.tickets.enabled {
            sent |= self.redeem_step(view.block).await?;
        }
        if sent {
            // Receipts within the tick: most transactions are in the next block.
            tokio::time::sleep(Duration::from_millis(self.cfg.chain.receipt_wait_ms)).await;
            self.poll_pending().await?;
        }
        if !self.round_initialized() && (self.cfg.rounds.initialize || !self.cfg.orchestrators.is_empty()) {
            busy = true;
        }
        if self.cfg.reward.enabled && self.orchs.values().any(|s| *s == Orch::Todo) {
            busy = true;
        }
        if !self.tx.pending_ids()?.is_empty() {
            busy = true;
        }
        if self.cfg.tickets.enabled && !self.queue.due(view.block, 1)?.is_empty() {
            busy = true;
        }
        let counts = self.queue.counts()?;
        metrics::gauge!(m::TICKETS_PENDING).set((counts.queued + counts.submitting) as f64);
        self.health.last_ok_ms.store(now_ms(), Ordering::Relaxed);
        Ok(TickOutcome { busy })
    }

    /// Shutdown: follows the transactions in flight until they are all final or `max` has
    /// passed, without sending anything new; then writes the SQLite logs back into the
    /// database file. Returns how many are still in flight (resumed on the next start).
    pub async fn settle_and_close(&mut self, max: Duration) -> Result<usize, KeeperError> {
        let deadline = Instant::now() + max;
        let interval = Duration::from_millis(self.cfg.chain.receipt_wait_ms.clamp(50, 1_000));
        let left = loop {
            // A dead RPC must not hold the exit past `max`.
            let remaining = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
            if let Ok(r) = tokio::time::timeout(remaining, self.poll_pending()).await {
                r?;
            }
            let left = self.tx.pending_ids()?.len();
            if left == 0 || Instant::now() >= deadline {
                break left;
            }
            tokio::time::sleep(interval.min(deadline.saturating_duration_since(Instant::now()))).await;
        };
        self.tx.store().checkpoint().map_err(TxError::from)?;
        self.queue.checkpoint()?;
        Ok(left)
    }

    /// Polls every pending transaction once (one receipt lookup each) and settles the
    /// ones that finished.
    async fn poll_pending(&mut self) -> Result<(), KeeperError> {
        for (id, label) in self.tx.pending_ids()? {
            let state = self.tx.poll(id).await?;
            if !matches!(state, TxState::Pending) {
                self.on_final(&label, &state).await?;
            }
        }
        Ok(())
    }

    fn round_initialized(&self) -> bool {
        self.round.as_ref().is_some_and(|s| s.initialized)
    }

    fn enter_round(&mut self, v: &LensView) {
        let r = v.round;
        let now = self.chain.transport.stats().snapshot();
        if let Some(prev) = &self.round {
            let used = now - prev.rpc_at_start;
            metrics::gauge!(m::ROUND_RPC_CALLS).set(used.calls as f64);
            metrics::gauge!(m::ROUND_RPC_REQUESTS).set(used.requests as f64);
            tracing::info!(round = prev.number, rpc_calls = used.calls, rpc_requests = used.requests, rpc_errors = used.errors, "round finished");
            self.prev_round_initialized = prev.initialized.then_some(prev.number);
        }
        self.round = Some(RoundState { number: r, initialized: v.initialized, seen_at: Instant::now(), election: None, rpc_at_start: now });
        self.orchs = self.cfg.orchestrators.iter().map(|o| (o.address, Orch::Todo)).collect();
        self.reward_base.clear();
        self.reported_failures.clear();
        self.health.round.store(r, Ordering::Relaxed);
        metrics::gauge!(m::ROUND).set(r as f64);
        tracing::info!(round = r, initialized = v.initialized, "new round");
    }

    /// Fixes this round's election turn, once, from the pool and reward callers the round's
    /// first read brought (the same tick as [`Self::enter_round`]).
    fn fix_election(&mut self) {
        let me = self.tx.address();
        let Some(st) = self.round.as_ref().filter(|s| s.election.is_none()) else { return };
        let r = st.number;
        let pool: Vec<Address> = self.pool.as_ref().map_or_else(Vec::new, |p| p.members().iter().map(|(a, _)| *a).collect());
        // A position belongs to the orchestrator's reward caller, or to the orchestrator
        // itself when it has none: one owner per position on chain.
        let owned: Vec<Address> = self
            .cfg
            .orchestrators
            .iter()
            .map(|o| o.address)
            .filter(|o| match self.orch_caller.get(o) {
                Some(c) if *c != Address::ZERO => *c == me,
                _ => *o == me,
            })
            .collect();
        let delay = election_delay(&self.cfg.rounds.election, r, me, PoolSeats { pool: &pool, owned: &owned });
        if let Some(s) = self.round.as_mut() {
            s.election = Some(delay);
        }
        if !self.round_initialized() && self.cfg.rounds.initialize {
            tracing::info!(round = r, election_delay_ms = delay.as_millis() as u64, pool_size = pool.len(), owned_positions = owned.len(), "initializer turn");
        }
    }

    /// Takes in the round part of a lens answer: who still needs a reward, and the numbers
    /// and pool the hints are computed from.
    fn apply_view(&mut self, r: u64, full: &RoundView) {
        let me = self.tx.address();
        // A previous round this process saw initialized: was everyone rewarded in it?
        let missed_check = self.prev_round_initialized.take().filter(|p| *p + 1 == r);
        let served: Vec<Address> = self.cfg.orchestrators.iter().map(|o| o.address).collect();
        for (o, t) in served.iter().zip(&full.orchs) {
            self.orch_stake.insert(*o, t.stake);
            self.orch_caller.insert(*o, t.rewardCaller);
            let last: u64 = t.lastRewardRound.saturating_to();
            if let Some(prev) = missed_check {
                if active_in(t, prev) && last < prev {
                    metrics::counter!(m::REWARDS_MISSED, "orchestrator" => o.to_string()).increment(1);
                    tracing::error!(orchestrator = %o, round = prev, "MISSED REWARD: orchestrator was active and not rewarded");
                }
            }
            if self.orchs.get(o) != Some(&Orch::Todo) {
                continue;
            }
            if last >= r {
                self.orchs.insert(*o, Orch::Done);
            } else if !active_in(t, r) {
                self.orchs.insert(*o, Orch::Inactive);
                metrics::counter!(m::REWARD_SKIPPED, "orchestrator" => o.to_string(), "reason" => "inactive").increment(1);
                tracing::info!(orchestrator = %o, round = r, "not active this round; no reward due");
            } else if *o != me && t.rewardCaller != me {
                self.orchs.insert(*o, Orch::NotAuthorized);
                metrics::counter!(m::REWARD_ERRORS, "orchestrator" => o.to_string(), "reason" => "not_reward_caller").increment(1);
                tracing::error!(orchestrator = %o, keeper = %me, "this keeper is not the orchestrator's reward caller: the orchestrator must call setRewardCaller({me})");
            }
        }
        self.numbers = Some(RoundNumbers { round: r, simulated: full.simulated, mintable: full.mintable, total_bonded: full.total_bonded });
        if let Some(p) = &full.pool {
            self.stats.pool_reads += 1;
            if self.pool.is_some() {
                self.stats.pool_stale += 1;
                metrics::counter!(m::POOL_STALE).increment(1);
                tracing::info!(round = r, pool_size = p.members().len(), "pool changed since it was cached; using the new order");
            }
            self.pool = Some(p.clone());
        }
    }

    /// The gas limit for a round transaction of `kind`: the configured one, else the most
    /// that recent ones of that kind used plus the policy's margin; `None` to estimate.
    fn cached_gas(&self, kind: &str) -> Result<Option<u64>, KeeperError> {
        if kind == "reward" {
            if let Some(g) = self.cfg.reward.gas_limit {
                return Ok(Some(g));
            }
        }
        let used = self.tx.store().recent_max_gas_used(kind, GAS_HISTORY).map_err(TxError::from)?;
        Ok(used.map(|g| self.tx.policy().gas_limit(g)))
    }

    /// Sends initializeRound when it is this keeper's turn; `true` if it sent.
    async fn maybe_initialize(&mut self) -> Result<bool, KeeperError> {
        let Some(st) = self.round.clone() else { return Ok(false) };
        let label = format!("initializeRound:{}", st.number);
        if let Some(rec) = self.tx.store().by_label(&label).map_err(TxError::from)? {
            if rec.status == TxStatus::Pending {
                return Ok(false); // ours is in flight
            }
        }
        // Not our turn (yet): the next tick's read tells whether someone else did it.
        if !self.cfg.rounds.initialize || st.election.is_none_or(|d| st.seen_at.elapsed() < d) {
            return Ok(false);
        }
        // The lens read `currentRoundInitialized() == false` in this tick: the state check
        // before sending. Without a known gas limit, the estimate checks it once more.
        let gas_limit = self.cached_gas("initializeRound")?;
        if gas_limit.is_none() {
            self.stats.estimates += 1;
        }
        let req =
            TxRequest { label, to: self.chain.addrs.rounds, input: IRoundsManager::initializeRoundCall {}.abi_encode().into(), value: U256::ZERO, gas_limit };
        match self.tx.submit(req).await {
            Ok(rec) => {
                tracing::info!(round = st.number, nonce = rec.nonce, "initializeRound sent");
                return Ok(true);
            }
            Err(TxError::Simulation(f)) if is_revert(&f, "round already initialized") => {
                metrics::counter!(m::INIT_SKIPPED, "reason" => "already_initialized").increment(1);
                if let Some(s) = self.round.as_mut() {
                    s.initialized = true;
                }
                self.refresh = true;
            }
            Err(TxError::Simulation(f)) => tracing::warn!(round = st.number, error = %f, "initializeRound would fail; retrying next tick"),
            Err(TxError::FeeCap(e)) => tracing::warn!(round = st.number, error = %e, "initializeRound waits for cheaper gas"),
            Err(e) => return Err(e.into()),
        }
        Ok(false)
    }

    /// Our initializeRound for the current round is in flight.
    fn own_init_pending(&self) -> Result<bool, KeeperError> {
        let Some(r) = self.round.as_ref().map(|s| s.number) else { return Ok(false) };
        Ok(self.tx.store().by_label(&format!("initializeRound:{r}")).map_err(TxError::from)?.is_some_and(|rec| rec.status == TxStatus::Pending))
    }

    /// Rewards go out once the round is initialized, or right behind our own
    /// initializeRound (a higher nonce from the same key executes after it) when the
    /// hints were computed with the initialization simulated and no estimate is needed.
    fn can_reward(&self) -> bool {
        if self.round_initialized() {
            return true;
        }
        let simulated = self.numbers.as_ref().is_some_and(|n| Some(n.round) == self.round.as_ref().map(|s| s.number) && n.simulated);
        simulated && self.own_init_pending().unwrap_or(false) && self.cached_gas("reward").ok().flatten().is_some()
    }

    async fn on_final(&mut self, label: &str, state: &TxState) -> Result<(), KeeperError> {
        let mut parts = label.split(':');
        match parts.next() {
            Some("initializeRound") => {
                let r: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let current = self.round.as_ref().map(|s| s.number);
                match state {
                    TxState::Mined(_) => {
                        metrics::counter!(m::ROUNDS_INITIALIZED).increment(1);
                        if current == Some(r) {
                            if let Some(s) = self.round.as_mut() {
                                s.initialized = true;
                                metrics::gauge!(m::INIT_DELAY).set(s.seen_at.elapsed().as_secs_f64());
                            }
                        }
                        tracing::info!(round = r, "round initialized");
                    }
                    _ => {
                        // Lost a race, or failed: the next read says which.
                        self.refresh = true;
                        tracing::warn!(round = r, ?state, "initializeRound did not succeed; re-reading the round");
                    }
                }
            }
            Some("reward") => {
                let o: Address = parts.next().and_then(|s| s.parse().ok()).unwrap_or_default();
                let r: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let current = self.round.as_ref().map(|s| s.number);
                match state {
                    TxState::Mined(rcpt) => {
                        let minted = reward_amount(rcpt, self.chain.addrs.bonding, o);
                        metrics::counter!(m::REWARDS_CALLED, "orchestrator" => o.to_string()).increment(1);
                        metrics::counter!(m::REWARD_MINTED, "orchestrator" => o.to_string()).increment(minted.saturating_to::<u64>());
                        tracing::info!(orchestrator = %o, round = r, minted = %minted, "reward called");
                        if current == Some(r) {
                            self.orchs.insert(o, Orch::Done);
                            // The hint assumed the expected mint; keep the real one.
                            if let (Some(base), Some(p)) = (self.reward_base.remove(&o), self.pool.as_mut()) {
                                if p.stake_of(o).is_some() {
                                    p.apply(o, base + minted);
                                }
                                self.orch_stake.insert(o, base + minted);
                            }
                        } else {
                            // Sent in an earlier round and mined in this one: it rewarded
                            // this round. Re-read the records before anything else is sent
                            // (a learned gas limit would skip the simulation that says so).
                            self.refresh = true;
                            self.estimate_next.insert(o);
                        }
                    }
                    other => {
                        metrics::counter!(m::REWARD_ERRORS, "orchestrator" => o.to_string(), "reason" => "tx_failed").increment(1);
                        tracing::error!(orchestrator = %o, round = r, state = ?other, "reward transaction failed; re-reading and retrying this round");
                        // The local pool assumed it succeeded: read everything again, and
                        // let the next attempt be simulated first.
                        self.refresh = true;
                        self.estimate_next.insert(o);
                        self.reward_base.remove(&o);
                    }
                }
            }
            Some("redeem") => self.on_redeem_final(label, state)?,
            _ => tracing::warn!(label, "finished transaction with an unknown label"),
        }
        Ok(())
    }

    /// Sends the rewards due; `true` if it sent any. (Whether work is left is judged
    /// after the receipts, from the orchestrators' states.)
    async fn reward_step(&mut self) -> Result<bool, KeeperError> {
        let Some(r) = self.round.as_ref().map(|s| s.number) else { return Ok(false) };
        let me = self.tx.address();
        let b = self.chain.addrs.bonding;
        let mut sent = false;
        let mut todo = Vec::new();
        // A reward still pending from an earlier round rewards the round it lands in (reward
        // always applies to the current round), and it holds the nonce a new one would
        // queue behind: a second reward would only revert after it. Wait for it instead.
        let stale: HashSet<Address> = self
            .tx
            .pending_ids()?
            .into_iter()
            .filter_map(|(_, label)| {
                let mut p = label.split(':');
                let (kind, o, round) = (p.next()?, p.next()?.parse::<Address>().ok()?, p.next()?.parse::<u64>().ok()?);
                (kind == "reward" && round < r).then_some(o)
            })
            .collect();
        for o in self.cfg.orchestrators.iter().map(|o| o.address) {
            if self.orchs.get(&o) != Some(&Orch::Todo) {
                continue;
            }
            match self.tx.store().by_label(&format!("reward:{o}:{r}")).map_err(TxError::from)? {
                Some(rec) if rec.status == TxStatus::Pending => {}
                Some(rec) if rec.status == TxStatus::Mined => {
                    self.orchs.insert(o, Orch::Done);
                }
                _ if stale.contains(&o) => {}
                _ => todo.push(o),
            }
        }
        let Some(nums) = self.numbers.clone().filter(|n| n.round == r) else { return Ok(false) };
        let initialized = self.round_initialized();
        for o in todo {
            let Some(stake) = self.orch_stake.get(&o).copied() else { continue };
            let expected = if nums.total_bonded.is_zero() { U256::ZERO } else { nums.mintable * stake / nums.total_bonded };
            let (prev, next) = self.pool.as_ref().map_or((Address::ZERO, Address::ZERO), |p| p.hints(o, stake + expected));
            let input: Bytes = if o == me {
                IBondingManager::rewardWithHintCall { _newPosPrev: prev, _newPosNext: next }.abi_encode().into()
            } else {
                IBondingManager::rewardForTranscoderWithHintCall { _transcoder: o, _newPosPrev: prev, _newPosNext: next }.abi_encode().into()
            };
            let cached = if self.estimate_next.contains(&o) { None } else { self.cached_gas("reward")? };
            let gas = match cached {
                Some(g) => g,
                // An estimate needs the round initialized on chain; wait for it.
                None if !initialized => continue,
                None => {
                    self.stats.estimates += 1;
                    match self.tx.estimate(b, &input, U256::ZERO).await {
                        Ok(g) => self.tx.policy().gas_limit(g),
                        Err(f) => {
                            self.on_reward_simulation_failure(o, r, &f);
                            continue;
                        }
                    }
                }
            };
            if let (Some(ratio), Some(price)) = (self.cfg.reward.min_profit_ratio, self.cfg.reward.lpt_price_eth) {
                let fee = self.expected_fee_per_gas();
                let cost = gas as f64 * fee as f64;
                let value = u256_f64(expected) * price;
                if value < cost * ratio {
                    self.orchs.insert(o, Orch::Unprofitable);
                    metrics::counter!(m::REWARD_SKIPPED, "orchestrator" => o.to_string(), "reason" => "unprofitable").increment(1);
                    tracing::warn!(orchestrator = %o, round = r, expected_lpt_wei = %expected, gas_cost_wei = cost, "reward skipped: minted LPT is worth less than the gas");
                    continue;
                }
            }
            let req = TxRequest { label: format!("reward:{o}:{r}"), to: b, input, value: U256::ZERO, gas_limit: Some(gas) };
            match self.tx.submit(req).await {
                Ok(rec) => {
                    sent = true;
                    self.estimate_next.remove(&o);
                    // The next hint (for another served orchestrator) sees this one moved.
                    self.reward_base.insert(o, stake);
                    if let Some(p) = self.pool.as_mut() {
                        if p.stake_of(o).is_some() {
                            p.apply(o, stake + expected);
                        }
                    }
                    tracing::info!(orchestrator = %o, round = r, nonce = rec.nonce, %prev, %next, "reward sent");
                }
                Err(TxError::Simulation(f)) => self.on_reward_simulation_failure(o, r, &f),
                Err(TxError::FeeCap(e)) => tracing::warn!(orchestrator = %o, round = r, error = %e, "reward waits for cheaper gas"),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(sent)
    }

    fn on_reward_simulation_failure(&mut self, o: Address, r: u64, f: &CallFailure) {
        if is_revert(f, "caller has already called reward for the current round") {
            self.orchs.insert(o, Orch::Done);
        } else if is_revert(f, "caller must be an active transcoder") {
            self.orchs.insert(o, Orch::Inactive);
        } else {
            let reason = f.reason().unwrap_or("simulation_failed").to_string();
            metrics::counter!(m::REWARD_ERRORS, "orchestrator" => o.to_string(), "reason" => reason.clone()).increment(1);
            if self.reported_failures.insert((o, reason)) {
                tracing::error!(orchestrator = %o, round = r, error = %f, "reward would fail; retrying every tick this round");
            } else {
                tracing::debug!(orchestrator = %o, round = r, error = %f, "reward would still fail");
            }
            self.refresh = true;
        }
    }

    fn expected_fee_per_gas(&self) -> u128 {
        let p = self.tx.policy();
        match self.base_fee {
            Some(b) => (b + p.priority_fee).min(p.max_fee_cap),
            None => p.max_fee_cap,
        }
    }

    /// Redeems due tickets; `true` if it sent a transaction.
    async fn redeem_step(&mut self, block: u64) -> Result<bool, KeeperError> {
        let Some(r) = self.round.as_ref().map(|s| s.number) else { return Ok(false) };
        let batch = self.cfg.tickets.batch_size;
        let due = self.queue.due(block, batch)?;
        if due.is_empty() {
            return Ok(false);
        }
        let validity = match self.validity {
            Some(v) => v,
            None => {
                let v: u64 = self.chain.call(self.chain.addrs.broker, ITicketBroker::ticketValidityPeriodCall {}).await?.saturating_to();
                *self.validity.insert(v)
            }
        };
        let broker = self.chain.addrs.broker;
        let fee = self.expected_fee_per_gas();
        let retry_ms = self.cfg.tickets.retry_secs * 1000;
        let mut ok: Vec<(crate::tickets::queue::Queued, u64)> = Vec::new();
        for t in due {
            if t.creation_round + validity <= r {
                self.drop_ticket(t.hash, &DropReason::Expired)?;
                continue;
            }
            let input = redeem_call(&t.ticket.ticket, &t.ticket.sig, t.ticket.recipient_rand);
            match self.tx.estimate(broker, &input, U256::ZERO).await {
                Ok(gas) => {
                    let cost = gas as f64 * fee as f64 * self.cfg.tickets.min_face_value_to_gas;
                    if u256_f64(t.ticket.ticket.faceValue) < cost {
                        self.queue.retry(t.hash, "face value below gas cost; waiting for cheaper gas", retry_ms * 2)?;
                        metrics::counter!(m::TICKETS_RETRIED, "reason" => "unprofitable").increment(1);
                        continue;
                    }
                    ok.push((t, gas));
                }
                Err(f) => match classify(&f) {
                    Verdict::Drop(reason) => self.drop_ticket(t.hash, &reason)?,
                    Verdict::Retry(reason) => {
                        tracing::info!(ticket = %t.hash, reason = reason.label(), error = %f, "ticket kept for a retry");
                        metrics::counter!(m::TICKETS_RETRIED, "reason" => reason.label()).increment(1);
                        self.queue.retry(t.hash, &f.to_string(), retry_ms)?;
                    }
                },
            }
        }
        if ok.is_empty() {
            return Ok(false);
        }
        let first = &ok[0].0;
        let label = format!("redeem:{}:{}:{}", first.hash, first.attempts, ok.len());
        let (input, gas) = if ok.len() == 1 {
            (redeem_call(&first.ticket.ticket, &first.ticket.sig, first.ticket.recipient_rand), self.tx.policy().gas_limit(ok[0].1))
        } else {
            let call = ITicketBroker::batchRedeemWinningTicketsCall {
                _tickets: ok.iter().map(|(t, _)| t.ticket.ticket.clone()).collect(),
                _sigs: ok.iter().map(|(t, _)| t.ticket.sig.clone()).collect(),
                _recipientRands: ok.iter().map(|(t, _)| t.ticket.recipient_rand).collect(),
            };
            let input: Bytes = call.abi_encode().into();
            // The batch's own estimate includes the loop and self-calls; fall back to the
            // sum of the single estimates plus overhead.
            let gas = match self.tx.estimate(broker, &input, U256::ZERO).await {
                Ok(g) => g,
                Err(_) => ok.iter().map(|(_, g)| *g).sum::<u64>() + 30_000 * ok.len() as u64,
            };
            (input, self.tx.policy().gas_limit(gas))
        };
        let hashes: Vec<B256> = ok.iter().map(|(t, _)| t.hash).collect();
        self.queue.mark_submitting(&hashes, &label)?;
        let req = TxRequest { label: label.clone(), to: broker, input, value: U256::ZERO, gas_limit: Some(gas) };
        let mut sent = false;
        match self.tx.submit(req).await {
            Ok(rec) => {
                sent = true;
                tracing::info!(tickets = hashes.len(), nonce = rec.nonce, "redemption sent");
            }
            Err(e) => {
                for h in &hashes {
                    self.queue.retry(*h, &e.to_string(), retry_ms)?;
                }
                match e {
                    TxError::Simulation(_) | TxError::FeeCap(_) => tracing::warn!(error = %e, "redemption not sent; tickets kept"),
                    other => return Err(other.into()),
                }
            }
        }
        Ok(sent)
    }

    fn drop_ticket(&self, hash: B256, reason: &DropReason) -> Result<(), KeeperError> {
        self.queue.drop_ticket(hash, &reason.text())?;
        metrics::counter!(m::TICKETS_DROPPED, "reason" => reason.label()).increment(1);
        tracing::warn!(ticket = %hash, reason = %reason.text(), "ticket dropped");
        Ok(())
    }

    fn on_redeem_final(&self, label: &str, state: &TxState) -> Result<(), KeeperError> {
        let tickets = self.queue.by_label(label)?;
        let retry_ms = self.cfg.tickets.retry_secs * 1000;
        match state {
            TxState::Mined(rcpt) => {
                let redeemed = redeemed_hashes(rcpt, self.chain.addrs.broker);
                for t in tickets {
                    if redeemed.contains(&t.hash) {
                        self.queue.redeemed(t.hash, rcpt.transaction_hash)?;
                        metrics::counter!(m::TICKETS_REDEEMED).increment(1);
                        metrics::counter!(m::TICKET_VALUE).increment(t.ticket.ticket.faceValue.saturating_to::<u64>());
                        tracing::info!(ticket = %t.hash, face_value = %t.ticket.ticket.faceValue, "ticket redeemed");
                    } else {
                        // Skipped inside a batch: the next simulation says why.
                        self.queue.retry(t.hash, "not redeemed in batch", 0)?;
                    }
                }
            }
            other => {
                for t in tickets {
                    self.queue.retry(t.hash, &format!("redemption transaction {other:?}"), retry_ms)?;
                }
            }
        }
        Ok(())
    }

    /// Ingests tickets (API and tests).
    pub fn add_ticket(&self, j: TicketJson) -> Result<bool, String> {
        crate::tickets::spool::accept(&self.queue, j)
    }
}

/// Whether the orchestrator is active in `round` by its record.
fn active_in(t: &LensOrch, round: u64) -> bool {
    U256::from(round) >= t.activationRound && U256::from(round) < t.deactivationRound
}

fn redeem_call(t: &Ticket, sig: &Bytes, rand: U256) -> Bytes {
    ITicketBroker::redeemWinningTicketCall { _ticket: t.clone(), _sig: sig.clone(), _recipientRand: rand }.abi_encode().into()
}

fn u256_f64(v: U256) -> f64 {
    let s: u128 = v.saturating_to();
    s as f64
}

/// The reward minted for `o` in a receipt (from the `Reward` event).
fn reward_amount(rcpt: &TransactionReceipt, bonding: Address, o: Address) -> U256 {
    rcpt.inner
        .logs()
        .iter()
        .filter(|l| l.address() == bonding)
        .filter_map(|l| IBondingManager::Reward::decode_log_data(l.data()).ok())
        .filter(|e| e.transcoder == o)
        .map(|e| e.amount)
        .fold(U256::ZERO, |a, b| a + b)
}

/// Hashes of the tickets a receipt redeemed (from `WinningTicketRedeemed`).
fn redeemed_hashes(rcpt: &TransactionReceipt, broker: Address) -> Vec<B256> {
    rcpt.inner
        .logs()
        .iter()
        .filter(|l| l.address() == broker)
        .filter_map(|l| ITicketBroker::WinningTicketRedeemed::decode_log_data(l.data()).ok())
        .map(|e| {
            ticket_hash(&Ticket {
                recipient: e.recipient,
                sender: e.sender,
                faceValue: e.faceValue,
                winProb: e.winProb,
                senderNonce: e.senderNonce,
                recipientRandHash: recipient_rand_hash(e.recipientRand),
                auxData: e.auxData,
            })
        })
        .collect()
}
