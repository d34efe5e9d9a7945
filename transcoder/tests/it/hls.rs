//! HLS input over HTTP (a local server) and from disk: master playlists, continuous output
//! timestamps across segments, per-rendition and master playlists written.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Serves files from `root` on 127.0.0.1 for at most `max_requests` requests, then stops.
fn serve(root: PathBuf, max_requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(max_requests) {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Drain the headers.
            let mut h = String::new();
            while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                h.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
            let resp = match std::fs::read(root.join(&path)) {
                Ok(body) => {
                    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                    r.extend(body);
                    r
                }
                Err(_) => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&resp);
        }
    });
    (base, handle)
}

/// Splits test.flv into ~4 s MPEG-TS segments with the real ffmpeg (stream copy, so the
/// segments' timestamps continue from one to the next).
fn make_segments(dir: &Path) -> usize {
    let o = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(media("test.flv"))
        .args(["-c", "copy", "-f", "hls", "-hls_time", "4", "-hls_list_size", "0", "-hls_segment_filename"])
        .arg(dir.join("s%d.ts"))
        .arg(dir.join("index.m3u8"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(
        dir.join("master.m3u8"),
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nlow/none.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\nindex.m3u8\n",
    )
    .unwrap();
    std::fs::read_dir(dir).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "ts")).count()
}

fn assert_continuous(rendition_dir: &Path, segments: usize) {
    let mut prev_end = None;
    for i in 0..segments {
        let v = decoded(&rendition_dir.join(format!("{i}.ts")));
        if let Some(end) = prev_end {
            assert_eq!(v.first_pts, Some(end), "{}: segment {i} does not continue segment {}", rendition_dir.display(), i - 1);
        }
        prev_end = Some(v.last_pts.unwrap() + v.frame_interval_90k());
    }
}

#[test]
fn http_master_playlist_to_renditions_and_playlists() {
    let src = tempfile::tempdir().unwrap();
    let n = make_segments(src.path());
    assert!(n >= 3, "{n} segments");
    let (base, server) = serve(src.path().to_path_buf(), 2 + n);
    let out = tempfile::tempdir().unwrap();
    let o = run(&["transcode", &format!("{base}/master.m3u8"), "--profiles", "P144p30fps16x9,P240p30fps16x9", "--out", out.path().to_str().unwrap()]);
    server.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("ok {base}/master.m3u8: {n} of {n} segments")), "{}", stdout(&o));

    let dir = out.path().join("master");
    let master = std::fs::read_to_string(dir.join("master.m3u8")).unwrap();
    assert!(master.contains("BANDWIDTH=400000,RESOLUTION=256x144") && master.contains("P144p30fps16x9/index.m3u8"), "{master}");
    assert!(master.contains("BANDWIDTH=600000,RESOLUTION=426x240") && master.contains("P240p30fps16x9/index.m3u8"), "{master}");
    for p in ["P144p30fps16x9", "P240p30fps16x9"] {
        let media_pl = std::fs::read_to_string(dir.join(p).join("index.m3u8")).unwrap();
        assert_eq!(media_pl.matches("#EXTINF").count(), n, "{media_pl}");
        assert!(media_pl.contains("#EXT-X-ENDLIST"));
        assert_continuous(&dir.join(p), n);
    }
    // One receipt per segment.
    assert_eq!(std::fs::read_dir(dir.join("receipts")).unwrap().count(), n);
}

#[test]
fn restarting_timestamps_are_made_continuous_and_verifiable() {
    // The same segment twice: the second one's timestamps jump back, so it is shifted to start
    // where the first ended, and its receipt records the shift so a re-run reproduces it.
    let src = tempfile::tempdir().unwrap();
    std::fs::copy(media("kryp-1.ts"), src.path().join("a.ts")).unwrap();
    std::fs::copy(media("kryp-1.ts"), src.path().join("b.ts")).unwrap();
    std::fs::write(src.path().join("live.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.2,\na.ts\n#EXTINF:1.2,\nb.ts\n#EXT-X-ENDLIST\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&["transcode", src.path().join("live.m3u8").to_str().unwrap(), "--profiles", "P144p30fps16x9", "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = out.path().join("live");
    assert_continuous(&dir.join("P144p30fps16x9"), 2);

    let receipt: lpx_transcoder::Receipt = serde_json::from_str(&std::fs::read_to_string(dir.join("receipts/1.json")).unwrap()).unwrap();
    assert!(receipt.pts_offset > 0, "second segment shifted forward");
    let o = run(&["verify", "--receipt", dir.join("receipts/1.json").to_str().unwrap(), "--input", src.path().join("b.ts").to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let o = run(&[
        "verify",
        "--cheap",
        "--receipt",
        dir.join("receipts/1.json").to_str().unwrap(),
        "--input",
        src.path().join("b.ts").to_str().unwrap(),
        "--renditions",
        dir.join("P144p30fps16x9/1.ts").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}
