//! Decode stage: turns the video stream's packets into frames with FFmpeg's own decoders (so
//! every H.264 profile, B-frames and every other codec the installed FFmpeg knows work).

use std::collections::VecDeque;

use super::demux::StreamInfo;
use super::ff;
use crate::error::{Error, Result};

/// Decoder threads. Fixed, not derived from the caller's thread count: FFmpeg's decoders are
/// bit-exact for valid streams at any thread count, but error concealment in corrupt streams
/// may depend on it, and output must never depend on the machine.
const DECODER_THREADS: usize = 2;

/// A video decoder for one input stream.
pub(crate) struct VideoDecoder {
    dec: ff::decoder::Video,
    label: String,
    /// Frames drained while the decoder refused input (it must give output before it takes more).
    pending: VecDeque<ff::frame::Video>,
    /// Packets the decoder rejected (corrupt data); decoding goes on without them.
    pub(crate) rejected_packets: u64,
}

impl VideoDecoder {
    /// Opens the decoder for `info`'s codec.
    pub(crate) fn open(info: &StreamInfo, label: &str) -> Result<Self> {
        let id = info.params.id();
        if id == ff::codec::Id::None || ff::codec::decoder::find(id).is_none() {
            let codec = if id == ff::codec::Id::None { "unknown".to_string() } else { id.name().to_string() };
            return Err(Error::UnsupportedCodec { input: label.to_string(), codec });
        }
        let mut ctx = ff::codec::context::Context::from_parameters(info.params.clone())
            .map_err(|e| Error::Decode { input: label.to_string(), message: super::describe(&e) })?;
        ctx.set_threading(ff::codec::threading::Config { kind: ff::codec::threading::Type::Frame, count: DECODER_THREADS, ..Default::default() });
        let dec = ctx
            .decoder()
            .video()
            .map_err(|e| Error::Decode { input: label.to_string(), message: format!("cannot open {} decoder: {}", id.name(), super::describe(&e)) })?;
        Ok(VideoDecoder { dec, label: label.to_string(), pending: VecDeque::new(), rejected_packets: 0 })
    }

    /// Feeds one packet. Corrupt packets are counted and skipped, as FFmpeg's CLI does.
    pub(crate) fn send(&mut self, packet: &ff::Packet) -> Result<()> {
        for _ in 0..1000 {
            match self.dec.send_packet(packet) {
                Ok(()) | Err(ff::Error::Eof) => return Ok(()),
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => {
                    let before = self.pending.len();
                    while let Some(f) = self.receive_decoded() {
                        self.pending.push_back(f);
                    }
                    if self.pending.len() == before {
                        break;
                    }
                }
                Err(e) => {
                    self.rejected_packets += 1;
                    tracing::debug!(target: "transcoder::decode", input = %self.label, error = %e, "skipping corrupt packet");
                    return Ok(());
                }
            }
        }
        Err(Error::Decode { input: self.label.clone(), message: "decoder stalled (refuses input, gives no output)".to_string() })
    }

    /// Signals the end of input so the decoder releases the frames it still holds.
    pub(crate) fn send_eof(&mut self) {
        let _ = self.dec.send_eof();
    }

    /// The next decoded frame, if one is ready.
    pub(crate) fn receive(&mut self) -> Option<ff::frame::Video> {
        self.pending.pop_front().or_else(|| self.receive_decoded())
    }

    fn receive_decoded(&mut self) -> Option<ff::frame::Video> {
        // Each error consumes one broken frame, so this ends; the bound guards against a
        // decoder that reports the same error forever.
        for _ in 0..1000 {
            let mut frame = ff::frame::Video::empty();
            match self.dec.receive_frame(&mut frame) {
                Ok(()) => return Some(frame),
                Err(ff::Error::Eof) => return None,
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => return None,
                Err(e) => {
                    tracing::debug!(target: "transcoder::decode", input = %self.label, error = %e, "dropping undecodable frame");
                }
            }
        }
        None
    }
}
