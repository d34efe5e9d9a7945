//! Checking a receipt.
//!
//! * [`verify_full`] re-runs the transcode and compares every rendition's hash: exact, and the
//!   check that makes a wrong output provable.
//! * [`verify_cheap`] does not encode. It checks the signature and hashes, then decodes the
//!   renditions and the source: resolution (so a wrong resolution with the right pixel count
//!   fails), frame and pixel counts, timestamps and duration, a bitrate ceiling, and content,
//!   by comparing small grey thumbnails of sampled rendition frames with the source frames they
//!   came from (so black or unrelated frames fail). go-livepeer's pixel-count check catches
//!   neither of the last two (spec/node.md §2.1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy_primitives::Address;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ffi::inspect::{inspect, Inspected, ThumbPlan, THUMB_SIDE};
use crate::hash::keccak_file;
use crate::pipeline::fps::{slot_of, FpsConverter};
use crate::pipeline::{transcode_file, Timeline, TranscodeOptions};
use crate::profile::Fps;
use crate::receipt::{transcoder_identity, Receipt};

/// A rendition may use at most this multiple of its target bitrate.
pub const BITRATE_CEILING: f64 = 1.5;
/// Thumbnails of sampled frames must match the source's to at least this PSNR (dB) each...
pub const MIN_THUMB_PSNR_DB: f64 = 18.0;
/// ...and on average to at least this.
pub const MIN_MEAN_THUMB_PSNR_DB: f64 = 24.0;
/// Frames sampled per rendition for the content check.
const SAMPLES: usize = 16;

/// The verdict on one rendition.
#[derive(Debug, Clone, Serialize)]
pub struct RenditionVerdict {
    /// Profile name.
    pub name: String,
    /// True if no problem was found.
    pub ok: bool,
    /// Each problem found, in words.
    pub problems: Vec<String>,
    /// Mean thumbnail PSNR against the source, dB (cheap mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_psnr_db: Option<f64>,
}

/// The verdict on a receipt.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// `full` or `cheap`.
    pub mode: &'static str,
    /// The recovered signer, if the receipt is signed.
    pub signer: Option<Address>,
    /// Problems with the receipt as a whole (signature, input hash).
    pub problems: Vec<String>,
    /// One verdict per rendition of the receipt.
    pub renditions: Vec<RenditionVerdict>,
}

impl VerifyReport {
    /// True if nothing is wrong.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.renditions.iter().all(|r| r.ok)
    }
}

/// Checks the receipt's signature against `expected` and the input's hash.
fn check_envelope(input: &Path, receipt: &Receipt, expected: Option<Address>, problems: &mut Vec<String>) -> Result<Option<Address>> {
    let signer = match receipt.recover_signer() {
        // An unsigned receipt can still be checked for content, unless a signer is required.
        Err(_) if receipt.signature.is_none() && expected.is_none() => None,
        Ok(a) => {
            if receipt.signer.is_some_and(|s| s != a) {
                problems.push(format!("signature recovers to {a}, not the receipt's signer {}", receipt.signer.unwrap_or_default()));
            }
            Some(a)
        }
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    if let (Some(want), Some(got)) = (expected, signer) {
        if want != got {
            problems.push(format!("signed by {got}, expected {want}"));
        }
    }
    let hash = keccak_file(input)?;
    if hash != receipt.input_hash {
        problems.push(format!("input hash {hash} differs from the receipt's {}", receipt.input_hash));
    }
    Ok(signer)
}

/// Re-runs the transcode recorded in `receipt` on `input` and compares each rendition's hash.
///
/// # Errors
/// Input errors from the re-run, and I/O errors.
pub fn verify_full(input: &Path, receipt: &Receipt, expected_signer: Option<Address>, threads: usize) -> Result<VerifyReport> {
    let mut problems = Vec::new();
    let signer = check_envelope(input, receipt, expected_signer, &mut problems)?;
    let identity = transcoder_identity();
    if identity != receipt.transcoder {
        tracing::warn!(target: "transcoder::verify", ours = %identity, theirs = %receipt.transcoder, "different transcoder build; a mismatch may not mean fraud");
    }
    let profiles = receipt.renditions.iter().map(|r| r.profile.clone()).collect();
    let opts = TranscodeOptions::new(profiles).with_threads(threads).with_timeline(Timeline::Offset(receipt.pts_offset));
    let out = transcode_file(input, &receipt.input, &opts, &|_| {})?;
    let renditions = receipt
        .renditions
        .iter()
        .zip(&out.renditions)
        .map(|(claimed, ours)| {
            let mut p = Vec::new();
            if claimed.hash != ours.hash {
                p.push(format!("output hash {} differs from re-run {}", claimed.hash, ours.hash));
            }
            if (claimed.frames, claimed.pixels) != (ours.frames, ours.pixels) {
                p.push(format!("claims {} frames / {} pixels, re-run gives {} / {}", claimed.frames, claimed.pixels, ours.frames, ours.pixels));
            }
            RenditionVerdict { name: claimed.profile.name.clone(), ok: p.is_empty(), problems: p, thumb_psnr_db: None }
        })
        .collect();
    Ok(VerifyReport { mode: "full", signer, problems, renditions })
}

/// Checks `receipt` against the source `input` and the rendition files (one per receipt entry,
/// in order) without encoding anything.
///
/// # Errors
/// [`Error::Receipt`] if the number of files differs from the receipt's renditions; input
/// errors if the source cannot be decoded. A rendition that cannot be decoded is a failed
/// verdict, not an error.
pub fn verify_cheap(input: &Path, receipt: &Receipt, renditions: &[PathBuf], expected_signer: Option<Address>) -> Result<VerifyReport> {
    if renditions.len() != receipt.renditions.len() {
        return Err(Error::Receipt(format!("{} rendition files for {} receipt entries", renditions.len(), receipt.renditions.len())));
    }
    let mut problems = Vec::new();
    let signer = check_envelope(input, receipt, expected_signer, &mut problems)?;

    // Decode every rendition, sampling thumbnails.
    let mut decoded = Vec::new();
    for (claimed, path) in receipt.renditions.iter().zip(renditions) {
        let step = (claimed.frames as usize / SAMPLES).max(1);
        decoded.push(inspect(path, &path.display().to_string(), &ThumbPlan::EveryNth(step)));
    }
    // Decode the source once per distinct output frame rate, taking the frames that fed each
    // sampled rendition frame.
    let mut by_fps: BTreeMap<Option<(u32, u32)>, Vec<usize>> = BTreeMap::new();
    for (i, c) in receipt.renditions.iter().enumerate() {
        by_fps.entry(c.profile.fps.map(|f| (f.num, f.den))).or_default().push(i);
    }
    let mut source_thumbs: Vec<BTreeMap<i64, Vec<u8>>> = vec![BTreeMap::new(); receipt.renditions.len()];
    let mut source: Option<Inspected> = None;
    let offset = receipt.pts_offset;
    for (fps, members) in &by_fps {
        let fps = fps.map(|(num, den)| Fps { num, den });
        let mut targets: Vec<i64> =
            members.iter().filter_map(|&i| decoded[i].as_ref().ok()).flat_map(|d| d.thumbs.iter().map(|(ts, _)| slot_of(fps, *ts))).collect();
        targets.sort_unstable();
        targets.dedup();
        let plan = ThumbPlan::Slots { targets, slot_of: Box::new(move |ts| slot_of(fps, ts + offset)) };
        let s = inspect(input, &receipt.input, &plan)?;
        let by_slot: BTreeMap<i64, Vec<u8>> = s.thumbs.iter().cloned().collect();
        for &i in members {
            source_thumbs[i] = by_slot.clone();
        }
        source = Some(s);
    }
    let Some(source) = source else { return Ok(VerifyReport { mode: "cheap", signer, problems, renditions: vec![] }) };
    if source.pts.is_empty() {
        problems.push("source has no decodable frames".into());
    }

    let verdicts = receipt
        .renditions
        .iter()
        .zip(renditions)
        .zip(decoded)
        .enumerate()
        .map(|(i, ((claimed, path), dec))| check_rendition(claimed, path, dec, &source, &source_thumbs[i], offset))
        .collect::<Result<Vec<_>>>()?;
    Ok(VerifyReport { mode: "cheap", signer, problems, renditions: verdicts })
}

fn check_rendition(
    claimed: &crate::receipt::RenditionReceipt,
    path: &Path,
    dec: Result<Inspected>,
    source: &Inspected,
    source_thumbs: &BTreeMap<i64, Vec<u8>>,
    offset: i64,
) -> Result<RenditionVerdict> {
    let name = claimed.profile.name.clone();
    let mut p = Vec::new();
    let hash = keccak_file(path)?;
    if hash != claimed.hash {
        p.push(format!("file hash {hash} differs from the receipt's {}", claimed.hash));
    }
    let dec = match dec {
        Ok(d) => d,
        Err(e) => {
            p.push(format!("cannot decode: {e}"));
            return Ok(RenditionVerdict { name, ok: false, problems: p, thumb_psnr_db: None });
        }
    };
    if dec.codec != "h264" {
        p.push(format!("codec {} is not h264", dec.codec));
    }
    let (ew, eh) = claimed.profile.output_size(source.width, source.height);
    if (dec.width, dec.height) != (ew, eh) {
        p.push(format!("resolution {}x{}, expected {ew}x{eh} for a {}x{} source", dec.width, dec.height, source.width, source.height));
    }
    if (claimed.width, claimed.height) != (ew, eh) {
        p.push(format!("receipt claims {}x{}, expected {ew}x{eh}", claimed.width, claimed.height));
    }
    let frames = dec.pts.len() as u64;
    if frames != claimed.frames {
        p.push(format!("{frames} frames decoded, receipt claims {}", claimed.frames));
    }
    // The frames the source should have produced under the profile's frame rate.
    let mut conv = FpsConverter::new(claimed.profile.fps);
    let mut expected_pts = Vec::new();
    for &ts in &source.pts {
        let pl = conv.place(ts + offset);
        expected_pts.extend(pl.repeat_previous);
        expected_pts.extend(pl.this);
    }
    if frames != expected_pts.len() as u64 {
        p.push(format!("{frames} frames, but the source gives {} at this frame rate", expected_pts.len()));
    }
    if claimed.pixels != u64::from(dec.width) * u64::from(dec.height) * frames {
        p.push(format!("receipt claims {} pixels, the file has {}", claimed.pixels, u64::from(dec.width) * u64::from(dec.height) * frames));
    }
    if !dec.pts.windows(2).all(|w| w[1] > w[0]) {
        p.push("timestamps do not increase".into());
    }
    let frame_dur = match claimed.profile.fps {
        Some(f) => crate::ffi::rescale(90_000, i64::from(f.den), i64::from(f.num)),
        None => median_interval(&source.pts),
    };
    if let (Some(first), Some(want)) = (dec.pts.first(), expected_pts.first()) {
        if (first - want).abs() > frame_dur {
            p.push(format!("starts at {first}, expected {want} (90 kHz)"));
        }
    }
    let dur = span(&dec.pts, frame_dur);
    let src_dur = span(&source.pts, median_interval(&source.pts));
    if (dur - src_dur).abs() > frame_dur {
        p.push(format!("duration {:.3} s, source {:.3} s", dur as f64 / 90_000.0, src_dur as f64 / 90_000.0));
    }
    let secs = dur as f64 / 90_000.0;
    if secs > 0.0 {
        let bitrate = dec.video_bytes as f64 * 8.0 / secs;
        if bitrate > f64::from(claimed.profile.bitrate) * BITRATE_CEILING {
            p.push(format!("bitrate {:.0} bps above {BITRATE_CEILING}x the {} bps target", bitrate, claimed.profile.bitrate));
        }
    }
    // Content: each sampled frame against the source frame that fed it.
    let mut psnrs = Vec::new();
    for (ts, thumb) in &dec.thumbs {
        let slot = slot_of(claimed.profile.fps, *ts);
        if let Some(src) = source_thumbs.get(&slot) {
            psnrs.push(psnr(thumb, src));
        }
    }
    let mean = (!psnrs.is_empty()).then(|| psnrs.iter().sum::<f64>() / psnrs.len() as f64);
    match mean {
        None => p.push("no sampled frame lines up with a source frame".into()),
        Some(m) => {
            let worst = psnrs.iter().copied().fold(f64::INFINITY, f64::min);
            if worst < MIN_THUMB_PSNR_DB || m < MIN_MEAN_THUMB_PSNR_DB {
                p.push(format!(
                    "content differs from the source: thumbnail PSNR mean {m:.1} dB, worst {worst:.1} dB (need {MIN_MEAN_THUMB_PSNR_DB} / {MIN_THUMB_PSNR_DB})"
                ));
            }
        }
    }
    Ok(RenditionVerdict { name, ok: p.is_empty(), problems: p, thumb_psnr_db: mean })
}

fn median_interval(pts: &[i64]) -> i64 {
    let mut d: Vec<i64> = pts.windows(2).map(|w| w[1] - w[0]).collect();
    if d.is_empty() {
        return 3000;
    }
    d.sort_unstable();
    d[d.len() / 2]
}

fn span(pts: &[i64], frame: i64) -> i64 {
    match (pts.first(), pts.last()) {
        (Some(a), Some(b)) => b - a + frame,
        _ => 0,
    }
}

/// PSNR of two equally sized 8-bit images, capped at 99 dB for identical ones.
fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let n = (THUMB_SIDE * THUMB_SIDE) as f64;
    let mse = a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum::<f64>() / n;
    if mse == 0.0 {
        99.0
    } else {
        10.0 * (255.0 * 255.0 / mse).log10()
    }
}
