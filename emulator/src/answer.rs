//! Answers as the real server shapes them: error bodies, and the content types it sends.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// The Monitoring API sends its JSON (answers and errors alike) as `application/octet-stream`;
/// clients must parse it anyway, so the emulator always does the same.
pub const MONITORING_CONTENT_TYPE: &str = "application/octet-stream";

/// An error answer: HTTP status, the server's internal code, a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub internal_code: Option<i64>,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, internal_code: Option<i64>, message: impl Into<String>) -> Self {
        Self {
            status,
            internal_code,
            message: message.into(),
        }
    }

    /// 400/5: request data missing, invalid or unparsable.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(5), message)
    }

    /// 400/33: illegal API version.
    pub fn bad_version(got: Option<&str>) -> Self {
        let message = match got {
            Some(v) => format!("illegal API version requested: {v}"),
            None => "illegal API version requested: v is missing".to_owned(),
        };
        Self::new(StatusCode::BAD_REQUEST, Some(33), message)
    }

    /// 404/18: unknown account or app installation id.
    pub fn unknown_app() -> Self {
        Self::new(StatusCode::NOT_FOUND, Some(18), "invalid appInstallationId")
    }

    /// 404/37: invalid visitor id.
    pub fn unknown_visitor() -> Self {
        Self::new(StatusCode::NOT_FOUND, Some(37), "invalid visitorId")
    }

    /// 404/39: invalid session id.
    pub fn unknown_session() -> Self {
        Self::new(StatusCode::NOT_FOUND, Some(39), "invalid sessionId")
    }

    /// The body `{"time", "message", "internalCode"}`; `internalCode` is left out when there is none
    /// (the real server's 503 and 429 carry none).
    pub fn body(&self, now_ms: u64) -> Value {
        let mut body = json!({ "time": now_ms, "message": self.message });
        if let (Some(code), Some(map)) = (self.internal_code, body.as_object_mut()) {
            map.insert("internalCode".to_owned(), json!(code));
        }
        body
    }
}

/// A Monitoring API answer: JSON text labelled `application/octet-stream`.
pub fn monitoring(status: StatusCode, body: &Value) -> Response {
    with_type(status, body.to_string(), MONITORING_CONTENT_TYPE)
}

/// A plain JSON answer (CSDS and the control endpoints).
pub fn json(status: StatusCode, body: &Value) -> Response {
    with_type(status, body.to_string(), "application/json")
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
