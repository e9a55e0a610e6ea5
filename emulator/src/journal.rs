//! The request journal behind `/__emulator/requests`: what each emulated call sent and got.
//!
//! Bodies are kept in memory for tests to inspect; they hold consumer data, so they are never
//! written to the log.

use std::collections::VecDeque;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::answer::{self, ApiError};
use crate::endpoint::{self, Endpoint};
use crate::faults::{self, DropMark, FaultMark};
use crate::state::AppState;

/// How many entries are kept; older ones are forgotten first.
pub const KEEP: usize = 10_000;

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

/// Recorded requests, each with a sequence number that only grows.
#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<Value>,
    last_seq: u64,
}

impl Journal {
    fn push(&mut self, mut entry: Map<String, Value>) {
        self.last_seq += 1;
        entry.insert("seq".to_owned(), self.last_seq.into());
        self.entries.push_back(Value::Object(entry));
        while self.entries.len() > KEEP {
            self.entries.pop_front();
        }
    }

    /// Entries with a sequence number above `seq`, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Value> {
        self.entries
            .iter()
            .filter(|e| {
                e.get("seq")
                    .and_then(Value::as_u64)
                    .is_some_and(|s| s > seq)
            })
            .cloned()
            .collect()
    }

    /// Forgets the entries but not the sequence.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Middleware on the emulated endpoints: counts the request, then records it with its answer.
///
/// It sits outside the fault injection so that faulted requests are counted and recorded too.
pub async fn record(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(endpoint) = endpoint::classify(request.uri().path()) else {
        return next.run(request).await;
    };
    app.lock().count_request(endpoint);

    let mut entry = Map::new();
    entry.insert("endpoint".to_owned(), endpoint.as_str().into());
    entry.insert("method".to_owned(), request.method().as_str().into());
    entry.insert("path".to_owned(), request.uri().path().into());
    let query: Map<String, Value> = endpoint::query_pairs(request.uri())
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
            too_large(&app, endpoint)
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
            faults::dropped()
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

fn too_large(app: &AppState, endpoint: Endpoint) -> Response {
    let error = ApiError::invalid("request body is too large");
    let body = error.body(app.lock().now_ms());
    match endpoint {
        Endpoint::Csds => answer::json(error.status, &body),
        _ => answer::monitoring(error.status, &body),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_entries_and_a_growing_sequence() {
        let mut journal = Journal::default();
        for _ in 0..(KEEP + 5) {
            journal.push(Map::new());
        }
        let all = journal.since(0);
        assert_eq!(all.len(), KEEP);
        assert_eq!(
            all.first()
                .and_then(|e| e.get("seq"))
                .and_then(Value::as_u64),
            Some(6)
        );
        journal.clear();
        journal.push(Map::new());
        let after = journal.since(0);
        assert_eq!(
            after
                .first()
                .and_then(|e| e.get("seq"))
                .and_then(Value::as_u64),
            Some(KEEP as u64 + 6)
        );
    }
}
