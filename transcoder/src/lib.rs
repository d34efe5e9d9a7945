#![doc = include_str!("../README.md")]
#![warn(unreachable_pub)]

mod error;
mod ffi;
mod files;
mod hash;
pub mod hls;
pub mod input;
mod pipeline;
mod probe;
mod profile;
mod receipt;
mod verify;

pub use error::{Error, Result};
pub use files::{remove_partial_files, write_atomic, PARTIAL_PREFIX};
pub use hash::{cid_v1_raw, keccak_file};
pub use pipeline::{transcode_file, Progress, RenditionOutput, SourceInfo, Timeline, TranscodeOptions, TranscodeOutput, MAX_INPUT_SIDE};
pub use probe::{probe, AudioInfo, MediaInfo, VideoInfo};
pub use profile::{Format, Fps, Gop, H264Profile, Profile};
pub use receipt::{transcoder_identity, Receipt, RenditionReceipt, ENCODING_REVISION, RECEIPT_VERSION};
pub use verify::{verify_cheap, verify_full, RenditionVerdict, VerifyReport, BITRATE_CEILING, MIN_MEAN_THUMB_PSNR_DB, MIN_THUMB_PSNR_DB};

/// Re-exported so callers can build a signer without naming the alloy crates.
pub use alloy_signer_local::PrivateKeySigner;
