//! The keeper's work, one tick at a time. A tick reads the head (one RPC call), notices a
//! new round, follows the transactions in flight, and does whatever is due: initialize the
//! round (after its election turn), call reward for each served orchestrator, redeem due
//! tickets. Every decision is taken from chain state read just before, plus the
//! transaction store, so running ticks from two processes, or again after a crash, sends
//! nothing twice.

use std::{
    collections::HashMap,
    sync::{atomic::{AtomicU64, Ordering}, Arc},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    rpc::types::TransactionReceipt,
    sol_types::{SolCall, SolEvent},
};
use lpx_abi::{
    bonding_manager::IBondingManager,
    minter::IMinter,
    rounds_manager::IRoundsManager,
    ticket_broker::{recipient_rand_hash, ticket_hash, ITicketBroker, Ticket},
};
use lpx_chain_config::load_signer;
use lpx_txman::{store::now_ms, CallFailure, RpcStatsSnapshot, TxError, TxManager, TxRequest, TxState};

use crate::{
    chain::{decode, Chain, ChainError, Head},
    config::{BlockSource, Config},
    metrics as m,
    pool::PoolSnapshot,
    rounds::{election_delay, RoundClock},
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
    /// `initialized` was read from the chain in this tick (no need to ask again).
    fresh: bool,
    seen_at: Instant,
    election: Duration,
    rpc_at_start: RpcStatsSnapshot,
}

#[derive(Debug, Clone)]
struct PoolCache {
    round: u64,
    snap: PoolSnapshot,
    mintable: U256,
    total_bonded: U256,
}

/// The keeper.
pub struct Keeper {
    cfg: Config,
    chain: Chain,
    tx: Arc<TxManager>,
    queue: Arc<TicketQueue>,
    clock: RoundClock,
    use_l1: bool,
    validity: u64,
    round: Option<RoundState>,
    prev_round_initialized: Option<u64>,
    orchs: HashMap<Address, Orch>,
    pool: Option<PoolCache>,
    health: Arc<Health>,
    last_head: Option<Head>,
}

/// Longest pool walk (a guard against a corrupt list that never ends).
const MAX_POOL_WALK: usize = 1_000;

fn is_revert(f: &CallFailure, reason: &str) -> bool {
    f.reason().is_some_and(|r| r == reason)
}

impl Keeper {
    /// Connects, opens the state, recovers what a previous run left in flight, and reads
    /// the round parameters.
    pub async fn start(cfg: Config) -> Result<Self, KeeperError> {
        let chain = Chain::connect(&cfg).await?;
        let signer = load_signer(&cfg.signer, std::path::Path::new(".")).map_err(|e| KeeperError::Setup(e.to_string()))?;
        std::fs::create_dir_all(&cfg.state.dir)
            .map_err(|e| KeeperError::Setup(format!("cannot create state dir {}: {e}", cfg.state.dir.display())))?;
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
            clock: RoundClock { length: 1, anchor_round: 0, anchor_block: 0 },
            use_l1: false,
            validity: 2,
            round: None,
            prev_round_initialized: None,
            orchs: HashMap::new(),
            pool: None,
            health: Arc::new(Health::default()),
            last_head: None,
        };
        k.load_params(true).await?;
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

    /// Reads the round clock anchors (and, first time, the ticket validity period and the
    /// block number source) in one batch.
    async fn load_params(&mut self, first: bool) -> Result<(), KeeperError> {
        let r = self.chain.addrs.rounds;
        let mut calls = vec![
            (r, IRoundsManager::roundLengthCall {}.abi_encode().into()),
            (r, IRoundsManager::lastRoundLengthUpdateRoundCall {}.abi_encode().into()),
            (r, IRoundsManager::lastRoundLengthUpdateStartBlockCall {}.abi_encode().into()),
        ];
        if first {
            calls.push((r, IRoundsManager::blockNumCall {}.abi_encode().into()));
            calls.push((self.chain.addrs.broker, ITicketBroker::ticketValidityPeriodCall {}.abi_encode().into()));
        }
        let out = self.chain.batch(&calls).await?;
        self.clock = RoundClock {
            length: decode::<IRoundsManager::roundLengthCall>(&out[0])?.saturating_to(),
            anchor_round: decode::<IRoundsManager::lastRoundLengthUpdateRoundCall>(&out[1])?.saturating_to(),
            anchor_block: decode::<IRoundsManager::lastRoundLengthUpdateStartBlockCall>(&out[2])?.saturating_to(),
        };
        if first {
            let contract_block: u64 = decode::<IRoundsManager::blockNumCall>(&out[3])?.saturating_to();
            self.validity = decode::<ITicketBroker::ticketValidityPeriodCall>(&out[4])?.saturating_to();
            let head = self.chain.head().await?;
            self.use_l1 = match self.cfg.chain.block_source {
                BlockSource::Block => false,
                BlockSource::L1 => true,
                BlockSource::Auto => match head.l1_number {
                    // The contract's block number is whichever one is closer.
                    Some(l1) => l1.abs_diff(contract_block) < head.number.abs_diff(contract_block),
                    None => false,
                },
            };
            tracing::info!(round_length = self.clock.length, anchor_round = self.clock.anchor_round, anchor_block = self.clock.anchor_block,
                ticket_validity = self.validity, clock = if self.use_l1 { "l1BlockNumber" } else { "block number" }, "round parameters loaded");
        }
        Ok(())
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
                Some(rec) if rec.status != lpx_txman::TxStatus::Pending => {
                    let state = self.tx.poll(rec.id).await?;
                    self.on_redeem_final(&label, &state)?;
                }
                Some(_) => {} // pending: followed by the tick
            }
        }
        Ok(())
    }

    fn block_of(&self, head: &Head) -> u64 {
        if self.use_l1 { head.l1_number.unwrap_or(head.number) } else { head.number }
    }

    /// One tick.
    pub async fn tick(&mut self) -> Result<TickOutcome, KeeperError> {
        let head = self.chain.head().await?;
        self.tx.observe_block(head.base_fee);
        self.last_head = Some(head);
        let block = self.block_of(&head);
        self.health.block.store(block, Ordering::Relaxed);
        metrics::gauge!(m::BLOCK).set(block as f64);
        let r = self.clock.round_at(block);
        if let Some(s) = self.round.as_mut() {
            s.fresh = false;
        }
        if self.round.as_ref().map(|s| s.number) != Some(r) {
            self.enter_round(r).await?;
        }
        let mut busy = false;

        // Transactions in flight.
        for (id, label) in self.tx.pending_ids()? {
            match self.tx.poll(id).await? {
                TxState::Pending => busy = true,
                state => self.on_final(&label, &state).await?,
            }
        }

        if let Some(dir) = self.cfg.tickets.spool_dir.clone() {
            crate::tickets::spool::ingest(&dir, &self.queue);
        }

        if !self.round_initialized() {
            self.maybe_initialize().await?;
        }
        if self.round_initialized() {
            if self.cfg.reward.enabled && self.reward_step().await? {
                busy = true;
            }
            if self.cfg.tickets.enabled && self.redeem_step(block).await? {
                busy = true;
            }
        } else if self.cfg.rounds.initialize || !self.cfg.orchestrators.is_empty() {
            busy = true;
        }
        if !self.tx.pending_ids()?.is_empty() {
            busy = true;
        }
        let counts = self.queue.counts()?;
        metrics::gauge!(m::TICKETS_PENDING).set((counts.queued + counts.submitting) as f64);
        self.health.last_ok_ms.store(now_ms(), Ordering::Relaxed);
        Ok(TickOutcome { busy })
    }

    fn round_initialized(&self) -> bool {
        self.round.as_ref().is_some_and(|s| s.initialized)
    }

    async fn enter_round(&mut self, mut r: u64) -> Result<(), KeeperError> {
        let ra = self.chain.addrs.rounds;
        let out = self
            .chain
            .batch(&[
                (ra, IRoundsManager::currentRoundCall {}.abi_encode().into()),
                (ra, IRoundsManager::currentRoundInitializedCall {}.abi_encode().into()),
            ])
            .await?;
        let chain_round: u64 = decode::<IRoundsManager::currentRoundCall>(&out[0])?.saturating_to();
        let mut initialized = decode::<IRoundsManager::currentRoundInitializedCall>(&out[1])?;
        if chain_round != r {
            // The round length changed (or the block source is off by the inclusion
            // block): trust the contract and re-read its anchors.
            tracing::info!(local = r, chain = chain_round, "round clock disagrees with the contract; reloading anchors");
            self.load_params(false).await?;
            r = chain_round;
            if self.round.as_ref().map(|s| s.number) == Some(r) {
                return Ok(());
            }
        }
        let now = self.chain.transport.stats().snapshot();
        if let Some(prev) = &self.round {
            let used = now - prev.rpc_at_start;
            metrics::gauge!(m::ROUND_RPC_CALLS).set(used.calls as f64);
            metrics::gauge!(m::ROUND_RPC_REQUESTS).set(used.requests as f64);
            tracing::info!(round = prev.number, rpc_calls = used.calls, rpc_requests = used.requests, rpc_errors = used.errors, "round finished");
            self.prev_round_initialized = prev.initialized.then_some(prev.number);
            for (o, st) in &self.orchs {
                if *st == Orch::Todo && prev.initialized {
                    // Confirmed against the chain on the next reward check.
                    tracing::debug!(orchestrator = %o, round = prev.number, "reward not confirmed before round end");
                }
            }
        }
        if initialized && chain_round != r {
            initialized = false;
        }
        let election = election_delay(&self.cfg.rounds.election, r, self.tx.address());
        self.round = Some(RoundState { number: r, initialized, fresh: true, seen_at: Instant::now(), election, rpc_at_start: now });
        self.orchs = self.cfg.orchestrators.iter().map(|o| (o.address, Orch::Todo)).collect();
        self.health.round.store(r, Ordering::Relaxed);
        metrics::gauge!(m::ROUND).set(r as f64);
        tracing::info!(round = r, initialized, election_delay_ms = election.as_millis() as u64, "new round");
        Ok(())
    }

    async fn check_initialized(&mut self) -> Result<bool, KeeperError> {
        let init = self.chain.call(self.chain.addrs.rounds, IRoundsManager::currentRoundInitializedCall {}).await?;
        if init {
            if let Some(s) = self.round.as_mut() {
                s.initialized = true;
            }
        }
        Ok(init)
    }

    async fn maybe_initialize(&mut self) -> Result<(), KeeperError> {
        let Some(st) = self.round.clone() else { return Ok(()) };
        let label = format!("initializeRound:{}", st.number);
        if let Some(rec) = self.tx.store().by_label(&label).map_err(TxError::from)? {
            if rec.status == lpx_txman::TxStatus::Pending {
                return Ok(()); // ours is in flight
            }
        }
        if !self.cfg.rounds.initialize || st.seen_at.elapsed() < st.election {
            // Not our turn (yet): learn whether someone else did it.
            self.check_initialized().await?;
            return Ok(());
        }
        // Checked just now when the round was entered; else ask (the simulation below
        // would catch it too, but this read is cheaper than a failed estimate).
        if !st.fresh && self.check_initialized().await? {
            metrics::counter!(m::INIT_SKIPPED, "reason" => "already_initialized").increment(1);
            return Ok(());
        }
        let req = TxRequest {
            label,
            to: self.chain.addrs.rounds,
            input: IRoundsManager::initializeRoundCall {}.abi_encode().into(),
            value: U256::ZERO,
            gas_limit: None,
        };
        match self.tx.submit(req).await {
            Ok(rec) => tracing::info!(round = st.number, nonce = rec.nonce, "initializeRound sent"),
            Err(TxError::Simulation(f)) if is_revert(&f, "round already initialized") => {
                metrics::counter!(m::INIT_SKIPPED, "reason" => "already_initialized").increment(1);
                if let Some(s) = self.round.as_mut() {
                    s.initialized = true;
                }
            }
            Err(TxError::Simulation(f)) => tracing::warn!(round = st.number, error = %f, "initializeRound would fail; retrying next tick"),
            Err(TxError::FeeCap(e)) => tracing::warn!(round = st.number, error = %e, "initializeRound waits for cheaper gas"),
            Err(e) => return Err(e.into()),
        }
        Ok(())
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
                        if current == Some(r) && self.check_initialized().await? {
                            metrics::counter!(m::INIT_SKIPPED, "reason" => "lost_race").increment(1);
                            tracing::info!(round = r, "another keeper initialized the round first");
                        } else {
                            tracing::warn!(round = r, ?state, "initializeRound did not succeed; retrying");
                        }
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
                            if let Some(p) = self.pool.as_mut().filter(|p| p.round == r) {
                                if let Some(s) = p.snap.stake_of(o) {
                                    p.snap.apply(o, s + minted);
                                }
                            }
                        }
                    }
                    other => {
                        metrics::counter!(m::REWARD_ERRORS, "orchestrator" => o.to_string(), "reason" => "tx_failed").increment(1);
                        tracing::error!(orchestrator = %o, round = r, state = ?other, "reward transaction failed; retrying this round");
                    }
                }
            }
            Some("redeem") => self.on_redeem_final(label, state)?,
            _ => tracing::warn!(label, "finished transaction with an unknown label"),
        }
        Ok(())
    }

    /// Settles the served orchestrators for the current round; `true` while any is open.
    async fn reward_step(&mut self) -> Result<bool, KeeperError> {
        let Some(r) = self.round.as_ref().map(|s| s.number) else { return Ok(false) };
        let me = self.tx.address();
        let mut todo = Vec::new();
        let mut in_flight = false;
        for o in self.cfg.orchestrators.iter().map(|o| o.address) {
            if self.orchs.get(&o) != Some(&Orch::Todo) {
                continue;
            }
            match self.tx.store().by_label(&format!("reward:{o}:{r}")).map_err(TxError::from)? {
                Some(rec) if rec.status == lpx_txman::TxStatus::Pending => in_flight = true,
                Some(rec) if rec.status == lpx_txman::TxStatus::Mined => {
                    self.orchs.insert(o, Orch::Done);
                }
                _ => todo.push(o),
            }
        }
        if todo.is_empty() {
            return Ok(in_flight);
        }

        // One batch: each orchestrator's record, and whose reward caller we are.
        let b = self.chain.addrs.bonding;
        let mut calls: Vec<(Address, Bytes)> = Vec::new();
        for o in &todo {
            calls.push((b, IBondingManager::getTranscoderCall { _transcoder: *o }.abi_encode().into()));
            if *o != me {
                calls.push((b, IBondingManager::transcoderToRewardCallerCall { _transcoder: *o }.abi_encode().into()));
            }
        }
        let out = self.chain.batch(&calls).await?;
        // A previous round this process saw initialized: was everyone rewarded in it?
        let missed_check = self.prev_round_initialized.filter(|p| *p + 1 == r);
        let mut ready = Vec::new();
        let mut i = 0;
        for o in &todo {
            let t = decode::<IBondingManager::getTranscoderCall>(&out[i])?;
            i += 1;
            let caller = if *o != me {
                i += 1;
                Some(decode::<IBondingManager::transcoderToRewardCallerCall>(&out[i - 1])?)
            } else {
                None
            };
            let last: u64 = t.lastRewardRound.saturating_to();
            let active_in = |round: u64| U256::from(round) >= t.activationRound && U256::from(round) < t.deactivationRound;
            if let Some(prev) = missed_check {
                if active_in(prev) && last < prev {
                    metrics::counter!(m::REWARDS_MISSED, "orchestrator" => o.to_string()).increment(1);
                    tracing::error!(orchestrator = %o, round = prev, "MISSED REWARD: orchestrator was active and not rewarded");
                }
            }
            if last >= r {
                self.orchs.insert(*o, Orch::Done);
            } else if !active_in(r) {
                self.orchs.insert(*o, Orch::Inactive);
                metrics::counter!(m::REWARD_SKIPPED, "orchestrator" => o.to_string(), "reason" => "inactive").increment(1);
                tracing::info!(orchestrator = %o, round = r, "not active this round; no reward due");
            } else if caller.is_some_and(|c| c != me) {
                self.orchs.insert(*o, Orch::NotAuthorized);
                metrics::counter!(m::REWARD_ERRORS, "orchestrator" => o.to_string(), "reason" => "not_reward_caller").increment(1);
                tracing::error!(orchestrator = %o, keeper = %me, "this keeper is not the orchestrator's reward caller: the orchestrator must call setRewardCaller({me})");
            } else {
                ready.push(*o);
            }
        }
        // Missed-round detection looks at one previous round only, once.
        self.prev_round_initialized = None;
        if ready.is_empty() {
            return Ok(in_flight);
        }

        self.refresh_pool(r).await?;
        let pool = self.pool.clone().ok_or_else(|| KeeperError::Setup("pool not loaded".into()))?;
        for o in ready {
            let stake = match pool.snap.stake_of(o) {
                Some(s) => s,
                None => self.chain.call(b, IBondingManager::transcoderTotalStakeCall { _transcoder: o }).await?,
            };
            let expected = if pool.total_bonded.is_zero() { U256::ZERO } else { pool.mintable * stake / pool.total_bonded };
            let (prev, next) = pool.snap.hints(o, stake + expected);
            let input: Bytes = if o == me {
                IBondingManager::rewardWithHintCall { _newPosPrev: prev, _newPosNext: next }.abi_encode().into()
            } else {
                IBondingManager::rewardForTranscoderWithHintCall { _transcoder: o, _newPosPrev: prev, _newPosNext: next }.abi_encode().into()
            };
            let gas = match self.cfg.reward.gas_limit {
                Some(g) => g,
                None => match self.tx.estimate(b, &input, U256::ZERO).await {
                    Ok(g) => self.tx.policy().gas_limit(g),
                    Err(f) => {
                        self.on_reward_simulation_failure(o, r, &f);
                        continue;
                    }
                },
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
                    in_flight = true;
                    tracing::info!(orchestrator = %o, round = r, nonce = rec.nonce, %prev, %next, "reward sent");
                }
                Err(TxError::Simulation(f)) => self.on_reward_simulation_failure(o, r, &f),
                Err(TxError::FeeCap(e)) => {
                    in_flight = true;
                    tracing::warn!(orchestrator = %o, round = r, error = %e, "reward waits for cheaper gas");
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(in_flight || self.orchs.values().any(|s| *s == Orch::Todo))
    }

    fn on_reward_simulation_failure(&mut self, o: Address, r: u64, f: &CallFailure) {
        if is_revert(f, "caller has already called reward for the current round") {
            self.orchs.insert(o, Orch::Done);
        } else if is_revert(f, "caller must be an active transcoder") {
            self.orchs.insert(o, Orch::Inactive);
        } else {
            let reason = f.reason().unwrap_or("simulation_failed").to_string();
            metrics::counter!(m::REWARD_ERRORS, "orchestrator" => o.to_string(), "reason" => reason).increment(1);
            tracing::error!(orchestrator = %o, round = r, error = %f, "reward would fail; retrying next tick");
        }
    }

    fn expected_fee_per_gas(&self) -> u128 {
        let p = self.tx.policy();
        match self.last_head.and_then(|h| h.base_fee) {
            Some(b) => (b + p.priority_fee).min(p.max_fee_cap),
            None => p.max_fee_cap,
        }
    }

    /// Walks the pool once per round: the members in order (sequential calls), then their
    /// stakes, the round's mintable LPT and total active stake in one batch.
    async fn refresh_pool(&mut self, r: u64) -> Result<(), KeeperError> {
        if self.pool.as_ref().is_some_and(|p| p.round == r) {
            return Ok(());
        }
        let b = self.chain.addrs.bonding;
        let mut members = Vec::new();
        let mut cur = self.chain.call(b, IBondingManager::getFirstTranscoderInPoolCall {}).await?;
        while cur != Address::ZERO && members.len() < MAX_POOL_WALK {
            members.push(cur);
            cur = self.chain.call(b, IBondingManager::getNextTranscoderInPoolCall { _transcoder: cur }).await?;
        }
        let mut calls: Vec<(Address, Bytes)> = members
            .iter()
            .map(|m| (b, IBondingManager::transcoderTotalStakeCall { _transcoder: *m }.abi_encode().into()))
            .collect();
        calls.push((self.chain.addrs.minter, IMinter::currentMintableTokensCall {}.abi_encode().into()));
        calls.push((b, IBondingManager::getTotalBondedCall {}.abi_encode().into()));
        let out = self.chain.batch(&calls).await?;
        let n = members.len();
        let stakes = (0..n).map(|i| decode::<IBondingManager::transcoderTotalStakeCall>(&out[i])).collect::<Result<Vec<_>, _>>()?;
        let mintable = decode::<IMinter::currentMintableTokensCall>(&out[n])?;
        let total_bonded = decode::<IBondingManager::getTotalBondedCall>(&out[n + 1])?;
        tracing::debug!(round = r, pool_size = n, %mintable, %total_bonded, "pool walked");
        self.pool = Some(PoolCache { round: r, snap: PoolSnapshot::new(members.into_iter().zip(stakes).collect()), mintable, total_bonded });
        Ok(())
    }

    /// Redeems due tickets; `true` while more are due now.
    async fn redeem_step(&mut self, block: u64) -> Result<bool, KeeperError> {
        let Some(r) = self.round.as_ref().map(|s| s.number) else { return Ok(false) };
        let batch = self.cfg.tickets.batch_size;
        let due = self.queue.due(block, batch)?;
        if due.is_empty() {
            return Ok(false);
        }
        let broker = self.chain.addrs.broker;
        let fee = self.expected_fee_per_gas();
        let retry_ms = self.cfg.tickets.retry_secs * 1000;
        let mut ok: Vec<(crate::tickets::queue::Queued, u64)> = Vec::new();
        for t in due {
            if t.creation_round + self.validity <= r {
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
        match self.tx.submit(req).await {
            Ok(rec) => tracing::info!(tickets = hashes.len(), nonce = rec.nonce, "redemption sent"),
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
        Ok(true)
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
