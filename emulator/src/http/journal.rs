//! Fills the model's request journal from what crosses the wire: the route's endpoint, method,
//! path, query, chosen headers and JSON bodies (kept in memory for tests, never logged).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::http::answer::Kind;
use crate::http::extract::query_pairs;
use crate::http::faults::{dropped, DropMark, FaultMark, Routed};
use crate::http::state::AppState;
use crate::model::ApiError;

/// Largest request body read; the real server's limit is unknown, this one only guards memory.
const BODY_LIMIT: usize = 1 << 20;

/// Request headers worth seeing in tests (never credentials).
const REQUEST_HEADERS: &[&str] = &[
    "x-http-method-override",
    "content-type",
    "origin",
    "accept",
    "referer",
    "lp-domain-referer",
    "lp-url",
    "client-properties",
    "retry-after",
];

/// Answer headers worth seeing in tests.
const ANSWER_HEADERS: &[&str] = &["content-type", "retry-after"];

/// Middleware around each emulated route: counts the request under the route's endpoint, then
/// records it with its answer.
///
/// It sits outside the fault injection so that faulted requests are counted and recorded too.
pub async fn record(State(routed): State<Routed>, request: Request, next: Next) -> Response {
    let Routed { app, route } = routed;
    let endpoint = route.endpoint;
    app.lock().count_request(endpoint);

    let mut entry = Map::new();
    entry.insert("endpoint".to_owned(), endpoint.name().into());
    entry.insert("method".to_owned(), request.method().as_str().into());
    entry.insert("path".to_owned(), request.uri().path().into());
    let query: Map<String, Value> = query_pairs(request.uri())
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    entry.insert("query".to_owned(), Value::Object(query));
    entry.insert(
        "headers".to_owned(),
        pick(request.headers(), REQUEST_HEADERS),
    );

    let (parts, body) = request.into_parts();
    let response = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => {
            let parsed = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
            entry.insert("body".to_owned(), parsed);
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => {
            entry.insert("body".to_owned(), Value::Null);
            too_large(&app, route.kind)
        }
    };
    entry.insert(
        "fault".to_owned(),
        response.extensions().get::<FaultMark>().is_some().into(),
    );

    if response.extensions().get::<DropMark>().is_some() {
        finish(&app, entry, None, Value::Null, json!({}));
        return response;
    }

    let status = response.status();
    let answer_headers = pick(response.headers(), ANSWER_HEADERS);
    let (parts, body) = response.into_parts();
    match to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let answer = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
            finish(&app, entry, Some(status), answer, answer_headers);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => {
            finish(&app, entry, None, Value::Null, answer_headers);
            dropped()
        }
    }
}

fn finish(
    app: &AppState,
    mut entry: Map<String, Value>,
    status: Option<StatusCode>,
    answer: Value,
    answer_headers: Value,
) {
    entry.insert(
        "status".to_owned(),
        status.map_or(Value::Null, |s| s.as_u16().into()),
    );
    entry.insert("dropped".to_owned(), status.is_none().into());
    entry.insert("answer".to_owned(), answer);
    entry.insert("answerHeaders".to_owned(), answer_headers);
    let mut inner = app.lock();
    entry.insert("time".to_owned(), inner.now_ms().into());
    inner.journal.push(entry);
}

fn too_large(app: &AppState, kind: Kind) -> Response {
    kind.error(
        &ApiError::invalid("request body is too large"),
        app.now_ms(),
    )
}

/// The named headers that are present, as a JSON object of strings.
fn pick(headers: &HeaderMap, names: &[&str]) -> Value {
    let map: Map<String, Value> = names
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?;
            Some((
                (*name).to_owned(),
                Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()),
            ))
        })
        .collect();
    Value::Object(map)
}
