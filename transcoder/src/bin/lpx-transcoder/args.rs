//! Command-line arguments. Everything is parsed into typed values here; `run` never sees a
//! configuration string.

use std::path::PathBuf;

use alloy_primitives::Address;
use clap::{Args, Parser, Subcommand, ValueEnum};
use lpx_transcoder::{Format, PrivateKeySigner, Profile};

/// Deterministic, verifiable transcoding for lpx orchestrators.
#[derive(Parser, Debug)]
#[command(name = "lpx-transcoder", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Transcode files, directories of files, or HLS playlists (local or http) into renditions.
    Transcode(TranscodeArgs),
    /// Check a receipt: re-run it (default) or, with --cheap, inspect the renditions.
    Verify(VerifyArgs),
    /// Decode files and print what they contain.
    Probe(ProbeArgs),
}

#[derive(Args, Debug)]
pub(crate) struct TranscodeArgs {
    /// Inputs: media files, directories, .m3u8 playlists, or http(s) URLs.
    #[arg(required = true)]
    pub(crate) inputs: Vec<String>,
    /// Renditions: preset names (comma-separated; `bench` = Livepeer's benchmark ladder), a
    /// JSON array in Livepeer's transcodingOptions format, or a path to such a JSON file.
    #[arg(long, short, value_parser = parse_profile_list, default_value = "P240p30fps16x9,P360p30fps16x9", env = "LPX_TRANSCODER_PROFILES")]
    pub(crate) profiles: ProfileList,
    /// Output directory.
    #[arg(long, short)]
    pub(crate) out: PathBuf,
    /// Output container for every rendition (overrides the profiles' format).
    #[arg(long, value_enum)]
    pub(crate) format: Option<FormatArg>,
    /// Worker threads (output is identical for any value).
    #[arg(long, short = 'j', env = "LPX_TRANSCODER_THREADS")]
    pub(crate) threads: Option<usize>,
    /// Hex private key that signs receipts. Prefer the environment variable.
    #[arg(long, env = "LPX_TRANSCODER_KEY", hide_env_values = true, value_parser = parse_key)]
    pub(crate) key: Option<PrivateKeySigner>,
    /// Print receipts as JSON on stdout instead of one summary line per input.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct VerifyArgs {
    /// The receipt (JSON) to check.
    #[arg(long, short)]
    pub(crate) receipt: PathBuf,
    /// The source segment the receipt is for.
    #[arg(long, short)]
    pub(crate) input: PathBuf,
    /// Rendition files, in receipt order (default: `<receipt dir>/<profile>.<ext>`).
    #[arg(long, num_args = 1..)]
    pub(crate) renditions: Vec<PathBuf>,
    /// Check without re-encoding: signature, hashes, resolution, frames, duration, bitrate
    /// ceiling and thumbnails against the source.
    #[arg(long)]
    pub(crate) cheap: bool,
    /// Require the receipt to be signed by this address.
    #[arg(long)]
    pub(crate) signer: Option<Address>,
    /// Worker threads for a re-run.
    #[arg(long, short = 'j')]
    pub(crate) threads: Option<usize>,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ProbeArgs {
    /// Files to probe.
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub(crate) enum FormatArg {
    Ts,
    Mp4,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Ts => Format::Mpegts,
            FormatArg::Mp4 => Format::Mp4,
        }
    }
}

/// A parsed `--profiles` value.
#[derive(Clone, Debug)]
pub(crate) struct ProfileList(pub(crate) Vec<Profile>);

fn parse_profile_list(s: &str) -> Result<ProfileList, String> {
    let text = if !s.trim_start().starts_with('[') && std::path::Path::new(s).is_file() {
        std::fs::read_to_string(s).map_err(|e| format!("{s}: {e}"))?
    } else {
        s.to_string()
    };
    Profile::parse_list(&text).map(ProfileList).map_err(|e| e.to_string())
}

fn parse_key(s: &str) -> Result<PrivateKeySigner, String> {
    s.trim().parse::<PrivateKeySigner>().map_err(|_| "not a valid hex private key".to_string())
}
