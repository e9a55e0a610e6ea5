//! Refusals as the real server words them: an HTTP status, its internal code and a message. The
//! HTTP layer turns them into answers; the model only decides them.

use serde_json::{json, Value};

/// An HTTP status code, as a number the model can name without an HTTP library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(pub u16);

impl Status {
    pub const OK: Self = Self(200);
    pub const CREATED: Self = Self(201);
    pub const ACCEPTED: Self = Self(202);
    pub const BAD_REQUEST: Self = Self(400);
    pub const UNAUTHORIZED: Self = Self(401);
    pub const NOT_FOUND: Self = Self(404);
    pub const TOO_MANY_REQUESTS: Self = Self(429);
    pub const INTERNAL_SERVER_ERROR: Self = Self(500);
    pub const SERVICE_UNAVAILABLE: Self = Self(503);

    /// A status a fault or a flag may ask for: 100 to 999, as HTTP allows.
    pub fn valid(code: u16) -> Option<Self> {
        (100..=999).contains(&code).then_some(Self(code))
    }

    pub fn is_server_error(self) -> bool {
        (500..=599).contains(&self.0)
    }

    pub fn as_u16(self) -> u16 {
        self.0
    }
}

/// An error answer: HTTP status, the server's internal code, a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: Status,
    pub internal_code: Option<i64>,
    pub message: String,
}

impl ApiError {
    pub fn new(status: Status, internal_code: Option<i64>, message: impl Into<String>) -> Self {
        Self {
            status,
            internal_code,
            message: message.into(),
        }
    }

    /// 400/5: request data missing, invalid or unparsable.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Status::BAD_REQUEST, Some(5), message)
    }

    /// 400/33: illegal API version.
    pub fn bad_version(got: Option<&str>) -> Self {
        let message = match got {
            Some(v) => format!("illegal API version requested: {v}"),
            None => "illegal API version requested: v is missing".to_owned(),
        };
        Self::new(Status::BAD_REQUEST, Some(33), message)
    }

    /// 404/18: unknown account or app installation id.
    pub fn unknown_app() -> Self {
        Self::new(Status::NOT_FOUND, Some(18), "invalid appInstallationId")
    }

    /// 404/6: the account is not the emulator's (agent APIs).
    pub fn unknown_account() -> Self {
        Self::new(Status::NOT_FOUND, Some(6), "invalid account id")
    }

    /// 404/37: invalid visitor id.
    pub fn unknown_visitor() -> Self {
        Self::new(Status::NOT_FOUND, Some(37), "invalid visitorId")
    }

    /// 404/39: invalid session id.
    pub fn unknown_session() -> Self {
        Self::new(Status::NOT_FOUND, Some(39), "invalid sessionId")
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
