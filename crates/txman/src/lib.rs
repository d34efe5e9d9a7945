//! Chain plumbing shared by lpx's daemons (the keeper now, the CLI later).
//!
//! - [`rpc`]: a JSON-RPC transport over several endpoints with timeouts, failover,
//!   exponential backoff and counters of every request and call.
//! - [`manager`]: one transaction manager per signer: nonces that survive restarts (SQLite),
//!   write-ahead records, idempotent submission by label, fee bumping and replacement of
//!   stuck transactions, receipts.
//! - [`fees`]: the gas policy (cap, tip, bump).
//! - [`store`]: the SQLite records behind the manager.
//! - [`revert`]: revert reasons out of JSON-RPC errors.

pub mod fees;
pub mod manager;
pub mod revert;
pub mod rpc;
pub mod store;

pub use fees::{FeeCapTooLow, FeePolicy, Fees, Market};
pub use manager::{Recovery, TxError, TxManager, TxRequest, TxState};
pub use revert::CallFailure;
pub use rpc::{FailoverTransport, RpcPolicy, RpcStats, RpcStatsSnapshot};
pub use store::{TxRecord, TxStatus, TxStore};
