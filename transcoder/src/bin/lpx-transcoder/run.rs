//! The subcommands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use lpx_transcoder::hls::{load_segments, transcode_stream, PlaylistWriter};
use lpx_transcoder::input::{localize, Input, Location};
use lpx_transcoder::{
    probe, remove_partial_files, transcode_file, verify_cheap, verify_full, write_atomic, PrivateKeySigner, Receipt, TranscodeOptions, TranscodeOutput,
};

use crate::args::{Cli, Command, ProbeArgs, TranscodeArgs, VerifyArgs};
use crate::output;

pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Transcode(a) => transcode(a),
        Command::Verify(a) => verify(a),
        Command::Probe(a) => probe_cmd(a),
    }
}

fn transcode(a: TranscodeArgs) -> Result<ExitCode> {
    let mut profiles = a.profiles.0.clone();
    if let Some(f) = a.format {
        for p in &mut profiles {
            p.format = f.into();
        }
    }
    let mut opts = TranscodeOptions::new(profiles);
    if let Some(t) = a.threads {
        opts = opts.with_threads(t);
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("while creating {}", a.out.display()))?;
    let mut inputs = Vec::new();
    for spec in &a.inputs {
        match Input::parse(spec).expand() {
            Ok(list) => inputs.extend(list),
            Err(e) => {
                output::error(&e.to_string());
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let mut failed = 0usize;
    for input in &inputs {
        let dir = a.out.join(input.stem());
        let res = match input {
            Input::Media(loc) => transcode_one(loc, &opts, &dir, a.key.as_ref(), a.json),
            Input::Playlist(loc) => transcode_playlist(loc, &opts, &dir, a.key.as_ref(), a.json),
            Input::Directory(_) => Ok(()),
        };
        if let Err(e) = res {
            failed += 1;
            output::error(&format!("{e:#}"));
        }
    }
    if failed > 0 {
        output::error(&format!("{failed} of {} inputs failed", inputs.len()));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn transcode_one(loc: &Location, opts: &TranscodeOptions, dir: &Path, key: Option<&PrivateKeySigner>, json: bool) -> Result<()> {
    let label = loc.to_string();
    let started = Instant::now();
    let (path, _guard) = localize(loc)?;
    let progress = output::Progress::start(&label);
    let out = transcode_file(&path, &label, opts, &|p| progress.update(p.frames, p.estimated_total));
    progress.finish();
    let out = out?;
    std::fs::create_dir_all(dir).with_context(|| format!("while creating {}", dir.display()))?;
    // Every file is replaced whole, and the receipt goes last: whenever a receipt.json exists,
    // the renditions it names are complete, even if this run is killed part-way. A previous
    // run's receipt is dropped first (only now, so a failed run keeps the previous result).
    remove_partial_files(dir)?;
    let receipt_path = dir.join("receipt.json");
    match std::fs::remove_file(&receipt_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).with_context(|| format!("while removing {}", receipt_path.display())),
        _ => {}
    }
    for r in &out.renditions {
        write_atomic(&dir.join(format!("{}.{}", r.profile.name, r.profile.format.extension())), &r.data)?;
    }
    let receipt = write_receipt(&label, &out, key, &receipt_path)?;
    report(&label, &out, &receipt, started, dir, json)
}

fn transcode_playlist(loc: &Location, opts: &TranscodeOptions, dir: &Path, key: Option<&PrivateKeySigner>, json: bool) -> Result<()> {
    let started = Instant::now();
    let segments = load_segments(loc)?;
    let receipts_dir = dir.join("receipts");
    std::fs::create_dir_all(&receipts_dir).with_context(|| format!("while creating {}", receipts_dir.display()))?;
    // What a killed earlier run may have left half-written (see transcode_one).
    for d in [dir.to_path_buf(), receipts_dir.clone()].into_iter().chain(opts.profiles.iter().map(|p| dir.join(&p.name))) {
        remove_partial_files(&d)?;
    }
    let mut writer = PlaylistWriter::new(dir, &opts.profiles);
    let mut bad = 0usize;
    let progress = output::Progress::start(&loc.to_string());
    let results = transcode_stream(&segments, opts, &|_, p| progress.update(p.frames, p.estimated_total), &mut |r| {
        match &r.output {
            Ok(out) => {
                writer.add(r.index, out)?;
                let receipt = write_receipt(&r.location.to_string(), out, key, &receipts_dir.join(format!("{}.json", r.index)))
                    .map_err(|e| lpx_transcoder::Error::Receipt(format!("{e:#}")))?;
                if json {
                    output::line(&serde_json::to_string(&receipt).unwrap_or_default());
                }
            }
            Err(e) => {
                bad += 1;
                output::error(&format!("segment {}: {e}", r.index));
            }
        }
        Ok(())
    });
    progress.finish();
    let results = results?;
    let master = writer.finish()?;
    let frames: u64 = results.iter().filter_map(|r| r.output.as_ref().ok()).map(|o| o.source.frames).sum();
    let secs: f64 = results.iter().filter_map(|r| r.output.as_ref().ok()).map(|o| o.source.duration_90k as f64 / 90_000.0).sum();
    if !json {
        output::line(&format!(
            "ok {loc}: {} of {} segments, {frames} frames ({secs:.1} s) in {:.1} s -> {}",
            results.len() - bad,
            results.len(),
            started.elapsed().as_secs_f64(),
            master.display()
        ));
    }
    if bad == results.len() {
        bail!("{loc}: no segment could be transcoded");
    }
    Ok(())
}

fn write_receipt(label: &str, out: &TranscodeOutput, key: Option<&PrivateKeySigner>, path: &Path) -> Result<Receipt> {
    let mut receipt = Receipt::from_output(label, out);
    if let Some(k) = key {
        receipt.sign(k)?;
    }
    let text = serde_json::to_string_pretty(&receipt)?;
    write_atomic(path, text.as_bytes())?;
    Ok(receipt)
}

fn report(label: &str, out: &TranscodeOutput, receipt: &Receipt, started: Instant, dir: &Path, json: bool) -> Result<()> {
    if json {
        output::line(&serde_json::to_string(receipt)?);
        return Ok(());
    }
    let wall = started.elapsed().as_secs_f64();
    let media = out.source.duration_90k as f64 / 90_000.0;
    output::line(&format!(
        "ok {label}: {} renditions ({}), {} frames {}x{} ({media:.2} s) in {wall:.2} s ({:.1}x real time) -> {}",
        out.renditions.len(),
        out.renditions.iter().map(|r| format!("{} {}x{}", r.profile.name, r.width, r.height)).collect::<Vec<_>>().join(", "),
        out.source.frames,
        out.source.width,
        out.source.height,
        if wall > 0.0 { media / wall } else { 0.0 },
        dir.display()
    ));
    Ok(())
}

fn verify(a: VerifyArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&a.receipt).with_context(|| format!("while reading {}", a.receipt.display()))?;
    let receipt: Receipt = serde_json::from_str(&text).with_context(|| format!("{} is not a receipt", a.receipt.display()))?;
    let threads = a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let report = if a.cheap {
        let files = if a.renditions.is_empty() { default_renditions(&a.receipt, &receipt) } else { a.renditions.clone() };
        verify_cheap(&a.input, &receipt, &files, a.signer)?
    } else {
        verify_full(&a.input, &receipt, a.signer, threads)?
    };
    if a.json {
        output::line(&serde_json::to_string_pretty(&report)?);
    } else {
        if let Some(s) = report.signer {
            output::line(&format!("signer {s}"));
        }
        for p in &report.problems {
            output::line(&format!("problem: {p}"));
        }
        for r in &report.renditions {
            let psnr = r.thumb_psnr_db.map(|v| format!(" (thumbnails {v:.1} dB)")).unwrap_or_default();
            if r.ok {
                output::line(&format!("match {}{psnr}", r.name));
            } else {
                output::line(&format!("MISMATCH {}{psnr}: {}", r.name, r.problems.join("; ")));
            }
        }
        output::line(if report.passed() { "verified" } else { "FAILED" });
    }
    Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn default_renditions(receipt_path: &Path, receipt: &Receipt) -> Vec<PathBuf> {
    let dir = receipt_path.parent().unwrap_or(Path::new("."));
    receipt.renditions.iter().map(|r| dir.join(format!("{}.{}", r.profile.name, r.profile.format.extension()))).collect()
}

fn probe_cmd(a: ProbeArgs) -> Result<ExitCode> {
    let mut failed = false;
    for f in &a.files {
        match probe(f) {
            Ok(info) => {
                if a.json {
                    output::line(&serde_json::to_string(&info)?);
                } else {
                    let v = &info.video;
                    output::line(&format!(
                        "{}: {} video {} {} {}x{} {}, {} frames, {:.3} s, {:.0} kbps{}",
                        f.display(),
                        info.container,
                        v.codec,
                        v.profile,
                        v.width,
                        v.height,
                        v.pix_fmt,
                        v.frames,
                        v.duration_90k() as f64 / 90_000.0,
                        v.bitrate() / 1000.0,
                        info.audio.as_ref().map(|a| format!(", audio {} ({} packets)", a.codec, a.packets)).unwrap_or_default()
                    ));
                }
            }
            Err(e) => {
                failed = true;
                output::error(&e.to_string());
            }
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
