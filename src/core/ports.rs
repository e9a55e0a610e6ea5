//! The side effects the core needs, as small `&self` traits. The browser implementations live in
//! `crate::platform`; in-memory fakes live in `crate::core::fakes` for native tests.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::future::Future;

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

/// Time, randomness and waiting.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// A uniformly random 32-bit number (jitter, page ids).
    fn random(&self) -> u32;
    /// Resolves after `ms` milliseconds. `Unpin`, so that waiting for it or for something else
    /// needs no pinned state machine.
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin;
}

/// Key/value persistence. It never fails from the core's point of view: the platform falls back
/// to memory by itself and reports why through an event.
pub trait Store {
    /// The value under `key`.
    fn read(&self, key: &str) -> Option<String>;
    /// Stores `value` under `key`.
    fn write(&self, key: &str, value: &str);
    /// Forgets `key`.
    fn remove(&self, key: &str);
    /// Every key that starts with `prefix`, sorted.
    fn keys(&self, prefix: &str) -> Vec<String>;
}

/// Sends requests.
pub trait Transport {
    /// Hands one request to the network right away; the future waits for the answer or a
    /// network failure.
    fn send(
        &self,
        req: HttpRequest,
    ) -> impl Future<Output = Result<HttpAnswer, NetError>> + 'static;
    /// Hands one request to the network and lets it finish on its own (page hide: nobody is left
    /// to read the answer).
    fn fire(&self, req: HttpRequest);
}

/// Exclusive sections shared with the other tabs of the site (Web Locks in browsers).
pub trait Locks {
    /// Held while alive; dropping it releases the lock.
    type Guard;
    /// Waits until no other holder of `name` (in any tab) is left, then holds it. The flag is
    /// true when another holder had to be waited for (what it stored may take a moment to show).
    fn exclusive(&self, name: &str) -> impl Future<Output = (Self::Guard, bool)>;
    /// Holds `name` for as long as this page lives (it tells other tabs the page is alive).
    fn hold_for_page(&self, name: &str);
    /// The names of the locks held anywhere on the site, or None when that cannot be known.
    fn held(&self) -> impl Future<Output = Option<Vec<String>>>;
}

/// Debug and compatibility events (`lp_monitoringSDK`/`SP_SENT`, storage fallback, ...).
pub trait Events {
    /// Publishes event `name` of lpmon's app ([`crate::core::machine::APP`]); `data` is the JSON
    /// text of an object, which never carries consumer data or SDE contents.
    fn emit(&self, name: &str, data: &str);
}

/// Everything a monitor needs.
pub trait Platform: Clock + Store + Transport + Locks + Events {}
impl<T: Clock + Store + Transport + Locks + Events> Platform for T {}
