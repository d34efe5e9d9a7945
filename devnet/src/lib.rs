//! An anvil-compatible local Arbitrum chain that executes real Stylus WASM.
//!
//! revm runs EVM code; accounts whose code starts with the Stylus prefix run in a wasmi
//! executor that implements Nitro's `vm_hooks`. ArbWasm, ArbSys, ArbOwnerPublic and a native
//! StylusDeployer answer at their Arbitrum addresses. The JSON-RPC server speaks anvil's dialect.
//!
//! ```no_run
//! # async fn demo() -> Result<(), lpx_devnet::DevnetError> {
//! let devnet = lpx_devnet::Devnet::spawn(lpx_devnet::DevnetConfig::test()).await?;
//! println!("{}", devnet.url());
//! # Ok(()) }
//! ```

pub mod arb;
pub mod chain;
pub mod evm;
pub mod node;
pub mod rpc;
pub mod stylus;
#[cfg(feature = "test-utils")]
pub mod test_utils;

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

pub use chain::ChainConfig;
pub use node::Node;

/// Everything needed to start a devnet.
#[derive(Debug, Clone)]
pub struct DevnetConfig {
    /// Chain settings.
    pub chain: ChainConfig,
    /// Address to listen on (port 0 picks a free port).
    pub addr: SocketAddr,
    /// Interval mining period; `None` mines on every transaction.
    pub block_time: Option<Duration>,
    /// State file to load at start.
    pub load_state: Option<PathBuf>,
    /// Persisted chain (accounts and blocks): restored at start if the file exists, written
    /// after every call that mines a block.
    pub state: Option<PathBuf>,
}

impl Default for DevnetConfig {
    fn default() -> Self {
        Self { chain: ChainConfig::default(), addr: SocketAddr::from(([127, 0, 0, 1], 8545)), block_time: None, load_state: None, state: None }
    }
}

impl DevnetConfig {
    /// Defaults on a free local port, for tests.
    pub fn test() -> Self {
        Self { addr: SocketAddr::from(([127, 0, 0, 1], 0)), ..Self::default() }
    }
}

/// Why a devnet couldn't start.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// The listen address is taken or invalid.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// The node thread failed to start.
    #[error("cannot start the node: {0}")]
    Node(String),
    /// A state file couldn't be read or parsed.
    #[error("cannot load state from {0}: {1}")]
    LoadState(PathBuf, String),
}

/// A running devnet. Dropping it stops the server (the node thread ends with it).
pub struct Devnet {
    addr: SocketAddr,
    node: Node,
    server: tokio::task::JoinHandle<()>,
    feeder: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Devnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Devnet").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Devnet {
    /// Starts the node and the JSON-RPC server in this tokio runtime.
    pub async fn spawn(config: DevnetConfig) -> Result<Self, DevnetError> {
        let (node, _thread) = Node::start(config.chain.clone(), config.block_time).map_err(DevnetError::Node)?;
        if let Some(path) = &config.load_state {
            let text = std::fs::read(path).map_err(|e| DevnetError::LoadState(path.clone(), e.to_string()))?;
            let dump: chain::state::StateDump = serde_json::from_slice(&text).map_err(|e| DevnetError::LoadState(path.clone(), e.to_string()))?;
            node.with(move |c| c.load_state(&dump)).await.map_err(|e| DevnetError::Node(e.to_string()))?;
        }
        if let Some(path) = config.state.clone() {
            node.with(move |c| c.persist_to(path))
                .await
                .map_err(|e| DevnetError::Node(e.to_string()))?
                .map_err(|e| DevnetError::LoadState(e.path.clone(), e.reason))?;
        }
        let state = Arc::new(rpc::RpcState { node: node.clone(), filters: Default::default() });
        let mut events = node.subscribe();
        let filters_state = state.clone();
        let feeder = tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(e) => filters_state.filters.on_event(&e),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => break,
                }
            }
        });
        let (addr, server) = rpc::serve(state, config.addr).await.map_err(|e| DevnetError::Bind(config.addr, e))?;
        Ok(Self { addr, node, server, feeder })
    }

    /// The HTTP endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The WebSocket endpoint.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The node, for direct access to the chain.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Writes the state to `path` (JSON).
    pub async fn dump_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let dump = self.node.with(|c| c.dump_state()).await.map_err(std::io::Error::other)?;
        std::fs::write(path, serde_json::to_vec_pretty(&dump).map_err(std::io::Error::other)?)
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        self.server.abort();
        self.feeder.abort();
    }
}
