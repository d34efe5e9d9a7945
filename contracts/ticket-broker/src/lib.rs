//! TicketBroker: probabilistic micropayments in ETH (Livepeer's `TicketBroker.sol`,
//! spec §8), as an Arbitrum Stylus contract.
//!
//! Layout of the crate:
//! - [`state`]: storage records in Livepeer's slot order (spec Appendix B);
//! - [`peers`]: calls to RoundsManager, BondingManager, Minter and the ecrecover precompile;
//! - `redeem`: ticket checks in the spec's order, reserve claims, and redemption as
//!   plan-then-commit (so a batch can skip a failed ticket without a self-call);
//! - `funds`: deposits, reserves, unlock and withdraw;
//! - [`ticket`]: a ticket as read from calldata, and its hash;
//! - [`calldata`] and [`router`]: the ABI dispatcher, written by hand (see below);
//! - this file: the public functions, each a guard plus a call into the logic.
//!
//! The ABI (`lpx_abi::ticket_broker::ITicketBroker`) is dispatched by [`router`] rather than
//! by the SDK's `#[public]` macro: the generated router with alloy's decoders made up a
//! quarter of the contract, which must fit 24 KiB compressed.
//!
//! Deviations from Livepeer (docs/contracts/ticket-broker.md): the batch redeems in-process
//! instead of through an external self-call (Stylus refuses re-entry); redemption does the
//! BondingManager fee call before writing its own state, so the events of a redemption
//! follow that call; batch arrays of different lengths revert with a message instead of
//! Panic(0x32); the fee path requires an active recipient ("transcoder must be active", the
//! Aug 2025 fix) in the broker itself.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![no_std]
extern crate alloc;

/// The shared calldata reader (moved to `lpx-contracts-common`).
pub use lpx_contracts_common::calldata;
mod funds;
pub mod peers;
mod redeem;
pub mod router;
pub mod state;
pub mod ticket;

// `#[storage]` expands to code naming `vec!` and `Vec`.
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use lpx_abi::ticket_broker::reasons;
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{err, require, Revert};
use lpx_contracts_common::Manager;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageBool, StorageMap, StorageU256};

use router::{Batch, ERR_CONSTRUCTED};
use state::{ReserveRecord, SenderRecord};
pub use ticket::TicketRef;

/// The TicketBroker's storage: the Manager head, then Livepeer's fields in Livepeer's
/// order.
#[storage]
pub struct TicketBroker {
    /// Slots 0-1: controller and targetContractId.
    pub(crate) manager: Manager,
    /// Slot 2: reserve per sender.
    pub(crate) reserves: StorageMap<Address, ReserveRecord>,
    /// Slot 3: deposit and unlock state per sender.
    pub(crate) senders: StorageMap<Address, SenderRecord>,
    /// Slot 4: rounds between `unlock` and `withdraw`.
    pub(crate) unlock_period: StorageU256,
    /// Slot 5: redeemed ticket hashes.
    pub(crate) used_tickets: StorageMap<B256, StorageBool>,
    /// Slot 6: rounds a ticket stays redeemable.
    pub(crate) ticket_validity_period: StorageU256,
}

impl TicketBroker {
    /// Sets the Controller at deployment (Livepeer's `Manager(_controller)` constructor),
    /// once.
    ///
    /// # Errors
    /// "constructor already called".
    pub fn constructor(&mut self, controller: Address) -> Result<(), Revert> {
        if stylus_sdk::stylus_core::ConstructorGuard::check_constructor_slot(self).is_err() {
            return Err(err(ERR_CONSTRUCTED));
        }
        self.manager.controller.set(controller);
        Ok(())
    }

    /// The Controller.
    pub fn controller(&self) -> Address {
        self.manager.controller.get()
    }

    /// The proxy target id (zero when not proxied).
    pub fn target_contract_id(&self) -> B256 {
        self.manager.target_contract_id.get()
    }

    /// onlyController; emits `SetController`.
    ///
    /// # Errors
    /// "caller must be Controller".
    pub fn set_controller(&mut self, controller: Address) -> Result<(), Revert> {
        require(self.vm().msg_sender() == self.manager.controller.get(), peers::ERR_NOT_CONTROLLER)?;
        self.manager.controller.set(controller);
        peers::emit_set_controller(self.vm(), controller);
        Ok(())
    }

    /// Adds `msg.value` to the caller's deposit and cancels the caller's unlock (payable).
    ///
    /// # Events
    /// `UnlockCancelled` (if unlocking), `DepositFunded`.
    pub fn fund_deposit(&mut self) -> Result<(), Revert> {
        self.not_paused()?;
        let (sender, value) = (self.vm().msg_sender(), self.vm().msg_value());
        self.fund(sender, Some(value), None)
    }

    /// Adds `msg.value` to the caller's reserve and cancels the caller's unlock (payable).
    ///
    /// # Events
    /// `ReserveFunded`, `UnlockCancelled` (if unlocking).
    pub fn fund_reserve(&mut self) -> Result<(), Revert> {
        self.not_paused()?;
        let (sender, value) = (self.vm().msg_sender(), self.vm().msg_value());
        self.fund(sender, None, Some(value))
    }

    /// `fundDepositAndReserveFor(msg.sender, ...)` (payable).
    pub fn fund_deposit_and_reserve(&mut self, deposit_amount: U256, reserve_amount: U256) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        self.fund_deposit_and_reserve_for(sender, deposit_amount, reserve_amount)
    }

    /// Credits `addr` with a deposit and a reserve; `msg.value` must be their sum. Only
    /// `addr` itself cancels its unlock (Aug 2023 fix). Payable.
    ///
    /// # Errors
    /// "msg.value does not equal sum of deposit amount and reserve amount".
    pub fn fund_deposit_and_reserve_for(&mut self, addr: Address, deposit_amount: U256, reserve_amount: U256) -> Result<(), Revert> {
        self.not_paused()?;
        let sum = deposit_amount.checked_add(reserve_amount);
        require(sum == Some(self.vm().msg_value()), reasons::VALUE_MISMATCH)?;
        self.fund(addr, Some(deposit_amount), Some(reserve_amount))
    }

    /// Redeems a winning ticket: pays its face value from the sender's deposit, then from
    /// the recipient's share of the sender's reserve, into the recipient's fee pool.
    ///
    /// # Errors
    /// Every check of spec §8.3 in order, with Livepeer's strings (see `lpx_abi::
    /// ticket_broker::reasons`).
    ///
    /// # Events
    /// `ReserveClaimed`, `WinningTicketTransfer` (if anything is paid),
    /// `WinningTicketRedeemed`.
    pub fn redeem_winning_ticket(&mut self, ticket: &TicketRef<'_>, sig: &[u8], recipient_rand: U256) -> Result<(), Revert> {
        let env = self.begin_redeem()?;
        self.redeem(&env, ticket, sig, recipient_rand)
    }

    /// Redeems each ticket on its own; a failing ticket is skipped without trace.
    ///
    /// # Errors
    /// "batch arrays must have equal length", plus the pause and round guards.
    pub fn batch_redeem_winning_tickets(&mut self, batch: &Batch<'_>) -> Result<(), Revert> {
        let env = self.begin_redeem()?;
        let n = batch.tickets();
        require(n == batch.sigs() && n == batch.rands(), reasons::BATCH_LENGTH)?;
        for i in 0..n {
            let (t, sig, rand) = batch.get(i)?;
            // A failed ticket wrote nothing (plan-then-commit), so skipping it is safe.
            let _ = self.redeem(&env, &t, sig, rand);
        }
        Ok(())
    }

    /// Starts the caller's unlock period.
    ///
    /// # Errors
    /// "sender deposit and reserve are zero", "unlock already initiated".
    pub fn unlock(&mut self) -> Result<(), Revert> {
        self.not_paused()?;
        self.do_unlock()
    }

    /// Cancels the caller's unlock.
    ///
    /// # Errors
    /// "no unlock request in progress".
    pub fn cancel_unlock(&mut self) -> Result<(), Revert> {
        self.not_paused()?;
        let sender = self.vm().msg_sender();
        self.cancel_unlock_of(sender)
    }

    /// Pays out the caller's deposit and reserve after the unlock period.
    ///
    /// # Errors
    /// "sender deposit and reserve are zero", "no unlock request in progress",
    /// "account is locked".
    pub fn withdraw(&mut self) -> Result<(), Revert> {
        self.not_paused()?;
        self.do_withdraw()
    }

    /// Whether `sender` has an unlock in progress.
    pub fn is_unlock_in_progress(&self, sender: Address) -> bool {
        !self.senders.get(sender).withdraw_round.get().is_zero()
    }

    /// `((deposit, withdrawRound), (fundsRemaining, claimedInCurrentRound))`, the ABI's nested
    /// tuple spelled out.
    #[allow(clippy::type_complexity)]
    pub fn get_sender_info(&self, sender: Address) -> Result<((U256, U256), (U256, U256)), Revert> {
        let s = self.senders.get(sender);
        let reserve = self.get_reserve_info(sender)?;
        Ok(((s.deposit.get(), s.withdraw_round.get()), reserve))
    }

    /// `(fundsRemaining, claimedInCurrentRound)` of `reserve_holder`.
    pub fn get_reserve_info(&self, reserve_holder: Address) -> Result<(U256, U256), Revert> {
        let round = self.current_round()?;
        let r = self.reserves.get(reserve_holder);
        Ok((r.funds.get(), r.claimed_for_round.get(round)))
    }

    /// What `claimant` may still take from `reserve_holder`'s reserve this round: 0 unless
    /// `claimant` is active; otherwise an equal share of the round's reserve among the pool,
    /// minus what it already took.
    pub fn claimable_reserve(&self, reserve_holder: Address, claimant: Address) -> Result<U256, Revert> {
        let round = self.current_round()?;
        let bonding = self.lookup(ids::BONDING_MANAGER)?;
        self.claimable(reserve_holder, claimant, round, bonding, None)
    }

    /// What `claimant` took from `reserve_holder`'s reserve this round.
    pub fn claimed_reserve(&self, reserve_holder: Address, claimant: Address) -> Result<U256, Revert> {
        let round = self.current_round()?;
        Ok(self.reserves.get(reserve_holder).claimed_by_address.get(round).get(claimant))
    }

    /// `keccak256(abi.encodePacked(ticket fields))`.
    pub fn get_ticket_hash(&self, ticket: &TicketRef<'_>) -> B256 {
        ticket.hash()
    }

    /// Whether the ticket with `ticket_hash` was redeemed.
    pub fn used_tickets(&self, ticket_hash: B256) -> bool {
        self.used_tickets.get(ticket_hash)
    }

    /// Rounds between `unlock` and `withdraw`.
    pub fn unlock_period(&self) -> U256 {
        self.unlock_period.get()
    }

    /// Rounds a ticket stays redeemable after its creation round.
    pub fn ticket_validity_period(&self) -> U256 {
        self.ticket_validity_period.get()
    }

    /// onlyControllerOwner; no bounds (as Livepeer).
    ///
    /// # Events
    /// `ParameterUpdate("unlockPeriod")`.
    pub fn set_unlock_period(&mut self, unlock_period: U256) -> Result<(), Revert> {
        self.only_owner()?;
        self.unlock_period.set(unlock_period);
        peers::emit_parameter_update(self.vm(), "unlockPeriod");
        Ok(())
    }

    /// onlyControllerOwner; must be > 0.
    ///
    /// # Events
    /// `ParameterUpdate("ticketValidityPeriod")`.
    pub fn set_ticket_validity_period(&mut self, ticket_validity_period: U256) -> Result<(), Revert> {
        self.only_owner()?;
        require(!ticket_validity_period.is_zero(), reasons::VALIDITY_ZERO)?;
        self.ticket_validity_period.set(ticket_validity_period);
        peers::emit_parameter_update(self.vm(), "ticketValidityPeriod");
        Ok(())
    }
}
