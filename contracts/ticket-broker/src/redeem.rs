//! Ticket redemption (Livepeer `MixinTicketBrokerCore.redeemWinningTicket`,
//! `MixinReserve`, `MixinTicketProcessor`).
//!
//! Every check runs first, in spec §8.3 order, and every new storage value is computed
//! with checked arithmetic; then the BondingManager is credited; only then is state
//! written and are events emitted. A failed redemption therefore leaves no trace, which
//! lets the batch skip it in-process (Livepeer re-enters itself through the proxy for that,
//! and Stylus refuses re-entry).

use alloy_primitives::{Address, B256, U256};
use lpx_abi::ticket_broker::{decode_aux_data, eth_signed_message_hash, reasons, recipient_rand_hash, split_signature, win_value, SECP256K1_HALF_N};
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{add, require, sub, Revert};
use stylus_sdk::prelude::*;

use crate::peers::{self, emit, w, Event};
use crate::{TicketBroker, TicketRef};

/// `floor(a / d)` for a non-zero 32-bit divisor, by schoolbook division over 32-bit
/// digits: every step is a native 64-bit division, where ruint's general U256 division
/// costs 8 KiB of wasm.
fn div_small(a: U256, d: u32) -> U256 {
    let d = u64::from(d.max(1));
    let mut limbs = a.into_limbs();
    let mut rem = 0u64;
    for limb in limbs.iter_mut().rev() {
        let hi = (rem << 32) | (*limb >> 32);
        let q_hi = hi / d;
        let lo = ((hi % d) << 32) | (*limb & 0xffff_ffff);
        let q_lo = lo / d;
        rem = lo % d;
        *limb = (q_hi << 32) | q_lo;
    }
    U256::from_limbs(limbs)
}

/// Per-transaction context of a redemption: resolved peers and the current round.
pub(crate) struct RedeemEnv {
    rounds: Address,
    bonding: Address,
    round: U256,
}

impl TicketBroker {
    /// `whenSystemNotPaused` + `currentRoundInitialized`, and the peers redemption needs.
    pub(crate) fn begin_redeem(&self) -> Result<RedeemEnv, Revert> {
        self.not_paused()?;
        let rounds = self.lookup(ids::ROUNDS_MANAGER)?;
        require(peers::current_round_initialized(self.vm(), rounds)?, reasons::ROUND_NOT_INITIALIZED)?;
        let round = peers::current_round(self.vm(), rounds)?;
        let bonding = self.lookup(ids::BONDING_MANAGER)?;
        Ok(RedeemEnv { rounds, bonding, round })
    }

    /// Spec §8.3 step 2: validity, signature and win checks, in order. Returns the ticket
    /// hash and the creation round.
    fn check_ticket(&self, env: &RedeemEnv, t: &TicketRef<'_>, sig: &[u8], rand: U256) -> Result<(B256, U256), Revert> {
        let hash = t.hash();
        require(t.recipient != Address::ZERO, reasons::RECIPIENT_NULL)?;
        require(t.sender != Address::ZERO, reasons::SENDER_NULL)?;
        let (creation_round, block_hash) = match decode_aux_data(t.aux_data) {
            Some(aux) => aux,
            None => return Err(peers::revert(reasons::AUX_DATA_LENGTH)),
        };
        let stored = peers::block_hash_for_round(self.vm(), env.rounds, creation_round)?;
        require(stored != B256::ZERO, reasons::NO_BLOCK_HASH)?;
        require(stored == block_hash, reasons::BLOCK_HASH_INVALID)?;
        let expiry = add(creation_round, self.ticket_validity_period.get())?;
        require(expiry > env.round, reasons::EXPIRED)?;
        require(recipient_rand_hash(rand) == t.recipient_rand_hash, reasons::RAND_MISMATCH)?;
        require(!self.used_tickets.get(hash), reasons::USED)?;
        let Some((r, s, v)) = split_signature(sig) else {
            return Err(peers::revert(reasons::SIG_LENGTH));
        };
        // OZ 4.9 ECDSA.recover: high s and failed recovery revert inside recover.
        require(s <= SECP256K1_HALF_N, reasons::SIG_HIGH_S)?;
        let signer = peers::ecrecover(self.vm(), &eth_signed_message_hash(&hash), &r, s, v)?;
        let Some(signer) = signer else {
            return Err(peers::revert(reasons::SIG_INVALID));
        };
        require(signer == t.sender, reasons::SIG_WRONG_SIGNER)?;
        require(win_value(sig, rand) < t.win_prob, reasons::DID_NOT_WIN)?;
        Ok((hash, creation_round))
    }

    /// `claimableReserve` with a known round and BondingManager; `active` short-cuts the
    /// `isActiveTranscoder` call when the caller already knows.
    pub(crate) fn claimable(&self, holder: Address, claimant: Address, round: U256, bonding: Address, active: Option<bool>) -> Result<U256, Revert> {
        let active = match active {
            Some(a) => a,
            None => peers::is_active(self.vm(), bonding, claimant)?,
        };
        if !active {
            return Ok(U256::ZERO);
        }
        let pool_size = peers::pool_size(self.vm(), bonding)?;
        if pool_size.is_zero() {
            return Ok(U256::ZERO);
        }
        // The pool holds at most numActiveTranscoders members; a size beyond 2^32 can only
        // be a broken reply.
        require(pool_size <= U256::from(u32::MAX), peers::ERR_BAD_REPLY)?;
        let r = self.reserves.get(holder);
        let total = add(r.funds.get(), r.claimed_for_round.get(round))?;
        sub(div_small(total, pool_size.as_limbs()[0] as u32), r.claimed_by_address.get(round).get(claimant))
    }

    /// One redemption: checks, then the fee credit, then the writes and events.
    pub(crate) fn redeem(&mut self, env: &RedeemEnv, t: &TicketRef<'_>, sig: &[u8], rand: U256) -> Result<(), Revert> {
        let (hash, creation_round) = self.check_ticket(env, t, sig, rand)?;
        let s = self.senders.get(t.sender);
        let (deposit, withdraw_round) = (s.deposit.get(), s.withdraw_round.get());
        require(withdraw_round.is_zero() || env.round < withdraw_round, reasons::SENDER_UNLOCKED)?;
        let funds = self.reserves.get(t.sender).funds.get();
        require(!deposit.is_zero() || !funds.is_zero(), reasons::FUNDS_ZERO)?;

        // Plan: what deposit and reserve pay, with every new value computed up front.
        let mut active = None;
        let (amount, claim, new_deposit) = if t.face_value > deposit {
            let is_active = peers::is_active(self.vm(), env.bonding, t.recipient)?;
            active = Some(is_active);
            let claimable = self.claimable(t.sender, t.recipient, env.round, env.bonding, active)?;
            let claim = sub(t.face_value, deposit)?.min(claimable);
            (add(deposit, claim)?, claim, U256::ZERO)
        } else {
            (t.face_value, U256::ZERO, sub(deposit, t.face_value)?)
        };
        let r = self.reserves.get(t.sender);
        let new_funds = sub(funds, claim)?;
        let new_for_round = add(r.claimed_for_round.get(env.round), claim)?;
        let new_by_me = add(r.claimed_by_address.get(env.round).get(t.recipient), claim)?;

        if !amount.is_zero() {
            // Only orchestrators active this round earn fees (Aug 2025 fix).
            let is_active = match active {
                Some(a) => a,
                None => peers::is_active(self.vm(), env.bonding, t.recipient)?,
            };
            require(is_active, reasons::RECIPIENT_INACTIVE)?;
            peers::update_transcoder_with_fees(self.vm(), env.bonding, t.recipient, amount, creation_round)?;
        }

        // Commit.
        self.used_tickets.setter(hash).set(true);
        self.senders.setter(t.sender).deposit.set(new_deposit);
        if !claim.is_zero() {
            let mut r = self.reserves.setter(t.sender);
            r.funds.set(new_funds);
            r.claimed_for_round.setter(env.round).set(new_for_round);
            r.claimed_by_address.setter(env.round).setter(t.recipient).set(new_by_me);
            emit(self.vm(), Event::ReserveClaimed, &[t.sender], &[w(t.recipient), claim]);
        }
        if !amount.is_zero() {
            emit(self.vm(), Event::WinningTicketTransfer, &[t.sender, t.recipient], &[amount]);
        }
        let words = [t.face_value, t.win_prob, t.sender_nonce, rand];
        peers::emit_redeemed(self.vm(), t.sender, t.recipient, words, t.aux_data);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::div_small;
    use alloy_primitives::U256;

    #[test]
    fn div_small_matches_u256_division() {
        let xs = [U256::ZERO, U256::from(7), U256::MAX, U256::MAX - U256::from(12345), U256::from(1) << 200];
        for x in xs {
            for d in [1u32, 2, 3, 7, 100, 65_537, u32::MAX] {
                assert_eq!(div_small(x, d), x / U256::from(d), "{x} / {d}");
            }
        }
    }
}
