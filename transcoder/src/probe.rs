//! `probe`: what a media file contains, found by decoding it (not by trusting its headers).

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::ffi::inspect::{inspect, ThumbPlan};

/// The video stream of a probed file.
#[derive(Debug, Clone, Serialize)]
pub struct VideoInfo {
    /// FFmpeg codec name (`h264`).
    pub codec: String,
    /// H.264 profile name (`High`, `Constrained Baseline`, ...), empty for other codecs.
    pub profile: String,
    /// Decoded width.
    pub width: u32,
    /// Decoded height.
    pub height: u32,
    /// Decoded pixel format (`yuv420p`).
    pub pix_fmt: String,
    /// Average frame rate the container reports, as `(num, den)`.
    pub frame_rate: Option<(i32, i32)>,
    /// Frames decoded.
    pub frames: u64,
    /// Video packets read.
    pub packets: u64,
    /// Packets flagged as keyframes.
    pub keyframes: u64,
    /// Bytes of video payload.
    pub bytes: u64,
    /// First decoded frame's timestamp, 90 kHz.
    pub first_pts: Option<i64>,
    /// Last decoded frame's timestamp, 90 kHz.
    pub last_pts: Option<i64>,
    /// Whether decoded timestamps strictly increase.
    pub pts_monotonic: bool,
    /// Every decoded frame's timestamp, 90 kHz.
    #[serde(skip)]
    pub pts: Vec<i64>,
}

impl VideoInfo {
    /// Duration from the first frame to the end of the last, 90 kHz, using the median frame
    /// interval as the last frame's length.
    pub fn duration_90k(&self) -> i64 {
        match (self.first_pts, self.last_pts) {
            (Some(a), Some(b)) => b - a + self.frame_interval_90k(),
            _ => 0,
        }
    }

    /// Median interval between consecutive frames, 90 kHz (3000 if there is only one frame).
    pub fn frame_interval_90k(&self) -> i64 {
        let mut d: Vec<i64> = self.pts.windows(2).map(|w| w[1] - w[0]).collect();
        if d.is_empty() {
            return 3000;
        }
        d.sort_unstable();
        d[d.len() / 2]
    }

    /// Video bitrate over the decoded duration, bits per second.
    pub fn bitrate(&self) -> f64 {
        let secs = self.duration_90k() as f64 / 90_000.0;
        if secs > 0.0 {
            self.bytes as f64 * 8.0 / secs
        } else {
            0.0
        }
    }
}

/// The audio stream of a probed file.
#[derive(Debug, Clone, Serialize)]
pub struct AudioInfo {
    /// FFmpeg codec name (`aac`).
    pub codec: String,
    /// Packets read.
    pub packets: u64,
}

/// What a file contains.
#[derive(Debug, Clone, Serialize)]
pub struct MediaInfo {
    /// libavformat's container name.
    pub container: String,
    /// The main video stream.
    pub video: VideoInfo,
    /// The first audio stream, if any.
    pub audio: Option<AudioInfo>,
}

/// Decodes `path` and reports its streams.
///
/// # Errors
/// The same input errors as a transcode: missing file, unreadable container, no video stream,
/// unsupported codec.
pub fn probe(path: &Path) -> Result<MediaInfo> {
    let label = path.display().to_string();
    let i = inspect(path, &label, &ThumbPlan::None)?;
    let pts_monotonic = i.pts.windows(2).all(|w| w[1] > w[0]);
    Ok(MediaInfo {
        container: i.container,
        video: VideoInfo {
            codec: i.codec,
            profile: i.profile,
            width: i.width,
            height: i.height,
            pix_fmt: i.pix_fmt,
            frame_rate: i.frame_rate.map(|r| (r.numerator(), r.denominator())),
            frames: i.pts.len() as u64,
            packets: i.video_packets,
            keyframes: i.keyframes,
            bytes: i.video_bytes,
            first_pts: i.pts.first().copied(),
            last_pts: i.pts.last().copied(),
            pts_monotonic,
            pts: i.pts,
        },
        audio: i.audio_codec.map(|codec| AudioInfo { codec, packets: i.audio_packets }),
    })
}
