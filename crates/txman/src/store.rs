//! The transaction manager's SQLite state: every transaction it signs, with every signed
//! attempt (the raw bytes, so a restart can re-broadcast them), written **before** the
//! transaction is broadcast. That record is what makes a restart safe: the nonces in use,
//! the transactions still in flight and the labels already sent are read back from it.

use std::{
    path::Path,
    sync::Mutex,
    time::{SystemTime, UNIX_EPOCH},
};

use alloy::primitives::{Address, Bytes, B256, U256};
use rusqlite::{params, Connection, OptionalExtension};

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("transaction store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value could not be parsed back.
    #[error("transaction store holds a malformed value: {0}")]
    Corrupt(String),
}

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// Signed and (probably) broadcast; no receipt yet.
    Pending,
    /// Included with status 1.
    Mined,
    /// Included with status 0.
    Reverted,
    /// Will never be included: its nonce was used by another transaction.
    Dropped,
}

impl TxStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Mined => "mined",
            Self::Reverted => "reverted",
            Self::Dropped => "dropped",
        }
    }
    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "pending" => Self::Pending,
            "mined" => Self::Mined,
            "reverted" => Self::Reverted,
            "dropped" => Self::Dropped,
            o => return Err(StoreError::Corrupt(format!("status {o}"))),
        })
    }
}

/// One signed version of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Its hash.
    pub hash: B256,
    /// The EIP-2718 bytes, ready for `eth_sendRawTransaction`.
    pub raw: Bytes,
    /// Fee cap (legacy: the gas price), wei per gas.
    pub max_fee: u128,
    /// Priority fee (legacy: the gas price), wei per gas.
    pub max_priority_fee: u128,
    /// When it was broadcast, Unix milliseconds.
    pub sent_at_ms: u64,
}

/// A transaction as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRecord {
    /// Row id.
    pub id: i64,
    /// Its nonce.
    pub nonce: u64,
    /// The caller's idempotence key, e.g. `initializeRound:42`.
    pub label: String,
    /// Destination.
    pub to: Address,
    /// Calldata.
    pub input: Bytes,
    /// Value sent.
    pub value: U256,
    /// Gas limit.
    pub gas_limit: u64,
    /// Where it stands.
    pub status: TxStatus,
    /// Attempts, oldest first.
    pub attempts: Vec<Attempt>,
    /// The attempt that was included, once known.
    pub mined_hash: Option<B256>,
    /// Block it was included in.
    pub block_number: Option<u64>,
    /// Gas it used.
    pub gas_used: Option<u64>,
    /// Price per gas it paid.
    pub effective_gas_price: Option<u128>,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: u64,
}

impl TxRecord {
    /// The newest attempt (every record has at least one).
    pub fn latest(&self) -> Option<&Attempt> {
        self.attempts.last()
    }
}

/// What inclusion looked like, for [`TxStore::finish`].
#[derive(Debug, Clone, Copy)]
pub struct Inclusion {
    /// The attempt included.
    pub hash: B256,
    /// Its block.
    pub block_number: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Price per gas paid.
    pub effective_gas_price: u128,
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The store; one per process and database file.
#[derive(Debug)]
pub struct TxStore {
    conn: Mutex<Connection>,
    chain_id: u64,
    sender: Address,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS txman_txs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  chain_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  nonce INTEGER NOT NULL,
  label TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  input BLOB NOT NULL,
  value TEXT NOT NULL,
  gas_limit INTEGER NOT NULL,
  status TEXT NOT NULL,
  mined_hash TEXT,
  block_number INTEGER,
  gas_used INTEGER,
  effective_gas_price TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS txman_txs_label ON txman_txs(chain_id, sender, label);
CREATE INDEX IF NOT EXISTS txman_txs_status ON txman_txs(chain_id, sender, status);
CREATE TABLE IF NOT EXISTS txman_attempts (
  hash TEXT PRIMARY KEY,
  tx_id INTEGER NOT NULL REFERENCES txman_txs(id),
  raw BLOB NOT NULL,
  max_fee TEXT NOT NULL,
  max_priority_fee TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS txman_attempts_tx ON txman_attempts(tx_id);
";

/// Opens a SQLite file the way every lpx daemon does: WAL (readers never block the
/// writer), a busy timeout instead of instant `SQLITE_BUSY`, and `synchronous=FULL` so a
/// committed row survives a power cut.
pub fn open_db(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// `PRAGMA wal_checkpoint(TRUNCATE)`: moves the WAL into the main file and empties it.
pub fn checkpoint(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

fn parse_b256(s: &str) -> Result<B256, StoreError> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("hash {s}")))
}
fn parse_u128(s: &str) -> Result<u128, StoreError> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("u128 {s}")))
}

impl TxStore {
    /// Opens (and creates) the store for one signer on one chain.
    pub fn open(path: &Path, chain_id: u64, sender: Address) -> Result<Self, StoreError> {
        let conn = open_db(path)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn: Mutex::new(conn), chain_id, sender })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent (every write is a
        // transaction), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a new transaction with its first attempt; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub fn insert(&self, nonce: u64, label: &str, to: Address, input: &Bytes, value: U256, gas_limit: u64, attempt: &Attempt) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let now = now_ms() as i64;
        tx.execute(
            "INSERT INTO txman_txs (chain_id, sender, nonce, label, to_addr, input, value, gas_limit, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9)",
            params![
                self.chain_id as i64,
                self.sender.to_string(),
                nonce as i64,
                label,
                to.to_string(),
                input.as_ref(),
                value.to_string(),
                gas_limit as i64,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_attempt(&tx, id, attempt)?;
        tx.commit()?;
        Ok(id)
    }

    /// Adds a replacement attempt.
    pub fn add_attempt(&self, id: i64, attempt: &Attempt) -> Result<(), StoreError> {
        let conn = self.conn();
        insert_attempt(&conn, id, attempt)?;
        conn.execute("UPDATE txman_txs SET updated_at = ?2 WHERE id = ?1", params![id, now_ms() as i64])?;
        Ok(())
    }

    /// Moves a transaction to a new nonce, forgetting attempts signed for the old one.
    pub fn renonce(&self, id: i64, nonce: u64, attempt: &Attempt) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM txman_attempts WHERE tx_id = ?1", params![id])?;
        tx.execute("UPDATE txman_txs SET nonce = ?2, updated_at = ?3 WHERE id = ?1", params![id, nonce as i64, now_ms() as i64])?;
        insert_attempt(&tx, id, attempt)?;
        tx.commit()?;
        Ok(())
    }

    /// Records the final state of a transaction.
    pub fn finish(&self, id: i64, status: TxStatus, inclusion: Option<Inclusion>) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute(
            "UPDATE txman_txs SET status = ?2, mined_hash = ?3, block_number = ?4, gas_used = ?5,
             effective_gas_price = ?6, updated_at = ?7 WHERE id = ?1",
            params![
                id,
                status.as_str(),
                inclusion.map(|i| i.hash.to_string()),
                inclusion.map(|i| i.block_number as i64),
                inclusion.map(|i| i.gas_used as i64),
                inclusion.map(|i| i.effective_gas_price.to_string()),
                now_ms() as i64
            ],
        )?;
        Ok(())
    }

    /// One transaction.
    pub fn get(&self, id: i64) -> Result<Option<TxRecord>, StoreError> {
        let conn = self.conn();
        let rec = conn.query_row(&format!("{SELECT} WHERE id = ?1"), params![id], row_to_record).optional()?;
        rec.map(|r| with_attempts(&conn, r)).transpose()
    }

    /// The newest transaction with this label, if any.
    pub fn by_label(&self, label: &str) -> Result<Option<TxRecord>, StoreError> {
        let conn = self.conn();
        let rec = conn
            .query_row(
                &format!("{SELECT} WHERE chain_id = ?1 AND sender = ?2 AND label = ?3 ORDER BY id DESC LIMIT 1"),
                params![self.chain_id as i64, self.sender.to_string(), label],
                row_to_record,
            )
            .optional()?;
        rec.map(|r| with_attempts(&conn, r)).transpose()
    }

    /// Every pending transaction of this signer, lowest nonce first.
    pub fn pending(&self) -> Result<Vec<TxRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT} WHERE chain_id = ?1 AND sender = ?2 AND status = 'pending' ORDER BY nonce, id"))?;
        let rows = stmt.query_map(params![self.chain_id as i64, self.sender.to_string()], row_to_record)?.collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        rows.into_iter().map(|r| with_attempts(&conn, r)).collect()
    }

    /// Writes the write-ahead log into the database file (on a clean shutdown, so the
    /// file alone holds everything).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        checkpoint(&self.conn())
    }

    /// The most gas any of the last `last` successful transactions of a kind (label prefix
    /// before the first ':') used; `None` if there is none. A caller that sends the same
    /// call every round uses it, with a margin, as the gas limit instead of estimating.
    pub fn recent_max_gas_used(&self, kind: &str, last: usize) -> Result<Option<u64>, StoreError> {
        let conn = self.conn();
        let max: Option<i64> = conn.query_row(
            "SELECT MAX(gas_used) FROM (SELECT gas_used FROM txman_txs
             WHERE chain_id = ?1 AND sender = ?2 AND status = 'mined' AND gas_used IS NOT NULL
               AND substr(label, 1, length(?3) + 1) = ?3 || ':'
             ORDER BY id DESC LIMIT ?4)",
            params![self.chain_id as i64, self.sender.to_string(), kind, last as i64],
            |r| r.get(0),
        )?;
        Ok(max.map(|g| g as u64))
    }

    /// Totals of what included transactions cost, by label prefix (the text before the
    /// first ':'): `(prefix, count, gas used, wei spent)`.
    pub fn spend_by_kind(&self) -> Result<Vec<(String, u64, u64, u128)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT label, gas_used, effective_gas_price FROM txman_txs
             WHERE chain_id = ?1 AND sender = ?2 AND status IN ('mined','reverted')",
        )?;
        let mut out: std::collections::BTreeMap<String, (u64, u64, u128)> = Default::default();
        let rows = stmt.query_map(params![self.chain_id as i64, self.sender.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        for row in rows {
            let (label, gas, price) = row?;
            let kind = label.split(':').next().unwrap_or("").to_string();
            let gas = gas.unwrap_or(0) as u64;
            let price = price.as_deref().map(parse_u128).transpose()?.unwrap_or(0);
            let e = out.entry(kind).or_default();
            e.0 += 1;
            e.1 += gas;
            e.2 += gas as u128 * price;
        }
        Ok(out.into_iter().map(|(k, (n, g, w))| (k, n, g, w)).collect())
    }
}

const SELECT: &str = "SELECT id, nonce, label, to_addr, input, value, gas_limit, status, mined_hash,
    block_number, gas_used, effective_gas_price, created_at FROM txman_txs";

fn insert_attempt(conn: &Connection, id: i64, a: &Attempt) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO txman_attempts (hash, tx_id, raw, max_fee, max_priority_fee, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![a.hash.to_string(), id, a.raw.as_ref(), a.max_fee.to_string(), a.max_priority_fee.to_string(), a.sent_at_ms as i64],
    )?;
    Ok(())
}

/// The raw columns of a row; parsed in [`with_attempts`] where errors can be typed.
type RawRow = (i64, i64, String, String, Vec<u8>, String, i64, String, Option<String>, Option<i64>, Option<i64>, Option<String>, i64);

fn row_to_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?))
}

fn with_attempts(conn: &Connection, raw: RawRow) -> Result<TxRecord, StoreError> {
    let (id, nonce, label, to, input, value, gas_limit, status, mined, block, gas_used, price, created) = raw;
    let mut stmt = conn.prepare("SELECT hash, raw, max_fee, max_priority_fee, sent_at FROM txman_attempts WHERE tx_id = ?1 ORDER BY sent_at, rowid")?;
    let attempts = stmt
        .query_map(params![id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?)))?
        .map(|row| {
            let (h, raw, mf, mp, at) = row?;
            Ok(Attempt { hash: parse_b256(&h)?, raw: raw.into(), max_fee: parse_u128(&mf)?, max_priority_fee: parse_u128(&mp)?, sent_at_ms: at as u64 })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(TxRecord {
        id,
        nonce: nonce as u64,
        label,
        to: to.parse().map_err(|_| StoreError::Corrupt(format!("address {to}")))?,
        input: input.into(),
        value: value.parse().map_err(|_| StoreError::Corrupt(format!("value {value}")))?,
        gas_limit: gas_limit as u64,
        status: TxStatus::parse(&status)?,
        attempts,
        mined_hash: mined.as_deref().map(parse_b256).transpose()?,
        block_number: block.map(|b| b as u64),
        gas_used: gas_used.map(|g| g as u64),
        effective_gas_price: price.as_deref().map(parse_u128).transpose()?,
        created_at_ms: created as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(n: u8, at: u64) -> Attempt {
        Attempt { hash: B256::repeat_byte(n), raw: vec![n; 3].into(), max_fee: 100 + n as u128, max_priority_fee: n as u128, sent_at_ms: at }
    }

    #[test]
    fn records_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite");
        let me = Address::repeat_byte(1);
        let id = {
            let s = TxStore::open(&path, 31337, me).unwrap();
            let id = s.insert(7, "reward:0xab:3", Address::repeat_byte(2), &vec![1, 2].into(), U256::from(5), 90_000, &attempt(1, 10)).unwrap();
            s.add_attempt(id, &attempt(2, 20)).unwrap();
            id
        };
        let s = TxStore::open(&path, 31337, me).unwrap();
        let pending = s.pending().unwrap();
        assert_eq!(pending.len(), 1);
        let r = &pending[0];
        assert_eq!((r.id, r.nonce, r.label.as_str(), r.gas_limit, r.value), (id, 7, "reward:0xab:3", 90_000, U256::from(5)));
        assert_eq!(r.attempts, vec![attempt(1, 10), attempt(2, 20)]);
        assert_eq!(s.by_label("reward:0xab:3").unwrap().unwrap().id, id);
        // Another signer or chain sees nothing.
        assert!(TxStore::open(&path, 1, me).unwrap().pending().unwrap().is_empty());
        assert!(TxStore::open(&path, 31337, Address::repeat_byte(9)).unwrap().by_label("reward:0xab:3").unwrap().is_none());

        s.finish(id, TxStatus::Mined, Some(Inclusion { hash: B256::repeat_byte(2), block_number: 12, gas_used: 50_000, effective_gas_price: 3 })).unwrap();
        assert!(s.pending().unwrap().is_empty());
        let r = s.get(id).unwrap().unwrap();
        assert_eq!((r.status, r.mined_hash, r.gas_used), (TxStatus::Mined, Some(B256::repeat_byte(2)), Some(50_000)));
        assert_eq!(s.spend_by_kind().unwrap(), vec![("reward".to_string(), 1, 50_000, 150_000)]);
    }

    #[test]
    fn renonce_replaces_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let s = TxStore::open(&dir.path().join("k.sqlite"), 1, Address::ZERO).unwrap();
        let id = s.insert(3, "x", Address::ZERO, &Bytes::new(), U256::ZERO, 21_000, &attempt(1, 1)).unwrap();
        s.renonce(id, 4, &attempt(5, 2)).unwrap();
        let r = s.get(id).unwrap().unwrap();
        assert_eq!((r.nonce, r.attempts.len(), r.latest().unwrap().hash), (4, 1, B256::repeat_byte(5)));
    }

    #[test]
    fn recent_max_gas_used_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        let s = TxStore::open(&dir.path().join("k.sqlite"), 1, Address::ZERO).unwrap();
        assert_eq!(s.recent_max_gas_used("reward", 4).unwrap(), None);
        let mut n = 0u8;
        let mut add = |label: &str, status: TxStatus, gas: u64| {
            n += 1;
            let id = s.insert(n as u64, label, Address::ZERO, &Bytes::new(), U256::ZERO, 500_000, &attempt(n, 1)).unwrap();
            s.finish(id, status, Some(Inclusion { hash: B256::repeat_byte(n), block_number: 1, gas_used: gas, effective_gas_price: 1 })).unwrap();
        };
        add("reward:0xa:1", TxStatus::Mined, 90_000);
        add("reward:0xb:1", TxStatus::Mined, 70_000);
        add("rewardish:1", TxStatus::Mined, 999_999); // another kind with the same prefix
        add("reward:0xa:2", TxStatus::Reverted, 400_000); // failures say nothing about the need
        add("reward:0xa:3", TxStatus::Mined, 60_000);
        add("initializeRound:3", TxStatus::Mined, 120_000);
        assert_eq!(s.recent_max_gas_used("reward", 8).unwrap(), Some(90_000));
        assert_eq!(s.recent_max_gas_used("reward", 2).unwrap(), Some(70_000), "only the last two rewards");
        assert_eq!(s.recent_max_gas_used("initializeRound", 8).unwrap(), Some(120_000));
    }
}
