//! Engagement Activity (seed 002): `GET /operations/api/account/{accountId}/engactivity`; the
//! model's `engactivity` checks, admits and computes, this handler adds the latency and the
//! `Retry-After` of a 429.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::http::answer::Kind;
use crate::http::extract::{AgentRequest, QueryPairs};
use crate::http::state::AppState;
use crate::model::engactivity;

/// Holds a slot of the in-flight limit until dropped (also when the client goes away).
struct Slot(AppState);

impl Drop for Slot {
    fn drop(&mut self) {
        engactivity::release(&mut self.0.lock());
    }
}

/// `GET /operations/api/account/{accountId}/engactivity`
pub async fn engactivity(
    State(app): State<AppState>,
    Path(account): Path<String>,
    QueryPairs(query): QueryPairs,
    agent: AgentRequest,
) -> Response {
    let settings = app.settings();
    let checked = agent
        .authorize(&app)
        .and_then(|()| engactivity::check(settings, &account, &query));
    let q = match checked {
        Ok(q) => q,
        Err(error) => return Kind::Json.error(&error, app.now_ms()),
    };
    let admitted = engactivity::admit(&mut app.lock(), settings.agent.engactivity_max_concurrent);
    if let Err(error) = admitted {
        let mut response = Kind::Json.error(&error, app.now_ms());
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    let _slot = Slot(app.clone());
    tokio::time::sleep(Duration::from_millis(settings.agent.engactivity_latency_ms)).await;
    let now = app.now_ms();
    Kind::Json.body(StatusCode::OK, &engactivity::answer_for(&account, &q, now))
}
