//! Governance end to end through the `lpx` binary on one devnet with the protocol deployed
//! as `deployments/devnet.toml` says (the Treasury owns the Controller): proposals made,
//! voted with delegator override in both orders and through a non-self-delegated account
//! (spec V60), queued and executed by `lpx gov`; a parameter change, a raw `--call`, an
//! upgrade of a proxied contract that keeps its state, a proposal defeated below quorum, a
//! second execution refused, and a cancellation. Every effect is read back from the chain.

mod support;

use alloy::{
    primitives::{keccak256, utils::parse_ether, Address, U256},
    sol,
};
use lpx_abi::{
    bonding_manager::IBondingManager, controller::IController, governor::ILivepeerGovernor as G, minter::IMinter, rounds_manager::IRoundsManager,
    service_registry::IServiceRegistry, token::ILivepeerToken,
};
use lpx_contract_build::{build, nitro_wasm, ContractPackage};
use lpx_e2e::{repo_root, Protocol};
use serde_json::Value;
use support::Lpx;

sol! {
    /// The ServiceRegistry "v2" fixture's new function.
    interface IRegistryV2 {
        function version() external view returns (uint256);
    }
}

fn lpt(n: &str) -> U256 {
    parse_ether(n).unwrap()
}

async fn bond(p: &Protocol, who: Address, amount: U256, to: Address) {
    p.send(who, "LivepeerToken", ILivepeerToken::approveCall { spender: p.address("BondingManager"), amount }).await;
    p.send(who, "BondingManager", IBondingManager::bondCall { _amount: amount, _to: to }).await;
}

/// The ServiceRegistry v2 fixture (same storage, a new `version()`), deployed and activated.
async fn deploy_registry_v2(p: &Protocol) -> Address {
    let root = repo_root();
    let package = ContractPackage { name: "registry-v2".into(), package: "lpx-devnet-registry-v2".into(), dir: root.join("devnet/fixtures/registry-v2") };
    let built = build(&root, &[package]).expect("building the v2 fixture");
    let wasm = nitro_wasm(&built[0].wasm).expect("nitro wasm");
    lpx_devnet::test_utils::deploy_stylus(&p.provider, &wasm).await.expect("deploying the v2 fixture")
}

/// Proposes through the CLI and returns the proposal id.
async fn propose(lpx: &Lpx<'_>, key: usize, args: &[&str]) -> String {
    let mut all = vec!["gov", "propose"];
    all.extend_from_slice(args);
    let out = lpx.json(Some(key), &all).await;
    out["proposalId"].as_str().expect("proposalId").to_string()
}

async fn show(lpx: &Lpx<'_>, id: &str) -> Value {
    lpx.json(None, &["gov", "show", id]).await
}

async fn votes(p: &Protocol, id: &str) -> (U256, U256, U256) {
    let v = p.view("LivepeerGovernor", G::proposalVotesCall { proposalId: id.parse().unwrap() }).await;
    (v.againstVotes, v.forVotes, v.abstainVotes)
}

#[tokio::test(flavor = "multi_thread")]
async fn proposals_change_parameters_and_upgrade_contracts() {
    let p = Protocol::deploy().await;
    let lpx = Lpx::new(&p, "gov");
    // T: an orchestrator with 1000 LPT of its own; D: its delegator (500); V: self-bonded
    // (300), which in Livepeer makes it a registered transcoder in the active set too. The
    // total active stake is 1800. X bonds 200 to D, which is not self-delegated: X's stake
    // is outside the active set, BondingVotes gives X no votes (an account delegating to an
    // unregistered address has none, the H-02 fix of spec §16), and X's vote takes nothing
    // from D's (spec §10.3: no override through a non-self-delegated delegate).
    let (t, d, v, x) = (1, 2, 3, 4);
    let (ta, da, va, xa) = (p.accounts[t], p.accounts[d], p.accounts[v], p.accounts[x]);
    let v2 = deploy_registry_v2(&p).await;

    p.next_round().await;
    bond(&p, ta, lpt("1000"), ta).await;
    p.send(ta, "BondingManager", IBondingManager::transcoderCall { _rewardCut: U256::ZERO, _feeShare: U256::ZERO }).await;
    bond(&p, da, lpt("500"), ta).await;
    bond(&p, va, lpt("300"), va).await;
    bond(&p, xa, lpt("200"), da).await;
    p.send(ta, "ServiceRegistry", IServiceRegistry::setServiceURICall { _serviceURI: "https://t.example:8935".into() }).await;
    // Bonds count from the next round, and a proposer's power is read at the start of the
    // round it proposes in.
    p.next_round().await;
    p.next_round().await;

    // Nothing is owner-settable any more: the Treasury owns the Controller.
    let direct = p.try_send(p.accounts[0], "BondingManager", IBondingManager::setUnbondingPeriodCall { _unbondingPeriod: 5 }, U256::ZERO).await;
    assert!(direct.unwrap_err().0.contains("caller must be Controller owner"));

    // A dry run shows the decoded call and sends nothing.
    let dry = lpx.ok(None, &["gov", "propose", "--description", "x", "--set", "bonding.unbondingPeriod=5", "--dry-run"]).await;
    assert!(dry.contains("1. BondingManager.setUnbondingPeriod(5)") && dry.contains("not sent"), "{dry}");
    let bad = lpx.fails(Some(t), &["gov", "propose", "--description", "x", "--set", "bonding.unbondingPeriod=soon"]).await;
    assert!(bad.contains("\"soon\" is not a valid uint64"), "{bad}");

    let target_rate = p.view("Minter", IMinter::targetBondingRateCall {}).await;
    assert_ne!(target_rate, U256::from(400_000_000u64));
    let a = propose(
        &lpx,
        t,
        &[
            "--description",
            "Shorten the unbonding period\n\nFive rounds, and a 40% target bonding rate.",
            "--set",
            "bonding.unbondingPeriod=5",
            "--call",
            "Minter",
            "setTargetBondingRate(uint256)",
            "400000000",
        ],
    )
    .await;
    let b = propose(&lpx, v, &["--description", "Longer rounds", "--set", "rounds.roundLength=30"]).await;
    let up = format!("ServiceRegistry={v2}");
    let c = propose(&lpx, t, &["--description", "ServiceRegistry v2", "--upgrade", &up]).await;
    let e = propose(&lpx, t, &["--description", "Withdrawn idea", "--call", "Minter", "setTargetBondingRate(uint256)", "400000000"]).await;
    assert_eq!(show(&lpx, &a).await["state"], "Pending");
    let early = lpx.fails(Some(d), &["gov", "vote", &a, "for"]).await;
    assert!(early.contains("is Pending: voting opens in round"), "{early}");
    let stranger = lpx.fails(Some(d), &["gov", "cancel", &e]).await;
    assert!(stranger.contains("Governor: only proposer can cancel"), "{stranger}");
    lpx.ok(Some(t), &["gov", "cancel", &e]).await;
    assert_eq!(show(&lpx, &e).await["state"], "Canceled");

    // Voting opens the round after the snapshot.
    p.next_round().await;
    p.next_round().await;
    assert_eq!(show(&lpx, &a).await["state"], "Active");

    // Delegator override, delegator first (V60's second case): D votes against, then its
    // orchestrator for; D's 500 leaves T's 1500.
    lpx.ok(Some(d), &["gov", "vote", &a, "against"]).await;
    assert_eq!(votes(&p, &a).await, (lpt("500"), U256::ZERO, U256::ZERO));
    lpx.ok(Some(t), &["gov", "vote", &a, "for", "--reason", "faster exits"]).await;
    assert_eq!(votes(&p, &a).await, (lpt("500"), lpt("1000"), U256::ZERO));
    lpx.ok(Some(v), &["gov", "vote", &a, "abstain"]).await;
    assert_eq!(votes(&p, &a).await, (lpt("500"), lpt("1000"), lpt("300")));
    // X votes after its delegate D: its vote is recorded, with no weight, and D keeps its 500.
    lpx.ok(Some(x), &["gov", "vote", &a, "against"]).await;
    assert_eq!(votes(&p, &a).await, (lpt("500"), lpt("1000"), lpt("300")));
    let voted = p.view("LivepeerGovernor", G::hasVotedCall { proposalId: a.parse().unwrap(), account: xa }).await;
    assert!(voted, "X's vote is recorded");
    let again = lpx.fails(Some(d), &["gov", "vote", &a, "for"]).await;
    assert!(again.contains("already voted"), "{again}");
    // B: only V's 300 of the 1800 at stake votes, below the 33.33% quorum (599.94).
    lpx.ok(Some(v), &["gov", "vote", &b, "for"]).await;
    // Orchestrator first (V60's first case): T's 1500 counts for, until D votes against and
    // takes its 500 with it. X votes before its delegate D this time: still no override.
    lpx.ok(Some(t), &["gov", "vote", &c, "for"]).await;
    assert_eq!(votes(&p, &c).await, (U256::ZERO, lpt("1500"), U256::ZERO));
    lpx.ok(Some(x), &["gov", "vote", &c, "against"]).await;
    assert_eq!(votes(&p, &c).await, (U256::ZERO, lpt("1500"), U256::ZERO));
    lpx.ok(Some(d), &["gov", "vote", &c, "against"]).await;
    assert_eq!(votes(&p, &c).await, (lpt("500"), lpt("1000"), U256::ZERO));

    let shown = show(&lpx, &a).await;
    assert_eq!(shown["votes"]["for"], lpt("1000").to_string());
    let quorum = lpt("1800") * U256::from(333_300) / U256::from(1_000_000);
    assert_eq!(shown["quorum"], quorum.to_string());
    assert_eq!(shown["actions"][0], "BondingManager.setUnbondingPeriod(5)");
    assert_eq!(shown["actions"][1], "Minter.setTargetBondingRate(400000000)");

    // After the deadline round: A and C succeeded, B is defeated.
    let deadline: U256 = shown["deadline"].as_str().unwrap().parse().unwrap();
    while p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await <= deadline {
        p.next_round().await;
    }
    assert_eq!(show(&lpx, &a).await["state"], "Succeeded");
    assert_eq!(show(&lpx, &b).await["state"], "Defeated");
    let defeated = lpx.fails(Some(v), &["gov", "queue", &b]).await;
    assert!(defeated.contains("Governor: proposal not successful"), "{defeated}");

    // Queue and execute A: the parameter changes, as the Treasury. Twice is refused.
    lpx.ok(Some(d), &["gov", "queue", &a]).await;
    assert_eq!(show(&lpx, &a).await["state"], "Queued");
    lpx.ok(Some(d), &["gov", "execute", &a]).await;
    assert_eq!(show(&lpx, &a).await["state"], "Executed");
    assert_eq!(p.view("BondingManager", IBondingManager::unbondingPeriodCall {}).await, 5);
    assert_eq!(p.view("Minter", IMinter::targetBondingRateCall {}).await, U256::from(400_000_000u64));
    let twice = lpx.fails(Some(d), &["gov", "execute", &a]).await;
    assert!(twice.contains("Governor: proposal not successful"), "{twice}");

    // C upgrades the ServiceRegistry: the proxy now runs v2, and T's URI is still there.
    lpx.ok(Some(t), &["gov", "queue", &c]).await;
    lpx.ok(Some(t), &["gov", "execute", &c]).await;
    let target = p.view("Controller", IController::getContractCall { _id: keccak256("ServiceRegistryTarget") }).await;
    assert_eq!(target, v2);
    assert_eq!(p.view("ServiceRegistry", IRegistryV2::versionCall {}).await, U256::from(2));
    let uri = p.view("ServiceRegistry", IServiceRegistry::getServiceURICall { _addr: ta }).await;
    assert_eq!(uri, "https://t.example:8935");

    // The list shows each proposal's final state.
    let list = lpx.json(None, &["gov", "list"]).await;
    let states: Vec<(&str, &str)> = list.as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap(), p["state"].as_str().unwrap())).collect();
    assert_eq!(states, [(a.as_str(), "Executed"), (b.as_str(), "Defeated"), (c.as_str(), "Executed"), (e.as_str(), "Canceled")]);
}
