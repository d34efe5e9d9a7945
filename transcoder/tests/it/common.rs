//! Shared helpers: media paths, running the CLI, ffprobe as JSON, small ladders.

use std::path::{Path, PathBuf};
use std::process::Output;

use lpx_transcoder::{Profile, VideoInfo};

pub(crate) fn media_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/media")
        .canonicalize()
        .or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/media").canonicalize())
        .expect("shared/media next to the repository")
}

pub(crate) fn media(name: &str) -> PathBuf {
    media_dir().join(name)
}

/// Every media file in shared/media (sorted).
pub(crate) fn all_media() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(media_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e != "md")).collect();
    v.sort();
    v
}

/// Files with decodable video (everything but zero-frame.ts, whose README says it has none).
pub(crate) fn video_media() -> Vec<PathBuf> {
    all_media().into_iter().filter(|p| !p.ends_with("zero-frame.ts")).collect()
}

pub(crate) fn cli() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("lpx-transcoder").unwrap()
}

pub(crate) fn run(args: &[&str]) -> Output {
    cli().args(args).env_remove("LPX_TRANSCODER_KEY").output().unwrap()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A small two-rendition ladder used where speed matters: 240p and 360p at passthrough fps,
/// 1 s GOP; the 360p one in MP4 so both containers are exercised.
pub(crate) const SMALL_LADDER: &str = r#"[
  {"name":"240p","width":426,"height":240,"bitrate":250000,"profile":"H264ConstrainedHigh","gop":"1"},
  {"name":"360p","width":640,"height":360,"bitrate":800000,"profile":"H264Baseline","gop":"1","format":"mp4"}
]"#;

pub(crate) fn small_ladder() -> Vec<Profile> {
    Profile::parse_list(SMALL_LADDER).unwrap()
}

/// anvil's first dev key (public knowledge; never a real secret).
pub(crate) const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub(crate) const DEV_ADDR: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// `ffprobe` of the first video stream, with frames counted by decoding.
#[derive(Debug)]
pub(crate) struct FfprobeVideo {
    pub(crate) codec: String,
    pub(crate) profile: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) frames: u64,
    pub(crate) format: String,
    /// The video stream's duration, seconds.
    pub(crate) duration: f64,
    pub(crate) audio_codec: Option<String>,
}

pub(crate) fn ffprobe(path: &Path) -> FfprobeVideo {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe is installed");
    assert!(out.status.success(), "ffprobe {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let streams = j["streams"].as_array().unwrap();
    let v = streams.iter().find(|s| s["codec_type"] == "video").expect("a video stream");
    let a = streams.iter().find(|s| s["codec_type"] == "audio");
    FfprobeVideo {
        codec: v["codec_name"].as_str().unwrap().to_string(),
        profile: v["profile"].as_str().unwrap_or("").to_string(),
        width: v["width"].as_u64().unwrap() as u32,
        height: v["height"].as_u64().unwrap() as u32,
        frames: v["nb_read_frames"].as_str().unwrap().parse().unwrap(),
        format: j["format"]["format_name"].as_str().unwrap().to_string(),
        duration: v["duration"].as_str().and_then(|d| d.parse().ok()).unwrap_or(0.0),
        audio_codec: a.map(|a| a["codec_name"].as_str().unwrap().to_string()),
    }
}

/// Decodes with ffmpeg-next (through the library's probe) and checks the typed basics.
pub(crate) fn decoded(path: &Path) -> VideoInfo {
    let info = lpx_transcoder::probe(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(info.video.pts_monotonic, "{}: timestamps not increasing", path.display());
    info.video
}
