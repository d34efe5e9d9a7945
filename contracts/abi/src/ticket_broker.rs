//! ABI of the TicketBroker (Livepeer `TicketBroker.sol`, spec §8), the `Ticket` struct both
//! sides hash, and the ticket encoding rules (hash, auxData, signature digest, win value)
//! that the contract and the off-chain `pm` library must agree on bit for bit.
//!
//! The revert strings live in [`reasons`] so the contract and `pm` cannot drift apart.

// Declared here rather than in lib.rs so this module builds on its own.
extern crate alloc;

use alloc::vec::Vec;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;

alloy_sol_types::sol! {
    /// A probabilistic micropayment ticket (spec §8.1). `winProb` is out of 2^256 − 1; the
    /// ticket wins iff `uint256(keccak256(sig ‖ recipientRand)) < winProb`. `auxData` is
    /// `creationRound (32 bytes) ‖ creationRoundBlockHash (32 bytes)`.
    #[derive(Debug, PartialEq, Eq, Default)]
    struct Ticket {
        address recipient;
        address sender;
        uint256 faceValue;
        uint256 winProb;
        uint256 senderNonce;
        bytes32 recipientRandHash;
        bytes auxData;
    }

    /// A sender's deposit and unlock state (`getSenderInfo`'s first member).
    #[derive(Debug, PartialEq, Eq, Default)]
    struct SenderInfo {
        uint256 deposit;
        uint256 withdrawRound;
    }

    /// A sender's reserve as seen in the current round.
    #[derive(Debug, PartialEq, Eq, Default)]
    struct ReserveInfo {
        uint256 fundsRemaining;
        uint256 claimedInCurrentRound;
    }

    /// Livepeer's TicketBroker, with the Manager members repeated (see the crate docs).
    #[derive(Debug, PartialEq, Eq)]
    interface ITicketBroker {
        /// Adds `msg.value` to the caller's deposit; cancels the caller's unlock.
        function fundDeposit() external payable;
        /// Adds `msg.value` to the caller's reserve; cancels the caller's unlock.
        function fundReserve() external payable;
        /// `fundDepositAndReserveFor(msg.sender, ...)`.
        function fundDepositAndReserve(uint256 _depositAmount, uint256 _reserveAmount) external payable;
        /// Credits `_addr`; `msg.value` must equal the sum; only `_addr` itself cancels its unlock.
        function fundDepositAndReserveFor(address _addr, uint256 _depositAmount, uint256 _reserveAmount) external payable;
        /// Pays a winning ticket from the sender's deposit, then its reserve.
        function redeemWinningTicket(Ticket _ticket, bytes _sig, uint256 _recipientRand) external;
        /// Redeems each ticket on its own; failures are skipped silently.
        function batchRedeemWinningTickets(Ticket[] _tickets, bytes[] _sigs, uint256[] _recipientRands) external;
        /// Starts the unlock period for the caller's funds.
        function unlock() external;
        /// Stops the caller's unlock.
        function cancelUnlock() external;
        /// Pays out the caller's deposit and reserve once unlocked.
        function withdraw() external;

        /// Whether `_sender` has an unlock in progress.
        function isUnlockInProgress(address _sender) external view returns (bool);
        /// Deposit, withdraw round and reserve of `_sender`.
        function getSenderInfo(address _sender) external view returns (SenderInfo sender, ReserveInfo reserve);
        /// Reserve of `_reserveHolder` in the current round.
        function getReserveInfo(address _reserveHolder) external view returns (ReserveInfo info);
        /// What `_claimant` may still take from `_reserveHolder`'s reserve this round.
        function claimableReserve(address _reserveHolder, address _claimant) external view returns (uint256);
        /// What `_claimant` took from `_reserveHolder`'s reserve this round.
        function claimedReserve(address _reserveHolder, address _claimant) external view returns (uint256);
        /// `keccak256(abi.encodePacked(ticket fields))`.
        function getTicketHash(Ticket _ticket) external pure returns (bytes32);
        /// Whether the ticket with this hash has been redeemed.
        function usedTickets(bytes32 _ticketHash) external view returns (bool);
        /// Rounds between `unlock` and `withdraw`.
        function unlockPeriod() external view returns (uint256);
        /// Rounds a ticket stays redeemable after its creation round.
        function ticketValidityPeriod() external view returns (uint256);
        /// Sets the unlock period (onlyControllerOwner).
        function setUnlockPeriod(uint256 _unlockPeriod) external;
        /// Sets the validity period, > 0 (onlyControllerOwner).
        function setTicketValidityPeriod(uint256 _ticketValidityPeriod) external;

        /// The Controller this contract resolves its peers through.
        function controller() external view returns (address);
        /// Re-points the contract at a new Controller (onlyController).
        function setController(address _controller) external;
        /// The Controller id this contract runs as a target of.
        function targetContractId() external view returns (bytes32);

        /// Deposit funded.
        event DepositFunded(address indexed sender, uint256 amount);
        /// Reserve funded.
        event ReserveFunded(address indexed reserveHolder, uint256 amount);
        /// `claimant` took `amount` from `reserveHolder`'s reserve.
        event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount);
        /// A winning ticket was redeemed.
        event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData);
        /// `amount` of a winning ticket was credited to `recipient`'s fee pool.
        event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount);
        /// Unlock started.
        event Unlock(address indexed sender, uint256 startRound, uint256 endRound);
        /// Unlock cancelled.
        event UnlockCancelled(address indexed sender);
        /// Funds withdrawn.
        event Withdrawal(address indexed sender, uint256 deposit, uint256 reserve);
        /// Emitted by `setController`.
        event SetController(address controller);
        /// Emitted by every parameter setter, with the parameter's name.
        event ParameterUpdate(string param);
    }
}

/// Registry entry, see the crate docs.
pub const ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "TicketBroker",
    functions: ITicketBroker::ITicketBrokerCalls::SIGNATURES,
    selectors: ITicketBroker::ITicketBrokerCalls::SELECTORS,
    events: ITicketBroker::ITicketBrokerEvents::SIGNATURES,
    topics: ITicketBroker::ITicketBrokerEvents::SELECTORS,
};

/// The TicketBroker's revert strings, shared with the off-chain validator (`lpx-pm`), which
/// reports the same text for the same failed check.
pub mod reasons {
    /// `ticket.recipient == 0`.
    pub const RECIPIENT_NULL: &str = "ticket recipient is null address";
    /// `ticket.sender == 0`.
    pub const SENDER_NULL: &str = "ticket sender is null address";
    /// `auxData` is not 64 bytes.
    pub const AUX_DATA_LENGTH: &str = "invalid length for ticket auxData: must be 64 bytes";
    /// No block hash stored for the creation round.
    pub const NO_BLOCK_HASH: &str = "ticket creationRound does not have a block hash";
    /// The auxData block hash differs from the stored one.
    pub const BLOCK_HASH_INVALID: &str = "ticket creationRoundBlockHash invalid for creationRound";
    /// `creationRound + ticketValidityPeriod <= currentRound`.
    pub const EXPIRED: &str = "ticket is expired";
    /// `keccak256(recipientRand) != recipientRandHash`.
    pub const RAND_MISMATCH: &str = "recipientRand does not match recipientRandHash";
    /// The ticket hash was already redeemed.
    pub const USED: &str = "ticket is used";
    /// The signature is not exactly 65 bytes.
    pub const SIG_LENGTH: &str = "INVALID_SIGNATURE_LENGTH";
    /// The signature's `s` is in the upper half of the curve order.
    pub const SIG_HIGH_S: &str = "ECDSA: invalid signature 's' value";
    /// ecrecover failed (bad `v`, `r` or `s`).
    pub const SIG_INVALID: &str = "ECDSA: invalid signature";
    /// The signature recovers to someone other than the sender.
    pub const SIG_WRONG_SIGNER: &str = "invalid signature over ticket hash";
    /// The win value is not below `winProb`.
    pub const DID_NOT_WIN: &str = "ticket did not win";
    /// The sender's unlock period is over.
    pub const SENDER_UNLOCKED: &str = "sender is unlocked";
    /// The sender has neither deposit nor reserve.
    pub const FUNDS_ZERO: &str = "sender deposit and reserve are zero";
    /// The recipient is not in the current round's active set (Aug 2025 fee fix).
    pub const RECIPIENT_INACTIVE: &str = "transcoder must be active";
    /// `unlock` while an unlock is in progress.
    pub const UNLOCK_IN_PROGRESS: &str = "unlock already initiated";
    /// `cancelUnlock`/`withdraw` without an unlock.
    pub const NO_UNLOCK: &str = "no unlock request in progress";
    /// `withdraw` before the withdraw round.
    pub const LOCKED: &str = "account is locked";
    /// `msg.value != deposit + reserve`.
    pub const VALUE_MISMATCH: &str = "msg.value does not equal sum of deposit amount and reserve amount";
    /// `setTicketValidityPeriod(0)`.
    pub const VALIDITY_ZERO: &str = "ticketValidityPeriod must be greater than 0";
    /// A round-gated call before `initializeRound`.
    pub const ROUND_NOT_INITIALIZED: &str = "current round is not initialized";
    /// `batchRedeemWinningTickets` with arrays of different lengths (Livepeer: Panic(0x32)).
    pub const BATCH_LENGTH: &str = "batch arrays must have equal length";
}

/// Length of a standard `auxData`: creation round and its block hash.
pub const AUX_DATA_LEN: usize = 64;
/// Length of the only accepted signature form, `r ‖ s ‖ v`.
pub const SIGNATURE_LEN: usize = 65;
/// Half the secp256k1 group order: signatures with a larger `s` are rejected (malleability).
pub const SECP256K1_HALF_N: U256 = U256::from_limbs([0xdfe9_2f46_681b_20a0, 0x5d57_6e73_57a4_501d, 0xffff_ffff_ffff_ffff, 0x7fff_ffff_ffff_ffff]);

/// `abi.encodePacked` of the ticket's fields, in order: 20 + 20 + 4 × 32 bytes, then the
/// raw `auxData` (232 bytes for a standard ticket; spec §8.2 says 200, a miscount, while
/// its V56 hashes agree with this encoding).
pub fn ticket_preimage(ticket: &Ticket) -> Vec<u8> {
    ticket.abi_encode_packed()
}

/// The ticket hash the sender signs and the broker marks as used.
pub fn ticket_hash(ticket: &Ticket) -> B256 {
    keccak256(ticket_preimage(ticket))
}

/// EIP-191 personal-sign digest of a 32-byte hash: what the ticket signature is over.
pub fn eth_signed_message_hash(hash: &B256) -> B256 {
    let mut buf = [0u8; 60];
    buf[..28].copy_from_slice(b"\x19Ethereum Signed Message:\n32");
    buf[28..].copy_from_slice(hash.as_slice());
    keccak256(buf)
}

/// `keccak256(uint256 recipientRand)`: the commitment the recipient puts in its params.
pub fn recipient_rand_hash(recipient_rand: U256) -> B256 {
    keccak256(recipient_rand.to_be_bytes::<32>())
}

/// The value compared against `winProb`: `uint256(keccak256(sig ‖ uint256 rand))`.
pub fn win_value(sig: &[u8], recipient_rand: U256) -> U256 {
    let mut buf = Vec::with_capacity(sig.len() + 32);
    buf.extend_from_slice(sig);
    buf.extend_from_slice(&recipient_rand.to_be_bytes::<32>());
    U256::from_be_bytes(keccak256(buf).0)
}

/// Builds the standard `auxData`: `creationRound ‖ creationRoundBlockHash`.
pub fn encode_aux_data(creation_round: U256, block_hash: B256) -> Bytes {
    (creation_round, block_hash).abi_encode_packed().into()
}

/// Splits a 64-byte `auxData` into creation round and block hash; `None` for any other length.
pub fn decode_aux_data(aux: &[u8]) -> Option<(U256, B256)> {
    if aux.len() != AUX_DATA_LEN {
        return None;
    }
    let round = U256::from_be_slice(&aux[..32]);
    Some((round, B256::from_slice(&aux[32..])))
}

/// A 65-byte signature split into `(r, s, v)`; `None` for any other length.
pub fn split_signature(sig: &[u8]) -> Option<(B256, U256, u8)> {
    if sig.len() != SIGNATURE_LEN {
        return None;
    }
    Some((B256::from_slice(&sig[..32]), U256::from_be_slice(&sig[32..64]), sig[64]))
}

/// Input of the ecrecover precompile (address 0x01) for `digest` and a split signature.
pub fn ecrecover_input(digest: &B256, r: &B256, s: U256, v: u8) -> [u8; 128] {
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = v;
    input[64..96].copy_from_slice(r.as_slice());
    input[96..].copy_from_slice(&s.to_be_bytes::<32>());
    input
}

/// The address in an ecrecover precompile output; `None` when recovery failed (empty or
/// zero output).
pub fn ecrecover_output(output: &[u8]) -> Option<Address> {
    if output.len() < 32 {
        return None;
    }
    let addr = Address::from_slice(&output[12..32]);
    (addr != Address::ZERO).then_some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, hex};

    fn default_aux() -> Bytes {
        encode_aux_data(U256::from(10), keccak256(b"foo"))
    }

    #[test]
    fn v56_keccak_foo() {
        assert_eq!(keccak256(b"foo"), b256!("41b1a0649752af1b28b3dc29a1556eee781e4a4c3a1f7f53f90fa834de098c4d"));
    }

    #[test]
    fn v56_all_zero_ticket_hash() {
        let t = Ticket { auxData: default_aux(), ..Default::default() };
        assert_eq!(ticket_preimage(&t).len(), 232);
        assert_eq!(ticket_hash(&t), b256!("e502907c16036ab3d11b78c5a2e93c20f3d6415c67f91de4ed01348182b3b2e2"));
        let t = Ticket { faceValue: U256::from(777), winProb: U256::from(666), auxData: default_aux(), ..Default::default() };
        assert_eq!(ticket_hash(&t), b256!("9e25084fdd8bf26c3014eb2742a5b6e4f6d9a00ac075c702aac2a0e5919e5ebd"));
    }

    #[test]
    fn v56_rand_hash_digest_and_win_value() {
        assert_eq!(recipient_rand_hash(U256::from(5)), b256!("036b6384b5eca791c62761152d0c79bb0604c104a5fb6f4eb0703f3154bb3db0"));
        let t = Ticket {
            recipient: address!("1111111111111111111111111111111111111111"),
            sender: address!("2222222222222222222222222222222222222222"),
            faceValue: U256::from(10u64).pow(U256::from(15)),
            winProb: U256::from(1) << 255,
            senderNonce: U256::from(1),
            recipientRandHash: recipient_rand_hash(U256::from(5)),
            auxData: default_aux(),
        };
        let h = ticket_hash(&t);
        assert_eq!(h, b256!("0612e86dca6247b3d9d114c8eda34c434b095918591b14d6a65640cb5c16de3c"));
        assert_eq!(eth_signed_message_hash(&h), b256!("3b562fdf9150fd209a6813d99380f57cc8b8cd97aa9f0c518b8db8f2c119ae9c"));
        let mut sig = [0x11u8; 65];
        sig[64] = 0x1b;
        let w = win_value(&sig, U256::from(5));
        assert_eq!(w, "56238108622425562886988786672269395872639723479910900663221186620129008854697".parse::<U256>().unwrap());
        assert!(w < t.winProb);
    }

    #[test]
    fn aux_data_round_trip_and_length() {
        let aux = default_aux();
        assert_eq!(aux.len(), 64);
        assert_eq!(decode_aux_data(&aux), Some((U256::from(10), keccak256(b"foo"))));
        assert_eq!(decode_aux_data(&aux[..63]), None);
        assert_eq!(decode_aux_data(&[]), None);
    }

    #[test]
    fn half_order_constant() {
        let n = U256::from_be_bytes(hex!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));
        assert_eq!(SECP256K1_HALF_N, n >> 1);
    }

    #[test]
    fn selectors_match_spec_appendix_a() {
        let want = [
            ("fundDeposit()", "6caa736b"),
            ("fundReserve()", "6f9c3c8f"),
            ("fundDepositAndReserve(uint256,uint256)", "511f4073"),
            ("fundDepositAndReserveFor(address,uint256,uint256)", "989f789c"),
            ("redeemWinningTicket((address,address,uint256,uint256,uint256,bytes32,bytes),bytes,uint256)", "ec8b3cb6"),
            ("batchRedeemWinningTickets((address,address,uint256,uint256,uint256,bytes32,bytes)[],bytes[],uint256[])", "d01b808e"),
            ("unlock()", "a69df4b5"),
            ("cancelUnlock()", "c2c4c2c8"),
            ("withdraw()", "3ccfd60b"),
            ("getTicketHash((address,address,uint256,uint256,uint256,bytes32,bytes))", "b03fa864"),
            ("claimableReserve(address,address)", "81779f38"),
        ];
        for (sig, sel) in want {
            let i = ABI.functions.iter().position(|f| *f == sig).expect(sig);
            assert_eq!(hex::encode(ABI.selectors[i]), sel, "{sig}");
        }
    }
}
