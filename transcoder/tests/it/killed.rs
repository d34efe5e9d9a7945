//! A transcode killed at any moment leaves the output directory consistent: whenever a
//! receipt.json exists, every rendition it names is complete and has the recorded hash; the
//! next run clears what a killed write left behind and produces everything.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use lpx_transcoder::{Receipt, PARTIAL_PREFIX};

use crate::common::*;

/// Checks the directory's invariant; returns whether a receipt was there.
fn assert_consistent(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("receipt.json")) else {
        return false;
    };
    let receipt: Receipt = serde_json::from_str(&text).expect("a receipt.json present is whole");
    for r in &receipt.renditions {
        let file = dir.join(format!("{}.{}", r.profile.name, r.profile.format.extension()));
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: named by the receipt but {e}", file.display()));
        assert_eq!(alloy_primitives::keccak256(&bytes), r.hash, "{}: not the bytes the receipt names", file.display());
    }
    true
}

/// Names, sizes and modification times: what changes as a run writes its outputs.
fn listing(dir: &Path) -> Vec<(String, u64, Option<SystemTime>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| {
                    let m = e.metadata().ok()?;
                    Some((e.file_name().to_string_lossy().into_owned(), m.len(), m.modified().ok()))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn spawn(args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("lpx-transcoder"))
        .args(args)
        .env_remove("LPX_TRANSCODER_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killed_runs_never_leave_a_receipt_naming_a_broken_file() {
    let out = tempfile::tempdir().unwrap();
    let input = media("test.flv");
    let dir = out.path().join("test");
    let args = ["transcode", input.to_str().unwrap(), "--profiles", SMALL_LADDER, "--out", out.path().to_str().unwrap()];
    // An earlier result with other bytes (another bitrate), so a receipt left from it cannot
    // pass for the new run's (the output is deterministic: a re-run of the same would match).
    let earlier_ladder = SMALL_LADDER.replace("250000", "300000");
    let started = Instant::now();
    let o = run(&["transcode", input.to_str().unwrap(), "--profiles", &earlier_ladder, "--out", out.path().to_str().unwrap()]);
    let full_run = started.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(assert_consistent(&dir));

    // SIGKILL while decoding and encoding.
    for percent in [10, 50, 80] {
        let mut child = spawn(&args);
        std::thread::sleep(full_run * percent / 100);
        let _ = child.kill();
        child.wait().unwrap();
        assert!(assert_consistent(&dir), "nothing written yet: the previous result stays");
    }

    // SIGKILL while writing: right after the 1st, 2nd, ... change the run makes to the
    // directory (polled), until a run finishes before the kill.
    for changes in 1.. {
        let mut child = spawn(&args);
        let mut last = listing(&dir);
        let mut seen = 0;
        let deadline = Instant::now() + full_run * 10 + Duration::from_secs(10);
        let finished = loop {
            if child.try_wait().unwrap().is_some() {
                break true;
            }
            let now = listing(&dir);
            if now != last {
                seen += 1;
                last = now;
                if seen == changes {
                    let _ = child.kill();
                    child.wait().unwrap();
                    break false;
                }
            }
            assert!(Instant::now() < deadline, "the run neither changed the directory nor finished");
            std::thread::sleep(Duration::from_micros(200));
        };
        assert_consistent(&dir);
        if finished {
            assert!(changes > 2, "a run writes at least its renditions and its receipt");
            break;
        }
    }

    // What a write killed half-way leaves, and a rendition that no longer matches: cleared.
    std::fs::write(dir.join(format!("{PARTIAL_PREFIX}240p")), b"half a segment").unwrap();
    std::fs::write(dir.join("240p.ts"), b"truncated").unwrap();
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(assert_consistent(&dir));
    assert_eq!(listing(&dir).iter().filter(|(n, ..)| n.starts_with(PARTIAL_PREFIX)).count(), 0);
}
