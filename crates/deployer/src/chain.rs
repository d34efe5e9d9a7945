//! The few chain operations a deployment needs, typed by `sol!` calls.

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    sol_types::{decode_revert_reason, SolCall, SolInterface},
};

use crate::DeployError;

/// A provider with a wallet, plus the sender's address.
#[derive(Clone)]
pub struct Chain {
    provider: DynProvider,
    from: Address,
    sent: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Chain {
    /// Wraps a provider whose wallet signs for `from`.
    pub fn new(provider: DynProvider, from: Address) -> Self {
        Self { provider, from, sent: Default::default() }
    }

    /// The sending account.
    pub fn from(&self) -> Address {
        self.from
    }

    /// The underlying provider.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// How many transactions this handle has sent.
    pub fn transactions_sent(&self) -> usize {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `eth_call` of a typed view.
    pub async fn view<C: SolCall>(&self, to: Address, call: C) -> Result<C::Return, DeployError> {
        let tx = TransactionRequest::default().with_from(self.from).with_to(to).with_input(call.abi_encode());
        let out = self.provider.call(tx).await.map_err(|e| failed(C::SIGNATURE, to, &e))?;
        C::abi_decode_returns(&out).map_err(|e| DeployError::Chain(format!("{} at {to}: bad reply: {e}", C::SIGNATURE)))
    }

    /// Sends a typed call and waits for a successful receipt.
    pub async fn send<C: SolCall>(&self, to: Address, call: C, value: U256) -> Result<TransactionReceipt, DeployError> {
        let tx = TransactionRequest::default().with_from(self.from).with_to(to).with_input(call.abi_encode()).with_value(value);
        // Estimating first turns a revert into its reason instead of a failed receipt.
        let gas = self.provider.estimate_gas(tx.clone()).await.map_err(|e| failed(C::SIGNATURE, to, &e))?;
        let pending = self.provider.send_transaction(tx.with_gas_limit(gas.saturating_add(gas / 5))).await.map_err(|e| failed(C::SIGNATURE, to, &e))?;
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let receipt = pending.get_receipt().await.map_err(|e| DeployError::Chain(format!("{} at {to}: no receipt: {e}", C::SIGNATURE)))?;
        if !receipt.status() {
            return Err(DeployError::Chain(format!("{} at {to} reverted in transaction {}", C::SIGNATURE, receipt.transaction_hash)));
        }
        Ok(receipt)
    }

    /// keccak256 of the code at `at` (`None` when there is no code).
    pub async fn code_hash(&self, at: Address) -> Result<Option<B256>, DeployError> {
        let code: Bytes = self.provider.get_code_at(at).await.map_err(|e| DeployError::Chain(format!("eth_getCode {at}: {e}")))?;
        Ok((!code.is_empty()).then(|| keccak256(&code)))
    }
}

/// One line that says which call failed and why, with the revert reason decoded.
fn failed(signature: &str, to: Address, e: &alloy::transports::TransportError) -> DeployError {
    let reason = e
        .as_error_resp()
        .and_then(|p| p.as_revert_data())
        .map(|data| decode_revert_reason(&data).or_else(|| arbitrum_error(&data)).unwrap_or_else(|| format!("revert data {data}")));
    match reason {
        Some(r) => DeployError::Reverted { call: format!("{signature} at {to}"), reason: r },
        None => DeployError::Chain(format!("{signature} at {to}: {e}")),
    }
}

/// The custom errors of ArbWasm and the StylusDeployer, in words (their raw data can be a
/// whole program's bytecode, which says nothing to a reader).
fn arbitrum_error(data: &[u8]) -> Option<String> {
    use lpx_abi::arbitrum::{IArbWasm::IArbWasmErrors as W, IStylusDeployer::IStylusDeployerErrors as D};
    if let Ok(e) = D::abi_decode(data) {
        return Some(match e {
            D::ContractDeploymentError(e) => {
                format!("the program's creation failed ({} bytes of init code; is the code over the 24,576-byte limit or not Stylus?)", e.bytecode.len())
            }
            D::ContractInitializationError(e) => format!("the constructor of the new program {} reverted", e.newContract),
            D::RefundExcessValueError(e) => format!("refunding {} wei of excess activation fee failed", e.excessValue),
            D::EmptyBytecode(_) => "empty bytecode".into(),
            D::InitValueButNotInitData(_) => "init value without init data".into(),
        });
    }
    let e = W::abi_decode(data).ok()?;
    Some(match e {
        W::ProgramNotWasm(_) => "the code is not a Stylus program".into(),
        W::ProgramNotActivated(_) => "the program is not activated".into(),
        W::ProgramNeedsUpgrade(e) => format!("the program is at Stylus version {}, the chain at {}", e.version, e.stylusVersion),
        W::ProgramExpired(e) => format!("the program's activation expired {} s ago", e.ageInSeconds),
        W::ProgramUpToDate(_) => "the program is already activated".into(),
        W::ProgramKeepaliveTooSoon(e) => format!("keepalive too soon (activated {} s ago)", e.ageInSeconds),
        W::ProgramInsufficientValue(e) => format!("activation fee too low: sent {} wei, {} wei needed", e.have, e.want),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::sol_types::SolError;
    use lpx_abi::arbitrum::{IArbWasm, IStylusDeployer};

    #[test]
    fn arbitrum_errors_read_as_words() {
        let at = Address::repeat_byte(0x73);
        let init = IStylusDeployer::ContractInitializationError { newContract: at }.abi_encode();
        assert_eq!(arbitrum_error(&init).unwrap(), format!("the constructor of the new program {at} reverted"));
        let create = IStylusDeployer::ContractDeploymentError { bytecode: vec![0u8; 27_180].into() }.abi_encode();
        assert!(arbitrum_error(&create).unwrap().contains("27180 bytes of init code"));
        let fee = IArbWasm::ProgramInsufficientValue { have: U256::from(1), want: U256::from(2) }.abi_encode();
        assert_eq!(arbitrum_error(&fee).unwrap(), "activation fee too low: sent 1 wei, 2 wei needed");
        assert_eq!(arbitrum_error(&[0xde, 0xad, 0xbe, 0xef]), None);
    }
}
