//! Mux stage: writes one rendition's H.264 access units and the copied audio packets into an
//! MPEG-TS or MP4 file with libavformat, configured so the bytes depend only on the packets:
//! `bitexact` (no version strings or wall-clock times), fixed muxer options, source timestamps
//! kept as they are (`mpegts_copyts`) so consecutive segments stay continuous.

use std::path::Path;

use super::demux::StreamInfo;
use super::ff;
use super::openh264::AccessUnit;
use crate::error::{Error, Result};
use crate::profile::Format;

/// The 90 kHz clock every video timestamp in the pipeline uses.
pub(crate) const TB_90K: ff::Rational = ff::Rational(1, 90_000);

/// Shape of the video stream to write.
pub(crate) struct VideoStreamSpec<'a> {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// SPS and PPS in Annex B form, taken from the first IDR access unit.
    pub(crate) extradata: &'a [u8],
    /// Nominal frame rate written into the container's stream header.
    pub(crate) frame_rate: ff::Rational,
}

/// An open output file.
pub(crate) struct Muxer {
    octx: ff::format::context::Output,
    name: String,
    video_tb: ff::Rational,
    /// Input time base, output stream index and time base of the copied audio.
    audio: Option<(ff::Rational, usize, ff::Rational)>,
    last_audio_dts: Option<i64>,
    /// Audio packets dropped because their DTS did not increase (e.g. duplicate-audio-dts.ts).
    pub(crate) dropped_audio: u64,
}

impl Muxer {
    /// Creates `path` and writes the container header. Audio is copied only if the container
    /// can carry its codec; otherwise it is left out with a warning.
    pub(crate) fn create(path: &Path, format: Format, video: &VideoStreamSpec<'_>, audio: Option<&StreamInfo>, name: &str) -> Result<Self> {
        super::init();
        let err = |message: String| Error::Mux { rendition: name.to_string(), message };
        let mut octx = ff::format::output_as(&path, format.muxer()).map_err(|e| err(format!("cannot create {}: {e}", path.display())))?;
        // SAFETY: `octx` owns a valid AVFormatContext; setting a flag bit is a plain field write
        // before the header is written. The constant's integer type varies with the FFmpeg
        // headers bindgen saw, hence the cast.
        #[allow(clippy::unnecessary_cast)]
        unsafe {
            (*octx.as_mut_ptr()).flags |= ff::ffi::AVFMT_FLAG_BITEXACT as i32
        };

        {
            let mut st = octx.add_stream(ff::codec::Id::None).map_err(|e| err(format!("add video stream: {e}")))?;
            st.set_time_base(TB_90K);
            st.set_avg_frame_rate(video.frame_rate);
            // SAFETY: the stream was just created by avformat_new_stream, so `codecpar` is a
            // valid, zero-initialised AVCodecParameters that we fill before writing the header.
            // The extradata buffer is allocated with av_mallocz (with FFmpeg's required zeroed
            // padding) and ownership passes to codecpar, which frees it.
            unsafe {
                let par = (*st.as_mut_ptr()).codecpar;
                (*par).codec_type = ff::ffi::AVMediaType::AVMEDIA_TYPE_VIDEO;
                (*par).codec_id = ff::ffi::AVCodecID::AV_CODEC_ID_H264;
                (*par).codec_tag = 0;
                (*par).width = video.width as i32;
                (*par).height = video.height as i32;
                (*par).format = ff::ffi::AVPixelFormat::AV_PIX_FMT_YUV420P as i32;
                (*par).sample_aspect_ratio = ff::ffi::AVRational { num: 1, den: 1 };
                let pad = ff::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
                let buf = ff::ffi::av_mallocz(video.extradata.len() + pad).cast::<u8>();
                if buf.is_null() {
                    return Err(err("out of memory".into()));
                }
                std::ptr::copy_nonoverlapping(video.extradata.as_ptr(), buf, video.extradata.len());
                (*par).extradata = buf;
                (*par).extradata_size = video.extradata.len() as i32;
            }
        }

        let mut audio_in = None;
        if let Some(a) = audio {
            if muxer_supports(&octx, a.params.id()) {
                let mut st = octx.add_stream(ff::codec::Id::None).map_err(|e| err(format!("add audio stream: {e}")))?;
                st.set_parameters(a.params.clone());
                st.set_time_base(a.time_base);
                // SAFETY: as above, a live stream's codecpar; a zero tag lets the muxer pick the
                // right tag for its container (FLV's tags mean nothing in TS or MP4).
                unsafe { (*(*st.as_mut_ptr()).codecpar).codec_tag = 0 };
                audio_in = Some((a.time_base, st.index()));
            } else {
                tracing::warn!(target: "transcoder::mux", rendition = name, codec = ?a.params.id(), "audio codec cannot go into {}; dropping audio", format.muxer());
            }
        }

        let mut opts = ff::Dictionary::new();
        opts.set("fflags", "+bitexact");
        match format {
            Format::Mpegts => opts.set("mpegts_copyts", "1"),
            Format::Mp4 => opts.set("movflags", "+faststart"),
        }
        octx.write_header_with(opts).map_err(|e| err(format!("write header: {e}")))?;
        let video_tb = octx.stream(0).map(|s| s.time_base()).unwrap_or(TB_90K);
        let audio = audio_in.map(|(itb, idx)| (itb, idx, octx.stream(idx).map(|s| s.time_base()).unwrap_or(itb)));
        Ok(Muxer { octx, name: name.to_string(), video_tb, audio, last_audio_dts: None, dropped_audio: 0 })
    }

    /// Writes one video access unit with presentation (= decode, there are no B-frames) time
    /// `pts_90k` and duration `duration_90k`.
    pub(crate) fn write_video(&mut self, au: &AccessUnit, pts_90k: i64, duration_90k: i64) -> Result<()> {
        let mut pkt = ff::Packet::copy(&au.data);
        pkt.set_stream(0);
        pkt.set_pts(Some(pts_90k));
        pkt.set_dts(Some(pts_90k));
        pkt.set_duration(duration_90k);
        if au.keyframe {
            pkt.set_flags(ff::codec::packet::Flags::KEY);
        }
        pkt.rescale_ts(TB_90K, self.video_tb);
        pkt.write_interleaved(&mut self.octx).map_err(|e| Error::Mux { rendition: self.name.clone(), message: format!("write video: {e}") })
    }

    /// Copies one audio packet, shifting its timestamps by `offset_90k`. Packets whose DTS does
    /// not increase are dropped: muxers reject them, and dropping is deterministic.
    pub(crate) fn write_audio(&mut self, packet: &ff::Packet, offset_90k: i64) -> Result<()> {
        let Some((itb, idx, otb)) = self.audio else { return Ok(()) };
        let mut pkt = packet.clone();
        pkt.set_stream(idx);
        pkt.set_position(-1);
        let shift = super::rescale(offset_90k, i64::from(itb.denominator()), 90_000 * i64::from(itb.numerator()));
        pkt.set_pts(pkt.pts().map(|t| t + shift));
        pkt.set_dts(pkt.dts().or(pkt.pts()).map(|t| t + if pkt.dts().is_some() { shift } else { 0 }));
        pkt.rescale_ts(itb, otb);
        let Some(dts) = pkt.dts() else {
            self.dropped_audio += 1;
            return Ok(());
        };
        if self.last_audio_dts.is_some_and(|last| dts <= last) {
            self.dropped_audio += 1;
            return Ok(());
        }
        self.last_audio_dts = Some(dts);
        pkt.write_interleaved(&mut self.octx).map_err(|e| Error::Mux { rendition: self.name.clone(), message: format!("write audio: {e}") })
    }

    /// Flushes interleaving queues and writes the trailer (and, for MP4, moves the index to
    /// the front).
    pub(crate) fn finish(mut self) -> Result<()> {
        self.octx.write_trailer().map_err(|e| Error::Mux { rendition: self.name.clone(), message: format!("write trailer: {e}") })
    }
}

fn muxer_supports(octx: &ff::format::context::Output, id: ff::codec::Id) -> bool {
    // SAFETY: `oformat` of an allocated output context points to a static AVOutputFormat.
    unsafe {
        let ofmt = (*octx.as_ptr()).oformat;
        // 0 = FF_COMPLIANCE_NORMAL.
        // 1 = yes, 0 = no, negative = the muxer cannot tell (MPEG-TS): then try it.
        ff::ffi::avformat_query_codec(ofmt, id.into(), 0) != 0
    }
}
