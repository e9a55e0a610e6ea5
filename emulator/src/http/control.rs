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

use crate::http::state::AppState;
use crate::http::{answer, campaign_view, routes};
use crate::model::catalog::AgentState;
use crate::model::faults::Fault;
use crate::model::funnel;
use crate::model::steering::{self, Refusal};

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
        .route("/__emulator/campaigns", get(campaigns))
        .route(
            "/__emulator/availability",
            get(list_availability).post(set_availability),
        )
        .route(
            "/__emulator/conversations",
            get(list_conversations).post(open_conversation),
        )
        .route("/__emulator/conversations/close", post(close_conversations))
        .route("/__emulator/trace", get(trace))
        .route("/__emulator/funnel", get(funnel))
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

fn refused(refusal: &Refusal) -> Response {
    answer::json(
        answer::status_code(refusal.status),
        &json!({ "message": refusal.message }),
    )
}

fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("body is not valid JSON: {e}"))
}

async fn stats(State(app): State<AppState>) -> Response {
    ok(&app.lock().stats_json(routes::endpoints()))
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
        match Fault::from_value(spec, routes::endpoints()) {
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

async fn campaigns(State(app): State<AppState>) -> Response {
    let settings = app.settings();
    ok(&campaign_view::describe(settings))
}

async fn list_availability(State(app): State<AppState>) -> Response {
    let inner = app.lock();
    ok(&Value::Array(campaign_view::availability(
        &app.settings().catalog,
        &inner.availability,
        inner.now_ms(),
    )))
}

/// `{"engagementId": 1, "state": "offline"}` or `{"skill": "Sales", "state": "busy"}`;
/// `"state": null` returns to what the file says.
async fn set_availability(State(app): State<AppState>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let state = match value.get("state") {
        Some(Value::Null) => None,
        Some(Value::String(text)) => match AgentState::parse(text) {
            Some(state) => Some(state),
            None => return bad_request("state must be \"online\", \"busy\", \"offline\" or null"),
        },
        _ => return bad_request("state must be \"online\", \"busy\", \"offline\" or null"),
    };
    let engagement_id = value.get("engagementId").and_then(Value::as_u64);
    let skill = value.get("skill").and_then(Value::as_str);
    if engagement_id.is_none() && skill.is_none() {
        return bad_request("name an engagementId (a number) or a skill (a string)");
    }
    let catalog = &app.settings().catalog;
    let mut model = app.lock();
    if let Err(refusal) =
        steering::set_availability(&mut model, catalog, engagement_id, skill, state)
    {
        return refused(&refusal);
    }
    let now = model.now_ms();
    ok(&Value::Array(campaign_view::availability(
        catalog,
        &model.availability,
        now,
    )))
}

async fn list_conversations(State(app): State<AppState>) -> Response {
    ok(&Value::Array(app.lock().conversations.describe()))
}

/// `{"vid": "…", "engagementId": 1}` opens a conversation for a visitor the emulator knows. The
/// engagement defaults to the one last offered to the visitor.
async fn open_conversation(State(app): State<AppState>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let Some(vid) = value.get("vid").and_then(Value::as_str) else {
        return bad_request("vid (the visitor id, a string) is required");
    };
    let engagement_id = match value.get("engagementId") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(id) => Some(id),
            None => return bad_request("engagementId must be a number"),
        },
    };
    let catalog = &app.settings().catalog;
    match steering::open_conversation(&mut app.lock(), catalog, vid, engagement_id) {
        Ok((conversation, opened)) => answer::json(
            if opened {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            &serde_json::to_value(conversation).unwrap_or(Value::Null),
        ),
        Err(refusal) => refused(&refusal),
    }
}

/// `{"vid": "…"}` or `{"conversationId": "…"}` closes the open conversation(s) it names.
async fn close_conversations(State(app): State<AppState>, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let vid = value.get("vid").and_then(Value::as_str);
    let id = value.get("conversationId").and_then(Value::as_str);
    if vid.is_none() && id.is_none() {
        return bad_request("name a vid or a conversationId (strings)");
    }
    let mut inner = app.lock();
    let now = inner.now_ms();
    let closed = inner.conversations.close(vid, id, now);
    ok(&json!({ "closed": closed.len() }))
}

#[derive(Debug, Deserialize)]
struct TraceQuery {
    vid: Option<String>,
    sid: Option<String>,
    limit: Option<usize>,
}

async fn trace(
    State(app): State<AppState>,
    query: Result<Query<TraceQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("limit must be a whole number");
    };
    let limit = query.limit.unwrap_or(50);
    ok(&Value::Array(app.lock().trace.query(
        query.vid.as_deref(),
        query.sid.as_deref(),
        limit,
    )))
}

async fn funnel(State(app): State<AppState>) -> Response {
    let inner = app.lock();
    ok(&funnel::describe(
        &app.settings().catalog,
        &inner.store,
        &inner.conversations,
    ))
}
