//! The ManagerProxy program on the devnet, in front of real targets: Livepeer's
//! ServiceRegistry, then an upgrade to a "v2" fixture (devnet/fixtures/registry-v2) with the
//! same storage and new functions. Storage lives in the proxy, an upgrade through the
//! Controller keeps it, the caller and value reach the target, reverts come back verbatim,
//! and a call path that re-enters a proxy through another proxy works.

use std::sync::OnceLock;

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, Bytes, FixedBytes, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    sol,
    sol_types::{decode_revert_reason, Revert, SolCall, SolError, SolEvent, SolValue},
};
use lpx_abi::controller::IController;
use lpx_abi::manager::IManagerProxy;
use lpx_abi::service_registry::IServiceRegistry;
use lpx_contract_build::{build, nitro_wasm, ContractPackage};
use lpx_devnet::test_utils::deploy_stylus_with_deployer;
use lpx_e2e::{bare_devnet, repo_root};

sol! {
    /// The v2 fixture's new functions.
    interface IRegistryV2 {
        function version() external view returns (uint256);
        function whoami() external payable returns (address, uint256, address, bytes32);
        function fail(string reason) external view;
        function callOther(address target, bytes data) external returns (bytes);
    }
}

/// `keccak256("stylus_constructor()")[..4]`.
const CONSTRUCTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// Deployable WASM of the proxy, the Controller, the ServiceRegistry and the v2 fixture.
struct Wasm {
    proxy: Vec<u8>,
    controller: Vec<u8>,
    registry: Vec<u8>,
    v2: Vec<u8>,
}

fn wasm() -> &'static Wasm {
    static BUILT: OnceLock<Wasm> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = repo_root();
        let package = |dir: &str, name: &str, package: &str| ContractPackage { name: name.into(), package: package.into(), dir: root.join(dir) };
        let packages = [
            package("contracts/manager-proxy", "manager-proxy", "lpx-manager-proxy"),
            package("contracts/controller", "controller", "lpx-controller"),
            package("contracts/service-registry", "service-registry", "lpx-service-registry"),
            package("devnet/fixtures/registry-v2", "registry-v2", "lpx-devnet-registry-v2"),
        ];
        let built = build(&root, &packages).unwrap_or_else(|e| panic!("building: {e}"));
        let mut it = built.into_iter().map(|c| nitro_wasm(&c.wasm).unwrap_or_else(|e| panic!("{}: {e}", c.package)));
        let mut next = || it.next().expect("four programs");
        Wasm { proxy: next(), controller: next(), registry: next(), v2: next() }
    })
}

fn ctor(args: &[u8]) -> Bytes {
    [&CONSTRUCTOR[..], args].concat().into()
}

/// The revert reason of a failed call or transaction estimate, or the error text.
fn reason(e: alloy::transports::TransportError) -> String {
    e.as_error_resp()
        .and_then(|p| p.as_revert_data())
        .and_then(|d| Revert::abi_decode(&d).map(|r| r.reason).ok().or_else(|| decode_revert_reason(&d)))
        .unwrap_or_else(|| e.to_string())
}

struct Chain {
    p: DynProvider,
}

impl Chain {
    async fn call(&self, from: Address, to: Address, data: Vec<u8>, value: u64) -> Result<Bytes, String> {
        let tx = TransactionRequest::default().with_from(from).with_to(to).with_input(data).with_value(U256::from(value));
        self.p.call(tx).await.map_err(reason)
    }

    async fn send(&self, from: Address, to: Address, data: Vec<u8>, value: u64) -> TransactionReceipt {
        let tx = TransactionRequest::default().with_from(from).with_to(to).with_input(data).with_value(U256::from(value));
        let receipt = self.p.send_transaction(tx).await.unwrap_or_else(|e| panic!("send: {}", reason(e)));
        let receipt = receipt.get_receipt().await.expect("receipt");
        assert!(receipt.status(), "transaction to {to} reverted");
        receipt
    }

    async fn uri(&self, at: Address, of: Address) -> String {
        // Read from no particular account: the answer must not depend on the caller.
        let out = self.call(Address::ZERO, at, IServiceRegistry::getServiceURICall { _addr: of }.abi_encode(), 0).await.unwrap();
        IServiceRegistry::getServiceURICall::abi_decode_returns(&out).unwrap()
    }

    async fn register(&self, owner: Address, controller: Address, id: B256, target: Address) {
        let call = IController::setContractInfoCall { _id: id, _contractAddress: target, _gitCommitHash: FixedBytes::ZERO };
        self.send(owner, controller, call.abi_encode(), 0).await;
    }
}

#[tokio::test]
async fn proxy_delegates_upgrades_and_reenters() {
    let w = wasm();
    let (_devnet, p, accounts) = bare_devnet().await;
    let (owner, user, other) = (accounts[0], accounts[1], accounts[2]);
    let c = Chain { p: p.clone() };
    let id = keccak256("ServiceRegistryTarget");

    let controller = deploy_stylus_with_deployer(&p, &w.controller, ctor(&owner.abi_encode()), U256::ZERO).await.unwrap();
    let registry = deploy_stylus_with_deployer(&p, &w.registry, ctor(&controller.abi_encode()), U256::ZERO).await.unwrap();
    let v2 = lpx_devnet::test_utils::deploy_stylus(&p, &w.v2).await.unwrap();
    let proxy_args = (controller, id).abi_encode_params();
    let proxy = deploy_stylus_with_deployer(&p, &w.proxy, ctor(&proxy_args), U256::ZERO).await.unwrap();

    // The proxy's own functions; a second constructor is refused.
    let out = c.call(user, proxy, IManagerProxy::controllerCall {}.abi_encode(), 0).await.unwrap();
    assert_eq!(IManagerProxy::controllerCall::abi_decode_returns(&out).unwrap(), controller);
    let out = c.call(user, proxy, IManagerProxy::targetContractIdCall {}.abi_encode(), 0).await.unwrap();
    assert_eq!(IManagerProxy::targetContractIdCall::abi_decode_returns(&out).unwrap(), id);
    assert_eq!(c.call(owner, proxy, ctor(&proxy_args).to_vec(), 0).await.unwrap_err(), "constructor already called");

    // Nothing registered yet.
    let set = |uri: &str| IServiceRegistry::setServiceURICall { _serviceURI: uri.into() }.abi_encode();
    assert_eq!(c.call(user, proxy, set("x"), 0).await.unwrap_err(), "target contract must be registered");

    // v1: the real ServiceRegistry. State lives in the proxy, keyed by the real caller.
    c.register(owner, controller, id, registry).await;
    let receipt = c.send(user, proxy, set("https://orch.example:8935"), 0).await;
    let log = &receipt.inner.logs()[0];
    assert_eq!(log.address(), proxy, "the event comes from the proxy");
    let ev = IServiceRegistry::ServiceURIUpdate::decode_log_data(log.data()).unwrap();
    assert_eq!(ev.addr, user, "msg.sender reaches the target");
    assert_eq!(c.uri(proxy, user).await, "https://orch.example:8935");
    assert_eq!(c.uri(registry, user).await, "", "the target's own storage is untouched");
    // The target's reverts come back verbatim (its entry point's messages included).
    assert_eq!(c.call(user, proxy, set("x"), 1).await.unwrap_err(), "function is not payable");
    let v = IRegistryV2::versionCall {}.abi_encode();
    assert_eq!(c.call(user, proxy, v.clone(), 0).await.unwrap_err(), "unknown function selector");

    // Gas: the same first write and the same read, directly and through the proxy.
    let direct = c.send(other, registry, set("https://other.example:8935"), 0).await.gas_used;
    let proxied = c.send(other, proxy, set("https://other.example:8935"), 0).await.gas_used;
    let read = IServiceRegistry::getServiceURICall { _addr: other }.abi_encode();
    let estimate = |to: Address| {
        let tx = TransactionRequest::default().with_from(other).with_to(to).with_input(read.clone());
        let p = p.clone();
        async move { p.estimate_gas(tx).await.unwrap() }
    };
    let (read_direct, read_proxied) = (estimate(registry).await, estimate(proxy).await);
    eprintln!(
        "ManagerProxy overhead: setServiceURI {direct} -> {proxied} (+{}), getServiceURI {read_direct} -> {read_proxied} (+{})",
        proxied - direct,
        read_proxied - read_direct
    );
    assert!(proxied > direct && proxied - direct < 20_000, "proxy overhead {}", proxied - direct);

    // Upgrade: re-register the id. State is kept and v2's new functions are there.
    c.register(owner, controller, id, v2).await;
    let out = c.call(user, proxy, v, 0).await.unwrap();
    assert_eq!(IRegistryV2::versionCall::abi_decode_returns(&out).unwrap(), U256::from(2));
    assert_eq!(c.uri(proxy, user).await, "https://orch.example:8935", "state survives the upgrade");
    let out = c.call(user, proxy, IRegistryV2::whoamiCall {}.abi_encode(), 5).await.unwrap();
    let who = IRegistryV2::whoamiCall::abi_decode_returns(&out).unwrap();
    assert_eq!((who._0, who._1, who._2, who._3), (user, U256::from(5), proxy, id), "caller, value and storage context");
    let fail = IRegistryV2::failCall { reason: "boom".into() }.abi_encode();
    assert_eq!(c.call(user, proxy, fail, 0).await.unwrap_err(), "boom");

    // Re-entry through a second proxy: A -> B -> A. Nitro counts a second frame of A; the
    // v2 target is built `reentrant`, so it serves it.
    let id_b = keccak256("RegistryB");
    let proxy_b = deploy_stylus_with_deployer(&p, &w.proxy, ctor(&(controller, id_b).abi_encode_params()), U256::ZERO).await.unwrap();
    c.register(owner, controller, id_b, v2).await;
    let inner = IRegistryV2::callOtherCall { target: proxy, data: set("set via B").into() }.abi_encode();
    let outer = IRegistryV2::callOtherCall { target: proxy_b, data: inner.into() }.abi_encode();
    c.send(user, proxy, outer, 0).await;
    assert_eq!(c.uri(proxy, proxy_b).await, "set via B", "A's storage, written by A re-entered from B");
    assert_eq!(c.uri(proxy_b, proxy_b).await, "", "B's storage is its own");

    // setController: only the Controller, through updateController.
    let next = Address::repeat_byte(0x42);
    let set_controller = IManagerProxy::setControllerCall { _controller: next }.abi_encode();
    assert_eq!(c.call(owner, proxy, set_controller, 0).await.unwrap_err(), "caller must be Controller");
    let registry_id = keccak256("ServiceRegistry");
    c.register(owner, controller, registry_id, proxy).await;
    let update = IController::updateControllerCall { _id: registry_id, _controller: next }.abi_encode();
    c.send(owner, controller, update, 0).await;
    let out = c.call(user, proxy, IManagerProxy::controllerCall {}.abi_encode(), 0).await.unwrap();
    assert_eq!(IManagerProxy::controllerCall::abi_decode_returns(&out).unwrap(), next);
    // The new "Controller" has no code: the lookup gets no answer.
    assert_eq!(c.call(user, proxy, set("x"), 0).await.unwrap_err(), "invalid Controller response");
}
