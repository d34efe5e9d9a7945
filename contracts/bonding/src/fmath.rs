//! Livepeer's fixed-point percentages (spec §2.3: `MathUtils` over 10^6, `PreciseMathUtils`
//! over 10^27) on a compact division.
//!
//! Same functions and floors as `lpx_contracts_common::math`, but dividing with a
//! shift-and-subtract loop instead of ruint's general division, which alone was 8 KiB of
//! the contract (a third of the compressed size limit). The loop runs one step per
//! quotient bit, a few hundred wasm instructions per division, which Stylus prices at
//! well under the cost of one storage read. The tests check it against ruint.

use alloy_primitives::U256;
use lpx_contracts_common::math::{precise::PERC_DIVISOR as PD27, PERC_DIVISOR as PD6};
use lpx_contracts_common::revert::{mul, panic, Revert, PANIC_DIV_ZERO};

/// `floor(a / b)`, reverting with `Panic(0x12)` when `b == 0`.
pub fn div(a: U256, b: U256) -> Result<U256, Revert> {
    if b.is_zero() {
        return Err(panic(PANIC_DIV_ZERO));
    }
    Ok(udiv(a, b))
}

/// Binary long division, `b != 0`.
#[inline(never)]
fn udiv(a: U256, b: U256) -> U256 {
    if a < b {
        return U256::ZERO;
    }
    let shift = b.leading_zeros() - a.leading_zeros();
    let mut d = b << shift;
    let mut r = a;
    let mut q = U256::ZERO;
    for _ in 0..=shift {
        q <<= 1;
        if r >= d {
            r = r.wrapping_sub(d);
            q |= U256::from(1u8);
        }
        d >>= 1;
    }
    q
}

/// `floor(a * b / d)` with checked multiplication.
pub fn mul_div(a: U256, b: U256, d: U256) -> Result<U256, Revert> {
    div(mul(a, b)?, d)
}

/// `MathUtils.percOf(a, frac)` = `floor(a * frac / 10^6)`.
pub fn perc_of(a: U256, frac: U256) -> Result<U256, Revert> {
    mul_div(a, frac, PD6)
}

/// `PreciseMathUtils.percOf(a, frac)` = `floor(a * frac / 10^27)`.
pub fn precise_perc_of(a: U256, frac: U256) -> Result<U256, Revert> {
    mul_div(a, frac, PD27)
}

/// `PreciseMathUtils.percOf(a, b, c)` = `floor(a * floor(b * 10^27 / c) / 10^27)`.
pub fn precise_perc_of3(a: U256, b: U256, c: U256) -> Result<U256, Revert> {
    precise_perc_of(a, mul_div(b, PD27, c)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lpx_contracts_common::math::{self, precise};
    use proptest::prelude::*;

    fn any_u256() -> impl Strategy<Value = U256> {
        (any::<[u64; 4]>(), 0usize..256).prop_map(|(limbs, bits)| U256::from_limbs(limbs) >> bits)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn division_matches_ruint(a in any_u256(), b in any_u256()) {
            prop_assert_eq!(div(a, b), lpx_contracts_common::revert::div(a, b));
        }

        #[test]
        fn percentages_match_common_math(a in any_u256(), b in any_u256(), c in any_u256()) {
            prop_assert_eq!(perc_of(a, b), math::perc_of2(a, b));
            prop_assert_eq!(precise_perc_of(a, b), precise::perc_of2(a, b));
            prop_assert_eq!(precise_perc_of3(a, b, c), precise::perc_of(a, b, c));
        }
    }

    #[test]
    fn edge_divisions() {
        let max = U256::MAX;
        assert_eq!(div(max, U256::from(1u8)), Ok(max));
        assert_eq!(div(max, max), Ok(U256::from(1u8)));
        assert_eq!(div(U256::ZERO, max), Ok(U256::ZERO));
        assert_eq!(div(max, U256::ZERO), Err(panic(0x12)));
        assert_eq!(div(U256::from(7u8), U256::from(2u8)), Ok(U256::from(3u8)));
    }
}
