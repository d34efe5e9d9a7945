//! Receipts: signed by the CLI, verified by re-running and cheaply; tampered renditions that
//! go-livepeer's pixel check accepts (black frames, wrong resolution with the right pixel
//! count) fail the cheap check.

use std::path::Path;

use lpx_transcoder::{PrivateKeySigner, Receipt};

use crate::common::*;

fn transcode_signed(dir: &Path) {
    let o = cli()
        .args(["transcode", media("kryp-1.ts").to_str().unwrap(), "--profiles", SMALL_LADDER, "--out", dir.to_str().unwrap()])
        .env("LPX_TRANSCODER_KEY", DEV_KEY)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains(&DEV_KEY[2..]) && !stderr(&o).contains(&DEV_KEY[2..]), "the key must never be printed");
}

fn verify(args: &[&str]) -> (bool, String) {
    let o = run(args);
    assert!(matches!(o.status.code(), Some(0) | Some(1)), "{}", stderr(&o));
    (o.status.success(), stdout(&o) + &stderr(&o))
}

/// Replaces rendition `i` with `file` and re-signs the receipt with the same key, as a cheating
/// orchestrator would.
fn forge(receipt_path: &Path, i: usize, file: &Path, target: &Path) {
    let mut r: Receipt = serde_json::from_str(&std::fs::read_to_string(receipt_path).unwrap()).unwrap();
    let bytes = std::fs::read(file).unwrap();
    std::fs::write(target, &bytes).unwrap();
    r.renditions[i].hash = alloy_primitives::keccak256(&bytes);
    r.renditions[i].cid = lpx_transcoder::cid_v1_raw(&bytes);
    r.renditions[i].bytes = bytes.len() as u64;
    r.sign(&DEV_KEY.parse::<PrivateKeySigner>().unwrap()).unwrap();
    std::fs::write(receipt_path, serde_json::to_string_pretty(&r).unwrap()).unwrap();
}

fn ffmpeg(args: &[&str]) {
    let o = std::process::Command::new("ffmpeg").args(["-v", "error", "-y"]).args(args).output().expect("ffmpeg is installed");
    assert!(o.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn honest_receipt_verifies_fully_and_cheaply() {
    let out = tempfile::tempdir().unwrap();
    transcode_signed(out.path());
    let receipt = out.path().join("kryp-1/receipt.json");
    let r: Receipt = serde_json::from_str(&std::fs::read_to_string(&receipt).unwrap()).unwrap();
    assert_eq!(r.signer.unwrap().to_string(), DEV_ADDR);
    assert_eq!(r.recover_signer().unwrap().to_string(), DEV_ADDR);
    let src = media("kryp-1.ts");
    assert_eq!(r.input_hash, lpx_transcoder::keccak_file(&src).unwrap());

    let (ok, text) = verify(&["verify", "--receipt", receipt.to_str().unwrap(), "--input", src.to_str().unwrap(), "--signer", DEV_ADDR]);
    assert!(ok, "{text}");
    assert!(text.contains("match 240p") && text.contains("match 360p") && text.contains("verified"), "{text}");

    let (ok, text) = verify(&["verify", "--cheap", "--receipt", receipt.to_str().unwrap(), "--input", src.to_str().unwrap(), "--signer", DEV_ADDR]);
    assert!(ok, "{text}");
    assert!(text.contains("match 240p (thumbnails"), "{text}");

    // The wrong expected signer fails.
    let other = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let (ok, text) = verify(&["verify", "--cheap", "--receipt", receipt.to_str().unwrap(), "--input", src.to_str().unwrap(), "--signer", other]);
    assert!(!ok && text.contains("expected 0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), "{text}");

    // A different source fails on the input hash.
    let (ok, text) = verify(&["verify", "--cheap", "--receipt", receipt.to_str().unwrap(), "--input", media("portrait.ts").to_str().unwrap()]);
    assert!(!ok && text.contains("input hash"), "{text}");
}

#[test]
fn black_frames_fail_the_cheap_check() {
    let out = tempfile::tempdir().unwrap();
    transcode_signed(out.path());
    let dir = out.path().join("kryp-1");
    let honest = dir.join("240p.ts");
    let black = out.path().join("black.ts");
    // Same size, frame count and timestamps; every pixel black.
    ffmpeg(&[
        "-copyts",
        "-i",
        honest.to_str().unwrap(),
        "-vf",
        "drawbox=c=black:t=fill",
        "-c:v",
        "libx264",
        "-b:v",
        "250k",
        "-fps_mode",
        "passthrough",
        "-an",
        "-muxdelay",
        "0",
        black.to_str().unwrap(),
    ]);
    forge(&dir.join("receipt.json"), 0, &black, &honest);
    let src = media("kryp-1.ts");
    let (ok, text) =
        verify(&["verify", "--cheap", "--receipt", dir.join("receipt.json").to_str().unwrap(), "--input", src.to_str().unwrap(), "--signer", DEV_ADDR]);
    assert!(!ok, "{text}");
    assert!(text.contains("MISMATCH 240p") && text.contains("content differs from the source"), "{text}");
    assert!(text.contains("match 360p"), "{text}");
    // The signature itself is valid: go-livepeer's signature and pixel checks would pass it.
    assert!(!text.contains("signed by"), "{text}");
    // The full check catches it too (hash mismatch on re-run).
    let (ok, text) = verify(&["verify", "--receipt", dir.join("receipt.json").to_str().unwrap(), "--input", src.to_str().unwrap()]);
    assert!(!ok && text.contains("MISMATCH 240p") && text.contains("differs from re-run"), "{text}");
}

#[test]
fn wrong_resolution_with_right_pixel_count_fails_the_cheap_check() {
    let out = tempfile::tempdir().unwrap();
    transcode_signed(out.path());
    let dir = out.path().join("kryp-1");
    let honest = dir.join("360p.mp4");
    // 640x360 = 230400 pixels = 480x480.
    let square = out.path().join("square.mp4");
    ffmpeg(&[
        "-i",
        honest.to_str().unwrap(),
        "-vf",
        "scale=480:480",
        "-c:v",
        "libx264",
        "-b:v",
        "800k",
        "-fps_mode",
        "passthrough",
        "-c:a",
        "copy",
        square.to_str().unwrap(),
    ]);
    forge(&dir.join("receipt.json"), 1, &square, &honest);
    let (ok, text) = verify(&["verify", "--cheap", "--receipt", dir.join("receipt.json").to_str().unwrap(), "--input", media("kryp-1.ts").to_str().unwrap()]);
    assert!(!ok, "{text}");
    assert!(text.contains("MISMATCH 360p") && text.contains("resolution 480x480, expected 640x360"), "{text}");
}

#[test]
fn edited_receipt_breaks_the_signature() {
    let out = tempfile::tempdir().unwrap();
    transcode_signed(out.path());
    let path = out.path().join("kryp-1/receipt.json");
    let mut r: Receipt = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    r.renditions[0].hash = alloy_primitives::B256::repeat_byte(1);
    std::fs::write(&path, serde_json::to_string(&r).unwrap()).unwrap();
    let (ok, text) = verify(&["verify", "--cheap", "--receipt", path.to_str().unwrap(), "--input", media("kryp-1.ts").to_str().unwrap()]);
    assert!(!ok && text.contains("signature recovers to"), "{text}");
}
