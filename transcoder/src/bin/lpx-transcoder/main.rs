//! `lpx-transcoder`: transcode, verify and probe from the command line.

mod args;
mod output;
mod run;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = args::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")))
        .with_writer(std::io::stderr)
        .init();
    match run::run(args) {
        Ok(code) => code,
        Err(e) => {
            output::error(&format!("{e:#}"));
            std::process::ExitCode::from(2)
        }
    }
}
