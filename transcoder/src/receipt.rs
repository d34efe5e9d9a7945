//! Receipts: what an orchestrator claims it produced from which input, signed the way
//! go-livepeer signs results (EIP-191 `personal_sign` over keccak256 of the concatenated
//! rendition hashes), with enough detail to re-run the transcode or check it cheaply.

use alloy_primitives::{keccak256, Address, Bytes, Signature, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pipeline::{SourceInfo, TranscodeOutput};
use crate::profile::Profile;

/// Receipt format version.
pub const RECEIPT_VERSION: u32 = 1;

/// Revision of the encoding recipe (scaler, scaling order, encoder settings). Bump it with
/// every change that alters output bytes for the same input and library versions, so a
/// receipt made by an older build is not re-run and reported as fraud.
///
/// 2: bicubic scaling (was bilinear), cascaded from the largest rendition (was each from the
/// source), openh264 IDR bit ratio 600% (was 400%).
/// 3: a rendition scales from another one at least twice its size in each dimension when one
/// takes the same frames (240p from 480p on Livepeer's ladder; was from the intermediate).
pub const ENCODING_REVISION: u32 = 3;

/// The transcoder's identity: this crate's version, the encoding recipe's revision and the
/// versions of the libraries that decide output bytes. Byte-identical re-runs are promised
/// for equal identities.
pub fn transcoder_identity() -> String {
    crate::ffi::init();
    format!("lpx-transcoder {} enc{} ({})", env!("CARGO_PKG_VERSION"), ENCODING_REVISION, crate::ffi::library_versions())
}

/// One rendition's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenditionReceipt {
    /// The profile, in Livepeer's JSON shape.
    pub profile: Profile,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Frames encoded.
    pub frames: u64,
    /// `width * height * frames`.
    pub pixels: u64,
    /// Size of the output file.
    pub bytes: u64,
    /// Bytes of H.264 payload in it.
    pub video_bytes: u64,
    /// keccak256 of the output file.
    pub hash: B256,
    /// IPFS CIDv1 (raw, sha2-256) of the output file.
    pub cid: String,
}

/// A signed (or not yet signed) transcode receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// [`RECEIPT_VERSION`].
    pub version: u32,
    /// [`transcoder_identity`] of the producer.
    pub transcoder: String,
    /// Where the input came from (informational; `input_hash` is what counts).
    pub input: String,
    /// keccak256 of the input bytes.
    pub input_hash: B256,
    /// Timestamp shift applied, 90 kHz ticks (needed to re-run a stream segment).
    pub pts_offset: i64,
    /// What was decoded from the input.
    pub source: SourceInfo,
    /// One entry per rendition, in profile order.
    pub renditions: Vec<RenditionReceipt>,
    /// The signer's address, if signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Address>,
    /// 65-byte `r || s || v` signature (v = 27/28), if signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Bytes>,
}

impl Receipt {
    /// An unsigned receipt for `out`.
    pub fn from_output(input: &str, out: &TranscodeOutput) -> Self {
        Receipt {
            version: RECEIPT_VERSION,
            transcoder: transcoder_identity(),
            input: input.to_string(),
            input_hash: out.input_hash,
            pts_offset: out.pts_offset,
            source: out.source.clone(),
            renditions: out
                .renditions
                .iter()
                .map(|r| RenditionReceipt {
                    profile: r.profile.clone(),
                    width: r.width,
                    height: r.height,
                    frames: r.frames,
                    pixels: r.pixels,
                    bytes: r.data.len() as u64,
                    video_bytes: r.video_bytes,
                    hash: r.hash,
                    cid: r.cid.clone(),
                })
                .collect(),
            signer: None,
            signature: None,
        }
    }

    /// keccak256 of the rendition hashes concatenated in order: the message go-livepeer signs.
    pub fn results_hash(&self) -> B256 {
        let mut all = Vec::with_capacity(32 * self.renditions.len());
        for r in &self.renditions {
            all.extend_from_slice(r.hash.as_slice());
        }
        keccak256(&all)
    }

    /// Signs [`Receipt::results_hash`] with EIP-191 (`personal_sign` of the 32 bytes).
    ///
    /// # Errors
    /// [`Error::Receipt`] if signing fails.
    pub fn sign(&mut self, signer: &PrivateKeySigner) -> Result<()> {
        let sig = signer.sign_message_sync(self.results_hash().as_slice()).map_err(|e| Error::Receipt(format!("signing failed: {e}")))?;
        self.signer = Some(signer.address());
        self.signature = Some(Bytes::from(sig.as_bytes().to_vec()));
        Ok(())
    }

    /// The address that signed this receipt, recovered from the signature.
    ///
    /// # Errors
    /// [`Error::Receipt`] if the receipt is unsigned or the signature is malformed.
    pub fn recover_signer(&self) -> Result<Address> {
        let raw = self.signature.as_ref().ok_or_else(|| Error::Receipt("receipt is not signed".into()))?;
        let sig = Signature::try_from(raw.as_ref()).map_err(|e| Error::Receipt(format!("malformed signature: {e}")))?;
        sig.recover_address_from_msg(self.results_hash().as_slice()).map_err(|e| Error::Receipt(format!("cannot recover signer: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(hashes: &[B256]) -> Receipt {
        Receipt {
            version: RECEIPT_VERSION,
            transcoder: "test".into(),
            input: "in.ts".into(),
            input_hash: B256::ZERO,
            pts_offset: 0,
            source: SourceInfo { width: 2, height: 2, frames: 1, first_pts: 0, duration_90k: 3000, frame_duration_90k: 3000 },
            renditions: hashes
                .iter()
                .map(|h| RenditionReceipt {
                    profile: Profile::bench_ladder()[0].clone(),
                    width: 2,
                    height: 2,
                    frames: 1,
                    pixels: 4,
                    bytes: 1,
                    video_bytes: 1,
                    hash: *h,
                    cid: String::new(),
                })
                .collect(),
            signer: None,
            signature: None,
        }
    }

    #[test]
    fn signature_is_eip191_over_keccak_of_concatenated_hashes() {
        // anvil's first well-known dev key.
        let signer: PrivateKeySigner = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80".parse().unwrap();
        let (a, b) = (B256::repeat_byte(0x11), B256::repeat_byte(0x22));
        let mut r = receipt(&[a, b]);
        r.sign(&signer).unwrap();
        assert_eq!(r.recover_signer().unwrap(), signer.address());
        // The signed message is keccak(a || b) under the "\x19Ethereum Signed Message:\n32" prefix.
        let mut cat = a.to_vec();
        cat.extend_from_slice(b.as_slice());
        let digest = keccak256(&cat);
        let mut prefixed = b"\x19Ethereum Signed Message:\n32".to_vec();
        prefixed.extend_from_slice(digest.as_slice());
        let sig = Signature::try_from(r.signature.as_ref().unwrap().as_ref()).unwrap();
        assert_eq!(sig.recover_address_from_prehash(&keccak256(&prefixed)).unwrap(), signer.address());
        let v = r.signature.as_ref().unwrap()[64];
        assert!(v == 27 || v == 28, "v = {v}");
        // Any change to a rendition hash changes the recovered address.
        r.renditions[1].hash = B256::repeat_byte(0x23);
        assert_ne!(r.recover_signer().unwrap(), signer.address());
    }

    #[test]
    fn receipt_round_trips_through_json() {
        let r = receipt(&[B256::repeat_byte(7)]);
        let back: Receipt = serde_json::from_str(&serde_json::to_string_pretty(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
