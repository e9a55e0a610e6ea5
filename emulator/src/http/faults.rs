//! Carries out the fault the model's queue hands a request: a delay, extra headers, an error or
//! raw body in the route's content type, a malformed 200, or a dropped connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::http::answer::{self, status_code};
use crate::http::extract::query_pairs;
use crate::http::routes::Route;
use crate::http::state::AppState;
use crate::model::faults::{self, Action};
use crate::model::{query, ApiError, Status};

/// A route and the state, for the middleware wrapped around each emulated route.
#[derive(Debug, Clone)]
pub struct Routed {
    pub app: AppState,
    pub route: Route,
}

/// Marks answers a fault produced or changed (the journal reports it).
#[derive(Debug, Clone, Copy)]
pub struct FaultMark;

/// Marks an answer whose body fails at once, so the server closes the connection unanswered.
#[derive(Debug, Clone, Copy)]
pub struct DropMark;

/// Middleware around each emulated route: applies the first queued fault matching the route's
/// endpoint and the request's method, if any.
pub async fn inject(State(routed): State<Routed>, request: Request, next: Next) -> Response {
    let Routed { app, route } = routed;
    let taken = app
        .lock()
        .faults
        .take(route.endpoint, request.method().as_str());
    let Some(fault) = taken else {
        return next.run(request).await;
    };
    tracing::debug!(endpoint = %route.endpoint, "applying a fault");
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }

    let content_type = route.kind.content_type();
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
            answer::with_type(status_code(status), text, content_type)
        }
        Action::Error {
            status,
            internal_code,
            message,
            vid_field,
        } => {
            let pairs = query_pairs(request.uri());
            let version = query::param(&pairs, "v");
            let template = message.unwrap_or_else(|| {
                faults::default_message(internal_code, status_code(status).canonical_reason())
            });
            let (status, internal_code) = faults::for_version(status, internal_code, version);
            let body = error_body(&app, status, internal_code, &template, vid_field);
            answer::with_type(status_code(status), body.to_string(), content_type)
        }
    };
    for (name, value) in fault.headers {
        // The model checked names and values; anything axum still refuses is left out.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response.extensions_mut().insert(FaultMark);
    response
}

/// The error body of an error fault, with the placeholders filled and, when asked, a `vid`.
fn error_body(
    app: &AppState,
    status: Status,
    internal_code: Option<i64>,
    template: &str,
    vid_field: bool,
) -> Value {
    let mut vid = None;
    let text = fill_placeholders(app, template, &mut vid);
    if vid_field && vid.is_none() {
        vid = Some(
            app.lock()
                .store
                .remember_new_visitor(&app.settings().account),
        );
    }
    let mut body = ApiError::new(status, internal_code, text).body(app.now_ms());
    if let (true, Some(vid), Some(map)) = (vid_field, vid, body.as_object_mut()) {
        map.insert("vid".to_owned(), Value::String(vid));
    }
    body
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
