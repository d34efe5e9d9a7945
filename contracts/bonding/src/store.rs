//! Raw storage access in Livepeer's Solidity layout (spec Appendix B).
//!
//! Fields are read and written one slot at a time: a mapping entry lives at
//! `keccak256(pad32(key) ‖ pad32(slot))`, a struct field at its base slot plus the field's
//! index. Going through typed `#[storage]` structs instead would build every field handle
//! of a record on each access, which costs both code size (the contract must stay under
//! 24 KiB compressed) and gas. `state.rs` declares the same layout with typed structs and
//! the tests check that both agree.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

use crate::env::w;
use crate::pool::ListStore;
use crate::BondingManager;

/// Slots of the BondingManager's top-level fields (after the Manager head in slots 0-1).
pub mod slot {
    /// `uint64 unbondingPeriod`.
    pub const UNBONDING_PERIOD: u64 = 2;
    /// `mapping(address => Delegator) delegators`.
    pub const DELEGATORS: u64 = 3;
    /// `mapping(address => Transcoder) transcoders`.
    pub const TRANSCODERS: u64 = 4;
    /// `uint256 currentRoundTotalActiveStake`.
    pub const CURRENT_ROUND_TOTAL_ACTIVE_STAKE: u64 = 5;
    /// `uint256 nextRoundTotalActiveStake`.
    pub const NEXT_ROUND_TOTAL_ACTIVE_STAKE: u64 = 6;
    /// `transcoderPool.head`.
    pub const POOL_HEAD: u64 = 7;
    /// `transcoderPool.tail`.
    pub const POOL_TAIL: u64 = 8;
    /// `transcoderPool.maxSize`.
    pub const POOL_MAX_SIZE: u64 = 9;
    /// `transcoderPool.size`.
    pub const POOL_SIZE: u64 = 10;
    /// `transcoderPool.nodes` mapping.
    pub const POOL_NODES: u64 = 11;
    /// `uint256 treasuryRewardCutRate`.
    pub const TREASURY_REWARD_CUT_RATE: u64 = 12;
    /// `uint256 nextRoundTreasuryRewardCutRate`.
    pub const NEXT_ROUND_TREASURY_REWARD_CUT_RATE: u64 = 13;
    /// `uint256 treasuryBalanceCeiling`.
    pub const TREASURY_BALANCE_CEILING: u64 = 14;
    /// LIP-118 `mapping(address => address) transcoderToRewardCaller`.
    pub const REWARD_CALLERS: u64 = 15;
}

/// Field indexes of `Delegator`.
pub mod del {
    /// bondedAmount
    pub const BONDED: u64 = 0;
    /// fees
    pub const FEES: u64 = 1;
    /// delegateAddress
    pub const DELEGATE: u64 = 2;
    /// delegatedAmount
    pub const DELEGATED: u64 = 3;
    /// startRound
    pub const START_ROUND: u64 = 4;
    /// lastClaimRound
    pub const LAST_CLAIM_ROUND: u64 = 5;
    /// nextUnbondingLockId
    pub const NEXT_LOCK_ID: u64 = 6;
    /// unbondingLocks mapping (UnbondingLock: +0 amount, +1 withdrawRound)
    pub const LOCKS: u64 = 7;
}

/// Field indexes of `Transcoder`.
pub mod tc {
    /// lastRewardRound
    pub const LAST_REWARD_ROUND: u64 = 0;
    /// rewardCut
    pub const REWARD_CUT: u64 = 1;
    /// feeShare
    pub const FEE_SHARE: u64 = 2;
    /// earningsPoolPerRound mapping
    pub const POOLS: u64 = 3;
    /// lastActiveStakeUpdateRound
    pub const LAST_ACTIVE_STAKE_UPDATE_ROUND: u64 = 4;
    /// activationRound
    pub const ACTIVATION_ROUND: u64 = 5;
    /// deactivationRound
    pub const DEACTIVATION_ROUND: u64 = 6;
    /// activeCumulativeRewards
    pub const ACTIVE_CUMULATIVE_REWARDS: u64 = 7;
    /// cumulativeRewards
    pub const CUMULATIVE_REWARDS: u64 = 8;
    /// cumulativeFees
    pub const CUMULATIVE_FEES: u64 = 9;
    /// lastFeeRound
    pub const LAST_FEE_ROUND: u64 = 10;
}

/// Field indexes of `EarningsPool.Data`.
pub mod ep {
    /// totalStake
    pub const TOTAL_STAKE: u64 = 0;
    /// transcoderRewardCut
    pub const REWARD_CUT: u64 = 1;
    /// transcoderFeeShare
    pub const FEE_SHARE: u64 = 2;
    /// cumulativeRewardFactor
    pub const CRF: u64 = 3;
    /// cumulativeFeeFactor
    pub const CFF: u64 = 4;
}

/// Field indexes of `SortedDoublyLL.Node`.
mod node {
    pub const KEY: u64 = 0;
    pub const NEXT: u64 = 1;
    pub const PREV: u64 = 2;
}

/// `base + offset` (slot arithmetic wraps, as in Solidity).
#[inline]
pub fn at(base: U256, offset: u64) -> U256 {
    base.wrapping_add(U256::from(offset))
}

/// The address held in the low 20 bytes of a word.
#[inline]
pub fn to_addr(v: U256) -> Address {
    Address::from_word(B256::from(v))
}

impl BondingManager {
    /// SLOAD.
    #[inline(never)]
    pub(crate) fn load(&self, slot: U256) -> U256 {
        U256::from_be_bytes(self.vm().storage_load_bytes32(slot).0)
    }

    /// SSTORE (through the Stylus write cache, flushed at the end of the call or before
    /// an external call).
    #[inline(never)]
    pub(crate) fn store(&mut self, slot: U256, value: U256) {
        // SAFETY: no typed storage handle aliases the slots written here; the only typed
        // field is the Manager head in slots 0-1, which these helpers never address.
        unsafe { self.vm().storage_cache_bytes32(slot, B256::from(value)) }
    }

    /// Slot of `mapping[key]` for a mapping declared at `base`.
    #[inline(never)]
    pub(crate) fn mapping(&self, key: U256, base: U256) -> U256 {
        let mut buf = [0u8; 64];
        buf[..32].copy_from_slice(&key.to_be_bytes::<32>());
        buf[32..].copy_from_slice(&base.to_be_bytes::<32>());
        U256::from_be_bytes(self.vm().native_keccak256(&buf).0)
    }

    /// A top-level field.
    pub(crate) fn global(&self, s: u64) -> U256 {
        self.load(U256::from(s))
    }

    /// Writes a top-level field.
    pub(crate) fn set_global(&mut self, s: u64, v: U256) {
        self.store(U256::from(s), v)
    }

    /// Base slot of `delegators[a]`.
    pub(crate) fn del_base(&self, a: Address) -> U256 {
        self.mapping(w(a), U256::from(slot::DELEGATORS))
    }

    /// Base slot of `transcoders[a]`.
    pub(crate) fn tc_base(&self, a: Address) -> U256 {
        self.mapping(w(a), U256::from(slot::TRANSCODERS))
    }

    /// `delegators[a].<field>`.
    pub(crate) fn del(&self, a: Address, field: u64) -> U256 {
        self.load(at(self.del_base(a), field))
    }

    /// Writes `delegators[a].<field>`.
    pub(crate) fn set_del(&mut self, a: Address, field: u64, v: U256) {
        let s = at(self.del_base(a), field);
        self.store(s, v)
    }

    /// `delegators[a].delegateAddress`.
    pub(crate) fn delegate_of(&self, a: Address) -> Address {
        to_addr(self.del(a, del::DELEGATE))
    }

    /// `transcoders[a].<field>`.
    pub(crate) fn tc(&self, a: Address, field: u64) -> U256 {
        self.load(at(self.tc_base(a), field))
    }

    /// Writes `transcoders[a].<field>`.
    pub(crate) fn set_tc(&mut self, a: Address, field: u64, v: U256) {
        let s = at(self.tc_base(a), field);
        self.store(s, v)
    }

    /// Base slot of `transcoders[t].earningsPoolPerRound[r]`.
    pub(crate) fn ep_base(&self, t: Address, r: U256) -> U256 {
        self.mapping(r, at(self.tc_base(t), tc::POOLS))
    }

    /// `transcoders[t].earningsPoolPerRound[r].<field>`.
    pub(crate) fn ep(&self, t: Address, r: U256, field: u64) -> U256 {
        self.load(at(self.ep_base(t, r), field))
    }

    /// Writes `transcoders[t].earningsPoolPerRound[r].<field>`.
    pub(crate) fn set_ep(&mut self, t: Address, r: U256, field: u64, v: U256) {
        let s = at(self.ep_base(t, r), field);
        self.store(s, v)
    }

    /// Base slot of `delegators[d].unbondingLocks[id]` (+0 amount, +1 withdrawRound).
    pub(crate) fn lock_base(&self, d: Address, id: U256) -> U256 {
        self.mapping(id, at(self.del_base(d), del::LOCKS))
    }

    /// Writes an unbonding lock (zeros delete it).
    pub(crate) fn set_lock(&mut self, d: Address, id: U256, amount: U256, withdraw_round: U256) {
        let base = self.lock_base(d, id);
        self.store(base, amount);
        self.store(at(base, 1), withdraw_round);
    }

    /// Reads an unbonding lock: (amount, withdrawRound).
    pub(crate) fn lock(&self, d: Address, id: U256) -> (U256, U256) {
        let base = self.lock_base(d, id);
        (self.load(base), self.load(at(base, 1)))
    }

    fn node(&self, id: Address, field: u64) -> U256 {
        self.load(at(self.mapping(w(id), U256::from(slot::POOL_NODES)), field))
    }

    fn set_node(&mut self, id: Address, field: u64, v: U256) {
        let s = at(self.mapping(w(id), U256::from(slot::POOL_NODES)), field);
        self.store(s, v)
    }

    /// `transcoderToRewardCaller[t]`.
    pub(crate) fn reward_caller(&self, t: Address) -> Address {
        to_addr(self.load(self.mapping(w(t), U256::from(slot::REWARD_CALLERS))))
    }

    /// Writes `transcoderToRewardCaller[t]`.
    pub(crate) fn set_reward_caller_of(&mut self, t: Address, caller: Address) {
        let s = self.mapping(w(t), U256::from(slot::REWARD_CALLERS));
        self.store(s, w(caller))
    }
}

impl ListStore for BondingManager {
    fn head(&self) -> Address {
        to_addr(self.global(slot::POOL_HEAD))
    }
    fn tail(&self) -> Address {
        to_addr(self.global(slot::POOL_TAIL))
    }
    fn size(&self) -> U256 {
        self.global(slot::POOL_SIZE)
    }
    fn max_size(&self) -> U256 {
        self.global(slot::POOL_MAX_SIZE)
    }
    fn set_head(&mut self, id: Address) {
        self.set_global(slot::POOL_HEAD, w(id))
    }
    fn set_tail(&mut self, id: Address) {
        self.set_global(slot::POOL_TAIL, w(id))
    }
    fn set_size(&mut self, size: U256) {
        self.set_global(slot::POOL_SIZE, size)
    }
    fn set_max_size(&mut self, size: U256) {
        self.set_global(slot::POOL_MAX_SIZE, size)
    }
    fn key(&self, id: Address) -> U256 {
        self.node(id, node::KEY)
    }
    fn next(&self, id: Address) -> Address {
        to_addr(self.node(id, node::NEXT))
    }
    fn prev(&self, id: Address) -> Address {
        to_addr(self.node(id, node::PREV))
    }
    fn set_key(&mut self, id: Address, key: U256) {
        self.set_node(id, node::KEY, key)
    }
    fn set_next(&mut self, id: Address, next: Address) {
        self.set_node(id, node::NEXT, w(next))
    }
    fn set_prev(&mut self, id: Address, prev: Address) {
        self.set_node(id, node::PREV, w(prev))
    }
}
