//! `recover_signer` (libsecp256k1) against an independent reference: the same contract
//! rules in front of alloy's k256 recovery, which is what pm used before. They must agree
//! on the signer of every valid signature and on the reason for every refused one.

use alloy::{
    primitives::{Address, Signature, B256, U256},
    signers::{local::PrivateKeySigner, SignerSync},
};
use lpx_pm::{eth_signed_message_hash, recover_signer, TicketError};
use proptest::prelude::*;

/// The curve order n.
const N: U256 = U256::from_limbs([0xbfd2_5e8c_d036_4141, 0xbaae_dce6_af48_a03b, 0xffff_ffff_ffff_fffe, 0xffff_ffff_ffff_ffff]);

fn half_n() -> U256 {
    N >> 1
}

/// The reference: OZ 4.9's checks, then k256 recovery (which refuses r, s outside [1, n)
/// and re-verifies the key it finds).
fn recover_k256(hash: &B256, sig: &[u8]) -> Result<Address, TicketError> {
    if sig.len() != 65 {
        return Err(TicketError::SignatureLength);
    }
    let r = U256::from_be_slice(&sig[..32]);
    let s = U256::from_be_slice(&sig[32..64]);
    if s > half_n() {
        return Err(TicketError::SignatureHighS);
    }
    let parity = match sig[64] {
        27 => false,
        28 => true,
        _ => return Err(TicketError::SignatureInvalid),
    };
    Signature::new(r, s, parity).recover_address_from_prehash(&eth_signed_message_hash(hash)).map_err(|_| TicketError::SignatureInvalid)
}

fn sig_bytes(r: U256, s: U256, v: u8) -> Vec<u8> {
    let mut b = Vec::with_capacity(65);
    b.extend_from_slice(&r.to_be_bytes::<32>());
    b.extend_from_slice(&s.to_be_bytes::<32>());
    b.push(v);
    b
}

/// A valid ticket-style signature: EIP-191 over `hash`, low s, v 27/28.
fn sign(key: &PrivateKeySigner, hash: &B256) -> Vec<u8> {
    let sig = key.sign_hash_sync(&eth_signed_message_hash(hash)).unwrap();
    sig.as_bytes().to_vec()
}

fn dev_key() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap()
}

#[test]
fn valid_signature_recovers_the_signer() {
    let key = dev_key();
    let hash = B256::repeat_byte(7);
    let sig = sign(&key, &hash);
    assert!(sig[64] == 27 || sig[64] == 28);
    assert_eq!(recover_signer(&hash, &sig), Ok(key.address()));
    // Another message: some other address, never the signer.
    let other = recover_signer(&B256::repeat_byte(8), &sig).unwrap();
    assert_ne!(other, key.address());
}

#[test]
fn malformed_signatures_are_refused_with_the_contracts_reasons() {
    let key = dev_key();
    let hash = B256::repeat_byte(9);
    let good = sign(&key, &hash);
    let r = U256::from_be_slice(&good[..32]);
    let s = U256::from_be_slice(&good[32..64]);
    let v = good[64];

    let cases: Vec<(&str, Vec<u8>, TicketError)> = vec![
        ("empty", vec![], TicketError::SignatureLength),
        ("64 bytes", good[..64].to_vec(), TicketError::SignatureLength),
        ("66 bytes", [good.as_slice(), &[0]].concat(), TicketError::SignatureLength),
        // The malleable twin (n − s, flipped v) is the classic replay: refused as high s.
        ("malleable twin", sig_bytes(r, N - s, 55 - v), TicketError::SignatureHighS),
        ("s = n/2 + 1", sig_bytes(r, half_n() + U256::from(1), v), TicketError::SignatureHighS),
        ("s = n", sig_bytes(r, N, v), TicketError::SignatureHighS),
        ("s = 2^256 - 1", sig_bytes(r, U256::MAX, v), TicketError::SignatureHighS),
        // High s is checked before v, as in OZ 4.9.
        ("high s and v = 0", sig_bytes(r, N - s, 0), TicketError::SignatureHighS),
        ("v = 0", sig_bytes(r, s, 0), TicketError::SignatureInvalid),
        ("v = 1", sig_bytes(r, s, 1), TicketError::SignatureInvalid),
        ("v = 26", sig_bytes(r, s, 26), TicketError::SignatureInvalid),
        ("v = 29", sig_bytes(r, s, 29), TicketError::SignatureInvalid),
        ("v = 255", sig_bytes(r, s, 255), TicketError::SignatureInvalid),
        ("r = 0", sig_bytes(U256::ZERO, s, v), TicketError::SignatureInvalid),
        ("s = 0", sig_bytes(r, U256::ZERO, v), TicketError::SignatureInvalid),
        ("r = n", sig_bytes(N, s, v), TicketError::SignatureInvalid),
        // An x in [n, p) has points, but only recovery ids 2/3 reach them; the precompile
        // refuses r ≥ n instead.
        ("r = n + 1", sig_bytes(N + U256::from(1), s, v), TicketError::SignatureInvalid),
        ("r = 2^256 - 1", sig_bytes(U256::MAX, s, v), TicketError::SignatureInvalid),
    ];
    for (name, sig, want) in cases {
        assert_eq!(recover_signer(&hash, &sig), Err(want.clone()), "{name}");
        assert_eq!(recover_k256(&hash, &sig), Err(want), "{name} (k256)");
    }
    // s = n/2 exactly is still low: it recovers some key, the same one for both.
    let edge = sig_bytes(r, half_n(), v);
    let got = recover_signer(&hash, &edge);
    assert!(got.is_ok(), "s = n/2: {got:?}");
    assert_eq!(got, recover_k256(&hash, &edge));
}

#[test]
fn r_off_the_curve_is_invalid() {
    // About half of all x have no point; x = 5 is one (5³ + 7 = 132 is not a square mod p, by Euler's criterion).
    let sig = sig_bytes(U256::from(5), U256::from(1), 27);
    assert_eq!(recover_k256(&B256::ZERO, &sig), Err(TicketError::SignatureInvalid));
    assert_eq!(recover_signer(&B256::ZERO, &sig), Err(TicketError::SignatureInvalid));
}

fn any_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        // Near the bounds the checks care about.
        (0u64..4).prop_map(U256::from),
        (0u64..4).prop_map(|d| N - U256::from(d)),
        (0u64..4).prop_map(|d| N + U256::from(d)),
        (0u64..4).prop_map(|d| half_n() + U256::from(d)),
        (0u64..4).prop_map(|d| half_n() - U256::from(d)),
        (0u64..4).prop_map(|d| U256::MAX - U256::from(d)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn agrees_with_k256_on_valid_signatures(key in any::<[u8; 32]>(), hash in any::<[u8; 32]>()) {
        let Ok(key) = PrivateKeySigner::from_bytes(&B256::from(key)) else {
            return Ok(()); // zero or ≥ n: not a key
        };
        let hash = B256::from(hash);
        let sig = sign(&key, &hash);
        prop_assert_eq!(recover_signer(&hash, &sig), Ok(key.address()));
        prop_assert_eq!(recover_k256(&hash, &sig), Ok(key.address()));
    }

    #[test]
    fn agrees_with_k256_on_arbitrary_signatures(
        r in any_u256(),
        s in any_u256(),
        v in prop_oneof![Just(27u8), Just(28u8), any::<u8>()],
        hash in any::<[u8; 32]>(),
    ) {
        let hash = B256::from(hash);
        let sig = sig_bytes(r, s, v);
        prop_assert_eq!(recover_signer(&hash, &sig), recover_k256(&hash, &sig));
    }

    #[test]
    fn agrees_with_k256_on_corrupted_signatures(
        key in any::<[u8; 32]>(),
        hash in any::<[u8; 32]>(),
        at in 0usize..65,
        xor in 1u8..=255,
    ) {
        let Ok(key) = PrivateKeySigner::from_bytes(&B256::from(key)) else {
            return Ok(());
        };
        let hash = B256::from(hash);
        let mut sig = sign(&key, &hash);
        sig[at] ^= xor;
        let got = recover_signer(&hash, &sig);
        prop_assert_eq!(&got, &recover_k256(&hash, &sig));
        prop_assert_ne!(got, Ok(key.address()));
    }
}
