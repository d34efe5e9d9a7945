//! A ticket as the router reads it from calldata: the fixed fields by value, `auxData`
//! borrowed from the calldata (no copy, no `Bytes`).
//!
//! Its hash is written out here instead of going through `lpx_abi::ticket_broker::
//! ticket_hash` (alloy's packed encoder, about 1 KiB of wasm); the tests check both agree
//! on every field and on `auxData` of any length.

use alloc::vec::Vec;
use alloy_primitives::{keccak256, Address, B256, U256};
use lpx_abi::ticket_broker::Ticket;

use crate::calldata::{head, Calldata};
use lpx_contracts_common::revert::Revert;

/// `Ticket {recipient, sender, faceValue, winProb, senderNonce, recipientRandHash,
/// auxData}` (spec §8.1) with `auxData` borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketRef<'a> {
    /// Who may be paid.
    pub recipient: Address,
    /// Who pays, and signs.
    pub sender: Address,
    /// Amount paid if the ticket wins.
    pub face_value: U256,
    /// Win threshold out of 2^256 − 1.
    pub win_prob: U256,
    /// Makes the hash unique per ticket.
    pub sender_nonce: U256,
    /// `keccak256(recipientRand)`.
    pub recipient_rand_hash: B256,
    /// `creationRound ‖ creationRoundBlockHash` for a valid ticket.
    pub aux_data: &'a [u8],
}

impl<'a> TicketRef<'a> {
    /// Reads the `Ticket` tuple whose head starts at byte position `at` of `c`.
    pub fn read(c: &Calldata<'a>, at: usize) -> Result<Self, Revert> {
        Ok(Self {
            recipient: c.address(at)?,
            sender: c.address(head(at, 1))?,
            face_value: c.uint(head(at, 2))?,
            win_prob: c.uint(head(at, 3))?,
            sender_nonce: c.uint(head(at, 4))?,
            recipient_rand_hash: c.b256(head(at, 5))?,
            aux_data: c.bytes(c.offset(at, head(at, 6))?)?,
        })
    }

    /// Borrows an owned `lpx_abi` ticket (for off-chain callers and tests).
    pub fn of(t: &'a Ticket) -> Self {
        Self {
            recipient: t.recipient,
            sender: t.sender,
            face_value: t.faceValue,
            win_prob: t.winProb,
            sender_nonce: t.senderNonce,
            recipient_rand_hash: t.recipientRandHash,
            aux_data: &t.auxData,
        }
    }

    /// `keccak256(abi.encodePacked(recipient, sender, faceValue, winProb, senderNonce,
    /// recipientRandHash, auxData))`: what the sender signs and the broker marks used.
    pub fn hash(&self) -> B256 {
        let mut buf = Vec::with_capacity(168 + self.aux_data.len());
        buf.extend_from_slice(self.recipient.as_slice());
        buf.extend_from_slice(self.sender.as_slice());
        for x in [self.face_value, self.win_prob, self.sender_nonce] {
            buf.extend_from_slice(&x.to_be_bytes::<32>());
        }
        buf.extend_from_slice(self.recipient_rand_hash.as_slice());
        buf.extend_from_slice(self.aux_data);
        keccak256(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, Bytes};
    use alloy_sol_types::SolValue;
    use lpx_abi::ticket_broker::{encode_aux_data, ticket_hash};

    fn sample(aux: Bytes) -> Ticket {
        Ticket {
            recipient: address!("1111111111111111111111111111111111111111"),
            sender: address!("2222222222222222222222222222222222222222"),
            faceValue: U256::from(777),
            winProb: U256::MAX - U256::from(3),
            senderNonce: U256::from(1) << 200,
            recipientRandHash: B256::repeat_byte(0x5a),
            auxData: aux,
        }
    }

    #[test]
    fn hash_matches_lpx_abi_for_any_aux_length() {
        let aux = encode_aux_data(U256::from(10), keccak256(b"foo"));
        for n in [0usize, 1, 31, 32, 63, 64, 65, 200] {
            let mut a = aux.to_vec();
            a.resize(n, 0xab);
            let t = sample(a.into());
            assert_eq!(TicketRef::of(&t).hash(), ticket_hash(&t), "auxData of {n} bytes");
        }
    }

    #[test]
    fn reads_the_abi_encoding_of_a_ticket() {
        let t = sample(encode_aux_data(U256::from(10), keccak256(b"foo")));
        // `abi_encode` of a dynamic struct is (offset, tuple); the tuple starts at 32.
        let data = t.abi_encode();
        let c = Calldata::new(&data);
        let at = c.offset(0, 0).unwrap();
        assert_eq!(TicketRef::read(&c, at), Ok(TicketRef::of(&t)));
    }
}
