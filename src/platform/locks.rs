//! Cross-tab exclusive sections through the Web Locks API. Where it is missing (old browsers,
//! insecure contexts) the guard is a no-op and only the in-page gate serializes.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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

/// A promise and its resolve function.
fn deferred() -> (Promise, Option<Function>) {
    let mut resolve = None;
    let p = Promise::new(&mut |res, _| resolve = Some(res));
    (p, resolve)
}

pub async fn exclusive(name: &str) -> LockGuard {
    let locks = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .and_then(|n| Reflect::get(&n, &JsValue::from_str("locks")))
        .ok()
        .filter(|l| l.is_object());
    let request = locks
        .as_ref()
        .and_then(|l| Reflect::get(l, &JsValue::from_str("request")).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        return LockGuard { release: None };
    };
    let (held, release) = deferred();
    let (granted, grant) = deferred();
    // The lock is held until the promise returned by this callback settles, i.e. until release.
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        if let Some(g) = grant {
            let _ = g.call0(&JsValue::UNDEFINED);
        }
        held.into()
    });
    match request.call2(&locks, &JsValue::from_str(name), &callback) {
        Ok(p) => {
            // A rejected lock request (aborted) must not surface as an unhandled rejection.
            super::transport::ignore_rejection(&p);
            let _ = JsFuture::from(granted).await;
            LockGuard { release }
        }
        Err(_) => LockGuard { release: None },
    }
}
