//! Revert reasons out of JSON-RPC errors.
//!
//! Nodes report a revert from `eth_call`/`eth_estimateGas` as a JSON-RPC error whose `data`
//! holds the ABI-encoded `Error(string)` (anvil, geth, Nitro) and whose message often
//! repeats the text after "execution reverted: ". Both forms are read, data first.

use alloy::{
    rpc::json_rpc::{ErrorPayload, RpcError},
    sol_types::{decode_revert_reason, Panic, Revert, SolError},
    transports::TransportErrorKind,
};

/// What a failed simulation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallFailure {
    /// The call reverted; the reason text when one could be decoded (`Error(string)`,
    /// `Panic(uint256)` or the node's message), else `None`.
    Revert(Option<String>),
    /// The node answered with another JSON-RPC error (not a revert).
    Rpc(String),
    /// The request itself failed (transport, timeout, garbage) after the retries.
    Transport(String),
}

impl CallFailure {
    /// The revert reason, if this is a revert with one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Revert(Some(r)) => Some(r),
            _ => None,
        }
    }
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Revert(Some(r)) => write!(f, "reverted: {r}"),
            Self::Revert(None) => write!(f, "reverted without a reason"),
            Self::Rpc(m) => write!(f, "RPC error: {m}"),
            Self::Transport(m) => write!(f, "transport error: {m}"),
        }
    }
}

fn is_revert_message(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("revert") || m.contains("execution failed")
}

/// The reason in an error payload, if it describes a revert.
pub fn revert_from_payload(p: &ErrorPayload) -> Option<CallFailure> {
    if let Some(data) = p.as_revert_data() {
        if data.is_empty() {
            return Some(CallFailure::Revert(None));
        }
        // `Error(string)` gives the bare reason; Panic and the rest read as alloy prints them.
        let reason = Revert::abi_decode(&data)
            .map(|r| r.reason)
            .ok()
            .or_else(|| Panic::abi_decode(&data).ok().map(|p| p.to_string()))
            .or_else(|| decode_revert_reason(&data));
        return Some(CallFailure::Revert(reason));
    }
    if !is_revert_message(&p.message) {
        return None;
    }
    // No data: fall back to the text after the prefix the node puts in front.
    let msg = p.message.as_ref();
    let reason = msg.split_once("reverted: ").or_else(|| msg.split_once("reverted:")).map(|(_, r)| r.trim().to_string()).filter(|r| !r.is_empty());
    Some(CallFailure::Revert(reason))
}

/// Classifies any error from a call or gas estimate.
pub fn classify(err: &RpcError<TransportErrorKind>) -> CallFailure {
    match err {
        RpcError::ErrorResp(p) => revert_from_payload(p).unwrap_or_else(|| CallFailure::Rpc(p.message.to_string())),
        other => CallFailure::Transport(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::hex;

    fn payload(message: &str, data: Option<&str>) -> ErrorPayload {
        let json = match data {
            Some(d) => format!(r#"{{"code":3,"message":"{message}","data":"{d}"}}"#),
            None => format!(r#"{{"code":-32000,"message":"{message}"}}"#),
        };
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn decodes_error_string_from_data() {
        let data = hex::encode_prefixed(Revert::from("ticket is used").abi_encode());
        let p = payload("execution reverted: ticket is used", Some(&data));
        assert_eq!(revert_from_payload(&p), Some(CallFailure::Revert(Some("ticket is used".into()))));
    }

    #[test]
    fn falls_back_to_message_text() {
        let p = payload("execution reverted: round already initialized", None);
        assert_eq!(revert_from_payload(&p), Some(CallFailure::Revert(Some("round already initialized".into()))));
        let p = payload("execution reverted", None);
        assert_eq!(revert_from_payload(&p), Some(CallFailure::Revert(None)));
    }

    #[test]
    fn other_errors_are_not_reverts() {
        let p = payload("nonce too low", None);
        assert_eq!(revert_from_payload(&p), None);
        assert_eq!(classify(&RpcError::ErrorResp(p)), CallFailure::Rpc("nonce too low".into()));
    }
}
