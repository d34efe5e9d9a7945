//! A JSON-RPC transport over several HTTP endpoints: every request is timed out, failed
//! requests move to the next endpoint, and when all of them fail the transport backs off
//! exponentially (with jitter) before trying again. Every request and every call in it is
//! counted, so a daemon can report exactly how much RPC it uses.
//!
//! What counts as a failure: a connection error, an HTTP error status, a timeout, a body
//! that is not JSON-RPC ("garbage"), and a JSON-RPC error that providers use for rate
//! limits ([`ErrorPayload::is_retry_err`]). Any other JSON-RPC error (a revert, "nonce too
//! low") is an answer, not a transport failure, and is returned unchanged.

use std::{
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use alloy::{
    providers::RootProvider,
    rpc::{
        client::RpcClient,
        json_rpc::{RequestPacket, ResponsePacket},
    },
    transports::{
        http::{reqwest, Http},
        TransportError, TransportErrorKind, TransportFut,
    },
};
use rand::Rng;
use tower::Service;
use url::Url;

/// How requests are retried.
#[derive(Debug, Clone)]
pub struct RpcPolicy {
    /// Time allowed for one HTTP request, answer included.
    pub request_timeout: Duration,
    /// Attempts per request across all endpoints before the error is returned.
    pub max_attempts: u32,
    /// First backoff after every endpoint failed once.
    pub backoff_initial: Duration,
    /// Upper bound of the backoff.
    pub backoff_max: Duration,
    /// How long a failed endpoint is passed over while another one works.
    pub endpoint_cooldown: Duration,
}

impl Default for RpcPolicy {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            max_attempts: 6,
            backoff_initial: Duration::from_millis(250),
            backoff_max: Duration::from_secs(8),
            endpoint_cooldown: Duration::from_secs(30),
        }
    }
}

/// Counters of RPC use, shared by every clone of a transport.
#[derive(Debug, Default)]
pub struct RpcStats {
    requests: AtomicU64,
    calls: AtomicU64,
    errors: AtomicU64,
    failovers: AtomicU64,
}

/// A copy of [`RpcStats`] at one moment; subtract two to measure a piece of work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RpcStatsSnapshot {
    /// HTTP requests sent (a JSON-RPC batch is one request), retries included.
    pub requests: u64,
    /// JSON-RPC calls answered (each call in a batch counts), counted once per logical call.
    pub calls: u64,
    /// Failed attempts (timeouts, HTTP errors, garbage, rate limits).
    pub errors: u64,
    /// Switches to another endpoint.
    pub failovers: u64,
}

impl std::ops::Sub for RpcStatsSnapshot {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self {
            requests: self.requests - rhs.requests,
            calls: self.calls - rhs.calls,
            errors: self.errors - rhs.errors,
            failovers: self.failovers - rhs.failovers,
        }
    }
}

impl RpcStats {
    /// The counters now.
    pub fn snapshot(&self) -> RpcStatsSnapshot {
        RpcStatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            failovers: self.failovers.load(Ordering::Relaxed),
        }
    }
}

struct Endpoint {
    url: Url,
    http: Http<reqwest::Client>,
    /// Passed over until this instant after a failure.
    cooling_until: Mutex<Option<Instant>>,
}

struct Inner {
    endpoints: Vec<Endpoint>,
    policy: RpcPolicy,
    stats: Arc<RpcStats>,
    /// Index of the endpoint requests go to first.
    active: AtomicUsize,
}

/// The failover transport; cheap to clone.
#[derive(Clone)]
pub struct FailoverTransport {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for FailoverTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<_> = self.inner.endpoints.iter().map(|e| redact(&e.url)).collect();
        f.debug_struct("FailoverTransport").field("endpoints", &urls).finish()
    }
}

/// Errors building a transport.
#[derive(Debug, thiserror::Error)]
pub enum RpcConfigError {
    /// No URL was given.
    #[error("no RPC URL configured")]
    NoEndpoints,
    /// The HTTP client could not be built.
    #[error("cannot build HTTP client: {0}")]
    Client(String),
}

/// Only scheme, host and port: provider URLs often carry an API key in the path or query.
pub fn redact(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", url.scheme()),
        (Some(h), None) => format!("{}://{h}", url.scheme()),
        _ => url.scheme().to_string(),
    }
}

impl FailoverTransport {
    /// A transport over `urls`, tried in order.
    pub fn new(urls: &[Url], policy: RpcPolicy) -> Result<Self, RpcConfigError> {
        if urls.is_empty() {
            return Err(RpcConfigError::NoEndpoints);
        }
        let client = reqwest::Client::builder().timeout(policy.request_timeout).build().map_err(|e| RpcConfigError::Client(e.to_string()))?;
        let endpoints =
            urls.iter().map(|u| Endpoint { url: u.clone(), http: Http::with_client(client.clone(), u.clone()), cooling_until: Mutex::new(None) }).collect();
        Ok(Self { inner: Arc::new(Inner { endpoints, policy, stats: Arc::new(RpcStats::default()), active: AtomicUsize::new(0) }) })
    }

    /// The counters of this transport (shared by its clones).
    pub fn stats(&self) -> Arc<RpcStats> {
        self.inner.stats.clone()
    }

    /// An alloy client over this transport.
    pub fn client(&self) -> RpcClient {
        let local = self.inner.endpoints.iter().all(|e| matches!(e.url.host_str(), Some("localhost" | "127.0.0.1" | "::1")));
        RpcClient::new(self.clone(), local)
    }

    /// An alloy provider over this transport.
    pub fn provider(&self) -> RootProvider {
        RootProvider::new(self.client())
    }
}

/// Whether an answer should be retried elsewhere rather than returned.
fn answer_is_retryable(resp: &ResponsePacket) -> bool {
    resp.iter_errors().any(|e| e.is_retry_err())
}

fn error_kind(err: &TransportError) -> &'static str {
    match err {
        TransportError::DeserError { .. } => "garbage",
        TransportError::Transport(TransportErrorKind::HttpError(h)) if h.status == 429 => "rate_limited",
        TransportError::Transport(TransportErrorKind::HttpError(_)) => "http_status",
        TransportError::ErrorResp(_) => "rate_limited",
        TransportError::Transport(_) => "connection",
        _ => "other",
    }
}

impl Inner {
    fn pick(&self, now: Instant) -> usize {
        let n = self.endpoints.len();
        let start = self.active.load(Ordering::Relaxed) % n;
        for i in 0..n {
            let idx = (start + i) % n;
            let cooling = self.endpoints[idx].cooling_until.lock().map(|g| *g).unwrap_or(None);
            if cooling.is_none_or(|t| t <= now) {
                return idx;
            }
        }
        // Every endpoint failed recently: keep going round in order.
        start
    }

    fn backoff(&self, round: u32) -> Duration {
        let base = self.policy.backoff_initial.as_millis() as u64;
        let exp = base.saturating_mul(1u64 << round.min(16));
        let capped = exp.min(self.policy.backoff_max.as_millis() as u64);
        // Full jitter on the upper half, so keepers that failed together don't retry together.
        let jitter = rand::rng().random_range(0..=capped / 2);
        Duration::from_millis(capped / 2 + jitter)
    }

    async fn send(self: Arc<Self>, req: RequestPacket) -> Result<ResponsePacket, TransportError> {
        let ncalls = match &req {
            RequestPacket::Single(_) => 1,
            RequestPacket::Batch(b) => b.len() as u64,
        };
        let method = req.method_names().next().unwrap_or("").to_string();
        tracing::trace!(%method, calls = ncalls, "RPC request");
        let n = self.endpoints.len();
        let mut last_err = None;
        for attempt in 0..self.policy.max_attempts.max(1) {
            let idx = self.pick(Instant::now());
            let ep = &self.endpoints[idx];
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let mut http = ep.http.clone();
            let result = match tokio::time::timeout(self.policy.request_timeout, http.call(req.clone())).await {
                Ok(Ok(resp)) if answer_is_retryable(&resp) => {
                    let payload = resp.as_error().cloned().unwrap_or_else(|| alloy::rpc::json_rpc::ErrorPayload::internal_error_message("rate limited".into()));
                    Err(TransportError::ErrorResp(payload))
                }
                Ok(r) => r,
                Err(_) => Err(TransportErrorKind::custom_str("request timed out")),
            };
            match result {
                Ok(resp) => {
                    self.stats.calls.fetch_add(ncalls, Ordering::Relaxed);
                    metrics::counter!("lpx_rpc_calls_total", "method" => method.clone()).increment(ncalls);
                    metrics::counter!("lpx_rpc_requests_total", "endpoint" => redact(&ep.url)).increment(1);
                    return Ok(resp);
                }
                Err(e) => {
                    let kind = if e.to_string().contains("timed out") { "timeout" } else { error_kind(&e) };
                    self.stats.errors.fetch_add(1, Ordering::Relaxed);
                    metrics::counter!("lpx_rpc_errors_total", "endpoint" => redact(&ep.url), "kind" => kind).increment(1);
                    tracing::warn!(endpoint = %redact(&ep.url), %method, attempt, kind, error = %e, "RPC request failed");
                    if let Ok(mut g) = ep.cooling_until.lock() {
                        *g = Some(Instant::now() + self.policy.endpoint_cooldown);
                    }
                    if n > 1 {
                        self.active.store((idx + 1) % n, Ordering::Relaxed);
                        self.stats.failovers.fetch_add(1, Ordering::Relaxed);
                        metrics::counter!("lpx_rpc_failovers_total").increment(1);
                    }
                    last_err = Some(e);
                    // Back off once every endpoint has had its try in this round.
                    if (attempt + 1) % n as u32 == 0 && attempt + 1 < self.policy.max_attempts {
                        tokio::time::sleep(self.backoff(attempt / n as u32)).await;
                    }
                }
            }
        }
        Err(last_err.unwrap_or_else(|| TransportErrorKind::custom_str("no attempt made")))
    }
}

impl Service<RequestPacket> for FailoverTransport {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: RequestPacket) -> Self::Future {
        Box::pin(self.inner.clone().send(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_drops_path_and_query() {
        let u: Url = "https://arb.example.com/v2/SECRETKEY?key=abc".parse().unwrap();
        assert_eq!(redact(&u), "https://arb.example.com");
        let u: Url = "http://127.0.0.1:8545".parse().unwrap();
        assert_eq!(redact(&u), "http://127.0.0.1:8545");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let t = FailoverTransport::new(
            &["http://127.0.0.1:1".parse().unwrap()],
            RpcPolicy { backoff_initial: Duration::from_millis(100), backoff_max: Duration::from_millis(1000), ..Default::default() },
        )
        .unwrap();
        for _ in 0..50 {
            let b0 = t.inner.backoff(0);
            assert!(b0 >= Duration::from_millis(50) && b0 <= Duration::from_millis(100), "{b0:?}");
            let b3 = t.inner.backoff(3);
            assert!(b3 >= Duration::from_millis(400) && b3 <= Duration::from_millis(800), "{b3:?}");
            let b9 = t.inner.backoff(9);
            assert!(b9 >= Duration::from_millis(500) && b9 <= Duration::from_millis(1000), "{b9:?}");
        }
    }

    #[test]
    fn no_urls_is_an_error() {
        assert!(matches!(FailoverTransport::new(&[], RpcPolicy::default()), Err(RpcConfigError::NoEndpoints)));
    }
}
