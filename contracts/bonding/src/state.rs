//! The BondingManager's storage declared with typed `#[storage]` structs, field for field in
//! the order of Livepeer's structs (spec Appendix B). The contract reads and writes raw
//! slots ([`crate::store`]); the tests write through these typed structs and read through
//! the raw accessors (and back) to prove both describe the same Solidity layout.

#![allow(dead_code)]

use alloy_primitives::{Address, U256};
use lpx_contracts_common::Manager;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageMap, StorageU256, StorageU64};

/// `UnbondingLock` (2 slots): valid iff `withdraw_round > 0`.
#[storage]
pub struct UnbondingLock {
    /// LPT being unbonded.
    pub amount: StorageU256,
    /// Round from which the LPT can be withdrawn.
    pub withdraw_round: StorageU256,
}

/// `Delegator` (8 slots).
#[storage]
pub struct Delegator {
    /// LPT bonded, as of `last_claim_round`.
    pub bonded_amount: StorageU256,
    /// Claimed, withdrawable ETH fees.
    pub fees: StorageU256,
    /// Who this account delegates to (itself for transcoders).
    pub delegate_address: StorageAddress,
    /// Total stake delegated to this account.
    pub delegated_amount: StorageU256,
    /// Round from which the bond is active.
    pub start_round: StorageU256,
    /// Last round whose earnings were folded into the bond and fees.
    pub last_claim_round: StorageU256,
    /// Id of the next unbonding lock.
    pub next_unbonding_lock_id: StorageU256,
    /// Unbonding locks by id.
    pub unbonding_locks: StorageMap<U256, UnbondingLock>,
}

/// `EarningsPool.Data` (5 slots): one transcoder's pool for one round.
#[storage]
pub struct EarningsPool {
    /// Transcoder's total stake in the round.
    pub total_stake: StorageU256,
    /// Reward cut locked in for the round (ppm).
    pub transcoder_reward_cut: StorageU256,
    /// Fee share locked in for the round (ppm).
    pub transcoder_fee_share: StorageU256,
    /// Cumulative reward factor (PD27).
    pub cumulative_reward_factor: StorageU256,
    /// Cumulative fee factor (PD27).
    pub cumulative_fee_factor: StorageU256,
}

/// `Transcoder` (11 slots).
#[storage]
pub struct Transcoder {
    /// Last round in which reward was called.
    pub last_reward_round: StorageU256,
    /// Share of rewards kept by the transcoder (ppm).
    pub reward_cut: StorageU256,
    /// Share of fees given to delegators (ppm).
    pub fee_share: StorageU256,
    /// Earnings pool per round.
    pub earnings_pool_per_round: StorageMap<U256, EarningsPool>,
    /// Latest round whose pool stake was written while in the pool.
    pub last_active_stake_update_round: StorageU256,
    /// First active round.
    pub activation_round: StorageU256,
    /// First inactive round.
    pub deactivation_round: StorageU256,
    /// `cumulative_rewards` as of the last reward call.
    pub active_cumulative_rewards: StorageU256,
    /// Rewards earned by the transcoder alone since its last claim.
    pub cumulative_rewards: StorageU256,
    /// Fees earned by the transcoder alone since its last claim.
    pub cumulative_fees: StorageU256,
    /// Last round in which fees were added.
    pub last_fee_round: StorageU256,
}

/// `SortedDoublyLL.Node` (3 slots).
#[storage]
pub struct Node {
    /// Sort key (the transcoder's total stake); zero = not in the list.
    pub key: StorageU256,
    /// Next node (smaller key).
    pub next_id: StorageAddress,
    /// Previous node (larger key).
    pub prev_id: StorageAddress,
}

/// `SortedDoublyLL.Data` (5 slots): the transcoder pool.
#[storage]
pub struct Pool {
    /// Largest member.
    pub head: StorageAddress,
    /// Smallest member.
    pub tail: StorageAddress,
    /// numActiveTranscoders.
    pub max_size: StorageU256,
    /// Members.
    pub size: StorageU256,
    /// Nodes by transcoder.
    pub nodes: StorageMap<Address, Node>,
}

/// The whole BondingManager storage, typed.
#[storage]
pub struct Layout {
    /// Slots 0-1.
    pub manager: Manager,
    /// Slot 2.
    pub unbonding_period: StorageU64,
    /// Slot 3.
    pub delegators: StorageMap<Address, Delegator>,
    /// Slot 4.
    pub transcoders: StorageMap<Address, Transcoder>,
    /// Slot 5.
    pub current_round_total_active_stake: StorageU256,
    /// Slot 6.
    pub next_round_total_active_stake: StorageU256,
    /// Slots 7-11.
    pub pool: Pool,
    /// Slot 12.
    pub treasury_reward_cut_rate: StorageU256,
    /// Slot 13.
    pub next_round_treasury_reward_cut_rate: StorageU256,
    /// Slot 14.
    pub treasury_balance_ceiling: StorageU256,
    /// Slot 15.
    pub transcoder_to_reward_caller: StorageMap<Address, StorageAddress>,
}
