//! The crate's error type. Every variant names the input it is about when there is one, so a
//! batch can print one line per failed input.

use std::path::PathBuf;

/// Everything that can go wrong while reading, transcoding, verifying or signing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input path does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An HTTP request failed (connection refused, timeout, non-2xx status).
    #[error("{url}: {message}")]
    Http {
        /// The URL requested.
        url: String,
        /// What went wrong, as reported by the HTTP client.
        message: String,
    },
    /// The container could not be opened or read by libavformat.
    #[error("{input}: cannot read container: {message}")]
    Demux {
        /// The input.
        input: String,
        /// FFmpeg's description.
        message: String,
    },
    /// The input has no video stream at all.
    #[error("{input}: no video stream")]
    NoVideoStream {
        /// The input.
        input: String,
    },
    /// The video codec is not one the installed FFmpeg can decode.
    #[error("{input}: unsupported video codec '{codec}' (no decoder in the installed FFmpeg)")]
    UnsupportedCodec {
        /// The input.
        input: String,
        /// The codec's FFmpeg name.
        codec: String,
    },
    /// The video stream exists but not one frame could be decoded from it.
    #[error("{input}: no decodable video frames (the video stream is empty or corrupt)")]
    NoDecodableFrames {
        /// The input.
        input: String,
    },
    /// The decoded frames have dimensions the transcoder refuses (zero or too large).
    #[error("{input}: invalid video dimensions {width}x{height} (must be 2..={max} on each side)")]
    BadDimensions {
        /// The input.
        input: String,
        /// Decoded width.
        width: u32,
        /// Decoded height.
        height: u32,
        /// The largest side accepted.
        max: u32,
    },
    /// Decoding failed in a way FFmpeg could not conceal.
    #[error("{input}: decode error: {message}")]
    Decode {
        /// The input.
        input: String,
        /// FFmpeg's description.
        message: String,
    },
    /// The encoder rejected its parameters or a frame.
    #[error("encoder ({rendition}): {message}")]
    Encode {
        /// Profile name of the rendition.
        rendition: String,
        /// What went wrong.
        message: String,
    },
    /// Writing the output container failed.
    #[error("muxer ({rendition}): {message}")]
    Mux {
        /// Profile name of the rendition.
        rendition: String,
        /// FFmpeg's description.
        message: String,
    },
    /// A profile or profiles file is invalid.
    #[error("invalid profile: {0}")]
    Profile(String),
    /// An HLS playlist could not be parsed or has no segments.
    #[error("{input}: bad playlist: {message}")]
    Playlist {
        /// The playlist location.
        input: String,
        /// What is wrong with it.
        message: String,
    },
    /// A receipt is malformed or cannot be signed or checked.
    #[error("receipt: {0}")]
    Receipt(String),
    /// A worker thread panicked; this is a bug.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it happened on, mapping "not found" to [`Error::NotFound`].
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound(path)
        } else {
            Error::Io { path, source }
        }
    }
}
