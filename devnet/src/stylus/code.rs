//! The on-chain code format of Stylus programs (spec §3.1-3.3): the `EF F0 0x` prefixes and
//! brotli decompression. Making code (compression, the CREATE prelude) is the clients' side:
//! `lpx_contract_build`.

use std::io::Read;

/// Prefix of a classic Stylus program: `EF F0 00`, followed by a dictionary byte and brotli data.
pub const PROGRAM_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];
/// Prefix of a fragment of a large program (ArbOS 60).
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// Prefix of the root of a fragmented program (ArbOS 60).
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Largest decompressed wasm Nitro accepts (`MaxWasmSize`).
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// Why a code blob is not a usable Stylus program.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodeError {
    /// The code doesn't start with `EF F0 00`.
    #[error("code is not a Stylus program")]
    NotWasm,
    /// The dictionary byte names a dictionary this chain doesn't ship.
    #[error("unsupported brotli dictionary {0}")]
    UnsupportedDictionary(u8),
    /// The brotli stream is corrupt.
    #[error("brotli decompression failed")]
    Decompress,
    /// The decompressed wasm is larger than `MaxWasmSize`.
    #[error("decompressed wasm exceeds {MAX_WASM_SIZE} bytes")]
    TooLarge,
}

/// Whether new code may start with `0xEF` because it is one of the Stylus formats (the only
/// exemption from EIP-3541 that Arbitrum makes).
pub fn is_stylus_deployable(code: &[u8]) -> bool {
    code.len() >= 3 && [PROGRAM_PREFIX, FRAGMENT_PREFIX, ROOT_PREFIX].iter().any(|p| code.starts_with(p))
}

/// Whether calling this code runs a Stylus program.
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.starts_with(&PROGRAM_PREFIX)
}

/// Extracts the wasm of a classic program: strips the prefix and decompresses, capped at
/// `MaxWasmSize`.
pub fn decode_program(code: &[u8]) -> Result<Vec<u8>, CodeError> {
    if !is_stylus_program(code) || code.len() < 4 {
        return Err(CodeError::NotWasm);
    }
    // Dictionary 1 is Nitro's built-in LZ77 dictionary; cargo-stylus never uses it.
    if code[3] != 0 {
        return Err(CodeError::UnsupportedDictionary(code[3]));
    }
    let mut wasm = Vec::new();
    brotli::Decompressor::new(&code[4..], 4096).take(MAX_WASM_SIZE as u64 + 1).read_to_end(&mut wasm).map_err(|_| CodeError::Decompress)?;
    if wasm.len() > MAX_WASM_SIZE {
        return Err(CodeError::TooLarge);
    }
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_wasm() {
        let wasm = wat::parse_str("(module (memory (export \"memory\") 1))").unwrap();
        let code = lpx_contract_build::compress(&wasm);
        assert!(is_stylus_program(&code));
        assert_eq!(decode_program(&code).unwrap(), wasm);
    }

    #[test]
    fn rejects_non_programs() {
        assert_eq!(decode_program(&[0x60, 0x00]), Err(CodeError::NotWasm));
        assert_eq!(decode_program(&[0xEF, 0xF0, 0x00, 0x01, 0x00]), Err(CodeError::UnsupportedDictionary(1)));
        assert!(is_stylus_deployable(&[0xEF, 0xF0, 0x01]));
        assert!(!is_stylus_deployable(&[0xEF, 0x00]));
    }
}
