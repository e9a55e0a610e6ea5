//! The imports of `primitives.js`: the few coarse browser primitives the platform is built on.
//! Each never throws; see the JS file for what every answer means.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/platform/primitives.js")]
extern "C" {
    /// fetch with a timeout → `Answer` (status 0: no answer, 1: timed out).
    pub fn http(url: &str, init: &str, timeout_ms: u32) -> Promise;
    /// `http`, answered through the callback with `tag` (0: nobody listens).
    pub fn request(tag: u32, url: &str, init: &str, timeout_ms: u32);
    /// Calls back with `tag` after `ms`; returns the handle for `clear_timer`.
    pub fn timer(tag: u32, ms: u32) -> f64;
    /// Cancels a timer.
    #[wasm_bindgen(js_name = clearTimer)]
    pub fn clear_timer(handle: f64);
    /// `value` if it is a string.
    pub fn text(value: &JsValue) -> Option<String>;
    /// Resolves after `ms`.
    pub fn sleep(ms: u32) -> Promise;
    /// localStorage operation `op` → its result, or a failure code.
    pub fn storage(op: u32, key: &str, value: &str) -> JsValue;
    /// Calls `callback` with the parsed `detail` and dispatches the `lpmon` event.
    pub fn emit(callback: &JsValue, detail: &str);
    /// Calls back with `tag` at page hide and when back online.
    pub fn watch(tag: u32);
    /// Calls `f` if it is a function.
    pub fn call(f: &JsValue);
    /// Web Lock `name` in `mode` (`LOCK_*`) → its release function.
    pub fn lock(name: &str, mode: u32) -> Promise;
    /// Exclusive Web Lock `name`, granted through the callback with `tag`.
    pub fn exclusive(tag: u32, name: &str);
    /// Names of the held Web Locks, through the callback with `tag`.
    pub fn held(tag: u32);
    /// `[userAgent, maxTouchPoints, timeZone]` as JSON text (the time zone only when `zone`).
    pub fn facts(zone: bool) -> String;
    /// `navigator.globalPrivacyControl === true`.
    pub fn gpc() -> bool;
    /// A new pending promise for `settle`.
    pub fn deferred() -> Promise;
    /// Fulfils (`ok`) or rejects a promise from `deferred`.
    pub fn settle(p: &Promise, ok: bool, value: &JsValue);
}

/// Wait for the lock.
pub const LOCK_WAIT: u32 = 0;
/// Hold the lock for the page's life.
pub const LOCK_FOREVER: u32 = 1;
/// Take the lock only if nobody holds it.
pub const LOCK_IF_AVAILABLE: u32 = 2;

#[wasm_bindgen]
extern "C" {
    /// A JS promise.
    #[wasm_bindgen(typescript_type = "Promise<any>")]
    #[derive(Clone)]
    pub type Promise;

    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date)]
    pub fn now() -> f64;
    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;

    /// What `http` resolves to when an answer came.
    pub type Answer;
    /// The HTTP status (0: no answer, 1: timed out).
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Answer) -> u16;
    /// The body text.
    #[wasm_bindgen(method, getter)]
    pub fn body(this: &Answer) -> String;
    /// The `Retry-After` header.
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    pub fn retry_after(this: &Answer) -> Option<String>;
}
