//! Cross-tab exclusive sections through the Web Locks API. Where it is missing (old browsers,
//! insecure contexts) the guard is a no-op and only the in-page gate serializes.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::js;
use crate::core::json::Json;

/// Holds a Web Lock until dropped.
pub struct LockGuard {
    release: Option<Function>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(f) = self.release.take() {
            let _ = f.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Requests `name` and keeps it until the page goes away.
pub fn hold_for_page(name: &str) {
    let _ = js::lock(name, true);
}

/// Names of the locks held anywhere on the site (`navigator.locks.query()`).
pub async fn held() -> Option<Vec<String>> {
    let text = JsFuture::from(js::held()).await.ok()?.as_string()?;
    let names = Json::parse(&text).ok()?;
    Some(
        names
            .as_arr()?
            .iter()
            .filter_map(|n| n.as_str().map(String::from))
            .collect(),
    )
}

/// Waits until `name` is free in every tab, then holds it until the guard is dropped.
pub async fn exclusive(name: &str) -> LockGuard {
    let release = JsFuture::from(js::lock(name, false))
        .await
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    LockGuard { release }
}
