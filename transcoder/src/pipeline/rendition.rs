//! One rendition's chain: scale → frame-rate conversion → openh264 → mux. Each instance runs
//! strictly in order on one thread, so its output depends only on the frames it is given.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::ffi::demux::StreamInfo;
use crate::ffi::ff;
use crate::ffi::mux::{Muxer, VideoStreamSpec};
use crate::ffi::openh264::{AccessUnit, EncoderSettings, H264Encoder};
use crate::ffi::scale::{Filter, Picture, Scaler, Target};
use crate::pipeline::fps::FpsConverter;
use crate::profile::{Gop, Profile};

/// The finished file of one rendition.
pub(crate) struct Finished {
    pub(crate) path: PathBuf,
    pub(crate) frames: u64,
    pub(crate) first_pts: Option<i64>,
    pub(crate) last_pts: Option<i64>,
    pub(crate) video_bytes: u64,
}

/// Where a rendition takes its pictures from (see `cascade_plan`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScaleFrom {
    /// Scales each decoded source frame.
    Source,
    /// Encodes the shared intermediate picture as is (it is this rendition's size).
    Intermediate,
    /// Scales the shared intermediate picture.
    ScaledIntermediate,
    /// Scales the picture of the rendition with this profile index, which takes the same
    /// frames, is at least twice as large in each dimension, and runs just before this one on
    /// the same worker.
    Rendition(usize),
}

pub(crate) struct Rendition {
    profile: Profile,
    width: u32,
    height: u32,
    from: ScaleFrom,
    scaler: Scaler,
    /// The current picture when it is the shared intermediate one.
    shared_picture: Option<Arc<ff::frame::Video>>,
    /// The source timestamp of the current picture (whichever holds it); `None` until the
    /// first one.
    picture_ts: Option<i64>,
    fps: FpsConverter,
    encoder: H264Encoder,
    /// Created on the first access unit, whose SPS/PPS become the stream's extradata.
    muxer: Option<Muxer>,
    audio: Option<StreamInfo>,
    /// Audio that arrived before the muxer existed.
    early_audio: Vec<ff::Packet>,
    offset_90k: i64,
    frame_duration_90k: i64,
    frame_rate: ff::Rational,
    last_idr: Option<i64>,
    path: PathBuf,
    frames: u64,
    first_pts: Option<i64>,
    last_pts: Option<i64>,
    video_bytes: u64,
}

/// Settings shared by every rendition of one transcode.
pub(crate) struct Shared<'a> {
    pub(crate) audio: Option<&'a StreamInfo>,
    pub(crate) offset_90k: i64,
    /// The source's nominal frame duration (passthrough renditions use it).
    pub(crate) source_frame_duration_90k: i64,
}

impl Rendition {
    pub(crate) fn new(profile: &Profile, (width, height): (u32, u32), from: ScaleFrom, shared: &Shared<'_>, path: PathBuf) -> Result<Self> {
        let (frame_duration_90k, fps_f32, frame_rate) = match profile.fps {
            Some(f) => {
                (crate::ffi::rescale(90_000, i64::from(f.den), i64::from(f.num)).max(1), f.num as f32 / f.den as f32, ff::Rational(f.num as i32, f.den as i32))
            }
            None => {
                let d = shared.source_frame_duration_90k.max(1);
                (d, 90_000.0 / d as f32, ff::Rational(90_000, d as i32))
            }
        };
        let settings = EncoderSettings { width, height, bitrate: profile.bitrate, fps: fps_f32, profile: profile.h264_profile };
        Ok(Rendition {
            profile: profile.clone(),
            width,
            height,
            from,
            scaler: Scaler::new(width, height, Target::I420, Filter::Rendition),
            shared_picture: None,
            picture_ts: None,
            fps: FpsConverter::new(profile.fps),
            encoder: H264Encoder::new(&settings, &profile.name)?,
            muxer: None,
            audio: shared.audio.cloned(),
            early_audio: Vec::new(),
            offset_90k: shared.offset_90k,
            frame_duration_90k,
            frame_rate,
            last_idr: None,
            path,
            frames: 0,
            first_pts: None,
            last_pts: None,
            video_bytes: 0,
        })
    }

    /// Where this rendition takes its pictures from.
    pub(crate) fn scale_from(&self) -> ScaleFrom {
        self.from
    }

    /// The picture this rendition encoded last, if it was made from the source frame with
    /// timestamp `ts_90k` (a rendition scaling from this one checks that it is not stale).
    pub(crate) fn picture_of(&self, ts_90k: i64) -> Option<&ff::frame::Video> {
        if self.picture_ts != Some(ts_90k) {
            return None;
        }
        match self.from {
            ScaleFrom::Intermediate => self.shared_picture.as_deref(),
            ScaleFrom::Source | ScaleFrom::ScaledIntermediate | ScaleFrom::Rendition(_) => self.scaler.output(),
        }
    }

    /// Takes one decoded source frame, the shared intermediate picture scaled from it (when
    /// the transcode cascades), the picture of the rendition this one scales from (when it
    /// does), and the frame's (already offset) timestamp.
    pub(crate) fn video(
        &mut self,
        frame: &ff::frame::Video,
        intermediate: Option<&Arc<ff::frame::Video>>,
        parent: Option<&ff::frame::Video>,
        ts_90k: i64,
    ) -> Result<()> {
        let placement = self.fps.place(ts_90k);
        if self.picture_ts.is_some() {
            for ts in placement.repeat_previous {
                self.encode_current(ts)?;
            }
        }
        if let Some(ts) = placement.this {
            let scaled = match (self.from, intermediate, parent) {
                (ScaleFrom::Source, _, _) => self.scaler.scale(frame).map(|_| ()),
                (ScaleFrom::ScaledIntermediate, Some(mid), _) => self.scaler.scale(mid).map(|_| ()),
                (ScaleFrom::Intermediate, Some(mid), _) => {
                    self.shared_picture = Some(Arc::clone(mid));
                    Ok(())
                }
                (ScaleFrom::Rendition(_), _, Some(pic)) => self.scaler.scale(pic).map(|_| ()),
                (ScaleFrom::Rendition(_), _, None) => Err(Error::Internal("no picture from the rendition this one scales from".into())),
                (_, None, _) => Err(Error::Internal("no intermediate picture for a cascaded rendition".into())),
            };
            if let Err(e) = scaled {
                return Err(self.named(e));
            }
            self.picture_ts = Some(ts_90k);
            self.encode_current(ts)?;
        }
        Ok(())
    }

    /// Takes one audio packet of the source (timestamps not yet offset).
    pub(crate) fn audio(&mut self, packet: &ff::Packet) -> Result<()> {
        match &mut self.muxer {
            Some(m) => m.write_audio(packet, self.offset_90k),
            None => {
                self.early_audio.push(packet.clone());
                Ok(())
            }
        }
    }

    fn named(&self, e: Error) -> Error {
        match e {
            Error::Decode { message, .. } => Error::Encode { rendition: self.profile.name.clone(), message },
            other => other,
        }
    }

    /// Encodes the scaler's current picture at `ts` and muxes the result.
    fn encode_current(&mut self, ts: i64) -> Result<()> {
        let force_idr = match self.profile.gop {
            Gop::Intra => true,
            Gop::Default => self.last_idr.is_none(),
            Gop::Millis(ms) => self.last_idr.is_none_or(|last| ts - last >= i64::from(ms) * 90),
        };
        let pic = match self.from {
            ScaleFrom::Intermediate => self.shared_picture.as_deref().map(Picture::of),
            ScaleFrom::Source | ScaleFrom::ScaledIntermediate | ScaleFrom::Rendition(_) => self.scaler.current(),
        };
        let pic = pic.ok_or_else(|| Error::Internal("no scaled picture".into()))?;
        let Some(au) = self.encoder.encode(&pic, ts.div_euclid(90), force_idr)? else {
            return Err(Error::Encode { rendition: self.profile.name.clone(), message: "encoder skipped a frame".into() });
        };
        if au.keyframe {
            self.last_idr = Some(ts);
        }
        self.mux(&au, ts)
    }

    fn mux(&mut self, au: &AccessUnit, ts: i64) -> Result<()> {
        if self.muxer.is_none() {
            let extradata = parameter_sets(&au.data);
            let spec = VideoStreamSpec { width: self.width, height: self.height, extradata: &extradata, frame_rate: self.frame_rate };
            let mut m = Muxer::create(&self.path, self.profile.format, &spec, self.audio.as_ref(), &self.profile.name)?;
            for p in self.early_audio.drain(..) {
                m.write_audio(&p, self.offset_90k)?;
            }
            self.muxer = Some(m);
        }
        let m = self.muxer.as_mut().ok_or_else(|| Error::Internal("muxer missing".into()))?;
        m.write_video(au, ts, self.frame_duration_90k)?;
        self.frames += 1;
        self.video_bytes += au.data.len() as u64;
        self.first_pts.get_or_insert(ts);
        self.last_pts = Some(ts);
        Ok(())
    }

    /// Writes the trailer and reports what was produced.
    pub(crate) fn finish(self) -> Result<Finished> {
        let Some(m) = self.muxer else {
            return Err(Error::Encode { rendition: self.profile.name, message: "no frames were encoded".into() });
        };
        if m.dropped_audio > 0 {
            tracing::debug!(target: "transcoder::mux", rendition = %self.profile.name, dropped = m.dropped_audio, "dropped audio packets with non-increasing DTS");
        }
        m.finish()?;
        Ok(Finished { path: self.path, frames: self.frames, first_pts: self.first_pts, last_pts: self.last_pts, video_bytes: self.video_bytes })
    }
}

/// The SPS and PPS NAL units (with start codes) at the front of an IDR access unit.
fn parameter_sets(au: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for nal in split_annexb(au) {
        let kind = nal.iter().skip_while(|&&b| b == 0).nth(1).map(|b| b & 0x1f);
        if matches!(kind, Some(7) | Some(8)) {
            out.extend_from_slice(nal);
        }
    }
    out
}

/// Splits an Annex B byte stream into NAL units, each including its start code.
fn split_annexb(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            // Include a leading zero of a 4-byte start code.
            starts.push(if i > 0 && data[i - 1] == 0 { i - 1 } else { i });
            i += 3;
        } else {
            i += 1;
        }
    }
    starts.iter().enumerate().map(|(k, &s)| &data[s..starts.get(k + 1).copied().unwrap_or(data.len())]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_sps_and_pps() {
        let au = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 1, 0x65, 9, 9];
        assert_eq!(parameter_sets(&au), vec![0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3]);
    }
}
