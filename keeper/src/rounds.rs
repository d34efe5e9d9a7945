//! The initializer election.
//!
//! The election spreads keepers over turns after the round starts: each keeper waits for
//! its turn, checks `currentRoundInitialized()` in the same tick (the lens), and only then
//! sends. With turns longer than the time to inclusion, one transaction is sent
//! per round however many keepers run — provided no two keepers share a turn.
//!
//! Only `pool` (the default) and `rank` make a shared turn impossible. `hash` draws turns
//! independently per keeper, so two keepers share one in about 1/`slots` of rounds and then
//! both send; `jitter` is go-livepeer's random delay. A keeper cannot tell a shared turn
//! from its own (both read an uninitialized round in the same instant), so the only cure is
//! turns that are distinct by construction: `rank` from the operator's numbering, `pool`
//! from who owns which pool position on chain.

use std::time::Duration;

use alloy::primitives::{keccak256, Address};
use rand::Rng;

use crate::config::ElectionConfig;

/// Turns a keeper that owns no pool position may take, after every position's turn.
const POOL_FALLBACK_SLOTS: u64 = 4;

/// What the `pool` election reads from the chain: the transcoder pool's members and which
/// of them this keeper owns. An orchestrator's position belongs to its reward caller
/// (`transcoderToRewardCaller`), or to the orchestrator itself when it has none; the chain
/// holds one such owner per orchestrator, so no two keepers own the same position.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolSeats<'a> {
    /// The pool's members (any order).
    pub pool: &'a [Address],
    /// The members whose position this keeper owns.
    pub owned: &'a [Address],
}

fn hash_turn(round: u64, me: Address, slots: u64) -> u64 {
    let mut buf = [0u8; 52];
    buf[24..32].copy_from_slice(&round.to_be_bytes());
    buf[32..].copy_from_slice(me.as_slice());
    let h = keccak256(buf);
    u64::from_be_bytes(h[24..32].try_into().unwrap_or_default()) % slots.max(1)
}

/// This keeper's turn in the `pool` election for `round`: members are numbered in address
/// order (stake changes between two keepers' reads do not renumber them), the numbering
/// rotates by the round so the first turn moves around the pool, and the keeper takes the
/// earliest turn among the positions it owns. Owned sets are disjoint and the rotation is
/// a bijection, so two owners never get the same turn. A keeper owning none waits for all
/// `n` turns, then takes a hash turn (it only stands in when no owner acted).
pub fn pool_turn(seats: PoolSeats<'_>, round: u64, me: Address) -> u64 {
    let mut members: Vec<Address> = seats.pool.to_vec();
    members.sort();
    members.dedup();
    let n = members.len() as u64;
    members
        .iter()
        .enumerate()
        .filter(|(_, m)| seats.owned.contains(m))
        .map(|(i, _)| (i as u64 + round % n.max(1)) % n)
        .min()
        .unwrap_or_else(|| n + hash_turn(round, me, POOL_FALLBACK_SLOTS))
}

/// How long this keeper waits after round `round` starts before it may initialize it.
pub fn election_delay(cfg: &ElectionConfig, round: u64, me: Address, seats: PoolSeats<'_>) -> Duration {
    match *cfg {
        ElectionConfig::Off => Duration::ZERO,
        ElectionConfig::Pool { slot_ms } => Duration::from_millis(pool_turn(seats, round, me) * slot_ms),
        ElectionConfig::Hash { slots, slot_ms } => Duration::from_millis(hash_turn(round, me, slots as u64) * slot_ms),
        ElectionConfig::Rank { rank, keepers, slot_ms } => {
            let k = keepers.max(1) as u64;
            // Rotate who goes first each round, so no keeper pays for every round.
            let turn = (rank as u64 + round) % k;
            Duration::from_millis(turn * slot_ms)
        }
        ElectionConfig::Jitter { max_ms } => Duration::from_millis(rand::rng().random_range(0..=max_ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: PoolSeats<'static> = PoolSeats { pool: &[], owned: &[] };

    #[test]
    fn pool_turns_never_collide_and_rotate() {
        let pool: Vec<Address> = (1..=5u8).map(Address::repeat_byte).collect();
        // Keeper A owns two positions, B one, C none; two positions have no keeper.
        let (a, b, c) = (Address::repeat_byte(0xa0), Address::repeat_byte(0xb0), Address::repeat_byte(0xc0));
        let owned_a = [pool[0], pool[3]];
        let owned_b = [pool[1]];
        let seats_a = PoolSeats { pool: &pool, owned: &owned_a };
        let seats_b = PoolSeats { pool: &pool, owned: &owned_b };
        let seats_c = PoolSeats { pool: &pool, owned: &[] };
        let mut firsts = [0; 2];
        for round in 0..200u64 {
            let (ta, tb, tc) = (pool_turn(seats_a, round, a), pool_turn(seats_b, round, b), pool_turn(seats_c, round, c));
            assert_ne!(ta, tb, "round {round}");
            assert!(ta < 5 && tb < 5, "owners take pool turns");
            assert!((5..5 + POOL_FALLBACK_SLOTS).contains(&tc), "a keeper without a position comes after all of them");
            firsts[usize::from(tb < ta)] += 1;
        }
        // The rotation shares the work: A (2 positions) goes first more often than B, B sometimes.
        assert!(firsts[0] > firsts[1] && firsts[1] > 0, "{firsts:?}");
        // The member order does not matter (address order is used), a member listed twice
        // counts once, and the same inputs give the same turn.
        let mut shuffled = pool.clone();
        shuffled.reverse();
        shuffled.push(pool[2]);
        for round in 0..20 {
            assert_eq!(pool_turn(PoolSeats { pool: &shuffled, owned: &owned_a }, round, a), pool_turn(seats_a, round, a));
        }
        let cfg = ElectionConfig::Pool { slot_ms: 1000 };
        assert_eq!(election_delay(&cfg, 7, a, seats_a), Duration::from_secs(pool_turn(seats_a, 7, a)));
        // An empty pool (nothing bonded yet): everyone falls back to a hash turn.
        assert!(pool_turn(NONE, 3, a) < POOL_FALLBACK_SLOTS);
    }

    #[test]
    fn rank_rotates_and_separates_keepers() {
        let cfg = |rank| ElectionConfig::Rank { rank, keepers: 3, slot_ms: 1000 };
        for round in 0..10u64 {
            let mut delays: Vec<_> = (0..3).map(|r| election_delay(&cfg(r), round, Address::ZERO, NONE)).collect();
            delays.sort();
            assert_eq!(delays, vec![Duration::ZERO, Duration::from_secs(1), Duration::from_secs(2)]);
        }
        // Each keeper goes first once every 3 rounds.
        let firsts = (0..3u64).filter(|round| election_delay(&cfg(0), *round, Address::ZERO, NONE).is_zero()).count();
        assert_eq!(firsts, 1);
    }

    #[test]
    fn hash_turns_are_deterministic_and_spread() {
        let cfg = ElectionConfig::Hash { slots: 4, slot_ms: 500 };
        let a = Address::repeat_byte(0xaa);
        let b = Address::repeat_byte(0xbb);
        assert_eq!(election_delay(&cfg, 7, a, NONE), election_delay(&cfg, 7, a, NONE));
        let differ = (0..64u64).filter(|r| election_delay(&cfg, *r, a, NONE) != election_delay(&cfg, *r, b, NONE)).count();
        assert!(differ > 32, "turns should differ most rounds, got {differ}/64");
        for r in 0..64 {
            assert!(election_delay(&cfg, r, a, NONE) <= Duration::from_millis(1500));
        }
    }

    #[test]
    fn jitter_within_bounds() {
        for _ in 0..100 {
            assert!(election_delay(&ElectionConfig::Jitter { max_ms: 300 }, 1, Address::ZERO, NONE) <= Duration::from_millis(300));
        }
        assert!(election_delay(&ElectionConfig::Off, 1, Address::ZERO, NONE).is_zero());
    }
}
