//! The transaction manager: one per signer and chain.
//!
//! - **Nonces.** Allocated under a lock from `max(chain pending count, highest pending
//!   nonce in the store + 1)`, so a restart neither reuses nor skips a nonce. A "nonce too
//!   low" from the node (someone else used the key) moves the transaction to a fresh nonce.
//! - **Write-ahead.** Each signed attempt is stored before it is broadcast; after a crash
//!   [`TxManager::recover`] re-broadcasts what never got a receipt.
//! - **Idempotence by label.** [`TxManager::submit`] with the label of a transaction that is
//!   pending or mined returns that transaction instead of sending another.
//! - **Replacement.** [`TxManager::poll`] checks receipts and, once an attempt has waited
//!   `bump_after`, signs the same call at the same nonce with higher fees (see [`crate::fees`]).
//! - **Simulation first.** Gas is estimated before signing, so a call that would revert is
//!   reported as [`TxError::Simulation`] with its reason and costs no gas and no nonce.

use std::{
    path::Path,
    sync::Mutex,
    time::{Duration, Instant},
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy},
    eips::{eip2718::Encodable2718, BlockNumberOrTag},
    network::{TransactionBuilder, TxSignerSync},
    primitives::{Address, Bytes, TxKind, B256, U256},
    providers::{Provider, RootProvider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::local::PrivateKeySigner,
};

use crate::{
    fees::{FeeCapTooLow, FeePolicy, Fees, Market},
    revert::{classify, CallFailure},
    store::{now_ms, Attempt, Inclusion, StoreError, TxRecord, TxStatus, TxStore},
};

/// Errors of the transaction manager.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The call would revert (or the estimate failed); nothing was sent.
    #[error("simulation failed: {0}")]
    Simulation(CallFailure),
    /// Gas is above the operator's cap; nothing was sent.
    #[error(transparent)]
    FeeCap(#[from] FeeCapTooLow),
    /// The node refused the transaction for a reason that retrying will not fix.
    #[error("node rejected the transaction: {0}")]
    Rejected(String),
    /// An RPC request failed after the transport's retries.
    #[error("RPC failed: {0}")]
    Rpc(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
}

/// A transaction to send.
#[derive(Debug, Clone)]
pub struct TxRequest {
    /// Idempotence key: at most one pending-or-mined transaction per label.
    pub label: String,
    /// Destination.
    pub to: Address,
    /// Calldata (from a typed `SolCall`).
    pub input: Bytes,
    /// Value.
    pub value: U256,
    /// Gas limit; estimated (plus the policy's margin) when `None`.
    pub gas_limit: Option<u64>,
}

/// The state of a transaction after a poll.
#[derive(Debug, Clone)]
pub enum TxState {
    /// No receipt yet.
    Pending,
    /// Included and succeeded.
    Mined(Box<TransactionReceipt>),
    /// Included and reverted.
    Reverted(Box<TransactionReceipt>),
    /// Its nonce was used by a transaction we did not sign; it will never be included.
    Dropped,
}

/// What [`TxManager::recover`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Pending records whose receipt turned up.
    pub resolved: usize,
    /// Pending records re-broadcast.
    pub rebroadcast: usize,
    /// Pending records whose nonce was used by someone else.
    pub dropped: usize,
    /// The next nonce.
    pub next_nonce: u64,
}

/// How the node answered a broadcast.
enum Broadcast {
    Accepted,
    NonceTaken,
    Underpriced,
    Failed(String),
    Rejected(String),
}

fn classify_broadcast(msg: &str) -> Broadcast {
    let m = msg.to_ascii_lowercase();
    if m.contains("already known") || m.contains("known transaction") || m.contains("already imported") || m.contains("alreadyknown") {
        Broadcast::Accepted
    } else if m.contains("nonce too low") || m.contains("noncetoolow") || m.contains("nonce has already been used") {
        Broadcast::NonceTaken
    } else if m.contains("underpriced") {
        Broadcast::Underpriced
    } else if m.contains("insufficient funds") || m.contains("exceeds block gas limit") || m.contains("intrinsic gas too low") {
        Broadcast::Rejected(msg.to_string())
    } else {
        Broadcast::Failed(msg.to_string())
    }
}

/// The manager; share it behind an `Arc`.
#[derive(Debug)]
pub struct TxManager {
    provider: RootProvider,
    signer: PrivateKeySigner,
    chain_id: u64,
    store: TxStore,
    policy: FeePolicy,
    next_nonce: tokio::sync::Mutex<Option<u64>>,
    market: Mutex<Option<(Market, Instant)>>,
}

/// A market price this old is fetched again.
const MARKET_TTL: Duration = Duration::from_secs(15);

impl TxManager {
    /// Opens the manager for `signer`, with its state in the SQLite file `db`. Costs one
    /// RPC call (chain id); call [`Self::recover`] next.
    pub async fn open(provider: RootProvider, signer: PrivateKeySigner, db: &Path, policy: FeePolicy) -> Result<Self, TxError> {
        let chain_id = provider.get_chain_id().await.map_err(|e| TxError::Rpc(e.to_string()))?;
        let store = TxStore::open(db, chain_id, signer.address())?;
        Ok(Self { provider, signer, chain_id, store, policy, next_nonce: tokio::sync::Mutex::new(None), market: Mutex::new(None) })
    }

    /// The signer's address.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The store (for reports).
    pub fn store(&self) -> &TxStore {
        &self.store
    }

    /// The fee policy.
    pub fn policy(&self) -> &FeePolicy {
        &self.policy
    }

    /// The provider the manager uses.
    pub fn provider(&self) -> &RootProvider {
        &self.provider
    }

    /// Tells the manager the market price from a block the caller fetched anyway (saves a
    /// call per transaction).
    pub fn observe_block(&self, base_fee: Option<u128>) {
        if let Some(b) = base_fee {
            *self.market.lock().unwrap_or_else(|p| p.into_inner()) = Some((Market::BaseFee(b), Instant::now()));
        }
    }

    async fn market(&self) -> Result<Market, TxError> {
        if let Some((m, at)) = *self.market.lock().unwrap_or_else(|p| p.into_inner()) {
            if at.elapsed() < MARKET_TTL {
                return Ok(m);
            }
        }
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .map_err(|e| TxError::Rpc(e.to_string()))?
            .ok_or_else(|| TxError::Rpc("no latest block".into()))?;
        let m = match block.header.base_fee_per_gas {
            Some(b) => Market::BaseFee(b as u128),
            None => Market::GasPrice(self.provider.get_gas_price().await.map_err(|e| TxError::Rpc(e.to_string()))?),
        };
        *self.market.lock().unwrap_or_else(|p| p.into_inner()) = Some((m, Instant::now()));
        Ok(m)
    }

    fn request(&self, to: Address, input: &Bytes, value: U256) -> TransactionRequest {
        TransactionRequest::default().with_from(self.address()).with_to(to).with_input(input.clone()).with_value(value)
    }

    /// `eth_estimateGas` from the signer: the gas, or why the call would fail.
    pub async fn estimate(&self, to: Address, input: &Bytes, value: U256) -> Result<u64, CallFailure> {
        self.provider.estimate_gas(self.request(to, input, value)).await.map_err(|e| classify(&e))
    }

    /// `eth_call` from the signer at the latest block.
    pub async fn call(&self, to: Address, input: &Bytes) -> Result<Bytes, CallFailure> {
        self.provider.call(self.request(to, input, U256::ZERO)).await.map_err(|e| classify(&e))
    }

    fn sign(&self, nonce: u64, to: Address, input: &Bytes, value: U256, gas_limit: u64, fees: Fees) -> Result<Attempt, TxError> {
        let envelope: TxEnvelope = if fees.legacy {
            let mut tx =
                TxLegacy { chain_id: Some(self.chain_id), nonce, gas_price: fees.max_fee, gas_limit, to: TxKind::Call(to), value, input: input.clone() };
            let sig = self.signer.sign_transaction_sync(&mut tx).map_err(|e| TxError::Signing(e.to_string()))?;
            tx.into_signed(sig).into()
        } else {
            let mut tx = TxEip1559 {
                chain_id: self.chain_id,
                nonce,
                gas_limit,
                max_fee_per_gas: fees.max_fee,
                max_priority_fee_per_gas: fees.priority,
                to: TxKind::Call(to),
                value,
                access_list: Default::default(),
                input: input.clone(),
            };
            let sig = self.signer.sign_transaction_sync(&mut tx).map_err(|e| TxError::Signing(e.to_string()))?;
            tx.into_signed(sig).into()
        };
        Ok(Attempt {
            hash: *envelope.tx_hash(),
            raw: envelope.encoded_2718().into(),
            max_fee: fees.max_fee,
            max_priority_fee: fees.priority,
            sent_at_ms: now_ms(),
        })
    }

    async fn broadcast(&self, raw: &Bytes) -> Broadcast {
        match self.provider.client().request::<_, B256>("eth_sendRawTransaction", (raw.clone(),)).await {
            Ok(_) => Broadcast::Accepted,
            Err(e) => {
                let msg = match e.as_error_resp() {
                    Some(p) => p.message.to_string(),
                    None => return Broadcast::Failed(e.to_string()),
                };
                classify_broadcast(&msg)
            }
        }
    }

    async fn chain_nonce(&self, pending: bool) -> Result<u64, TxError> {
        let q = self.provider.get_transaction_count(self.address());
        let q = if pending { q.pending() } else { q.latest() };
        q.await.map_err(|e| TxError::Rpc(e.to_string()))
    }

    /// Resolves what a previous run left pending: records receipts that arrived,
    /// re-broadcasts the rest, and sets the next nonce.
    pub async fn recover(&self) -> Result<Recovery, TxError> {
        let mut guard = self.next_nonce.lock().await;
        let mut report = Recovery::default();
        let pending = self.store.pending()?;
        let mut latest_nonce = None;
        for rec in &pending {
            if self.find_receipt(rec).await?.is_some() {
                report.resolved += 1;
                continue;
            }
            let chain = match latest_nonce {
                Some(n) => n,
                None => *latest_nonce.insert(self.chain_nonce(false).await?),
            };
            if chain > rec.nonce {
                // Someone else's transaction took the nonce (or ours was mined and pruned;
                // receipts were checked just above, so it was not ours).
                self.store.finish(rec.id, TxStatus::Dropped, None)?;
                report.dropped += 1;
                continue;
            }
            if let Some(a) = rec.latest() {
                if let Broadcast::Failed(m) | Broadcast::Rejected(m) = self.broadcast(&a.raw).await {
                    tracing::warn!(label = %rec.label, nonce = rec.nonce, error = %m, "re-broadcast failed; will retry");
                }
                report.rebroadcast += 1;
            }
        }
        let chain_pending = self.chain_nonce(true).await?;
        let stored = self.store.pending()?.iter().map(|r| r.nonce + 1).max().unwrap_or(0);
        report.next_nonce = chain_pending.max(stored);
        *guard = Some(report.next_nonce);
        Ok(report)
    }

    /// Signs and broadcasts `req`, or returns the existing transaction with its label if
    /// one is pending or mined. The record is stored before the broadcast.
    pub async fn submit(&self, req: TxRequest) -> Result<TxRecord, TxError> {
        if let Some(rec) = self.store.by_label(&req.label)? {
            if matches!(rec.status, TxStatus::Pending | TxStatus::Mined) {
                return Ok(rec);
            }
        }
        let gas_limit = match req.gas_limit {
            Some(g) => g,
            None => self.policy.gas_limit(self.estimate(req.to, &req.input, req.value).await.map_err(TxError::Simulation)?),
        };
        let fees = self.policy.initial(self.market().await?)?;

        let mut guard = self.next_nonce.lock().await;
        let mut nonce = match *guard {
            Some(n) => n,
            None => {
                let stored = self.store.pending()?.iter().map(|r| r.nonce + 1).max().unwrap_or(0);
                self.chain_nonce(true).await?.max(stored)
            }
        };
        let attempt = self.sign(nonce, req.to, &req.input, req.value, gas_limit, fees)?;
        let id = self.store.insert(nonce, &req.label, req.to, &req.input, req.value, gas_limit, &attempt)?;
        *guard = Some(nonce + 1);
        let mut raw = attempt.raw;
        // At most one move to a fresh nonce: a second collision means another process is
        // racing us on this key, and the next poll or tick sorts it out.
        for retry in 0..2 {
            match self.broadcast(&raw).await {
                Broadcast::Accepted => break,
                Broadcast::NonceTaken | Broadcast::Underpriced if retry == 0 => {
                    nonce = self.chain_nonce(true).await?.max(nonce + 1);
                    tracing::warn!(label = %req.label, nonce, "nonce in use by another transaction; moving to a fresh nonce");
                    let a = self.sign(nonce, req.to, &req.input, req.value, gas_limit, fees)?;
                    self.store.renonce(id, nonce, &a)?;
                    *guard = Some(nonce + 1);
                    raw = a.raw;
                }
                Broadcast::Rejected(m) => {
                    self.store.finish(id, TxStatus::Dropped, None)?;
                    // The nonce was not used: hand it out again.
                    *guard = None;
                    return Err(TxError::Rejected(m));
                }
                Broadcast::NonceTaken | Broadcast::Underpriced | Broadcast::Failed(_) => {
                    // Stored and signed: poll() replaces it and recover() re-broadcasts it.
                    tracing::warn!(label = %req.label, nonce, "broadcast not confirmed; will retry");
                    break;
                }
            }
        }
        metrics::counter!("lpx_tx_sent_total", "kind" => kind_of(&req.label)).increment(1);
        drop(guard);
        Ok(self.store.get(id)?.ok_or_else(|| StoreError::Corrupt("row vanished".into()))?)
    }

    async fn find_receipt(&self, rec: &TxRecord) -> Result<Option<TxState>, TxError> {
        for a in rec.attempts.iter().rev() {
            let r = self.provider.get_transaction_receipt(a.hash).await.map_err(|e| TxError::Rpc(e.to_string()))?;
            if let Some(r) = r {
                let inc =
                    Inclusion { hash: a.hash, block_number: r.block_number.unwrap_or(0), gas_used: r.gas_used, effective_gas_price: r.effective_gas_price };
                let ok = r.status();
                self.store.finish(rec.id, if ok { TxStatus::Mined } else { TxStatus::Reverted }, Some(inc))?;
                let kind = kind_of(&rec.label);
                metrics::counter!("lpx_gas_used_total", "kind" => kind.clone()).increment(r.gas_used);
                metrics::counter!("lpx_gas_spent_wei_total", "kind" => kind.clone())
                    .increment((r.gas_used as u128 * r.effective_gas_price).min(u64::MAX as u128) as u64);
                if !ok {
                    metrics::counter!("lpx_tx_reverted_total", "kind" => kind).increment(1);
                }
                return Ok(Some(if ok { TxState::Mined(Box::new(r)) } else { TxState::Reverted(Box::new(r)) }));
            }
        }
        Ok(None)
    }

    /// One look at a transaction: its receipt if it has one, else a replacement with
    /// higher fees once the newest attempt has waited `bump_after`.
    pub async fn poll(&self, id: i64) -> Result<TxState, TxError> {
        let rec = self.store.get(id)?.ok_or_else(|| StoreError::Corrupt(format!("no transaction {id}")))?;
        match rec.status {
            TxStatus::Pending => {}
            TxStatus::Dropped => return Ok(TxState::Dropped),
            TxStatus::Mined | TxStatus::Reverted => {
                let hash = rec.mined_hash.ok_or_else(|| StoreError::Corrupt("mined without hash".into()))?;
                let r = self
                    .provider
                    .get_transaction_receipt(hash)
                    .await
                    .map_err(|e| TxError::Rpc(e.to_string()))?
                    .ok_or_else(|| TxError::Rpc(format!("receipt of {hash} vanished (reorg?)")))?;
                return Ok(if rec.status == TxStatus::Mined { TxState::Mined(Box::new(r)) } else { TxState::Reverted(Box::new(r)) });
            }
        }
        if let Some(state) = self.find_receipt(&rec).await? {
            return Ok(state);
        }
        let Some(latest) = rec.latest() else { return Ok(TxState::Pending) };
        let waited = Duration::from_millis(now_ms().saturating_sub(latest.sent_at_ms));
        if waited < self.policy.bump_after {
            return Ok(TxState::Pending);
        }
        // Before paying more, make sure the nonce is still ours to use.
        if self.chain_nonce(false).await? > rec.nonce {
            if let Some(state) = self.find_receipt(&rec).await? {
                return Ok(state);
            }
            self.store.finish(rec.id, TxStatus::Dropped, None)?;
            return Ok(TxState::Dropped);
        }
        let bumps = rec.attempts.len().saturating_sub(1) as u32;
        let prev = Fees { max_fee: latest.max_fee, priority: latest.max_priority_fee, legacy: self.is_legacy_raw(&latest.raw) };
        let next = if bumps < self.policy.max_bumps { self.policy.bump(prev, self.market().await?) } else { None };
        let Some(fees) = next else {
            // At the cap or out of bumps: re-broadcast as is (a node may have dropped it).
            let _ = self.broadcast(&latest.raw).await;
            self.touch(&rec, latest)?;
            return Ok(TxState::Pending);
        };
        let a = self.sign(rec.nonce, rec.to, &rec.input, rec.value, rec.gas_limit, fees)?;
        self.store.add_attempt(rec.id, &a)?;
        match self.broadcast(&a.raw).await {
            Broadcast::Accepted => {
                metrics::counter!("lpx_tx_replaced_total", "kind" => kind_of(&rec.label)).increment(1);
                tracing::info!(label = %rec.label, nonce = rec.nonce, max_fee = fees.max_fee, "replaced a stuck transaction with higher fees");
            }
            Broadcast::NonceTaken => {} // mined meanwhile: the next poll finds the receipt
            Broadcast::Underpriced | Broadcast::Failed(_) | Broadcast::Rejected(_) => {
                tracing::warn!(label = %rec.label, nonce = rec.nonce, "replacement not accepted; will retry");
            }
        }
        Ok(TxState::Pending)
    }

    fn is_legacy_raw(&self, raw: &Bytes) -> bool {
        // EIP-2718 typed transactions start with a type byte < 0x80; legacy ones with an
        // RLP list header (>= 0xc0).
        raw.first().is_some_and(|b| *b >= 0xc0)
    }

    /// Restarts the bump clock of an attempt that was re-broadcast unchanged.
    fn touch(&self, rec: &TxRecord, latest: &Attempt) -> Result<(), TxError> {
        let mut a = latest.clone();
        a.sent_at_ms = now_ms();
        self.store.add_attempt(rec.id, &a)?;
        Ok(())
    }

    /// Polls every `interval` until the transaction leaves `Pending` or `timeout` passes.
    pub async fn wait(&self, id: i64, interval: Duration, timeout: Duration) -> Result<TxState, TxError> {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.poll(id).await?;
            if !matches!(s, TxState::Pending) || Instant::now() >= deadline {
                return Ok(s);
            }
            tokio::time::sleep(interval.min(deadline.saturating_duration_since(Instant::now()))).await;
        }
    }

    /// Ids of every pending transaction, lowest nonce first.
    pub fn pending_ids(&self) -> Result<Vec<(i64, String)>, TxError> {
        Ok(self.store.pending()?.into_iter().map(|r| (r.id, r.label)).collect())
    }
}

/// The metric label of a transaction label: the text before the first ':'.
pub fn kind_of(label: &str) -> String {
    label.split(':').next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_errors_are_classified() {
        assert!(matches!(classify_broadcast("already known"), Broadcast::Accepted));
        assert!(matches!(classify_broadcast("nonce too low: next nonce 5, tx nonce 4"), Broadcast::NonceTaken));
        assert!(matches!(classify_broadcast("replacement transaction underpriced"), Broadcast::Underpriced));
        assert!(matches!(classify_broadcast("insufficient funds for gas * price + value"), Broadcast::Rejected(_)));
        assert!(matches!(classify_broadcast("something odd"), Broadcast::Failed(_)));
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("reward:0xabc:12"), "reward");
        assert_eq!(kind_of("plain"), "plain");
    }
}
