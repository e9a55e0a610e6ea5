//! fetch with a timeout and optional keepalive, through the `http` primitive (the timeout's
//! AbortSignal lives on the JS side). Bypasses gloo-net, whose request builder formats URLs
//! with `format!`, has panicking paths and no keepalive option.

#[allow(unused_imports)]
use crate::prelude::*;

use super::js;
use crate::core::http::{HttpAnswer, HttpRequest, Method, NetError};
use crate::core::json::Writer;

use wasm_bindgen::prelude::*;

/// The RequestInit of `req` as JSON text.
pub fn init(req: &HttpRequest) -> String {
    let mut w = Writer::object();
    w.str("method", req.method.as_str()).open("headers");
    for (name, value) in &req.headers {
        w.str(name, value);
    }
    w.close();
    if let Some(body) = &req.body {
        w.str("body", body);
    }
    if req.keepalive {
        w.bool("keepalive", true);
    }
    // Identical concurrent GETs (CSDS, the agent APIs) must each reach the server: Chromium queues
    // cacheable ones behind each other, which hid 429 throttling.
    if req.method == Method::Get {
        w.str("cache", "no-store");
    }
    w.finish()
}

/// The timeout a JS timer can take (a signed 32-bit delay: longer ones would fire at once).
pub fn timeout(req: &HttpRequest) -> u32 {
    req.timeout_ms.min(i32::MAX as u32)
}

/// Sends `req`; its answer comes back through the page callback with `tag` (0: nobody listens).
pub fn send(tag: u32, req: &HttpRequest) {
    js::request(tag, &req.url, &init(req), timeout(req));
}

/// What the `http` primitive resolved to.
pub fn answer(v: JsValue) -> Result<HttpAnswer, NetError> {
    let a: js::Answer = v.unchecked_into();
    match a.status() {
        0 => Err(NetError::Failed),
        1 => Err(NetError::Timeout),
        status => Ok(HttpAnswer {
            status,
            body: a.body(),
            retry_after: a.retry_after(),
        }),
    }
}
