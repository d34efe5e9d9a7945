//! Bad inputs get a clear one-line error naming the input, never a crash, and a batch keeps
//! going past them.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Runs `transcode` on one input; returns (succeeded, stderr). Panics on a crash (signal or
/// Rust panic, exit 101) or an unexpected exit code.
fn transcode(input: &str, out: &Path) -> (bool, String) {
    let o = run(&["transcode", input, "--profiles", "P144p30fps16x9", "--out", out.to_str().unwrap(), "-j", "1"]);
    match o.status.code() {
        Some(0) => (true, stderr(&o)),
        Some(1) => (false, stderr(&o)),
        other => panic!("{input}: crashed or unexpected exit {other:?}: {}", stderr(&o)),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn zero_frame_segment_says_so() {
    let out = tempfile::tempdir().unwrap();
    let input = media("zero-frame.ts");
    let (ok, err) = transcode(input.to_str().unwrap(), out.path());
    assert!(!ok);
    assert!(err.contains(&format!("error: {}: no decodable video frames", input.display())), "{err}");
}

#[test]
fn missing_file_and_unreachable_url() {
    let out = tempfile::tempdir().unwrap();
    let (ok, err) = transcode("/nonexistent/segment.ts", out.path());
    assert!(!ok && err.contains("error: /nonexistent/segment.ts: no such file or directory"), "{err}");

    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for url in [format!("http://127.0.0.1:{port}/live/seg0.ts"), format!("http://127.0.0.1:{port}/live/index.m3u8")] {
        let (ok, err) = transcode(&url, out.path());
        assert!(!ok && err.contains(&format!("error: {url}: ")), "{err}");
        assert!(err.to_lowercase().contains("refused") || err.to_lowercase().contains("connect"), "{err}");
    }
}

#[test]
fn truncated_segments() {
    let out = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(media("kryp-1.ts")).unwrap();
    // Cut mid-stream, mid-packet: the frames before the cut are transcoded.
    let part = write(out.path(), "partial.ts", &bytes[..bytes.len() * 2 / 5 + 77]);
    let (ok, err) = transcode(part.to_str().unwrap(), out.path());
    assert!(ok, "{err}");
    let frames = decoded(&out.path().join("partial/P144p30fps16x9.ts")).frames;
    assert!(frames > 0 && frames < 35, "{frames}");
    // A few hundred bytes in, the first frame is partly there: FFmpeg conceals the rest, as it
    // does for any damaged frame. Cut before any video data: a clear error.
    let stub = write(out.path(), "stub.ts", &bytes[..564]);
    let (ok, err) = transcode(stub.to_str().unwrap(), out.path());
    assert!(!ok, "{err}");
    assert!(err.contains(&format!("error: {}: no decodable video frames", stub.display())), "{err}");
    let headers = write(out.path(), "headers.ts", &bytes[..376]);
    let (ok, err) = transcode(headers.to_str().unwrap(), out.path());
    assert!(!ok && err.contains(&format!("error: {}: cannot read container", headers.display())), "{err}");
    // An empty file.
    let empty = write(out.path(), "empty.ts", b"");
    let (ok, err) = transcode(empty.to_str().unwrap(), out.path());
    assert!(!ok && err.contains(&format!("error: {}: cannot read container", empty.display())), "{err}");
}

/// xorshift64*: a fixed seed makes the corpus the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn seeded_byte_flips_never_crash() {
    let out = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut ok_count, mut err_count) = (0, 0);
    for name in ["skip_1.ts", "kryp-1.ts", "portrait.ts", "test.flv"] {
        let original = std::fs::read(media(name)).unwrap();
        for k in 0..5 {
            let mut bytes = original.clone();
            // From a handful to a few hundred flipped bytes.
            let flips = 4 << (k * 2);
            for _ in 0..flips {
                let at = (rng.next() % bytes.len() as u64) as usize;
                bytes[at] ^= (rng.next() % 255 + 1) as u8;
            }
            let ext = Path::new(name).extension().unwrap().to_str().unwrap();
            let path = write(out.path(), &format!("{}-flip{k}.{ext}", name.split('.').next().unwrap()), &bytes);
            let (ok, err) = transcode(path.to_str().unwrap(), out.path());
            if ok {
                ok_count += 1;
            } else {
                err_count += 1;
                assert!(err.starts_with(&format!("error: {}: ", path.display())), "unclear error for {}: {err}", path.display());
            }
        }
    }
    // Light damage is concealed; the corpus must exercise both outcomes to mean anything.
    assert!(ok_count > 0, "no mutant transcoded");
    eprintln!("byte flips: {ok_count} transcoded, {err_count} refused with an error");
}

#[test]
fn zero_and_huge_dimensions() {
    let out = tempfile::tempdir().unwrap();
    // YUV4MPEG2 streams declare their size in a text header.
    let zero = write(out.path(), "zero.y4m", b"YUV4MPEG2 W0 H0 F30:1 Ip A1:1 C420jpeg\nFRAME\n");
    let (ok, err) = transcode(zero.to_str().unwrap(), out.path());
    assert!(!ok && err.contains(&format!("error: {}: ", zero.display())), "{err}");

    let (w, h) = (9000usize, 16usize);
    let mut huge = format!("YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..2 {
        huge.extend_from_slice(b"FRAME\n");
        huge.extend(std::iter::repeat_n(128u8, w * h * 3 / 2));
    }
    let huge = write(out.path(), "huge.y4m", &huge);
    let (ok, err) = transcode(huge.to_str().unwrap(), out.path());
    assert!(!ok, "{err}");
    assert!(err.contains(&format!("error: {}: invalid video dimensions 9000x16", huge.display())), "{err}");
}

/// Rewrites the PMT of an MPEG-TS file so its video stream claims `stream_type`, fixing the
/// section CRC so the demuxer believes it.
fn retype_video(ts: &[u8], stream_type: u8) -> Vec<u8> {
    let mut out = ts.to_vec();
    let mut pmt_pid = None;
    for off in (0..out.len() / 188).map(|i| i * 188) {
        let pkt = &mut out[off..off + 188];
        let pid = (u16::from(pkt[1] & 0x1f) << 8) | u16::from(pkt[2]);
        let start = pkt[1] & 0x40 != 0;
        if !start || pkt[0] != 0x47 {
            continue;
        }
        let mut p = 4;
        if pkt[3] & 0x20 != 0 {
            p += 1 + pkt[4] as usize;
        }
        p += 1 + pkt[p] as usize; // pointer field
        if pid == 0 && pkt[p] == 0 {
            pmt_pid = Some((u16::from(pkt[p + 10] & 0x1f) << 8) | u16::from(pkt[p + 11]));
        } else if Some(pid) == pmt_pid && pkt[p] == 2 {
            let len = ((usize::from(pkt[p + 1]) & 0x0f) << 8) | usize::from(pkt[p + 2]);
            let end = p + 3 + len - 4;
            let info_len = ((usize::from(pkt[p + 10]) & 0x0f) << 8) | usize::from(pkt[p + 11]);
            let mut e = p + 12 + info_len;
            while e < end {
                if pkt[e] == 0x1b {
                    pkt[e] = stream_type;
                }
                e += 5 + (((usize::from(pkt[e + 3]) & 0x0f) << 8) | usize::from(pkt[e + 4]));
            }
            let crc = crc32_mpeg2(&pkt[p..end]);
            pkt[end..end + 4].copy_from_slice(&crc.to_be_bytes());
        }
    }
    out
}

fn crc32_mpeg2(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 { (crc << 1) ^ 0x04c1_1db7 } else { crc << 1 };
        }
    }
    crc
}

#[test]
fn unsupported_codec() {
    let out = tempfile::tempdir().unwrap();
    // Stream type 0xd2 is AVS2 video; Debian's FFmpeg has no AVS2 decoder.
    let bytes = retype_video(&std::fs::read(media("kryp-1.ts")).unwrap(), 0xd2);
    let path = write(out.path(), "avs2.ts", &bytes);
    let (ok, err) = transcode(path.to_str().unwrap(), out.path());
    assert!(!ok);
    assert!(err.contains(&format!("error: {}: unsupported video codec 'avs2'", path.display())), "{err}");
}

#[test]
fn batch_continues_past_bad_inputs() {
    let out = tempfile::tempdir().unwrap();
    let inputs = [media("skip_1.ts"), PathBuf::from("/nonexistent/a.ts"), media("zero-frame.ts"), media("portrait.ts")];
    let mut args = vec!["transcode".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--profiles".into(), "P144p30fps16x9".into(), "--out".into(), out.path().display().to_string()]);
    let o = cli().args(&args).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error: /nonexistent/a.ts: no such file or directory"), "{err}");
    assert!(err.contains("zero-frame.ts: no decodable video frames"), "{err}");
    assert!(err.contains("2 of 4 inputs failed"), "{err}");
    assert!(out.path().join("skip_1/P144p30fps16x9.ts").is_file());
    assert!(out.path().join("portrait/P144p30fps16x9.ts").is_file());
    assert_eq!(stdout(&o).lines().filter(|l| l.starts_with("ok ")).count(), 2);

    // A directory is a batch too.
    let o = run(&["transcode", media_dir().to_str().unwrap(), "--profiles", "P144p30fps16x9", "--out", out.path().join("dir").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "zero-frame.ts fails, README.md is not media");
    assert!(out.path().join("dir/kryp-1/P144p30fps16x9.ts").is_file());
    assert!(out.path().join("dir/test/P144p30fps16x9.ts").is_file());
}
