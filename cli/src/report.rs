//! Printing results.

use alloy::rpc::types::TransactionReceipt;

/// Prints a mined transaction: its hash, block and gas, or JSON with `--json`.
pub fn receipt(r: &TransactionReceipt, json: bool) {
    if json {
        let v = serde_json::json!({
            "transactionHash": r.transaction_hash,
            "blockNumber": r.block_number,
            "gasUsed": r.gas_used,
            "status": r.status(),
        });
        println!("{v}");
    } else {
        println!(
            "ok: transaction {} in block {} (gas {})",
            r.transaction_hash,
            r.block_number.map(|b| b.to_string()).unwrap_or_else(|| "?".into()),
            r.gas_used
        );
    }
}
