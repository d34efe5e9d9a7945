//! Typed access to the protocol contracts through the failover transport: addresses and
//! single calls (the tick's read is [`crate::lens`]).

use alloy::{
    primitives::{keccak256, Address, Bytes},
    providers::RootProvider,
    rpc::client::RpcClient,
    rpc::types::{TransactionInput, TransactionRequest},
    sol_types::SolCall,
};
use lpx_abi::controller::IController;
use lpx_chain_config::Deployments;
use lpx_txman::{revert, CallFailure, FailoverTransport};

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
    /// The raw client.
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
        let mut chain = Self {
            transport,
            provider,
            client,
            addrs: Addresses { rounds: Address::ZERO, bonding: Address::ZERO, minter: Address::ZERO, broker: Address::ZERO },
        };
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
        let out: Bytes =
            self.client.request("eth_call", (call_request(to, c.abi_encode().into()), "latest")).await.map_err(|e| ChainError::Call(revert::classify(&e)))?;
        C::abi_decode_returns(&out).map_err(|e| ChainError::Decode { what: C::SIGNATURE, reason: e.to_string() })
    }
}

/// An address from the book, else from the Controller's registry.
async fn resolve(chain: &Chain, book: &Deployments, name: &str) -> Result<Address, ChainError> {
    if let Some(a) = book.get(name) {
        return Ok(a);
    }
    let controller =
        book.get("Controller").ok_or_else(|| ChainError::Setup(format!("no address for {name}: add it to the deployments file or set chain.controller")))?;
    let a = chain.call(controller, IController::getContractCall { _id: keccak256(name.as_bytes()) }).await?;
    if a == Address::ZERO {
        return Err(ChainError::Setup(format!("the Controller at {controller} has no {name} registered")));
    }
    Ok(a)
}
