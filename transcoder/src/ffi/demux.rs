//! Demux stage: opens a local container with libavformat and yields the packets of its main
//! video stream and of the first audio stream (which is copied through untouched).

use std::path::Path;

use super::ff;
use crate::error::{Error, Result};

/// After this many read errors in a row the input is treated as ended: libavformat reports
/// garbage in truncated or corrupted files as repeated errors, never as end-of-file.
const MAX_CONSECUTIVE_READ_ERRORS: u32 = 64;

/// What the pipeline needs to know about one input stream.
#[derive(Clone)]
pub(crate) struct StreamInfo {
    pub(crate) index: usize,
    pub(crate) time_base: ff::Rational,
    pub(crate) params: ff::codec::Parameters,
    /// The container's average frame rate, if it reports one.
    pub(crate) frame_rate: Option<ff::Rational>,
}

/// A packet of the video or of the copied audio stream.
pub(crate) enum Demuxed {
    Video(ff::Packet),
    Audio(ff::Packet),
}

/// An open input container.
pub(crate) struct Demuxer {
    ictx: ff::format::context::Input,
    label: String,
    pub(crate) video: StreamInfo,
    pub(crate) audio: Option<StreamInfo>,
}

impl Demuxer {
    /// Opens `path` (a local file only: network protocols are refused, so a crafted playlist or
    /// container cannot make libavformat fetch anything). `label` names the input in errors.
    pub(crate) fn open(path: &Path, label: &str) -> Result<Self> {
        super::init();
        if !path.exists() {
            return Err(Error::NotFound(path.to_path_buf()));
        }
        let mut opts = ff::Dictionary::new();
        opts.set("protocol_whitelist", "file");
        let ictx = ff::format::input_with_dictionary(&path, opts).map_err(|e| Error::Demux { input: label.to_string(), message: super::describe(&e) })?;
        let video = ictx.streams().best(ff::media::Type::Video).map(|s| info(&s)).ok_or_else(|| Error::NoVideoStream { input: label.to_string() })?;
        let audio = ictx.streams().best(ff::media::Type::Audio).map(|s| info(&s)).filter(|a| a.params.id() != ff::codec::Id::None);
        Ok(Demuxer { ictx, label: label.to_string(), video, audio })
    }

    /// The input's label, for errors.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// The next video or audio packet, or `None` at the end of the input. Packets of other
    /// streams are skipped.
    pub(crate) fn next_packet(&mut self) -> Option<Demuxed> {
        let mut errors = 0;
        loop {
            let mut packet = ff::Packet::empty();
            match packet.read(&mut self.ictx) {
                Ok(()) => {
                    errors = 0;
                    let idx = packet.stream();
                    if idx == self.video.index {
                        return Some(Demuxed::Video(packet));
                    }
                    if self.audio.as_ref().is_some_and(|a| a.index == idx) {
                        return Some(Demuxed::Audio(packet));
                    }
                }
                Err(ff::Error::Eof) => return None,
                Err(e) => {
                    errors += 1;
                    if errors >= MAX_CONSECUTIVE_READ_ERRORS {
                        tracing::warn!(target: "transcoder::demux", input = %self.label, error = %e, "giving up after repeated read errors");
                        return None;
                    }
                }
            }
        }
    }
}

/// Copies what the pipeline needs out of a stream. The parameters are deep-copied: the wrapper
/// `Stream::parameters` returns shares a non-atomic reference count with the input context and
/// must not travel to other threads.
fn info(s: &ff::format::stream::Stream<'_>) -> StreamInfo {
    let rate = s.avg_frame_rate();
    let rate = if rate.numerator() > 0 && rate.denominator() > 0 { Some(rate) } else { None };
    StreamInfo { index: s.index(), time_base: s.time_base(), params: s.parameters().clone(), frame_rate: rate }
}

impl Demuxer {
    /// libavformat's short name for the container (`mpegts`, `flv`, `mov,mp4,m4a,3gp,3g2,mj2`).
    pub(crate) fn format_name(&self) -> String {
        self.ictx.format().name().to_string()
    }
}

impl Demuxer {
    /// Frames the container expects in the video stream, if it says (MP4 does, MPEG-TS does not:
    /// then duration × frame rate).
    pub(crate) fn estimated_frames(&self) -> Option<u64> {
        let s = self.ictx.stream(self.video.index)?;
        if s.frames() > 0 {
            return Some(s.frames() as u64);
        }
        let (rate, dur) = (self.video.frame_rate?, self.ictx.duration());
        (dur > 0).then(|| (dur as f64 / 1_000_000.0 * f64::from(rate)).round() as u64)
    }
}
