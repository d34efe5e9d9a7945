//! Reading ABI-encoded calldata in place, for the hand-written routers (the TicketBroker's
//! and the LivepeerGovernor's): the SDK's `#[public]` router with alloy's decoders costs
//! several KiB of wasm per signature against the 24 KiB deployment limit.
//!
//! Positions are byte offsets into the arguments (the calldata after the selector). Every
//! read is bounds-checked, offsets and lengths are limited to 32 bits and every sum is
//! checked, so malformed calldata can only make a read fail with [`ERR_CALLDATA`]; nothing
//! here panics. Values are checked the way Solidity's decoder checks them: an `address`
//! word has zero high bits, a `uint8` fits in a byte. Padding after `bytes` data and
//! trailing calldata are ignored, as Solidity does.

use crate::revert::{err, Revert};
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};

/// Revert string for calldata that does not decode: the SDK-routed contracts' message too.
pub use crate::entry::ERR_CALLDATA;

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

    /// A `uint8` at byte position `at`: the 31 high bytes must be zero.
    pub fn uint8(&self, at: usize) -> Result<u8, Revert> {
        let w = self.word(at)?;
        if w[..31].iter().any(|&b| b != 0) {
            return Err(invalid());
        }
        Ok(w[31])
    }

    /// A `bytes4` at byte position `at`: the 28 low bytes must be zero.
    pub fn bytes4(&self, at: usize) -> Result<[u8; 4], Revert> {
        let w = self.word(at)?;
        if w[4..].iter().any(|&b| b != 0) {
            return Err(invalid());
        }
        Ok([w[0], w[1], w[2], w[3]])
    }

    /// An `address` at byte position `at`; its 12 high bytes must be zero.
    pub fn address(&self, at: usize) -> Result<Address, Revert> {
        let w = self.word(at)?;
        if w[..12].iter().any(|&b| b != 0) {
            return Err(invalid());
        }
        Ok(Address::from_slice(&w[12..]))
    }

    /// A word used as an offset or a length: it must fit in 32 bits.
    pub fn small(&self, at: usize) -> Result<usize, Revert> {
        let w = self.word(at)?;
        if w[..28].iter().any(|&b| b != 0) {
            return Err(invalid());
        }
        Ok(u32::from_be_bytes([w[28], w[29], w[30], w[31]]) as usize)
    }

    /// The position of a dynamic value whose offset, relative to `base`, is stored at `at`;
    /// checked to lie inside the calldata.
    pub fn offset(&self, base: usize, at: usize) -> Result<usize, Revert> {
        let pos = base.checked_add(self.small(at)?).ok_or_else(invalid)?;
        if pos >= self.0.len() {
            return Err(invalid());
        }
        Ok(pos)
    }

    /// The `bytes` (or `string`) value at position `at`.
    pub fn bytes(&self, at: usize) -> Result<&'a [u8], Revert> {
        let len = self.small(at)?;
        let start = at.checked_add(32).ok_or_else(invalid)?;
        let end = start.checked_add(len).ok_or_else(invalid)?;
        self.0.get(start..end).ok_or_else(invalid)
    }

    /// The `bytes` argument whose head word is argument `i`.
    pub fn bytes_arg(&self, i: usize) -> Result<&'a [u8], Revert> {
        self.bytes(self.offset(0, i * 32)?)
    }

    /// The array at position `at`: its length and the position of its body, whose head
    /// words are checked to be present.
    pub fn array(&self, at: usize) -> Result<(usize, usize), Revert> {
        let n = self.small(at)?;
        let body = at.checked_add(32).ok_or_else(invalid)?;
        let end = n.checked_mul(32).and_then(|h| body.checked_add(h)).ok_or_else(invalid)?;
        if end > self.0.len() {
            return Err(invalid());
        }
        Ok((n, body))
    }

    /// The `address[]` argument whose head word is argument `i`, as ABI words.
    pub fn address_array(&self, i: usize) -> Result<Vec<U256>, Revert> {
        let (n, body) = self.array(self.offset(0, i * 32)?)?;
        (0..n).map(|k| self.address(body + k * 32).map(|a| U256::from_be_slice(a.as_slice()))).collect()
    }

    /// The `uint256[]` argument whose head word is argument `i`.
    pub fn uint_array(&self, i: usize) -> Result<Vec<U256>, Revert> {
        let (n, body) = self.array(self.offset(0, i * 32)?)?;
        (0..n).map(|k| self.uint(body + k * 32)).collect()
    }

    /// The `bytes[]` argument whose head word is argument `i`.
    pub fn bytes_array(&self, i: usize) -> Result<Vec<&'a [u8]>, Revert> {
        let (n, body) = self.array(self.offset(0, i * 32)?)?;
        (0..n).map(|k| self.bytes(self.offset(body, body + k * 32)?)).collect()
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
    use alloy_primitives::{address, Bytes};
    use alloy_sol_types::SolValue;

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

    #[test]
    fn reads_what_alloy_encodes() {
        let targets = alloc::vec![address!("00000000000000000000000000000000000000aa"), Address::repeat_byte(7)];
        let values = alloc::vec![U256::from(1), U256::MAX];
        let datas = alloc::vec![Bytes::from(alloc::vec![1u8, 2, 3]), Bytes::new()];
        let data = (targets.clone(), values.clone(), datas.clone(), alloc::string::String::from("hello"), U256::from(5u8)).abi_encode_params();
        let c = Calldata::new(&data);
        let words: Vec<U256> = targets.iter().map(|a| U256::from_be_slice(a.as_slice())).collect();
        assert_eq!(c.address_array(0), Ok(words));
        assert_eq!(c.uint_array(1), Ok(values));
        assert_eq!(c.bytes_array(2), Ok(alloc::vec![&[1u8, 2, 3][..], &[][..]]));
        assert_eq!(c.bytes_arg(3), Ok(&b"hello"[..]));
        assert_eq!(c.uint8(4 * 32), Ok(5));
    }

    #[test]
    fn rejects_dirty_and_out_of_range_values() {
        let mut data = (U256::from(256), U256::MAX).abi_encode_params();
        let c = Calldata::new(&data);
        assert_eq!(c.uint8(0), Err(invalid()));
        assert_eq!(c.address(32), Err(invalid()));
        assert_eq!(c.bytes4(32), Err(invalid()));
        assert_eq!(c.offset(0, 0), Err(invalid()));
        assert_eq!(c.word(64), Err(invalid()));
        // An array whose length runs past the end.
        data[..32].copy_from_slice(&U256::from(32).to_be_bytes::<32>());
        data[32..64].copy_from_slice(&U256::from(5).to_be_bytes::<32>());
        assert_eq!(Calldata::new(&data).uint_array(0), Err(invalid()));
    }
}
