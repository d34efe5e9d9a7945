//! Shared setup for the end-to-end tests: a devnet with the whole protocol deployed from
//! the real contract WASM, and typed helpers to drive it as its users would.

use std::{path::PathBuf, sync::OnceLock};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::{
        local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner},
        SignerSync,
    },
    sol_types::{decode_revert_reason, SolCall},
};
use lpx_abi::{
    rounds_manager::IRoundsManager,
    ticket_broker::{encode_aux_data, eth_signed_message_hash, recipient_rand_hash, ticket_hash, ITicketBroker, Ticket},
};
use lpx_deployer::{AddressBook, Artifact, Chain, NetworkConfig};
use lpx_devnet::{Devnet, DevnetConfig};

/// The standard test mnemonic behind anvil's ten default accounts.
pub const ANVIL_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The contracts, built once per test binary (cargo caches the WASM between binaries).
pub fn artifacts() -> &'static [Artifact] {
    static BUILT: OnceLock<Vec<Artifact>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let built = lpx_contract_build::build_all(&repo_root()).unwrap_or_else(|e| panic!("building the contracts failed: {e}"));
        Artifact::from_built(built).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The ten anvil dev keys, in order.
pub fn anvil_signers() -> Vec<PrivateKeySigner> {
    (0..10)
        .map(|i| MnemonicBuilder::<English>::default().phrase(ANVIL_MNEMONIC).index(i).and_then(|b| b.build()).unwrap_or_else(|e| panic!("anvil key {i}: {e}")))
        .collect()
}

/// A devnet with nothing deployed, a provider that signs for every anvil account, and
/// those accounts in order.
pub async fn bare_devnet() -> (Devnet, DynProvider, Vec<Address>) {
    let devnet = Devnet::spawn(DevnetConfig::test()).await.expect("devnet starts");
    let signers = anvil_signers();
    let accounts: Vec<Address> = signers.iter().map(|s| s.address()).collect();
    let mut wallet = EthereumWallet::new(signers[0].clone());
    for s in &signers[1..] {
        wallet.register_signer(s.clone());
    }
    let url = devnet.url().parse().expect("devnet url");
    // Nonces are read from the chain for every transaction: the cached nonce manager would
    // burn a nonce on each transaction that tests expect to fail at estimation.
    let provider = ProviderBuilder::new()
        .disable_recommended_fillers()
        .with_gas_estimation()
        .with_simple_nonce_management()
        .fetch_chain_id()
        .wallet(wallet)
        .connect_http(url)
        .erased();
    (devnet, provider, accounts)
}

/// A devnet with the protocol deployed from `deployments/devnet.toml`.
pub struct Protocol {
    /// The running chain.
    pub devnet: Devnet,
    /// Where everything was deployed.
    pub book: AddressBook,
    /// A provider that signs for every anvil account.
    pub provider: DynProvider,
    /// The anvil accounts; `accounts[0]` deployed the protocol and owns the Controller.
    pub accounts: Vec<Address>,
}

/// A transaction or call that failed, with its decoded revert reason when there is one.
#[derive(Debug)]
pub struct Failure(pub String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn failure(e: alloy::transports::TransportError) -> Failure {
    let reason = e.as_error_resp().and_then(|p| p.as_revert_data()).and_then(|d| decode_revert_reason(&d));
    Failure(reason.unwrap_or_else(|| e.to_string()))
}

impl Protocol {
    /// Starts a devnet and deploys the protocol on it.
    pub async fn deploy() -> Self {
        let (devnet, provider, accounts) = bare_devnet().await;
        let config = NetworkConfig::load(&repo_root().join("deployments/devnet.toml")).expect("devnet.toml");
        let chain = Chain::new(provider.clone(), accounts[0]);
        let outcome = lpx_deployer::deploy(&chain, &config, artifacts(), None).await.expect("deploy");
        Self { devnet, book: outcome.book, provider, accounts }
    }

    /// The address of a deployed contract.
    pub fn address(&self, name: &str) -> Address {
        self.book.address(name).unwrap_or_else(|| panic!("{name} is not deployed"))
    }

    /// A typed view call.
    pub async fn view<C: SolCall>(&self, to: &str, call: C) -> C::Return {
        let tx = TransactionRequest::default().with_to(self.address(to)).with_input(call.abi_encode());
        let out = self.provider.call(tx).await.unwrap_or_else(|e| panic!("{} on {to}: {}", C::SIGNATURE, failure(e)));
        C::abi_decode_returns(&out).unwrap_or_else(|e| panic!("{} on {to}: {e}", C::SIGNATURE))
    }

    /// Sends a typed call from `from`; `Err` carries the revert reason.
    pub async fn try_send<C: SolCall>(&self, from: Address, to: &str, call: C, value: U256) -> Result<TransactionReceipt, Failure> {
        let tx = TransactionRequest::default().with_from(from).with_to(self.address(to)).with_input(call.abi_encode()).with_value(value);
        let receipt = self.provider.send_transaction(tx).await.map_err(failure)?.get_receipt().await.map_err(|e| Failure(e.to_string()))?;
        if receipt.status() {
            Ok(receipt)
        } else {
            Err(Failure(format!("{} reverted in {}", C::SIGNATURE, receipt.transaction_hash)))
        }
    }

    /// Simulates a typed call from `from` (`eth_call`, nothing is mined); `Err` carries the
    /// revert reason.
    pub async fn try_call<C: SolCall>(&self, from: Address, to: &str, call: C) -> Result<C::Return, Failure> {
        let tx = TransactionRequest::default().with_from(from).with_to(self.address(to)).with_input(call.abi_encode());
        let out = self.provider.call(tx).await.map_err(failure)?;
        C::abi_decode_returns(&out).map_err(|e| Failure(format!("{}: {e}", C::SIGNATURE)))
    }

    /// Sends a typed call that must succeed.
    pub async fn send<C: SolCall>(&self, from: Address, to: &str, call: C) -> TransactionReceipt {
        let sig = C::SIGNATURE;
        self.try_send(from, to, call, U256::ZERO).await.unwrap_or_else(|e| panic!("{sig} on {to}: {e}"))
    }

    /// Mines `blocks` empty blocks (`anvil_mine`).
    pub async fn mine(&self, blocks: u64) {
        let _: serde_json::Value = self.provider.raw_request("anvil_mine".into(), (U256::from(blocks),)).await.expect("anvil_mine");
    }

    /// Anvil account `broadcaster` pays `recipient` one ticket of `face` that wins with
    /// certainty (winProb 2^256 − 1), and `recipient` redeems it: the TicketBroker pays the
    /// face value from the broadcaster's deposit into the recipient's fee pool through
    /// BondingManager.updateTranscoderWithFees. Returns the redemption's receipt.
    pub async fn pay_winning_ticket(&self, broadcaster: usize, recipient: Address, face: U256) -> TransactionReceipt {
        let signer = anvil_signers().swap_remove(broadcaster);
        let round = self.view("RoundsManager", IRoundsManager::lastInitializedRoundCall {}).await;
        let hash = self.view("RoundsManager", IRoundsManager::blockHashForRoundCall { _round: round }).await;
        let rand = U256::from(0x5eed_u64);
        let ticket = Ticket {
            recipient,
            sender: signer.address(),
            faceValue: face,
            winProb: U256::MAX,
            senderNonce: U256::from(1),
            recipientRandHash: recipient_rand_hash(rand),
            auxData: encode_aux_data(round, hash),
        };
        let sig = signer.sign_hash_sync(&eth_signed_message_hash(&ticket_hash(&ticket))).expect("signing a ticket");
        let call = ITicketBroker::redeemWinningTicketCall { _ticket: ticket, _sig: Bytes::copy_from_slice(&sig.as_bytes()), _recipientRand: rand };
        self.send(recipient, "TicketBroker", call).await
    }

    /// Mines to the start of the next round and initializes it; returns the new round.
    pub async fn next_round(&self) -> U256 {
        let length = self.view("RoundsManager", IRoundsManager::roundLengthCall {}).await;
        let start = self.view("RoundsManager", IRoundsManager::currentRoundStartBlockCall {}).await;
        let now = U256::from(self.provider.get_block_number().await.expect("block number"));
        // The next transaction lands in block now+1, so stop one block short of the boundary.
        let target = start + length;
        if target > now + U256::from(1) {
            self.mine((target - now - U256::from(1)).to::<u64>()).await;
        }
        self.send(self.accounts[0], "RoundsManager", IRoundsManager::initializeRoundCall {}).await;
        self.view("RoundsManager", IRoundsManager::currentRoundCall {}).await
    }
}
