//! Probabilistic micropayment tickets (Livepeer's `pm`), the off-chain half of the
//! TicketBroker (spec/protocol.md §8, spec/node.md §3).
//!
//! - [`ticket`]: the ticket types and the hashing shared with the contract (through
//!   `lpx-abi`, so both sides run the same encoding code), signatures and expected value.
//! - [`validator`]: the contract's redemption checks, in the contract's order and with its
//!   revert strings, against a [`ChainState`] snapshot.
//! - [`sender`]: ticket batches with atomic nonces, signed with an alloy signer, after the
//!   gateway's pre-send checks.
//! - [`recipient`]: ticket parameters (face value, win probability, HMAC-derived
//!   recipientRand, expiry), ticket intake with a replay guard and exact EV accounting.
//! - [`params`]: the pure face value / win probability / max float arithmetic.
//!
//! Nothing here does network I/O: chain state comes in as values, results go out as values.

pub mod balance;
pub mod error;
pub mod params;
pub mod recipient;
pub mod replay;
pub mod secret;
pub mod sender;
pub mod ticket;
pub mod validator;

pub use balance::{ticket_ev, Balances};
pub use error::{ParamsError, SenderError, TicketError};
pub use params::{face_value, max_float, win_prob, FaceValueConfig};
pub use recipient::{ReceivedTicket, Recipient, RecipientConfig};
pub use replay::ReplayGuard;
pub use secret::RecipientSecret;
pub use sender::{Sender, SenderConfig, SenderView};
pub use ticket::{ExpirationParams, PricePerPixel, SignedTicket, TicketBatch, TicketParams};
pub use validator::{check_redemption, recover_signer, validate_ticket, ChainState, Redemption, SenderFunds, Validated};

/// Re-exported so users need not depend on `lpx-abi` for the shared encoding.
pub use lpx_abi::ticket_broker::{eth_signed_message_hash, reasons, recipient_rand_hash, ticket_hash, win_value, Ticket};
