//! fetch with a timeout and optional keepalive, through the `http` primitive (the timeout's
//! AbortController lives on the JS side). Bypasses gloo-net, whose request builder formats URLs
//! with `format!`, has panicking paths and no keepalive option.

#[allow(unused_imports)]
use crate::prelude::*;

use super::{js, task};
use crate::core::json::write_str;
use crate::core::ports::{HttpAnswer, HttpRequest, Method, NetError};
use ::core::future::Future;
use ::core::pin::Pin;
use ::core::task::{Context, Poll};

use wasm_bindgen::prelude::*;

/// Calls fetch now (the request is on its way when this returns) and gives the promise of its
/// answer, which never rejects.
fn start(req: HttpRequest) -> js::Promise {
    // The RequestInit as JSON text, written directly (the same text a `Json` value would give).
    let mut init = String::from("{\"method\":\"");
    init.push_str(req.method.as_str());
    init.push_str("\",\"headers\":{");
    for (i, (name, value)) in req.headers.iter().enumerate() {
        if i > 0 {
            init.push(',');
        }
        write_str(name, &mut init);
        init.push(':');
        write_str(value, &mut init);
    }
    init.push('}');
    if let Some(body) = &req.body {
        init.push_str(",\"body\":");
        write_str(body, &mut init);
    }
    if req.keepalive {
        init.push_str(",\"keepalive\":true");
    }
    // Identical concurrent GETs (CSDS, the agent APIs) must each reach the server: Chromium queues
    // cacheable ones behind each other, which hid 429 throttling.
    if req.method == Method::Get {
        init.push_str(",\"cache\":\"no-store\"");
    }
    init.push('}');
    let timeout = req.timeout_ms.min(i32::MAX as u32);
    js::http(&req.url, &init, timeout)
}

/// Sends `req` and gives the future of its answer.
pub fn send(req: HttpRequest) -> Answered {
    Answered(task::settled(start(req)))
}

/// The future of [`send`] (a plain future type: no state machine of its own).
pub struct Answered(task::Settled);

impl Future for Answered {
    type Output = Result<HttpAnswer, NetError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|v| {
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
        })
    }
}

/// Sends `req` and leaves it to finish on its own.
pub fn fire(req: HttpRequest) {
    let _ = start(req);
}
