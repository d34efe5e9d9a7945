//! Livepeer's fixed-point percentage libraries (spec §2.3), with their exact floors.
//!
//! The same four functions exist for three divisors:
//! - this module: `MathUtils`, `PERC_DIVISOR = 10^6` (reward cut, fee share, lock amount);
//! - [`v2`]: `MathUtilsV2`, `PERC_DIVISOR = 10^9` (the Minter's inflation arithmetic);
//! - [`precise`]: `PreciseMathUtils`, `PERC_DIVISOR = 10^27` (cumulative factors, treasury cut).
//!
//! `perc_of(a, num, den)` floors twice, first the fraction to `1/PERC_DIVISOR` and then the
//! product. That is Livepeer's rounding and must not be "improved" to `a * num / den`:
//! rounding dust is what keeps the Minter solvent.
//! Every product is checked: overflow reverts with `Panic(0x11)`, a zero divisor with
//! `Panic(0x12)`, as Solidity 0.8 does.

use alloy_primitives::U256;

use crate::revert::{div, mul, Revert};

const fn u256(x: u128) -> U256 {
    U256::from_limbs([x as u64, (x >> 64) as u64, 0, 0])
}

macro_rules! perc_math {
    ($divisor:expr) => {
        /// The fixed-point unit: a fraction of `PERC_DIVISOR` is 100%.
        pub const PERC_DIVISOR: U256 = $divisor;

        /// `validPerc`: whether `amount` is at most 100%.
        #[inline]
        pub fn valid_perc(amount: U256) -> bool {
            amount <= PERC_DIVISOR
        }

        /// `percPoints(a, b)` = `floor(a * PERC_DIVISOR / b)`.
        #[inline]
        pub fn perc_points(a: U256, b: U256) -> Result<U256, Revert> {
            div(mul(a, PERC_DIVISOR)?, b)
        }

        /// `percOf(a, b, c)` = `floor(a * floor(b * PERC_DIVISOR / c) / PERC_DIVISOR)`.
        #[inline]
        pub fn perc_of(a: U256, b: U256, c: U256) -> Result<U256, Revert> {
            perc_of2(a, perc_points(b, c)?)
        }

        /// `percOf(a, frac)` (two arguments) = `floor(a * frac / PERC_DIVISOR)`.
        #[inline]
        pub fn perc_of2(a: U256, frac: U256) -> Result<U256, Revert> {
            div(mul(a, frac)?, PERC_DIVISOR)
        }
    };
}

perc_math!(u256(1_000_000));

/// `MathUtilsV2`: parts per billion, used only by the Minter.
pub mod v2 {
    use super::*;
    perc_math!(u256(1_000_000_000));
}

/// `PreciseMathUtils`: 10^27 fixed point for cumulative reward/fee factors and the treasury cut.
pub mod precise {
    use super::*;
    perc_math!(u256(1_000_000_000_000_000_000_000_000_000));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revert::panic;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    #[test]
    fn divisors() {
        assert_eq!(PERC_DIVISOR, u(1_000_000));
        assert_eq!(v2::PERC_DIVISOR, u(1_000_000_000));
        assert_eq!(precise::PERC_DIVISOR, U256::from(10u8).pow(U256::from(27u8)));
    }

    #[test]
    fn valid_perc_is_inclusive_at_100_percent() {
        assert!(valid_perc(u(1_000_000)));
        assert!(!valid_perc(u(1_000_001)));
        assert!(v2::valid_perc(u(1_000_000_000)));
        assert!(!v2::valid_perc(u(1_000_000_001)));
        assert!(precise::valid_perc(precise::PERC_DIVISOR));
        assert!(!precise::valid_perc(precise::PERC_DIVISOR + u(1)));
    }

    #[test]
    fn perc_of_floors_the_fraction_first() {
        // 1/3 is floored to 333333 ppm before multiplying: 3_000_000 * 333333 / 10^6 = 999_999,
        // where the "improved" a*num/den would give 1_000_000.
        assert_eq!(perc_of(u(3_000_000), u(1), u(3)), Ok(u(999_999)));
        assert_eq!(perc_points(u(1), u(3)), Ok(u(333_333)));
        assert_eq!(perc_of2(u(1000), u(500_000)), Ok(u(500)));
        // Minter V9/V10: createReward fraction in PD9.
        assert_eq!(v2::perc_of(u(260), u(10), u(100)), Ok(u(26)));
        let huge = U256::from(10u8).pow(U256::from(46u8));
        assert_eq!(v2::perc_of(u(260), huge, huge), Ok(u(260)));
    }

    #[test]
    fn precise_vectors_from_spec_15_6() {
        let pd27 = precise::PERC_DIVISOR;
        // V39: percPoints27(1000, 1000) = 10^27.
        assert_eq!(precise::perc_points(u(1000), u(1000)), Ok(pd27));
        // V40: 2 + floor(3 * floor(200e27/1000) / 1e27) = 2 + 0.
        assert_eq!(precise::perc_of(u(3), u(200), u(1000)), Ok(U256::ZERO));
        // V41: CRF = 1e27 + percOf27(1e27, 1000, 1000) = 2e27.
        assert_eq!(precise::perc_of(pd27, u(1000), u(1000)), Ok(pd27));
        // V42: 10 + percOf27(1000, 6 - 3, 2) = 1510.
        assert_eq!(precise::perc_of(u(1000), u(3), u(2)), Ok(u(1500)));
        // V43: percOf27(1000, 10, 4) = 2500.
        assert_eq!(precise::perc_of(u(1000), u(10), u(4)), Ok(u(2500)));
        // V44: stake percOf27(1000, 15, 5) = 3000; fees 10 + percOf27(1000, 5 - 2, 5) = 610.
        assert_eq!(precise::perc_of(u(1000), u(15), u(5)), Ok(u(3000)));
        assert_eq!(precise::perc_of(u(1000), u(3), u(5)), Ok(u(600)));
        // Appendix C step 4: CRF[102] = 1.25e27 + percOf27(1.25e27, 500, 3000).
        let crf101 = u(1_250_000_000_000_000_000_000_000_000);
        let crf102 = crf101 + precise::perc_of(crf101, u(500), u(3000)).unwrap();
        assert_eq!(crf102, u(1_458_333_333_333_333_333_333_333_332));
    }

    #[test]
    fn failures_are_solidity_panics() {
        assert_eq!(perc_points(u(1), U256::ZERO), Err(panic(0x12)));
        assert_eq!(perc_of(u(1), u(1), U256::ZERO), Err(panic(0x12)));
        assert_eq!(perc_of2(U256::MAX, u(2)), Err(panic(0x11)));
        assert_eq!(precise::perc_points(U256::MAX, u(1)), Err(panic(0x11)));
    }
}
