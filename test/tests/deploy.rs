//! The deployer against the devnet: the real WASM of every contract is deployed, activated,
//! constructed, registered and configured, and a second run changes nothing.

use alloy::primitives::{keccak256, U256};
use lpx_abi::{
    bonding_manager::IBondingManager, controller::IController, governor::ILivepeerGovernor, manager::IManagerProxy, rounds_manager::IRoundsManager,
    ticket_broker::ITicketBroker, token::ILivepeerToken, treasury::ITreasury,
};
use lpx_deployer::{Chain, NetworkConfig, PROXIED};
use lpx_e2e::{artifacts, bare_devnet, repo_root, Protocol};

#[tokio::test(flavor = "multi_thread")]
async fn deploys_registers_configures_and_is_idempotent() {
    let p = Protocol::deploy().await;
    let config = NetworkConfig::load(&repo_root().join("deployments/devnet.toml")).unwrap();

    // Every contract is registered under Livepeer's id; TicketBroker also as JobsManager.
    let targets = PROXIED.map(|n| format!("{n}Target"));
    let names =
        ["Controller", "LivepeerToken", "Minter", "BondingManagerExtension", "Treasury"].into_iter().chain(PROXIED).chain(targets.iter().map(String::as_str));
    for name in names {
        let id = keccak256(name.as_bytes());
        let at = p.view("Controller", IController::getContractCall { _id: id }).await;
        assert_eq!(at, p.address(name), "{name} registry entry");
        let record = &p.book.contracts[name];
        assert!(record.compressed_bytes <= 24_576, "{name} is {} bytes compressed", record.compressed_bytes);
    }
    let jobs = p.view("Controller", IController::getContractCall { _id: keccak256("JobsManager") }).await;
    assert_eq!(jobs, p.address("TicketBroker"));

    // Each upgradeable manager is a ManagerProxy in front of its registered target.
    for name in PROXIED {
        let proxy = p.address(name);
        let (controller, id) = (IManagerProxy::controllerCall {}, IManagerProxy::targetContractIdCall {});
        assert_eq!(p.view(name, controller).await, p.address("Controller"), "{name}'s proxy controller");
        assert_eq!(p.view(name, id).await, keccak256(format!("{name}Target")), "{name}'s proxy target id");
        assert_ne!(proxy, p.address(&format!("{name}Target")));
        assert_eq!(p.book.contracts[name].code_hash, p.book.contracts["BondingManager"].code_hash, "one proxy program");
    }

    // Governance: the Governor is initialized with devnet.toml's settings, the Treasury's only
    // proposer and executor is the Governor, and the Treasury owns the unpaused Controller.
    let g = &config.governance;
    assert_eq!(p.view("LivepeerGovernor", ILivepeerGovernor::votingDelayCall {}).await, U256::from(g.voting_delay));
    assert_eq!(p.view("LivepeerGovernor", ILivepeerGovernor::votingPeriodCall {}).await, U256::from(g.voting_period));
    assert_eq!(p.view("LivepeerGovernor", ILivepeerGovernor::proposalThresholdCall {}).await, g.proposal_threshold);
    assert_eq!(p.view("LivepeerGovernor", ILivepeerGovernor::quorumNumerator_0Call {}).await, U256::from(g.quorum));
    assert_eq!(p.view("LivepeerGovernor", ILivepeerGovernor::timelockCall {}).await, p.address("Treasury"));
    for (role, who, has) in [
        (p.view("Treasury", ITreasury::PROPOSER_ROLECall {}).await, p.address("LivepeerGovernor"), true),
        (p.view("Treasury", ITreasury::EXECUTOR_ROLECall {}).await, p.address("LivepeerGovernor"), true),
        (p.view("Treasury", ITreasury::PROPOSER_ROLECall {}).await, p.accounts[0], false),
        (p.view("Treasury", ITreasury::TIMELOCK_ADMIN_ROLECall {}).await, p.accounts[0], false),
        (p.view("Treasury", ITreasury::TIMELOCK_ADMIN_ROLECall {}).await, p.address("Treasury"), true),
    ] {
        assert_eq!(p.view("Treasury", ITreasury::hasRoleCall { role, account: who }).await, has, "{role} of {who}");
    }
    assert_eq!(p.view("Controller", IController::ownerCall {}).await, p.address("Treasury"));
    assert!(!p.view("Controller", IController::pausedCall {}).await);
    assert_eq!(p.view("RoundsManager", IRoundsManager::roundLengthCall {}).await, U256::from(config.rounds.round_length));
    assert_eq!(p.view("BondingManager", IBondingManager::unbondingPeriodCall {}).await, config.bonding.unbonding_period);
    assert_eq!(p.view("BondingManager", IBondingManager::getTranscoderPoolMaxSizeCall {}).await, U256::from(config.bonding.num_active_transcoders));
    assert_eq!(p.view("TicketBroker", ITicketBroker::unlockPeriodCall {}).await, U256::from(config.ticket_broker.unlock_period));

    // Genesis LPT reached every configured account, and the deployer kept no minter role.
    let supply = p.view("LivepeerToken", ILivepeerToken::totalSupplyCall {}).await;
    let expected: U256 = config.genesis.iter().map(|g| g.amount).sum();
    assert_eq!(supply, expected);
    let role = p.view("LivepeerToken", ILivepeerToken::MINTER_ROLECall {}).await;
    let deployer_can_mint = p.view("LivepeerToken", ILivepeerToken::hasRoleCall { role, account: p.accounts[0] }).await;
    assert!(!deployer_can_mint);
    let minter_can_mint = p.view("LivepeerToken", ILivepeerToken::hasRoleCall { role, account: p.address("Minter") }).await;
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
async fn after_the_hand_over_owner_changes_are_left_to_a_proposal() {
    let p = Protocol::deploy().await;
    let mut config = NetworkConfig::load(&repo_root().join("deployments/devnet.toml")).unwrap();
    config.bonding.unbonding_period += 5;
    config.governance.guardian = Some(p.accounts[8]);
    let chain = Chain::new(p.provider.clone(), p.accounts[0]);
    let err = lpx_deployer::deploy(&chain, &config, artifacts(), Some(p.book.clone())).await.unwrap_err().to_string();
    assert!(err.contains("need a governance proposal"), "{err}");
    assert!(err.contains("set unbondingPeriod to 7"), "{err}");
    assert!(err.contains(&format!("set the guardian to {}", p.accounts[8])), "{err}");
    assert_eq!(chain.transactions_sent(), 0, "nothing is sent when the Treasury owns the Controller");
    let period = p.view("BondingManager", IBondingManager::unbondingPeriodCall {}).await;
    assert_eq!(period, 2);
}
