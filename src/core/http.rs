//! The HTTP exchange as plain data: the request a machine asks the driver to send, and what came
//! back. The drivers in `crate::platform` carry them out with fetch.

#[allow(unused_imports)]
use crate::prelude::*;

/// HTTP method; the Monitoring API is used only with GET and POST (PUT travels as an override).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl Method {
    /// The method name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One request, fully built by the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// JSON text, if any.
    pub body: Option<String>,
    /// Send with `keepalive` so the request outlives the page.
    pub keepalive: bool,
    /// Abort after this many milliseconds.
    pub timeout_ms: u32,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    /// HTTP status.
    pub status: u16,
    /// The body as text (parsed as JSON whatever the content type says).
    pub body: String,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
}

/// Why no answer came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// fetch rejected (offline, DNS, CORS, connection reset...).
    Failed,
    /// The request took longer than its timeout and was aborted.
    Timeout,
}
