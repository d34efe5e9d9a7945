//! The local HTTP API: `POST /tickets` (one ticket or an array, JSON), `GET /tickets`
//! (`?status=queued|submitting|redeemed|dropped&limit=N`), `GET /health`, `GET /metrics`.
//! Bind it to localhost (the default): it accepts tickets from anyone who can reach it.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Deserialize;
use serde_json::json;

use crate::{
    keeper::Health,
    tickets::{
        queue::{Status, TicketQueue},
        spool,
    },
};
use lpx_txman::store::now_ms;

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    /// The queue.
    pub queue: Arc<TicketQueue>,
    /// Liveness.
    pub health: Arc<Health>,
    /// Metrics.
    pub metrics: PrometheusHandle,
    /// /health fails when the last good tick is older.
    pub max_tick_age: Duration,
}

/// The router.
pub fn router(state: ApiState) -> Router {
    Router::new().route("/tickets", post(post_tickets).get(list_tickets)).route("/health", get(health)).route("/metrics", get(metrics_text)).with_state(state)
}

async fn post_tickets(State(s): State<ApiState>, body: String) -> Response {
    let tickets = match spool::parse_many(&body) {
        Ok(t) => t,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({ "error": e }))).into_response(),
    };
    let (mut queued, mut duplicates, mut refused) = (0, 0, Vec::new());
    for (i, t) in tickets.into_iter().enumerate() {
        match spool::accept(&s.queue, t) {
            Ok(true) => queued += 1,
            Ok(false) => duplicates += 1,
            Err(reason) => refused.push(json!({ "index": i, "reason": reason })),
        }
    }
    let status = if refused.is_empty() { StatusCode::ACCEPTED } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, Json(json!({ "queued": queued, "duplicates": duplicates, "refused": refused }))).into_response()
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    limit: Option<usize>,
}

async fn list_tickets(State(s): State<ApiState>, Query(q): Query<ListQuery>) -> Response {
    let status = match q.status.as_deref() {
        None => None,
        Some("queued") => Some(Status::Queued),
        Some("submitting") => Some(Status::Submitting),
        Some("redeemed") => Some(Status::Redeemed),
        Some("dropped") => Some(Status::Dropped),
        Some(o) => return (StatusCode::BAD_REQUEST, Json(json!({ "error": format!("unknown status {o}") }))).into_response(),
    };
    match s.queue.list(status, q.limit.unwrap_or(100).min(10_000)) {
        Ok(rows) => {
            let out: Vec<_> = rows
                .iter()
                .map(|t| {
                    json!({
                        "hash": t.hash, "sender": t.ticket.ticket.sender, "recipient": t.ticket.ticket.recipient,
                        "faceValue": t.ticket.ticket.faceValue.to_string(), "creationRound": t.creation_round,
                        "status": t.status, "reason": t.reason, "attempts": t.attempts,
                    })
                })
                .collect();
            Json(out).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": e.to_string() }))).into_response(),
    }
}

async fn health(State(s): State<ApiState>) -> Response {
    let last = s.health.last_ok_ms.load(Ordering::Relaxed);
    let age_ms = now_ms().saturating_sub(last);
    let ok = last > 0 && age_ms <= s.max_tick_age.as_millis() as u64;
    let counts = s.queue.counts().ok();
    let body = json!({
        "status": if ok { "ok" } else { "stale" },
        "last_tick_age_ms": if last > 0 { Some(age_ms) } else { None },
        "block": s.health.block.load(Ordering::Relaxed),
        "round": s.health.round.load(Ordering::Relaxed),
        "tickets": counts,
    });
    (if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body)).into_response()
}

async fn metrics_text(State(s): State<ApiState>) -> Response {
    ([("content-type", "text/plain; version=0.0.4")], s.metrics.render()).into_response()
}

/// Serves the API until the process ends.
pub async fn serve(addr: std::net::SocketAddr, state: ApiState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "API listening");
    axum::serve(listener, router(state)).await
}
