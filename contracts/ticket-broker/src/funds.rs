//! Deposits, reserves, unlock and withdraw (Livepeer `MixinTicketBrokerCore`,
//! `MixinReserve`), with Livepeer's order of effects and events.

use alloy_primitives::{Address, U256};
use lpx_abi::ticket_broker::reasons;
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{add, require, Revert};
use stylus_sdk::prelude::*;

use crate::peers::{self, emit, Event};
use crate::TicketBroker;

impl TicketBroker {
    /// `RoundsManager.currentRound()`.
    pub(crate) fn current_round(&self) -> Result<U256, Revert> {
        let rounds = self.lookup(ids::ROUNDS_MANAGER)?;
        peers::current_round(self.vm(), rounds)
    }

    /// `processDeposit` / `processReserve` / `processFunding` for `addr`: credit, cancel
    /// `addr`'s unlock when `addr` is the caller, forward `msg.value` to the Minter. Events:
    /// `ReserveFunded`, `UnlockCancelled`, then `DepositFunded` last.
    pub(crate) fn fund(&mut self, addr: Address, deposit: Option<U256>, reserve: Option<U256>) -> Result<(), Revert> {
        let own = self.vm().msg_sender() == addr;
        if let Some(d) = deposit {
            let mut s = self.senders.setter(addr);
            let new = add(s.deposit.get(), d)?;
            s.deposit.set(new);
            self.cancel_own_unlock(addr, own)?;
        }
        if let Some(r) = reserve {
            let mut res = self.reserves.setter(addr);
            let new = add(res.funds.get(), r)?;
            res.funds.set(new);
            emit(self.vm(), Event::ReserveFunded, &[addr], &[r]);
            self.cancel_own_unlock(addr, own)?;
        }
        let minter = self.lookup(ids::MINTER)?;
        let value = self.vm().msg_value();
        peers::deposit_eth(self.vm(), minter, value)?;
        if let Some(d) = deposit {
            emit(self.vm(), Event::DepositFunded, &[addr], &[d]);
        }
        Ok(())
    }

    /// Funding by the account itself stops its unlock; funding by a third party does not
    /// (Aug 2023 fix against griefing with zero-value top-ups).
    fn cancel_own_unlock(&mut self, addr: Address, own: bool) -> Result<(), Revert> {
        if own && !self.senders.get(addr).withdraw_round.get().is_zero() {
            self.cancel_unlock_of(addr)?;
        }
        Ok(())
    }

    /// `_cancelUnlock`: "no unlock request in progress" unless unlocking.
    pub(crate) fn cancel_unlock_of(&mut self, sender: Address) -> Result<(), Revert> {
        let mut s = self.senders.setter(sender);
        require(!s.withdraw_round.get().is_zero(), reasons::NO_UNLOCK)?;
        s.withdraw_round.set(U256::ZERO);
        emit(self.vm(), Event::UnlockCancelled, &[sender], &[]);
        Ok(())
    }

    /// `unlock()` body.
    pub(crate) fn do_unlock(&mut self) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        let s = self.senders.get(sender);
        let funded = !s.deposit.get().is_zero() || !self.reserves.get(sender).funds.get().is_zero();
        require(funded, reasons::FUNDS_ZERO)?;
        require(s.withdraw_round.get().is_zero(), reasons::UNLOCK_IN_PROGRESS)?;
        let round = self.current_round()?;
        let end = add(round, self.unlock_period.get())?;
        self.senders.setter(sender).withdraw_round.set(end);
        emit(self.vm(), Event::Unlock, &[sender], &[round, end]);
        Ok(())
    }

    /// `withdraw()` body: zeroes deposit and reserve funds (not `withdrawRound`, not the
    /// claim maps, as Livepeer), then has the Minter pay the caller.
    pub(crate) fn do_withdraw(&mut self) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        let deposit = self.senders.get(sender).deposit.get();
        let reserve = self.reserves.get(sender).funds.get();
        require(!deposit.is_zero() || !reserve.is_zero(), reasons::FUNDS_ZERO)?;
        let withdraw_round = self.senders.get(sender).withdraw_round.get();
        require(!withdraw_round.is_zero(), reasons::NO_UNLOCK)?;
        require(withdraw_round <= self.current_round()?, reasons::LOCKED)?;
        self.senders.setter(sender).deposit.set(U256::ZERO);
        self.reserves.setter(sender).funds.set(U256::ZERO);
        let minter = self.lookup(ids::MINTER)?;
        let total = add(deposit, reserve)?;
        peers::withdraw_eth(self.vm(), minter, sender, total)?;
        emit(self.vm(), Event::Withdrawal, &[sender], &[deposit, reserve]);
        Ok(())
    }
}
