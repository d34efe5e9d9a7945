//! The extension program's dispatcher: the BondingManager functions the main program
//! forwards by DELEGATECALL (see [`crate::router`]): parameters, the less frequent
//! delegator operations, slashing, LIP-118 registration and the remaining views.
//!
//! It runs in the main program's storage with the original sender and value, so it is
//! the same contract to every caller; called directly it only sees its own empty storage.

use alloy_primitives::U256;
use lpx_contracts_common::revert::err;
use stylus_sdk::ArbResult;

use crate::env::w;
use crate::pool::ListStore;
use crate::router::{flag, op, unit, word, words, ERR_CALLDATA, ERR_SELECTOR};
use crate::store::slot;
use crate::BondingManager;

#[cfg(feature = "extension")]
mod entry {
    // `#[entrypoint]` also generates the undocumented `user_entrypoint` export.
    #![allow(missing_docs, dead_code)]
    use super::*;
    use alloc::vec::Vec;
    use stylus_sdk::host::VM;
    use stylus_sdk::prelude::*;

    /// The extension's entry point.
    #[entrypoint]
    pub fn bonding_manager_extension_entry(input: Vec<u8>, vm: VM) -> ArbResult {
        // SAFETY: the top-level storage starts at slot 0, offset 0, as `#[entrypoint]`
        // structs do.
        let mut bm = unsafe { <BondingManager as stylus_sdk::storage::StorageType>::new(U256::ZERO, 0, vm) };
        bm.route_extension(&input)
    }
}

impl BondingManager {
    /// Dispatches one call to the extension program: `input` is the full calldata.
    pub fn route_extension(&mut self, input: &[u8]) -> ArbResult {
        let Some((code, a)) = self.decode(input)? else {
            return Err(err(ERR_SELECTOR));
        };
        let v = &a.0;
        let nh = crate::NO_HINT;
        Ok(match code {
            op::CONTROLLER => word(w(self.controller())),
            op::TARGET_CONTRACT_ID => self.target_contract_id().to_vec(),
            op::SET_CONTROLLER => unit(self.set_controller(a.addr(0)))?,
            op::SET_UNBONDING_PERIOD => {
                if v[0] > U256::from(u64::MAX) {
                    return Err(err(ERR_CALLDATA));
                }
                unit(self.set_unbonding_period(v[0].as_limbs()[0]))?
            }
            op::SET_TREASURY_RATE => unit(self.set_treasury_reward_cut_rate(v[0]))?,
            op::SET_TREASURY_CEILING => unit(self.set_treasury_balance_ceiling(v[0]))?,
            op::SET_NUM_ACTIVE => unit(self.set_num_active_transcoders(v[0]))?,
            op::TRANSFER_BOND => unit(self.transfer_bond(a.addr(0), v[1], a.hint(2), a.hint(4)))?,
            op::REBOND_FROM_UNBONDED => unit(self.rebond_with_hint(Some(a.addr(0)), v[1], nh))?,
            op::REBOND_FROM_UNBONDED_WITH_HINT => unit(self.rebond_with_hint(Some(a.addr(0)), v[1], a.hint(2)))?,
            op::CHECKPOINT => unit(self.checkpoint_bonding_state(a.addr(0)))?,
            op::SET_REWARD_CALLER => unit(self.set_reward_caller(a.addr(0)))?,
            op::SLASH => unit(self.slash_transcoder(a.addr(0), a.addr(1), v[2], v[3]))?,
            op::REWARD_CALLER => word(w(self.reward_caller(a.addr(0)))),
            op::PENDING_FEES => word(self.pending(a.addr(0))?.1),
            op::TRANSCODER_STATUS => flag(self.is_registered(a.addr(0))),
            op::DELEGATOR_STATUS => word(U256::from(self.delegator_status(a.addr(0))?)),
            op::GET_TRANSCODER => words(&self.get_transcoder(a.addr(0))),
            op::GET_DELEGATOR => words(&self.get_delegator(a.addr(0))),
            op::GET_LOCK => {
                let (amount, round) = self.unbonding_lock(a.addr(0), v[1]);
                words(&[amount, round])
            }
            op::IS_VALID_LOCK => flag(!self.unbonding_lock(a.addr(0), v[1]).1.is_zero()),
            op::POOL_MAX_SIZE => word(self.max_size()),
            op::FIRST_IN_POOL => word(w(self.head())),
            op::NEXT_IN_POOL => word(w(self.next_in_pool(a.addr(0)))),
            op::CURRENT_ROUND_TOTAL => word(self.param(slot::CURRENT_ROUND_TOTAL_ACTIVE_STAKE)),
            op::UNBONDING_PERIOD => word(self.param(slot::UNBONDING_PERIOD) & U256::from(u64::MAX)),
            op::TREASURY_RATE => word(self.param(slot::TREASURY_REWARD_CUT_RATE)),
            op::NEXT_TREASURY_RATE => word(self.param(slot::NEXT_ROUND_TREASURY_REWARD_CUT_RATE)),
            op::TREASURY_CEILING => word(self.param(slot::TREASURY_BALANCE_CEILING)),
            _ => return Err(err(ERR_SELECTOR)),
        })
    }
}
