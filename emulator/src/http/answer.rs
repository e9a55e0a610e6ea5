//! Answers as the real server shapes them on the wire: status, content type, error bodies.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::model::{ApiError, Status};

/// The Monitoring API sends its JSON (answers and errors alike) as `application/octet-stream`;
/// clients must parse it anyway, so the emulator always does the same.
pub const MONITORING_CONTENT_TYPE: &str = "application/octet-stream";

/// How an endpoint labels its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// JSON text labelled `application/octet-stream` (the Monitoring API).
    Monitoring,
    /// `application/json` (CSDS, the agent APIs, the control endpoints).
    Json,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Monitoring => MONITORING_CONTENT_TYPE,
            Kind::Json => "application/json",
        }
    }

    /// A JSON body with this kind's content type.
    pub fn body(self, status: StatusCode, body: &Value) -> Response {
        with_type(status, body.to_string(), self.content_type())
    }

    /// A model's result: its JSON on success, the error body otherwise.
    pub fn result(self, outcome: Result<(Status, Value), ApiError>, now_ms: u64) -> Response {
        match outcome {
            Ok((status, body)) => self.body(status_code(status), &body),
            Err(error) => self.error(&error, now_ms),
        }
    }

    /// An error body `{"time", "message", "internalCode"}`.
    pub fn error(self, error: &ApiError, now_ms: u64) -> Response {
        tracing::debug!(status = error.status.as_u16(), code = ?error.internal_code, message = %error.message, "refused");
        self.body(status_code(error.status), &error.body(now_ms))
    }
}

/// The model's status as an HTTP status (the model only makes valid ones).
pub fn status_code(status: Status) -> StatusCode {
    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A plain JSON answer (CSDS and the control endpoints).
pub fn json(status: StatusCode, body: &Value) -> Response {
    Kind::Json.body(status, body)
}

/// Any body with the given content type.
pub fn with_type(
    status: StatusCode,
    body: impl Into<Body>,
    content_type: &'static str,
) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
