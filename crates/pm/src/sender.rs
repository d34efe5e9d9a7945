//! The broadcaster side (go-livepeer `pm/sender.go`): one session per set of recipient
//! params, nonces handed out atomically, every ticket signed with EIP-191 through an alloy
//! signer after the pre-send checks of spec/node.md §3.3.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc, RwLock,
    },
};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    signers::{Signer, SignerSync},
};
use num_rational::BigRational;

use crate::{
    balance::{ceil_wei, ticket_ev},
    ticket_hash, SenderError, TicketBatch, TicketParams,
};

/// Limits the sender enforces before paying (go-livepeer flags in brackets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderConfig {
    /// Largest EV of one ticket (`-maxTicketEV`, 3×10¹² wei).
    pub max_ticket_ev: U256,
    /// Largest EV of one batch (`-maxTotalEV`, 2×10¹³ wei).
    pub max_total_ev: U256,
    /// Face value may be at most deposit / this (`-depositMultiplier`, 1).
    pub deposit_multiplier: U256,
}

impl Default for SenderConfig {
    fn default() -> Self {
        Self { max_ticket_ev: U256::from(3_000_000_000_000u64), max_total_ev: U256::from(20_000_000_000_000u64), deposit_multiplier: U256::from(1) }
    }
}

/// What the sender knows of the chain when it pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SenderView {
    /// Last seen L1 block.
    pub last_block: U256,
    /// `RoundsManager.lastInitializedRound()`.
    pub last_initialized_round: U256,
    /// Own deposit.
    pub deposit: U256,
    /// Own reserve funds.
    pub reserve: U256,
    /// Own withdraw round (0 = no unlock).
    pub withdraw_round: U256,
}

#[derive(Debug)]
struct Session {
    params: TicketParams,
    next_nonce: AtomicU32,
}

/// A broadcaster paying with tickets signed by `S`.
#[derive(Debug)]
pub struct Sender<S> {
    signer: S,
    config: SenderConfig,
    sessions: RwLock<HashMap<B256, Arc<Session>>>,
}

fn rat(x: U256) -> BigRational {
    BigRational::from_integer(num_bigint::BigInt::from_bytes_be(num_bigint::Sign::Plus, &x.to_be_bytes::<32>()))
}

impl<S: SignerSync + Signer> Sender<S> {
    /// A sender signing with `signer`.
    pub fn new(signer: S, config: SenderConfig) -> Self {
        Self { signer, config, sessions: RwLock::new(HashMap::new()) }
    }

    /// The signer's address: the tickets' `sender`.
    pub fn address(&self) -> Address {
        Signer::address(&self.signer)
    }

    /// Starts (or restarts) a session for `params`; returns its key, the
    /// recipientRandHash. Nonces of a new session start at 1.
    pub fn start_session(&self, params: TicketParams) -> B256 {
        let key = params.recipient_rand_hash;
        let session = Arc::new(Session { params, next_nonce: AtomicU32::new(1) });
        self.sessions.write().unwrap_or_else(|p| p.into_inner()).insert(key, session);
        key
    }

    /// Ends a session.
    pub fn end_session(&self, key: &B256) {
        self.sessions.write().unwrap_or_else(|p| p.into_inner()).remove(key);
    }

    /// Checks the session's params and the sender's funds, then builds and signs `n`
    /// tickets with fresh nonces. Concurrent calls never share a nonce.
    ///
    /// # Errors
    /// The failed pre-send check ([`SenderError`]), or a signing failure.
    pub fn create_ticket_batch(&self, key: &B256, n: u32, view: &SenderView) -> Result<TicketBatch, SenderError> {
        let sender = self.address();
        let session = self.sessions.read().unwrap_or_else(|p| p.into_inner()).get(key).cloned().ok_or(SenderError::UnknownSession(*key))?;
        self.check(&session.params, n, view)?;
        let first = session.next_nonce.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |cur| cur.checked_add(n)).map_err(|_| SenderError::NoncesExhausted)?;
        let mut tickets = Vec::with_capacity(n as usize);
        for nonce in first..first + n {
            let hash = ticket_hash(&session.params.ticket(sender, nonce));
            let sig = self.signer.sign_message_sync(hash.as_slice()).map_err(|e| SenderError::Signing(e.to_string()))?;
            tickets.push((nonce, Bytes::copy_from_slice(&sig.as_bytes())));
        }
        Ok(TicketBatch { params: session.params.clone(), sender, tickets })
    }

    /// The pre-send checks of spec/node.md §3.3.
    fn check(&self, p: &TicketParams, n: u32, view: &SenderView) -> Result<(), SenderError> {
        if !view.withdraw_round.is_zero() && view.withdraw_round <= view.last_initialized_round.saturating_add(U256::from(1)) {
            return Err(SenderError::Unlocking { withdraw_round: view.withdraw_round });
        }
        if view.deposit.is_zero() && view.reserve.is_zero() {
            return Err(SenderError::FundsZero);
        }
        if p.expiration_block <= view.last_block.saturating_add(U256::from(1)) {
            return Err(SenderError::ParamsExpired { expiration_block: p.expiration_block, last_block: view.last_block });
        }
        let ev = ticket_ev(p.face_value, p.win_prob);
        if ev > rat(self.config.max_ticket_ev) {
            return Err(SenderError::TicketEvTooHigh { ev: ceil_wei(&ev), max: self.config.max_ticket_ev });
        }
        if rat(p.face_value) <= ev {
            return Err(SenderError::FaceValueNotAboveEv { face_value: p.face_value, ev: ceil_wei(&ev) });
        }
        let total = &ev * rat(U256::from(n));
        if total > rat(self.config.max_total_ev) {
            return Err(SenderError::TotalEvTooHigh { total: ceil_wei(&total), max: self.config.max_total_ev });
        }
        let max_fv = if self.config.deposit_multiplier.is_zero() { U256::ZERO } else { view.deposit / self.config.deposit_multiplier };
        if p.face_value > max_fv {
            return Err(SenderError::FaceValueAboveDeposit { face_value: p.face_value, max: max_fv });
        }
        Ok(())
    }
}
