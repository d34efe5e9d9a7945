//! The orchestrator side (go-livepeer `pm/recipient.go`, `validator.go`): issue ticket
//! params with a recipientRand derived from a persisted secret, then take tickets in,
//! checking them in the contract's order plus the recipient's own rules, crediting their
//! exact EV per sender and reporting winners.

use std::sync::Mutex;

use alloy::primitives::{Address, Bytes, B256, U256};
use num_rational::BigRational;
use rand::RngCore;

use crate::{
    balance::ticket_ev,
    params::{face_value, win_prob, FaceValueConfig},
    recipient_rand_hash,
    validator::{validate_ticket, ChainState},
    Balances, ExpirationParams, ParamsError, PricePerPixel, RecipientSecret, ReplayGuard, Ticket, TicketError, TicketParams,
};

/// Recipient settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientConfig {
    /// Face value rule inputs.
    pub face_value: FaceValueConfig,
    /// Blocks the params stay valid after the last seen block (go-livepeer: 40).
    pub expiration_blocks: U256,
    /// Tickets accepted per recipientRand (go-livepeer: 600).
    pub nonce_cap: usize,
}

impl Default for RecipientConfig {
    fn default() -> Self {
        Self { face_value: FaceValueConfig::default(), expiration_blocks: U256::from(40), nonce_cap: 600 }
    }
}

/// A ticket the recipient accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedTicket {
    /// The ticket.
    pub ticket: Ticket,
    /// Its signature.
    pub sig: Bytes,
    /// The revealed recipientRand, needed to redeem.
    pub recipient_rand: U256,
    /// The ticket hash.
    pub hash: B256,
    /// Whether it won (winners go to the redemption queue).
    pub won: bool,
    /// The EV credited to the sender's balance.
    pub ev: BigRational,
    /// Last block the params were valid at: redeem after it, so the revealed rand cannot
    /// be reused for tickets still being accepted.
    pub expiration_block: U256,
}

/// An orchestrator receiving tickets.
#[derive(Debug)]
pub struct Recipient {
    address: Address,
    secret: RecipientSecret,
    config: RecipientConfig,
    guard: Mutex<ReplayGuard>,
    balances: Mutex<Balances>,
}

impl Recipient {
    /// A recipient paid at `address`, deriving rands from `secret`.
    pub fn new(address: Address, secret: RecipientSecret, config: RecipientConfig) -> Self {
        let guard = Mutex::new(ReplayGuard::new(config.nonce_cap));
        Self { address, secret, config, guard, balances: Mutex::new(Balances::default()) }
    }

    /// This recipient's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Ticket params for `sender` at `price`, priced for `gas_price` and capped by the
    /// sender's `max_float` toward this recipient (spec/node.md §3.2).
    ///
    /// # Errors
    /// [`ParamsError`] when no acceptable face value exists.
    pub fn ticket_params(
        &self,
        sender: Address,
        price: PricePerPixel,
        gas_price: U256,
        max_float: U256,
        last_block: U256,
        expiration: ExpirationParams,
    ) -> Result<TicketParams, ParamsError> {
        if price.den == 0 {
            return Err(ParamsError::ZeroPriceDenominator);
        }
        let fv = face_value(&self.config.face_value, gas_price, max_float)?;
        let wp = win_prob(self.config.face_value.ticket_ev, fv);
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        let mut params = TicketParams {
            recipient: self.address,
            face_value: fv,
            win_prob: wp,
            recipient_rand_hash: B256::ZERO,
            seed: U256::from_be_bytes(seed),
            expiration_block: last_block.saturating_add(self.config.expiration_blocks),
            price,
            expiration,
        };
        params.recipient_rand_hash = recipient_rand_hash(self.recipient_rand(&params, sender));
        Ok(params)
    }

    /// `HMAC-SHA256(secret, seed ‖ sender ‖ faceValue ‖ winProb ‖ expirationBlock ‖
    /// price.num ‖ price.den ‖ auxData)`, every number fixed-width big-endian (go-livepeer
    /// concatenates minimal encodings, which lets different params collide). Any change to
    /// a param breaks the link to the committed rand hash.
    pub fn recipient_rand(&self, p: &TicketParams, sender: Address) -> U256 {
        let mut msg = Vec::with_capacity(32 * 4 + 20 + 16 + 64);
        msg.extend_from_slice(&p.seed.to_be_bytes::<32>());
        msg.extend_from_slice(sender.as_slice());
        msg.extend_from_slice(&p.face_value.to_be_bytes::<32>());
        msg.extend_from_slice(&p.win_prob.to_be_bytes::<32>());
        msg.extend_from_slice(&p.expiration_block.to_be_bytes::<32>());
        msg.extend_from_slice(&p.price.num.to_be_bytes());
        msg.extend_from_slice(&p.price.den.to_be_bytes());
        msg.extend_from_slice(&p.expiration.aux_data());
        U256::from_be_bytes(self.secret.mac(&msg))
    }

    /// Takes in one ticket of a batch: checks it (the contract's checks in the contract's
    /// order, this recipient's replay guard counting as "used"), then the recipient's own
    /// rules (addressed to us, sender not unlocking, params not expired, nonce cap), then
    /// credits its EV to the sender.
    ///
    /// # Errors
    /// The first failed check.
    pub fn receive_ticket(
        &self,
        params: &TicketParams,
        sender: Address,
        nonce: u32,
        sig: &Bytes,
        last_block: U256,
        state: &impl ChainState,
    ) -> Result<ReceivedTicket, TicketError> {
        if params.recipient != self.address {
            return Err(TicketError::WrongRecipient { expected: self.address, got: params.recipient });
        }
        let ticket = params.ticket(sender, nonce);
        let rand = self.recipient_rand(params, sender);
        let nonce_u = U256::from(nonce);
        // The guard is locked only around its own reads and writes, not across the signature
        // recovery between them, so concurrent intakes overlap; a copy accepted in between
        // is caught by `insert`, as used.
        let v = validate_ticket(&ticket, sig, rand, state, |_| self.guard.lock().unwrap_or_else(|p| p.into_inner()).seen(&ticket.recipientRandHash, nonce_u))?;
        let funds = state.sender_funds(&sender);
        if !funds.withdraw_round.is_zero() && funds.withdraw_round <= state.current_round().saturating_add(U256::from(1)) {
            return Err(TicketError::SenderUnlocking { sender, withdraw_round: funds.withdraw_round });
        }
        if params.expiration_block <= last_block {
            return Err(TicketError::ParamsExpired { expiration_block: params.expiration_block, last_block });
        }
        self.guard.lock().unwrap_or_else(|p| p.into_inner()).insert(ticket.recipientRandHash, nonce_u, params.expiration_block)?;
        let ev = ticket_ev(ticket.faceValue, ticket.winProb);
        self.balances.lock().unwrap_or_else(|p| p.into_inner()).credit_ticket(sender, ticket.faceValue, ticket.winProb);
        Ok(ReceivedTicket { ticket, sig: sig.clone(), recipient_rand: rand, hash: v.hash, won: v.won, ev, expiration_block: params.expiration_block })
    }

    /// Charges `fee` to `sender`'s balance (e.g. a segment's price × pixels).
    pub fn debit(&self, sender: Address, fee: &BigRational) {
        self.balances.lock().unwrap_or_else(|p| p.into_inner()).debit(sender, fee);
    }

    /// `sender`'s exact balance: EV received minus fees charged.
    pub fn balance(&self, sender: &Address) -> BigRational {
        self.balances.lock().unwrap_or_else(|p| p.into_inner()).balance(sender)
    }

    /// Forgets replay state of params that expired at or before `block` (call on each new
    /// L1 block).
    pub fn prune(&self, block: U256) {
        self.guard.lock().unwrap_or_else(|p| p.into_inner()).prune(block);
    }
}
