//! `/__emulator/*`: endpoints tests and the dashboard use to inspect and steer the emulator.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::answer;
use crate::faults::Fault;
use crate::state::AppState;

/// The control routes, to be merged into the api router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/__emulator/stats", get(stats))
        .route("/__emulator/requests", get(requests))
        .route("/__emulator/sessions", get(sessions))
        .route("/__emulator/reset", post(reset))
        .route("/__emulator/clock", post(clock))
        .route(
            "/__emulator/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        // Browsers on the site origin cannot send DELETE (the CORS answer does not allow it).
        .route("/__emulator/faults/clear", post(clear_faults))
}

fn ok(body: &Value) -> Response {
    answer::json(StatusCode::OK, body)
}

fn bad_request(message: impl Into<String>) -> Response {
    answer::json(
        StatusCode::BAD_REQUEST,
        &json!({ "message": message.into() }),
    )
}

fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("body is not valid JSON: {e}"))
}

async fn stats(State(app): State<AppState>) -> Response {
    ok(&app.lock().stats_json())
}

#[derive(Debug, Deserialize)]
struct Since {
    since: Option<u64>,
}

async fn requests(
    State(app): State<AppState>,
    since: Result<Query<Since>, QueryRejection>,
) -> Response {
    let Ok(Query(since)) = since else {
        return bad_request("since must be a whole number");
    };
    ok(&Value::Array(
        app.lock().journal.since(since.since.unwrap_or(0)),
    ))
}

async fn sessions(State(app): State<AppState>) -> Response {
    let inner = app.lock();
    let now = inner.now_ms();
    ok(&Value::Array(
        inner.store.describe(now, app.settings().lifetimes),
    ))
}

async fn reset(State(app): State<AppState>) -> Response {
    app.lock().reset();
    ok(&json!({ "reset": true }))
}

async fn clock(State(app): State<AppState>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let Some(advance) = value.get("advanceMs").and_then(Value::as_u64) else {
        return bad_request("advanceMs must be a whole number of milliseconds, 0 or more");
    };
    let mut inner = app.lock();
    inner.clock.advance(advance);
    ok(&json!({ "offsetMs": inner.clock.offset_ms(), "now": inner.now_ms() }))
}

async fn list_faults(State(app): State<AppState>) -> Response {
    ok(&Value::Array(app.lock().faults.describe()))
}

/// Takes one fault object or an array of them; all are checked before any is queued.
async fn add_faults(State(app): State<AppState>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let specs = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    let mut faults = Vec::with_capacity(specs.len());
    for spec in specs {
        match Fault::from_value(spec) {
            Ok(fault) => faults.push(fault),
            Err(message) => return bad_request(message),
        }
    }
    let mut inner = app.lock();
    for fault in faults {
        inner.faults.push(fault);
    }
    ok(&json!({ "queued": inner.faults.len() }))
}

async fn clear_faults(State(app): State<AppState>) -> Response {
    app.lock().faults.clear();
    ok(&json!({ "queued": 0 }))
}
