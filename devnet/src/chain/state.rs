//! Dumping and loading state (anvil_dumpState / anvil_loadState, --dump-state / --load-state),
//! and the persisted chain (`--state`): accounts plus the block history, written after every
//! call that mined a block, so a devnet killed at any moment restarts with every block it
//! ever acknowledged, receipts and logs included, like a node with a database.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, Bytes, U256};
use serde::{Deserialize, Serialize};

use super::{Chain, MinedBlock, MinedTx};

/// One account in a dump.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DumpedAccount {
    /// Nonce.
    pub nonce: u64,
    /// Balance.
    pub balance: U256,
    /// Code.
    pub code: Bytes,
    /// Non-zero storage.
    pub storage: BTreeMap<U256, U256>,
}

/// A state dump: every account, plus the block number it was taken at.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StateDump {
    /// Head block number when dumped.
    pub block_number: u64,
    /// Accounts.
    pub accounts: BTreeMap<Address, DumpedAccount>,
    /// The blocks and transactions, in persisted chains only (RPC dumps hold accounts, as
    /// anvil's do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<History>,
}

/// Blocks, mined transactions and the clock, enough to answer for the past after a restart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct History {
    /// Every block from genesis.
    pub blocks: Vec<MinedBlock>,
    /// Every mined transaction.
    pub txs: Vec<MinedTx>,
    /// Base fee of the next block.
    pub next_base_fee: u64,
    /// Clock offset (evm_increaseTime and friends).
    pub time_offset: i64,
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        let hashes = |h: &Self| (h.blocks.iter().map(|b| b.hash).collect::<Vec<_>>(), h.txs.iter().map(|t| t.tx.hash()).collect::<Vec<_>>());
        hashes(self) == hashes(other) && self.next_base_fee == other.next_base_fee && self.time_offset == other.time_offset
    }
}

impl Eq for History {}

/// A persisted chain could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot restore the chain from {path}: {reason}")]
pub struct RestoreError {
    /// The state file.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: String,
}

impl Chain {
    /// Dumps every account.
    pub fn dump_state(&self) -> StateDump {
        let accounts = self
            .db()
            .cache
            .accounts
            .iter()
            .filter(|(_, a)| !matches!(a.account_state, revm::database::AccountState::NotExisting))
            .map(|(addr, a)| {
                let storage = a.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
                let code = a.info.code.as_ref().map(|c| c.original_bytes()).unwrap_or_default();
                (*addr, DumpedAccount { nonce: a.info.nonce, balance: a.info.balance, code, storage })
            })
            .collect();
        StateDump { block_number: self.number(), accounts, history: None }
    }

    /// Dumps every account and the whole history.
    pub fn dump_chain(&self) -> StateDump {
        let mut dump = self.dump_state();
        let mut txs: Vec<MinedTx> = self.txs.values().cloned().collect();
        txs.sort_by_key(|t| (t.block_number, t.index));
        dump.history = Some(History { blocks: self.blocks.clone(), txs, next_base_fee: self.next_base_fee, time_offset: self.time_offset });
        dump
    }

    /// Persists the chain to `path` from now on: restores it from there first if the file
    /// exists, then writes it after every call that changes the head (see [`Self::persist`]).
    pub fn persist_to(&mut self, path: PathBuf) -> Result<(), RestoreError> {
        if path.exists() {
            let err = |reason: String| RestoreError { path: path.clone(), reason };
            let text = std::fs::read(&path).map_err(|e| err(e.to_string()))?;
            let dump: StateDump = serde_json::from_slice(&text).map_err(|e| err(e.to_string()))?;
            self.restore(&dump).map_err(err)?;
        }
        let head = self.head().hash;
        self.persist = Some((path, head));
        Ok(())
    }

    /// Writes the chain to its state file if the head moved since the last write. The file is
    /// replaced atomically (write, rename), so a process killed at any point leaves the old
    /// file or the new one. (No fsync: this survives the process, not the machine.)
    pub fn persist(&mut self) {
        let head = self.head().hash;
        let Some((path, written)) = &self.persist else { return };
        if *written == head {
            return;
        }
        let path = path.clone();
        match write_atomic(&path, &self.dump_chain()) {
            Ok(()) => self.persist = Some((path, head)),
            Err(e) => tracing::error!(path = %path.display(), error = %e, "cannot persist the chain"),
        }
    }

    /// Replaces this chain with a persisted one: its accounts and, when present, its history.
    pub fn restore(&mut self, dump: &StateDump) -> Result<(), String> {
        // Slots the dump leaves out are zero.
        for addr in dump.accounts.keys() {
            if let Some(a) = self.db_mut().cache.accounts.get_mut(addr) {
                a.storage.clear();
            }
        }
        self.load_state(dump);
        let Some(h) = &dump.history else { return Ok(()) };
        if h.blocks.is_empty() {
            return Err("the history has no genesis block".into());
        }
        self.blocks = h.blocks.clone();
        self.block_numbers = self.blocks.iter().map(|b| (b.hash, b.header.number)).collect();
        for b in &h.blocks {
            self.db_mut().cache.block_hashes.insert(U256::from(b.header.number), b.hash);
        }
        self.txs = h.txs.iter().map(|t| (t.tx.hash(), t.clone())).collect();
        self.next_base_fee = h.next_base_fee;
        self.time_offset = h.time_offset;
        self.pool.clear();
        Ok(())
    }

    /// Merges a dump into the current state.
    pub fn load_state(&mut self, dump: &StateDump) {
        for (addr, acc) in &dump.accounts {
            self.set_code(*addr, acc.code.clone());
            self.set_nonce(*addr, acc.nonce);
            self.set_balance(*addr, acc.balance);
            for (k, v) in &acc.storage {
                self.set_storage(*addr, *k, *v);
            }
        }
    }
}

fn write_atomic(path: &Path, dump: &StateDump) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension("tmp");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    serde_json::to_writer(&mut f, dump).map_err(std::io::Error::other)?;
    f.flush()?;
    drop(f);
    std::fs::rename(&tmp, path)
}
