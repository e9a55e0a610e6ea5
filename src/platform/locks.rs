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

/// Waits until `name` is free in every tab, then holds it. The flag is true when another holder
/// had to be waited for: what that holder wrote to localStorage can take a moment to reach this
/// tab (browsers propagate it between processes asynchronously).
pub async fn exclusive(name: &str) -> (LockGuard, bool) {
    let none = LockGuard { release: None };
    let Some((locks, request)) = lock_manager("request") else {
        return (none, false);
    };
    // Most of the time nobody holds it: ask without queueing first.
    match attempt(&locks, &request, name, true).await {
        Some(Some(guard)) => (guard, false),
        Some(None) => match attempt(&locks, &request, name, false).await {
            Some(Some(guard)) => (guard, true),
            _ => (none, true),
        },
        None => (none, false),
    }
}

/// One `navigator.locks.request`: Some(Some(guard)) when granted, Some(None) when `if_available`
/// and someone holds it, None when the request failed.
async fn attempt(
    locks: &JsValue,
    request: &Function,
    name: &str,
    if_available: bool,
) -> Option<Option<LockGuard>> {
    let (held, release) = deferred();
    let (granted, grant) = deferred();
    // The lock is held until the promise returned by this callback settles, i.e. until release.
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let got = !lock.is_null();
        if let Some(g) = grant {
            let _ = g.call1(&JsValue::UNDEFINED, &JsValue::from_bool(got));
        }
        if got {
            held.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let options = js_sys::Object::new();
    if if_available {
        let _ = Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    }
    let p = request
        .call3(locks, &JsValue::from_str(name), &options, &callback)
        .ok()?;
    // A rejected lock request (aborted) must not surface as an unhandled rejection.
    super::transport::ignore_rejection(&p);
    let got = JsFuture::from(granted).await.ok()?.as_bool()?;
    Some(got.then_some(LockGuard { release }))
}
