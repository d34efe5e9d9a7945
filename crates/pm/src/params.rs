//! Face value, win probability and max float: the recipient's pricing arithmetic
//! (spec/node.md §3.2 and §3.5), as pure functions of integers.

use alloy::primitives::U256;

use crate::ParamsError;

/// Inputs of the face value rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceValueConfig {
    /// Gas a redemption costs (go-livepeer: 1,200,000 on Arbitrum).
    pub redeem_gas: U256,
    /// Face value as a multiple of the redemption cost (go-livepeer: 100).
    pub tx_cost_multiplier: U256,
    /// Expected value of one ticket, wei (go-livepeer `-ticketEV`: 8×10⁹).
    pub ticket_ev: U256,
    /// Optional hard cap (`-maxFaceValue`).
    pub max_face_value: Option<U256>,
    /// Gas price the face value also passes if the current one is spiking (go-livepeer: a
    /// hard-coded 3 gwei; configurable here).
    pub avg_gas_price: U256,
}

impl Default for FaceValueConfig {
    fn default() -> Self {
        Self {
            redeem_gas: U256::from(1_200_000u64),
            tx_cost_multiplier: U256::from(100u64),
            ticket_ev: U256::from(8_000_000_000u64),
            max_face_value: None,
            avg_gas_price: U256::from(3_000_000_000u64),
        }
    }
}

/// The face value for a sender with `max_float` available to this recipient, at
/// `gas_price`.
///
/// # Errors
/// [`ParamsError::InsufficientSenderReserve`] when the cap pushes it below the EV,
/// [`ParamsError::FaceValueTooLow`] when it covers the redemption cost at neither the
/// current nor the average gas price, [`ParamsError::Overflow`].
pub fn face_value(cfg: &FaceValueConfig, gas_price: U256, max_float: U256) -> Result<U256, ParamsError> {
    let tx_cost = cfg.redeem_gas.checked_mul(gas_price).ok_or(ParamsError::Overflow)?;
    let mut fv = tx_cost.checked_mul(cfg.tx_cost_multiplier).ok_or(ParamsError::Overflow)?;
    if fv < cfg.ticket_ev {
        fv = cfg.ticket_ev.checked_mul(cfg.tx_cost_multiplier).ok_or(ParamsError::Overflow)?;
    }
    fv = fv.min(max_float);
    if let Some(cap) = cfg.max_face_value {
        fv = fv.min(cap);
    }
    if fv < cfg.ticket_ev {
        return Err(ParamsError::InsufficientSenderReserve { face_value: fv, ev: cfg.ticket_ev });
    }
    let avg_cost = cfg.redeem_gas.saturating_mul(cfg.avg_gas_price);
    if fv < tx_cost && fv < avg_cost {
        return Err(ParamsError::FaceValueTooLow { face_value: fv, tx_cost });
    }
    Ok(fv)
}

/// Win probability (out of 2^256 − 1) giving expected value `ev` at `face_value`:
/// `ev × ceil((2^256 − 1) / face_value)`, the maximum when `face_value == ev`, 0 when
/// `face_value` is 0. Rounds up (the sender pays at least `ev`), saturating at the maximum.
pub fn win_prob(ev: U256, face_value: U256) -> U256 {
    if face_value.is_zero() {
        return U256::ZERO;
    }
    if face_value <= ev {
        return U256::MAX;
    }
    let q = U256::MAX.div_ceil(face_value);
    ev.saturating_mul(q)
}

/// The most this recipient can count on from a sender (spec/node.md §3.5):
/// `reserve_alloc` if the deposit covers at least three times the face values being
/// redeemed (`pending`), otherwise `reserve_alloc − pending` (floored at 0).
pub fn max_float(reserve_alloc: U256, deposit: U256, pending: U256) -> U256 {
    if pending.is_zero() || deposit / pending >= U256::from(3) {
        reserve_alloc
    } else {
        reserve_alloc.saturating_sub(pending)
    }
}

/// This recipient's share of a sender's reserve in the current round (spec §8.4):
/// `(funds + claimed_in_round) / pool_size − claimed_by_me`, 0 when the pool is empty.
pub fn reserve_alloc(funds_remaining: U256, claimed_in_round: U256, pool_size: U256, claimed_by_me: U256) -> U256 {
    if pool_size.is_zero() {
        return U256::ZERO;
    }
    (funds_remaining.saturating_add(claimed_in_round) / pool_size).saturating_sub(claimed_by_me)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::{ceil_wei, ticket_ev};

    #[test]
    fn worked_example_node_md_3_7() {
        // 0.01 gwei on Arbitrum: tx cost 1.2e13, face value 1.2e15.
        let cfg = FaceValueConfig::default();
        let fv = face_value(&cfg, U256::from(10_000_000u64), U256::MAX).unwrap();
        assert_eq!(fv, U256::from(1_200_000_000_000_000u64));
        let wp = win_prob(cfg.ticket_ev, fv);
        // EV is never below the target and above it by less than one wei.
        let ev = ticket_ev(fv, wp);
        let target = num_rational::BigRational::from_integer(8_000_000_000u64.into());
        assert!(ev > target);
        assert_eq!(ceil_wei(&ev), cfg.ticket_ev + U256::from(1));
    }

    #[test]
    fn face_value_caps_and_errors() {
        let cfg = FaceValueConfig::default();
        // Tiny gas price: EV × multiplier.
        assert_eq!(face_value(&cfg, U256::from(1), U256::MAX).unwrap(), U256::from(800_000_000_000u64));
        // Capped below EV by the sender's max float.
        assert!(matches!(face_value(&cfg, U256::from(10_000_000u64), U256::from(1000)), Err(ParamsError::InsufficientSenderReserve { .. })));
        // Capped below both tx costs (100 gwei gas, 1e15 float): tx cost 1.2e17 > 1e15 and
        // avg cost 3.6e15 > 1e15.
        assert!(matches!(face_value(&cfg, U256::from(100_000_000_000u64), U256::from(1_000_000_000_000_000u64)), Err(ParamsError::FaceValueTooLow { .. })));
        assert_eq!(face_value(&cfg, U256::MAX, U256::MAX), Err(ParamsError::Overflow));
    }

    #[test]
    fn win_prob_edges() {
        assert_eq!(win_prob(U256::from(5), U256::ZERO), U256::ZERO);
        assert_eq!(win_prob(U256::from(5), U256::from(5)), U256::MAX);
        assert_eq!(win_prob(U256::from(1), U256::from(2)), U256::MAX.div_ceil(U256::from(2)));
    }

    #[test]
    fn max_float_and_alloc() {
        assert_eq!(max_float(U256::from(100), U256::from(30), U256::from(10)), U256::from(100));
        assert_eq!(max_float(U256::from(100), U256::from(29), U256::from(10)), U256::from(90));
        assert_eq!(max_float(U256::from(5), U256::ZERO, U256::from(10)), U256::ZERO);
        assert_eq!(reserve_alloc(U256::from(90), U256::from(10), U256::from(3), U256::from(3)), U256::from(30));
        assert_eq!(reserve_alloc(U256::from(90), U256::ZERO, U256::ZERO, U256::ZERO), U256::ZERO);
    }
}
