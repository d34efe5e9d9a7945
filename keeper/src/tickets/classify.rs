//! What a failed redemption means for the ticket (go-livepeer #4013: a ticket must not be
//! dropped for a reason that can pass).
//!
//! Final reasons drop the ticket: it can never be redeemed. Everything else keeps it queued
//! and retried until its validity ends, at which point it is dropped as expired.

use lpx_abi::ticket_broker::reasons;
use lpx_txman::CallFailure;

/// Why a ticket is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropReason {
    /// Past `creationRound + ticketValidityPeriod`.
    Expired,
    /// Already redeemed (by us or anyone).
    Used,
    /// The ticket itself is invalid (bad signature, rand, auxData, block hash, did not win).
    Invalid(String),
}

impl DropReason {
    /// Metric label.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Used => "used",
            Self::Invalid(_) => "invalid",
        }
    }
    /// Text stored with the ticket.
    pub fn text(&self) -> String {
        match self {
            Self::Expired => reasons::EXPIRED.to_string(),
            Self::Used => reasons::USED.to_string(),
            Self::Invalid(r) => r.clone(),
        }
    }
}

/// Why a ticket waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryReason {
    /// The sender's unlock period ended; a new deposit re-locks it.
    SenderUnlocked,
    /// Deposit and reserve are short; the sender may fund again.
    InsufficientFunds,
    /// The recipient is not active this round; it may be again while the ticket is valid.
    RecipientInactive,
    /// The round is not initialized yet.
    RoundNotInitialized,
    /// The protocol is paused.
    Paused,
    /// Anything else (RPC trouble, an unknown revert).
    Transient(String),
}

impl RetryReason {
    /// Metric label.
    pub fn label(&self) -> &'static str {
        match self {
            Self::SenderUnlocked => "sender_unlocked",
            Self::InsufficientFunds => "insufficient_funds",
            Self::RecipientInactive => "recipient_inactive",
            Self::RoundNotInitialized => "round_not_initialized",
            Self::Paused => "paused",
            Self::Transient(_) => "transient",
        }
    }
}

/// The decision for one failed simulation or redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Drop the ticket.
    Drop(DropReason),
    /// Keep it and retry later.
    Retry(RetryReason),
}

const INVALID: &[&str] = &[
    reasons::RECIPIENT_NULL,
    reasons::SENDER_NULL,
    reasons::AUX_DATA_LENGTH,
    reasons::NO_BLOCK_HASH,
    reasons::BLOCK_HASH_INVALID,
    reasons::RAND_MISMATCH,
    reasons::SIG_LENGTH,
    reasons::SIG_HIGH_S,
    reasons::SIG_INVALID,
    reasons::SIG_WRONG_SIGNER,
    reasons::DID_NOT_WIN,
];

/// Classifies a failure.
pub fn classify(f: &CallFailure) -> Verdict {
    let Some(reason) = f.reason() else {
        return Verdict::Retry(RetryReason::Transient(f.to_string()));
    };
    let r = reason.trim();
    if r == reasons::EXPIRED {
        Verdict::Drop(DropReason::Expired)
    } else if r == reasons::USED {
        Verdict::Drop(DropReason::Used)
    } else if INVALID.contains(&r) {
        Verdict::Drop(DropReason::Invalid(r.to_string()))
    } else if r == reasons::SENDER_UNLOCKED {
        Verdict::Retry(RetryReason::SenderUnlocked)
    } else if r == reasons::FUNDS_ZERO || r.to_ascii_lowercase().contains("insufficient") {
        // protocol#657 reverts when deposit + reserve cannot cover the face value.
        Verdict::Retry(RetryReason::InsufficientFunds)
    } else if r == reasons::RECIPIENT_INACTIVE {
        Verdict::Retry(RetryReason::RecipientInactive)
    } else if r == reasons::ROUND_NOT_INITIALIZED {
        Verdict::Retry(RetryReason::RoundNotInitialized)
    } else if r.contains("paused") {
        Verdict::Retry(RetryReason::Paused)
    } else {
        Verdict::Retry(RetryReason::Transient(r.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(s: &str) -> CallFailure {
        CallFailure::Revert(Some(s.into()))
    }

    #[test]
    fn final_reasons_drop() {
        assert_eq!(classify(&rev("ticket is expired")), Verdict::Drop(DropReason::Expired));
        assert_eq!(classify(&rev("ticket is used")), Verdict::Drop(DropReason::Used));
        for r in INVALID {
            assert_eq!(classify(&rev(r)), Verdict::Drop(DropReason::Invalid(r.to_string())), "{r}");
        }
    }

    #[test]
    fn recoverable_reasons_retry() {
        assert_eq!(classify(&rev("sender is unlocked")), Verdict::Retry(RetryReason::SenderUnlocked));
        assert_eq!(classify(&rev("sender deposit and reserve are zero")), Verdict::Retry(RetryReason::InsufficientFunds));
        assert_eq!(classify(&rev("insufficient funds to cover face value")), Verdict::Retry(RetryReason::InsufficientFunds));
        assert_eq!(classify(&rev("transcoder must be active")), Verdict::Retry(RetryReason::RecipientInactive));
        assert_eq!(classify(&rev("current round is not initialized")), Verdict::Retry(RetryReason::RoundNotInitialized));
        assert_eq!(classify(&rev("system is paused")), Verdict::Retry(RetryReason::Paused));
        assert!(matches!(classify(&rev("something new")), Verdict::Retry(RetryReason::Transient(_))));
        assert!(matches!(classify(&CallFailure::Revert(None)), Verdict::Retry(RetryReason::Transient(_))));
        assert!(matches!(classify(&CallFailure::Transport("timed out".into())), Verdict::Retry(RetryReason::Transient(_))));
    }
}
