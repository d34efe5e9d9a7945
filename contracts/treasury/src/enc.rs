//! The few ABI encodings the timelock builds, written out: operation-id preimages and the
//! data of the events carrying `bytes`. alloy's generic encoders for these types cost
//! several KiB of wasm, against a 24 KiB limit; `tests.rs` checks these against alloy's.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// A 32-byte ABI word.
pub type Word = [u8; 32];

/// `x` as a word.
pub fn uint(x: usize) -> Word {
    U256::from(x).to_be_bytes::<32>()
}

/// An address as a word.
pub fn address(a: Address) -> Word {
    a.into_word().0
}

/// Length of `data` padded to whole words.
fn padded(len: usize) -> usize {
    len.div_ceil(32).saturating_mul(32)
}

/// Appends a `bytes` value: its length word, then the data padded to whole words.
fn push_bytes(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(&uint(data.len()));
    out.extend_from_slice(data);
    out.resize(out.len().saturating_add(padded(data.len()) - data.len()), 0);
}

/// `abi.encode(...)` of static words and one `bytes` value: `head` lists the head words, with
/// `None` where the offset of the `bytes` goes.
pub fn with_bytes(head: &[Option<Word>], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * head.len() + 32 + padded(data.len()));
    for w in head {
        out.extend_from_slice(&w.unwrap_or_else(|| uint(32 * head.len())));
    }
    push_bytes(&mut out, data);
    out
}

/// `abi.encode(targets, values, payloads, predecessor, salt)`.
pub fn batch<P: AsRef<[u8]>>(targets: &[Address], values: &[U256], payloads: &[P], predecessor: B256, salt: B256) -> Vec<u8> {
    let off_targets = 5 * 32;
    let off_values = off_targets + 32 + 32 * targets.len();
    let off_payloads = off_values + 32 + 32 * values.len();
    let mut out = Vec::new();
    for w in [uint(off_targets), uint(off_values), uint(off_payloads), predecessor.0, salt.0] {
        out.extend_from_slice(&w);
    }
    out.extend_from_slice(&uint(targets.len()));
    targets.iter().for_each(|t| out.extend_from_slice(&address(*t)));
    out.extend_from_slice(&uint(values.len()));
    values.iter().for_each(|v| out.extend_from_slice(&v.to_be_bytes::<32>()));
    out.extend_from_slice(&uint(payloads.len()));
    // Offsets of the elements, relative to the start of this offset table.
    let mut at = 32 * payloads.len();
    for p in payloads {
        out.extend_from_slice(&uint(at));
        at = at.saturating_add(32 + padded(p.as_ref().len()));
    }
    payloads.iter().for_each(|p| push_bytes(&mut out, p.as_ref()));
    out
}

/// Lower-case hex of `bytes` (OZ's `Strings.toHexString` digits, without the `0x`).
pub fn hex_into(out: &mut alloc::string::String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
}
