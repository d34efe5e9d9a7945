//! Reads a finished file back: decodes its video to count frames and collect timestamps, and
//! takes small grey thumbnails of chosen frames. Verification and `probe` are built on this.

use std::path::Path;

use super::decode::VideoDecoder;
use super::demux::{Demuxed, Demuxer};
use super::ff;
use super::scale::{Filter, Scaler, Target};
use crate::error::Result;

/// Thumbnail side in pixels. Both the source and a rendition are squashed to this square, so
/// their thumbnails are comparable whatever their sizes.
pub(crate) const THUMB_SIDE: u32 = 32;

/// Which frames to thumbnail.
pub(crate) enum ThumbPlan {
    None,
    /// Every `n`th decoded frame (0, n, 2n, ...) and the last one.
    EveryNth(usize),
    /// For each target slot, the frame that fed it under the frame-rate rule of
    /// `pipeline::fps`: the first frame whose slot equals it, else the last frame before it.
    /// `slot_of` maps a frame's 90 kHz timestamp to its slot; targets must be sorted.
    Slots {
        targets: Vec<i64>,
        slot_of: Box<dyn Fn(i64) -> i64>,
    },
}

/// What decoding a file found.
pub(crate) struct Inspected {
    pub(crate) container: String,
    pub(crate) codec: String,
    pub(crate) profile: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) pix_fmt: String,
    pub(crate) frame_rate: Option<ff::Rational>,
    /// Presentation timestamps of the decoded frames, 90 kHz, in output order.
    pub(crate) pts: Vec<i64>,
    pub(crate) video_packets: u64,
    pub(crate) keyframes: u64,
    pub(crate) video_bytes: u64,
    pub(crate) audio_codec: Option<String>,
    pub(crate) audio_packets: u64,
    /// `(key, THUMB_SIDE² luma bytes)` for the frames the plan asked for; the key is the
    /// frame's timestamp for `EveryNth` and the target slot for `Slots`.
    pub(crate) thumbs: Vec<(i64, Vec<u8>)>,
}

/// Decodes `path` completely.
pub(crate) fn inspect(path: &Path, label: &str, plan: &ThumbPlan) -> Result<Inspected> {
    let mut dmx = Demuxer::open(path, label)?;
    let mut dec = VideoDecoder::open(&dmx.video, label)?;
    let vtb = dmx.video.time_base;
    let params = dmx.video.params.clone();
    // SAFETY: `params` owns a valid AVCodecParameters; reading the profile field is a plain load.
    let profile_id = unsafe { (*params.as_ptr()).profile };
    let mut out = Inspected {
        container: container_name(&dmx),
        codec: params.id().name().to_string(),
        profile: h264_profile_name(params.id(), profile_id),
        width: 0,
        height: 0,
        pix_fmt: String::new(),
        frame_rate: dmx.video.frame_rate,
        pts: Vec::new(),
        video_packets: 0,
        keyframes: 0,
        video_bytes: 0,
        audio_codec: dmx.audio.as_ref().map(|a| a.params.id().name().to_string()),
        audio_packets: 0,
        thumbs: Vec::new(),
    };
    let mut thumbs = Thumbnailer { scaler: Scaler::new(THUMB_SIDE, THUMB_SIDE, Target::Gray, Filter::Thumbnail), next_target: 0, prev: None, prev_slot: None };
    let mut index = 0usize;
    let mut on_frame = |f: ff::frame::Video, out: &mut Inspected| -> Result<()> {
        let ts = f.timestamp().map(|t| super::to_90k(t, vtb)).unwrap_or_else(|| out.pts.last().map_or(0, |p| p + 1));
        if out.pts.is_empty() {
            out.width = f.width();
            out.height = f.height();
            out.pix_fmt = format!("{:?}", f.format()).to_lowercase();
        }
        thumbs.offer(plan, index, ts, f, &mut out.thumbs)?;
        out.pts.push(ts);
        index += 1;
        Ok(())
    };
    while let Some(p) = dmx.next_packet() {
        match p {
            Demuxed::Video(pkt) => {
                out.video_packets += 1;
                out.video_bytes += pkt.size() as u64;
                if pkt.is_key() {
                    out.keyframes += 1;
                }
                dec.send(&pkt)?;
                while let Some(f) = dec.receive() {
                    on_frame(f, &mut out)?;
                }
            }
            Demuxed::Audio(_) => out.audio_packets += 1,
        }
    }
    dec.send_eof();
    while let Some(f) = dec.receive() {
        on_frame(f, &mut out)?;
    }
    thumbs.finish(plan, index, &mut out.thumbs)?;
    Ok(out)
}

struct Thumbnailer {
    scaler: Scaler,
    next_target: usize,
    /// The previous frame, kept for `Slots` targets that no frame hits exactly: the first frame
    /// of the latest slot, since later frames of a filled slot were dropped by the pipeline.
    prev: Option<(i64, ff::frame::Video)>,
    prev_slot: Option<i64>,
}

impl Thumbnailer {
    fn take(&mut self, ts: i64, f: &ff::frame::Video, out: &mut Vec<(i64, Vec<u8>)>) -> Result<()> {
        let pic = self.scaler.scale(f)?;
        let (plane, stride) = pic.plane(0);
        let side = THUMB_SIDE as usize;
        let mut px = Vec::with_capacity(side * side);
        for row in 0..side {
            px.extend_from_slice(&plane[row * stride..row * stride + side]);
        }
        out.push((ts, px));
        Ok(())
    }

    fn offer(&mut self, plan: &ThumbPlan, index: usize, ts: i64, f: ff::frame::Video, out: &mut Vec<(i64, Vec<u8>)>) -> Result<()> {
        match plan {
            ThumbPlan::None => {}
            ThumbPlan::EveryNth(n) => {
                if index.is_multiple_of((*n).max(1)) {
                    self.take(ts, &f, out)?;
                }
                self.prev = Some((ts, f));
            }
            ThumbPlan::Slots { targets, slot_of } => {
                let slot = slot_of(ts);
                while let Some(&target) = targets.get(self.next_target) {
                    if slot < target {
                        break;
                    }
                    if slot == target {
                        self.take(target, &f, out)?;
                    } else if let Some((pts, prev)) = self.prev.take() {
                        self.take(target, &prev, out)?;
                        self.prev = Some((pts, prev));
                    }
                    self.next_target += 1;
                }
                if self.prev_slot != Some(slot) {
                    self.prev_slot = Some(slot);
                    self.prev = Some((ts, f));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, plan: &ThumbPlan, count: usize, out: &mut Vec<(i64, Vec<u8>)>) -> Result<()> {
        let Some((ts, last)) = self.prev.take() else { return Ok(()) };
        match plan {
            ThumbPlan::None => {}
            ThumbPlan::EveryNth(n) => {
                if !(count - 1).is_multiple_of((*n).max(1)) {
                    self.take(ts, &last, out)?;
                }
            }
            ThumbPlan::Slots { targets, .. } => {
                let _ = ts;
                for &target in &targets[self.next_target.min(targets.len())..] {
                    self.take(target, &last, out)?;
                }
            }
        }
        Ok(())
    }
}

fn container_name(dmx: &Demuxer) -> String {
    dmx.format_name()
}

fn h264_profile_name(id: ff::codec::Id, profile: i32) -> String {
    if id != ff::codec::Id::H264 {
        return String::new();
    }
    // Values from libavcodec's FF_PROFILE_H264_* (constraint flags in the high bits).
    match profile {
        66 => "Baseline",
        578 => "Constrained Baseline",
        77 => "Main",
        88 => "Extended",
        100 => "High",
        110 => "High 10",
        122 => "High 4:2:2",
        244 => "High 4:4:4 Predictive",
        _ => "unknown",
    }
    .to_string()
}
