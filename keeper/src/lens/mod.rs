//! The keeper's one read per tick: a "deployless" `eth_call` of the creation code of
//! `KeeperLens.sol` (next to this file). Its constructor reads the contract clock, the round and whether it is
//! initialized, and — only when the round or its initialization changed, or when asked —
//! the round's mintable LPT and active stake, the served orchestrators' records, and the
//! pool (returned only when it differs from the hash the keeper holds). If the round is not
//! initialized yet, it initializes it inside the call first (the change is discarded with
//! the call), so the values are those the rewards will see.
//!
//! Nothing is deployed: any node that runs `eth_call` without a recipient runs it.

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    rpc::types::{TransactionInput, TransactionRequest},
    sol,
    sol_types::SolValue,
};
use lpx_txman::revert;

use crate::{
    chain::{Addresses, Chain, ChainError},
    pool::PoolSnapshot,
};

sol! {
    /// What the keeper knows and wants (the lens constructor's argument).
    #[derive(Debug)]
    struct LensArgs {
        address rounds;
        address bonding;
        address minter;
        uint256 knownRound;
        bool knownInitialized;
        bool force;
        bool simulateInit;
        address[] orchestrators;
        bytes32 poolHash;
        uint256 maxPool;
    }

    /// One served orchestrator.
    #[derive(Debug, PartialEq, Eq)]
    struct LensOrch {
        uint256 lastRewardRound;
        uint256 activationRound;
        uint256 deactivationRound;
        address rewardCaller;
        uint256 stake;
    }

    /// The answer.
    #[derive(Debug)]
    struct LensOut {
        uint256 blockNum;
        uint256 baseFee;
        uint256 timestamp;
        uint256 round;
        bool initialized;
        bool full;
        bool simulated;
        uint256 mintable;
        uint256 totalBonded;
        LensOrch[] orchs;
        bytes32 poolHash;
        bool poolChanged;
        address[] members;
        uint256[] stakes;
    }
}

/// The lens's creation code (compiled by `compile.sh` next to the source).
fn creation_code() -> Result<Vec<u8>, ChainError> {
    alloy::primitives::hex::decode(include_str!("KeeperLens.bin").trim()).map_err(|e| ChainError::Setup(format!("lens bytecode: {e}")))
}

/// The pool hash the lens computes: `h = keccak256(abi.encode(h, member, stake))` down the list.
pub fn pool_hash(pool: &PoolSnapshot) -> B256 {
    pool.members().iter().fold(B256::ZERO, |h, (a, s)| keccak256((h, *a, *s).abi_encode()))
}

/// What to ask.
#[derive(Debug, Clone)]
pub struct LensQuery {
    /// The round the keeper is in (0: none yet).
    pub known_round: u64,
    /// Whether it saw that round initialized.
    pub known_initialized: bool,
    /// Read the round part even if nothing changed.
    pub force: bool,
    /// Simulate `initializeRound` first when the round is not initialized.
    pub simulate_init: bool,
    /// The served orchestrators.
    pub orchestrators: Vec<Address>,
    /// Hash of the pool the keeper holds ([`pool_hash`]), zero for none.
    pub pool_hash: B256,
    /// Longest pool walk.
    pub max_pool: usize,
}

/// The round part of an answer.
#[derive(Debug, Clone)]
pub struct RoundView {
    /// `initializeRound` was simulated: the values are those after initialization.
    pub simulated: bool,
    /// `Minter.currentMintableTokens()`.
    pub mintable: U256,
    /// `BondingManager.getTotalBonded()`.
    pub total_bonded: U256,
    /// One per served orchestrator, in query order.
    pub orchs: Vec<LensOrch>,
    /// The pool, when it differs from the one the keeper holds.
    pub pool: Option<PoolSnapshot>,
}

/// The lens's answer.
#[derive(Debug, Clone)]
pub struct LensView {
    /// `RoundsManager.blockNum()`: the number the round clock runs on.
    pub block: u64,
    /// The block's base fee.
    pub base_fee: u128,
    /// The block's timestamp.
    pub timestamp: u64,
    /// `currentRound()`.
    pub round: u64,
    /// `currentRoundInitialized()`.
    pub initialized: bool,
    /// Present when the round or its initialization changed, or when forced.
    pub full: Option<RoundView>,
}

/// The lens as a call request (no recipient): its creation code and the query.
pub fn request(addrs: &Addresses, q: &LensQuery) -> Result<TransactionRequest, ChainError> {
    let args = LensArgs {
        rounds: addrs.rounds,
        bonding: addrs.bonding,
        minter: addrs.minter,
        knownRound: U256::from(q.known_round),
        knownInitialized: q.known_initialized,
        force: q.force,
        simulateInit: q.simulate_init,
        orchestrators: q.orchestrators.clone(),
        poolHash: q.pool_hash,
        maxPool: U256::from(q.max_pool),
    };
    let mut data = creation_code()?;
    data.extend_from_slice(&args.abi_encode());
    Ok(TransactionRequest { input: TransactionInput::new(Bytes::from(data)), ..Default::default() })
}

/// Runs the lens: one `eth_call`.
pub async fn read(chain: &Chain, q: &LensQuery) -> Result<LensView, ChainError> {
    let req = request(&chain.addrs, q)?;
    let out: Bytes = chain.client.request("eth_call", (req, "latest")).await.map_err(|e| ChainError::Call(revert::classify(&e)))?;
    let o = LensOut::abi_decode(&out).map_err(|e| ChainError::Decode { what: "KeeperLens", reason: e.to_string() })?;
    let full = o.full.then(|| RoundView {
        simulated: o.simulated,
        mintable: o.mintable,
        total_bonded: o.totalBonded,
        orchs: o.orchs,
        pool: o.poolChanged.then(|| PoolSnapshot::new(o.members.into_iter().zip(o.stakes).collect())),
    });
    Ok(LensView {
        block: o.blockNum.saturating_to(),
        base_fee: o.baseFee.saturating_to(),
        timestamp: o.timestamp.saturating_to(),
        round: o.round.saturating_to(),
        initialized: o.initialized,
        full,
    })
}
