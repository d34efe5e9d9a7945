//! Dumping and loading state (anvil_dumpState / anvil_loadState, --dump-state / --load-state).

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, U256};
use serde::{Deserialize, Serialize};

use super::Chain;

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
        StateDump { block_number: self.number(), accounts }
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
