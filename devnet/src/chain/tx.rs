//! Turning signed transactions into revm's `TxEnv`.

use alloy::consensus::{transaction::SignerRecoverable, Transaction as _, TxEnvelope, Typed2718};
use alloy_primitives::{Address, TxKind};
use revm::context::{either::Either, TxEnv};

/// A transaction accepted by the node, with its sender.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PendingTx {
    /// The signed (or, for impersonated senders, fake-signed) envelope.
    pub envelope: TxEnvelope,
    /// Sender.
    pub from: Address,
}

impl PendingTx {
    /// Recovers the sender of a signed envelope.
    pub fn recover(envelope: TxEnvelope) -> Result<Self, String> {
        let from = envelope.recover_signer().map_err(|e| format!("invalid signature: {e}"))?;
        Ok(Self { envelope, from })
    }

    /// The transaction hash.
    pub fn hash(&self) -> alloy_primitives::B256 {
        *self.envelope.tx_hash()
    }

    /// The revm view of the transaction.
    pub fn to_env(&self) -> TxEnv {
        let tx = &self.envelope;
        TxEnv {
            tx_type: tx.ty(),
            caller: self.from,
            gas_limit: tx.gas_limit(),
            gas_price: tx.max_fee_per_gas(),
            kind: match tx.to() {
                Some(to) => TxKind::Call(to),
                None => TxKind::Create,
            },
            value: tx.value(),
            data: tx.input().clone(),
            nonce: tx.nonce(),
            chain_id: tx.chain_id(),
            access_list: tx.access_list().cloned().unwrap_or_default(),
            gas_priority_fee: tx.max_priority_fee_per_gas(),
            blob_hashes: tx.blob_versioned_hashes().map(|h| h.to_vec()).unwrap_or_default(),
            max_fee_per_blob_gas: tx.max_fee_per_blob_gas().unwrap_or_default(),
            authorization_list: tx.authorization_list().map(|l| l.iter().cloned().map(Either::Left).collect()).unwrap_or_default(),
        }
    }
}
