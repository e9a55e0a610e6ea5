//! Cross-tab exclusive sections through the Web Locks API. Where it is missing (old browsers,
//! insecure contexts) the guard is a no-op and only the in-page gate serializes.

#[allow(unused_imports)]
use crate::prelude::*;

use super::js;
use super::task;
use crate::core::json::Json;
use ::core::future::Future;
use ::core::pin::Pin;
use ::core::task::{Context, Poll};

use wasm_bindgen::prelude::*;

/// Holds a Web Lock until dropped.
pub struct LockGuard {
    /// The function that releases it (undefined when there is no lock to release).
    release: JsValue,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        js::call(&self.release);
    }
}

/// Requests `name` and keeps it until the page goes away.
pub fn hold_for_page(name: &str) {
    let _ = js::lock(name, js::LOCK_FOREVER);
}

/// Names of the locks held anywhere on the site (`navigator.locks.query()`).
pub fn held() -> Held {
    Held(task::settled(js::held()))
}

/// The future of [`held`] (a plain future type: no state machine of its own).
pub struct Held(task::Settled);

impl Future for Held {
    type Output = Option<Vec<String>>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|v| names(&v))
    }
}

/// The names in the JSON array text `v`.
fn names(v: &JsValue) -> Option<Vec<String>> {
    let names = Json::parse(&js::text(v)?).ok()?;
    let mut out = Vec::new();
    for n in names.as_arr()? {
        if let Some(n) = n.as_str() {
            out.push(n.into());
        }
    }
    Some(out)
}

/// Waits until `name` is free in every tab, then holds it until the guard is dropped. The flag is
/// true when another holder had to be waited for: what that holder wrote to localStorage can take
/// a moment to reach this tab (browsers propagate it between processes asynchronously).
pub fn exclusive(name: &str) -> Exclusive<'_> {
    // Most of the time nobody holds it: ask without queueing first.
    Exclusive {
        name,
        step: task::settled(js::lock(name, js::LOCK_IF_AVAILABLE)),
        waited: false,
    }
}

/// The future of [`exclusive`] (a plain future type: no state machine of its own).
pub struct Exclusive<'a> {
    name: &'a str,
    /// The lock request under way.
    step: task::Settled,
    /// The first request found the lock held; `step` waits for it.
    waited: bool,
}

impl Future for Exclusive<'_> {
    type Output = (LockGuard, bool);
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(LockGuard, bool)> {
        loop {
            let Poll::Ready(release) = Pin::new(&mut self.step).poll(cx) else {
                return Poll::Pending;
            };
            if self.waited || release != JsValue::FALSE {
                return Poll::Ready((LockGuard { release }, self.waited));
            }
            self.waited = true;
            self.step = task::settled(js::lock(self.name, js::LOCK_WAIT));
        }
    }
}
