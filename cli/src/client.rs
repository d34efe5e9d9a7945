//! A typed handle on one deployment: the provider, the signer's address and the contracts.

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    sol_types::{decode_revert_reason, Revert, SolCall, SolError},
};
use anyhow::{anyhow, bail, Context, Result};
use lpx_chain_config::Deployments;

use crate::opts::{ChainOpts, WalletOpts};

/// The protocol as one deployment of it.
pub struct Client {
    provider: DynProvider,
    book: Deployments,
    /// The signer's address, when a key was loaded.
    pub me: Option<Address>,
}

impl Client {
    /// Read-only access.
    pub fn reader(chain: &ChainOpts) -> Result<Self> {
        let url = chain.url()?;
        let provider = ProviderBuilder::new().connect_http(url.parse().with_context(|| format!("invalid RPC URL {url:?}"))?).erased();
        Ok(Self { provider, book: load_book(chain)?, me: None })
    }

    /// Access that signs with the configured key.
    pub fn writer(chain: &ChainOpts, wallet: &WalletOpts) -> Result<Self> {
        let signer = wallet.signer()?;
        let me = signer.address();
        let url = chain.url()?;
        let provider =
            ProviderBuilder::new().wallet(EthereumWallet::new(signer)).connect_http(url.parse().with_context(|| format!("invalid RPC URL {url:?}"))?).erased();
        Ok(Self { provider, book: load_book(chain)?, me: Some(me) })
    }

    /// The provider.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The signer's address, or an error saying a key is needed.
    pub fn sender(&self) -> Result<Address> {
        self.me.ok_or_else(|| anyhow!("this command sends a transaction: set LPX_PRIVATE_KEY or pass --keystore"))
    }

    /// The address book.
    pub fn book(&self) -> &Deployments {
        &self.book
    }

    /// A contract's address from the address book.
    pub fn address(&self, name: &str) -> Result<Address> {
        self.book.get(name).ok_or_else(|| anyhow!("the address book has no {name}: run `lpx deploy` first"))
    }

    /// A typed view of contract `name`.
    pub async fn view<C: SolCall>(&self, name: &str, call: C) -> Result<C::Return> {
        self.view_at(self.address(name)?, name, call, None).await
    }

    /// A typed view of the contract at `to` (called `label` in errors), at `block` or the
    /// latest block.
    pub async fn view_at<C: SolCall>(&self, to: Address, label: &str, call: C, block: Option<u64>) -> Result<C::Return> {
        let mut tx = TransactionRequest::default().with_to(to).with_input(call.abi_encode());
        if let Some(me) = self.me {
            tx = tx.with_from(me);
        }
        let request = self.provider.call(tx);
        let request = match block {
            Some(b) => request.block(b.into()),
            None => request,
        };
        let out = request.await.map_err(|e| explain(label, C::SIGNATURE, e))?;
        C::abi_decode_returns(&out).map_err(|e| anyhow!("{label}.{}: unexpected reply: {e}", C::SIGNATURE))
    }

    /// Sends a typed call to contract `name` and waits for it to succeed.
    pub async fn send<C: SolCall>(&self, name: &str, call: C, value: U256) -> Result<TransactionReceipt> {
        self.send_at(self.address(name)?, name, call, value).await
    }

    /// Sends a typed call to the contract at `to` (called `name` in errors) and waits for it
    /// to succeed.
    pub async fn send_at<C: SolCall>(&self, to: Address, name: &str, call: C, value: U256) -> Result<TransactionReceipt> {
        let tx = TransactionRequest::default().with_from(self.sender()?).with_to(to).with_input(call.abi_encode()).with_value(value);
        // The gas estimate simulates the call, so a revert surfaces here with its reason
        // and nothing is sent.
        let gas = self.provider.estimate_gas(tx.clone()).await.map_err(|e| explain(name, C::SIGNATURE, e))?;
        let receipt = self
            .provider
            .send_transaction(tx.with_gas_limit(gas + gas / 5))
            .await
            .map_err(|e| explain(name, C::SIGNATURE, e))?
            .get_receipt()
            .await
            .with_context(|| format!("{name}.{}: waiting for the receipt", C::SIGNATURE))?;
        if !receipt.status() {
            bail!("{name}.{} reverted in transaction {}", C::SIGNATURE, receipt.transaction_hash);
        }
        Ok(receipt)
    }
}

fn load_book(chain: &ChainOpts) -> Result<Deployments> {
    let path = chain.deployments_path();
    Deployments::load(&path).map_err(|e| anyhow!("{e} (deploy first with `lpx deploy`, or pass --deployments)"))
}

/// One line: which call failed and the decoded revert reason.
fn explain(contract: &str, signature: &str, e: alloy::transports::TransportError) -> anyhow::Error {
    let function = signature.split('(').next().unwrap_or(signature);
    if let Some(data) = e.as_error_resp().and_then(|p| p.as_revert_data()) {
        // A revert string as the contract wrote it; alloy's generic decoder would prefix
        // "revert: ". Panics and other errors keep alloy's wording.
        let reason = Revert::abi_decode(&data).map(|r| r.reason).ok().or_else(|| decode_revert_reason(&data)).unwrap_or_else(|| format!("revert data {data}"));
        return anyhow!("{contract}.{function} reverted: {reason}");
    }
    if let Some(p) = e.as_error_resp() {
        return anyhow!("{contract}.{function} failed: {}", p.message);
    }
    anyhow!("{contract}.{function}: cannot reach the RPC: {e}")
}
