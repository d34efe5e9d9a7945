//! Rendition profiles: Livepeer's built-in presets, the `transcodingOptions` JSON format, and the
//! rule that turns a profile plus a source size into an output size.
//!
//! Encoding itself lives in `pipeline`; this module only describes what to produce.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Smallest and largest output sides accepted for H.264 (LPMS uses NVENC's limits for every
/// encoder: width 146..=4096, height 50..=4096).
const WIDTH_MIN: u32 = 146;
const HEIGHT_MIN: u32 = 50;
const SIDE_MAX: u32 = 4096;

/// H.264 profile requested for a rendition (LPMS `EncoderProfileLookup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum H264Profile {
    /// No profile asked for: the encoder's default (here: High with CABAC, no B-frames).
    #[default]
    EncoderDefault,
    /// Constrained Baseline: CAVLC, no B-frames.
    Baseline,
    /// Main: CABAC.
    Main,
    /// High: CABAC.
    High,
    /// Constrained High: High without B-frames.
    ConstrainedHigh,
}

impl H264Profile {
    /// The name used in Livepeer's JSON (`""`, `H264Baseline`, ...).
    pub fn as_json(self) -> &'static str {
        match self {
            H264Profile::EncoderDefault => "",
            H264Profile::Baseline => "H264Baseline",
            H264Profile::Main => "H264Main",
            H264Profile::High => "H264High",
            H264Profile::ConstrainedHigh => "H264ConstrainedHigh",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "" | "none" => Ok(H264Profile::EncoderDefault),
            "h264baseline" => Ok(H264Profile::Baseline),
            "h264main" => Ok(H264Profile::Main),
            "h264high" => Ok(H264Profile::High),
            "h264constrainedhigh" => Ok(H264Profile::ConstrainedHigh),
            other => Err(Error::Profile(format!("unknown H.264 profile '{other}'"))),
        }
    }
}

/// Keyframe interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Gop {
    /// Left to the transcoder (one IDR at the start of each segment).
    #[default]
    Default,
    /// Every frame is an IDR frame.
    Intra,
    /// An IDR frame at least every this many milliseconds of presentation time.
    Millis(u32),
}

/// Output container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// MPEG transport stream (the default, as in Livepeer).
    #[default]
    Mpegts,
    /// MP4 with the index at the front (`faststart`).
    Mp4,
}

impl Format {
    /// File extension for this container.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mpegts => "ts",
            Format::Mp4 => "mp4",
        }
    }

    /// libavformat muxer name.
    pub(crate) fn muxer(self) -> &'static str {
        match self {
            Format::Mpegts => "mpegts",
            Format::Mp4 => "mp4",
        }
    }
}

/// An output frame rate as a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fps {
    /// Numerator (frames).
    pub num: u32,
    /// Denominator (seconds).
    pub den: u32,
}

/// One rendition to produce.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "JsonProfile", into = "JsonProfile")]
pub struct Profile {
    /// Name, used for file names and playlists.
    pub name: String,
    /// Requested width; the larger of width and height sets the output's long side.
    pub width: u32,
    /// Requested height.
    pub height: u32,
    /// Target bitrate in bits per second.
    pub bitrate: u32,
    /// Output frame rate; `None` passes the source's timing through.
    pub fps: Option<Fps>,
    /// Keyframe interval.
    pub gop: Gop,
    /// H.264 profile.
    pub h264_profile: H264Profile,
    /// Output container.
    pub format: Format,
}

/// Livepeer's `transcodingOptions` JSON shape (`lpms/ffmpeg/videoprofile.go` `JsonProfile`),
/// plus an optional `format` that Livepeer carries in its protobuf instead.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct JsonProfile {
    name: String,
    width: u32,
    height: u32,
    bitrate: u32,
    fps: u32,
    #[serde(rename = "fpsDen")]
    fps_den: u32,
    profile: String,
    gop: String,
    encoder: String,
    #[serde(rename = "colorDepth", skip_serializing_if = "is_zero")]
    color_depth: u32,
    #[serde(rename = "chromaFormat", skip_serializing_if = "is_zero")]
    chroma_format: u32,
    #[serde(skip_serializing_if = "is_zero")]
    quality: u32,
    format: Format,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl TryFrom<JsonProfile> for Profile {
    type Error = Error;

    fn try_from(j: JsonProfile) -> Result<Self> {
        if j.width == 0 || j.height == 0 {
            return Err(Error::Profile(format!("'{}': width and height must be set", j.name)));
        }
        if j.bitrate == 0 {
            return Err(Error::Profile(format!("'{}': bitrate must be set", j.name)));
        }
        if j.quality != 0 {
            return Err(Error::Profile(format!("'{}': quality (CRF) rate control is not supported by the openh264 encoder; set a bitrate", j.name)));
        }
        match j.encoder.to_ascii_lowercase().as_str() {
            "" | "h264" => {}
            other => return Err(Error::Profile(format!("'{}': unsupported encoder '{other}' (only H.264)", j.name))),
        }
        if j.color_depth > 8 || j.chroma_format > 0 {
            return Err(Error::Profile(format!("'{}': only 8-bit 4:2:0 output is supported", j.name)));
        }
        let gop = match j.gop.trim() {
            "" => Gop::Default,
            "intra" => Gop::Intra,
            s => {
                let secs: f64 = s.parse().map_err(|_| Error::Profile(format!("'{}': cannot parse gop '{s}'", j.name)))?;
                if !(0.0..=3600.0).contains(&secs) {
                    return Err(Error::Profile(format!("'{}': gop {secs} out of range 0..=3600 s", j.name)));
                }
                if secs == 0.0 {
                    Gop::Default
                } else {
                    Gop::Millis((secs * 1000.0).round() as u32)
                }
            }
        };
        let fps = match (j.fps, j.fps_den) {
            (0, _) => None,
            (num, den) => Some(Fps { num, den: den.max(1) }),
        };
        let name = if j.name.is_empty() { format!("custom_{}x{}_{}", j.width, j.height, j.bitrate) } else { j.name };
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(Error::Profile(format!("'{name}': a profile name cannot be a path")));
        }
        Ok(Profile { name, width: j.width, height: j.height, bitrate: j.bitrate, fps, gop, h264_profile: H264Profile::parse(&j.profile)?, format: j.format })
    }
}

impl From<Profile> for JsonProfile {
    fn from(p: Profile) -> Self {
        JsonProfile {
            name: p.name,
            width: p.width,
            height: p.height,
            bitrate: p.bitrate,
            fps: p.fps.map_or(0, |f| f.num),
            fps_den: p.fps.map_or(0, |f| f.den),
            profile: p.h264_profile.as_json().to_string(),
            gop: match p.gop {
                Gop::Default => String::new(),
                Gop::Intra => "intra".to_string(),
                Gop::Millis(ms) => format_seconds(ms),
            },
            encoder: "H264".to_string(),
            format: p.format,
            ..JsonProfile::default()
        }
    }
}

fn format_seconds(ms: u32) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}", ms / 1000)
    } else {
        format!("{}", f64::from(ms) / 1000.0)
    }
}

/// `(name, width, height, kbps, fps)` of LPMS's presets (`lpms/ffmpeg/videoprofile.go`).
const PRESETS: &[(&str, u32, u32, u32, u32)] = &[
    ("P720p60fps16x9", 1280, 720, 6000, 60),
    ("P720p30fps16x9", 1280, 720, 4000, 30),
    ("P720p25fps16x9", 1280, 720, 3500, 25),
    ("P720p30fps4x3", 960, 720, 3500, 30),
    ("P576p30fps16x9", 1024, 576, 1500, 30),
    ("P576p25fps16x9", 1024, 576, 1500, 25),
    ("P360p30fps16x9", 640, 360, 1200, 30),
    ("P360p25fps16x9", 640, 360, 1000, 25),
    ("P360p30fps4x3", 480, 360, 1000, 30),
    ("P240p30fps16x9", 426, 240, 600, 30),
    ("P240p25fps16x9", 426, 240, 600, 25),
    ("P240p30fps4x3", 320, 240, 600, 30),
    ("P144p30fps16x9", 256, 144, 400, 30),
    ("P144p25fps16x9", 256, 144, 400, 25),
];

impl Profile {
    /// A Livepeer preset by its exact name (`P720p30fps16x9`, ...).
    pub fn preset(name: &str) -> Option<Profile> {
        PRESETS.iter().find(|p| p.0 == name).map(|&(name, width, height, kbps, fps)| Profile {
            name: name.to_string(),
            width,
            height,
            bitrate: kbps * 1000,
            fps: Some(Fps { num: fps, den: 1 }),
            gop: Gop::Default,
            h264_profile: H264Profile::EncoderDefault,
            format: Format::Mpegts,
        })
    }

    /// Names of every built-in preset.
    pub fn preset_names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|p| p.0)
    }

    /// Livepeer's benchmark ladder (`cmd/livepeer_bench/transcodingOptions.json`): 240p 250k,
    /// 360p 800k, 480p 1.6M, 720p 3M, passthrough fps, constrained high, 1 s GOP.
    pub fn bench_ladder() -> Vec<Profile> {
        [("240p0", 426, 240, 250_000), ("360p0", 640, 360, 800_000), ("480p0", 854, 480, 1_600_000), ("720p0", 1280, 720, 3_000_000)]
            .into_iter()
            .map(|(name, width, height, bitrate)| Profile {
                name: name.to_string(),
                width,
                height,
                bitrate,
                fps: None,
                gop: Gop::Millis(1000),
                h264_profile: H264Profile::ConstrainedHigh,
                format: Format::Mpegts,
            })
            .collect()
    }

    /// Parses a profile list: a JSON array in Livepeer's `transcodingOptions` format, or a
    /// comma-separated list of preset names (plus `bench` for [`Profile::bench_ladder`]).
    ///
    /// # Errors
    /// [`Error::Profile`] for unknown presets, malformed JSON or unsupported settings, and for
    /// duplicate names (they would overwrite each other's files).
    pub fn parse_list(spec: &str) -> Result<Vec<Profile>> {
        let spec = spec.trim();
        let profiles = if spec.starts_with('[') {
            serde_json::from_str::<Vec<Profile>>(spec).map_err(|e| Error::Profile(format!("profiles JSON: {e}")))?
        } else {
            let mut out = Vec::new();
            for name in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if name == "bench" {
                    out.extend(Profile::bench_ladder());
                } else {
                    out.push(Profile::preset(name).ok_or_else(|| {
                        Error::Profile(format!("unknown preset '{name}' (known: bench, {})", Profile::preset_names().collect::<Vec<_>>().join(", ")))
                    })?);
                }
            }
            out
        };
        if profiles.is_empty() {
            return Err(Error::Profile("no profiles given".to_string()));
        }
        let mut names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::Profile(format!("duplicate profile name '{}'", w[0])));
        }
        Ok(profiles)
    }

    /// The output size for a source of `src_w`x`src_h`, following LPMS: the larger requested
    /// dimension becomes the output's long side (so a portrait source gets a portrait
    /// rendition), the other side keeps the source's aspect ratio rounded to an even number,
    /// and a short side that would fall below the minimum is raised to it instead.
    pub fn output_size(&self, src_w: u32, src_h: u32) -> (u32, u32) {
        let w = self.width.clamp(WIDTH_MIN, SIDE_MAX);
        let h = self.height.clamp(HEIGHT_MIN, SIDE_MAX);
        let long = w.max(h);
        let (sw, sh) = (u64::from(src_w.max(1)), u64::from(src_h.max(1)));
        let landscape = sw >= sh;
        // (long side source, short side source, minimum of the short side)
        let (ls, ss, short_min) = if landscape { (sw, sh, HEIGHT_MIN) } else { (sh, sw, WIDTH_MIN) };
        let (long_out, short_out) = if u64::from(long) * ss >= u64::from(short_min) * ls {
            (u64::from(long), rescale_even(u64::from(long), ss, ls))
        } else {
            (rescale_even(u64::from(short_min), ls, ss), u64::from(short_min))
        };
        let (long_out, short_out) = (long_out.clamp(2, u64::from(SIDE_MAX)) as u32, short_out.clamp(2, u64::from(SIDE_MAX)) as u32);
        if landscape {
            (long_out, short_out)
        } else {
            (short_out, long_out)
        }
    }
}

/// `x * num / den` rounded to the nearest even integer, as FFmpeg's scale filter does for `-2`.
fn rescale_even(x: u64, num: u64, den: u64) -> u64 {
    let half = (x * num + den) / (2 * den);
    half * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_size_matches_lpms_rules() {
        let p240 = Profile::preset("P240p30fps16x9").unwrap();
        let p720 = Profile::preset("P720p30fps16x9").unwrap();
        let p360_43 = Profile::preset("P360p30fps4x3").unwrap();
        assert_eq!(p240.output_size(1920, 1080), (426, 240));
        assert_eq!(p720.output_size(1920, 1080), (1280, 720));
        assert_eq!(Profile::bench_ladder()[2].output_size(1920, 1080), (854, 480));
        // Portrait sources give portrait renditions with the same long side.
        assert_eq!(p720.output_size(720, 1280), (720, 1280));
        assert_eq!(p240.output_size(720, 1280), (240, 426));
        // A 4:3 profile on a 16:9 source keeps the source's aspect ratio.
        assert_eq!(p360_43.output_size(1280, 720), (480, 270));
        // A very wide source would get a short side below 50; it is raised to 50.
        assert_eq!(p240.output_size(4000, 100), (2000, 50));
    }

    #[test]
    fn parses_livepeer_transcoding_options_json() {
        let json = r#"[{"name":"240p0","fps":0,"bitrate":250000,"width":426,"height":240,"profile":"H264ConstrainedHigh","gop":"1"},
                       {"name":"360p0","fps":30,"fpsDen":1,"bitrate":800000,"width":640,"height":360,"profile":"h264baseline","gop":"intra","format":"mp4"}]"#;
        let ps = Profile::parse_list(json).unwrap();
        assert_eq!(ps[0], Profile::bench_ladder()[0]);
        assert_eq!(ps[1].fps, Some(Fps { num: 30, den: 1 }));
        assert_eq!(ps[1].gop, Gop::Intra);
        assert_eq!(ps[1].h264_profile, H264Profile::Baseline);
        assert_eq!(ps[1].format, Format::Mp4);
        // Round trip through the same JSON shape.
        let back: Vec<Profile> = serde_json::from_str(&serde_json::to_string(&ps).unwrap()).unwrap();
        assert_eq!(back, ps);
    }

    #[test]
    fn rejects_bad_profiles() {
        for (spec, needle) in [
            ("P999p", "unknown preset"),
            (r#"[{"name":"a","width":0,"height":240,"bitrate":1}]"#, "width and height"),
            (r#"[{"name":"a","width":426,"height":240,"bitrate":1,"encoder":"hevc"}]"#, "unsupported encoder"),
            (r#"[{"name":"a","width":426,"height":240,"bitrate":1,"quality":23}]"#, "quality"),
            (r#"[{"name":"a","width":426,"height":240,"bitrate":1,"gop":"x"}]"#, "gop"),
            ("P240p30fps16x9,P240p30fps16x9", "duplicate"),
            (r#"[{"name":"../x","width":426,"height":240,"bitrate":1}]"#, "path"),
        ] {
            let err = Profile::parse_list(spec).unwrap_err().to_string();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }

    #[test]
    fn presets_parse_by_name() {
        let ps = Profile::parse_list("P240p30fps16x9, P360p30fps16x9,bench").unwrap();
        assert_eq!(ps.len(), 6);
        assert_eq!(ps[1].bitrate, 1_200_000);
        assert_eq!(ps[1].output_size(1920, 1080), (640, 360));
    }
}
