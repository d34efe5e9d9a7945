//! The method table: each arm parses its parameters into typed values and runs on the node.

use std::sync::Arc;

use alloy::{
    consensus::{SignableTransaction, Signed, TxEnvelope},
    eips::{BlockId, BlockNumberOrTag, Decodable2718},
    network::TxSignerSync,
    rpc::types::{state::StateOverride, Filter, TransactionRequest},
};
use alloy_primitives::{Address, Bytes, Signature, TxKind, B256, U256, U64};
use revm::{
    context::TxEnv,
    context_interface::result::{ExecutionResult, HaltReason, OutOfGasError},
    state::Bytecode,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{error::RpcError, filters, RpcState};
use crate::{
    chain::{json as render, state::StateDump, Chain, PendingTx},
    evm::DevDb,
    node::Event,
};

type Res = Result<Value, RpcError>;

/// Default priority fee suggested to wallets (anvil's).
const PRIORITY_FEE: u128 = 1_000_000_000;

fn param<T: DeserializeOwned>(params: &[Value], i: usize) -> Result<T, RpcError> {
    let v = params.get(i).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| RpcError::invalid_params(format!("parameter {i}: {e}")))
}

fn opt<T: DeserializeOwned>(params: &[Value], i: usize) -> Result<Option<T>, RpcError> {
    match params.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| RpcError::invalid_params(format!("parameter {i}: {e}"))),
    }
}

fn q<T: std::fmt::LowerHex>(v: T) -> Value {
    json!(format!("{v:#x}"))
}

async fn on<R: Send + 'static>(state: &RpcState, f: impl FnOnce(&mut Chain) -> R + Send + 'static) -> Result<R, RpcError> {
    state.node.with(f).await.map_err(RpcError::internal)
}

/// Routes one call.
pub async fn dispatch(state: &Arc<RpcState>, method: &str, p: Vec<Value>, ws: Option<&mpsc::UnboundedSender<Value>>) -> Res {
    match method {
        "web3_clientVersion" => Ok(json!(concat!("lpx-devnet/v", env!("CARGO_PKG_VERSION")))),
        "web3_sha3" => {
            let data: Bytes = param(&p, 0)?;
            Ok(json!(alloy_primitives::keccak256(data)))
        }
        "net_version" => on(state, |c| json!(c.config.chain_id.to_string())).await,
        "net_listening" => Ok(json!(true)),
        "net_peerCount" => Ok(q(0u64)),
        "eth_chainId" => on(state, |c| q(c.config.chain_id)).await,
        "eth_blockNumber" => on(state, |c| q(c.number())).await,
        "eth_accounts" => on(state, |c| json!(c.signers.addresses())).await,
        "eth_syncing" => Ok(json!(false)),
        "eth_mining" => on(state, |c| json!(c.automine || c.interval.is_some())).await,
        "eth_hashrate" => Ok(q(0u64)),
        "eth_coinbase" => Ok(json!(Address::ZERO)),
        "eth_protocolVersion" => Ok(json!("0x41")),
        "eth_gasPrice" => on(state, |c| q(u128::from(c.next_base_fee()) + PRIORITY_FEE)).await,
        "eth_maxPriorityFeePerGas" => Ok(q(PRIORITY_FEE)),
        "eth_blobBaseFee" => Ok(q(1u64)),
        "eth_feeHistory" => fee_history(state, p).await,
        "eth_getBalance" => {
            let a: Address = param(&p, 0)?;
            on(state, move |c| q(c.account(a).balance)).await
        }
        "eth_getCode" => {
            let a: Address = param(&p, 0)?;
            on(state, move |c| json!(c.code(a))).await
        }
        "eth_getStorageAt" => {
            let a: Address = param(&p, 0)?;
            let slot: U256 = param(&p, 1)?;
            on(state, move |c| json!(B256::from(c.storage(a, slot)))).await
        }
        "eth_getTransactionCount" => {
            let a: Address = param(&p, 0)?;
            let tag: Option<BlockId> = opt(&p, 1)?;
            let pending = matches!(tag, Some(BlockId::Number(BlockNumberOrTag::Pending)));
            on(state, move |c| q(if pending { c.pending_nonce(a) } else { c.account(a).nonce })).await
        }
        "eth_getBlockByNumber" => {
            let tag: BlockNumberOrTag = param(&p, 0)?;
            let full: bool = opt(&p, 1)?.unwrap_or(false);
            on(state, move |c| resolve(c, tag).and_then(|n| c.blocks.get(n as usize)).map(|b| render::block(c, b, full)).unwrap_or(Value::Null)).await
        }
        "eth_getBlockByHash" => {
            let hash: B256 = param(&p, 0)?;
            let full: bool = opt(&p, 1)?.unwrap_or(false);
            on(state, move |c| c.block_by_hash(&hash).map(|b| render::block(c, b, full)).unwrap_or(Value::Null)).await
        }
        "eth_getBlockTransactionCountByNumber" => {
            let tag: BlockNumberOrTag = param(&p, 0)?;
            on(state, move |c| resolve(c, tag).and_then(|n| c.blocks.get(n as usize)).map(|b| q(b.txs.len() as u64)).unwrap_or(Value::Null)).await
        }
        "eth_getBlockTransactionCountByHash" => {
            let hash: B256 = param(&p, 0)?;
            on(state, move |c| c.block_by_hash(&hash).map(|b| q(b.txs.len() as u64)).unwrap_or(Value::Null)).await
        }
        "eth_getUncleCountByBlockNumber" | "eth_getUncleCountByBlockHash" => Ok(q(0u64)),
        "eth_getTransactionByHash" => {
            let hash: B256 = param(&p, 0)?;
            on(state, move |c| {
                if let Some(t) = c.txs.get(&hash) {
                    return render::transaction(&t.tx, Some(t));
                }
                c.pool.iter().find(|t| t.hash() == hash).map(|t| render::transaction(t, None)).unwrap_or(Value::Null)
            })
            .await
        }
        "eth_getTransactionByBlockNumberAndIndex" => {
            let tag: BlockNumberOrTag = param(&p, 0)?;
            let index: U64 = param(&p, 1)?;
            on(state, move |c| {
                let block = resolve(c, tag).and_then(|n| c.blocks.get(n as usize));
                block
                    .and_then(|b| b.txs.get(index.to::<usize>()))
                    .and_then(|h| c.txs.get(h))
                    .map(|t| render::transaction(&t.tx, Some(t)))
                    .unwrap_or(Value::Null)
            })
            .await
        }
        "eth_getTransactionByBlockHashAndIndex" => {
            let hash: B256 = param(&p, 0)?;
            let index: U64 = param(&p, 1)?;
            on(state, move |c| {
                c.block_by_hash(&hash)
                    .and_then(|b| b.txs.get(index.to::<usize>()))
                    .and_then(|h| c.txs.get(h))
                    .map(|t| render::transaction(&t.tx, Some(t)))
                    .unwrap_or(Value::Null)
            })
            .await
        }
        "eth_getTransactionReceipt" => {
            let hash: B256 = param(&p, 0)?;
            on(state, move |c| {
                c.txs.get(&hash).map(|t| render::receipt(t, c.blocks.get(t.block_number as usize).map(|b| b.header.timestamp))).unwrap_or(Value::Null)
            })
            .await
        }
        "eth_getBlockReceipts" => {
            let tag: BlockNumberOrTag = param(&p, 0)?;
            on(state, move |c| {
                let Some(b) = resolve(c, tag).and_then(|n| c.blocks.get(n as usize)) else { return Value::Null };
                Value::Array(b.txs.iter().filter_map(|h| c.txs.get(h)).map(|t| render::receipt(t, Some(b.header.timestamp))).collect())
            })
            .await
        }
        "eth_call" => {
            let req: TransactionRequest = param(&p, 0)?;
            let overrides: Option<StateOverride> = opt(&p, 2)?;
            on(state, move |c| call(c, req, overrides)).await?
        }
        "eth_estimateGas" => {
            let req: TransactionRequest = param(&p, 0)?;
            let overrides: Option<StateOverride> = opt(&p, 2)?;
            on(state, move |c| estimate(c, req, overrides)).await?
        }
        "eth_sendRawTransaction" => {
            let raw: Bytes = param(&p, 0)?;
            let envelope = TxEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| RpcError::invalid_params(format!("failed to decode transaction: {e}")))?;
            let tx = PendingTx::recover(envelope).map_err(RpcError::invalid_params)?;
            on(state, move |c| c.submit(tx).map(|h| json!(h)).map_err(RpcError::server)).await?
        }
        "eth_sendTransaction" => {
            let req: TransactionRequest = param(&p, 0)?;
            on(state, move |c| send_transaction(c, req)).await?
        }
        "eth_sign" | "personal_sign" => {
            let (addr, data): (Address, Bytes) = if method == "eth_sign" { (param(&p, 0)?, param(&p, 1)?) } else { (param(&p, 1)?, param(&p, 0)?) };
            on(state, move |c| {
                use alloy::signers::SignerSync;
                let signer = c.signers.get(&addr).ok_or_else(|| RpcError::server(format!("no signer for {addr}")))?;
                let sig = signer.sign_message_sync(&data).map_err(RpcError::server)?;
                Ok(json!(Bytes::from(sig.as_bytes().to_vec())))
            })
            .await?
        }
        "eth_getLogs" => {
            let filter: Filter = param(&p, 0)?;
            on(state, move |c| get_logs(c, &filter)).await?
        }
        "eth_newFilter" => {
            let filter: Filter = param(&p, 0)?;
            Ok(q(state.filters.install(filters::Kind::Logs(Box::new(filter), Vec::new()))))
        }
        "eth_newBlockFilter" => Ok(q(state.filters.install(filters::Kind::Blocks(Vec::new())))),
        "eth_newPendingTransactionFilter" => Ok(q(state.filters.install(filters::Kind::Pending))),
        "eth_uninstallFilter" => {
            let id: U256 = param(&p, 0)?;
            Ok(json!(state.filters.uninstall(id)))
        }
        "eth_getFilterChanges" => {
            let id: U256 = param(&p, 0)?;
            state.filters.changes(id).ok_or_else(|| RpcError::server("filter not found"))
        }
        "eth_getFilterLogs" => {
            let id: U256 = param(&p, 0)?;
            let filter = state.filters.log_filter(id).ok_or_else(|| RpcError::server("filter not found"))?;
            on(state, move |c| get_logs(c, &filter)).await?
        }
        "eth_subscribe" => subscribe(state, p, ws),
        "eth_unsubscribe" => Ok(json!(true)),

        // anvil / hardhat / ganache dev methods
        "evm_mine" | "anvil_mine_detailed" => {
            let ts = mine_timestamp(&p)?;
            on(state, move |c| {
                c.mine(ts);
                json!("0x0")
            })
            .await
        }
        "anvil_mine" | "hardhat_mine" => {
            let blocks: Option<U256> = opt(&p, 0)?;
            let interval: Option<U256> = opt(&p, 1)?;
            let blocks = blocks.map_or(1, |b| b.saturating_to::<u64>()).max(1);
            let interval = interval.map(|i| i.saturating_to::<u64>());
            on(state, move |c| {
                for i in 0..blocks {
                    let ts = interval.filter(|_| i > 0).map(|d| c.head().header.timestamp + d);
                    c.mine(ts);
                }
                Value::Null
            })
            .await
        }
        "evm_increaseTime" | "anvil_increaseTime" => {
            let secs: U256 = param(&p, 0)?;
            let secs = i64::try_from(secs.saturating_to::<u64>()).unwrap_or(i64::MAX);
            on(state, move |c| json!(c.increase_time(secs))).await
        }
        "evm_setNextBlockTimestamp" | "anvil_setNextBlockTimestamp" => {
            let ts: U256 = param(&p, 0)?;
            on(state, move |c| c.set_next_timestamp(ts.saturating_to()).map(|_| Value::Null).map_err(RpcError::server)).await?
        }
        "evm_setTime" | "anvil_setTime" => {
            let ts: U256 = param(&p, 0)?;
            on(state, move |c| q(c.set_time(ts.saturating_to()).max(0) as u64)).await
        }
        "evm_snapshot" | "anvil_snapshot" => on(state, |c| q(c.snapshot())).await,
        "evm_revert" | "anvil_revert" => {
            let id: U256 = param(&p, 0)?;
            on(state, move |c| json!(c.revert(id.saturating_to()))).await
        }
        "anvil_setBalance" | "hardhat_setBalance" => {
            let (a, v): (Address, U256) = (param(&p, 0)?, param(&p, 1)?);
            on(state, move |c| {
                c.set_balance(a, v);
                Value::Null
            })
            .await
        }
        "anvil_addBalance" => {
            let (a, v): (Address, U256) = (param(&p, 0)?, param(&p, 1)?);
            on(state, move |c| {
                let b = c.account(a).balance.saturating_add(v);
                c.set_balance(a, b);
                Value::Null
            })
            .await
        }
        "anvil_setCode" | "hardhat_setCode" => {
            let (a, code): (Address, Bytes) = (param(&p, 0)?, param(&p, 1)?);
            on(state, move |c| {
                c.set_code(a, code);
                Value::Null
            })
            .await
        }
        "anvil_setNonce" | "hardhat_setNonce" | "evm_setAccountNonce" => {
            let (a, n): (Address, U256) = (param(&p, 0)?, param(&p, 1)?);
            on(state, move |c| {
                c.set_nonce(a, n.saturating_to());
                Value::Null
            })
            .await
        }
        "anvil_setStorageAt" | "hardhat_setStorageAt" => {
            let (a, slot, v): (Address, U256, B256) = (param(&p, 0)?, param(&p, 1)?, param(&p, 2)?);
            on(state, move |c| {
                c.set_storage(a, slot, v.into());
                json!(true)
            })
            .await
        }
        "anvil_impersonateAccount" | "hardhat_impersonateAccount" => {
            let a: Address = param(&p, 0)?;
            on(state, move |c| {
                c.impersonated.insert(a);
                Value::Null
            })
            .await
        }
        "anvil_stopImpersonatingAccount" | "hardhat_stopImpersonatingAccount" => {
            let a: Address = param(&p, 0)?;
            on(state, move |c| {
                c.impersonated.remove(&a);
                Value::Null
            })
            .await
        }
        "anvil_autoImpersonateAccount" => {
            let on_: bool = param(&p, 0)?;
            on(state, move |c| {
                c.auto_impersonate = on_;
                Value::Null
            })
            .await
        }
        "anvil_setAutomine" | "evm_setAutomine" => {
            let auto: bool = param(&p, 0)?;
            on(state, move |c| {
                c.automine = auto;
                Value::Null
            })
            .await
        }
        "anvil_getAutomine" | "hardhat_getAutomine" => on(state, |c| json!(c.automine)).await,
        "evm_setIntervalMining" | "anvil_setIntervalMining" => {
            let secs: u64 = param(&p, 0)?;
            on(state, move |c| {
                c.interval = (secs > 0).then(|| std::time::Duration::from_secs(secs));
                Value::Null
            })
            .await
        }
        "anvil_getIntervalMining" => on(state, |c| json!(c.interval.map(|d| d.as_secs()))).await,
        "anvil_setNextBlockBaseFeePerGas" => {
            let fee: U256 = param(&p, 0)?;
            on(state, move |c| {
                c.set_next_base_fee(fee.saturating_to());
                Value::Null
            })
            .await
        }
        "anvil_setBlockGasLimit" | "evm_setBlockGasLimit" => {
            let limit: U256 = param(&p, 0)?;
            on(state, move |c| {
                c.config.gas_limit = limit.saturating_to();
                json!(true)
            })
            .await
        }
        "anvil_reset" | "hardhat_reset" => {
            on(state, |c| {
                c.reset();
                Value::Null
            })
            .await
        }
        "anvil_dumpState" | "hardhat_dumpState" => {
            on(state, |c| {
                let dump = serde_json::to_vec(&c.dump_state()).unwrap_or_default();
                json!(Bytes::from(dump))
            })
            .await
        }
        "anvil_loadState" | "hardhat_loadState" => {
            let data: Bytes = param(&p, 0)?;
            let dump: StateDump = serde_json::from_slice(&data).map_err(RpcError::invalid_params)?;
            on(state, move |c| {
                c.load_state(&dump);
                json!(true)
            })
            .await
        }
        "anvil_nodeInfo" => {
            on(state, |c| {
                json!({
                    "currentBlockNumber": q(c.number()),
                    "currentBlockTimestamp": c.head().header.timestamp,
                    "currentBlockHash": c.head().hash,
                    "hardFork": format!("{:?}", c.config.spec),
                    "network": c.config.chain_id,
                    "environment": { "baseFee": c.next_base_fee(), "chainId": c.config.chain_id, "gasLimit": c.config.gas_limit },
                })
            })
            .await
        }
        "anvil_metadata" | "hardhat_metadata" => {
            on(state, |c| {
                json!({
                    "clientVersion": concat!("lpx-devnet/v", env!("CARGO_PKG_VERSION")),
                    "chainId": c.config.chain_id,
                    "latestBlockNumber": c.number(),
                    "latestBlockHash": c.head().hash,
                    "snapshots": {},
                })
            })
            .await
        }
        "txpool_status" => on(state, |c| json!({ "pending": q(c.pool.len() as u64), "queued": "0x0" })).await,
        _ => Err(RpcError::method_not_found(method)),
    }
}

fn mine_timestamp(p: &[Value]) -> Result<Option<u64>, RpcError> {
    match p.first() {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(o.get("timestamp").and_then(|t| serde_json::from_value::<U256>(t.clone()).ok()).map(|t| t.saturating_to())),
        Some(v) => serde_json::from_value::<U256>(v.clone()).map(|t| Some(t.saturating_to())).map_err(RpcError::invalid_params),
    }
}

/// Resolves a block tag to a number (pending/latest/safe/finalized are the head).
fn resolve(c: &Chain, tag: BlockNumberOrTag) -> Option<u64> {
    match tag {
        BlockNumberOrTag::Number(n) => (n <= c.number()).then_some(n),
        BlockNumberOrTag::Earliest => Some(0),
        _ => Some(c.number()),
    }
}

async fn fee_history(state: &RpcState, p: Vec<Value>) -> Res {
    let count: U256 = param(&p, 0)?;
    let newest: BlockNumberOrTag = param(&p, 1)?;
    let percentiles: Option<Vec<f64>> = opt(&p, 2)?;
    on(state, move |c| {
        let newest = resolve(c, newest).unwrap_or(c.number());
        let count = count.saturating_to::<u64>().clamp(1, 1024).min(newest + 1);
        let oldest = newest + 1 - count;
        let mut base = Vec::new();
        let mut ratio = Vec::new();
        let mut rewards = Vec::new();
        for n in oldest..=newest {
            let h = &c.blocks[n as usize].header;
            base.push(q(h.base_fee_per_gas.unwrap_or_default()));
            ratio.push(json!(h.gas_used as f64 / h.gas_limit as f64));
            if let Some(p) = &percentiles {
                rewards.push(json!(p.iter().map(|_| q(0u64)).collect::<Vec<_>>()));
            }
        }
        base.push(q(c.next_base_fee()));
        let mut v = json!({ "oldestBlock": q(oldest), "baseFeePerGas": base, "gasUsedRatio": ratio,
            "baseFeePerBlobGas": vec![q(0u64); count as usize + 1], "blobGasUsedRatio": vec![0.0; count as usize] });
        if percentiles.is_some() {
            v["reward"] = json!(rewards);
        }
        v
    })
    .await
}

/// The revm transaction for a call request.
fn call_env(c: &Chain, req: &TransactionRequest, gas_cap: u64) -> TxEnv {
    let from = req.from.unwrap_or_default();
    let gas_price = req.gas_price.or(req.max_fee_per_gas).unwrap_or(0);
    TxEnv {
        tx_type: if req.gas_price.is_some() || req.max_fee_per_gas.is_none() { 0 } else { 2 },
        caller: from,
        gas_limit: req.gas.unwrap_or(gas_cap).min(gas_cap),
        gas_price,
        kind: req.to.unwrap_or(TxKind::Create),
        value: req.value.unwrap_or_default(),
        data: req.input.input().cloned().unwrap_or_default(),
        nonce: c.account(from).nonce,
        chain_id: Some(c.config.chain_id),
        access_list: req.access_list.clone().unwrap_or_default(),
        gas_priority_fee: req.max_priority_fee_per_gas.filter(|_| req.gas_price.is_none() && req.max_fee_per_gas.is_some()),
        ..Default::default()
    }
}

fn overridden_db(c: &Chain, overrides: Option<StateOverride>) -> Option<DevDb> {
    let overrides = overrides?;
    let mut db = c.db().clone();
    for (addr, o) in overrides {
        let mut info = db.cache.accounts.get(&addr).map(|a| a.info.clone()).unwrap_or_default();
        if let Some(b) = o.balance {
            info.balance = b;
        }
        if let Some(n) = o.nonce {
            info.nonce = n;
        }
        if let Some(code) = o.code {
            let bc = Bytecode::new_raw(code);
            info.code_hash = bc.hash_slow();
            info.code = Some(bc);
        }
        db.insert_account_info(addr, info);
        if let Some(state) = o.state {
            let _ = db.replace_account_storage(addr, state.into_iter().map(|(k, v)| (k.into(), v.into())).collect());
        }
        if let Some(diff) = o.state_diff {
            for (k, v) in diff {
                let _ = db.insert_account_storage(addr, k.into(), v.into());
            }
        }
    }
    Some(db)
}

fn exec_error(result: ExecutionResult) -> Result<Bytes, RpcError> {
    match result {
        ExecutionResult::Success { output, .. } => Ok(output.into_data()),
        ExecutionResult::Revert { output, .. } => Err(RpcError::reverted(output)),
        ExecutionResult::Halt { reason, .. } => Err(RpcError::server(halt_message(&reason))),
    }
}

fn halt_message(reason: &HaltReason) -> String {
    match reason {
        HaltReason::OutOfGas(_) => "out of gas".into(),
        other => format!("execution halted: {other:?}"),
    }
}

fn call(c: &mut Chain, req: TransactionRequest, overrides: Option<StateOverride>) -> Res {
    let env = call_env(c, &req, c.config.gas_limit);
    let db = overridden_db(c, overrides);
    let result = c.call(env, db).map_err(RpcError::server)?;
    exec_error(result).map(|b| json!(b))
}

fn estimate(c: &mut Chain, req: TransactionRequest, overrides: Option<StateOverride>) -> Res {
    let cap = req.gas.unwrap_or(c.config.gas_limit).min(c.config.gas_limit);
    let base = call_env(c, &req, cap);
    let db = overridden_db(c, overrides);
    let run = |c: &mut Chain, gas: u64| {
        let mut env = base.clone();
        env.gas_limit = gas;
        c.call(env, db.clone())
    };
    let first = run(c, cap).map_err(RpcError::server)?;
    let used = match &first {
        ExecutionResult::Success { gas, .. } => gas.tx_gas_used(),
        ExecutionResult::Revert { .. } => return exec_error(first).map(|_| Value::Null),
        ExecutionResult::Halt { reason: HaltReason::OutOfGas(OutOfGasError::Basic), .. } => {
            return Err(RpcError::server(format!("gas required exceeds allowance ({cap})")));
        }
        ExecutionResult::Halt { .. } => return exec_error(first).map(|_| Value::Null),
    };
    // Binary search for the smallest limit that succeeds (refunds and 63/64 make `used` too low).
    let (mut lo, mut hi) = (used.saturating_sub(1), cap);
    if matches!(run(c, used), Ok(ExecutionResult::Success { .. })) {
        return Ok(q(used));
    }
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        match run(c, mid) {
            Ok(ExecutionResult::Success { .. }) => hi = mid,
            _ => lo = mid,
        }
    }
    Ok(q(hi))
}

fn send_transaction(c: &mut Chain, mut req: TransactionRequest) -> Res {
    let from = req.from.ok_or_else(|| RpcError::invalid_params("missing from"))?;
    req.chain_id.get_or_insert(c.config.chain_id);
    if req.nonce.is_none() {
        req.nonce = Some(c.pending_nonce(from));
    }
    if req.gas.is_none() {
        let est = estimate(c, req.clone(), None)?;
        let gas: U64 = serde_json::from_value(est).map_err(RpcError::internal)?;
        req.gas = Some(gas.to());
    }
    if req.gas_price.is_none() {
        let prio = req.max_priority_fee_per_gas.unwrap_or(PRIORITY_FEE);
        req.max_priority_fee_per_gas = Some(prio);
        req.max_fee_per_gas.get_or_insert(u128::from(c.next_base_fee()) * 2 + prio);
    }
    let impersonated = c.auto_impersonate || c.impersonated.contains(&from);
    let typed = req.build_typed_tx().map_err(|_| RpcError::invalid_params("incomplete transaction"))?;
    let envelope: TxEnvelope = if let (false, Some(signer)) = (impersonated, c.signers.get(&from)) {
        let mut typed = typed;
        let sig = signer.sign_transaction_sync(&mut typed).map_err(RpcError::server)?;
        typed.into_signed(sig).into()
    } else if impersonated {
        // anvil's trick: a fixed fake signature; the sender is recorded, not recovered.
        let sig = Signature::new(U256::from(1), U256::from(1), false);
        let signed: Signed<_> = typed.into_signed(sig);
        signed.into()
    } else {
        return Err(RpcError::server(format!("no signer for {from}; use anvil_impersonateAccount")));
    };
    let tx = PendingTx { envelope, from };
    c.submit(tx).map(|h| json!(h)).map_err(RpcError::server)
}

fn get_logs(c: &Chain, filter: &Filter) -> Res {
    let (from, to) = if let Some(hash) = filter.get_block_hash() {
        let n = c.block_by_hash(&hash).map(|b| b.header.number).ok_or_else(|| RpcError::server("unknown block"))?;
        (n, n)
    } else {
        let resolve_opt = |t: Option<BlockNumberOrTag>| t.and_then(|t| resolve(c, t));
        let from = resolve_opt(filter.block_option.get_from_block().copied()).unwrap_or(c.number());
        let to = resolve_opt(filter.block_option.get_to_block().copied()).unwrap_or(c.number());
        (from, to.min(c.number()))
    };
    let mut out = Vec::new();
    for n in from..=to {
        let Some(b) = c.blocks.get(n as usize) else { break };
        for h in &b.txs {
            let Some(t) = c.txs.get(h) else { continue };
            for (log, json) in t.logs.iter().zip(render::tx_logs(t, Some(b.header.timestamp))) {
                if filters::matches(&Filter { block_option: Default::default(), ..filter.clone() }, log, n) {
                    out.push(json);
                }
            }
        }
    }
    Ok(Value::Array(out))
}

fn subscribe(state: &Arc<RpcState>, p: Vec<Value>, ws: Option<&mpsc::UnboundedSender<Value>>) -> Res {
    let Some(ws) = ws else {
        return Err(RpcError::server("subscriptions need a WebSocket connection"));
    };
    let kind: String = param(&p, 0)?;
    let filter: Option<Filter> = if kind == "logs" { Some(opt(&p, 1)?.unwrap_or_default()) } else { None };
    if kind != "newHeads" && kind != "logs" {
        return Err(RpcError::invalid_params(format!("unsupported subscription {kind}")));
    }
    let id = format!("{:#x}", U256::from_be_bytes(alloy_primitives::keccak256(format!("{kind}{:?}", std::time::Instant::now())).0) >> 128);
    let mut rx = state.node.subscribe();
    let out = ws.clone();
    let sub = id.clone();
    tokio::spawn(async move {
        while let Ok(Event::Block { header, logs, number, .. }) = rx.recv().await {
            let items: Vec<Value> = match &filter {
                None => vec![header],
                Some(f) => logs.iter().filter(|(l, _)| filters::matches(f, l, number)).map(|(_, j)| j.clone()).collect(),
            };
            for item in items {
                let msg = json!({ "jsonrpc": "2.0", "method": "eth_subscription", "params": { "subscription": sub, "result": item } });
                if out.send(msg).is_err() {
                    return;
                }
            }
        }
    });
    Ok(json!(id))
}
