//! Byte-identical output across runs and thread counts, on every file with video.

use lpx_transcoder::{transcode_file, Profile, TranscodeOptions};

use crate::common::*;

#[test]
fn identical_bytes_across_runs_and_thread_counts() {
    for input in video_media() {
        let label = input.display().to_string();
        let run_with = |threads: usize| {
            let opts = TranscodeOptions::new(small_ladder()).with_threads(threads);
            transcode_file(&input, &label, &opts, &|_| {}).unwrap_or_else(|e| panic!("{label}: {e}"))
        };
        let one = run_with(1);
        let two = run_with(2);
        let one_again = run_with(1);
        let four = run_with(4);
        for (i, r) in one.renditions.iter().enumerate() {
            assert!(!r.data.is_empty());
            for (what, other) in [("second run", &one_again), ("2 threads", &two), ("4 threads", &four)] {
                assert!(r.data == other.renditions[i].data, "{label} {}: bytes differ with {what}", r.profile.name);
                assert_eq!(r.hash, other.renditions[i].hash);
            }
        }
    }
}

/// A ladder whose renditions take their pictures three ways (the shared intermediate as is,
/// scaled from it, and scaled from another rendition that must then share its worker) gives
/// the same bytes with 1, 2, 3 and 4 workers.
#[test]
fn cascaded_scaling_is_identical_across_thread_counts() {
    let ladder = Profile::parse_list(
        r#"[
  {"name":"576p","width":1024,"height":576,"bitrate":1500000,"gop":"1"},
  {"name":"240p","width":426,"height":240,"bitrate":250000,"gop":"1"},
  {"name":"480p","width":854,"height":480,"bitrate":1000000,"gop":"1"},
  {"name":"360p","width":640,"height":360,"bitrate":600000,"gop":"1"}
]"#,
    )
    .unwrap();
    let input = media("kryp-1.ts");
    let label = input.display().to_string();
    let run_with = |threads: usize| {
        let opts = TranscodeOptions::new(ladder.clone()).with_threads(threads);
        transcode_file(&input, &label, &opts, &|_| {}).unwrap_or_else(|e| panic!("{label}: {e}"))
    };
    let one = run_with(1);
    for threads in [2, 3, 4] {
        let other = run_with(threads);
        for (a, b) in one.renditions.iter().zip(&other.renditions) {
            assert!(a.frames > 0);
            assert!(a.data == b.data, "{}: bytes differ with {threads} workers", a.profile.name);
        }
    }
}
