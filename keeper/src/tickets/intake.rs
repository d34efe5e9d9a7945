//! Winning tickets as the orchestrator hands them over (HTTP body or spool file), and the
//! checks done before a ticket is queued: anything that can never redeem is refused at the
//! door with the contract's own reason, so the queue holds only redeemable tickets.

use alloy::primitives::{Address, Bytes, Signature, B256, U256};
use lpx_abi::ticket_broker::{
    decode_aux_data, encode_aux_data, eth_signed_message_hash, reasons, recipient_rand_hash, ticket_hash, win_value, Ticket, SIGNATURE_LEN,
};
use serde::{Deserialize, Deserializer, Serialize};

/// A winning ticket with what redemption needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinningTicket {
    /// The ticket.
    pub ticket: Ticket,
    /// The sender's 65-byte signature.
    pub sig: Bytes,
    /// The recipient's revealed rand.
    pub recipient_rand: U256,
    /// Redeem no earlier than this block (the params' expiration block; go-livepeer waits
    /// so the revealed rand cannot be replayed against live params). 0 = at once.
    pub not_before_block: u64,
}

impl WinningTicket {
    /// The ticket hash (the broker's `usedTickets` key).
    pub fn hash(&self) -> B256 {
        ticket_hash(&self.ticket)
    }

    /// The creation round from auxData.
    pub fn creation_round(&self) -> u64 {
        decode_aux_data(&self.ticket.auxData).map(|(r, _)| r.saturating_to()).unwrap_or(0)
    }
}

fn de_u256<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        S(String),
        U(u64),
    }
    match N::deserialize(d)? {
        N::U(n) => Ok(U256::from(n)),
        N::S(s) => s.parse::<U256>().map_err(serde::de::Error::custom),
    }
}

fn de_opt_u256<'de, D: Deserializer<'de>>(d: D) -> Result<Option<U256>, D::Error> {
    de_u256(d).map(Some)
}

/// The JSON form: the ticket's fields in camelCase (numbers as decimal or 0x-hex strings or
/// JSON integers), plus `sig`, `recipientRand` and optionally `expirationBlock`. auxData may
/// be given raw or as `creationRound` + `creationRoundBlockHash`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketJson {
    /// Recipient (the orchestrator).
    pub recipient: Address,
    /// Sender (the broadcaster).
    pub sender: Address,
    /// Face value (wei).
    #[serde(deserialize_with = "de_u256")]
    pub face_value: U256,
    /// Win probability out of 2^256 − 1.
    #[serde(deserialize_with = "de_u256")]
    pub win_prob: U256,
    /// Sender nonce.
    #[serde(deserialize_with = "de_u256")]
    pub sender_nonce: U256,
    /// keccak256(recipientRand).
    pub recipient_rand_hash: B256,
    /// Raw auxData (64 bytes).
    #[serde(default)]
    pub aux_data: Option<Bytes>,
    /// Creation round (instead of auxData).
    #[serde(default, deserialize_with = "de_opt_u256")]
    pub creation_round: Option<U256>,
    /// Creation round block hash (instead of auxData).
    #[serde(default)]
    pub creation_round_block_hash: Option<B256>,
    /// Signature.
    pub sig: Bytes,
    /// The revealed rand.
    #[serde(deserialize_with = "de_u256")]
    pub recipient_rand: U256,
    /// Params expiration block.
    #[serde(default)]
    pub expiration_block: Option<u64>,
}

/// Why a ticket was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

impl TicketJson {
    /// Checks the ticket as the contract would (everything that does not need chain state)
    /// and builds the queue entry.
    pub fn into_ticket(self) -> Result<WinningTicket, Refused> {
        let aux = match (self.aux_data, self.creation_round, self.creation_round_block_hash) {
            (Some(a), None, None) => a,
            (None, Some(r), Some(h)) => encode_aux_data(r, h),
            _ => return Err(Refused("give either auxData or creationRound and creationRoundBlockHash".into())),
        };
        let ticket = Ticket {
            recipient: self.recipient,
            sender: self.sender,
            faceValue: self.face_value,
            winProb: self.win_prob,
            senderNonce: self.sender_nonce,
            recipientRandHash: self.recipient_rand_hash,
            auxData: aux,
        };
        let wt = WinningTicket { ticket, sig: self.sig, recipient_rand: self.recipient_rand, not_before_block: self.expiration_block.unwrap_or(0) };
        check(&wt)?;
        Ok(wt)
    }
}

/// The stateless redemption checks, in the contract's order and with its reasons.
pub fn check(wt: &WinningTicket) -> Result<(), Refused> {
    let t = &wt.ticket;
    let refuse = |r: &str| Err(Refused(r.to_string()));
    if t.recipient == Address::ZERO {
        return refuse(reasons::RECIPIENT_NULL);
    }
    if t.sender == Address::ZERO {
        return refuse(reasons::SENDER_NULL);
    }
    if decode_aux_data(&t.auxData).is_none() {
        return refuse(reasons::AUX_DATA_LENGTH);
    }
    if recipient_rand_hash(wt.recipient_rand) != t.recipientRandHash {
        return refuse(reasons::RAND_MISMATCH);
    }
    if wt.sig.len() != SIGNATURE_LEN {
        return refuse(reasons::SIG_LENGTH);
    }
    let sig = Signature::try_from(wt.sig.as_ref()).map_err(|_| Refused(reasons::SIG_INVALID.into()))?;
    let signer = sig.recover_address_from_prehash(&eth_signed_message_hash(&ticket_hash(t))).map_err(|_| Refused(reasons::SIG_INVALID.into()))?;
    if signer != t.sender {
        return refuse(reasons::SIG_WRONG_SIGNER);
    }
    if win_value(&wt.sig, wt.recipient_rand) >= t.winProb {
        return refuse(reasons::DID_NOT_WIN);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloy::signers::{local::PrivateKeySigner, SignerSync};

    /// A valid winning ticket signed by `sender_key` (winProb = max, so it always wins).
    pub fn signed_ticket(sender_key: &PrivateKeySigner, recipient: Address, nonce: u64, round: u64, face: u64) -> WinningTicket {
        let rand = U256::from(1000 + nonce);
        let ticket = Ticket {
            recipient,
            sender: sender_key.address(),
            faceValue: U256::from(face),
            winProb: U256::MAX,
            senderNonce: U256::from(nonce),
            recipientRandHash: recipient_rand_hash(rand),
            auxData: encode_aux_data(U256::from(round), B256::repeat_byte(0x42)),
        };
        let sig = sender_key.sign_message_sync(ticket_hash(&ticket).as_slice()).unwrap();
        WinningTicket { ticket, sig: sig.as_bytes().to_vec().into(), recipient_rand: rand, not_before_block: 0 }
    }

    fn to_json(wt: &WinningTicket) -> serde_json::Value {
        let t = &wt.ticket;
        serde_json::json!({
            "recipient": t.recipient, "sender": t.sender,
            "faceValue": t.faceValue.to_string(), "winProb": format!("{:#x}", t.winProb),
            "senderNonce": 3, "recipientRandHash": t.recipientRandHash,
            "auxData": t.auxData, "sig": wt.sig, "recipientRand": wt.recipient_rand.to_string(),
            "expirationBlock": 77
        })
    }

    #[test]
    fn json_round_trip_accepts_decimal_hex_and_integers() {
        let k = PrivateKeySigner::random();
        let wt = signed_ticket(&k, Address::repeat_byte(7), 3, 5, 1_000_000);
        let j: TicketJson = serde_json::from_value(to_json(&wt)).unwrap();
        let got = j.into_ticket().unwrap();
        assert_eq!(got.ticket, wt.ticket);
        assert_eq!(got.not_before_block, 77);
        assert_eq!(got.creation_round(), 5);
        assert_eq!(got.hash(), wt.hash());
    }

    #[test]
    fn refuses_what_can_never_redeem() {
        let k = PrivateKeySigner::random();
        let good = signed_ticket(&k, Address::repeat_byte(7), 1, 5, 10);
        assert_eq!(check(&good), Ok(()));
        let mut t = good.clone();
        t.recipient_rand += U256::from(1);
        assert_eq!(check(&t).unwrap_err().0, reasons::RAND_MISMATCH);
        let mut t = good.clone();
        t.ticket.faceValue += U256::from(1);
        assert_eq!(check(&t).unwrap_err().0, reasons::SIG_WRONG_SIGNER);
        let mut t = good.clone();
        t.ticket.winProb = U256::ZERO;
        // Changing winProb changes the hash too: re-sign so only the win check fails.
        let sig = k.sign_message_sync(t.hash().as_slice()).unwrap();
        t.sig = sig.as_bytes().to_vec().into();
        assert_eq!(check(&t).unwrap_err().0, reasons::DID_NOT_WIN);
        let mut t = good.clone();
        t.sig = Bytes::from(vec![1u8; 64]);
        assert_eq!(check(&t).unwrap_err().0, reasons::SIG_LENGTH);
        let mut t = good;
        t.ticket.auxData = Bytes::from(vec![0u8; 10]);
        assert_eq!(check(&t).unwrap_err().0, reasons::AUX_DATA_LENGTH);
    }

    #[test]
    fn aux_data_from_round_and_hash() {
        let k = PrivateKeySigner::random();
        let wt = signed_ticket(&k, Address::repeat_byte(7), 3, 9, 10);
        let mut v = to_json(&wt);
        let o = v.as_object_mut().unwrap();
        o.remove("auxData");
        o.insert("creationRound".into(), "9".into());
        o.insert("creationRoundBlockHash".into(), serde_json::json!(B256::repeat_byte(0x42)));
        let got: TicketJson = serde_json::from_value(v).unwrap();
        assert_eq!(got.into_ticket().unwrap().ticket.auxData, wt.ticket.auxData);
    }
}
