//! Typed errors. [`TicketError`]'s on-chain variants print the TicketBroker's exact revert
//! string, so a ticket rejected off-chain and on-chain reports the same reason.

use alloy::primitives::{Address, U256};
use lpx_abi::ticket_broker::reasons;

/// Why a ticket was rejected, by the contract's checks or by the recipient's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TicketError {
    /// `ticket.recipient` is the zero address.
    #[error("{}", reasons::RECIPIENT_NULL)]
    RecipientNull,
    /// `ticket.sender` is the zero address.
    #[error("{}", reasons::SENDER_NULL)]
    SenderNull,
    /// `auxData` is not 64 bytes.
    #[error("{}", reasons::AUX_DATA_LENGTH)]
    AuxDataLength,
    /// The creation round has no stored block hash.
    #[error("{}", reasons::NO_BLOCK_HASH)]
    NoBlockHash,
    /// The auxData block hash is not the creation round's.
    #[error("{}", reasons::BLOCK_HASH_INVALID)]
    BlockHashInvalid,
    /// The creation round is at least `ticketValidityPeriod` rounds old.
    #[error("{}", reasons::EXPIRED)]
    Expired,
    /// `keccak256(recipientRand) != recipientRandHash`.
    #[error("{}", reasons::RAND_MISMATCH)]
    RandMismatch,
    /// The ticket was already redeemed (on-chain) or received (replay guard).
    #[error("{}", reasons::USED)]
    Used,
    /// The signature is not 65 bytes.
    #[error("{}", reasons::SIG_LENGTH)]
    SignatureLength,
    /// The signature's `s` is in the upper half of the curve order.
    #[error("{}", reasons::SIG_HIGH_S)]
    SignatureHighS,
    /// The signature does not recover to any address.
    #[error("{}", reasons::SIG_INVALID)]
    SignatureInvalid,
    /// The signature recovers to someone other than the sender.
    #[error("{}", reasons::SIG_WRONG_SIGNER)]
    WrongSigner,
    /// The ticket did not win (redemption only).
    #[error("{}", reasons::DID_NOT_WIN)]
    DidNotWin,
    /// The sender's unlock period is over.
    #[error("{}", reasons::SENDER_UNLOCKED)]
    SenderUnlocked,
    /// The sender has neither deposit nor reserve.
    #[error("{}", reasons::FUNDS_ZERO)]
    FundsZero,
    /// The recipient is not active this round and the ticket would pay it.
    #[error("{}", reasons::RECIPIENT_INACTIVE)]
    RecipientInactive,

    /// Off-chain: the ticket is addressed to another orchestrator.
    #[error("ticket recipient {got} is not this orchestrator ({expected})")]
    WrongRecipient {
        /// This recipient's address.
        expected: Address,
        /// The ticket's recipient.
        got: Address,
    },
    /// Off-chain: the ticket params expired (go-livepeer `ErrTicketParamsExpired`).
    #[error("ticket params expired at block {expiration_block} (last block {last_block})")]
    ParamsExpired {
        /// The params' expiration block.
        expiration_block: U256,
        /// The last seen L1 block.
        last_block: U256,
    },
    /// Off-chain: the sender's unlock ends before the ticket could be redeemed.
    #[error("sender {sender} unlocks in round {withdraw_round}, too soon to redeem its tickets")]
    SenderUnlocking {
        /// The ticket sender.
        sender: Address,
        /// Its withdraw round.
        withdraw_round: U256,
    },
    /// Off-chain: this recipientRand already carried the maximum number of tickets.
    #[error("too many tickets for one recipientRand (cap {cap})")]
    NonceCapReached {
        /// The cap.
        cap: usize,
    },
}

impl TicketError {
    /// The TicketBroker revert string for the same failed check, or `None` for a check
    /// only the off-chain recipient makes.
    pub fn reason(&self) -> Option<&'static str> {
        Some(match self {
            Self::RecipientNull => reasons::RECIPIENT_NULL,
            Self::SenderNull => reasons::SENDER_NULL,
            Self::AuxDataLength => reasons::AUX_DATA_LENGTH,
            Self::NoBlockHash => reasons::NO_BLOCK_HASH,
            Self::BlockHashInvalid => reasons::BLOCK_HASH_INVALID,
            Self::Expired => reasons::EXPIRED,
            Self::RandMismatch => reasons::RAND_MISMATCH,
            Self::Used => reasons::USED,
            Self::SignatureLength => reasons::SIG_LENGTH,
            Self::SignatureHighS => reasons::SIG_HIGH_S,
            Self::SignatureInvalid => reasons::SIG_INVALID,
            Self::WrongSigner => reasons::SIG_WRONG_SIGNER,
            Self::DidNotWin => reasons::DID_NOT_WIN,
            Self::SenderUnlocked => reasons::SENDER_UNLOCKED,
            Self::FundsZero => reasons::FUNDS_ZERO,
            Self::RecipientInactive => reasons::RECIPIENT_INACTIVE,
            Self::WrongRecipient { .. } | Self::ParamsExpired { .. } | Self::SenderUnlocking { .. } | Self::NonceCapReached { .. } => return None,
        })
    }
}

/// Why the recipient could not issue ticket params (spec/node.md §3.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// The capped face value fell below the ticket EV: the sender's reserve is too small.
    #[error("insufficient sender reserve: face value {face_value} below ticket EV {ev}")]
    InsufficientSenderReserve {
        /// The capped face value.
        face_value: U256,
        /// The configured ticket EV.
        ev: U256,
    },
    /// The face value would not even pay for the redemption transaction.
    #[error("face value {face_value} does not cover the redemption cost {tx_cost}")]
    FaceValueTooLow {
        /// The capped face value.
        face_value: U256,
        /// Redemption gas × current gas price.
        tx_cost: U256,
    },
    /// A product overflowed 256 bits (absurd gas price or EV).
    #[error("ticket parameter arithmetic overflowed")]
    Overflow,
    /// The price per pixel has a zero denominator.
    #[error("price per pixel has a zero denominator")]
    ZeroPriceDenominator,
}

/// Why the sender refused to create a ticket batch (spec/node.md §3.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SenderError {
    /// No session for this recipientRandHash.
    #[error("no ticket session for recipientRandHash {0}")]
    UnknownSession(alloy::primitives::B256),
    /// The params expire within one block (go-livepeer `ErrTicketParamsExpired`).
    #[error("ticket params expired at block {expiration_block} (last block {last_block})")]
    ParamsExpired {
        /// The params' expiration block.
        expiration_block: U256,
        /// The last seen L1 block.
        last_block: U256,
    },
    /// The ticket EV exceeds `max_ticket_ev`.
    #[error("ticket EV {ev} above the maximum {max}")]
    TicketEvTooHigh {
        /// The ticket EV (rounded up to wei).
        ev: U256,
        /// The configured maximum.
        max: U256,
    },
    /// The face value does not exceed the EV.
    #[error("ticket face value {face_value} not above its EV {ev}")]
    FaceValueNotAboveEv {
        /// The face value.
        face_value: U256,
        /// The EV (rounded up to wei).
        ev: U256,
    },
    /// The batch's total EV exceeds `max_total_ev`.
    #[error("batch EV {total} above the maximum {max}")]
    TotalEvTooHigh {
        /// n × EV (rounded up to wei).
        total: U256,
        /// The configured maximum.
        max: U256,
    },
    /// The face value exceeds deposit / deposit multiplier.
    #[error("ticket face value {face_value} above the allowed {max} (deposit / multiplier)")]
    FaceValueAboveDeposit {
        /// The face value.
        face_value: U256,
        /// deposit / multiplier.
        max: U256,
    },
    /// Neither deposit nor reserve is funded.
    #[error("{}", reasons::FUNDS_ZERO)]
    FundsZero,
    /// The sender's funds unlock at or before the next round.
    #[error("deposit and reserve unlock in round {withdraw_round}, too soon to pay with tickets")]
    Unlocking {
        /// The withdraw round.
        withdraw_round: U256,
    },
    /// The session's nonces are exhausted (2^32 − 1 tickets).
    #[error("ticket nonces exhausted for this session")]
    NoncesExhausted,
    /// The signer failed.
    #[error("signing failed: {0}")]
    Signing(String),
}
