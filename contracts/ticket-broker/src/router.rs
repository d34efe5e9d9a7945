//! The ABI dispatcher: selector → function, with Livepeer's signatures
//! (`lpx_abi::ticket_broker::ITicketBroker`) plus the Stylus constructor.
//!
//! Arguments are read in place with [`Calldata`]: static words are checked to be clean
//! values of their type, and the dynamic ones (the `Ticket` tuple with its `bytes
//! auxData`, signatures, the batch's arrays) have every offset and length checked against
//! the calldata, so malformed calldata reverts with "invalid calldata" before any function
//! runs. An unknown selector (or calldata shorter than one) reverts with "unknown function
//! selector", ETH sent to a non-payable function with "function is not payable", a second
//! constructor call with "constructor already called" (the messages of the other lpx
//! routers). Return values are static words, encoded by [`words`]. Nothing here panics.

use alloc::vec::Vec;
use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use lpx_abi::ticket_broker::ITicketBroker as I;
use lpx_contracts_common::revert::{err, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

pub use crate::calldata::ERR_CALLDATA;
use crate::calldata::{head, Calldata};
use crate::peers::w;
use crate::ticket::TicketRef;
use crate::TicketBroker;

/// No function has this selector (Livepeer's contract has no fallback).
pub const ERR_SELECTOR: &str = "unknown function selector";
/// ETH sent to a non-payable function.
pub const ERR_VALUE: &str = "function is not payable";
/// The Stylus constructor was called again.
pub const ERR_CONSTRUCTED: &str = "constructor already called";

/// `keccak256("stylus_constructor()")[..4]`, the Stylus SDK's constructor selector.
pub const CONSTRUCTOR_SELECTOR: u32 = 0x5585_258d;

#[cfg(not(feature = "contract-client-gen"))]
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export.
    #![allow(missing_docs, dead_code)]
    use super::*;
    use stylus_sdk::host::VM;

    /// The contract's entry point: builds the storage view and routes the calldata.
    #[entrypoint]
    pub fn ticket_broker_entry(input: Vec<u8>, vm: VM) -> ArbResult {
        // SAFETY: the top-level storage starts at slot 0, offset 0, as `#[entrypoint]`
        // structs do.
        let mut tb = unsafe { <TicketBroker as stylus_sdk::storage::StorageType>::new(U256::ZERO, 0, vm) };
        tb.route(&input)
    }
}

/// Function codes. The payable functions come first (codes up to [`op::LAST_PAYABLE`]).
mod op {
    pub const FUND_DEPOSIT: u8 = 0;
    pub const FUND_RESERVE: u8 = 1;
    pub const FUND_DEPOSIT_AND_RESERVE: u8 = 2;
    pub const FUND_DEPOSIT_AND_RESERVE_FOR: u8 = 3;
    pub const LAST_PAYABLE: u8 = FUND_DEPOSIT_AND_RESERVE_FOR;
    pub const CONSTRUCTOR: u8 = 4;
    pub const REDEEM: u8 = 5;
    pub const BATCH_REDEEM: u8 = 6;
    pub const UNLOCK: u8 = 7;
    pub const CANCEL_UNLOCK: u8 = 8;
    pub const WITHDRAW: u8 = 9;
    pub const IS_UNLOCK_IN_PROGRESS: u8 = 10;
    pub const GET_SENDER_INFO: u8 = 11;
    pub const GET_RESERVE_INFO: u8 = 12;
    pub const CLAIMABLE_RESERVE: u8 = 13;
    pub const CLAIMED_RESERVE: u8 = 14;
    pub const GET_TICKET_HASH: u8 = 15;
    pub const USED_TICKETS: u8 = 16;
    pub const UNLOCK_PERIOD: u8 = 17;
    pub const TICKET_VALIDITY_PERIOD: u8 = 18;
    pub const SET_UNLOCK_PERIOD: u8 = 19;
    pub const SET_TICKET_VALIDITY_PERIOD: u8 = 20;
    pub const CONTROLLER: u8 = 21;
    pub const SET_CONTROLLER: u8 = 22;
    pub const TARGET_CONTRACT_ID: u8 = 23;
}

const fn s(selector: [u8; 4]) -> u32 {
    u32::from_be_bytes(selector)
}

/// Every function: selector and code (selectors from `lpx_abi`).
pub const TABLE: &[(u32, u8)] = &[
    (s(I::fundDepositCall::SELECTOR), op::FUND_DEPOSIT),
    (s(I::fundReserveCall::SELECTOR), op::FUND_RESERVE),
    (s(I::fundDepositAndReserveCall::SELECTOR), op::FUND_DEPOSIT_AND_RESERVE),
    (s(I::fundDepositAndReserveForCall::SELECTOR), op::FUND_DEPOSIT_AND_RESERVE_FOR),
    (CONSTRUCTOR_SELECTOR, op::CONSTRUCTOR),
    (s(I::redeemWinningTicketCall::SELECTOR), op::REDEEM),
    (s(I::batchRedeemWinningTicketsCall::SELECTOR), op::BATCH_REDEEM),
    (s(I::unlockCall::SELECTOR), op::UNLOCK),
    (s(I::cancelUnlockCall::SELECTOR), op::CANCEL_UNLOCK),
    (s(I::withdrawCall::SELECTOR), op::WITHDRAW),
    (s(I::isUnlockInProgressCall::SELECTOR), op::IS_UNLOCK_IN_PROGRESS),
    (s(I::getSenderInfoCall::SELECTOR), op::GET_SENDER_INFO),
    (s(I::getReserveInfoCall::SELECTOR), op::GET_RESERVE_INFO),
    (s(I::claimableReserveCall::SELECTOR), op::CLAIMABLE_RESERVE),
    (s(I::claimedReserveCall::SELECTOR), op::CLAIMED_RESERVE),
    (s(I::getTicketHashCall::SELECTOR), op::GET_TICKET_HASH),
    (s(I::usedTicketsCall::SELECTOR), op::USED_TICKETS),
    (s(I::unlockPeriodCall::SELECTOR), op::UNLOCK_PERIOD),
    (s(I::ticketValidityPeriodCall::SELECTOR), op::TICKET_VALIDITY_PERIOD),
    (s(I::setUnlockPeriodCall::SELECTOR), op::SET_UNLOCK_PERIOD),
    (s(I::setTicketValidityPeriodCall::SELECTOR), op::SET_TICKET_VALIDITY_PERIOD),
    (s(I::controllerCall::SELECTOR), op::CONTROLLER),
    (s(I::setControllerCall::SELECTOR), op::SET_CONTROLLER),
    (s(I::targetContractIdCall::SELECTOR), op::TARGET_CONTRACT_ID),
];

/// ABI-encodes static return words.
pub fn words(ws: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ws.len() * 32);
    for x in ws {
        out.extend_from_slice(&x.to_be_bytes::<32>());
    }
    out
}

fn flag(b: bool) -> Vec<u8> {
    words(&[U256::from(b as u8)])
}

/// A function without return data, as a call result.
#[inline(never)]
fn unit(r: Result<(), Revert>) -> ArbResult {
    r.map(|_| Vec::new())
}

/// The arguments of `batchRedeemWinningTickets(Ticket[], bytes[], uint256[])`, validated
/// and read in place: each array as its length and body position.
pub struct Batch<'a> {
    c: Calldata<'a>,
    tickets: (usize, usize),
    sigs: (usize, usize),
    rands: (usize, usize),
}

impl<'a> Batch<'a> {
    /// Reads the three array heads and checks every element decodes, so a malformed
    /// element reverts the call before anything is redeemed.
    pub fn read(c: Calldata<'a>) -> Result<Self, Revert> {
        let batch = Self { c, tickets: c.array(c.offset(0, 0)?)?, sigs: c.array(c.offset(0, 32)?)?, rands: c.array(c.offset(0, 64)?)? };
        for i in 0..batch.tickets.0 {
            batch.ticket(i)?;
        }
        for i in 0..batch.sigs.0 {
            batch.sig(i)?;
        }
        // `array` already checked the rands' words are present.
        Ok(batch)
    }

    /// Number of tickets.
    pub fn tickets(&self) -> usize {
        self.tickets.0
    }

    /// Number of signatures.
    pub fn sigs(&self) -> usize {
        self.sigs.0
    }

    /// Number of recipient rands.
    pub fn rands(&self) -> usize {
        self.rands.0
    }

    fn ticket(&self, i: usize) -> Result<TicketRef<'a>, Revert> {
        let body = self.tickets.1;
        TicketRef::read(&self.c, self.c.offset(body, head(body, i))?)
    }

    fn sig(&self, i: usize) -> Result<&'a [u8], Revert> {
        let body = self.sigs.1;
        self.c.bytes(self.c.offset(body, head(body, i))?)
    }

    /// Ticket, signature and recipient rand number `i` (below all three lengths).
    pub fn get(&self, i: usize) -> Result<(TicketRef<'a>, &'a [u8], U256), Revert> {
        Ok((self.ticket(i)?, self.sig(i)?, self.c.uint(head(self.rands.1, i))?))
    }
}

/// Word position of head argument `i`.
const fn arg(i: usize) -> usize {
    i * 32
}

impl TicketBroker {
    /// Dispatches one call: `input` is the full calldata.
    pub fn route(&mut self, input: &[u8]) -> ArbResult {
        let Some((selector, args)) = input.split_first_chunk::<4>() else {
            return Err(err(ERR_SELECTOR));
        };
        let selector = u32::from_be_bytes(*selector);
        let Some(&(_, code)) = TABLE.iter().find(|e| e.0 == selector) else {
            return Err(err(ERR_SELECTOR));
        };
        if code > op::LAST_PAYABLE && !self.vm().msg_value().is_zero() {
            return Err(err(ERR_VALUE));
        }
        let c = Calldata::new(args);
        Ok(match code {
            op::FUND_DEPOSIT => unit(self.fund_deposit())?,
            op::FUND_RESERVE => unit(self.fund_reserve())?,
            op::FUND_DEPOSIT_AND_RESERVE => unit(self.fund_deposit_and_reserve(c.uint(arg(0))?, c.uint(arg(1))?))?,
            op::FUND_DEPOSIT_AND_RESERVE_FOR => {
                let (addr, deposit, reserve) = (c.address(arg(0))?, c.uint(arg(1))?, c.uint(arg(2))?);
                unit(self.fund_deposit_and_reserve_for(addr, deposit, reserve))?
            }
            op::CONSTRUCTOR => unit(self.constructor(c.address(arg(0))?))?,
            op::REDEEM => {
                let ticket = TicketRef::read(&c, c.offset(0, arg(0))?)?;
                let sig = c.bytes(c.offset(0, arg(1))?)?;
                let rand = c.uint(arg(2))?;
                unit(self.redeem_winning_ticket(&ticket, sig, rand))?
            }
            op::BATCH_REDEEM => unit(self.batch_redeem_winning_tickets(&Batch::read(c)?))?,
            op::UNLOCK => unit(self.unlock())?,
            op::CANCEL_UNLOCK => unit(self.cancel_unlock())?,
            op::WITHDRAW => unit(self.withdraw())?,
            op::IS_UNLOCK_IN_PROGRESS => flag(self.is_unlock_in_progress(c.address(arg(0))?)),
            op::GET_SENDER_INFO => {
                let ((deposit, withdraw_round), (funds, claimed)) = self.get_sender_info(c.address(arg(0))?)?;
                words(&[deposit, withdraw_round, funds, claimed])
            }
            op::GET_RESERVE_INFO => {
                let (funds, claimed) = self.get_reserve_info(c.address(arg(0))?)?;
                words(&[funds, claimed])
            }
            op::CLAIMABLE_RESERVE => words(&[self.claimable_reserve(c.address(arg(0))?, c.address(arg(1))?)?]),
            op::CLAIMED_RESERVE => words(&[self.claimed_reserve(c.address(arg(0))?, c.address(arg(1))?)?]),
            op::GET_TICKET_HASH => {
                let ticket = TicketRef::read(&c, c.offset(0, arg(0))?)?;
                words(&[self.get_ticket_hash(&ticket).into()])
            }
            op::USED_TICKETS => flag(self.used_tickets(c.b256(arg(0))?)),
            op::UNLOCK_PERIOD => words(&[self.unlock_period()]),
            op::TICKET_VALIDITY_PERIOD => words(&[self.ticket_validity_period()]),
            op::SET_UNLOCK_PERIOD => unit(self.set_unlock_period(c.uint(arg(0))?))?,
            op::SET_TICKET_VALIDITY_PERIOD => unit(self.set_ticket_validity_period(c.uint(arg(0))?))?,
            op::CONTROLLER => words(&[w(self.controller())]),
            op::SET_CONTROLLER => unit(self.set_controller(c.address(arg(0))?))?,
            op::TARGET_CONTRACT_ID => words(&[self.target_contract_id().into()]),
            // Every code in TABLE has an arm above.
            _ => return Err(err(ERR_SELECTOR)),
        })
    }
}

/// Whether `selector` is routed (for tests and tools).
pub fn is_routed(selector: [u8; 4]) -> bool {
    TABLE.iter().any(|e| e.0 == u32::from_be_bytes(selector))
}
