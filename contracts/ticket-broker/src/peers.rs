//! Calls to the contracts the broker depends on (RoundsManager, BondingManager, Minter), the
//! ecrecover precompile, and event emission.
//!
//! Calldata, replies and event data are encoded by hand from static words (selectors and
//! topics come from the `sol!` ABI as constants): alloy's generic encoders cost several KiB
//! of wasm per call type, and the contract must stay under 24 KiB compressed. The
//! integration tests decode every call and event with the `sol!` types, so a mistake here
//! fails them.

use alloc::vec::Vec;
use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use lpx_abi::bonding_manager::IBondingManager as Bm;
use lpx_abi::minter::IMinter;
use lpx_abi::rounds_manager::IRoundsManager as Rm;
use lpx_abi::ticket_broker::{ecrecover_input, ecrecover_output, ITicketBroker as Tb};
use lpx_contracts_common::revert::{err, require, Revert};
use stylus_sdk::call::{call, static_call};
use stylus_sdk::prelude::*;

use crate::TicketBroker;

/// The ecrecover precompile.
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// Revert string when a peer answers with data that does not decode (same as the
/// BondingManager's).
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
fn view<H: Host + ?Sized>(host: &H, to: Address, selector: [u8; 4], args: &[U256]) -> Result<U256, Revert> {
    let reply = static_call(host, Call::new(), to, &calldata(selector, args)).map_err(Vec::<u8>::from)?;
    match reply.get(..32) {
        Some(word) => Ok(U256::from_be_slice(word)),
        None => Err(err(ERR_BAD_REPLY)),
    }
}

/// Static call returning a bool (strictly 0 or 1, as Solidity's decoder requires).
fn view_bool<H: Host + ?Sized>(host: &H, to: Address, selector: [u8; 4], args: &[U256]) -> Result<bool, Revert> {
    let v = view(host, to, selector, args)?;
    require(v <= U256::from(1u8), ERR_BAD_REPLY)?;
    Ok(v == U256::from(1u8))
}

/// `RoundsManager.currentRound()`.
pub fn current_round<H: Host + ?Sized>(host: &H, rounds: Address) -> Result<U256, Revert> {
    view(host, rounds, Rm::currentRoundCall::SELECTOR, &[])
}

/// `RoundsManager.currentRoundInitialized()`.
pub fn current_round_initialized<H: Host + ?Sized>(host: &H, rounds: Address) -> Result<bool, Revert> {
    view_bool(host, rounds, Rm::currentRoundInitializedCall::SELECTOR, &[])
}

/// `RoundsManager.blockHashForRound(round)`.
pub fn block_hash_for_round<H: Host + ?Sized>(host: &H, rounds: Address, round: U256) -> Result<B256, Revert> {
    Ok(view(host, rounds, Rm::blockHashForRoundCall::SELECTOR, &[round])?.into())
}

/// `BondingManager.isActiveTranscoder(t)`.
pub fn is_active<H: Host + ?Sized>(host: &H, bonding: Address, t: Address) -> Result<bool, Revert> {
    view_bool(host, bonding, Bm::isActiveTranscoderCall::SELECTOR, &[w(t)])
}

/// `BondingManager.getTranscoderPoolSize()`.
pub fn pool_size<H: Host + ?Sized>(host: &H, bonding: Address) -> Result<U256, Revert> {
    view(host, bonding, Bm::getTranscoderPoolSizeCall::SELECTOR, &[])
}

/// ecrecover through the precompile: the signer, or `None` when recovery fails.
pub fn ecrecover<H: Host + ?Sized>(host: &H, digest: &B256, r: &B256, s: U256, v: u8) -> Result<Option<Address>, Revert> {
    let out = static_call(host, Call::new(), ECRECOVER, &ecrecover_input(digest, r, s, v))
        .map_err(Vec::<u8>::from)?;
    Ok(ecrecover_output(&out))
}

/// A state-changing call with `value`; reverts bubble up verbatim.
fn send(tb: &mut TicketBroker, to: Address, value: U256, data: &[u8]) -> Result<(), Revert> {
    require(tb.vm().code_size(to) > 0, ERR_NO_CODE)?;
    let vm = tb.vm().clone();
    if value.is_zero() {
        call(&vm, Call::new_mutating(tb), to, data).map_err(Vec::<u8>::from)?;
    } else {
        call(&vm, Call::new_payable(tb, value), to, data).map_err(Vec::<u8>::from)?;
    }
    Ok(())
}

/// `BondingManager.updateTranscoderWithFees(recipient, amount, round)`.
pub fn update_transcoder_with_fees(
    tb: &mut TicketBroker,
    bonding: Address,
    recipient: Address,
    amount: U256,
    round: U256,
) -> Result<(), Revert> {
    let d = calldata(Bm::updateTranscoderWithFeesCall::SELECTOR, &[w(recipient), amount, round]);
    send(tb, bonding, U256::ZERO, &d)
}

/// `Minter.depositETH{value}()`: the Minter custodies all ETH.
pub fn deposit_eth(tb: &mut TicketBroker, minter: Address, value: U256) -> Result<(), Revert> {
    send(tb, minter, value, &IMinter::depositETHCall::SELECTOR)
}

/// `Minter.trustedWithdrawETH(to, amount)`.
pub fn withdraw_eth(tb: &mut TicketBroker, minter: Address, to: Address, amount: U256) -> Result<(), Revert> {
    send(tb, minter, U256::ZERO, &calldata(IMinter::trustedWithdrawETHCall::SELECTOR, &[w(to), amount]))
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
pub fn emit<H: Host + ?Sized>(host: &H, event: Event, indexed: &[Address], data: &[U256]) {
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
pub fn emit_redeemed<H: Host + ?Sized>(host: &H, sender: Address, recipient: Address, words: [U256; 4], aux: &[u8]) {
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
