//! The transcode pipeline: one thread demuxes and decodes, worker threads each own a fixed set
//! of renditions (scale → fps → encode → mux). Frames are shared by reference count and pass
//! through bounded channels, so memory stays bounded by a few frames per worker whatever the
//! input's length.
//!
//! Output bytes never depend on the number of workers: each rendition is processed in input
//! order by exactly one thread, and every stage is deterministic.
//!
//! Scaling is cascaded: when the largest rendition is a downscale of the source, the decoding
//! thread scales each frame to that size once, and every rendition that fits inside it scales
//! from that picture instead of from the full-size source (the largest rendition encodes it as
//! is). On a 1080p ladder that replaces four full-size scales by one. A rendition with another
//! rendition at least twice its size and taking the same frames scales from that one instead,
//! on the same worker right after it. Which renditions cascade depends only on the profiles
//! and the source size ([`cascade_plan`]), never on threads.

pub(crate) mod fps;
mod rendition;

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use alloy_primitives::B256;

use crate::error::{Error, Result};
use crate::ffi::decode::VideoDecoder;
use crate::ffi::demux::{Demuxed, Demuxer};
use crate::ffi::ff;
use crate::ffi::scale::{Filter, Scaler, Target};
use crate::hash::{cid_v1_raw, keccak_file};
use crate::profile::Profile;
use rendition::{Rendition, ScaleFrom, Shared};

/// Largest accepted input side: 8K. Larger frames are refused before any allocation for them.
pub const MAX_INPUT_SIDE: u32 = 8192;
/// Frames each worker may have queued.
const QUEUE_FRAMES: usize = 4;
/// Consecutive segments are considered continuous if the next one starts no more than this
/// after the previous one ended (90 kHz ticks; 1 s).
const MAX_CONTINUITY_GAP_90K: i64 = 90_000;

/// How output timestamps relate to the input's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Timeline {
    /// Keep the input's timestamps (a lone segment, or a stream whose source is continuous).
    #[default]
    Keep,
    /// Shift every timestamp by this many 90 kHz ticks (re-running a recorded transcode).
    Offset(i64),
    /// This segment follows one that ended at this 90 kHz time: keep the input's timestamps if
    /// they continue from there (within 1 s), otherwise shift them to start exactly there.
    ContinueFrom(i64),
}

/// Options for one transcode.
#[derive(Debug, Clone)]
pub struct TranscodeOptions {
    /// Renditions to produce.
    pub profiles: Vec<Profile>,
    /// Worker threads for the renditions (the output is identical for any value ≥ 1).
    pub threads: usize,
    /// Timestamp handling.
    pub timeline: Timeline,
}

impl TranscodeOptions {
    /// Options for `profiles`, one worker per available core, timestamps kept.
    pub fn new(profiles: Vec<Profile>) -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        TranscodeOptions { profiles, threads, timeline: Timeline::Keep }
    }

    /// Sets the number of worker threads.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Sets the timestamp policy.
    pub fn with_timeline(mut self, timeline: Timeline) -> Self {
        self.timeline = timeline;
        self
    }
}

/// Progress of a running transcode, reported after each decoded frame.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Source frames decoded so far.
    pub frames: u64,
    /// Estimated source frames in total, if the container tells.
    pub estimated_total: Option<u64>,
}

/// What was read from the source.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct SourceInfo {
    /// Decoded width.
    pub width: u32,
    /// Decoded height.
    pub height: u32,
    /// Frames decoded (after dropping any with non-increasing timestamps).
    pub frames: u64,
    /// First frame's timestamp, 90 kHz, before any offset.
    pub first_pts: i64,
    /// Duration from the first frame's start to the last frame's end, 90 kHz.
    pub duration_90k: i64,
    /// Nominal frame duration, 90 kHz.
    pub frame_duration_90k: i64,
}

/// One produced rendition.
#[derive(Debug, Clone)]
pub struct RenditionOutput {
    /// The profile it was made for.
    pub profile: Profile,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Frames encoded.
    pub frames: u64,
    /// `width * height * frames`, what Livepeer bills.
    pub pixels: u64,
    /// Bytes of H.264 (without container overhead).
    pub video_bytes: u64,
    /// First output timestamp, 90 kHz.
    pub first_pts: i64,
    /// End of the last frame (its timestamp plus one frame duration), 90 kHz: where the next
    /// segment of the stream should start.
    pub end_pts: i64,
    /// The container bytes.
    pub data: Vec<u8>,
    /// keccak256 of `data`.
    pub hash: B256,
    /// CIDv1 (raw codec, sha2-256) of `data`.
    pub cid: String,
}

/// The result of transcoding one input.
#[derive(Debug, Clone)]
pub struct TranscodeOutput {
    /// keccak256 of the input file's bytes.
    pub input_hash: B256,
    /// What was decoded.
    pub source: SourceInfo,
    /// The timestamp shift that was applied (90 kHz).
    pub pts_offset: i64,
    /// One entry per profile, in profile order.
    pub renditions: Vec<RenditionOutput>,
}

impl TranscodeOutput {
    /// Where the next segment of this stream should start (90 kHz).
    pub fn end_pts(&self) -> i64 {
        self.renditions.iter().map(|r| r.end_pts).max().unwrap_or(0)
    }
}

enum Msg {
    /// A decoded source frame, the shared intermediate picture scaled from it (if the
    /// transcode cascades), and its timestamp.
    Video(Arc<ff::frame::Video>, Option<Arc<ff::frame::Video>>, i64),
    Audio(Arc<ff::Packet>),
}

/// Transcodes the local file `path` into every profile of `opts`.
///
/// `label` names the input in errors (a URL for downloaded segments). `progress` is called
/// from the calling thread after each decoded frame.
///
/// # Errors
/// Input problems ([`Error::NotFound`], [`Error::Demux`], [`Error::NoVideoStream`],
/// [`Error::UnsupportedCodec`], [`Error::NoDecodableFrames`], [`Error::BadDimensions`]),
/// encoder or muxer failures, and I/O errors on the temporary files.
pub fn transcode_file(path: &Path, label: &str, opts: &TranscodeOptions, progress: &dyn Fn(Progress)) -> Result<TranscodeOutput> {
    if opts.profiles.is_empty() {
        return Err(Error::Profile("no profiles given".into()));
    }
    let input_hash = keccak_file(path)?;
    let mut dmx = Demuxer::open(path, label)?;
    let mut dec = VideoDecoder::open(&dmx.video, label)?;
    let estimated_total = dmx.estimated_frames();
    let (first, early_audio) = first_frame(&mut dmx, &mut dec)?;
    let (sw, sh) = (first.width(), first.height());
    if sw < 2 || sh < 2 || sw > MAX_INPUT_SIDE || sh > MAX_INPUT_SIDE {
        return Err(Error::BadDimensions { input: label.to_string(), width: sw, height: sh, max: MAX_INPUT_SIDE });
    }
    let frame_duration_90k = nominal_frame_duration(&dmx);
    let first_ts = first.timestamp().map_or(0, |t| crate::ffi::to_90k(t, dmx.video.time_base));
    let offset = match opts.timeline {
        Timeline::Keep => 0,
        Timeline::Offset(o) => o,
        Timeline::ContinueFrom(next) => {
            if first_ts >= next && first_ts - next <= MAX_CONTINUITY_GAP_90K {
                0
            } else {
                next - first_ts
            }
        }
    };

    let tmp = tempfile::Builder::new().prefix("lpx-transcode").tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let shared = Shared { audio: dmx.audio.as_ref(), offset_90k: offset, source_frame_duration_90k: frame_duration_90k };
    let sizes: Vec<(u32, u32)> = opts.profiles.iter().map(|p| p.output_size(sw, sh)).collect();
    let rates: Vec<_> = opts.profiles.iter().map(|p| p.fps).collect();
    let (mid_size, scale_from) = cascade_plan(&sizes, &rates, (sw, sh));
    let mut renditions = Vec::with_capacity(opts.profiles.len());
    for (i, p) in opts.profiles.iter().enumerate() {
        let path = tmp.path().join(format!("{i}.{}", p.format.extension()));
        renditions.push(Some(Rendition::new(p, sizes[i], scale_from[i], &shared, path)?));
    }
    let mid = mid_size.map(|(w, h)| Scaler::new(w, h, Target::I420, Filter::Rendition));
    // Output pixels per second of media decide the encoding work.
    let costs: Vec<f64> = opts
        .profiles
        .iter()
        .zip(&sizes)
        .map(|(p, &(w, h))| f64::from(w) * f64::from(h) * p.fps.map_or(1.0, |f| f64::from(f.num) / f64::from(f.den) / 30.0))
        .collect();
    let groups: Vec<Vec<(usize, Rendition)>> = assign_workers(&scale_from, &sizes, &costs, opts.threads.max(1))
        .into_iter()
        .map(|g| g.into_iter().filter_map(|i| renditions[i].take().map(|r| (i, r))).collect())
        .collect();

    let mut src = SourceCounter { frames: 0, first: None, last: None };
    let finished = std::thread::scope(|scope| {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for group in groups {
            let (tx, rx) = sync_channel::<Msg>(QUEUE_FRAMES);
            senders.push(tx);
            handles.push(scope.spawn(move || worker(group, rx)));
        }
        let mut feeder = Feeder { offset, frame_duration_90k, estimated_total, senders: &senders, progress, mid };
        let fed = feeder.run(&mut dmx, &mut dec, first, early_audio, &mut src);
        drop(senders);
        join_workers(handles, fed)
    })?;

    let (first_pts, last_pts) = (src.first.unwrap_or(first_ts), src.last.unwrap_or(first_ts));
    let source =
        SourceInfo { width: sw, height: sh, frames: src.frames, first_pts, duration_90k: last_pts - first_pts + frame_duration_90k, frame_duration_90k };
    let renditions = collect_outputs(&opts.profiles, finished, (sw, sh), frame_duration_90k)?;
    Ok(TranscodeOutput { input_hash, source, pts_offset: offset, renditions })
}

/// Decodes up to the first frame (its size decides the renditions' sizes), keeping the audio
/// packets read on the way.
fn first_frame(dmx: &mut Demuxer, dec: &mut VideoDecoder) -> Result<(ff::frame::Video, Vec<Arc<ff::Packet>>)> {
    let mut early_audio = Vec::new();
    loop {
        match dmx.next_packet() {
            Some(Demuxed::Video(p)) => {
                dec.send(&p)?;
                if let Some(f) = dec.receive() {
                    return Ok((f, early_audio));
                }
            }
            Some(Demuxed::Audio(p)) => early_audio.push(Arc::new(p)),
            None => {
                dec.send_eof();
                return dec.receive().map(|f| (f, early_audio)).ok_or_else(|| Error::NoDecodableFrames { input: dmx.label().to_string() });
            }
        }
    }
}

type Finished = Vec<(usize, rendition::Finished)>;

/// Waits for every worker. A worker's own error explains a feed failure (the feeder only sees
/// a closed channel), so it is reported first.
fn join_workers(handles: Vec<std::thread::ScopedJoinHandle<'_, Result<Finished>>>, fed: Result<()>) -> Result<Finished> {
    let mut done = Vec::new();
    let mut worker_err = None;
    for h in handles {
        match h.join() {
            Ok(Ok(list)) => done.extend(list),
            Ok(Err(e)) => worker_err = worker_err.or(Some(e)),
            Err(_) => worker_err = worker_err.or(Some(Error::Internal("a rendition worker panicked".into()))),
        }
    }
    if let Some(e) = worker_err {
        return Err(e);
    }
    fed?;
    Ok(done)
}

/// Reads the finished files back and describes them, in profile order.
fn collect_outputs(profiles: &[Profile], finished: Finished, (sw, sh): (u32, u32), source_frame_90k: i64) -> Result<Vec<RenditionOutput>> {
    let mut outputs: Vec<Option<RenditionOutput>> = vec![None; profiles.len()];
    for (i, f) in finished {
        let profile = profiles[i].clone();
        let (width, height) = profile.output_size(sw, sh);
        let data = std::fs::read(&f.path).map_err(|e| Error::io(&f.path, e))?;
        let frame_dur = match profile.fps {
            Some(fr) => crate::ffi::rescale(90_000, i64::from(fr.den), i64::from(fr.num)),
            None => source_frame_90k,
        };
        outputs[i] = Some(RenditionOutput {
            width,
            height,
            frames: f.frames,
            pixels: u64::from(width) * u64::from(height) * f.frames,
            video_bytes: f.video_bytes,
            first_pts: f.first_pts.unwrap_or(0),
            end_pts: f.last_pts.unwrap_or(0) + frame_dur,
            hash: alloy_primitives::keccak256(&data),
            cid: cid_v1_raw(&data),
            data,
            profile,
        });
    }
    outputs.into_iter().collect::<Option<Vec<_>>>().ok_or_else(|| Error::Internal("a rendition went missing".into()))
}

struct SourceCounter {
    frames: u64,
    first: Option<i64>,
    last: Option<i64>,
}

/// Hands decoded frames (with their shared intermediate picture) and audio packets to every
/// worker.
struct Feeder<'a> {
    offset: i64,
    frame_duration_90k: i64,
    estimated_total: Option<u64>,
    senders: &'a [SyncSender<Msg>],
    progress: &'a dyn Fn(Progress),
    /// Scales each frame to the cascade's intermediate size, if the transcode cascades.
    mid: Option<Scaler>,
}

impl Feeder<'_> {
    fn send(&self, label: &str, m: impl Fn() -> Msg) -> Result<()> {
        for tx in self.senders {
            tx.send(m()).map_err(|_| Error::Internal(format!("{label}: a rendition worker stopped early")))?;
        }
        Ok(())
    }

    /// Timestamps one frame (dropping it if its timestamp does not increase) and sends it.
    fn frame(&mut self, label: &str, vtb: ff::Rational, f: ff::frame::Video, src: &mut SourceCounter) -> Result<()> {
        let ts = match f.timestamp() {
            Some(t) => crate::ffi::to_90k(t, vtb),
            // Untimed frames follow the previous one by a nominal frame.
            None => src.last.map_or(0, |l| l + self.frame_duration_90k),
        };
        if src.last.is_some_and(|l| ts <= l) {
            tracing::debug!(target: "transcoder::decode", input = %label, ts, "dropping frame with non-increasing timestamp");
            return Ok(());
        }
        src.first.get_or_insert(ts);
        src.last = Some(ts);
        src.frames += 1;
        let mid = match &mut self.mid {
            Some(scaler) => Some(Arc::new(scaler.scale_owned(&f).map_err(|e| match e {
                Error::Decode { message, .. } => Error::Decode { input: label.to_string(), message },
                other => other,
            })?)),
            None => None,
        };
        let frame = Arc::new(f);
        self.send(label, || Msg::Video(frame.clone(), mid.clone(), ts + self.offset))?;
        (self.progress)(Progress { frames: src.frames, estimated_total: self.estimated_total });
        Ok(())
    }

    /// Demuxes and decodes the rest of the input.
    fn run(
        &mut self,
        dmx: &mut Demuxer,
        dec: &mut VideoDecoder,
        first: ff::frame::Video,
        early_audio: Vec<Arc<ff::Packet>>,
        src: &mut SourceCounter,
    ) -> Result<()> {
        let vtb = dmx.video.time_base;
        let label = dmx.label().to_string();
        for a in early_audio {
            self.send(&label, || Msg::Audio(a.clone()))?;
        }
        self.frame(&label, vtb, first, src)?;
        while let Some(f) = dec.receive() {
            self.frame(&label, vtb, f, src)?;
        }
        while let Some(p) = dmx.next_packet() {
            match p {
                Demuxed::Video(p) => {
                    dec.send(&p)?;
                    while let Some(f) = dec.receive() {
                        self.frame(&label, vtb, f, src)?;
                    }
                }
                Demuxed::Audio(p) => {
                    let p = Arc::new(p);
                    self.send(&label, || Msg::Audio(p.clone()))?;
                }
            }
        }
        dec.send_eof();
        while let Some(f) = dec.receive() {
            self.frame(&label, vtb, f, src)?;
        }
        if dec.rejected_packets > 0 {
            tracing::warn!(target: "transcoder::decode", input = %label, packets = dec.rejected_packets, "skipped corrupt video packets");
        }
        Ok(())
    }
}

fn worker(mut group: Vec<(usize, Rendition)>, rx: Receiver<Msg>) -> Result<Finished> {
    while let Ok(msg) = rx.recv() {
        match &msg {
            Msg::Video(f, mid, ts) => {
                // A rendition that scales from another comes after it in the group, so the
                // other's picture of this frame is ready by the time it is needed.
                for k in 0..group.len() {
                    let (before, rest) = group.split_at_mut(k);
                    let (_, r) = &mut rest[0];
                    let parent = match r.scale_from() {
                        ScaleFrom::Rendition(p) => before.iter().find(|(i, _)| *i == p).and_then(|(_, pr)| pr.picture_of(*ts)),
                        _ => None,
                    };
                    r.video(f, mid.as_ref(), parent, *ts)?;
                }
            }
            Msg::Audio(p) => {
                for (_, r) in group.iter_mut() {
                    r.audio(p)?;
                }
            }
        }
    }
    group.into_iter().map(|(i, r)| r.finish().map(|f| (i, f))).collect()
}

/// Splits renditions (by index) across `threads` workers, balancing `costs` (largest first
/// onto the least loaded worker). A rendition that scales from another goes to that one's
/// worker, after it. Only speed depends on this, never the output.
fn assign_workers(from: &[ScaleFrom], sizes: &[(u32, u32)], costs: &[f64], threads: usize) -> Vec<Vec<usize>> {
    let parent = |i: usize| match from.get(i) {
        Some(ScaleFrom::Rendition(p)) => Some(*p),
        _ => None,
    };
    let root = |mut i: usize| {
        // A parent is strictly larger than its child, so the chain ends within `from.len()` steps.
        for _ in 0..from.len() {
            match parent(i) {
                Some(p) => i = p,
                None => break,
            }
        }
        i
    };
    let mut families: Vec<(usize, f64, Vec<usize>)> = Vec::new();
    for i in 0..from.len() {
        let (top, cost) = (root(i), costs.get(i).copied().unwrap_or(0.0));
        match families.iter_mut().find(|f| f.0 == top) {
            Some(f) => {
                f.1 += cost;
                f.2.push(i);
            }
            None => families.push((top, cost, vec![i])),
        }
    }
    families.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let n = threads.min(families.len()).max(1);
    let mut groups: Vec<(f64, Vec<usize>)> = (0..n).map(|_| (0.0, Vec::new())).collect();
    for (_, cost, members) in families {
        if let Some(slot) = groups.iter_mut().min_by(|a, b| a.0.total_cmp(&b.0)) {
            slot.0 += cost;
            slot.1.extend(members);
        }
    }
    let area = |i: usize| sizes.get(i).map_or(0, |&(w, h)| u64::from(w) * u64::from(h));
    groups
        .into_iter()
        .map(|(_, mut g)| {
            // Larger first: a parent has at least four times its child's area.
            g.sort_by(|&a, &b| area(b).cmp(&area(a)).then(a.cmp(&b)));
            g
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// Decides the scaling cascade from the output sizes, their frame rates and the source size:
/// the intermediate size the decoding thread scales every frame to (the largest rendition, if
/// it is a downscale of the source and some other rendition fits inside it), and where each
/// rendition takes its picture from. Renditions that do not fit inside the intermediate
/// (another aspect ratio, or larger in one dimension) scale from the source.
///
/// A second bicubic pass costs little: on the 1080p benchmark segment 1080p→720p→480p/360p/240p
/// differs from a direct 1080p→480p/360p/240p scale by 52-57 dB PSNR, far below the
/// encoders' own error (28-38 dB), and it cuts scaling CPU by about 40%.
///
/// A rendition also scales from a smaller one than the intermediate when that one is at least
/// twice its size in each dimension and takes the same frames (same frame rate): 240p from
/// 480p rather than from 720p saves 0.24 s of the ladder's ~2 s of scaling, and stays 54.6 dB
/// from a direct scale. Below a 2:1 ratio a third pass drifts further (480p→360p: 47.6 dB),
/// enough to cost the encoded rendition ~0.1 dB, so those scale from the intermediate.
fn cascade_plan<F: PartialEq>(sizes: &[(u32, u32)], rates: &[F], (sw, sh): (u32, u32)) -> (Option<(u32, u32)>, Vec<ScaleFrom>) {
    let area = |i: usize| u64::from(sizes[i].0) * u64::from(sizes[i].1);
    let Some(top_index) = (0..sizes.len()).max_by_key(|&i| (area(i), std::cmp::Reverse(i))) else {
        return (None, Vec::new());
    };
    let top = sizes[top_index];
    let parent = |r: usize| {
        let (w, h) = sizes[r];
        (0..sizes.len())
            .filter(|&j| j != top_index && rates[j] == rates[r])
            .filter(|&j| sizes[j].0 >= w.saturating_mul(2) && sizes[j].1 >= h.saturating_mul(2))
            .min_by_key(|&j| (area(j), j))
    };
    let plan = |cascade: bool| -> Vec<ScaleFrom> {
        (0..sizes.len())
            .map(|r| {
                let (w, h) = sizes[r];
                match parent(r) {
                    Some(p) => ScaleFrom::Rendition(p),
                    None if cascade && (w, h) == top => ScaleFrom::Intermediate,
                    None if cascade && w <= top.0 && h <= top.1 => ScaleFrom::ScaledIntermediate,
                    None => ScaleFrom::Source,
                }
            })
            .collect()
    };
    let downscales = top.0 <= sw && top.1 <= sh && top != (sw, sh);
    let cascaded = plan(true);
    // Scaling the top rendition on the decoding thread only pays if another rendition uses it.
    if downscales && cascaded.contains(&ScaleFrom::ScaledIntermediate) {
        (Some(top), cascaded)
    } else {
        (None, plan(false))
    }
}

/// The source's nominal frame duration in 90 kHz ticks: from its average frame rate when that
/// is plausible (1..=240 fps), else 30 fps.
fn nominal_frame_duration(dmx: &Demuxer) -> i64 {
    match dmx.video.frame_rate {
        Some(r) if r.numerator() > 0 && f64::from(r) >= 1.0 && f64::from(r) <= 240.0 => {
            crate::ffi::rescale(90_000, i64::from(r.denominator()), i64::from(r.numerator())).max(1)
        }
        _ => 3000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScaleFrom::{Intermediate as Mid, Rendition, ScaledIntermediate as FromMid, Source};

    /// Passthrough frame rate for every rendition.
    fn same_rate(n: usize) -> Vec<Option<u32>> {
        vec![None; n]
    }

    #[test]
    fn bench_ladder_cascades_from_720p_and_240p_from_480p() {
        let sizes = [(426, 240), (640, 360), (854, 480), (1280, 720)];
        assert_eq!(cascade_plan(&sizes, &same_rate(4), (1920, 1080)), (Some((1280, 720)), vec![Rendition(2), FromMid, FromMid, Mid]));
    }

    #[test]
    fn renditions_outside_the_intermediate_scale_from_the_source() {
        // A portrait rendition with fewer pixels than the 720p one but taller than it.
        let sizes = [(1280, 720), (600, 1000), (640, 360)];
        assert_eq!(cascade_plan(&sizes, &same_rate(3), (1920, 1080)), (Some((1280, 720)), vec![Mid, Source, FromMid]));
    }

    #[test]
    fn no_cascade_without_a_downscaled_top_or_a_second_rendition() {
        // The largest rendition is the source size: nothing to share.
        assert_eq!(cascade_plan(&[(1280, 720), (640, 360)], &same_rate(2), (1280, 720)), (None, vec![Source, Source]));
        // The largest rendition upscales in one dimension.
        assert_eq!(cascade_plan(&[(1280, 720), (640, 360)], &same_rate(2), (1920, 600)), (None, vec![Source, Source]));
        // A lone rendition: scaling it on the decoding thread would save nothing.
        assert_eq!(cascade_plan(&[(1280, 720)], &same_rate(1), (1920, 1080)), (None, vec![Source]));
        assert_eq!(cascade_plan::<Option<u32>>(&[], &[], (1920, 1080)), (None, vec![]));
    }

    #[test]
    fn a_rendition_scales_from_one_twice_its_size_with_the_same_frames() {
        // A 720p source: no intermediate, but 240p still comes from 480p.
        let sizes = [(1280, 720), (854, 480), (426, 240)];
        assert_eq!(cascade_plan(&sizes, &same_rate(3), (1280, 720)), (None, vec![Source, Source, Rendition(1)]));
        // Not from a rendition that drops or repeats other frames.
        assert_eq!(cascade_plan(&sizes, &[None, Some(60), None], (1280, 720)), (None, vec![Source, Source, Source]));
        // Not below a 2:1 ratio: 360p keeps scaling from the 720p intermediate.
        let sizes = [(640, 360), (854, 480), (1280, 720)];
        assert_eq!(cascade_plan(&sizes, &same_rate(3), (1920, 1080)), (Some((1280, 720)), vec![FromMid, FromMid, Mid]));
        // The smallest qualifying one, and chains: 144p from 360p, which comes from 720p.
        let sizes = [(256, 144), (640, 360), (854, 480), (1280, 720)];
        assert_eq!(cascade_plan(&sizes, &same_rate(4), (1920, 1080)), (Some((1280, 720)), vec![Rendition(1), FromMid, FromMid, Mid]));
    }

    #[test]
    fn a_family_shares_a_worker_parents_first() {
        let sizes = [(426, 240), (640, 360), (854, 480), (1280, 720)];
        let from = [Rendition(2), FromMid, FromMid, Mid];
        let costs: Vec<f64> = sizes.iter().map(|&(w, h)| f64::from(w * h)).collect();
        // Two workers: 720p alone; 480p, then its 240p, with 360p.
        assert_eq!(assign_workers(&from, &sizes, &costs, 2), vec![vec![3], vec![2, 1, 0]]);
        // Enough workers for everyone: the 480p/240p family still shares one.
        assert_eq!(assign_workers(&from, &sizes, &costs, 8), vec![vec![3], vec![2, 0], vec![1]]);
        assert_eq!(assign_workers(&from, &sizes, &costs, 1), vec![vec![3, 2, 1, 0]]);
    }
}
