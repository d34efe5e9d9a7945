//! JSON-RPC renderings of blocks, transactions and receipts (the shapes geth and anvil return).

use alloy::consensus::{Transaction as _, TxEnvelope, Typed2718};
use alloy_primitives::{Address, Log, B256};
use serde_json::{json, Value};

use super::{Chain, MinedBlock, MinedTx, PendingTx};

fn q<T: std::fmt::LowerHex>(v: T) -> String {
    format!("{v:#x}")
}

/// A block, with transaction hashes or full transactions.
pub fn block(chain: &Chain, b: &MinedBlock, full: bool) -> Value {
    let txs: Vec<Value> = b
        .txs
        .iter()
        .map(|hash| match (full, chain.txs.get(hash)) {
            (true, Some(t)) => transaction(&t.tx, Some(t)),
            _ => json!(hash),
        })
        .collect();
    let mut v = block_header(b);
    v["transactions"] = Value::Array(txs);
    v
}

/// A block without its transactions.
pub fn block_header(b: &MinedBlock) -> Value {
    let h = &b.header;
    json!({
        "hash": b.hash,
        "parentHash": h.parent_hash,
        "sha3Uncles": h.ommers_hash,
        "miner": h.beneficiary,
        "stateRoot": h.state_root,
        "transactionsRoot": h.transactions_root,
        "receiptsRoot": h.receipts_root,
        "logsBloom": h.logs_bloom,
        "difficulty": "0x0",
        "number": q(h.number),
        "gasLimit": q(h.gas_limit),
        "gasUsed": q(h.gas_used),
        "timestamp": q(h.timestamp),
        "extraData": h.extra_data,
        "mixHash": h.mix_hash,
        "nonce": h.nonce,
        "baseFeePerGas": q(h.base_fee_per_gas.unwrap_or_default()),
        "withdrawalsRoot": h.withdrawals_root,
        "blobGasUsed": "0x0",
        "excessBlobGas": "0x0",
        "parentBeaconBlockRoot": h.parent_beacon_block_root,
        "requestsHash": h.requests_hash,
        "totalDifficulty": "0x0",
        "size": q(1000u64 + 200 * b.txs.len() as u64),
        "uncles": [],
        "withdrawals": [],
    })
}

/// A transaction, with its block position when mined.
pub fn transaction(tx: &PendingTx, mined: Option<&MinedTx>) -> Value {
    let env: &TxEnvelope = &tx.envelope;
    let mut v = serde_json::to_value(env).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut v {
        map.insert("hash".into(), json!(tx.hash()));
        map.insert("from".into(), json!(tx.from));
        map.insert("blockHash".into(), mined.map_or(Value::Null, |m| json!(m.block_hash)));
        map.insert("blockNumber".into(), mined.map_or(Value::Null, |m| json!(q(m.block_number))));
        map.insert("transactionIndex".into(), mined.map_or(Value::Null, |m| json!(q(m.index))));
        if let Some(m) = mined {
            map.insert("gasPrice".into(), json!(q(m.effective_gas_price)));
        } else if !map.contains_key("gasPrice") {
            map.insert("gasPrice".into(), json!(q(env.max_fee_per_gas())));
        }
        map.insert("type".into(), json!(q(env.ty())));
    }
    v
}

/// One log in RPC form.
pub fn log(l: &Log, block_hash: B256, block_number: u64, tx_hash: B256, tx_index: u64, log_index: u64, timestamp: Option<u64>) -> Value {
    json!({
        "address": l.address,
        "topics": l.topics(),
        "data": l.data.data,
        "blockHash": block_hash,
        "blockNumber": q(block_number),
        "blockTimestamp": timestamp.map(q),
        "transactionHash": tx_hash,
        "transactionIndex": q(tx_index),
        "logIndex": q(log_index),
        "removed": false,
    })
}

/// The logs of a mined transaction.
pub fn tx_logs(t: &MinedTx, timestamp: Option<u64>) -> Vec<Value> {
    t.logs.iter().enumerate().map(|(i, l)| log(l, t.block_hash, t.block_number, t.tx.hash(), t.index, t.first_log_index + i as u64, timestamp)).collect()
}

/// A receipt.
pub fn receipt(t: &MinedTx, timestamp: Option<u64>) -> Value {
    let mut bloom = alloy_primitives::Bloom::default();
    for l in &t.logs {
        bloom.accrue_log(l);
    }
    let to: Option<Address> = t.tx.envelope.to();
    json!({
        "transactionHash": t.tx.hash(),
        "transactionIndex": q(t.index),
        "blockHash": t.block_hash,
        "blockNumber": q(t.block_number),
        "from": t.tx.from,
        "to": to,
        "cumulativeGasUsed": q(t.cumulative_gas_used),
        "gasUsed": q(t.gas_used),
        "effectiveGasPrice": q(t.effective_gas_price),
        "contractAddress": t.contract_address,
        "logs": tx_logs(t, timestamp),
        "logsBloom": bloom,
        "status": if t.success { "0x1" } else { "0x0" },
        "type": q(t.tx.envelope.ty()),
        "blobGasUsed": null,
        "blobGasPrice": null,
    })
}
