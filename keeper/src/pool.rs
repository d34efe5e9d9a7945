//! The transcoder pool as read off-chain once per round, and the `(prev, next)` hints
//! that let `rewardWithHint` re-insert an orchestrator without walking the list on-chain.
//!
//! The position is the one the contract's own search (`SortedDoublyLL.findInsertPosition`
//! descending from the head, spec §4) would find, so the hint is valid as given and the
//! on-chain check costs a constant number of reads whatever the pool size.

use alloy::primitives::{Address, U256};

/// The pool in list order (descending stake).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolSnapshot {
    members: Vec<(Address, U256)>,
}

impl PoolSnapshot {
    /// A snapshot from `(member, stake)` pairs in list order.
    pub fn new(members: Vec<(Address, U256)>) -> Self {
        Self { members }
    }

    /// Members in order.
    pub fn members(&self) -> &[(Address, U256)] {
        &self.members
    }

    /// A member's stake.
    pub fn stake_of(&self, who: Address) -> Option<U256> {
        self.members.iter().find(|(a, _)| *a == who).map(|(_, s)| *s)
    }

    /// Where `key` goes in `list`: the index it would take.
    fn position(list: &[(Address, U256)], key: U256) -> usize {
        // Descend from the head: in front of the first member whose key is <= `key`.
        // A key equal to the head's goes in front of the head (spec §4 tie rule); in the
        // middle, the search stops at the first pair with prev >= key >= next, i.e. in
        // front of the first equal key as well.
        list.iter().position(|(_, s)| key >= *s).unwrap_or(list.len())
    }

    /// `(prev, next)` for `who` with stake `new_stake` (zero address for none).
    pub fn hints(&self, who: Address, new_stake: U256) -> (Address, Address) {
        let rest: Vec<_> = self.members.iter().filter(|(a, _)| *a != who).copied().collect();
        let i = Self::position(&rest, new_stake);
        let prev = if i == 0 { Address::ZERO } else { rest[i - 1].0 };
        let next = rest.get(i).map(|(a, _)| *a).unwrap_or(Address::ZERO);
        (prev, next)
    }

    /// Moves `who` to `new_stake` as the contract would (used after a reward is mined).
    pub fn apply(&mut self, who: Address, new_stake: U256) {
        self.members.retain(|(a, _)| *a != who);
        let i = Self::position(&self.members, new_stake);
        self.members.insert(i, (who, new_stake));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u8) -> Address {
        Address::repeat_byte(n)
    }
    fn pool(keys: &[(u8, u64)]) -> PoolSnapshot {
        PoolSnapshot::new(keys.iter().map(|(n, k)| (a(*n), U256::from(*k))).collect())
    }

    #[test]
    fn equal_key_goes_in_front_of_first_equal() {
        // Spec §4: [10(A), 5(B), 5(C), 3(D)] + 5(E) => [A, E, B, C, D].
        let mut p = pool(&[(1, 10), (2, 5), (3, 5), (4, 3)]);
        assert_eq!(p.hints(a(5), U256::from(5)), (a(1), a(2)));
        p.apply(a(5), U256::from(5));
        let order: Vec<_> = p.members().iter().map(|(x, _)| *x).collect();
        assert_eq!(order, vec![a(1), a(5), a(2), a(3), a(4)]);
    }

    #[test]
    fn head_tail_and_empty() {
        let p = pool(&[(1, 10), (2, 5)]);
        assert_eq!(p.hints(a(9), U256::from(10)), (Address::ZERO, a(1)), "equal to head: new head");
        assert_eq!(p.hints(a(9), U256::from(11)), (Address::ZERO, a(1)));
        assert_eq!(p.hints(a(9), U256::from(1)), (a(2), Address::ZERO), "below tail: new tail");
        assert_eq!(PoolSnapshot::default().hints(a(9), U256::from(1)), (Address::ZERO, Address::ZERO));
    }

    #[test]
    fn a_member_is_taken_out_before_placing() {
        // B grows past A: it becomes the head; A follows.
        let p = pool(&[(1, 10), (2, 8), (3, 5)]);
        assert_eq!(p.hints(a(2), U256::from(12)), (Address::ZERO, a(1)));
        // C grows a little and stays put: (B, none).
        assert_eq!(p.hints(a(3), U256::from(6)), (a(2), Address::ZERO));
        // The only member: empty list hints.
        assert_eq!(pool(&[(1, 10)]).hints(a(1), U256::from(20)), (Address::ZERO, Address::ZERO));
    }

    #[test]
    fn hints_are_valid_positions_for_random_pools() {
        // Property: prev.key >= k >= next.key and prev/next adjacent after removal.
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        for _ in 0..500 {
            let n = (rnd() % 8) as u8 + 1;
            let mut keys: Vec<u64> = (0..n).map(|_| rnd() % 10 + 1).collect();
            keys.sort_unstable_by(|x, y| y.cmp(x));
            let p = PoolSnapshot::new(keys.iter().enumerate().map(|(i, k)| (a(i as u8 + 1), U256::from(*k))).collect());
            let who = a((rnd() % (n as u64 + 1)) as u8 + 1);
            let k = U256::from(rnd() % 12 + 1);
            let (prev, next) = p.hints(who, k);
            let rest: Vec<_> = p.members().iter().filter(|(x, _)| *x != who).copied().collect();
            let key = |x: Address| rest.iter().find(|(y, _)| *y == x).map(|(_, s)| *s);
            if prev != Address::ZERO {
                assert!(key(prev).unwrap() >= k);
            }
            if next != Address::ZERO {
                assert!(k >= key(next).unwrap());
            }
            let ip = rest.iter().position(|(x, _)| *x == prev);
            let inx = rest.iter().position(|(x, _)| *x == next);
            match (ip, inx) {
                (Some(i), Some(j)) => assert_eq!(i + 1, j),
                (None, Some(j)) => assert_eq!(j, 0),
                (Some(i), None) => assert_eq!(i + 1, rest.len()),
                (None, None) => assert!(rest.is_empty()),
            }
        }
    }
}
