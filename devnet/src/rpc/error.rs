//! JSON-RPC errors, in the codes geth and anvil use.

use alloy_primitives::Bytes;
use serde_json::{json, Value};

/// An error answered to a JSON-RPC request.
#[derive(Debug, Clone)]
pub struct RpcError {
    /// Error code.
    pub code: i64,
    /// Message.
    pub message: String,
    /// Extra data (revert bytes for code 3).
    pub data: Option<Value>,
}

impl RpcError {
    /// -32700.
    pub fn parse(msg: impl std::fmt::Display) -> Self {
        Self { code: -32700, message: format!("parse error: {msg}"), data: None }
    }
    /// -32600.
    pub fn invalid_request(msg: impl std::fmt::Display) -> Self {
        Self { code: -32600, message: format!("invalid request: {msg}"), data: None }
    }
    /// -32601.
    pub fn method_not_found(method: &str) -> Self {
        Self { code: -32601, message: format!("method not found: {method}"), data: None }
    }
    /// -32602.
    pub fn invalid_params(msg: impl std::fmt::Display) -> Self {
        Self { code: -32602, message: format!("invalid params: {msg}"), data: None }
    }
    /// -32603.
    pub fn internal(msg: impl std::fmt::Display) -> Self {
        Self { code: -32603, message: msg.to_string(), data: None }
    }
    /// -32000: a transaction or call the node refused.
    pub fn server(msg: impl std::fmt::Display) -> Self {
        Self { code: -32000, message: msg.to_string(), data: None }
    }
    /// 3: execution reverted, with the revert data (geth's shape).
    pub fn reverted(data: Bytes) -> Self {
        let message = match decode_reason(&data) {
            Some(reason) => format!("execution reverted: {reason}"),
            None => "execution reverted".to_string(),
        };
        Self { code: 3, message, data: Some(json!(data)) }
    }

    /// The `error` member of a response.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "code": self.code, "message": self.message });
        if let Some(d) = &self.data {
            v["data"] = d.clone();
        }
        v
    }
}

fn decode_reason(data: &[u8]) -> Option<String> {
    use alloy_sol_types::{Revert, SolError};
    Revert::abi_decode(data).ok().map(|r| r.reason)
}
