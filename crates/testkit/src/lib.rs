//! Test helpers for lpx's chain clients: a real `anvil` on a free port, and a JSON-RPC
//! proxy that can be told to fail, hang, answer garbage or rate-limit.

use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU32, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{body::Bytes, extract::State, http::StatusCode, response::IntoResponse, routing::post, Router};

/// The anvil binary: `$ANVIL`, else the native binary npm installed under the repo's `.tools`,
/// else `anvil` on the PATH.
pub fn anvil_path() -> PathBuf {
    if let Ok(p) = std::env::var("ANVIL") {
        return p.into();
    }
    let tools = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.tools"));
    native_npm_binary(tools, "anvil").unwrap_or_else(|| "anvil".into())
}

/// The platform binary that npm's `@foundry-rs/<tool>` installed under `tools`
/// (`node_modules/@foundry-rs/<tool>-<os>-<arch>/bin/<tool>`). Not the `node_modules/.bin`
/// entry: that is a node launcher which starts the binary as its child, so killing what a
/// test spawned would leave the real node running, orphaned, after the test.
pub fn native_npm_binary(tools: &Path, tool: &str) -> Option<PathBuf> {
    let prefix = format!("{tool}-");
    std::fs::read_dir(tools.join("node_modules/@foundry-rs"))
        .ok()?
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
        .map(|entry| entry.path().join("bin").join(tool))
        .find(|path| path.is_file())
}

/// A free TCP port on 127.0.0.1 (free when asked; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free port")
}

/// A running anvil, killed on drop.
pub struct Anvil {
    child: Child,
    port: u16,
}

impl Anvil {
    /// Starts anvil with its defaults (chain id 31337, automine, the ten dev accounts) plus
    /// `extra` arguments, and waits until it answers.
    pub fn spawn(extra: &[&str]) -> Self {
        Self::spawn_on(free_port(), extra)
    }

    /// Like [`Anvil::spawn`] on a given port (to restart a node where clients expect it).
    pub fn spawn_on(port: u16, extra: &[&str]) -> Self {
        let child = Command::new(anvil_path())
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start anvil (set $ANVIL or run scripts/setup.sh)");
        let a = Self { child, port };
        a.wait_ready();
        a
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("anvil did not start on port {}", self.port);
    }

    /// Its HTTP URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills it now (a crash, for restart tests).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The private key of anvil's dev account `i` (0..10), mnemonic "test test ... junk".
pub fn anvil_key(i: usize) -> &'static str {
    const KEYS: [&str; 10] = [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];
    KEYS[i]
}

/// What the proxy does with the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward to the upstream.
    Pass,
    /// Answer HTTP 500.
    ServerError,
    /// Answer HTTP 200 with a body that is not JSON.
    Garbage,
    /// Hold the request this long, then answer 504.
    Hang(Duration),
    /// Answer HTTP 429.
    RateLimit,
    /// Answer a JSON-RPC rate-limit error (code -32005).
    RpcRateLimit,
}

struct ProxyState {
    upstream: String,
    client: reqwest::Client,
    fault: Mutex<Fault>,
    /// Requests left before the fault turns back into `Pass` (0 = until changed).
    remaining: AtomicU32,
    seen: AtomicU64,
    faulted: AtomicU64,
}

/// A JSON-RPC proxy in front of an upstream node; stops with the tokio runtime.
pub struct FaultyProxy {
    addr: SocketAddr,
    state: Arc<ProxyState>,
}

impl FaultyProxy {
    /// Starts a proxy to `upstream` on a free port (needs a tokio runtime).
    pub async fn start(upstream: &str) -> Self {
        let state = Arc::new(ProxyState {
            upstream: upstream.to_string(),
            client: reqwest::Client::new(),
            fault: Mutex::new(Fault::Pass),
            remaining: AtomicU32::new(0),
            seen: AtomicU64::new(0),
            faulted: AtomicU64::new(0),
        });
        let app = Router::new().route("/", post(handle)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, state }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies `fault` to every request until changed.
    pub fn set(&self, fault: Fault) {
        self.state.remaining.store(0, Ordering::SeqCst);
        *self.state.fault.lock().unwrap() = fault;
    }

    /// Applies `fault` to the next `n` requests, then passes again.
    pub fn set_for(&self, fault: Fault, n: u32) {
        *self.state.fault.lock().unwrap() = fault;
        self.state.remaining.store(n, Ordering::SeqCst);
    }

    /// Requests received.
    pub fn seen(&self) -> u64 {
        self.state.seen.load(Ordering::SeqCst)
    }

    /// Requests answered with a fault.
    pub fn faulted(&self) -> u64 {
        self.state.faulted.load(Ordering::SeqCst)
    }
}

fn current_fault(s: &ProxyState) -> Fault {
    let mut f = s.fault.lock().unwrap();
    if *f == Fault::Pass {
        return Fault::Pass;
    }
    let fault = *f;
    let left = s.remaining.load(Ordering::SeqCst);
    if left == 1 {
        *f = Fault::Pass;
        s.remaining.store(0, Ordering::SeqCst);
    } else if left > 1 {
        s.remaining.store(left - 1, Ordering::SeqCst);
    }
    fault
}

async fn handle(State(s): State<Arc<ProxyState>>, body: Bytes) -> axum::response::Response {
    s.seen.fetch_add(1, Ordering::SeqCst);
    let fault = current_fault(&s);
    if fault != Fault::Pass {
        s.faulted.fetch_add(1, Ordering::SeqCst);
    }
    match fault {
        Fault::Pass => match s.client.post(&s.upstream).header("content-type", "application/json").body(body).send().await {
            Ok(r) => {
                let status = StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
                let bytes = r.bytes().await.unwrap_or_default();
                (status, [("content-type", "application/json")], bytes).into_response()
            }
            Err(_) => StatusCode::BAD_GATEWAY.into_response(),
        },
        Fault::ServerError => (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response(),
        Fault::Garbage => (StatusCode::OK, [("content-type", "application/json")], "<html>not json{{").into_response(),
        Fault::Hang(d) => {
            tokio::time::sleep(d).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Fault::RateLimit => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        Fault::RpcRateLimit => {
            // Echo the id so the client matches the answer to its request.
            let id = serde_id(&body);
            let text = format!(r#"{{"jsonrpc":"2.0","id":{id},"error":{{"code":-32005,"message":"limit exceeded"}}}}"#);
            (StatusCode::OK, [("content-type", "application/json")], text).into_response()
        }
    }
}

fn serde_id(body: &[u8]) -> String {
    // Minimal extraction of `"id":<value>` without a JSON dependency: enough for the
    // single requests the tests send while rate-limited.
    let s = String::from_utf8_lossy(body);
    s.split("\"id\":").nth(1).map(|rest| rest.split([',', '}']).next().unwrap_or("0").trim().to_string()).unwrap_or_else(|| "0".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anvil_is_the_native_binary_not_the_node_launcher() {
        let path = anvil_path();
        if std::env::var_os("ANVIL").is_none() && path != Path::new("anvil") {
            assert!(!path.to_string_lossy().contains("node_modules/.bin"), "{}", path.display());
            let head = std::fs::read(&path).expect("readable");
            assert_eq!(&head[..4], b"\x7fELF", "{} is not a native executable", path.display());
        }
    }
}
