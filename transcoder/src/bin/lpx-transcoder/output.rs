//! All user-facing output: result lines and JSON on stdout, errors on stderr, and a progress
//! bar when stderr is a terminal (otherwise progress goes to the log).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Prints one line on stdout.
pub(crate) fn line(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
}

/// Prints one error line on stderr.
pub(crate) fn error(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {s}");
}

/// Progress of one input: a bar on a terminal, log lines otherwise.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    label: String,
}

impl Progress {
    pub(crate) fn start(label: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} frames ({per_sec}, {eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            b.set_message(label.to_string());
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        if bar.is_none() {
            tracing::info!(input = label, "transcoding");
        }
        Progress { bar, label: label.to_string() }
    }

    pub(crate) fn update(&self, frames: u64, total: Option<u64>) {
        if let Some(b) = &self.bar {
            if let Some(t) = total {
                if b.length() != Some(t.max(frames)) {
                    b.set_length(t.max(frames));
                }
            }
            b.set_position(frames);
        }
    }

    pub(crate) fn finish(self) {
        match self.bar {
            Some(b) => b.finish_and_clear(),
            None => tracing::info!(input = %self.label, "done"),
        }
    }
}
