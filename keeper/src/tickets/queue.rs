//! The winning-ticket queue in SQLite. A ticket is written once (keyed by its hash, so a
//! re-submission is a no-op) and only ever changes status:
//!
//! `queued` → `submitting` (in a redemption transaction named by `label`) → `redeemed`,
//! or back to `queued` (retry later), or `dropped` (with a final reason).
//!
//! Nothing is deleted, so an operator can always see what happened to a ticket.

use std::{path::Path, sync::Mutex};

use alloy::primitives::{Address, Bytes, B256, U256};
use lpx_abi::ticket_broker::Ticket;
use lpx_txman::store::{now_ms, open_db};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::intake::WinningTicket;

/// Queue errors.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// SQLite failed.
    #[error("ticket queue: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value could not be read back.
    #[error("ticket queue holds a malformed value: {0}")]
    Corrupt(String),
    /// The write-ahead log could not be written back.
    #[error("ticket queue checkpoint: {0}")]
    Checkpoint(String),
}

/// A ticket's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for redemption.
    Queued,
    /// In a redemption transaction.
    Submitting,
    /// Redeemed.
    Redeemed,
    /// Given up, with a final reason.
    Dropped,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Submitting => "submitting",
            Self::Redeemed => "redeemed",
            Self::Dropped => "dropped",
        }
    }
    fn parse(s: &str) -> Result<Self, QueueError> {
        Ok(match s {
            "queued" => Self::Queued,
            "submitting" => Self::Submitting,
            "redeemed" => Self::Redeemed,
            "dropped" => Self::Dropped,
            o => return Err(QueueError::Corrupt(format!("status {o}"))),
        })
    }
}

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Ticket hash.
    pub hash: B256,
    /// The ticket.
    pub ticket: WinningTicket,
    /// Creation round.
    pub creation_round: u64,
    /// Status.
    pub status: Status,
    /// Last failure or drop reason.
    pub reason: Option<String>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The redemption transaction's label while submitting.
    pub label: Option<String>,
}

/// Counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Waiting.
    pub queued: u64,
    /// In flight.
    pub submitting: u64,
    /// Redeemed.
    pub redeemed: u64,
    /// Dropped.
    pub dropped: u64,
}

/// The queue.
#[derive(Debug)]
pub struct TicketQueue {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tickets (
  hash BLOB PRIMARY KEY,
  seq INTEGER NOT NULL,
  recipient BLOB NOT NULL,
  sender BLOB NOT NULL,
  face_value BLOB NOT NULL,
  win_prob BLOB NOT NULL,
  sender_nonce BLOB NOT NULL,
  recipient_rand_hash BLOB NOT NULL,
  aux_data BLOB NOT NULL,
  sig BLOB NOT NULL,
  recipient_rand BLOB NOT NULL,
  creation_round INTEGER NOT NULL,
  not_before_block INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  retry_at INTEGER NOT NULL DEFAULT 0,
  label TEXT,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_due ON tickets(status, creation_round, seq);
CREATE INDEX IF NOT EXISTS tickets_label ON tickets(label);
";

const COLS: &str = "hash, recipient, sender, face_value, win_prob, sender_nonce, recipient_rand_hash, aux_data, sig,
    recipient_rand, creation_round, not_before_block, status, reason, attempts, label";

fn u256_blob(v: U256) -> [u8; 32] {
    v.to_be_bytes()
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Queued, QueueError>> {
    let b32 = |i: usize| -> rusqlite::Result<Vec<u8>> { r.get(i) };
    let hash = b32(0)?;
    let recipient = b32(1)?;
    let sender = b32(2)?;
    let (fv, wp, sn, rrh, aux, sig, rr) = (b32(3)?, b32(4)?, b32(5)?, b32(6)?, b32(7)?, b32(8)?, b32(9)?);
    let creation_round: i64 = r.get(10)?;
    let nbb: i64 = r.get(11)?;
    let status: String = r.get(12)?;
    let reason: Option<String> = r.get(13)?;
    let attempts: i64 = r.get(14)?;
    let label: Option<String> = r.get(15)?;
    Ok((|| {
        let len = |v: &Vec<u8>, n: usize, what: &str| if v.len() == n { Ok(()) } else { Err(QueueError::Corrupt(what.to_string())) };
        len(&hash, 32, "hash")?;
        len(&recipient, 20, "recipient")?;
        len(&sender, 20, "sender")?;
        len(&rrh, 32, "recipient_rand_hash")?;
        let u = |v: &Vec<u8>| U256::try_from_be_slice(v).ok_or_else(|| QueueError::Corrupt("uint256".into()));
        Ok(Queued {
            hash: B256::from_slice(&hash),
            ticket: WinningTicket {
                ticket: Ticket {
                    recipient: Address::from_slice(&recipient),
                    sender: Address::from_slice(&sender),
                    faceValue: u(&fv)?,
                    winProb: u(&wp)?,
                    senderNonce: u(&sn)?,
                    recipientRandHash: B256::from_slice(&rrh),
                    auxData: Bytes::from(aux),
                },
                sig: Bytes::from(sig),
                recipient_rand: u(&rr)?,
                not_before_block: nbb as u64,
            },
            creation_round: creation_round as u64,
            status: Status::parse(&status)?,
            reason,
            attempts: attempts as u32,
            label,
        })
    })())
}

impl TicketQueue {
    /// Opens (and creates) the queue in the SQLite file `path`.
    pub fn open(path: &Path) -> Result<Self, QueueError> {
        let conn = open_db(path)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Every write is one statement or one transaction: a poisoned lock leaves SQLite
        // consistent and is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves the write-ahead log into the database file (clean shutdown).
    pub fn checkpoint(&self) -> Result<(), QueueError> {
        lpx_txman::store::checkpoint(&self.conn()).map_err(|e| QueueError::Checkpoint(e.to_string()))
    }

    /// Adds a ticket; `false` if it was already known (any status).
    pub fn insert(&self, wt: &WinningTicket) -> Result<bool, QueueError> {
        let conn = self.conn();
        let t = &wt.ticket;
        let now = now_ms() as i64;
        let n = conn.execute(
            "INSERT OR IGNORE INTO tickets (hash, seq, recipient, sender, face_value, win_prob, sender_nonce, recipient_rand_hash,
               aux_data, sig, recipient_rand, creation_round, not_before_block, status, received_at, updated_at)
             VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tickets), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'queued', ?13, ?13)",
            params![
                wt.hash().as_slice(),
                t.recipient.as_slice(),
                t.sender.as_slice(),
                u256_blob(t.faceValue).as_slice(),
                u256_blob(t.winProb).as_slice(),
                u256_blob(t.senderNonce).as_slice(),
                t.recipientRandHash.as_slice(),
                t.auxData.as_ref(),
                wt.sig.as_ref(),
                u256_blob(wt.recipient_rand).as_slice(),
                wt.creation_round() as i64,
                wt.not_before_block as i64,
                now
            ],
        )?;
        Ok(n == 1)
    }

    /// Tickets ready for redemption at `block`: queued, past their not-before block and
    /// retry time; oldest creation round first, then arrival order.
    pub fn due(&self, block: u64, limit: usize) -> Result<Vec<Queued>, QueueError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLS} FROM tickets WHERE status = 'queued' AND not_before_block <= ?1 AND retry_at <= ?2
             ORDER BY creation_round, seq LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![block as i64, now_ms() as i64, limit as i64], read_row)?;
        rows.map(|r| r?).collect()
    }

    /// One ticket.
    pub fn get(&self, hash: B256) -> Result<Option<Queued>, QueueError> {
        let conn = self.conn();
        conn.query_row(&format!("SELECT {COLS} FROM tickets WHERE hash = ?1"), params![hash.as_slice()], read_row).optional()?.transpose()
    }

    /// Tickets by status (newest first), for the API.
    pub fn list(&self, status: Option<Status>, limit: usize) -> Result<Vec<Queued>, QueueError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {COLS} FROM tickets WHERE (?1 IS NULL OR status = ?1) ORDER BY seq DESC LIMIT ?2"))?;
        let rows = stmt.query_map(params![status.map(Status::as_str), limit as i64], read_row)?;
        rows.map(|r| r?).collect()
    }

    /// Puts tickets into the redemption transaction `label` (before it is sent).
    pub fn mark_submitting(&self, hashes: &[B256], label: &str) -> Result<(), QueueError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for h in hashes {
            tx.execute(
                "UPDATE tickets SET status = 'submitting', label = ?2, updated_at = ?3 WHERE hash = ?1 AND status = 'queued'",
                params![h.as_slice(), label, now_ms() as i64],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Labels of redemption transactions with tickets in them.
    pub fn submitting_labels(&self) -> Result<Vec<String>, QueueError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT DISTINCT label FROM tickets WHERE status = 'submitting' AND label IS NOT NULL")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Tickets in the transaction `label`.
    pub fn by_label(&self, label: &str) -> Result<Vec<Queued>, QueueError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {COLS} FROM tickets WHERE label = ?1 AND status = 'submitting' ORDER BY seq"))?;
        let rows = stmt.query_map(params![label], read_row)?;
        rows.map(|r| r?).collect()
    }

    /// Marks a ticket redeemed.
    pub fn redeemed(&self, hash: B256, tx_hash: B256) -> Result<(), QueueError> {
        self.conn().execute(
            "UPDATE tickets SET status = 'redeemed', reason = ?2, updated_at = ?3 WHERE hash = ?1",
            params![hash.as_slice(), format!("tx {tx_hash}"), now_ms() as i64],
        )?;
        Ok(())
    }

    /// Back to the queue, to retry no earlier than `retry_in_ms` from now.
    pub fn retry(&self, hash: B256, reason: &str, retry_in_ms: u64) -> Result<(), QueueError> {
        let now = now_ms();
        self.conn().execute(
            "UPDATE tickets SET status = 'queued', label = NULL, reason = ?2, attempts = attempts + 1, retry_at = ?3, updated_at = ?4
             WHERE hash = ?1 AND status IN ('queued', 'submitting')",
            params![hash.as_slice(), reason, (now + retry_in_ms) as i64, now as i64],
        )?;
        Ok(())
    }

    /// Gives up on a ticket.
    pub fn drop_ticket(&self, hash: B256, reason: &str) -> Result<(), QueueError> {
        self.conn().execute(
            "UPDATE tickets SET status = 'dropped', label = NULL, reason = ?2, updated_at = ?3 WHERE hash = ?1",
            params![hash.as_slice(), reason, now_ms() as i64],
        )?;
        Ok(())
    }

    /// Counts by status.
    pub fn counts(&self) -> Result<Counts, QueueError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT status, COUNT(*) FROM tickets GROUP BY status")?;
        let mut c = Counts::default();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (s, n) = row?;
            match Status::parse(&s)? {
                Status::Queued => c.queued = n as u64,
                Status::Submitting => c.submitting = n as u64,
                Status::Redeemed => c.redeemed = n as u64,
                Status::Dropped => c.dropped = n as u64,
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::intake::tests::signed_ticket;
    use alloy::signers::local::PrivateKeySigner;

    fn queue() -> (tempfile::TempDir, TicketQueue) {
        let d = tempfile::tempdir().unwrap();
        let q = TicketQueue::open(&d.path().join("k.sqlite")).unwrap();
        (d, q)
    }

    #[test]
    fn persists_across_reopen_and_dedupes() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("k.sqlite");
        let k = PrivateKeySigner::random();
        let t = signed_ticket(&k, Address::repeat_byte(1), 1, 4, 500);
        {
            let q = TicketQueue::open(&path).unwrap();
            assert!(q.insert(&t).unwrap());
            assert!(!q.insert(&t).unwrap(), "second insert is a no-op");
        }
        let q = TicketQueue::open(&path).unwrap();
        let got = q.get(t.hash()).unwrap().unwrap();
        assert_eq!(got.ticket, t);
        assert_eq!((got.status, got.creation_round, got.attempts), (Status::Queued, 4, 0));
        assert_eq!(q.counts().unwrap(), Counts { queued: 1, ..Default::default() });
    }

    #[test]
    fn due_is_oldest_round_first_then_arrival_and_respects_not_before() {
        let (_d, q) = queue();
        let k = PrivateKeySigner::random();
        let r = Address::repeat_byte(1);
        let a = signed_ticket(&k, r, 1, 7, 1);
        let b = signed_ticket(&k, r, 2, 5, 1);
        let c = signed_ticket(&k, r, 3, 7, 1);
        let mut late = signed_ticket(&k, r, 4, 3, 1);
        late.not_before_block = 100;
        for t in [&a, &b, &c, &late] {
            q.insert(t).unwrap();
        }
        let order: Vec<_> = q.due(50, 10).unwrap().into_iter().map(|x| x.hash).collect();
        assert_eq!(order, vec![b.hash(), a.hash(), c.hash()]);
        let order: Vec<_> = q.due(100, 10).unwrap().into_iter().map(|x| x.hash).collect();
        assert_eq!(order, vec![late.hash(), b.hash(), a.hash(), c.hash()]);
        assert_eq!(q.due(100, 2).unwrap().len(), 2);
    }

    #[test]
    fn lifecycle_submit_retry_redeem_drop() {
        let (_d, q) = queue();
        let k = PrivateKeySigner::random();
        let r = Address::repeat_byte(1);
        let a = signed_ticket(&k, r, 1, 1, 1);
        let b = signed_ticket(&k, r, 2, 1, 1);
        let c = signed_ticket(&k, r, 3, 1, 1);
        for t in [&a, &b, &c] {
            q.insert(t).unwrap();
        }
        q.mark_submitting(&[a.hash(), b.hash()], "redeem:x:0:2").unwrap();
        assert_eq!(q.submitting_labels().unwrap(), vec!["redeem:x:0:2".to_string()]);
        assert_eq!(q.by_label("redeem:x:0:2").unwrap().len(), 2);
        assert_eq!(q.due(0, 10).unwrap().len(), 1, "submitting tickets are not due");
        q.redeemed(a.hash(), B256::ZERO).unwrap();
        q.retry(b.hash(), "sender is unlocked", 60_000).unwrap();
        let gb = q.get(b.hash()).unwrap().unwrap();
        assert_eq!((gb.status, gb.attempts, gb.label), (Status::Queued, 1, None));
        assert!(q.due(0, 10).unwrap().iter().all(|t| t.hash != b.hash()), "b waits for its retry time");
        q.retry(c.hash(), "rpc", 0).unwrap();
        assert!(q.due(0, 10).unwrap().iter().any(|t| t.hash == c.hash()));
        q.drop_ticket(c.hash(), "ticket is used").unwrap();
        assert_eq!(q.counts().unwrap(), Counts { queued: 1, submitting: 0, redeemed: 1, dropped: 1 });
        assert_eq!(q.list(Some(Status::Dropped), 10).unwrap()[0].reason.as_deref(), Some("ticket is used"));
        // A redeemed ticket is not pulled back by a late retry.
        q.retry(a.hash(), "late", 0).unwrap();
        assert_eq!(q.get(a.hash()).unwrap().unwrap().status, Status::Redeemed);
    }
}
