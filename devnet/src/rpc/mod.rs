//! JSON-RPC over HTTP and WebSocket (axum). Requests are parsed into typed parameters at the edge
//! ([`methods`]) and run on the node thread.

pub mod error;
pub mod filters;
pub mod methods;

use std::{net::SocketAddr, sync::Arc};

use axum::{
    extract::{
        ws::{Message, WebSocket, WebSocketUpgrade},
        State,
    },
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;

pub use error::RpcError;

use crate::node::Node;

/// Shared state of the server.
pub struct RpcState {
    /// The node.
    pub node: Node,
    /// Polling filters.
    pub filters: filters::Filters,
}

/// The axum router: POST / for HTTP, GET / for WebSocket.
pub fn router(state: Arc<RpcState>) -> Router {
    Router::new().route("/", post(http).get(ws)).layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)).with_state(state)
}

async fn http(State(state): State<Arc<RpcState>>, body: axum::body::Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Json(response(Value::Null, Err(RpcError::parse(e)))).into_response(),
    };
    match handle_value(&state, value, None).await {
        Some(v) => Json(v).into_response(),
        None => Json(Value::Null).into_response(),
    }
}

/// Handles a request or a batch; `None` for notifications only.
pub async fn handle_value(state: &Arc<RpcState>, value: Value, ws: Option<&mpsc::UnboundedSender<Value>>) -> Option<Value> {
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Some(response(Value::Null, Err(RpcError::invalid_request("empty batch"))));
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(r) = handle_one(state, item, ws).await {
                    out.push(r);
                }
            }
            Some(Value::Array(out))
        }
        other => handle_one(state, other, ws).await,
    }
}

async fn handle_one(state: &Arc<RpcState>, item: Value, ws: Option<&mpsc::UnboundedSender<Value>>) -> Option<Value> {
    let Value::Object(obj) = item else {
        return Some(response(Value::Null, Err(RpcError::invalid_request("not an object"))));
    };
    let id = obj.get("id").cloned();
    let Some(method) = obj.get("method").and_then(Value::as_str) else {
        return Some(response(id.unwrap_or(Value::Null), Err(RpcError::invalid_request("missing method"))));
    };
    let params = obj.get("params").cloned().unwrap_or(Value::Array(Vec::new()));
    let params = match params {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    tracing::debug!(target: "rpc", method, "request");
    let result = methods::dispatch(state, method, params, ws).await;
    id.map(|id| response(id, result))
}

fn response(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(v) => json!({ "jsonrpc": "2.0", "id": id, "result": v }),
        Err(e) => json!({ "jsonrpc": "2.0", "id": id, "error": e.to_json() }),
    }
}

async fn ws(State(state): State<Arc<RpcState>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.max_message_size(64 * 1024 * 1024).on_upgrade(move |socket| serve_ws(state, socket))
}

async fn serve_ws(state: Arc<RpcState>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
    let writer = tokio::spawn(async move {
        while let Some(v) = rx.recv().await {
            if sink.send(Message::Text(v.to_string().into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = stream.next().await {
        let text = match msg {
            Message::Text(t) => t.to_string(),
            Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
            Message::Close(_) => break,
            _ => continue,
        };
        let reply = match serde_json::from_str::<Value>(&text) {
            Ok(v) => handle_value(&state, v, Some(&tx)).await,
            Err(e) => Some(response(Value::Null, Err(RpcError::parse(e)))),
        };
        if let Some(r) = reply {
            if tx.send(r).is_err() {
                break;
            }
        }
    }
    drop(tx);
    writer.abort();
}

/// Binds and serves until the returned task is aborted.
pub async fn serve(state: Arc<RpcState>, addr: SocketAddr) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = router(state);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((local, task))
}
