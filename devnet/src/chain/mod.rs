//! The chain: state, blocks, receipts, mining, time, snapshots and dev accounts. Owned by one
//! thread (see [`crate::node`]); nothing here is shared.

pub mod accounts;
pub mod json;
pub mod state;
pub mod tx;

use std::collections::{BTreeMap, HashMap, HashSet};

use alloy::{consensus::Header, eips::calc_next_block_base_fee, eips::eip1559::BaseFeeParams};
use alloy_primitives::{Address, Bloom, Bytes, Log, B256, U256};
use revm::{
    context::{BlockEnv, CfgEnv, Journal, TxEnv},
    context_interface::result::{ExecutionResult, Output},
    database::{CacheDB, EmptyDB},
    primitives::hardfork::SpecId,
    state::{AccountInfo, Bytecode},
};

use crate::{
    arb,
    evm::{self, ArbChain, ArbParams, DevCtx, DevDb},
};
pub use tx::PendingTx;

/// Initial base fee (anvil's default, so EVM fee accounting matches it).
pub const INITIAL_BASE_FEE: u64 = 1_000_000_000;

/// Sees each block as it is mined, with its transactions.
pub type BlockObserver = Box<dyn FnMut(&MinedBlock, &[MinedTx]) + Send>;

/// Chain settings.
#[derive(Debug, Clone)]
pub struct ChainConfig {
    /// Chain id.
    pub chain_id: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// EVM hardfork.
    pub spec: SpecId,
    /// Number of dev accounts.
    pub accounts: u32,
    /// Balance of each dev account, in wei.
    pub balance: U256,
    /// Mnemonic the dev accounts derive from.
    pub mnemonic: String,
    /// Timestamp of the genesis block (default: now).
    pub genesis_timestamp: Option<u64>,
    /// ArbOS parameters.
    pub arb: ArbParams,
    /// Base fee of the first block.
    pub base_fee: u64,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: 412_346,
            gas_limit: 30_000_000,
            spec: SpecId::PRAGUE,
            accounts: 10,
            balance: U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18)),
            mnemonic: accounts::DEFAULT_MNEMONIC.to_string(),
            genesis_timestamp: None,
            arb: ArbParams::default(),
            base_fee: INITIAL_BASE_FEE,
        }
    }
}

/// A mined transaction and its receipt data.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MinedTx {
    /// The transaction.
    pub tx: PendingTx,
    /// Block number.
    pub block_number: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Index in the block.
    pub index: u64,
    /// Whether it succeeded.
    pub success: bool,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// Cumulative gas used in the block up to and including it.
    pub cumulative_gas_used: u64,
    /// Price paid per gas.
    pub effective_gas_price: u128,
    /// Logs.
    pub logs: Vec<Log>,
    /// Index of its first log in the block.
    pub first_log_index: u64,
    /// Created contract.
    pub contract_address: Option<Address>,
    /// Output or revert data.
    pub output: Bytes,
}

/// A mined block.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MinedBlock {
    /// Header (its hash is the block hash).
    pub header: Header,
    /// Block hash.
    pub hash: B256,
    /// Transaction hashes in order.
    pub txs: Vec<B256>,
}

#[derive(Clone)]
struct Snapshot {
    db: DevDb,
    blocks: usize,
    time_offset: i64,
    next_timestamp: Option<u64>,
    next_base_fee: u64,
}

/// Why a transaction was refused.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// revm refused it before execution (nonce, balance, gas...).
    #[error("{0}")]
    Invalid(String),
    /// The sender can't be signed for.
    #[error("no signer for {0}")]
    NoSigner(Address),
}

/// The whole chain.
pub struct Chain {
    /// Settings.
    pub config: ChainConfig,
    ctx: DevCtx,
    /// Blocks by number.
    pub blocks: Vec<MinedBlock>,
    block_numbers: HashMap<B256, u64>,
    /// Mined transactions by hash.
    pub txs: HashMap<B256, MinedTx>,
    /// Transactions waiting for a block (when not automining).
    pub pool: Vec<PendingTx>,
    /// Whether every transaction is mined immediately.
    pub automine: bool,
    /// Dev signers.
    pub signers: accounts::Signers,
    /// Impersonated senders.
    pub impersonated: HashSet<Address>,
    /// Whether every sender is impersonated.
    pub auto_impersonate: bool,
    /// Interval mining period, if any.
    pub interval: Option<std::time::Duration>,
    time_offset: i64,
    next_timestamp: Option<u64>,
    next_base_fee: u64,
    snapshots: BTreeMap<u64, Snapshot>,
    next_snapshot: u64,
    /// Called with every new block (for subscriptions and filters).
    pub on_block: Vec<BlockObserver>,
    /// Where the chain is persisted (see [`state`]), and the head it was last written at.
    persist: Option<(std::path::PathBuf, B256)>,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Chain {
    /// A chain with its genesis block.
    pub fn new(config: ChainConfig) -> Result<Self, accounts::AccountsError> {
        let signers = accounts::Signers::from_mnemonic(&config.mnemonic, config.accounts)?;
        let ctx = new_ctx(&config, genesis_db(&config, &signers));
        let mut chain = Self {
            next_base_fee: config.base_fee,
            config,
            ctx,
            blocks: Vec::new(),
            block_numbers: HashMap::new(),
            txs: HashMap::new(),
            pool: Vec::new(),
            automine: true,
            signers,
            impersonated: HashSet::new(),
            auto_impersonate: false,
            interval: None,
            time_offset: 0,
            next_timestamp: None,
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
            on_block: Vec::new(),
            persist: None,
        };
        let ts = chain.config.genesis_timestamp.unwrap_or_else(now);
        chain.push_block(ts, 0, Vec::new());
        Ok(chain)
    }

    /// Resets to genesis, keeping subscriptions.
    pub fn reset(&mut self) {
        let on_block = std::mem::take(&mut self.on_block);
        if let Ok(mut fresh) = Self::new(self.config.clone()) {
            fresh.on_block = on_block;
            fresh.persist = self.persist.take().map(|(path, _)| (path, B256::ZERO));
            *self = fresh;
        }
    }

    /// The state database.
    pub fn db(&self) -> &DevDb {
        &self.ctx.journaled_state.database
    }

    /// The state database, mutably (for `anvil_set*`).
    pub fn db_mut(&mut self) -> &mut DevDb {
        &mut self.ctx.journaled_state.database
    }

    /// Latest block.
    pub fn head(&self) -> &MinedBlock {
        // SAFETY-free: the genesis block is pushed in `new`, so there is always a head.
        self.blocks.last().expect("genesis exists")
    }

    /// Block number of the head.
    pub fn number(&self) -> u64 {
        self.blocks.len() as u64 - 1
    }

    /// Block by hash.
    pub fn block_by_hash(&self, hash: &B256) -> Option<&MinedBlock> {
        self.block_numbers.get(hash).and_then(|n| self.blocks.get(*n as usize))
    }

    /// Account info (default when absent).
    pub fn account(&self, address: Address) -> AccountInfo {
        self.db().cache.accounts.get(&address).map(|a| a.info.clone()).unwrap_or_default()
    }

    /// Storage value.
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.db().cache.accounts.get(&address).and_then(|a| a.storage.get(&slot).copied()).unwrap_or_default()
    }

    /// Code bytes.
    pub fn code(&self, address: Address) -> Bytes {
        self.account(address).code.map(|c| c.original_bytes()).unwrap_or_default()
    }

    /// Nonce including pool transactions (the `pending` tag).
    pub fn pending_nonce(&self, address: Address) -> u64 {
        let pooled = self.pool.iter().filter(|t| t.from == address).count() as u64;
        self.account(address).nonce + pooled
    }

    /// The base fee the next block will have.
    pub fn next_base_fee(&self) -> u64 {
        self.next_base_fee
    }

    /// Sets the next block's base fee.
    pub fn set_next_base_fee(&mut self, fee: u64) {
        self.next_base_fee = fee;
    }

    fn next_block_timestamp(&mut self) -> u64 {
        let last = self.head().header.timestamp;
        let ts = match self.next_timestamp.take() {
            Some(ts) => ts,
            None => (now() as i64 + self.time_offset).max(0) as u64,
        };
        ts.max(last + 1)
    }

    /// The block environment the next block will be built with.
    pub fn pending_block_env(&self) -> BlockEnv {
        let ts = self.next_timestamp.unwrap_or_else(|| ((now() as i64 + self.time_offset).max(0) as u64).max(self.head().header.timestamp + 1));
        self.block_env(self.number() + 1, ts)
    }

    fn block_env(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: Address::ZERO,
            timestamp: U256::from(timestamp),
            gas_limit: self.config.gas_limit,
            basefee: self.next_base_fee,
            difficulty: U256::ZERO,
            prevrandao: Some(B256::from(U256::from(number))),
            ..Default::default()
        }
    }

    /// Adds a transaction: mines it at once under automine, otherwise pools it. Returns its hash.
    pub fn submit(&mut self, tx: PendingTx) -> Result<B256, TxError> {
        let hash = tx.hash();
        if self.txs.contains_key(&hash) || self.pool.iter().any(|t| t.hash() == hash) {
            return Err(TxError::Invalid("transaction already imported".into()));
        }
        // Check validity against the pending state first, so a bad transaction is an RPC error
        // rather than a silently dropped one.
        let env = self.pending_block_env();
        let expected = self.pending_nonce(tx.from);
        if tx.to_env().nonce < expected {
            return Err(TxError::Invalid(format!("nonce too low: next nonce {expected}, tx nonce {}", tx.to_env().nonce)));
        }
        if self.automine {
            self.ctx.block = env;
            if let Err(e) = evm::transact(&mut self.ctx, tx.to_env(), false) {
                return Err(TxError::Invalid(e.to_string()));
            }
            self.pool.push(tx);
            self.mine(None);
        } else {
            self.pool.push(tx);
        }
        Ok(hash)
    }

    /// Mines one block with the pool's transactions (in order, skipping invalid ones).
    pub fn mine(&mut self, timestamp: Option<u64>) -> u64 {
        if let Some(ts) = timestamp {
            self.next_timestamp = Some(ts);
        }
        let ts = self.next_block_timestamp();
        let number = self.number() + 1;
        self.ctx.block = self.block_env(number, ts);
        let pool = std::mem::take(&mut self.pool);
        let mut mined = Vec::new();
        let mut cumulative = 0u64;
        let mut log_index = 0u64;
        for tx in pool {
            let mut env = tx.to_env();
            if env.gas_limit > self.config.gas_limit.saturating_sub(cumulative) {
                // Doesn't fit: wait for the next block.
                self.pool.push(tx);
                continue;
            }
            env.gas_limit = env.gas_limit.min(self.config.gas_limit);
            let Ok(outcome) = evm::transact(&mut self.ctx, env, true) else { continue };
            let (success, gas_used, logs, output, created) = match outcome.result {
                ExecutionResult::Success { gas, logs, output, .. } => {
                    let created = match &output {
                        Output::Create(_, addr) => *addr,
                        Output::Call(_) => None,
                    };
                    (true, gas.tx_gas_used(), logs, output.into_data(), created)
                }
                ExecutionResult::Revert { gas, output, .. } => (false, gas.tx_gas_used(), Vec::new(), output, None),
                ExecutionResult::Halt { gas, .. } => (false, gas.tx_gas_used(), Vec::new(), Bytes::new(), None),
            };
            cumulative += gas_used;
            let base = u128::from(self.ctx.block.basefee);
            let price = effective_price(&tx, base);
            let n_logs = logs.len() as u64;
            mined.push(MinedTx {
                tx,
                block_number: number,
                block_hash: B256::ZERO,
                index: mined.len() as u64,
                success,
                gas_used,
                cumulative_gas_used: cumulative,
                effective_gas_price: price,
                logs,
                first_log_index: log_index,
                contract_address: created,
                output,
            });
            log_index += n_logs;
        }
        self.push_block(ts, cumulative, mined);
        number
    }

    fn push_block(&mut self, timestamp: u64, gas_used: u64, mut mined: Vec<MinedTx>) {
        let number = self.blocks.len() as u64;
        let parent_hash = self.blocks.last().map(|b| b.hash).unwrap_or_default();
        let mut bloom = Bloom::default();
        for t in &mined {
            for l in &t.logs {
                bloom.accrue_log(l);
            }
        }
        let header = Header {
            parent_hash,
            number,
            timestamp,
            gas_limit: self.config.gas_limit,
            gas_used,
            base_fee_per_gas: Some(self.next_base_fee),
            logs_bloom: bloom,
            mix_hash: B256::from(U256::from(number)),
            transactions_root: alloy_primitives::keccak256(mined.iter().flat_map(|t| t.tx.hash().0).collect::<Vec<u8>>()),
            blob_gas_used: Some(0),
            excess_blob_gas: Some(0),
            parent_beacon_block_root: Some(B256::ZERO),
            requests_hash: Some(alloy::eips::eip7685::EMPTY_REQUESTS_HASH),
            withdrawals_root: Some(alloy::consensus::EMPTY_ROOT_HASH),
            ..Default::default()
        };
        let hash = header.hash_slow();
        for t in &mut mined {
            t.block_hash = hash;
        }
        let block = MinedBlock { header, hash, txs: mined.iter().map(|t| t.tx.hash()).collect() };
        // Like anvil, block 1 keeps the initial base fee; later blocks follow EIP-1559.
        if number > 0 {
            self.next_base_fee = calc_next_block_base_fee(gas_used, self.config.gas_limit, self.next_base_fee, BaseFeeParams::ethereum());
        }
        self.db_mut().cache.block_hashes.insert(U256::from(number), hash);
        self.block_numbers.insert(hash, number);
        for cb in &mut self.on_block {
            cb(&block, &mined);
        }
        for t in mined {
            self.txs.insert(t.tx.hash(), t);
        }
        self.blocks.push(block);
    }

    /// Runs `tx` on the pending state without committing (eth_call / estimateGas).
    pub fn call(&mut self, tx: TxEnv, db: Option<DevDb>) -> Result<ExecutionResult, String> {
        self.ctx.block = self.pending_block_env();
        let saved = db.map(|db| std::mem::replace(self.db_mut(), db));
        let cfg = self.ctx.cfg.clone();
        // Calls are free and unchecked, like anvil's, and may come from an account with
        // code (a contract "calling" a view), which EIP-3607 refuses only for transactions.
        self.ctx.cfg.disable_base_fee = true;
        self.ctx.cfg.disable_balance_check = tx.gas_price == 0;
        self.ctx.cfg.disable_nonce_check = true;
        self.ctx.cfg.disable_eip3607 = true;
        let result = evm::transact(&mut self.ctx, tx, false).map(|o| o.result).map_err(|e| e.to_string());
        self.ctx.cfg = cfg;
        if let Some(db) = saved {
            *self.db_mut() = db;
        }
        result
    }

    /// Advances the clock offset; returns the new total offset.
    pub fn increase_time(&mut self, seconds: i64) -> i64 {
        self.time_offset += seconds;
        self.time_offset
    }

    /// Fixes the next block's timestamp.
    pub fn set_next_timestamp(&mut self, ts: u64) -> Result<(), String> {
        if ts <= self.head().header.timestamp {
            return Err(format!("timestamp {ts} is not after the latest block's timestamp {}", self.head().header.timestamp));
        }
        self.next_timestamp = Some(ts);
        Ok(())
    }

    /// Sets the clock so that now is `ts`; returns the offset.
    pub fn set_time(&mut self, ts: u64) -> i64 {
        self.time_offset = ts as i64 - now() as i64;
        self.time_offset
    }

    /// Records a snapshot; returns its id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(
            id,
            Snapshot {
                db: self.db().clone(),
                blocks: self.blocks.len(),
                time_offset: self.time_offset,
                next_timestamp: self.next_timestamp,
                next_base_fee: self.next_base_fee,
            },
        );
        id
    }

    /// Restores snapshot `id`, dropping it, later snapshots and newer blocks.
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(snap) = self.snapshots.get(&id).cloned() else { return false };
        self.snapshots.retain(|k, _| *k < id);
        *self.db_mut() = snap.db;
        for block in self.blocks.drain(snap.blocks..) {
            self.block_numbers.remove(&block.hash);
            for h in block.txs {
                self.txs.remove(&h);
            }
        }
        self.pool.clear();
        self.time_offset = snap.time_offset;
        self.next_timestamp = snap.next_timestamp;
        self.next_base_fee = snap.next_base_fee;
        true
    }

    /// Sets an account's balance.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let mut info = self.account(address);
        info.balance = balance;
        self.db_mut().insert_account_info(address, info);
    }

    /// Sets an account's nonce.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        let mut info = self.account(address);
        info.nonce = nonce;
        self.db_mut().insert_account_info(address, info);
    }

    /// Sets an account's code.
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let mut info = self.account(address);
        let bytecode = Bytecode::new_raw(code);
        info.code_hash = bytecode.hash_slow();
        info.code = Some(bytecode);
        self.db_mut().insert_account_info(address, info);
    }

    /// Sets a storage slot.
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        if !self.db().cache.accounts.contains_key(&address) {
            self.db_mut().insert_account_info(address, AccountInfo::default());
        }
        let _ = self.db_mut().insert_account_storage(address, slot, value);
    }
}

/// The price per gas a transaction pays in a block with `base_fee`.
pub fn effective_price(tx: &PendingTx, base_fee: u128) -> u128 {
    use alloy::consensus::Transaction as _;
    tx.envelope.effective_gas_price(Some(base_fee as u64))
}

fn new_ctx(config: &ChainConfig, db: DevDb) -> DevCtx {
    let mut cfg = CfgEnv::new_with_spec(config.spec);
    cfg.chain_id = config.chain_id;
    let journal = <Journal<DevDb> as revm::context_interface::JournalTr>::new(db);
    let mut ctx: DevCtx = revm::Context {
        block: BlockEnv::default(),
        tx: TxEnv::default(),
        cfg,
        journaled_state: journal,
        chain: ArbChain::new(config.arb.clone()),
        local: Default::default(),
        error: Ok(()),
    };
    revm::context_interface::JournalTr::set_spec_id(&mut ctx.journaled_state, config.spec);
    ctx
}

fn genesis_db(config: &ChainConfig, signers: &accounts::Signers) -> DevDb {
    let mut db = CacheDB::new(EmptyDB::default());
    for address in signers.addresses() {
        db.insert_account_info(address, AccountInfo { balance: config.balance, ..Default::default() });
    }
    let mut put_code = |address: Address, code: &[u8]| {
        let bytecode = Bytecode::new_raw(Bytes::copy_from_slice(code));
        db.insert_account_info(address, AccountInfo { code_hash: bytecode.hash_slow(), code: Some(bytecode), nonce: 1, ..Default::default() });
    };
    for address in arb::PRECOMPILES {
        put_code(address, arb::NATIVE_MARKER_CODE);
    }
    put_code(arb::STYLUS_DEPLOYER, arb::NATIVE_MARKER_CODE);
    put_code(arb::CREATE2_FACTORY, arb::CREATE2_FACTORY_CODE);
    db
}
