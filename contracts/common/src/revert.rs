//! Revert data: Solidity's `Error(string)` for `require` messages and `Panic(uint256)` for
//! checked-arithmetic failures, plus the checked U256 operations every contract uses.
//!
//! Livepeer's contracts are Solidity 0.8.9: `a + b` overflowing reverts with
//! `Panic(0x11)` and `a / 0` with `Panic(0x12)`, not with a string. We encode the same
//! `Panic(uint256)` data so tools that decode Livepeer's reverts decode ours.
//! The encoders are written out here (a dozen lines) rather than going through
//! `alloy_sol_types`' generic encoder, because every byte of contract code is paid for;
//! the unit tests check them against alloy's encoding.

use alloc::vec::Vec;
use alloy_primitives::U256;

/// Revert data returned by a failing contract method (the bytes become the revert payload).
pub type Revert = Vec<u8>;

/// Selector of `Error(string)`.
pub const ERROR_SELECTOR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
/// Selector of `Panic(uint256)`.
pub const PANIC_SELECTOR: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];
/// Panic code for arithmetic overflow or underflow.
pub const PANIC_OVERFLOW: u8 = 0x11;
/// Panic code for division or modulo by zero.
pub const PANIC_DIV_ZERO: u8 = 0x12;

/// ABI-encodes `Error(msg)`, what Solidity's `require(cond, msg)` reverts with.
pub fn err(msg: &str) -> Revert {
    let bytes = msg.as_bytes();
    let padded = bytes.len().div_ceil(32) * 32;
    let mut out = Vec::with_capacity(4 + 64 + padded);
    out.extend_from_slice(&ERROR_SELECTOR);
    out.extend_from_slice(&U256::from(32u8).to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(bytes.len()).to_be_bytes::<32>());
    out.extend_from_slice(bytes);
    out.resize(4 + 64 + padded, 0);
    out
}

/// ABI-encodes `Panic(code)`, what Solidity's checked arithmetic reverts with.
pub fn panic(code: u8) -> Revert {
    let mut out = Vec::with_capacity(36);
    out.extend_from_slice(&PANIC_SELECTOR);
    out.extend_from_slice(&U256::from(code).to_be_bytes::<32>());
    out
}

/// `require(cond, msg)`: `Ok(())` if `cond`, else reverts with `Error(msg)`.
#[inline]
pub fn require(cond: bool, msg: &str) -> Result<(), Revert> {
    if cond {
        Ok(())
    } else {
        Err(err(msg))
    }
}

/// A bare `require(cond)`: reverts with empty data, as Solidity does without a message.
#[inline]
pub fn require_bare(cond: bool) -> Result<(), Revert> {
    if cond {
        Ok(())
    } else {
        Err(Vec::new())
    }
}

/// `a + b`, reverting with `Panic(0x11)` on overflow.
#[inline]
pub fn add(a: U256, b: U256) -> Result<U256, Revert> {
    a.checked_add(b).ok_or_else(|| panic(PANIC_OVERFLOW))
}

/// `a - b`, reverting with `Panic(0x11)` on underflow.
#[inline]
pub fn sub(a: U256, b: U256) -> Result<U256, Revert> {
    a.checked_sub(b).ok_or_else(|| panic(PANIC_OVERFLOW))
}

/// `a * b`, reverting with `Panic(0x11)` on overflow.
#[inline]
pub fn mul(a: U256, b: U256) -> Result<U256, Revert> {
    a.checked_mul(b).ok_or_else(|| panic(PANIC_OVERFLOW))
}

/// `floor(a / b)`, reverting with `Panic(0x12)` when `b == 0`.
#[inline]
pub fn div(a: U256, b: U256) -> Result<U256, Revert> {
    a.checked_div(b).ok_or_else(|| panic(PANIC_DIV_ZERO))
}

/// `a % b`, reverting with `Panic(0x12)` when `b == 0`.
#[inline]
pub fn rem(a: U256, b: U256) -> Result<U256, Revert> {
    a.checked_rem(b).ok_or_else(|| panic(PANIC_DIV_ZERO))
}

/// `a + b` on u64 (round numbers, block numbers), reverting with `Panic(0x11)` on overflow.
#[inline]
pub fn add_u64(a: u64, b: u64) -> Result<u64, Revert> {
    a.checked_add(b).ok_or_else(|| panic(PANIC_OVERFLOW))
}

/// `a - b` on u64, reverting with `Panic(0x11)` on underflow.
#[inline]
pub fn sub_u64(a: u64, b: u64) -> Result<u64, Revert> {
    a.checked_sub(b).ok_or_else(|| panic(PANIC_OVERFLOW))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::{Panic, Revert as SolRevert, SolError};

    #[test]
    fn err_matches_alloy_error_string_encoding() {
        for msg in ["", "system is paused", "a message that is longer than thirty-two bytes!"] {
            let expected = SolRevert::from(msg).abi_encode();
            assert_eq!(err(msg), expected, "{msg:?}");
            let decoded = SolRevert::abi_decode(&err(msg)).unwrap();
            assert_eq!(decoded.reason, msg);
        }
    }

    #[test]
    fn panic_matches_alloy_panic_encoding() {
        let expected = Panic { code: U256::from(0x11) }.abi_encode();
        assert_eq!(panic(PANIC_OVERFLOW), expected);
        assert_eq!(Panic::abi_decode(&panic(PANIC_DIV_ZERO)).unwrap().code, U256::from(0x12));
    }

    #[test]
    fn require_passes_or_reverts_with_message() {
        assert_eq!(require(true, "x"), Ok(()));
        assert_eq!(require(false, "caller must be Controller owner"), Err(err("caller must be Controller owner")));
        assert_eq!(require_bare(false), Err(Vec::new()));
    }

    #[test]
    fn checked_ops_revert_with_solidity_panic_codes() {
        let one = U256::from(1);
        assert_eq!(add(U256::MAX, one), Err(panic(0x11)));
        assert_eq!(sub(U256::ZERO, one), Err(panic(0x11)));
        assert_eq!(mul(U256::MAX, U256::from(2)), Err(panic(0x11)));
        assert_eq!(div(one, U256::ZERO), Err(panic(0x12)));
        assert_eq!(rem(one, U256::ZERO), Err(panic(0x12)));
        assert_eq!(add_u64(u64::MAX, 1), Err(panic(0x11)));
        assert_eq!(sub_u64(0, 1), Err(panic(0x11)));
        assert_eq!(add(U256::from(2), U256::from(3)), Ok(U256::from(5)));
        assert_eq!(sub(U256::from(5), U256::from(3)), Ok(U256::from(2)));
        assert_eq!(mul(U256::from(4), U256::from(3)), Ok(U256::from(12)));
        assert_eq!(div(U256::from(7), U256::from(2)), Ok(U256::from(3)));
        assert_eq!(rem(U256::from(7), U256::from(2)), Ok(U256::from(1)));
    }
}
