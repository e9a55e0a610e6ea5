//! Canned misbehaviour: queued faults that matching requests consume in order.
//!
//! A fault can delay, answer an error (e.g. the "Loading account" 500/20), send a raw body, send a
//! 200 that is not JSON, or drop the connection without answering. Posted to `/__emulator/faults`.

use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use crate::answer::{self, ApiError};
use crate::endpoint::{self, Endpoint};
use crate::state::AppState;

/// Marks answers a fault produced or changed (the journal reports it).
#[derive(Debug, Clone, Copy)]
pub struct FaultMark;

/// Marks an answer whose body fails at once, so the server closes the connection unanswered.
#[derive(Debug, Clone, Copy)]
pub struct DropMark;

/// A fault as posted to `/__emulator/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FaultSpec {
    #[serde(rename = "match", default)]
    matcher: MatchSpec,
    times: Option<u32>,
    status: Option<u16>,
    internal_code: Option<i64>,
    /// `{vid}` becomes a fresh visitor id the emulator then accepts; `{account}` the account id.
    message: Option<String>,
    /// Raw text sent instead of a JSON error body (same placeholders as `message`).
    body: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, Value>,
    delay_ms: Option<u64>,
    #[serde(default)]
    drop: bool,
    #[serde(default)]
    malformed: bool,
    /// Also put the visitor id in a `vid` field of the error body, as newer servers do.
    #[serde(default)]
    vid_field: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchSpec {
    #[serde(default)]
    endpoint: EndpointMatch,
    method: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum EndpointMatch {
    #[default]
    Any,
    Engagement,
    Report,
    Csds,
    Visit,
    Engactivity,
}

/// What a fault does once its delay is over.
#[derive(Debug, Clone)]
enum Action {
    /// Answer normally (only the delay and extra headers apply).
    Pass,
    Drop,
    Malformed,
    Raw {
        status: StatusCode,
        body: String,
    },
    Error {
        status: StatusCode,
        internal_code: Option<i64>,
        message: Option<String>,
        vid_field: bool,
    },
}

/// A queued fault.
#[derive(Debug, Clone)]
pub struct Fault {
    endpoint: Option<Endpoint>,
    method: Option<Method>,
    remaining: u32,
    delay: Duration,
    headers: Vec<(HeaderName, HeaderValue)>,
    action: Action,
    /// The posted spec, shown by `GET /__emulator/faults`.
    spec: Value,
}

impl Fault {
    /// Checks a posted spec; the error text goes back to the poster.
    pub fn from_value(value: Value) -> Result<Self, String> {
        let spec: FaultSpec =
            serde_json::from_value(value.clone()).map_err(|e| format!("bad fault: {e}"))?;
        let remaining = spec.times.unwrap_or(1);
        if remaining == 0 {
            return Err("bad fault: times must be at least 1".to_owned());
        }
        let method = spec
            .matcher
            .method
            .as_deref()
            .map(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()))
            .transpose()
            .map_err(|_| "bad fault: match.method is not an HTTP method".to_owned())?;
        let status = spec
            .status
            .map(StatusCode::from_u16)
            .transpose()
            .map_err(|_| "bad fault: status must be 100-999".to_owned())?;
        let mut headers = Vec::new();
        for (name, value) in &spec.headers {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("bad fault: header name {name:?}"))?;
            let value = HeaderValue::from_str(&text)
                .map_err(|_| format!("bad fault: header value {text:?}"))?;
            headers.push((name, value));
        }
        let action = if spec.drop {
            Action::Drop
        } else if spec.malformed {
            Action::Malformed
        } else if let Some(body) = spec.body {
            Action::Raw {
                status: status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body,
            }
        } else if status.is_some() || spec.internal_code.is_some() || spec.message.is_some() {
            Action::Error {
                status: status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                internal_code: spec.internal_code,
                message: spec.message,
                vid_field: spec.vid_field,
            }
        } else {
            Action::Pass
        };
        Ok(Self {
            endpoint: match spec.matcher.endpoint {
                EndpointMatch::Any => None,
                EndpointMatch::Engagement => Some(Endpoint::Engagement),
                EndpointMatch::Report => Some(Endpoint::Report),
                EndpointMatch::Csds => Some(Endpoint::Csds),
                EndpointMatch::Visit => Some(Endpoint::Visit),
                EndpointMatch::Engactivity => Some(Endpoint::Engactivity),
            },
            method,
            remaining,
            delay: Duration::from_millis(spec.delay_ms.unwrap_or(0)),
            headers,
            action,
            spec: value,
        })
    }

    fn matches(&self, endpoint: Endpoint, method: &Method) -> bool {
        self.endpoint.is_none_or(|e| e == endpoint)
            && self.method.as_ref().is_none_or(|m| m == method)
    }
}

/// Faults waiting for requests, first posted first used.
#[derive(Debug, Default)]
pub struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        self.queue.push_back(fault);
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Uses up one application of the first fault matching the request.
    fn take(&mut self, endpoint: Endpoint, method: &Method) -> Option<Fault> {
        let index = self
            .queue
            .iter()
            .position(|f| f.matches(endpoint, method))?;
        let fault = self.queue.get_mut(index)?;
        fault.remaining = fault.remaining.saturating_sub(1);
        let used = fault.clone();
        if fault.remaining == 0 {
            self.queue.remove(index);
        }
        Some(used)
    }

    /// Pending faults with the uses they have left.
    pub fn describe(&self) -> Vec<Value> {
        self.queue
            .iter()
            .map(|f| serde_json::json!({ "fault": f.spec, "remaining": f.remaining }))
            .collect()
    }
}

/// Middleware on the emulated endpoints: applies the first matching queued fault, if any.
pub async fn inject(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(endpoint) = endpoint::classify(request.uri().path()) else {
        return next.run(request).await;
    };
    let Some(fault) = app.lock().faults.take(endpoint, request.method()) else {
        return next.run(request).await;
    };
    tracing::debug!(endpoint = endpoint.as_str(), "applying a fault");
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }

    let content_type = match endpoint {
        Endpoint::Csds | Endpoint::Visit | Endpoint::Engactivity => "application/json",
        _ => answer::MONITORING_CONTENT_TYPE,
    };
    let mut response = match fault.action {
        Action::Pass => next.run(request).await,
        Action::Drop => {
            let mut response = dropped();
            response.extensions_mut().insert(FaultMark);
            return response;
        }
        // Starts like a real answer, then stops: JSON parsers must fail on it.
        Action::Malformed => answer::with_type(StatusCode::OK, r#"{"sessionId":"#, content_type),
        Action::Raw { status, body } => {
            let text = fill_placeholders(&app, &body, &mut None);
            answer::with_type(status, text, content_type)
        }
        Action::Error {
            status,
            internal_code,
            message,
            vid_field,
        } => {
            let version = endpoint::query_param(&endpoint::query_pairs(request.uri()), "v")
                .map(str::to_owned);
            error_answer(
                &app,
                status,
                internal_code,
                message,
                vid_field,
                version.as_deref(),
                content_type,
            )
        }
    };
    for (name, value) in fault.headers {
        response.headers_mut().insert(name, value);
    }
    response.extensions_mut().insert(FaultMark);
    response
}

fn error_answer(
    app: &AppState,
    mut status: StatusCode,
    mut internal_code: Option<i64>,
    message: Option<String>,
    vid_field: bool,
    version: Option<&str>,
    content_type: &'static str,
) -> Response {
    let template = message.unwrap_or_else(|| match internal_code {
        Some(20) => "Loading account: {account}, vid: {vid}".to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("emulated fault")
            .to_owned(),
    });
    let mut vid = None;
    let text = fill_placeholders(app, &template, &mut vid);
    if vid_field && vid.is_none() {
        vid = Some(
            app.lock()
                .store
                .remember_new_visitor(&app.settings().account),
        );
    }
    // Version 1.1 of the API reports a still-loading account as 202/38 rather than 500/20.
    if version == Some("1.1")
        && internal_code == Some(20)
        && status == StatusCode::INTERNAL_SERVER_ERROR
    {
        status = StatusCode::ACCEPTED;
        internal_code = Some(38);
    }
    let error = ApiError::new(status, internal_code, text);
    let mut body = error.body(app.lock().now_ms());
    if let (true, Some(vid), Some(map)) = (vid_field, vid, body.as_object_mut()) {
        map.insert("vid".to_owned(), Value::String(vid));
    }
    answer::with_type(status, body.to_string(), content_type)
}

/// Replaces `{account}` and `{vid}`; the vid is made (and remembered as valid) on first need.
fn fill_placeholders(app: &AppState, template: &str, vid: &mut Option<String>) -> String {
    let mut text = template.replace("{account}", &app.settings().account);
    if text.contains("{vid}") {
        let fresh = vid.get_or_insert_with(|| {
            app.lock()
                .store
                .remember_new_visitor(&app.settings().account)
        });
        text = text.replace("{vid}", fresh);
    }
    text
}

/// An answer whose body fails before sending anything, so the server closes the connection.
pub fn dropped() -> Response {
    let mut response = Response::new(Body::new(Abort));
    response.extensions_mut().insert(DropMark);
    response
}

/// A response body that fails on first read.
struct Abort;

impl http_body::Body for Abort {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        Poll::Ready(Some(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection dropped by an emulated fault",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queue_uses_faults_in_order_and_counts_times() {
        let mut queue = FaultQueue::default();
        let two =
            Fault::from_value(json!({"match": {"endpoint": "report"}, "times": 2, "status": 503}));
        let any = Fault::from_value(json!({"status": 500}));
        for fault in [two, any] {
            assert!(fault.is_ok());
            if let Ok(f) = fault {
                queue.push(f);
            }
        }
        assert!(queue
            .take(Endpoint::Engagement, &Method::POST)
            .is_some_and(|f| f.endpoint.is_none()));
        assert!(queue.take(Endpoint::Report, &Method::POST).is_some());
        assert!(queue.take(Endpoint::Report, &Method::POST).is_some());
        assert!(queue.take(Endpoint::Report, &Method::POST).is_none());
        assert!(queue.is_empty());
    }

    #[test]
    fn method_filter() {
        let mut queue = FaultQueue::default();
        if let Ok(f) = Fault::from_value(json!({"match": {"method": "put"}, "drop": true})) {
            queue.push(f);
        }
        assert_eq!(queue.len(), 1);
        assert!(queue.take(Endpoint::Report, &Method::POST).is_none());
        assert!(queue.take(Endpoint::Report, &Method::PUT).is_some());
    }

    #[test]
    fn bad_specs_are_refused() {
        assert!(Fault::from_value(json!({"times": 0})).is_err());
        assert!(Fault::from_value(json!({"status": 42})).is_err());
        assert!(Fault::from_value(json!({"match": {"endpoint": "nope"}})).is_err());
        assert!(Fault::from_value(json!({"stauts": 500})).is_err());
        assert!(Fault::from_value(json!({"headers": {"Retry-After": 2}})).is_ok());
    }
}
