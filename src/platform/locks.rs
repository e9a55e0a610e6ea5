//! Cross-tab exclusive sections through the Web Locks API. Where it is missing (old browsers,
//! insecure contexts) the guard is a no-op and only the in-page gate serializes.

#[allow(unused_imports)]
use crate::prelude::*;

use super::js;
use super::task;
use crate::core::json::Json;
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
pub async fn held() -> Option<Vec<String>> {
    let text = js::text(&task::settled(js::held()).await)?;
    let names = Json::parse(&text).ok()?;
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
pub async fn exclusive(name: &str) -> (LockGuard, bool) {
    // Most of the time nobody holds it: ask without queueing first.
    let first = task::settled(js::lock(name, js::LOCK_IF_AVAILABLE)).await;
    if first != JsValue::FALSE {
        return (LockGuard { release: first }, false);
    }
    let release = task::settled(js::lock(name, js::LOCK_WAIT)).await;
    (LockGuard { release }, true)
}
