//! Polling filters (eth_newFilter, eth_newBlockFilter, eth_getFilterChanges...).

use std::collections::HashMap;

use alloy::rpc::types::Filter;
use alloy_primitives::{Log, B256, U256};
use parking_lot::Mutex;
use serde_json::Value;

use crate::node::Event;

/// What a filter collects.
#[derive(Debug)]
pub enum Kind {
    /// New block hashes.
    Blocks(Vec<B256>),
    /// Logs matching a filter.
    Logs(Box<Filter>, Vec<Value>),
    /// Pending transactions (always empty: transactions are mined at once or pooled silently).
    Pending,
}

/// All installed filters.
#[derive(Debug, Default)]
pub struct Filters {
    next: Mutex<u64>,
    map: Mutex<HashMap<U256, Kind>>,
}

impl Filters {
    /// Installs a filter; returns its id.
    pub fn install(&self, kind: Kind) -> U256 {
        let mut next = self.next.lock();
        *next += 1;
        let id = U256::from(*next);
        self.map.lock().insert(id, kind);
        id
    }

    /// Removes a filter.
    pub fn uninstall(&self, id: U256) -> bool {
        self.map.lock().remove(&id).is_some()
    }

    /// Drains what a filter collected since the last poll.
    pub fn changes(&self, id: U256) -> Option<Value> {
        let mut map = self.map.lock();
        Some(match map.get_mut(&id)? {
            Kind::Blocks(hashes) => serde_json::json!(std::mem::take(hashes)),
            Kind::Logs(_, logs) => Value::Array(std::mem::take(logs)),
            Kind::Pending => Value::Array(Vec::new()),
        })
    }

    /// The filter criteria of a log filter.
    pub fn log_filter(&self, id: U256) -> Option<Filter> {
        match self.map.lock().get(&id)? {
            Kind::Logs(f, _) => Some((**f).clone()),
            _ => None,
        }
    }

    /// Feeds a chain event to every filter.
    pub fn on_event(&self, event: &Event) {
        let Event::Block { hash, logs, number, .. } = event;
        for kind in self.map.lock().values_mut() {
            match kind {
                Kind::Blocks(hashes) => hashes.push(*hash),
                Kind::Logs(filter, out) => {
                    for (log, json) in logs {
                        if matches(filter, log, *number) {
                            out.push(json.clone());
                        }
                    }
                }
                Kind::Pending => {}
            }
        }
    }
}

/// Whether `log` in block `number` passes `filter` (addresses, topics and block range).
pub fn matches(filter: &Filter, log: &Log, number: u64) -> bool {
    if let Some(from) = filter.get_from_block() {
        if number < from {
            return false;
        }
    }
    if let Some(to) = filter.get_to_block() {
        if number > to {
            return false;
        }
    }
    if !filter.address.matches(&log.address) {
        return false;
    }
    filter.topics.iter().enumerate().all(|(i, t)| t.is_empty() || log.topics().get(i).is_some_and(|topic| t.matches(topic)))
}
