//! Ticket types as they travel between sender and recipient, and how they become the
//! contract's [`Ticket`].

use alloy::primitives::{Address, Bytes, B256, U256};
use lpx_abi::ticket_broker::{encode_aux_data, Ticket};

/// The round a ticket is created in and that round's block hash (the ticket's `auxData`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExpirationParams {
    /// The last initialized round when the params were issued.
    pub creation_round: U256,
    /// `RoundsManager.blockHashForRound(creation_round)`.
    pub creation_round_block_hash: B256,
}

impl ExpirationParams {
    /// The 64-byte `auxData`: creation round ‖ block hash.
    pub fn aux_data(&self) -> Bytes {
        encode_aux_data(self.creation_round, self.creation_round_block_hash)
    }
}

/// Price per pixel as an exact fraction of wei (go-livepeer keeps an int64 pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricePerPixel {
    /// Numerator (wei).
    pub num: u64,
    /// Denominator (pixels).
    pub den: u64,
}

/// What the recipient hands the sender: everything in a ticket except the sender, the
/// nonce and the signature. The sender echoes it back with every batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketParams {
    /// The orchestrator that gets paid.
    pub recipient: Address,
    /// Wei paid if the ticket wins.
    pub face_value: U256,
    /// Win probability out of 2^256 − 1.
    pub win_prob: U256,
    /// `keccak256(recipientRand)`, the recipient's commitment.
    pub recipient_rand_hash: B256,
    /// Random seed the recipient derives `recipientRand` from (with its secret).
    pub seed: U256,
    /// Last L1 block at which the recipient accepts tickets under these params.
    pub expiration_block: U256,
    /// Price per pixel the params were issued for (part of the HMAC message).
    pub price: PricePerPixel,
    /// Creation round and block hash.
    pub expiration: ExpirationParams,
}

impl TicketParams {
    /// The contract ticket for `sender` with `nonce`.
    pub fn ticket(&self, sender: Address, nonce: u32) -> Ticket {
        Ticket {
            recipient: self.recipient,
            sender,
            faceValue: self.face_value,
            winProb: self.win_prob,
            senderNonce: U256::from(nonce),
            recipientRandHash: self.recipient_rand_hash,
            auxData: self.expiration.aux_data(),
        }
    }
}

/// One ticket with its 65-byte signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTicket {
    /// The ticket as the contract sees it.
    pub ticket: Ticket,
    /// `r ‖ s ‖ v` over the EIP-191 digest of the ticket hash.
    pub sig: Bytes,
}

/// A batch as sent on the wire: shared params, then one (nonce, signature) per ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketBatch {
    /// The recipient's params, echoed back.
    pub params: TicketParams,
    /// The paying broadcaster.
    pub sender: Address,
    /// `(senderNonce, signature)` per ticket, nonces consecutive and increasing.
    pub tickets: Vec<(u32, Bytes)>,
}

impl TicketBatch {
    /// The batch's tickets in contract form.
    pub fn signed_tickets(&self) -> impl Iterator<Item = SignedTicket> + '_ {
        self.tickets.iter().map(|(nonce, sig)| SignedTicket { ticket: self.params.ticket(self.sender, *nonce), sig: sig.clone() })
    }
}
