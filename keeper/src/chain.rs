//! Typed access to the protocol contracts through the failover transport: addresses,
//! single calls, JSON-RPC batches of calls, and the chain head.

use alloy::{
    primitives::{keccak256, Address, Bytes, U256, U64},
    providers::RootProvider,
    rpc::client::RpcClient,
    rpc::types::{TransactionInput, TransactionRequest},
    sol_types::SolCall,
};
use lpx_abi::controller::IController;
use lpx_chain_config::Deployments;
use lpx_txman::{revert, CallFailure, FailoverTransport};
use serde::Deserialize;

use crate::config::Config;

/// The contracts the keeper talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addresses {
    /// RoundsManager.
    pub rounds: Address,
    /// BondingManager.
    pub bonding: Address,
    /// Minter.
    pub minter: Address,
    /// TicketBroker.
    pub broker: Address,
}

/// The latest block as the keeper needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Block number.
    pub number: u64,
    /// Arbitrum's L1 block number, when the node reports one.
    pub l1_number: Option<u64>,
    /// Base fee, when the chain has one.
    pub base_fee: Option<u128>,
    /// Timestamp (seconds).
    pub timestamp: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawHead {
    number: U64,
    #[serde(default)]
    l1_block_number: Option<U64>,
    #[serde(default)]
    base_fee_per_gas: Option<U256>,
    timestamp: U64,
}

/// Chain access errors.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A call failed or reverted.
    #[error("{0}")]
    Call(CallFailure),
    /// An answer could not be decoded with the ABI.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// Which call.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// Address resolution failed.
    #[error("{0}")]
    Setup(String),
}

/// Chain access.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The transport (stats).
    pub transport: FailoverTransport,
    /// Provider over it.
    pub provider: RootProvider,
    /// The raw client (batches).
    pub client: RpcClient,
    /// Contract addresses.
    pub addrs: Addresses,
}

fn call_request(to: Address, data: Bytes) -> TransactionRequest {
    TransactionRequest { to: Some(to.into()), input: TransactionInput::new(data), ..Default::default() }
}

impl Chain {
    /// Connects and resolves contract addresses: explicit `[chain.contracts]` first, then
    /// the address book, then the Controller's registry (`getContract(keccak256(name))`).
    pub async fn connect(cfg: &Config) -> Result<Self, ChainError> {
        let transport = FailoverTransport::new(&cfg.chain.rpc_urls, cfg.rpc_policy()).map_err(|e| ChainError::Setup(e.to_string()))?;
        let provider = transport.provider();
        let mut book = match &cfg.chain.deployments {
            Some(p) => Deployments::load(p).map_err(|e| ChainError::Setup(e.to_string()))?,
            None => Deployments::default(),
        };
        if let Some(c) = cfg.chain.controller {
            book.insert("Controller", c);
        }
        let o = &cfg.chain.contracts;
        for (name, v) in [("RoundsManager", o.rounds_manager), ("BondingManager", o.bonding_manager), ("Minter", o.minter), ("TicketBroker", o.ticket_broker)] {
            if let Some(a) = v {
                book.insert(name, a);
            }
        }
        let client = transport.client();
        let mut chain = Self { transport, provider, client, addrs: Addresses { rounds: Address::ZERO, bonding: Address::ZERO, minter: Address::ZERO, broker: Address::ZERO } };
        let addrs = Addresses {
            rounds: resolve(&chain, &book, "RoundsManager").await?,
            bonding: resolve(&chain, &book, "BondingManager").await?,
            minter: resolve(&chain, &book, "Minter").await?,
            broker: resolve(&chain, &book, "TicketBroker").await?,
        };
        chain.addrs = addrs;
        Ok(chain)
    }

    /// A chain over given addresses (tests).
    pub fn with_addresses(transport: FailoverTransport, addrs: Addresses) -> Self {
        let provider = transport.provider();
        let client = transport.client();
        Self { transport, provider, client, addrs }
    }

    /// One `eth_call`, decoded with the call's ABI.
    pub async fn call<C: SolCall>(&self, to: Address, c: C) -> Result<C::Return, ChainError> {
        let out: Bytes = self
            .client
            .request("eth_call", (call_request(to, c.abi_encode().into()), "latest"))
            .await
            .map_err(|e| ChainError::Call(revert::classify(&e)))?;
        C::abi_decode_returns(&out).map_err(|e| ChainError::Decode { what: C::SIGNATURE, reason: e.to_string() })
    }

    /// Several `eth_call`s in one JSON-RPC batch (one HTTP request); raw results in order.
    pub async fn batch(&self, calls: &[(Address, Bytes)]) -> Result<Vec<Result<Bytes, CallFailure>>, ChainError> {
        if calls.is_empty() {
            return Ok(Vec::new());
        }
        let mut batch = self.client.new_batch();
        let mut waiters = Vec::with_capacity(calls.len());
        for (to, data) in calls {
            let w = batch
                .add_call::<_, Bytes>("eth_call", &(call_request(*to, data.clone()), "latest"))
                .map_err(|e| ChainError::Setup(e.to_string()))?;
            waiters.push(w);
        }
        batch.send().await.map_err(|e| ChainError::Call(revert::classify(&e)))?;
        let mut out = Vec::with_capacity(waiters.len());
        for w in waiters {
            out.push(w.await.map_err(|e| revert::classify(&e)));
        }
        Ok(out)
    }

    /// The latest block (one call).
    pub async fn head(&self) -> Result<Head, ChainError> {
        let raw: Option<RawHead> = self
            .client
            .request("eth_getBlockByNumber", ("latest", false))
            .await
            .map_err(|e| ChainError::Call(revert::classify(&e)))?;
        let raw = raw.ok_or_else(|| ChainError::Decode { what: "eth_getBlockByNumber", reason: "no latest block".into() })?;
        Ok(Head {
            number: raw.number.to(),
            l1_number: raw.l1_block_number.map(|n| n.to()),
            base_fee: raw.base_fee_per_gas.map(|b| b.saturating_to()),
            timestamp: raw.timestamp.to(),
        })
    }
}

/// An address from the book, else from the Controller's registry.
async fn resolve(chain: &Chain, book: &Deployments, name: &str) -> Result<Address, ChainError> {
    if let Some(a) = book.get(name) {
        return Ok(a);
    }
    let controller = book.get("Controller").ok_or_else(|| {
        ChainError::Setup(format!("no address for {name}: add it to the deployments file or set chain.controller"))
    })?;
    let a = chain.call(controller, IController::getContractCall { _id: keccak256(name.as_bytes()) }).await?;
    if a == Address::ZERO {
        return Err(ChainError::Setup(format!("the Controller at {controller} has no {name} registered")));
    }
    Ok(a)
}

/// Decodes one batch answer with a call's ABI.
pub fn decode<C: SolCall>(r: &Result<Bytes, CallFailure>) -> Result<C::Return, ChainError> {
    match r {
        Ok(b) => C::abi_decode_returns(b).map_err(|e| ChainError::Decode { what: C::SIGNATURE, reason: e.to_string() }),
        Err(f) => Err(ChainError::Call(f.clone())),
    }
}
