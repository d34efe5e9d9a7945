//! Integration tests: real media from shared/media through the real CLI binary and library,
//! checked with the real `ffprobe` and by decoding with ffmpeg-next.

mod bad_input;
mod common;
mod determinism;
mod hls;
mod killed;
mod media;
mod rate_control;
mod verify;
