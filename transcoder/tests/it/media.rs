//! Every file in shared/media through the CLI, outputs checked with ffprobe and by decoding.

use crate::common::*;

#[test]
fn every_media_file_transcodes_through_the_cli() {
    let out = tempfile::tempdir().unwrap();
    for input in all_media() {
        let name = input.file_stem().unwrap().to_str().unwrap().to_string();
        let o = run(&["transcode", input.to_str().unwrap(), "--profiles", SMALL_LADDER, "--out", out.path().to_str().unwrap(), "-j", "2"]);
        if name == "zero-frame" {
            assert_eq!(o.status.code(), Some(1), "zero-frame.ts must fail cleanly");
            assert!(stderr(&o).contains("zero-frame.ts: no decodable video frames"), "{}", stderr(&o));
            continue;
        }
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert!(stdout(&o).starts_with(&format!("ok {}", input.display())), "{}", stdout(&o));

        // The pipeline drops frames whose timestamp does not increase (skip_1.ts has some).
        let src = lpx_transcoder::probe(&input).unwrap().video;
        let mut kept: Vec<i64> = Vec::new();
        for &t in &src.pts {
            if kept.last().is_none_or(|&l| t > l) {
                kept.push(t);
            }
        }
        let frame = src.frame_interval_90k();
        let src_duration = kept.last().unwrap() - kept[0] + frame;
        let src_probe = ffprobe(&input);
        let dir = out.path().join(&name);
        for p in small_ladder() {
            let file = dir.join(format!("{}.{}", p.name, p.format.extension()));
            let (ew, eh) = p.output_size(src.width, src.height);
            // ffprobe, the real binary.
            let f = ffprobe(&file);
            assert_eq!(f.codec, "h264", "{}", file.display());
            assert_eq!((f.width, f.height), (ew, eh), "{}", file.display());
            assert_eq!(f.frames, kept.len() as u64, "{}: passthrough fps keeps every frame", file.display());
            let expect_profile = if p.name == "240p" { "High" } else { "Constrained Baseline" };
            assert_eq!(f.profile, expect_profile, "{}", file.display());
            let secs = src_duration as f64 / 90_000.0;
            assert!((f.duration - secs).abs() <= frame as f64 / 90_000.0 + 0.001, "{}: ffprobe duration {} vs source {secs}", file.display(), f.duration);
            assert_eq!(f.audio_codec, src_probe.audio_codec, "{}: audio copied", file.display());
            let container = if p.format == lpx_transcoder::Format::Mp4 { "mov,mp4" } else { "mpegts" };
            assert!(f.format.starts_with(container), "{}: {}", file.display(), f.format);
            // Decoded with ffmpeg-next: typed fields, monotonic timestamps, same timeline.
            let d = decoded(&file);
            assert_eq!((d.codec.as_str(), d.width, d.height, d.frames), ("h264", ew, eh, kept.len() as u64), "{}", file.display());
            assert!((d.duration_90k() - src_duration).abs() <= frame, "{}: duration {} vs source {src_duration}", file.display(), d.duration_90k());
            // MPEG-TS keeps the exact 90 kHz timestamps; MP4 stores its start in the movie
            // timescale (milliseconds), so it may round by up to 1 ms.
            let tolerance = if p.format == lpx_transcoder::Format::Mp4 { 90 } else { 0 };
            assert!((d.first_pts.unwrap() - kept[0]).abs() <= tolerance, "{}: starts at {:?}, source at {}", file.display(), d.first_pts, kept[0]);
            assert!(d.keyframes >= 1);
            if p.format == lpx_transcoder::Format::Mp4 {
                let bytes = std::fs::read(&file).unwrap();
                let pos = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).unwrap();
                assert!(pos(b"moov") < pos(b"mdat"), "{}: faststart puts the index first", file.display());
            }
        }
        // The receipt names every rendition with its hash and CID.
        let receipt: lpx_transcoder::Receipt = serde_json::from_str(&std::fs::read_to_string(dir.join("receipt.json")).unwrap()).unwrap();
        assert_eq!(receipt.renditions.len(), 2);
        for r in &receipt.renditions {
            let bytes = std::fs::read(dir.join(format!("{}.{}", r.profile.name, r.profile.format.extension()))).unwrap();
            assert_eq!(r.hash, alloy_primitives::keccak256(&bytes));
            assert_eq!(r.cid, lpx_transcoder::cid_v1_raw(&bytes));
            assert!(r.cid.starts_with("bafkrei"));
            assert_eq!(r.pixels, u64::from(r.width) * u64::from(r.height) * r.frames);
        }
    }
}

#[test]
fn gop_of_one_second_gives_a_keyframe_every_second() {
    // test.flv: 569 frames at 30 fps, 19 s.
    let out = tempfile::tempdir().unwrap();
    let o = run(&["transcode", media("test.flv").to_str().unwrap(), "--profiles", SMALL_LADDER, "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d = decoded(&out.path().join("test/240p.ts"));
    let secs = d.duration_90k() as f64 / 90_000.0;
    assert!(d.keyframes as f64 >= secs.floor(), "{} keyframes in {secs} s", d.keyframes);
}

#[test]
fn fps_conversion_and_portrait_sizes() {
    // portrait.ts is 720x1280 at 30 fps, 30 frames; P240p25fps16x9 converts to 25 fps.
    let out = tempfile::tempdir().unwrap();
    let o = run(&["transcode", media("portrait.ts").to_str().unwrap(), "--profiles", "P240p25fps16x9", "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = ffprobe(&out.path().join("portrait/P240p25fps16x9.ts"));
    assert_eq!((f.width, f.height), (240, 426));
    // Each source frame goes to the nearest 25 fps slot; a slot already taken drops it. One
    // second of 30 fps video fills 25 or 26 slots depending on where the grid falls.
    let src = decoded(&media("portrait.ts"));
    let mut slots: Vec<i64> = src.pts.iter().map(|&t| (t * 25 + 45_000).div_euclid(90_000)).collect();
    slots.dedup();
    assert!(slots.len() == 25 || slots.len() == 26);
    assert_eq!(f.frames, slots.len() as u64);
    let d = decoded(&out.path().join("portrait/P240p25fps16x9.ts"));
    assert_eq!(d.frame_interval_90k(), 3600);
}

#[test]
fn probe_reports_decoded_facts() {
    let o = run(&["probe", media("kryp-1.ts").to_str().unwrap(), media("skip_1.ts").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("kryp-1.ts: mpegts video h264 Main 1280x720 yuv420p, 35 frames"), "{s}");
    assert!(s.contains("skip_1.ts: mpegts video h264 High 128x72 yuv420p, 171 frames"), "{s}");
}

/// MP4 input: test.flv (Main profile, B-frames, AAC) remuxed into MP4 by the real `ffmpeg`,
/// transcoded through the CLI; every frame comes out, the audio with it.
#[test]
fn mp4_input_with_b_frames() {
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("test-remuxed.mp4");
    let remux = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i", media("test.flv").to_str().unwrap(), "-c", "copy", "-f", "mp4", mp4.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(remux.status.success(), "{}", String::from_utf8_lossy(&remux.stderr));
    let src = ffprobe(&mp4);
    assert!(src.format.starts_with("mov,mp4"), "{}", src.format);
    let out = dir.path().join("out");
    let o = run(&["transcode", mp4.to_str().unwrap(), "--profiles", SMALL_LADDER, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for p in small_ladder() {
        let f = ffprobe(&out.join(format!("test-remuxed/{}.{}", p.name, p.format.extension())));
        assert_eq!((f.codec.as_str(), f.frames), ("h264", src.frames), "{}", p.name);
        assert_eq!(f.audio_codec.as_deref(), Some("aac"), "{}", p.name);
    }
}
