//! Cross-tab exclusive sections through the Web Locks API. Where it is missing (old browsers,
//! insecure contexts) the guard is a no-op and only the in-page gate serializes.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[allow(unused_imports)]
use crate::prelude::*;

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

/// `navigator.locks` and one of its methods, when the browser has them.
fn lock_manager(method: &str) -> Option<(JsValue, Function)> {
    let locks = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .and_then(|n| Reflect::get(&n, &JsValue::from_str("locks")))
        .ok()
        .filter(|l| l.is_object())?;
    let f = Reflect::get(&locks, &JsValue::from_str(method))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, f))
}

/// Requests `name` and keeps it until the page goes away (the callback's promise never settles).
pub fn hold_for_page(name: &str) {
    let Some((locks, request)) = lock_manager("request") else {
        return;
    };
    let forever =
        Closure::once_into_js(|_lock: JsValue| -> JsValue { Promise::new(&mut |_, _| {}).into() });
    if let Ok(p) = request.call2(&locks, &JsValue::from_str(name), &forever) {
        super::transport::ignore_rejection(&p);
    }
}

/// Names of the locks held anywhere on the site (`navigator.locks.query()`).
pub async fn held() -> Option<Vec<String>> {
    let (locks, query) = lock_manager("query")?;
    let snapshot = JsFuture::from(query.call0(&locks).ok()?.dyn_into::<Promise>().ok()?)
        .await
        .ok()?;
    let list = Reflect::get(&snapshot, &JsValue::from_str("held")).ok()?;
    let list: js_sys::Array = list.dyn_into().ok()?;
    Some(
        list.iter()
            .filter_map(|l| {
                Reflect::get(&l, &JsValue::from_str("name"))
                    .ok()?
                    .as_string()
            })
            .collect(),
    )
}

pub async fn exclusive(name: &str) -> LockGuard {
    let Some((locks, request)) = lock_manager("request") else {
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
