//! Fee choice and fee bumping.
//!
//! A first attempt offers `base fee × multiplier + tip`, never above the cap. A replacement
//! raises both the fee cap and the tip by at least `bump_percent` (nodes reject a
//! replacement under +10 %), or to the market price if that is higher, and never above
//! the cap: at the cap the transaction waits rather than overpays. A chain whose blocks
//! carry no base fee gets legacy transactions priced from `eth_gasPrice`.

use std::time::Duration;

/// The operator's gas policy.
#[derive(Debug, Clone)]
pub struct FeePolicy {
    /// Never offer more than this per gas (wei).
    pub max_fee_cap: u128,
    /// Priority fee (tip) per gas (wei) on EIP-1559 chains.
    pub priority_fee: u128,
    /// First fee cap = base fee × this + tip; headroom for base fee rises while pending.
    pub base_fee_multiplier: u128,
    /// Each replacement raises the fees by at least this many percent (min 10).
    pub bump_percent: u64,
    /// A transaction without a receipt for this long is replaced with higher fees.
    pub bump_after: Duration,
    /// Most replacements per transaction.
    pub max_bumps: u32,
    /// Estimated gas is raised by this many percent for the gas limit.
    pub gas_limit_margin_percent: u64,
}

impl Default for FeePolicy {
    fn default() -> Self {
        Self {
            max_fee_cap: 100_000_000_000, // 100 gwei
            priority_fee: 0,
            base_fee_multiplier: 2,
            bump_percent: 20,
            bump_after: Duration::from_secs(30),
            max_bumps: 10,
            gas_limit_margin_percent: 30,
        }
    }
}

/// The fees of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// Fee cap (legacy: gas price).
    pub max_fee: u128,
    /// Tip (legacy: gas price).
    pub priority: u128,
    /// A legacy (type 0) transaction.
    pub legacy: bool,
}

/// What the market asks now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Market {
    /// An EIP-1559 chain with this base fee.
    BaseFee(u128),
    /// A chain without base fee, with this `eth_gasPrice`.
    GasPrice(u128),
}

/// The market price is above the operator's cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("gas price {needed} wei is above the configured cap {cap} wei; waiting for cheaper gas")]
pub struct FeeCapTooLow {
    /// The lowest price that could be included now.
    pub needed: u128,
    /// The cap.
    pub cap: u128,
}

fn pct(x: u128, p: u64) -> u128 {
    // Rounded up, so a bump of a small fee still moves it.
    (x * (100 + p as u128)).div_ceil(100)
}

impl FeePolicy {
    /// Fees for a first attempt.
    pub fn initial(&self, market: Market) -> Result<Fees, FeeCapTooLow> {
        match market {
            Market::BaseFee(base) => {
                let needed = base + self.priority_fee;
                if needed > self.max_fee_cap {
                    return Err(FeeCapTooLow { needed, cap: self.max_fee_cap });
                }
                let max_fee = (base * self.base_fee_multiplier.max(1) + self.priority_fee).min(self.max_fee_cap);
                Ok(Fees { max_fee, priority: self.priority_fee.min(max_fee), legacy: false })
            }
            Market::GasPrice(p) => {
                if p > self.max_fee_cap {
                    return Err(FeeCapTooLow { needed: p, cap: self.max_fee_cap });
                }
                Ok(Fees { max_fee: p, priority: p, legacy: true })
            }
        }
    }

    /// Fees for a replacement of an attempt with `prev`, or `None` when the cap leaves no
    /// room for a valid (≥ +10 %) replacement.
    pub fn bump(&self, prev: Fees, market: Market) -> Option<Fees> {
        let p = self.bump_percent.max(10);
        let (market_fee, market_tip) = match self.initial(market) {
            Ok(f) => (f.max_fee, f.priority),
            Err(_) => (0, 0),
        };
        let max_fee = pct(prev.max_fee, p).max(market_fee).min(self.max_fee_cap);
        if max_fee < pct(prev.max_fee, 10) {
            return None;
        }
        let priority = if prev.legacy { max_fee } else { pct(prev.priority, p).max(market_tip).min(max_fee) };
        Some(Fees { max_fee, priority, legacy: prev.legacy })
    }

    /// The gas limit for an estimate.
    pub fn gas_limit(&self, estimate: u64) -> u64 {
        estimate.saturating_mul(100 + self.gas_limit_margin_percent) / 100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> FeePolicy {
        FeePolicy { max_fee_cap: 1_000, priority_fee: 10, base_fee_multiplier: 2, bump_percent: 20, ..Default::default() }
    }

    #[test]
    fn initial_fee_is_base_times_multiplier_plus_tip_capped() {
        assert_eq!(policy().initial(Market::BaseFee(100)), Ok(Fees { max_fee: 210, priority: 10, legacy: false }));
        assert_eq!(policy().initial(Market::BaseFee(600)), Ok(Fees { max_fee: 1_000, priority: 10, legacy: false }));
        assert_eq!(policy().initial(Market::BaseFee(995)), Err(FeeCapTooLow { needed: 1_005, cap: 1_000 }));
        assert_eq!(policy().initial(Market::GasPrice(300)), Ok(Fees { max_fee: 300, priority: 300, legacy: true }));
        assert!(policy().initial(Market::GasPrice(1_001)).is_err());
    }

    #[test]
    fn bump_raises_both_fees_until_the_cap() {
        let p = policy();
        let f0 = p.initial(Market::BaseFee(100)).unwrap();
        let f1 = p.bump(f0, Market::BaseFee(100)).unwrap();
        assert_eq!(f1, Fees { max_fee: 252, priority: 12, legacy: false });
        // The market moved above the bump: follow the market.
        let f2 = p.bump(f1, Market::BaseFee(400)).unwrap();
        assert_eq!(f2.max_fee, 810);
        // Near the cap: clamp to it while +10 % still fits, then give up.
        let f3 = p.bump(f2, Market::BaseFee(100)).unwrap();
        assert_eq!(f3.max_fee, 972);
        assert_eq!(p.bump(f3, Market::BaseFee(100)), None);
        let near = Fees { max_fee: 900, priority: 10, legacy: false };
        assert_eq!(p.bump(near, Market::BaseFee(100)).unwrap().max_fee, 1_000);
        // A zero tip stays valid (0 × 1.2 = 0) and follows the policy's tip.
        let z = Fees { max_fee: 100, priority: 0, legacy: false };
        assert_eq!(p.bump(z, Market::BaseFee(1)).unwrap().priority, 10);
    }

    #[test]
    fn legacy_bump_moves_the_single_price() {
        let p = policy();
        let f = p.bump(Fees { max_fee: 100, priority: 100, legacy: true }, Market::GasPrice(100)).unwrap();
        assert_eq!(f, Fees { max_fee: 120, priority: 120, legacy: true });
    }

    #[test]
    fn gas_limit_margin() {
        assert_eq!(policy().gas_limit(100_000), 130_000);
    }
}
