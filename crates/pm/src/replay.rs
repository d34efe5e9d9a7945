//! Replay guard: which nonces each recipientRand has already paid with. A ticket is
//! identified by (recipientRandHash, senderNonce) among valid tickets of one sender, so a
//! repeated pair is a replay. Each rand takes at most `cap` tickets (go-livepeer: 600), and
//! a rand's entry is dropped once its params expire, after which its tickets are refused
//! as expired anyway.

use std::collections::{HashMap, HashSet};

use alloy::primitives::{B256, U256};

use crate::TicketError;

#[derive(Debug)]
struct Entry {
    expiration_block: U256,
    nonces: HashSet<U256>,
}

/// Seen nonces per recipientRandHash.
#[derive(Debug)]
pub struct ReplayGuard {
    cap: usize,
    by_rand: HashMap<B256, Entry>,
}

impl ReplayGuard {
    /// A guard allowing `cap` tickets per recipientRand.
    pub fn new(cap: usize) -> Self {
        Self { cap, by_rand: HashMap::new() }
    }

    /// Whether (rand, nonce) was already accepted.
    pub fn seen(&self, rand_hash: &B256, nonce: U256) -> bool {
        self.by_rand.get(rand_hash).is_some_and(|e| e.nonces.contains(&nonce))
    }

    /// Records (rand, nonce).
    ///
    /// # Errors
    /// [`TicketError::Used`] for a replay, [`TicketError::NonceCapReached`] when the rand
    /// already carried `cap` tickets.
    pub fn insert(&mut self, rand_hash: B256, nonce: U256, expiration_block: U256) -> Result<(), TicketError> {
        let entry = self.by_rand.entry(rand_hash).or_insert_with(|| Entry { expiration_block, nonces: HashSet::new() });
        if entry.nonces.contains(&nonce) {
            return Err(TicketError::Used);
        }
        if entry.nonces.len() >= self.cap {
            return Err(TicketError::NonceCapReached { cap: self.cap });
        }
        entry.nonces.insert(nonce);
        Ok(())
    }

    /// Drops every rand whose params expired at or before `block`.
    pub fn prune(&mut self, block: U256) {
        self.by_rand.retain(|_, e| e.expiration_block > block);
    }

    /// Number of rands tracked.
    pub fn len(&self) -> usize {
        self.by_rand.len()
    }

    /// Whether no rand is tracked.
    pub fn is_empty(&self) -> bool {
        self.by_rand.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_cap_and_prune() {
        let mut g = ReplayGuard::new(2);
        let r = B256::repeat_byte(7);
        let exp = U256::from(100);
        g.insert(r, U256::from(1), exp).unwrap();
        assert_eq!(g.insert(r, U256::from(1), exp), Err(TicketError::Used));
        g.insert(r, U256::from(2), exp).unwrap();
        assert_eq!(g.insert(r, U256::from(3), exp), Err(TicketError::NonceCapReached { cap: 2 }));
        g.insert(B256::repeat_byte(8), U256::from(1), U256::from(200)).unwrap();
        g.prune(U256::from(99));
        assert_eq!(g.len(), 2);
        g.prune(U256::from(100));
        assert_eq!(g.len(), 1);
        assert!(!g.seen(&r, U256::from(1)));
    }
}
