//! The TicketBroker's redemption checks, run off-chain in the contract's order (spec §8.3,
//! `redeemWinningTicket` steps 2–7) with the contract's reasons. Given the same chain state,
//! [`check_redemption`] fails exactly when the contract reverts, with the same string.

use alloy::primitives::{Address, B256, U256};
use lpx_abi::ticket_broker::{
    decode_aux_data, eth_signed_message_hash, recipient_rand_hash, split_signature, ticket_hash, win_value, Ticket, SECP256K1_HALF_N,
};
use secp256k1::{
    ecdsa::{RecoverableSignature, RecoveryId},
    Message, SECP256K1,
};

use crate::TicketError;

/// A sender's funds as the TicketBroker holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SenderFunds {
    /// Deposit (wei).
    pub deposit: U256,
    /// Reserve funds remaining (wei).
    pub reserve: U256,
    /// Round from which the sender may withdraw; 0 when no unlock is in progress.
    pub withdraw_round: U256,
}

/// The chain state the checks read: what the contract gets from RoundsManager,
/// BondingManager and its own storage.
pub trait ChainState {
    /// `RoundsManager.currentRound()`.
    fn current_round(&self) -> U256;
    /// `TicketBroker.ticketValidityPeriod()`.
    fn ticket_validity_period(&self) -> U256;
    /// `RoundsManager.blockHashForRound(round)` (zero when the round has none).
    fn block_hash_for_round(&self, round: U256) -> B256;
    /// `TicketBroker.usedTickets(hash)`.
    fn is_used(&self, ticket_hash: &B256) -> bool;
    /// The sender's deposit, reserve and withdraw round.
    fn sender_funds(&self, sender: &Address) -> SenderFunds;
    /// `TicketBroker.claimableReserve(sender, recipient)`.
    fn claimable_reserve(&self, sender: &Address, recipient: &Address) -> U256;
    /// `BondingManager.isActiveTranscoder(recipient)`.
    fn is_active(&self, recipient: &Address) -> bool;
}

/// A ticket that passed the validity and signature checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validated {
    /// The ticket hash (what `usedTickets` is keyed by).
    pub hash: B256,
    /// Whether it won.
    pub won: bool,
}

/// What a redemption would pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redemption {
    /// The ticket hash.
    pub hash: B256,
    /// Wei credited to the recipient's fee pool (deposit part + reserve part).
    pub amount: U256,
    /// The part taken from the reserve.
    pub from_reserve: U256,
}

/// Recovers the signer of `hash` (EIP-191) from a 65-byte `r ‖ s ‖ v` signature with the
/// contract's rules (OpenZeppelin 4.9 `ECDSA.recover` over the ecrecover precompile):
/// exactly 65 bytes; `s` at most n/2, checked before anything else; then whatever the
/// precompile refuses (`v` other than 27 or 28, `r` or `s` zero or ≥ n, an `r` that is no
/// point's x) is an invalid signature.
///
/// # Errors
/// [`TicketError::SignatureLength`], [`TicketError::SignatureHighS`],
/// [`TicketError::SignatureInvalid`].
pub fn recover_signer(hash: &B256, sig: &[u8]) -> Result<Address, TicketError> {
    let (_, s, v) = split_signature(sig).ok_or(TicketError::SignatureLength)?;
    if s > SECP256K1_HALF_N {
        return Err(TicketError::SignatureHighS);
    }
    // Only the two recovery ids the precompile takes: r itself is the x coordinate.
    let recid = match v {
        27 => RecoveryId::Zero,
        28 => RecoveryId::One,
        _ => return Err(TicketError::SignatureInvalid),
    };
    // Parsing refuses r or s ≥ n; recovery refuses a zero r or s and an r off the curve.
    let sig = RecoverableSignature::from_compact(&sig[..64], recid).map_err(|_| TicketError::SignatureInvalid)?;
    let digest = eth_signed_message_hash(hash);
    let key = SECP256K1.recover_ecdsa(Message::from_digest(digest.0), &sig).map_err(|_| TicketError::SignatureInvalid)?;
    Ok(Address::from_raw_public_key(&key.serialize_uncompressed()[1..]))
}

/// The contract's validity and signature checks (spec §8.3 step 2), in order, plus the win
/// check as a value. `extra_used` lets the recipient add its own replay guard to the
/// on-chain `usedTickets` (a ticket received but not redeemed yet is "used" too).
///
/// # Errors
/// The first failed check, as the contract would report it.
pub fn validate_ticket(
    ticket: &Ticket,
    sig: &[u8],
    recipient_rand: U256,
    state: &impl ChainState,
    extra_used: impl FnOnce(&B256) -> bool,
) -> Result<Validated, TicketError> {
    let hash = ticket_hash(ticket);
    if ticket.recipient == Address::ZERO {
        return Err(TicketError::RecipientNull);
    }
    if ticket.sender == Address::ZERO {
        return Err(TicketError::SenderNull);
    }
    let (creation_round, block_hash) = decode_aux_data(&ticket.auxData).ok_or(TicketError::AuxDataLength)?;
    let stored = state.block_hash_for_round(creation_round);
    if stored == B256::ZERO {
        return Err(TicketError::NoBlockHash);
    }
    if stored != block_hash {
        return Err(TicketError::BlockHashInvalid);
    }
    // A round with a stored hash is never near 2^256, so the sum cannot overflow; saturate
    // anyway so a hostile state cannot panic us.
    if creation_round.saturating_add(state.ticket_validity_period()) <= state.current_round() {
        return Err(TicketError::Expired);
    }
    if recipient_rand_hash(recipient_rand) != ticket.recipientRandHash {
        return Err(TicketError::RandMismatch);
    }
    if state.is_used(&hash) || extra_used(&hash) {
        return Err(TicketError::Used);
    }
    if recover_signer(&hash, sig)? != ticket.sender {
        return Err(TicketError::WrongSigner);
    }
    let won = win_value(sig, recipient_rand) < ticket.winProb;
    Ok(Validated { hash, won })
}

/// Everything `redeemWinningTicket` checks, in order, and what it would pay.
///
/// # Errors
/// The first failed check with the contract's reason.
pub fn check_redemption(ticket: &Ticket, sig: &[u8], recipient_rand: U256, state: &impl ChainState) -> Result<Redemption, TicketError> {
    let v = validate_ticket(ticket, sig, recipient_rand, state, |_| false)?;
    if !v.won {
        return Err(TicketError::DidNotWin);
    }
    let funds = state.sender_funds(&ticket.sender);
    let current = state.current_round();
    if !(funds.withdraw_round.is_zero() || current < funds.withdraw_round) {
        return Err(TicketError::SenderUnlocked);
    }
    if funds.deposit.is_zero() && funds.reserve.is_zero() {
        return Err(TicketError::FundsZero);
    }
    let (amount, from_reserve) = if ticket.faceValue > funds.deposit {
        let claim = (ticket.faceValue - funds.deposit).min(state.claimable_reserve(&ticket.sender, &ticket.recipient));
        (funds.deposit + claim, claim)
    } else {
        (ticket.faceValue, U256::ZERO)
    };
    if !amount.is_zero() && !state.is_active(&ticket.recipient) {
        return Err(TicketError::RecipientInactive);
    }
    Ok(Redemption { hash: v.hash, amount, from_reserve })
}
