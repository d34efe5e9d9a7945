//! The initializer election.
//!
//! The election spreads keepers over turns after the round starts: each keeper waits for
//! its turn, checks `currentRoundInitialized()` in the same tick (the lens), and only then
//! sends. With turns longer than the time to inclusion, one transaction is sent
//! per round however many keepers run.

use std::time::Duration;

use alloy::primitives::{keccak256, Address};
use rand::Rng;

use crate::config::ElectionConfig;

/// How long this keeper waits after round `round` starts before it may initialize it.
pub fn election_delay(cfg: &ElectionConfig, round: u64, me: Address) -> Duration {
    match *cfg {
        ElectionConfig::Off => Duration::ZERO,
        ElectionConfig::Hash { slots, slot_ms } => {
            let mut buf = [0u8; 52];
            buf[24..32].copy_from_slice(&round.to_be_bytes());
            buf[32..].copy_from_slice(me.as_slice());
            let h = keccak256(buf);
            let turn = u64::from_be_bytes(h[24..32].try_into().unwrap_or_default()) % slots.max(1) as u64;
            Duration::from_millis(turn * slot_ms)
        }
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

    #[test]
    fn rank_rotates_and_separates_keepers() {
        let cfg = |rank| ElectionConfig::Rank { rank, keepers: 3, slot_ms: 1000 };
        for round in 0..10u64 {
            let mut delays: Vec<_> = (0..3).map(|r| election_delay(&cfg(r), round, Address::ZERO)).collect();
            delays.sort();
            assert_eq!(delays, vec![Duration::ZERO, Duration::from_secs(1), Duration::from_secs(2)]);
        }
        // Each keeper goes first once every 3 rounds.
        let firsts = (0..3u64).filter(|round| election_delay(&cfg(0), *round, Address::ZERO).is_zero()).count();
        assert_eq!(firsts, 1);
    }

    #[test]
    fn hash_turns_are_deterministic_and_spread() {
        let cfg = ElectionConfig::Hash { slots: 4, slot_ms: 500 };
        let a = Address::repeat_byte(0xaa);
        let b = Address::repeat_byte(0xbb);
        assert_eq!(election_delay(&cfg, 7, a), election_delay(&cfg, 7, a));
        let differ = (0..64u64).filter(|r| election_delay(&cfg, *r, a) != election_delay(&cfg, *r, b)).count();
        assert!(differ > 32, "turns should differ most rounds, got {differ}/64");
        for r in 0..64 {
            assert!(election_delay(&cfg, r, a) <= Duration::from_millis(1500));
        }
    }

    #[test]
    fn jitter_within_bounds() {
        for _ in 0..100 {
            assert!(election_delay(&ElectionConfig::Jitter { max_ms: 300 }, 1, Address::ZERO) <= Duration::from_millis(300));
        }
        assert!(election_delay(&ElectionConfig::Off, 1, Address::ZERO).is_zero());
    }
}
