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

/// The exact expected value of a ticket, in wei, in lowest terms.
pub fn ticket_ev(face_value: U256, win_prob: U256) -> BigRational {
    // gcd(fv·wp, n) = gcd(fv, n) · gcd(wp, n / gcd(fv, n)): two 256-bit (Lehmer) gcds
    // instead of num-bigint's binary gcd on the 512-bit product, several times cheaper.
    let g1 = face_value.gcd(U256::MAX);
    let rest = U256::MAX / g1;
    let g2 = win_prob.gcd(rest);
    BigRational::new_raw(big(face_value / g1) * big(win_prob / g2), big(rest / g2))
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
    by_sender: HashMap<Address, Account>,
}

#[derive(Debug, Default, Clone)]
struct Account {
    /// Credits and debits given as rationals.
    settled: BigRational,
    /// Σ faceValue × winProb of the tickets credited with [`Balances::credit_ticket`]:
    /// their EV is this over 2^256 − 1. Kept unreduced so a ticket costs a multiply and an
    /// add; a rational sum would run a gcd per ticket.
    ticket_numer: BigInt,
}

impl Balances {
    /// Adds `amount` to `sender`'s credit.
    pub fn credit(&mut self, sender: Address, amount: &BigRational) {
        self.by_sender.entry(sender).or_default().settled += amount;
    }

    /// Adds the EV of one ticket ([`ticket_ev`]) to `sender`'s credit, exactly.
    pub fn credit_ticket(&mut self, sender: Address, face_value: U256, win_prob: U256) {
        self.by_sender.entry(sender).or_default().ticket_numer += big(face_value) * big(win_prob);
    }

    /// Subtracts `amount` (e.g. a segment's fee) from `sender`'s credit.
    pub fn debit(&mut self, sender: Address, amount: &BigRational) {
        self.by_sender.entry(sender).or_default().settled -= amount;
    }

    /// `sender`'s exact credit (zero if unknown).
    pub fn balance(&self, sender: &Address) -> BigRational {
        self.by_sender.get(sender).map_or_else(BigRational::zero, |a| &a.settled + BigRational::new(a.ticket_numer.clone(), big(U256::MAX)))
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
    use proptest::prelude::*;

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

    /// What `ticket_ev` must equal: the product over 2^256 − 1, reduced by num-rational.
    fn ev_reference(fv: U256, wp: U256) -> BigRational {
        BigRational::new(big(fv) * big(wp), big(U256::MAX))
    }

    /// 2^256 − 1 = 3 · 5 · 17 · 257 · 641 · 65537 · 274177 · 6700417 · 67280421310721 · …:
    /// values built from these factors share divisors with the denominator.
    fn sharing_factors() -> impl Strategy<Value = U256> {
        let f = [3u64, 5, 17, 257, 641, 65537, 274177, 6700417, 67280421310721];
        (proptest::sample::subsequence(f.to_vec(), 0..=9), any::<u64>())
            .prop_map(|(fs, k)| fs.iter().fold(U256::from(k), |acc, &p| acc.saturating_mul(U256::from(p))))
    }

    fn any_value() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u8; 32]>().prop_map(U256::from_be_bytes),
            sharing_factors(),
            Just(U256::ZERO),
            Just(U256::MAX),
            (1u64..1000).prop_map(|d| U256::MAX / U256::from(d)),
        ]
    }

    #[test]
    fn ev_edges_are_in_lowest_terms() {
        for (fv, wp) in [(U256::ZERO, U256::MAX), (U256::MAX, U256::ZERO), (U256::ZERO, U256::ZERO)] {
            assert_eq!(ticket_ev(fv, wp), BigRational::zero());
            assert_eq!(*ticket_ev(fv, wp).denom(), BigInt::from(1));
        }
        assert_eq!(ticket_ev(U256::MAX, U256::MAX), BigRational::from_integer(big(U256::MAX)));
        let third = ticket_ev(U256::from(1), U256::MAX / U256::from(3));
        assert_eq!(third, BigRational::new(1.into(), 3.into()));
    }

    proptest::proptest! {
        #[test]
        fn ev_matches_the_reduced_rational(fv in any_value(), wp in any_value()) {
            let got = ticket_ev(fv, wp);
            let want = ev_reference(fv, wp);
            // Same value and the same (lowest-terms) representation.
            proptest::prop_assert_eq!(got.numer(), want.numer());
            proptest::prop_assert_eq!(got.denom(), want.denom());
        }

        #[test]
        fn ticket_credits_sum_like_rational_credits(
            tickets in proptest::collection::vec((any_value(), any_value()), 0..20),
            fee_num in 0u64..1_000_000,
        ) {
            let s = Address::repeat_byte(2);
            let (mut fast, mut slow) = (Balances::default(), Balances::default());
            let mut want = BigRational::zero();
            for &(fv, wp) in &tickets {
                fast.credit_ticket(s, fv, wp);
                slow.credit(s, &ev_reference(fv, wp));
                want += ev_reference(fv, wp);
            }
            let f = BigRational::new(fee_num.into(), 7.into());
            fast.debit(s, &f);
            slow.debit(s, &f);
            want -= f;
            proptest::prop_assert_eq!(fast.balance(&s), want.clone());
            proptest::prop_assert_eq!(slow.balance(&s), want);
        }
    }
}
