//! HLS: reading master and media playlists (local or HTTP), transcoding their segments as one
//! continuous stream, and writing a media playlist per rendition plus a master playlist.

use std::path::{Path, PathBuf};

use m3u8_rs::{MasterPlaylist, MediaPlaylist, MediaSegment, Playlist, Resolution, VariantStream};

use crate::error::{Error, Result};
use crate::input::{fetch, localize, resolve, Location};
use crate::pipeline::{transcode_file, Progress, Timeline, TranscodeOptions, TranscodeOutput};
use crate::profile::Profile;

/// One segment of a media playlist.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Where to fetch it.
    pub location: Location,
    /// Its duration as the playlist states it, seconds.
    pub duration: f32,
}

/// Loads a playlist and returns its segments. A master playlist is followed to its
/// highest-bandwidth variant (one level; masters pointing to masters are refused).
///
/// # Errors
/// Fetch errors, and [`Error::Playlist`] for unparsable playlists or ones without segments.
pub fn load_segments(loc: &Location) -> Result<Vec<Segment>> {
    let bad = |message: String| Error::Playlist { input: loc.to_string(), message };
    let bytes = fetch(loc)?;
    match m3u8_rs::parse_playlist_res(&bytes).map_err(|_| bad("not an HLS playlist".into()))? {
        Playlist::MasterPlaylist(m) => {
            let best = m.variants.iter().filter(|v| !v.is_i_frame).max_by_key(|v| v.bandwidth).ok_or_else(|| bad("master playlist has no variants".into()))?;
            let variant = resolve(loc, &best.uri)?;
            let vbytes = fetch(&variant)?;
            match m3u8_rs::parse_playlist_res(&vbytes) {
                Ok(Playlist::MediaPlaylist(media)) => segments_of(&variant, &media),
                Ok(Playlist::MasterPlaylist(_)) => Err(Error::Playlist { input: variant.to_string(), message: "variant is itself a master playlist".into() }),
                Err(_) => Err(Error::Playlist { input: variant.to_string(), message: "not an HLS playlist".into() }),
            }
        }
        Playlist::MediaPlaylist(media) => segments_of(loc, &media),
    }
}

fn segments_of(loc: &Location, media: &MediaPlaylist) -> Result<Vec<Segment>> {
    if media.segments.is_empty() {
        return Err(Error::Playlist { input: loc.to_string(), message: "media playlist has no segments".into() });
    }
    media.segments.iter().map(|s| Ok(Segment { location: resolve(loc, &s.uri)?, duration: s.duration })).collect()
}

/// The outcome of one segment.
#[derive(Debug)]
pub struct SegmentResult {
    /// Index in the playlist.
    pub index: usize,
    /// The segment's location.
    pub location: Location,
    /// The transcode, or why it failed.
    pub output: Result<TranscodeOutput>,
}

/// Transcodes every segment of `segments` in order as one stream: each segment continues the
/// previous one's timeline (see [`Timeline::ContinueFrom`]). A failed segment is reported and
/// skipped; the next one continues from the last good one. `on_segment` sees each result as it
/// completes (to write files, print, or sign).
pub fn transcode_stream(
    segments: &[Segment],
    opts: &TranscodeOptions,
    progress: &dyn Fn(usize, Progress),
    on_segment: &mut dyn FnMut(&SegmentResult) -> Result<()>,
) -> Result<Vec<SegmentResult>> {
    let mut results = Vec::new();
    let mut next: Option<i64> = None;
    for (index, seg) in segments.iter().enumerate() {
        let label = seg.location.to_string();
        let timeline = next.map_or(Timeline::Keep, Timeline::ContinueFrom);
        let output = localize(&seg.location).and_then(|(path, _guard)| {
            let o = opts.clone().with_timeline(timeline);
            transcode_file(&path, &label, &o, &|p| progress(index, p))
        });
        if let Ok(out) = &output {
            next = Some(out.end_pts());
        }
        let r = SegmentResult { index, location: seg.location.clone(), output };
        on_segment(&r)?;
        results.push(r);
    }
    Ok(results)
}

/// Writes HLS playlists for renditions laid out as `<dir>/<profile>/<n>.<ext>`.
pub struct PlaylistWriter {
    dir: PathBuf,
    profiles: Vec<Profile>,
    /// Per profile: (file name, duration seconds) of each written segment.
    entries: Vec<Vec<(String, f64)>>,
    /// Per profile: (width, height) and total bytes/seconds for BANDWIDTH.
    sizes: Vec<Option<(u32, u32)>>,
}

impl PlaylistWriter {
    /// A writer for `profiles` under `dir`.
    pub fn new(dir: &Path, profiles: &[Profile]) -> Self {
        PlaylistWriter { dir: dir.to_path_buf(), profiles: profiles.to_vec(), entries: vec![Vec::new(); profiles.len()], sizes: vec![None; profiles.len()] }
    }

    /// Writes one transcoded segment's renditions to disk.
    ///
    /// # Errors
    /// I/O errors.
    pub fn add(&mut self, index: usize, out: &TranscodeOutput) -> Result<()> {
        for (i, r) in out.renditions.iter().enumerate() {
            let sub = self.dir.join(&r.profile.name);
            std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, e))?;
            let name = format!("{index}.{}", r.profile.format.extension());
            let path = sub.join(&name);
            crate::files::write_atomic(&path, &r.data)?;
            let secs = (r.end_pts - r.first_pts) as f64 / 90_000.0;
            self.entries[i].push((name, secs));
            self.sizes[i] = Some((r.width, r.height));
        }
        Ok(())
    }

    /// Writes `<profile>/index.m3u8` for each rendition and `master.m3u8`, and returns the
    /// master playlist's path.
    ///
    /// # Errors
    /// I/O errors.
    pub fn finish(&self) -> Result<PathBuf> {
        let mut master = MasterPlaylist { version: Some(3), ..MasterPlaylist::default() };
        for (i, p) in self.profiles.iter().enumerate() {
            let entries = &self.entries[i];
            if entries.is_empty() {
                continue;
            }
            let longest = entries.iter().map(|e| e.1).fold(0.0, f64::max);
            let media = MediaPlaylist {
                version: Some(3),
                target_duration: longest.ceil() as u64,
                media_sequence: 0,
                segments: entries.iter().map(|(uri, d)| MediaSegment { uri: uri.clone(), duration: *d as f32, ..MediaSegment::default() }).collect(),
                end_list: true,
                ..MediaPlaylist::default()
            };
            let path = self.dir.join(&p.name).join("index.m3u8");
            write_with(&path, |w| media.write_to(w))?;
            master.variants.push(VariantStream {
                uri: format!("{}/index.m3u8", p.name),
                bandwidth: u64::from(p.bitrate),
                resolution: self.sizes[i].map(|(w, h)| Resolution { width: u64::from(w), height: u64::from(h) }),
                ..VariantStream::default()
            });
        }
        let path = self.dir.join("master.m3u8");
        write_with(&path, |w| master.write_to(w))?;
        Ok(path)
    }
}

fn write_with(path: &Path, f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<()> {
    let mut buf = Vec::new();
    f(&mut buf).map_err(|e| Error::io(path, e))?;
    crate::files::write_atomic(path, &buf)
}
