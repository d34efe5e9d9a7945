//! The ABI dispatcher: selector → operation, with Livepeer's function signatures
//! (`lpx_abi::bonding_manager::IBondingManager`).
//!
//! The BondingManager is two programs sharing one storage (a single one does not fit
//! Stylus' 24 KiB limit): this router serves the protocol's hot paths and the views other
//! contracts call; every other selector is forwarded by DELEGATECALL to the extension
//! program registered in the Controller as "BondingManagerExtension" ([`crate::ext`]), the
//! way a ManagerProxy forwards to its target.
//!
//! Every argument of every BondingManager function is a static word, so decoding is
//! reading word `i` of the calldata and checking that it is a clean value of its type
//! (addresses and `uint64` must have zero high bits, as Solidity's decoder requires).
//! Malformed calldata, an unknown selector or ETH sent along revert with a message;
//! nothing here panics.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use lpx_abi::bonding_manager::IBondingManager as I;
use lpx_contracts_common::revert::{err, Revert};
use stylus_sdk::call::RawCall;
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

use crate::pool::ListStore;
use crate::store::{slot, to_addr};

/// Controller id of the extension program: `keccak256("BondingManagerExtension")`.
pub const EXTENSION_ID: alloy_primitives::B256 =
    alloy_primitives::B256::new(stylus_sdk::keccak_const::Keccak256::new().update(b"BondingManagerExtension").finalize());
use crate::BondingManager;

pub use lpx_contracts_common::entry::{ERR_CALLDATA, ERR_SELECTOR, ERR_VALUE};

/// `keccak256("stylus_constructor()")[..4]`, the Stylus SDK's constructor selector.
pub const CONSTRUCTOR_SELECTOR: u32 = 0x5585_258d;

/// ABI-encodes static return words.
pub(crate) fn words(ws: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ws.len() * 32);
    for x in ws {
        out.extend_from_slice(&x.to_be_bytes::<32>());
    }
    out
}

pub(crate) fn word(x: U256) -> Vec<u8> {
    words(&[x])
}

pub(crate) fn flag(b: bool) -> Vec<u8> {
    word(U256::from(b as u8))
}

/// An operation without return data, as a call result.
#[inline(never)]
pub(crate) fn unit(r: Result<(), Revert>) -> ArbResult {
    r.map(|_| Vec::new())
}

pub(crate) const fn s(selector: [u8; 4]) -> u32 {
    u32::from_be_bytes(selector)
}

#[cfg(not(feature = "extension"))]
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export.
    #![allow(missing_docs, dead_code)]
    use super::*;
    use stylus_sdk::host::VM;

    /// The contract's entry point: builds the storage view and routes the calldata.
    #[entrypoint]
    pub fn bonding_manager_entry(input: Vec<u8>, vm: VM) -> ArbResult {
        // SAFETY: the top-level storage starts at slot 0, offset 0, as `#[entrypoint]`
        // structs do.
        let mut bm = unsafe { <BondingManager as stylus_sdk::storage::StorageType>::new(U256::ZERO, 0, vm) };
        bm.route(&input)
    }
}

/// Operation codes: one per ABI function (both programs).
pub(crate) mod op {
    pub const CONSTRUCTOR: u8 = 0;
    pub const TRANSCODER: u8 = 1;
    pub const TRANSCODER_WITH_HINT: u8 = 2;
    pub const BOND: u8 = 3;
    pub const BOND_WITH_HINT: u8 = 4;
    pub const BOND_FOR_WITH_HINT: u8 = 5;
    pub const UNBOND: u8 = 6;
    pub const UNBOND_WITH_HINT: u8 = 7;
    pub const REBOND: u8 = 8;
    pub const REBOND_WITH_HINT: u8 = 9;
    pub const WITHDRAW_STAKE: u8 = 10;
    pub const WITHDRAW_FEES: u8 = 11;
    pub const CLAIM_EARNINGS: u8 = 12;
    pub const REWARD: u8 = 13;
    pub const REWARD_WITH_HINT: u8 = 14;
    pub const REWARD_FOR: u8 = 15;
    pub const REWARD_FOR_WITH_HINT: u8 = 16;
    pub const UPDATE_WITH_FEES: u8 = 17;
    pub const SET_CURRENT_ROUND_TOTAL_ACTIVE_STAKE: u8 = 18;
    pub const PENDING_STAKE: u8 = 19;
    pub const TRANSCODER_TOTAL_STAKE: u8 = 20;
    pub const EARNINGS_POOL: u8 = 21;
    pub const POOL_SIZE: u8 = 22;
    pub const TOTAL_BONDED: u8 = 23;
    pub const IS_ACTIVE: u8 = 24;
    pub const IS_REGISTERED: u8 = 25;
    pub const NEXT_ROUND_TOTAL: u8 = 26;
    // extension program
    pub const CONTROLLER: u8 = 40;
    pub const TARGET_CONTRACT_ID: u8 = 41;
    pub const SET_CONTROLLER: u8 = 42;
    pub const SET_UNBONDING_PERIOD: u8 = 43;
    pub const SET_TREASURY_RATE: u8 = 44;
    pub const SET_TREASURY_CEILING: u8 = 45;
    pub const SET_NUM_ACTIVE: u8 = 46;
    pub const TRANSFER_BOND: u8 = 47;
    pub const REBOND_FROM_UNBONDED: u8 = 48;
    pub const REBOND_FROM_UNBONDED_WITH_HINT: u8 = 49;
    pub const CHECKPOINT: u8 = 50;
    pub const SET_REWARD_CALLER: u8 = 51;
    pub const SLASH: u8 = 52;
    pub const REWARD_CALLER: u8 = 53;
    pub const PENDING_FEES: u8 = 54;
    pub const TRANSCODER_STATUS: u8 = 55;
    pub const DELEGATOR_STATUS: u8 = 56;
    pub const GET_TRANSCODER: u8 = 57;
    pub const GET_DELEGATOR: u8 = 58;
    pub const GET_LOCK: u8 = 59;
    pub const IS_VALID_LOCK: u8 = 60;
    pub const POOL_MAX_SIZE: u8 = 61;
    pub const FIRST_IN_POOL: u8 = 62;
    pub const NEXT_IN_POOL: u8 = 63;
    pub const CURRENT_ROUND_TOTAL: u8 = 64;
    pub const UNBONDING_PERIOD: u8 = 65;
    pub const TREASURY_RATE: u8 = 66;
    pub const NEXT_TREASURY_RATE: u8 = 67;
    pub const TREASURY_CEILING: u8 = 68;
}

/// One ABI function: selector, operation code, number of argument words, and a bitmask
/// of the arguments that are addresses (bit i = argument i).
type Entry = (u32, u8, u8, u8);

/// Every BondingManager function (selectors from `lpx_abi`).
pub(crate) const TABLE: &[Entry] = &[
    (CONSTRUCTOR_SELECTOR, op::CONSTRUCTOR, 1, 0b1),
    (s(I::transcoderCall::SELECTOR), op::TRANSCODER, 2, 0),
    (s(I::transcoderWithHintCall::SELECTOR), op::TRANSCODER_WITH_HINT, 4, 0b1100),
    (s(I::bondCall::SELECTOR), op::BOND, 2, 0b10),
    (s(I::bondWithHintCall::SELECTOR), op::BOND_WITH_HINT, 6, 0b111110),
    (s(I::bondForWithHintCall::SELECTOR), op::BOND_FOR_WITH_HINT, 7, 0b1111110),
    (s(I::unbondCall::SELECTOR), op::UNBOND, 1, 0),
    (s(I::unbondWithHintCall::SELECTOR), op::UNBOND_WITH_HINT, 3, 0b110),
    (s(I::rebondCall::SELECTOR), op::REBOND, 1, 0),
    (s(I::rebondWithHintCall::SELECTOR), op::REBOND_WITH_HINT, 3, 0b110),
    (s(I::withdrawStakeCall::SELECTOR), op::WITHDRAW_STAKE, 1, 0),
    (s(I::withdrawFeesCall::SELECTOR), op::WITHDRAW_FEES, 2, 0b1),
    (s(I::claimEarningsCall::SELECTOR), op::CLAIM_EARNINGS, 1, 0),
    (s(I::rewardCall::SELECTOR), op::REWARD, 0, 0),
    (s(I::rewardWithHintCall::SELECTOR), op::REWARD_WITH_HINT, 2, 0b11),
    (s(I::rewardForTranscoderCall::SELECTOR), op::REWARD_FOR, 1, 0b1),
    (s(I::rewardForTranscoderWithHintCall::SELECTOR), op::REWARD_FOR_WITH_HINT, 3, 0b111),
    (s(I::updateTranscoderWithFeesCall::SELECTOR), op::UPDATE_WITH_FEES, 3, 0b1),
    (s(I::setCurrentRoundTotalActiveStakeCall::SELECTOR), op::SET_CURRENT_ROUND_TOTAL_ACTIVE_STAKE, 0, 0),
    (s(I::pendingStakeCall::SELECTOR), op::PENDING_STAKE, 2, 0b1),
    (s(I::transcoderTotalStakeCall::SELECTOR), op::TRANSCODER_TOTAL_STAKE, 1, 0b1),
    (s(I::getTranscoderEarningsPoolForRoundCall::SELECTOR), op::EARNINGS_POOL, 2, 0b1),
    (s(I::getTranscoderPoolSizeCall::SELECTOR), op::POOL_SIZE, 0, 0),
    (s(I::getTotalBondedCall::SELECTOR), op::TOTAL_BONDED, 0, 0),
    (s(I::isActiveTranscoderCall::SELECTOR), op::IS_ACTIVE, 1, 0b1),
    (s(I::isRegisteredTranscoderCall::SELECTOR), op::IS_REGISTERED, 1, 0b1),
    (s(I::nextRoundTotalActiveStakeCall::SELECTOR), op::NEXT_ROUND_TOTAL, 0, 0),
    (s(I::controllerCall::SELECTOR), op::CONTROLLER, 0, 0),
    (s(I::targetContractIdCall::SELECTOR), op::TARGET_CONTRACT_ID, 0, 0),
    (s(I::setControllerCall::SELECTOR), op::SET_CONTROLLER, 1, 0b1),
    (s(I::setUnbondingPeriodCall::SELECTOR), op::SET_UNBONDING_PERIOD, 1, 0),
    (s(I::setTreasuryRewardCutRateCall::SELECTOR), op::SET_TREASURY_RATE, 1, 0),
    (s(I::setTreasuryBalanceCeilingCall::SELECTOR), op::SET_TREASURY_CEILING, 1, 0),
    (s(I::setNumActiveTranscodersCall::SELECTOR), op::SET_NUM_ACTIVE, 1, 0),
    (s(I::transferBondCall::SELECTOR), op::TRANSFER_BOND, 6, 0b111101),
    (s(I::rebondFromUnbondedCall::SELECTOR), op::REBOND_FROM_UNBONDED, 2, 0b1),
    (s(I::rebondFromUnbondedWithHintCall::SELECTOR), op::REBOND_FROM_UNBONDED_WITH_HINT, 4, 0b1101),
    (s(I::checkpointBondingStateCall::SELECTOR), op::CHECKPOINT, 1, 0b1),
    (s(I::setRewardCallerCall::SELECTOR), op::SET_REWARD_CALLER, 1, 0b1),
    (s(I::slashTranscoderCall::SELECTOR), op::SLASH, 4, 0b11),
    (s(I::transcoderToRewardCallerCall::SELECTOR), op::REWARD_CALLER, 1, 0b1),
    (s(I::pendingFeesCall::SELECTOR), op::PENDING_FEES, 2, 0b1),
    (s(I::transcoderStatusCall::SELECTOR), op::TRANSCODER_STATUS, 1, 0b1),
    (s(I::delegatorStatusCall::SELECTOR), op::DELEGATOR_STATUS, 1, 0b1),
    (s(I::getTranscoderCall::SELECTOR), op::GET_TRANSCODER, 1, 0b1),
    (s(I::getDelegatorCall::SELECTOR), op::GET_DELEGATOR, 1, 0b1),
    (s(I::getDelegatorUnbondingLockCall::SELECTOR), op::GET_LOCK, 2, 0b1),
    (s(I::isValidUnbondingLockCall::SELECTOR), op::IS_VALID_LOCK, 2, 0b1),
    (s(I::getTranscoderPoolMaxSizeCall::SELECTOR), op::POOL_MAX_SIZE, 0, 0),
    (s(I::getFirstTranscoderInPoolCall::SELECTOR), op::FIRST_IN_POOL, 0, 0),
    (s(I::getNextTranscoderInPoolCall::SELECTOR), op::NEXT_IN_POOL, 1, 0b1),
    (s(I::currentRoundTotalActiveStakeCall::SELECTOR), op::CURRENT_ROUND_TOTAL, 0, 0),
    (s(I::unbondingPeriodCall::SELECTOR), op::UNBONDING_PERIOD, 0, 0),
    (s(I::treasuryRewardCutRateCall::SELECTOR), op::TREASURY_RATE, 0, 0),
    (s(I::nextRoundTreasuryRewardCutRateCall::SELECTOR), op::NEXT_TREASURY_RATE, 0, 0),
    (s(I::treasuryBalanceCeilingCall::SELECTOR), op::TREASURY_CEILING, 0, 0),
];

/// Function codes from this one on are served by the extension program ([`crate::ext`]),
/// the others by the main program.
pub const FIRST_EXTENSION_OP: u8 = op::CONTROLLER;

/// Every function's selector and whether the extension program serves it, in table
/// order, the constructor excepted (what the `export-abi` binaries print).
pub fn functions() -> impl Iterator<Item = ([u8; 4], bool)> {
    TABLE.iter().filter(|e| e.1 != op::CONSTRUCTOR).map(|e| (e.0.to_be_bytes(), e.1 >= FIRST_EXTENSION_OP))
}

/// The decoded argument words of one call (unused trailing words are zero).
pub(crate) struct Args(pub(crate) [U256; 7]);

impl Args {
    /// Argument `i` as an address (already checked clean by [`BondingManager::decode`]).
    pub(crate) fn addr(&self, i: usize) -> Address {
        to_addr(self.0[i])
    }

    /// Arguments `i` and `i + 1` as a pool hint.
    pub(crate) fn hint(&self, i: usize) -> (Address, Address) {
        (self.addr(i), self.addr(i + 1))
    }
}

impl BondingManager {
    /// Checks value, finds the function and decodes its words; `Ok(None)` for a selector
    /// no function has.
    pub(crate) fn decode(&self, input: &[u8]) -> Result<Option<(u8, Args)>, Revert> {
        if input.len() < 4 {
            return Err(err(ERR_SELECTOR));
        }
        if !self.vm().msg_value().is_zero() {
            return Err(err(ERR_VALUE));
        }
        let selector = u32::from_be_bytes([input[0], input[1], input[2], input[3]]);
        let Some(&(_, code, n, addr_mask)) = TABLE.iter().find(|e| e.0 == selector) else {
            return Ok(None);
        };
        let data = &input[4..];
        let n = n as usize;
        if data.len() < n * 32 {
            return Err(err(ERR_CALLDATA));
        }
        let mut args = [U256::ZERO; 7];
        for (i, arg) in args.iter_mut().enumerate().take(n) {
            *arg = U256::from_be_slice(&data[i * 32..i * 32 + 32]);
            if addr_mask & (1 << i) != 0 && *arg >> 160 != U256::ZERO {
                return Err(err(ERR_CALLDATA));
            }
        }
        Ok(Some((code, Args(args))))
    }

    /// Dispatches one call to the main program: `input` is the full calldata.
    pub fn route(&mut self, input: &[u8]) -> ArbResult {
        let Some((code, a)) = self.decode(input)? else {
            return Err(err(ERR_SELECTOR));
        };
        let v = &a.0;
        let nh = crate::NO_HINT;
        Ok(match code {
            op::CONSTRUCTOR => unit(self.constructor(a.addr(0)))?,
            op::TRANSCODER => unit(self.transcoder_with_hint(v[0], v[1], nh))?,
            op::TRANSCODER_WITH_HINT => unit(self.transcoder_with_hint(v[0], v[1], a.hint(2)))?,
            op::BOND => unit(self.bond_for_with_hint(v[0], None, a.addr(1), nh, nh))?,
            op::BOND_WITH_HINT => unit(self.bond_for_with_hint(v[0], None, a.addr(1), a.hint(2), a.hint(4)))?,
            op::BOND_FOR_WITH_HINT => unit(self.bond_for_with_hint(v[0], Some(a.addr(1)), a.addr(2), a.hint(3), a.hint(5)))?,
            op::UNBOND => unit(self.unbond_with_hint(v[0], nh))?,
            op::UNBOND_WITH_HINT => unit(self.unbond_with_hint(v[0], a.hint(1)))?,
            op::REBOND => unit(self.rebond_with_hint(None, v[0], nh))?,
            op::REBOND_WITH_HINT => unit(self.rebond_with_hint(None, v[0], a.hint(1)))?,
            op::WITHDRAW_STAKE => unit(self.withdraw_stake(v[0]))?,
            op::WITHDRAW_FEES => unit(self.withdraw_fees(a.addr(0), v[1]))?,
            op::CLAIM_EARNINGS => unit(self.claim_earnings())?,
            op::REWARD => unit(self.reward_with_hint(None, nh))?,
            op::REWARD_WITH_HINT => unit(self.reward_with_hint(None, a.hint(0)))?,
            op::REWARD_FOR => unit(self.reward_with_hint(Some(a.addr(0)), nh))?,
            op::REWARD_FOR_WITH_HINT => unit(self.reward_with_hint(Some(a.addr(0)), a.hint(1)))?,
            op::UPDATE_WITH_FEES => unit(self.update_transcoder_with_fees(a.addr(0), v[1]))?,
            op::SET_CURRENT_ROUND_TOTAL_ACTIVE_STAKE => unit(self.set_current_round_total_active_stake())?,
            op::PENDING_STAKE => word(self.pending(a.addr(0))?.0),
            op::TRANSCODER_TOTAL_STAKE => word(self.delegated(a.addr(0))),
            op::EARNINGS_POOL => words(&self.get_transcoder_earnings_pool_for_round(a.addr(0), v[1])),
            op::POOL_SIZE => word(self.size()),
            op::TOTAL_BONDED => word(self.param(slot::CURRENT_ROUND_TOTAL_ACTIVE_STAKE)),
            op::IS_ACTIVE => flag(self.is_active_transcoder(a.addr(0))?),
            op::IS_REGISTERED => flag(self.is_registered(a.addr(0))),
            op::NEXT_ROUND_TOTAL => word(self.param(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE)),
            _ => return self.forward_to_extension(input),
        })
    }

    /// Forwards the call to the extension program (DELEGATECALL: same storage, same
    /// sender), returning or reverting with its data verbatim.
    fn forward_to_extension(&mut self, input: &[u8]) -> ArbResult {
        let env = self.env();
        let ext = env.lookup(EXTENSION_ID)?;
        if ext.is_zero() {
            return Err(err(ERR_SELECTOR));
        }
        // SAFETY: the storage cache is flushed and cleared first, so values the extension
        // writes are re-read afterwards; no storage handle is held across the call.
        unsafe { RawCall::new_delegate(self.vm()).clear_storage_cache().call(ext, input) }
    }
}
