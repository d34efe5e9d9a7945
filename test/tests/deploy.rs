//! The deployer against the devnet: the real WASM of every contract is deployed, activated,
//! constructed, registered and configured, and a second run changes nothing.

use alloy::primitives::{keccak256, U256};
use lpx_abi::{
    bonding_manager::IBondingManager, controller::IController, rounds_manager::IRoundsManager,
    ticket_broker::ITicketBroker, token::ILivepeerToken,
};
use lpx_deployer::{Chain, NetworkConfig};
use lpx_e2e::{artifacts, bare_devnet, repo_root, Protocol};

#[tokio::test(flavor = "multi_thread")]
async fn deploys_registers_configures_and_is_idempotent() {
    let p = Protocol::deploy().await;
    let config = NetworkConfig::load(&repo_root().join("deployments/devnet.toml")).unwrap();

    // Every contract is registered under Livepeer's id; TicketBroker also as JobsManager.
    for name in ["Controller", "LivepeerToken", "Minter", "RoundsManager", "BondingManager", "TicketBroker", "ServiceRegistry"] {
        let id = keccak256(name.as_bytes());
        let at = p.view("Controller", IController::getContractCall { _id: id }).await;
        assert_eq!(at, p.address(name), "{name} registry entry");
        let record = &p.book.contracts[name];
        assert!(record.compressed_bytes <= 24_576, "{name} is {} bytes compressed", record.compressed_bytes);
    }
    let jobs = p.view("Controller", IController::getContractCall { _id: keccak256("JobsManager") }).await;
    assert_eq!(jobs, p.address("TicketBroker"));
    let treasury = p.view("Controller", IController::getContractCall { _id: keccak256("Treasury") }).await;
    assert_eq!(Some(treasury), config.treasury);

    // The controller is owned by the deployer and unpaused; parameters match devnet.toml.
    assert_eq!(p.view("Controller", IController::ownerCall {}).await, p.accounts[0]);
    assert!(!p.view("Controller", IController::pausedCall {}).await);
    assert_eq!(p.view("RoundsManager", IRoundsManager::roundLengthCall {}).await, U256::from(config.rounds.round_length));
    assert_eq!(p.view("BondingManager", IBondingManager::unbondingPeriodCall {}).await, config.bonding.unbonding_period);
    assert_eq!(
        p.view("BondingManager", IBondingManager::getTranscoderPoolMaxSizeCall {}).await,
        U256::from(config.bonding.num_active_transcoders)
    );
    assert_eq!(p.view("TicketBroker", ITicketBroker::unlockPeriodCall {}).await, U256::from(config.ticket_broker.unlock_period));

    // Genesis LPT reached every configured account, and the deployer kept no minter role.
    let supply = p.view("LivepeerToken", ILivepeerToken::totalSupplyCall {}).await;
    let expected: U256 = config.genesis.iter().map(|g| g.amount).sum();
    assert_eq!(supply, expected);
    let role = p.view("LivepeerToken", ILivepeerToken::MINTER_ROLECall {}).await;
    let deployer_can_mint =
        p.view("LivepeerToken", ILivepeerToken::hasRoleCall { role, account: p.accounts[0] }).await;
    assert!(!deployer_can_mint);
    let minter_can_mint =
        p.view("LivepeerToken", ILivepeerToken::hasRoleCall { role, account: p.address("Minter") }).await;
    assert!(minter_can_mint);

    // A second run against the same chain sends nothing and reports nothing.
    let chain = Chain::new(p.provider.clone(), p.accounts[0]);
    let again = lpx_deployer::deploy(&chain, &config, artifacts(), Some(p.book.clone())).await.unwrap();
    assert_eq!(again.actions, Vec::<String>::new());
    assert_eq!(chain.transactions_sent(), 0);
    assert_eq!(again.book, p.book);
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_network_file_for_another_chain() {
    let (_devnet, provider, accounts) = bare_devnet().await;
    let mut config = NetworkConfig::load(&repo_root().join("deployments/devnet.toml")).unwrap();
    config.chain_id = Some(42161);
    let chain = Chain::new(provider, accounts[0]);
    let err = lpx_deployer::deploy(&chain, &config, artifacts(), None).await.unwrap_err();
    assert!(err.to_string().contains("network file is for chain 42161"), "{err}");
    assert_eq!(chain.transactions_sent(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_treasury_cut_with_nowhere_to_send_it() {
    let (_devnet, provider, accounts) = bare_devnet().await;
    let mut config = NetworkConfig::load(&repo_root().join("deployments/devnet.toml")).unwrap();
    config.treasury = None;
    let chain = Chain::new(provider, accounts[0]);
    let err = lpx_deployer::deploy(&chain, &config, artifacts(), None).await.unwrap_err();
    assert!(err.to_string().contains("no `treasury` address is set"), "{err}");
    assert_eq!(chain.transactions_sent(), 0);
}
