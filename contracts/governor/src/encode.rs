//! ABI encoding by hand of the few shapes the governor writes: a proposal's arrays for its
//! id and the Treasury calls, event data and return values. alloy's generic encoders cost
//! several KiB of wasm per type; the tests check every shape against alloy's encoding.

use alloc::vec::Vec;
use alloy_primitives::U256;

/// One value of a tuple being encoded.
pub enum Tok<'a> {
    /// A static word (uint, address, bytes32, bool).
    Word(U256),
    /// `bytes` or `string`.
    Bytes(&'a [u8]),
    /// `uint256[]` or `address[]` (addresses as words).
    Words(&'a [U256]),
    /// `bytes[]`.
    BytesArray(&'a [&'a [u8]]),
    /// `string[]` of `n` empty strings (`ProposalCreated`'s signatures).
    EmptyStrings(usize),
}

fn put(out: &mut Vec<u8>, w: U256) {
    out.extend_from_slice(&w.to_be_bytes::<32>());
}

fn put_usize(out: &mut Vec<u8>, n: usize) {
    put(out, U256::from(n));
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_usize(out, b.len());
    out.extend_from_slice(b);
    out.resize(out.len() + (32 - b.len() % 32) % 32, 0);
}

fn padded(len: usize) -> usize {
    len.div_ceil(32) * 32
}

/// Size of the tail encoding of a dynamic value (0 for a word).
fn tail_len(t: &Tok<'_>) -> usize {
    match t {
        Tok::Word(_) => 0,
        Tok::Bytes(b) => 32 + padded(b.len()),
        Tok::Words(ws) => 32 + 32 * ws.len(),
        Tok::BytesArray(bs) => 32 + bs.iter().map(|b| 64 + padded(b.len())).sum::<usize>(),
        Tok::EmptyStrings(n) => 32 + 64 * n,
    }
}

/// `abi.encode(toks...)` (a function's arguments or return values, or event data).
pub fn encode(toks: &[Tok<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * toks.len() + toks.iter().map(tail_len).sum::<usize>());
    let mut offset = 32 * toks.len();
    for t in toks {
        match t {
            Tok::Word(w) => put(&mut out, *w),
            _ => {
                put_usize(&mut out, offset);
                offset += tail_len(t);
            }
        }
    }
    for t in toks {
        match t {
            Tok::Word(_) => {}
            Tok::Bytes(b) => put_bytes(&mut out, b),
            Tok::Words(ws) => {
                put_usize(&mut out, ws.len());
                ws.iter().for_each(|w| put(&mut out, *w));
            }
            Tok::BytesArray(bs) => {
                put_usize(&mut out, bs.len());
                let mut at = 32 * bs.len();
                for b in bs.iter() {
                    put_usize(&mut out, at);
                    at += 32 + padded(b.len());
                }
                bs.iter().for_each(|b| put_bytes(&mut out, b));
            }
            Tok::EmptyStrings(n) => {
                put_usize(&mut out, *n);
                (0..*n).for_each(|i| put_usize(&mut out, 32 * n + 32 * i));
                (0..*n).for_each(|_| put(&mut out, U256::ZERO));
            }
        }
    }
    out
}

/// `selector ‖ abi.encode(toks...)`: calldata of an outgoing call.
pub fn call(selector: [u8; 4], toks: &[Tok<'_>]) -> Vec<u8> {
    let mut out = selector.to_vec();
    out.extend_from_slice(&encode(toks));
    out
}

/// ABI-encodes static return words.
pub fn words(ws: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * ws.len());
    ws.iter().for_each(|w| put(&mut out, *w));
    out
}

/// ABI-encodes a single `string` return value.
pub fn string(s: &[u8]) -> Vec<u8> {
    encode(&[Tok::Bytes(s)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{string::String, vec};
    use alloy_primitives::{Address, Bytes};
    use alloy_sol_types::SolValue;

    #[test]
    fn matches_alloy() {
        let a = [Address::repeat_byte(1), Address::repeat_byte(2)];
        let aw: Vec<U256> = a.iter().map(|x| U256::from_be_slice(x.as_slice())).collect();
        let vals = [U256::from(3), U256::from(4)];
        let datas: [&[u8]; 3] = [&[1, 2, 3], &[], &[9; 33]];
        let got = encode(&[Tok::Words(&aw), Tok::Words(&vals), Tok::BytesArray(&datas), Tok::Word(U256::from(7)), Tok::Bytes(b"desc"), Tok::EmptyStrings(2)]);
        let bytes: Vec<Bytes> = datas.iter().map(|d| Bytes::copy_from_slice(d)).collect();
        let strings = vec![String::new(), String::new()];
        let want = (a.to_vec(), vals.to_vec(), bytes, U256::from(7), String::from("desc"), strings).abi_encode_params();
        assert_eq!(got, want);
        assert_eq!(string(b"LivepeerGovernor"), String::from("LivepeerGovernor").abi_encode());
        assert_eq!(encode(&[Tok::EmptyStrings(0)]), Vec::<String>::new().abi_encode());
    }
}
