//! Byte-identical output across runs and thread counts, on every file with video.

use lpx_transcoder::{transcode_file, TranscodeOptions};

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
