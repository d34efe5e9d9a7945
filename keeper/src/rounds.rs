//! The round clock and the initializer election.
//!
//! The clock reproduces `RoundsManager.currentRound()` from a block number and the
//! contract's anchors (spec §7.2), so the keeper notices a new round from the one head
//! poll it makes anyway, and asks the contract only at round boundaries.
//!
//! The election spreads keepers over turns after the round starts: each keeper waits for
//! its turn, checks `currentRoundInitialized()` and the chain's answer to a simulation, and
//! only then sends. With turns longer than the time to inclusion, one transaction is sent
//! per round however many keepers run.

use std::time::Duration;

use alloy::primitives::{keccak256, Address};
use rand::Rng;

use crate::config::ElectionConfig;

/// `currentRound()` arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundClock {
    /// Blocks per round.
    pub length: u64,
    /// `lastRoundLengthUpdateRound`.
    pub anchor_round: u64,
    /// `lastRoundLengthUpdateStartBlock`.
    pub anchor_block: u64,
}

impl RoundClock {
    /// The round at `block`.
    pub fn round_at(&self, block: u64) -> u64 {
        if self.length == 0 {
            return self.anchor_round;
        }
        self.anchor_round + block.saturating_sub(self.anchor_block) / self.length
    }

    /// The first block of `round`.
    pub fn start_of(&self, round: u64) -> u64 {
        self.anchor_block + round.saturating_sub(self.anchor_round) * self.length
    }

    /// Blocks left in the round that contains `block`.
    pub fn blocks_left(&self, block: u64) -> u64 {
        self.start_of(self.round_at(block) + 1).saturating_sub(block)
    }
}

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
    fn clock_matches_spec_formulas() {
        // Mainnet anchors from spec §7.4: round 2725 started at 15,696,000, length 6377.
        let c = RoundClock { length: 6377, anchor_round: 2725, anchor_block: 15_696_000 };
        assert_eq!(c.round_at(17_545_330), 3015);
        assert_eq!(c.start_of(3015), 17_545_330);
        assert_eq!(c.round_at(17_545_329), 3014);
        assert_eq!(c.blocks_left(17_545_330), 6377);
        assert_eq!(c.blocks_left(17_545_329), 1);
        // Fresh deployment: anchors zero, round = block / length.
        let c = RoundClock { length: 50, anchor_round: 0, anchor_block: 0 };
        assert_eq!((c.round_at(0), c.round_at(49), c.round_at(50), c.round_at(1234)), (0, 0, 1, 24));
    }

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
