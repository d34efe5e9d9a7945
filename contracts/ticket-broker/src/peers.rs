//! Calls to the contracts the broker depends on (Controller, RoundsManager,
//! BondingManager, Minter), the ecrecover precompile, and event emission.
//!
//! Calldata, replies and event data are encoded by hand from static words (selectors and
//! topics come from the `sol!` ABI as constants): alloy's generic encoders cost several KiB
//! of wasm per call type, and the contract must stay under 24 KiB compressed. The
//! integration tests decode every call and event with the `sol!` types, so a mistake here
//! fails them. Calls go through `RawCall`: the SDK's `call`/`static_call` wrappers return
//! stylus-core's call `Error`, whose conversion back to revert data links alloy's `Panic`
//! encoder and error drop glue.

use alloc::vec::Vec;
use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use lpx_abi::bonding_manager::IBondingManager as Bm;
use lpx_abi::controller::IController as C;
use lpx_abi::manager::IManager;
use lpx_abi::minter::IMinter;
use lpx_abi::rounds_manager::IRoundsManager as Rm;
use lpx_abi::ticket_broker::{ecrecover_input, ecrecover_output, ITicketBroker as Tb};
use lpx_contracts_common::revert::{err, require, Revert};
use stylus_sdk::call::RawCall;
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;

use crate::TicketBroker;

pub use lpx_contracts_common::controller::{ERR_NOT_CONTROLLER, ERR_NOT_CONTROLLER_OWNER, ERR_PAUSED};

/// The ecrecover precompile.
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// Revert string when a peer answers with data that does not decode (same as the
/// BondingManager's): shorter than a word, or not a clean address or bool.
pub const ERR_BAD_REPLY: &str = "invalid call response";
/// Revert string for a state-changing call to an address without code: the EVM would
/// report success (and ETH sent to an unregistered Minter would be lost), so like
/// Solidity's high-level calls we refuse (same string as the BondingManager's).
pub const ERR_NO_CODE: &str = "call to non-contract";

/// An address as an ABI word.
pub fn w(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

fn calldata(selector: [u8; 4], args: &[U256]) -> Vec<u8> {
    let mut d = Vec::with_capacity(4 + 32 * args.len());
    d.extend_from_slice(&selector);
    for a in args {
        d.extend_from_slice(&a.to_be_bytes::<32>());
    }
    d
}

/// Static call returning one word; a revert bubbles up verbatim.
fn view(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<U256, Revert> {
    // SAFETY: the storage cache is flushed (and stays valid) before the call; a static
    // call cannot write our storage.
    let reply = unsafe { RawCall::new_static(vm).flush_storage_cache().call(to, &calldata(selector, args))? };
    match reply.first_chunk::<32>() {
        Some(word) => Ok(U256::from_be_bytes(*word)),
        None => Err(err(ERR_BAD_REPLY)),
    }
}

/// Static call returning a bool (strictly 0 or 1, as Solidity's decoder requires).
fn view_bool(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<bool, Revert> {
    let v = view(vm, to, selector, args)?;
    require(v <= U256::from(1u8), ERR_BAD_REPLY)?;
    Ok(v == U256::from(1u8))
}

/// Static call returning an address (high 12 bytes zero, as Solidity's decoder requires).
fn view_addr(vm: &VM, to: Address, selector: [u8; 4], args: &[U256]) -> Result<Address, Revert> {
    let v = view(vm, to, selector, args)?;
    require(v >> 160 == U256::ZERO, ERR_BAD_REPLY)?;
    Ok(Address::from_word(v.into()))
}

impl TicketBroker {
    /// `controller.getContract(id)`: one static call.
    pub(crate) fn lookup(&self, id: B256) -> Result<Address, Revert> {
        view_addr(self.vm(), self.manager.controller.get(), C::getContractCall::SELECTOR, &[id.into()])
    }

    /// `whenSystemNotPaused`: reverts "system is paused".
    pub(crate) fn not_paused(&self) -> Result<(), Revert> {
        let paused = view_bool(self.vm(), self.manager.controller.get(), C::pausedCall::SELECTOR, &[])?;
        require(!paused, ERR_PAUSED)
    }

    /// `onlyControllerOwner`: reverts "caller must be Controller owner".
    pub(crate) fn only_owner(&self) -> Result<(), Revert> {
        let owner = view_addr(self.vm(), self.manager.controller.get(), C::ownerCall::SELECTOR, &[])?;
        require(self.vm().msg_sender() == owner, ERR_NOT_CONTROLLER_OWNER)
    }
}

/// `RoundsManager.currentRound()`.
pub fn current_round(vm: &VM, rounds: Address) -> Result<U256, Revert> {
    view(vm, rounds, Rm::currentRoundCall::SELECTOR, &[])
}

/// `RoundsManager.currentRoundInitialized()`.
pub fn current_round_initialized(vm: &VM, rounds: Address) -> Result<bool, Revert> {
    view_bool(vm, rounds, Rm::currentRoundInitializedCall::SELECTOR, &[])
}

/// `RoundsManager.blockHashForRound(round)`.
pub fn block_hash_for_round(vm: &VM, rounds: Address, round: U256) -> Result<B256, Revert> {
    Ok(view(vm, rounds, Rm::blockHashForRoundCall::SELECTOR, &[round])?.into())
}

/// `BondingManager.isActiveTranscoder(t)`.
pub fn is_active(vm: &VM, bonding: Address, t: Address) -> Result<bool, Revert> {
    view_bool(vm, bonding, Bm::isActiveTranscoderCall::SELECTOR, &[w(t)])
}

/// `BondingManager.getTranscoderPoolSize()`.
pub fn pool_size(vm: &VM, bonding: Address) -> Result<U256, Revert> {
    view(vm, bonding, Bm::getTranscoderPoolSizeCall::SELECTOR, &[])
}

/// ecrecover through the precompile (never a bundled secp256k1): the signer, or `None`
/// when recovery fails.
pub fn ecrecover(vm: &VM, digest: &B256, r: &B256, s: U256, v: u8) -> Result<Option<Address>, Revert> {
    // SAFETY: a static call to a precompile, which reads no storage of ours.
    let out = unsafe { RawCall::new_static(vm).call(ECRECOVER, &ecrecover_input(digest, r, s, v))? };
    Ok(ecrecover_output(&out))
}

/// A state-changing call with `value`; reverts bubble up verbatim.
fn send(vm: &VM, to: Address, value: U256, data: &[u8]) -> Result<(), Revert> {
    require(vm.code_size(to) > 0, ERR_NO_CODE)?;
    // SAFETY: the storage cache is flushed and cleared before the call, so no value read
    // before it is reused afterwards, and no storage guard is held across it.
    unsafe { RawCall::new_with_value(vm, value).clear_storage_cache().call(to, data)? };
    Ok(())
}

/// `BondingManager.updateTranscoderWithFees(recipient, amount, round)`.
pub fn update_transcoder_with_fees(vm: &VM, bonding: Address, recipient: Address, amount: U256, round: U256) -> Result<(), Revert> {
    let d = calldata(Bm::updateTranscoderWithFeesCall::SELECTOR, &[w(recipient), amount, round]);
    send(vm, bonding, U256::ZERO, &d)
}

/// `Minter.depositETH{value}()`: the Minter custodies all ETH.
pub fn deposit_eth(vm: &VM, minter: Address, value: U256) -> Result<(), Revert> {
    send(vm, minter, value, &IMinter::depositETHCall::SELECTOR)
}

/// `Minter.trustedWithdrawETH(to, amount)`.
pub fn withdraw_eth(vm: &VM, minter: Address, to: Address, amount: U256) -> Result<(), Revert> {
    send(vm, minter, U256::ZERO, &calldata(IMinter::trustedWithdrawETHCall::SELECTOR, &[w(to), amount]))
}

/// Emits `SetController(controller)`.
pub fn emit_set_controller(vm: &VM, controller: Address) {
    let _ = vm.raw_log(&[IManager::SetController::SIGNATURE_HASH], &w(controller).to_be_bytes::<32>());
}

/// Emits `ParameterUpdate(param)`; `param` is at most 32 bytes.
pub fn emit_parameter_update(vm: &VM, param: &str) {
    let mut bytes = Vec::with_capacity(96);
    bytes.extend_from_slice(&U256::from(32u8).to_be_bytes::<32>());
    bytes.extend_from_slice(&U256::from(param.len()).to_be_bytes::<32>());
    bytes.extend_from_slice(param.as_bytes());
    bytes.resize(64 + param.len().div_ceil(32) * 32, 0);
    // raw_log only fails for more than 4 topics.
    let _ = vm.raw_log(&[IManager::ParameterUpdate::SIGNATURE_HASH], &bytes);
}

/// The events the broker emits, by name.
#[derive(Clone, Copy)]
pub enum Event {
    /// `DepositFunded(sender indexed, amount)`.
    DepositFunded,
    /// `ReserveFunded(reserveHolder indexed, amount)`.
    ReserveFunded,
    /// `ReserveClaimed(reserveHolder indexed, claimant, amount)`.
    ReserveClaimed,
    /// `WinningTicketTransfer(sender indexed, recipient indexed, amount)`.
    WinningTicketTransfer,
    /// `Unlock(sender indexed, startRound, endRound)`.
    Unlock,
    /// `UnlockCancelled(sender indexed)`.
    UnlockCancelled,
    /// `Withdrawal(sender indexed, deposit, reserve)`.
    Withdrawal,
}

impl Event {
    fn topic0(self) -> B256 {
        match self {
            Self::DepositFunded => Tb::DepositFunded::SIGNATURE_HASH,
            Self::ReserveFunded => Tb::ReserveFunded::SIGNATURE_HASH,
            Self::ReserveClaimed => Tb::ReserveClaimed::SIGNATURE_HASH,
            Self::WinningTicketTransfer => Tb::WinningTicketTransfer::SIGNATURE_HASH,
            Self::Unlock => Tb::Unlock::SIGNATURE_HASH,
            Self::UnlockCancelled => Tb::UnlockCancelled::SIGNATURE_HASH,
            Self::Withdrawal => Tb::Withdrawal::SIGNATURE_HASH,
        }
    }
}

/// Emits `event` with indexed addresses `indexed` and static data words `data`.
pub fn emit(host: &VM, event: Event, indexed: &[Address], data: &[U256]) {
    let mut topics: [B256; 3] = [event.topic0(), B256::ZERO, B256::ZERO];
    for (i, a) in indexed.iter().enumerate().take(2) {
        topics[i + 1] = a.into_word();
    }
    let mut bytes = Vec::with_capacity(32 * data.len());
    for d in data {
        bytes.extend_from_slice(&d.to_be_bytes::<32>());
    }
    // raw_log only fails for more than 4 topics; these have at most 3.
    let _ = host.raw_log(&topics[..1 + indexed.len().min(2)], &bytes);
}

/// Emits `WinningTicketRedeemed(sender indexed, recipient indexed, faceValue, winProb,
/// senderNonce, recipientRand, auxData)`.
pub fn emit_redeemed(host: &VM, sender: Address, recipient: Address, words: [U256; 4], aux: &[u8]) {
    let mut bytes = Vec::with_capacity(32 * 6 + aux.len() + 32);
    for d in words {
        bytes.extend_from_slice(&d.to_be_bytes::<32>());
    }
    bytes.extend_from_slice(&U256::from(0xa0u32).to_be_bytes::<32>());
    bytes.extend_from_slice(&U256::from(aux.len()).to_be_bytes::<32>());
    bytes.extend_from_slice(aux);
    bytes.resize(bytes.len().div_ceil(32) * 32, 0);
    let topics = [Tb::WinningTicketRedeemed::SIGNATURE_HASH, sender.into_word(), recipient.into_word()];
    let _ = host.raw_log(&topics, &bytes);
}

/// `err` re-exported for the logic modules.
pub fn revert(msg: &str) -> Revert {
    err(msg)
}
