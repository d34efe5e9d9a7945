//! Operations: their ids (OZ's `abi.encode` preimages), their states, and the calls an
//! execution makes.
//!
//! Re-entry: an executed call may call back into the timelock (a proposal that updates the
//! delay or grants a role calls the timelock itself; a callee may try to execute or cancel
//! the running operation). As in OZ 4.9 the operation is checked ready before its calls and
//! again after them, and only then marked done, so a callee that executes or cancels the
//! same operation makes the outer execution revert. The storage cache is flushed and
//! cleared before every call, so what a re-entrant frame wrote is read back afterwards.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolEvent;
use lpx_abi::treasury::ITreasury;
use lpx_contracts_common::revert::{add, err, require, Revert};
use stylus_sdk::call::RawCall;
use stylus_sdk::prelude::*;

use crate::{enc, Treasury};

/// `_DONE_TIMESTAMP`: the timestamp of an executed operation.
pub const DONE_TIMESTAMP: U256 = U256::from_limbs([1, 0, 0, 0]);

/// Scheduling an id that exists (pending or done).
pub const ERR_SCHEDULED: &str = "TimelockController: operation already scheduled";
/// A delay below `getMinDelay()`.
pub const ERR_DELAY: &str = "TimelockController: insufficient delay";
/// Executing an operation that is not pending or whose time has not come.
pub const ERR_NOT_READY: &str = "TimelockController: operation is not ready";
/// The predecessor is not done.
pub const ERR_DEPENDENCY: &str = "TimelockController: missing dependency";
/// Cancelling an operation that is not pending.
pub const ERR_NOT_CANCELLABLE: &str = "TimelockController: operation cannot be cancelled";
/// A call reverted without revert data.
pub const ERR_CALL: &str = "TimelockController: underlying transaction reverted";

/// `keccak256(abi.encode(target, value, data, predecessor, salt))`.
pub fn hash_operation(target: Address, value: U256, data: &[u8], predecessor: B256, salt: B256) -> B256 {
    let head = [Some(enc::address(target)), Some(value.to_be_bytes::<32>()), None, Some(predecessor.0), Some(salt.0)];
    keccak256(enc::with_bytes(&head, data))
}

/// `keccak256(abi.encode(targets, values, payloads, predecessor, salt))`.
pub fn hash_operation_batch<P: AsRef<[u8]>>(targets: &[Address], values: &[U256], payloads: &[P], predecessor: B256, salt: B256) -> B256 {
    keccak256(enc::batch(targets, values, payloads, predecessor, salt))
}

impl Treasury {
    /// `getTimestamp(id)`.
    pub(crate) fn timestamp(&self, id: B256) -> U256 {
        self.timestamps.get(id)
    }

    /// `isOperationReady(id)`: pending and its time has come.
    pub(crate) fn ready(&self, id: B256) -> bool {
        let t = self.timestamp(id);
        t > DONE_TIMESTAMP && t <= U256::from(self.vm().block_timestamp())
    }

    /// `_schedule`: a new id, a delay of at least the minimum.
    pub(crate) fn schedule_id(&mut self, id: B256, delay: U256) -> Result<(), Revert> {
        require(self.timestamp(id) == U256::ZERO, ERR_SCHEDULED)?;
        require(delay >= self.min_delay.get(), ERR_DELAY)?;
        let at = add(U256::from(self.vm().block_timestamp()), delay)?;
        self.timestamps.setter(id).set(at);
        Ok(())
    }

    /// Emits `CallScheduled(id, index, target, value, data, predecessor, delay)`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn emit_scheduled(&self, id: B256, index: usize, target: Address, value: U256, data: &[u8], predecessor: B256, delay: U256) {
        let head = [Some(enc::address(target)), Some(value.to_be_bytes::<32>()), None, Some(predecessor.0), Some(delay.to_be_bytes::<32>())];
        let topics = [ITreasury::CallScheduled::SIGNATURE_HASH, id, B256::new(enc::uint(index))];
        // Three topics are always accepted.
        let _ = self.vm().raw_log(&topics, &enc::with_bytes(&head, data));
    }

    /// Emits `CallExecuted(id, index, target, value, data)`.
    pub(crate) fn emit_executed(&self, id: B256, index: usize, target: Address, value: U256, data: &[u8]) {
        let head = [Some(enc::address(target)), Some(value.to_be_bytes::<32>()), None];
        let topics = [ITreasury::CallExecuted::SIGNATURE_HASH, id, B256::new(enc::uint(index))];
        let _ = self.vm().raw_log(&topics, &enc::with_bytes(&head, data));
    }

    /// Emits `CallSalt` for a non-zero salt.
    pub(crate) fn emit_salt(&self, id: B256, salt: B256) {
        if salt != B256::ZERO {
            self.vm().log(ITreasury::CallSalt { id, salt });
        }
    }

    /// `_beforeCall`: ready, and the predecessor (if any) done.
    pub(crate) fn before_call(&self, id: B256, predecessor: B256) -> Result<(), Revert> {
        require(self.ready(id), ERR_NOT_READY)?;
        require(predecessor == B256::ZERO || self.timestamp(predecessor) == DONE_TIMESTAMP, ERR_DEPENDENCY)
    }

    /// `_afterCall`: still ready after the calls (a re-entrant execute or cancel of the same
    /// operation fails here), then done.
    pub(crate) fn after_call(&mut self, id: B256) -> Result<(), Revert> {
        require(self.ready(id), ERR_NOT_READY)?;
        self.timestamps.setter(id).set(DONE_TIMESTAMP);
        Ok(())
    }

    /// `_execute`: calls `target` with `value` and `data` and all the gas. A revert bubbles
    /// the callee's data, or [`ERR_CALL`] when there is none.
    pub(crate) fn call_out(&mut self, target: Address, value: U256, data: &[u8]) -> Result<(), Revert> {
        // SAFETY: the cache is flushed and cleared before the call, and every storage read
        // after it goes back to the host.
        let result = unsafe { RawCall::new_with_value(self.vm(), value).clear_storage_cache().call(target, data) };
        match result {
            Ok(_) => Ok(()),
            Err(data) if data.is_empty() => Err(err(ERR_CALL)),
            Err(data) => Err(data),
        }
    }
}
