//! The address book the deployer writes: `deployments/<network>.json`.
//!
//! Clients read it through `lpx-chain-config`; the deployer also reads its own previous
//! book back, which is what makes a second run against the same network a no-op.

use std::{collections::BTreeMap, path::Path};

use alloy::primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use crate::DeployError;

/// Everything a client or a later deployer run needs to know about one deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressBook {
    /// Network name.
    pub network: String,
    /// Chain id the contracts live on.
    pub chain_id: u64,
    /// Contracts by Livepeer name (`"BondingManager"`, ...).
    pub contracts: BTreeMap<String, ContractRecord>,
}

/// One deployed program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractRecord {
    /// Where it lives.
    pub address: Address,
    /// keccak256 of its on-chain code (prefix included): its activation identity.
    pub code_hash: B256,
    /// Size of the WASM module.
    pub wasm_bytes: usize,
    /// Size of the on-chain code (prefix + brotli), the figure Arbitrum's 24 KiB limit counts.
    pub compressed_bytes: usize,
    /// The transaction that deployed it.
    pub deploy_tx: B256,
}

impl AddressBook {
    /// Reads a book; `Ok(None)` when the file does not exist yet.
    pub fn load(path: &Path) -> Result<Option<Self>, DeployError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| DeployError::Config(format!("{} is not an lpx address book: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DeployError::Config(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Writes the book atomically (temp file + rename), so an interrupted run never leaves
    /// a truncated file behind.
    pub fn save(&self, path: &Path) -> Result<(), DeployError> {
        let io = |e: std::io::Error| DeployError::Config(format!("cannot write {}: {e}", path.display()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut text = serde_json::to_string_pretty(self).map_err(|e| DeployError::Config(e.to_string()))?;
        text.push('\n');
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// The address of `name`, if deployed.
    pub fn address(&self, name: &str) -> Option<Address> {
        self.contracts.get(name).map(|c| c.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_a_file() {
        let dir = std::env::temp_dir().join(format!("lpx-book-{}", std::process::id()));
        let path = dir.join("devnet.json");
        assert_eq!(AddressBook::load(&path).unwrap(), None);
        let mut book = AddressBook { network: "devnet".into(), chain_id: 412346, ..Default::default() };
        book.contracts.insert(
            "Controller".into(),
            ContractRecord {
                address: Address::repeat_byte(1),
                code_hash: B256::repeat_byte(2),
                wasm_bytes: 10,
                compressed_bytes: 5,
                deploy_tx: B256::repeat_byte(3),
            },
        );
        book.save(&path).unwrap();
        assert_eq!(AddressBook::load(&path).unwrap(), Some(book.clone()));
        assert_eq!(book.address("Controller"), Some(Address::repeat_byte(1)));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
