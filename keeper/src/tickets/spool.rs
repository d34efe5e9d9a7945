//! Ticket intake shared by the HTTP API and the spool directory.
//!
//! Spool protocol (for orchestrators that prefer files to HTTP): write the ticket JSON (one
//! object or an array) to `<name>.json.tmp` in the spool directory, then rename it to
//! `<name>.json` (rename is atomic, so the keeper never reads half a file). The keeper
//! queues the tickets, commits, and only then deletes the file; a refused file is renamed
//! to `<name>.json.refused` with the reason next to it in `<name>.json.refused.txt`.

use std::path::Path;

use super::{intake::TicketJson, queue::TicketQueue};
use crate::metrics as m;

/// Checks and queues one ticket: `Ok(true)` if new, `Ok(false)` if already known,
/// `Err(reason)` if refused.
pub fn accept(queue: &TicketQueue, j: TicketJson) -> Result<bool, String> {
    let wt = match j.into_ticket() {
        Ok(wt) => wt,
        Err(e) => {
            metrics::counter!(m::TICKETS_REFUSED).increment(1);
            return Err(e.0);
        }
    };
    let new = queue.insert(&wt).map_err(|e| e.to_string())?;
    if new {
        metrics::counter!(m::TICKETS_QUEUED).increment(1);
        tracing::info!(ticket = %wt.hash(), sender = %wt.ticket.sender, face_value = %wt.ticket.faceValue, "ticket queued");
    }
    Ok(new)
}

/// Parses a body holding one ticket or an array of tickets.
pub fn parse_many(text: &str) -> Result<Vec<TicketJson>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        other => vec![other],
    };
    items.into_iter().map(|i| serde_json::from_value(i).map_err(|e| format!("not a ticket: {e}"))).collect()
}

/// Queues every `*.json` file in `dir` (see the module docs). Errors are logged: a bad
/// file must not stop the keeper.
pub fn ingest(dir: &Path, queue: &TicketQueue) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let outcome = std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|text| {
            let tickets = parse_many(&text)?;
            let mut refused = Vec::new();
            for (i, t) in tickets.into_iter().enumerate() {
                match accept(queue, t) {
                    Ok(_) => n += 1,
                    Err(r) => refused.push(format!("ticket {i}: {r}")),
                }
            }
            if refused.is_empty() {
                Ok(())
            } else {
                Err(refused.join("\n"))
            }
        });
        match outcome {
            Ok(()) => {
                if let Err(e) = std::fs::remove_file(&path) {
                    tracing::warn!(file = %path.display(), error = %e, "cannot remove ingested spool file");
                }
            }
            Err(reason) => {
                tracing::warn!(file = %path.display(), %reason, "spool file refused");
                let bad = path.with_extension("json.refused");
                let _ = std::fs::rename(&path, &bad);
                let _ = std::fs::write(bad.with_extension("refused.txt"), reason);
            }
        }
    }
    n
}
