//! The address book a deployer writes to `deployments/<network>.json`.
//!
//! Clients need only contract addresses by name. The reader accepts the shapes a deployer
//! is likely to write, so the keeper does not break when the deployer adds fields:
//!
//! ```json
//! { "chainId": 412346,
//!   "contracts": {
//!     "Controller":    { "address": "0x…", "codeHash": "0x…", "wasmSize": 12345 },
//!     "RoundsManager": "0x…" } }
//! ```
//!
//! Contracts may also sit at the top level. Names match case-insensitively and ignore `_`
//! and `-` (`rounds_manager` = `RoundsManager`).

use std::{collections::BTreeMap, path::Path};

use alloy::primitives::Address;
use serde_json::Value;

/// Address book errors.
#[derive(Debug, thiserror::Error)]
pub enum DeploymentsError {
    /// The file cannot be read.
    #[error("cannot read deployments file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON or has no contracts.
    #[error("deployments file {path} is not a valid address book: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Contract addresses by normalized name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deployments {
    /// Chain id, when the file records one.
    pub chain_id: Option<u64>,
    contracts: BTreeMap<String, Address>,
}

fn norm(name: &str) -> String {
    name.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

fn address_of(v: &Value) -> Option<Address> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Object(o) => o.get("address").and_then(Value::as_str).and_then(|s| s.parse().ok()),
        _ => None,
    }
}

impl Deployments {
    /// Parses an address book.
    pub fn parse(text: &str, path: &str) -> Result<Self, DeploymentsError> {
        let invalid = |reason: String| DeploymentsError::Invalid { path: path.to_string(), reason };
        let root: Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let obj = root.as_object().ok_or_else(|| invalid("top level is not an object".into()))?;
        let chain_id = ["chainId", "chain_id"].iter().find_map(|k| obj.get(*k)).and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
        let mut contracts = BTreeMap::new();
        let nested = obj.get("contracts").and_then(Value::as_object);
        for map in [Some(obj), nested].into_iter().flatten() {
            for (k, v) in map {
                if let Some(a) = address_of(v) {
                    contracts.insert(norm(k), a);
                }
            }
        }
        if contracts.is_empty() {
            return Err(invalid("no contract addresses found".into()));
        }
        Ok(Self { chain_id, contracts })
    }

    /// Reads an address book file.
    pub fn load(path: &Path) -> Result<Self, DeploymentsError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| DeploymentsError::Read { path: p.clone(), source })?;
        Self::parse(&text, &p)
    }

    /// The address of `name` (e.g. `"RoundsManager"`), if listed.
    pub fn get(&self, name: &str) -> Option<Address> {
        self.contracts.get(&norm(name)).copied()
    }

    /// Adds or replaces an entry.
    pub fn insert(&mut self, name: &str, address: Address) {
        self.contracts.insert(norm(name), address);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_objects_strings_and_top_level() {
        let d = Deployments::parse(
            r#"{"chainId": 412346, "network": "devnet",
                "contracts": {"Controller": {"address": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "wasmSize": 10},
                              "rounds_manager": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
                "TicketBroker": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"}"#,
            "t.json",
        )
        .unwrap();
        assert_eq!(d.chain_id, Some(412346));
        assert_eq!(d.get("controller").unwrap().to_string(), "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        assert_eq!(d.get("RoundsManager").unwrap().to_string(), "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
        assert!(d.get("ticket-broker").is_some());
        assert!(d.get("Minter").is_none());
    }

    #[test]
    fn rejects_books_without_addresses() {
        assert!(Deployments::parse(r#"{"chainId": 1}"#, "x").is_err());
        assert!(Deployments::parse("nope", "x").is_err());
    }
}
