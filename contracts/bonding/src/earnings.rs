//! LIP-36 earnings arithmetic (spec §3.3, §3.7, §5): pure functions over values, shared by
//! the contract and by the native tests.
//!
//! Every floor is Livepeer's, in Livepeer's order (`percOf(a, b, c)` floors the fraction
//! before multiplying). Rounding always favours the protocol; never "improve" it, or the
//! Minter can end up owing more than it holds.

use alloy_primitives::U256;
use lpx_contracts_common::math::precise;
use lpx_contracts_common::revert::{add, sub, Revert};

use crate::fmath::{perc_of, precise_perc_of, precise_perc_of3};

/// `10^27`, the value 1.0 of a cumulative factor.
pub const ONE: U256 = precise::PERC_DIVISOR;

/// The cumulative factors of one earnings pool (`cumulativeRewardFactor`,
/// `cumulativeFeeFactor`); zero means "not written".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Factors {
    /// Cumulative reward factor (CRF), PD27.
    pub crf: U256,
    /// Cumulative fee factor (CFF), PD27 in round-0 stake units.
    pub cff: U256,
}

/// A CRF of zero stands for 1.0 (a pool that never received rewards).
#[inline]
pub fn crf_or_one(crf: U256) -> U256 {
    if crf.is_zero() {
        ONE
    } else {
        crf
    }
}

/// `delegatorCumulativeStakeAndFees`: stake and fees of a delegator whose stake was `stake`
/// (and fees `fees`) at the `start` pool, grown to the `end` pool.
///
/// `stake' = floor(stake * floor(endCRF * 1e27 / startCRF) / 1e27)` and
/// `fees' = fees + floor(stake * floor((endCFF - startCFF) * 1e27 / startCRF) / 1e27)`, both
/// using the original `stake`; `endCFF < startCFF` reverts with `Panic(0x11)` as in Solidity.
pub fn cumulative_stake_and_fees(start: Factors, end: Factors, stake: U256, fees: U256) -> Result<(U256, U256), Revert> {
    let start_crf = crf_or_one(start.crf);
    let new_stake = precise_perc_of3(stake, crf_or_one(end.crf), start_crf)?;
    let fee_growth = sub(end.cff, start.cff)?;
    let new_fees = add(fees, precise_perc_of3(stake, fee_growth, start_crf)?)?;
    Ok((new_stake, new_fees))
}

/// `updateCumulativeRewardFactor`: the CRF of a pool after `rewards` for its delegators,
/// given the CRF of the transcoder's previous reward round (`prev_crf`, zero = 1.0).
pub fn next_reward_factor(prev_crf: U256, rewards: U256, total_stake: U256) -> Result<U256, Revert> {
    let prev = crf_or_one(prev_crf);
    add(prev, precise_perc_of3(prev, rewards, total_stake)?)
}

/// `updateCumulativeFeeFactor`: the CFF of a pool after `fees` for its delegators.
///
/// The first write of a round starts from the previous pool's CFF; later writes in the
/// same round add to what the pool already holds.
pub fn next_fee_factor(pool_cff: U256, prev: Factors, fees: U256, total_stake: U256) -> Result<U256, Revert> {
    let increment = precise_perc_of3(crf_or_one(prev.crf), fees, total_stake)?;
    let base = if pool_cff.is_zero() { prev.cff } else { pool_cff };
    add(base, increment)
}

/// How one reward (or one fee payment) divides between the transcoder and its delegators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    /// The part the whole delegation (transcoder included) shares pro rata; it moves the
    /// cumulative factor.
    pub delegators: U256,
    /// What the transcoder alone earns: its commission plus the delegators' share earned by
    /// its own unclaimed rewards (`active_rewards`), which sit in the pool's stake but in no
    /// delegator's bond.
    pub transcoder: U256,
}

/// Splits `rewards` by the pool's reward cut (ppm kept by the transcoder):
/// `commission = floor(rewards * cut / 1e6)`, the rest goes to delegators, and the
/// transcoder also earns `floor(delegators * floor(active_rewards * 1e27 / total_stake) / 1e27)`.
pub fn split_rewards(rewards: U256, reward_cut: U256, active_rewards: U256, total_stake: U256) -> Result<Split, Revert> {
    let commission = perc_of(rewards, reward_cut)?;
    let delegators = sub(rewards, commission)?;
    transcoder_share(delegators, commission, active_rewards, total_stake)
}

/// Splits `fees` by the pool's fee share (ppm given to delegators):
/// `delegators = floor(fees * share / 1e6)`, the transcoder keeps the rest plus the
/// delegators' share earned by its unclaimed rewards.
pub fn split_fees(fees: U256, fee_share: U256, active_rewards: U256, total_stake: U256) -> Result<Split, Revert> {
    let delegators = perc_of(fees, fee_share)?;
    let commission = sub(fees, delegators)?;
    transcoder_share(delegators, commission, active_rewards, total_stake)
}

fn transcoder_share(delegators: U256, commission: U256, active_rewards: U256, total_stake: U256) -> Result<Split, Revert> {
    let own = precise_perc_of3(delegators, active_rewards, total_stake)?;
    Ok(Split { delegators, transcoder: add(own, commission)? })
}

/// The LIP-36 retroactive estimate of the previous round's CRF, for a transcoder that
/// called reward this round but has no factor for the round before (spec §3.4
/// updateTranscoderWithFees step 5):
///
/// `r = floor(mintable * floor(stake * 1e27 / totalActive) / 1e27)`, minus the treasury
/// share `floor(r * treasuryRate / 1e27)` (PreciseMathUtils since audit H-01), minus the
/// commission; then `prevCRF = floor(poolCRF * floor(stake * 1e27 / (dr + stake)) / 1e27)`.
pub fn retroactive_prev_crf(
    mintable: U256,
    total_stake: U256,
    total_active_stake: U256,
    treasury_rate: U256,
    reward_cut: U256,
    pool_crf: U256,
) -> Result<U256, Revert> {
    let mut rewards = precise_perc_of3(mintable, total_stake, total_active_stake)?;
    rewards = sub(rewards, precise_perc_of(rewards, treasury_rate)?)?;
    let delegators = sub(rewards, perc_of(rewards, reward_cut)?)?;
    precise_perc_of3(pool_crf, total_stake, add(delegators, total_stake)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lpx_contracts_common::revert::panic;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }
    fn e27(x: u128) -> U256 {
        U256::from(x) * ONE
    }

    #[test]
    fn v39_fee_factor_from_empty_prev() {
        let prev = Factors::default();
        let cff = next_fee_factor(U256::ZERO, prev, u(1000), u(1000)).unwrap();
        assert_eq!(cff, e27(1));
        assert_eq!(next_fee_factor(cff, prev, u(1000), u(1000)).unwrap(), e27(2));
    }

    #[test]
    fn v40_fee_factor_tiny_numbers_floor() {
        let prev = Factors { crf: u(3), cff: u(2) };
        assert_eq!(next_fee_factor(U256::ZERO, prev, u(200), u(1000)).unwrap(), u(2));
    }

    #[test]
    fn v41_reward_factor() {
        let crf = next_reward_factor(U256::ZERO, u(1000), u(1000)).unwrap();
        assert_eq!(crf, e27(2));
        assert_eq!(next_reward_factor(crf, u(1000), u(1000)).unwrap(), e27(4));
    }

    #[test]
    fn v42_delegator_cumulative_fees() {
        let z = Factors::default();
        assert_eq!(cumulative_stake_and_fees(z, z, u(1000), u(10)).unwrap().1, u(10));
        let start = Factors { cff: u(3), crf: u(2) };
        assert_eq!(cumulative_stake_and_fees(start, Factors { cff: u(3), crf: U256::ZERO }, u(1000), u(10)).unwrap().1, u(10));
        assert_eq!(cumulative_stake_and_fees(start, Factors { cff: u(6), crf: U256::ZERO }, u(1000), u(10)).unwrap().1, u(1510));
    }

    #[test]
    fn v43_delegator_cumulative_stake() {
        let z = Factors::default();
        assert_eq!(cumulative_stake_and_fees(z, z, u(1000), U256::ZERO).unwrap().0, u(1000));
        let four = Factors { crf: u(4), cff: U256::ZERO };
        assert_eq!(cumulative_stake_and_fees(four, four, u(1000), U256::ZERO).unwrap().0, u(1000));
        assert_eq!(cumulative_stake_and_fees(four, Factors { crf: u(10), cff: U256::ZERO }, u(1000), U256::ZERO).unwrap().0, u(2500));
    }

    #[test]
    fn v44_delegator_cumulative_stake_and_fees() {
        let start = Factors { cff: u(2), crf: u(5) };
        let end = Factors { cff: u(5), crf: u(15) };
        assert_eq!(cumulative_stake_and_fees(start, end, u(1000), u(10)).unwrap(), (u(3000), u(610)));
    }

    #[test]
    fn decreasing_fee_factor_panics_like_solidity() {
        let start = Factors { cff: u(5), crf: U256::ZERO };
        let end = Factors { cff: u(4), crf: U256::ZERO };
        assert_eq!(cumulative_stake_and_fees(start, end, u(1), u(0)), Err(panic(0x11)));
    }

    #[test]
    fn v12_reward_split_and_factor() {
        // rewardCut 50%, stake 1000, no earlier rewards: commission 500, CRF 1.5e27.
        let split = split_rewards(u(1000), u(500_000), U256::ZERO, u(1000)).unwrap();
        assert_eq!(split, Split { delegators: u(500), transcoder: u(500) });
        assert_eq!(next_reward_factor(U256::ZERO, split.delegators, u(1000)).unwrap(), u(1_500_000_000) * U256::from(10u128.pow(18)));
    }

    #[test]
    fn v21_fee_split_counts_the_transcoders_unclaimed_rewards() {
        // round 102: stake 2000, 500 of it T's unclaimed reward, feeShare 50%, fees 1000.
        let split = split_fees(u(1000), u(500_000), u(500), u(2000)).unwrap();
        assert_eq!(split, Split { delegators: u(500), transcoder: u(625) });
        let prev = Factors { crf: u(1_500_000_000) * U256::from(10u128.pow(18)), cff: U256::ZERO };
        assert_eq!(next_fee_factor(U256::ZERO, prev, split.delegators, u(2000)).unwrap(), u(375) * U256::from(10u128.pow(24)));
    }

    #[test]
    fn retroactive_factor_uses_precise_treasury_cut() {
        // mintable 1000, T holds all active stake 1000, treasury 10% (1e26), cut 50%:
        // r = 1000, treasury 100, r = 900, dr = 450, prevCRF = floor(1.5e27 * floor(1000e27/1450)/1e27).
        let pool_crf = u(1_500_000_000) * U256::from(10u128.pow(18));
        let got = retroactive_prev_crf(u(1000), u(1000), u(1000), ONE / u(10), u(500_000), pool_crf).unwrap();
        let frac = ONE * u(1000) / u(1450);
        assert_eq!(got, pool_crf * frac / ONE);
    }
}
