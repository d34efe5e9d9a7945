//! WASM → on-chain code, and the module checks Nitro applies at activation.

use std::io::Write;

use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// Classic Stylus program prefix: `EF F0 00` and dictionary byte 0 (none), as cargo-stylus
/// writes it.
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// Brotli quality and window cargo-stylus uses.
const BROTLI_QUALITY: u32 = 11;
const BROTLI_LGWIN: u32 = 22;

/// Re-encodes the module through wasmparser/wasm-encoder. Rust's precompiled `core` is built
/// with reference types, so the linker leaves `call_indirect` table indices as padded
/// 5-byte LEB128s, which an MVP validator (Nitro's) rejects with "zero byte expected".
/// cargo-stylus fixes this by round-tripping through WAT; re-encoding does the same.
pub fn reencode(wasm: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let mut module = wasm_encoder::Module::new();
    RoundtripReencoder.parse_core_module(&mut module, Parser::new(0), wasm).map_err(|e| format!("re-encoding failed: {e:?}"))?;
    Ok(module.finish())
}

/// What Nitro gets (before compression): the re-encoded module without custom sections.
pub fn nitro_wasm(wasm: &[u8]) -> Result<Vec<u8>, String> {
    reencode(&strip_custom_sections(wasm)?)
}

/// Removes every custom section (names, producers, debug info), as cargo-stylus does before
/// compressing.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = wasm.get(..8).ok_or("not a WASM module")?.to_vec();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let Payload::CustomSection(_) = payload {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            // Section header: id, LEB128 size, then the payload at `range`.
            let range = usize::try_from(range.start).map_err(|e| e.to_string())?..usize::try_from(range.end).map_err(|e| e.to_string())?;
            out.push(id);
            leb128(&mut out, range.len() as u64);
            out.extend_from_slice(&wasm[range]);
        }
    }
    Ok(out)
}

fn leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The code to deploy: [`compress`] of [`nitro_wasm`].
pub fn deploy_code(wasm: &[u8]) -> Result<Vec<u8>, String> {
    Ok(compress(&nitro_wasm(wasm)?))
}

/// `EF F0 00 00` + brotli(q11, window 22) of `wasm` as it is, the compression cargo-stylus
/// applies.
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let mut code = STYLUS_PREFIX.to_vec();
    {
        let mut writer = brotli::CompressorWriter::new(&mut code, 4096, BROTLI_QUALITY, BROTLI_LGWIN);
        // Writing into a Vec can't fail.
        let _ = writer.write_all(wasm);
    }
    code
}

/// Length of the CREATE prelude of [`create_init_code`].
pub const CREATE_PRELUDE_LEN: usize = 43;

/// CREATE init code that deploys `code` unchanged: the 43-byte prelude cargo-stylus uses
/// (PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0, RETURN, a version byte), then
/// the code.
pub fn create_init_code(code: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(CREATE_PRELUDE_LEN + code.len());
    out.push(0x7f);
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(code.len() as u64).to_be_bytes());
    out.extend_from_slice(&len);
    out.extend_from_slice(&[0x80, 0x60, CREATE_PRELUDE_LEN as u8, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    out.extend_from_slice(code);
    out
}

/// Validates the module with the feature set Nitro accepts: the MVP plus bulk memory,
/// sign extension and mutable globals; no reference types, multi-value, SIMD, threads,
/// tail calls or the like. Also requires Stylus' `user_entrypoint` export, no `start`
/// function and a single memory.
pub fn check_nitro_features(wasm: &[u8]) -> Result<(), String> {
    let features =
        WasmFeatures::MUTABLE_GLOBAL | WasmFeatures::SIGN_EXTENSION | WasmFeatures::BULK_MEMORY | WasmFeatures::SATURATING_FLOAT_TO_INT | WasmFeatures::FLOATS;
    Validator::new_with_features(features).validate_all(wasm).map_err(|e| format!("Nitro would reject the module: {e}"))?;
    let mut has_entrypoint = false;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::StartSection { .. } => return Err("module has a start function".into()),
            Payload::ExportSection(exports) => {
                for export in exports {
                    has_entrypoint |= export.map_err(|e| e.to_string())?.name == "user_entrypoint";
                }
            }
            _ => {}
        }
    }
    if has_entrypoint {
        Ok(())
    } else {
        Err("module does not export user_entrypoint".into())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn create_prelude_returns_the_code_that_follows() {
        let code = [0xef, 0xf0, 0x00, 0x00, 0xaa];
        let init = create_init_code(&code);
        assert_eq!(init.len(), CREATE_PRELUDE_LEN + code.len());
        assert_eq!(init[0], 0x7f, "PUSH32");
        assert_eq!(&init[1..33], &[&[0u8; 31][..], &[code.len() as u8]].concat()[..]);
        // DUP1, CODECOPY from offset 43, then RETURN and the version byte.
        assert_eq!(&init[33..43], &[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
        assert_eq!(&init[43..], &code);
    }

    use super::*;
    use std::io::Read;

    // (module (memory 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0)
    //         + a custom section "name")
    const TINY: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type (i32)->i32
        0x03, 0x02, 0x01, 0x00, // func 0: type 0
        0x05, 0x03, 0x01, 0x00, 0x01, // memory min 1
        0x07, 0x13, 0x01, 0x0f, b'u', b's', b'e', b'r', b'_', b'e', b'n', b't', b'r', b'y', b'p', b'o', b'i', b'n', b't', 0x00, 0x00, // export
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0b, // code
        0x00, 0x07, 0x04, b'n', b'a', b'm', b'e', 0xaa, 0xbb, // custom "name"
    ];

    #[test]
    fn strips_custom_sections_only() {
        let stripped = strip_custom_sections(TINY).unwrap();
        assert_eq!(stripped, &TINY[..TINY.len() - 9]);
        assert!(check_nitro_features(&stripped).is_ok());
    }

    #[test]
    fn reencoding_fixes_padded_call_indirect_table_index() {
        // func 0 calls `call_indirect (type 1) (table 0)` with the table index written as
        // the padded LEB128 0x80 0x00, as rust-lld leaves it.
        let mut module = TINY[..8].to_vec();
        module.extend_from_slice(&[0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00]); // types
        module.extend_from_slice(&[0x03, 0x02, 0x01, 0x00]); // func 0: type 0
        module.extend_from_slice(&[0x04, 0x04, 0x01, 0x70, 0x00, 0x00]); // table funcref 0
        module.extend_from_slice(&TINY[20..46]); // memory, export
        module.extend_from_slice(&[0x0a, 0x0c, 0x01, 0x0a, 0x00, 0x41, 0x00, 0x11, 0x01, 0x80, 0x00, 0x41, 0x00, 0x0b]);
        let err = check_nitro_features(&module).unwrap_err();
        assert!(err.contains("zero byte expected"), "{err}");
        let fixed = nitro_wasm(&module).unwrap();
        assert_eq!(fixed.len(), module.len() - 1);
        assert_eq!(check_nitro_features(&fixed), Ok(()));
    }

    #[test]
    fn code_is_prefixed_brotli_of_stripped_module() {
        let code = deploy_code(TINY).unwrap();
        assert_eq!(&code[..4], &STYLUS_PREFIX);
        let mut out = Vec::new();
        brotli::Decompressor::new(&code[4..], 4096).read_to_end(&mut out).unwrap();
        assert_eq!(out, nitro_wasm(TINY).unwrap());
    }

    #[test]
    fn rejects_multi_value_and_missing_entrypoint() {
        // A function type with two results needs multi-value.
        let mut multi = TINY[..8].to_vec();
        multi.extend_from_slice(&[0x01, 0x06, 0x01, 0x60, 0x00, 0x02, 0x7f, 0x7f]);
        let err = check_nitro_features(&multi).unwrap_err();
        assert!(err.contains("Nitro would reject"), "{err}");
        let no_export: Vec<u8> = TINY[..8].iter().chain(&TINY[8..25]).chain(&TINY[46..54]).copied().collect();
        assert_eq!(check_nitro_features(&no_export).unwrap_err(), "module does not export user_entrypoint");
    }
}
