//! Reading ABI-encoded calldata by hand: the router ([`crate::router`]) dispatches its own
//! selectors instead of using the SDK's `#[public]` router and alloy's decoders, which cost
//! several KiB of wasm each against the 24 KiB deployment limit. Nothing here is specific
//! to the TicketBroker (another hand-written router can use it as is).
//!
//! Positions are byte offsets into the arguments (the calldata after the selector). Every
//! read is bounds-checked, offsets and lengths are limited to 32 bits and every sum is
//! checked, so malformed calldata can only make a read fail with [`ERR_CALLDATA`]; nothing
//! here panics or allocates. Values are checked the way Solidity's decoder checks them:
//! an address word must have zero high bits. Padding after `bytes` data and trailing
//! calldata are ignored, as Solidity does.

use alloy_primitives::{Address, B256, U256};
use lpx_contracts_common::revert::{err, Revert};

/// Revert string for calldata that does not decode: too short, a dirty address word, or an
/// offset or length pointing outside the calldata.
pub const ERR_CALLDATA: &str = "invalid calldata";

/// The shared failure path (one copy of the revert encoding, not one per read).
#[inline(never)]
#[cold]
pub fn invalid() -> Revert {
    err(ERR_CALLDATA)
}

/// ABI-encoded arguments: the calldata after the 4-byte selector.
#[derive(Clone, Copy, Debug)]
pub struct Calldata<'a>(&'a [u8]);

impl<'a> Calldata<'a> {
    /// Wraps the argument bytes (the calldata without its selector).
    pub fn new(args: &'a [u8]) -> Self {
        Self(args)
    }

    /// The 32-byte word at byte position `at`.
    pub fn word(&self, at: usize) -> Result<&'a [u8; 32], Revert> {
        self.0.get(at..).and_then(|rest| rest.first_chunk::<32>()).ok_or_else(invalid)
    }

    /// A `uint256` at byte position `at`.
    pub fn uint(&self, at: usize) -> Result<U256, Revert> {
        Ok(U256::from_be_bytes(*self.word(at)?))
    }

    /// A `bytes32` at byte position `at`.
    pub fn b256(&self, at: usize) -> Result<B256, Revert> {
        Ok(B256::new(*self.word(at)?))
    }

    /// An `address` at byte position `at`; its 12 high bytes must be zero.
    pub fn address(&self, at: usize) -> Result<Address, Revert> {
        let w = self.word(at)?;
        if w[..12].iter().any(|&b| b != 0) {
            return Err(invalid());
        }
        Ok(Address::from_slice(&w[12..]))
    }

    /// A word used as an offset or a length: it must fit in 32 bits (anything larger
    /// cannot point inside calldata).
    pub fn small(&self, at: usize) -> Result<usize, Revert> {
        let w = self.word(at)?;
        if w[..28].iter().any(|&b| b != 0) {
            return Err(invalid());
        }
        Ok(u32::from_be_bytes([w[28], w[29], w[30], w[31]]) as usize)
    }

    /// The position of a dynamic value whose offset, relative to `base` (the start of the
    /// enclosing tuple or array body), is stored at `at`. The position is checked to lie
    /// inside the calldata; the value's own reads check the rest.
    pub fn offset(&self, base: usize, at: usize) -> Result<usize, Revert> {
        let pos = base.checked_add(self.small(at)?).ok_or_else(invalid)?;
        if pos >= self.0.len() {
            return Err(invalid());
        }
        Ok(pos)
    }

    /// The `bytes` value at position `at` (its length word, then its data).
    pub fn bytes(&self, at: usize) -> Result<&'a [u8], Revert> {
        let len = self.small(at)?;
        let start = at.checked_add(32).ok_or_else(invalid)?;
        let end = start.checked_add(len).ok_or_else(invalid)?;
        self.0.get(start..end).ok_or_else(invalid)
    }

    /// The array at position `at`: its length `n` and the position of its body, whose `n`
    /// head words (elements, or offsets relative to the body) are checked to be present.
    pub fn array(&self, at: usize) -> Result<(usize, usize), Revert> {
        let n = self.small(at)?;
        let body = at.checked_add(32).ok_or_else(invalid)?;
        let end = n.checked_mul(32).and_then(|h| body.checked_add(h)).ok_or_else(invalid)?;
        if end > self.0.len() {
            return Err(invalid());
        }
        Ok((n, body))
    }
}

/// Byte position of head word `i` of a tuple starting at `base`, for `i` below a count
/// already checked with [`Calldata::array`] (or a small constant).
#[inline]
pub fn head(base: usize, i: usize) -> usize {
    base.saturating_add(i.saturating_mul(32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use alloy_primitives::address;

    fn w(x: u64) -> [u8; 32] {
        U256::from(x).to_be_bytes()
    }

    fn cat(words: &[[u8; 32]], tail: &[u8]) -> Vec<u8> {
        let mut v: Vec<u8> = words.iter().flatten().copied().collect();
        v.extend_from_slice(tail);
        v
    }

    #[test]
    fn static_words_and_dirty_addresses() {
        let a = address!("00000000000000000000000000000000000a11ce");
        let mut dirty = a.into_word().0;
        dirty[0] = 1;
        let data = cat(&[a.into_word().0, dirty, w(7)], &[1, 2, 3]);
        let c = Calldata::new(&data);
        assert_eq!(c.address(0), Ok(a));
        assert_eq!(c.address(32), Err(err(ERR_CALLDATA)));
        assert_eq!(c.uint(32), Ok(U256::from_be_bytes(dirty)));
        assert_eq!(c.uint(64), Ok(U256::from(7)));
        assert_eq!(c.b256(64), Ok(B256::from(U256::from(7))));
        // 3 trailing bytes are not a word.
        assert_eq!(c.uint(96), Err(err(ERR_CALLDATA)));
        assert_eq!(c.uint(usize::MAX - 8), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&[]).uint(0), Err(err(ERR_CALLDATA)));
    }

    #[test]
    fn bytes_and_offsets() {
        // (bytes "hello") as a one-element tuple: offset 0x20, length 5, data.
        let data = cat(&[w(32), w(5)], b"hello\0\0\0");
        let c = Calldata::new(&data);
        let at = c.offset(0, 0).unwrap();
        assert_eq!(at, 32);
        assert_eq!(c.bytes(at), Ok(&b"hello"[..]));
        // Offsets past the end, huge offsets and lengths, lengths past the end.
        assert_eq!(Calldata::new(&cat(&[w(64)], &[])).offset(0, 0), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&cat(&[U256::MAX.to_be_bytes()], &[])).offset(0, 0), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&cat(&[w(u32::MAX as u64)], &[])).offset(usize::MAX - 3, 0), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&cat(&[w(9)], b"hello")).bytes(0), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&cat(&[w(1 << 32)], b"hello")).bytes(0), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&cat(&[w(0)], &[])).bytes(0), Ok(&b""[..]));
    }

    #[test]
    fn arrays_need_their_head_words() {
        let data = cat(&[w(2), w(10), w(11)], &[]);
        let c = Calldata::new(&data);
        assert_eq!(c.array(0), Ok((2, 32)));
        assert_eq!(c.uint(head(32, 1)), Ok(U256::from(11)));
        let short = cat(&[w(3), w(10), w(11)], &[]);
        assert_eq!(Calldata::new(&short).array(0), Err(err(ERR_CALLDATA)));
        let huge = cat(&[w(u32::MAX as u64)], &[]);
        assert_eq!(Calldata::new(&huge).array(0), Err(err(ERR_CALLDATA)));
        assert_eq!(Calldata::new(&cat(&[w(0)], &[])).array(0), Ok((0, 32)));
    }
}
