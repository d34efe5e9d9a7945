//! Exact expected-value accounting. A ticket is worth `faceValue × winProb / (2^256 − 1)`
//! wei, a fraction that wei cannot hold, so credit is kept as an exact rational per sender
//! (go-livepeer uses `big.Rat`); rounding only happens when a caller asks for wei.

use std::collections::HashMap;

use alloy::primitives::{Address, U256};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

fn big(x: U256) -> BigInt {
    BigInt::from_bytes_be(num_bigint::Sign::Plus, &x.to_be_bytes::<32>())
}

/// The exact expected value of a ticket, in wei.
pub fn ticket_ev(face_value: U256, win_prob: U256) -> BigRational {
    BigRational::new(big(face_value) * big(win_prob), big(U256::MAX))
}

/// `ceil(ev)` as wei (saturating at `U256::MAX`): the conservative wei figure for limits.
pub fn ceil_wei(ev: &BigRational) -> U256 {
    if ev.is_negative() {
        return U256::ZERO;
    }
    let (_, bytes) = ev.ceil().to_integer().to_bytes_be();
    if bytes.len() > 32 {
        return U256::MAX;
    }
    U256::from_be_slice(&bytes)
}

/// Per-sender credit: EV of received tickets minus fees charged. May go negative (the
/// sender owes), exactly like go-livepeer's balances.
#[derive(Debug, Default, Clone)]
pub struct Balances {
    by_sender: HashMap<Address, BigRational>,
}

impl Balances {
    /// Adds `amount` to `sender`'s credit.
    pub fn credit(&mut self, sender: Address, amount: &BigRational) {
        *self.by_sender.entry(sender).or_insert_with(BigRational::zero) += amount;
    }

    /// Subtracts `amount` (e.g. a segment's fee) from `sender`'s credit.
    pub fn debit(&mut self, sender: Address, amount: &BigRational) {
        *self.by_sender.entry(sender).or_insert_with(BigRational::zero) -= amount;
    }

    /// `sender`'s exact credit (zero if unknown).
    pub fn balance(&self, sender: &Address) -> BigRational {
        self.by_sender.get(sender).cloned().unwrap_or_else(BigRational::zero)
    }

    /// Forgets `sender`.
    pub fn clear(&mut self, sender: &Address) {
        self.by_sender.remove(sender);
    }
}

/// A fee as an exact rational: `pixels × price`.
pub fn fee(pixels: u64, price: crate::PricePerPixel) -> Option<BigRational> {
    if price.den == 0 {
        return None;
    }
    Some(BigRational::new(BigInt::from(pixels) * BigInt::from(price.num), BigInt::from(price.den)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::One;

    #[test]
    fn certain_ticket_is_worth_its_face_value() {
        assert_eq!(ticket_ev(U256::from(1000), U256::MAX), BigRational::from_integer(1000.into()));
        assert!(ticket_ev(U256::from(1000), U256::ZERO).is_zero());
    }

    #[test]
    fn many_small_evs_sum_exactly() {
        // 3 tickets of EV 1/3 wei each credit exactly 1 wei: no rounding loss.
        let third = U256::MAX / U256::from(3);
        let ev = ticket_ev(U256::from(1), third);
        let mut b = Balances::default();
        let s = Address::repeat_byte(1);
        for _ in 0..3 {
            b.credit(s, &ev);
        }
        assert_eq!(b.balance(&s), BigRational::one());
        b.debit(s, &fee(3, crate::PricePerPixel { num: 1, den: 2 }).unwrap());
        assert_eq!(b.balance(&s), BigRational::new((-1).into(), 2.into()));
        assert_eq!(ceil_wei(&ticket_ev(U256::from(10), U256::MAX / U256::from(4))), U256::from(3));
    }
}
