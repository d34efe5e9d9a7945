//! Content identifiers: keccak256 (what receipts sign, as go-livepeer does) and IPFS CIDv1
//! (raw codec, sha2-256), both computed locally.

use std::io::Read;
use std::path::Path;

use alloy_primitives::{Keccak256, B256};
use cid::Cid;
use multihash::Multihash;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Multicodec code of raw binary data.
const RAW_CODEC: u64 = 0x55;
/// Multihash code of sha2-256.
const SHA2_256: u64 = 0x12;

/// keccak256 of a file's bytes, read in chunks.
pub fn keccak_file(path: &Path) -> Result<B256> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Keccak256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize())
}

/// The CIDv1 of `data` as IPFS would give it for a raw block: codec 0x55, sha2-256 multihash,
/// base32 (lower case, `b` prefix).
pub fn cid_v1_raw(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    // A 32-byte digest always fits a 64-byte multihash.
    let mh = Multihash::<64>::wrap(SHA2_256, &digest).expect("32-byte digest fits a 64-byte multihash");
    Cid::new_v1(RAW_CODEC, mh).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_matches_ipfs_for_known_content() {
        // `ipfs add --cid-version 1 --raw-leaves` of "hello world\n" (and of the empty file).
        assert_eq!(cid_v1_raw(b"hello world\n"), "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
        assert_eq!(cid_v1_raw(b""), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    }
}
