//! Where inputs come from: local files, directories, HTTP(S) URLs and HLS playlists. Remote
//! bytes are fetched here (with timeouts and a size cap) and handed to the pipeline as local
//! files, so libavformat itself never touches the network.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

/// Largest download accepted (a segment or a playlist).
pub const MAX_DOWNLOAD_BYTES: u64 = 512 << 20;

/// A place bytes can be read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local file.
    Path(PathBuf),
    /// An `http://` or `https://` URL.
    Url(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Path(p) => write!(f, "{}", p.display()),
            Location::Url(u) => f.write_str(u),
        }
    }
}

/// What a command-line input names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One media file (local or remote).
    Media(Location),
    /// An HLS playlist (master or media; local or remote).
    Playlist(Location),
    /// A directory: each file in it is a separate input.
    Directory(PathBuf),
}

impl Input {
    /// Classifies `spec`: URLs and paths ending in `.m3u8` are playlists, existing directories
    /// are directories, anything else is a media file.
    pub fn parse(spec: &str) -> Input {
        let is_url = spec.starts_with("http://") || spec.starts_with("https://");
        let path_part = spec.split(['?', '#']).next().unwrap_or(spec);
        let playlist = path_part.to_ascii_lowercase().ends_with(".m3u8");
        let loc = if is_url { Location::Url(spec.to_string()) } else { Location::Path(PathBuf::from(spec)) };
        match loc {
            Location::Path(p) if p.is_dir() => Input::Directory(p),
            loc if playlist => Input::Playlist(loc),
            loc => Input::Media(loc),
        }
    }

    /// The inputs of a directory, sorted by name, or this input alone.
    ///
    /// # Errors
    /// I/O errors listing the directory.
    pub fn expand(self) -> Result<Vec<Input>> {
        match self {
            Input::Directory(dir) => {
                let mut entries: Vec<PathBuf> =
                    std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
                entries.sort();
                Ok(entries.into_iter().map(|p| Input::parse(&p.to_string_lossy())).collect())
            }
            other => Ok(vec![other]),
        }
    }

    /// A short name for output directories: the file stem.
    pub fn stem(&self) -> String {
        let s = match self {
            Input::Media(l) | Input::Playlist(l) => l.to_string(),
            Input::Directory(p) => p.display().to_string(),
        };
        let last = s.split(['?', '#']).next().unwrap_or(&s).trim_end_matches('/').rsplit(['/', '\\']).next().unwrap_or("input").to_string();
        let stem = last.rsplit_once('.').map_or(last.as_str(), |(a, _)| a);
        let clean: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
        if clean.is_empty() || clean.starts_with('.') {
            "input".to_string()
        } else {
            clean
        }
    }
}

/// Reads all bytes at `loc`.
///
/// # Errors
/// [`Error::NotFound`]/[`Error::Io`] for files; [`Error::Http`] for refused connections,
/// timeouts, non-2xx statuses and bodies over [`MAX_DOWNLOAD_BYTES`].
pub fn fetch(loc: &Location) -> Result<Vec<u8>> {
    match loc {
        Location::Path(p) => std::fs::read(p).map_err(|e| Error::io(p, e)),
        Location::Url(u) => fetch_url(u),
    }
}

fn fetch_url(url: &str) -> Result<Vec<u8>> {
    let http = |message: String| Error::Http { url: url.to_string(), message };
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_connect(Some(Duration::from_secs(5))).timeout_global(Some(Duration::from_secs(60))).build().into();
    let resp = agent.get(url).call().map_err(|e| http(e.to_string()))?;
    let mut body = Vec::new();
    resp.into_body().into_reader().take(MAX_DOWNLOAD_BYTES + 1).read_to_end(&mut body).map_err(|e| http(format!("reading body: {e}")))?;
    if body.len() as u64 > MAX_DOWNLOAD_BYTES {
        return Err(http(format!("body larger than {MAX_DOWNLOAD_BYTES} bytes")));
    }
    Ok(body)
}

/// Makes `loc` available as a local file: the path itself, or a temporary copy of a download
/// (deleted when the returned guard drops).
///
/// # Errors
/// As [`fetch`], plus I/O errors writing the temporary file.
pub fn localize(loc: &Location) -> Result<(PathBuf, Option<tempfile::TempPath>)> {
    match loc {
        Location::Path(p) => {
            if !p.exists() {
                return Err(Error::NotFound(p.clone()));
            }
            Ok((p.clone(), None))
        }
        Location::Url(_) => {
            let bytes = fetch(loc)?;
            let mut f = tempfile::Builder::new().prefix("lpx-segment").tempfile().map_err(|e| Error::io(std::env::temp_dir(), e))?;
            std::io::Write::write_all(&mut f, &bytes).map_err(|e| Error::io(f.path(), e))?;
            let tp = f.into_temp_path();
            Ok((tp.to_path_buf(), Some(tp)))
        }
    }
}

/// Resolves `uri` relative to the playlist at `base`, as a browser would.
///
/// # Errors
/// [`Error::Playlist`] for URIs that cannot be joined.
pub fn resolve(base: &Location, uri: &str) -> Result<Location> {
    if uri.starts_with("http://") || uri.starts_with("https://") {
        return Ok(Location::Url(uri.to_string()));
    }
    match base {
        Location::Path(p) => Ok(Location::Path(p.parent().unwrap_or(Path::new(".")).join(uri))),
        Location::Url(u) => {
            let joined =
                url::Url::parse(u).and_then(|b| b.join(uri)).map_err(|e| Error::Playlist { input: u.clone(), message: format!("bad URI '{uri}': {e}") })?;
            Ok(Location::Url(joined.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_inputs() {
        assert_eq!(Input::parse("http://h/x/index.m3u8?t=1"), Input::Playlist(Location::Url("http://h/x/index.m3u8?t=1".into())));
        assert_eq!(Input::parse("https://h/seg.ts"), Input::Media(Location::Url("https://h/seg.ts".into())));
        assert_eq!(Input::parse("a/b.M3U8"), Input::Playlist(Location::Path("a/b.M3U8".into())));
        assert_eq!(Input::parse("/nonexistent/x.ts"), Input::Media(Location::Path("/nonexistent/x.ts".into())));
        assert_eq!(Input::parse("http://h/x/a b.ts").stem(), "a_b");
    }

    #[test]
    fn resolves_relative_uris() {
        let base = Location::Url("http://127.0.0.1:1/live/index.m3u8".into());
        assert_eq!(resolve(&base, "seg1.ts").unwrap(), Location::Url("http://127.0.0.1:1/live/seg1.ts".into()));
        assert_eq!(resolve(&base, "/other/s.ts").unwrap(), Location::Url("http://127.0.0.1:1/other/s.ts".into()));
        let local = Location::Path("/m/list.m3u8".into());
        assert_eq!(resolve(&local, "s.ts").unwrap(), Location::Path("/m/s.ts".into()));
    }
}
