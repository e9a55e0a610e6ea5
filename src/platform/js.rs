//! The imports of `primitives.js`: the few coarse browser primitives the platform is built on.
//! Each never throws; see the JS file for what every answer means.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/platform/primitives.js")]
extern "C" {
    /// fetch with a timeout → `Answer` (status 0: no answer, 1: timed out).
    pub fn http(url: &str, init: &str, timeout_ms: u32) -> Promise;
    /// `value` if it is a string.
    pub fn text(value: &JsValue) -> Option<String>;
    /// Resolves after `ms`.
    pub fn sleep(ms: u32) -> Promise;
    /// localStorage operation `op` → its result, or a failure code.
    pub fn storage(op: u32, key: &str, value: &str) -> JsValue;
    /// Calls `callback` with the parsed `detail` and dispatches the `lpmon` event.
    pub fn emit(callback: &JsValue, detail: &str);
    /// Calls `on(1)` at page hide and `on(2)` when back online.
    pub fn watch(on: &JsValue);
    /// Calls `f` if it is a function.
    pub fn call(f: &JsValue);
    /// Web Lock `name` in `mode` (`LOCK_*`) → its release function; `false` when `LOCK_IF_AVAILABLE`
    /// found it held; undefined when Web Locks are missing or the request failed.
    pub fn lock(name: &str, mode: u32) -> Promise;
    /// Names of the held Web Locks as JSON text, or null.
    pub fn held() -> Promise;
    /// `[userAgent, maxTouchPoints, timeZone]` as JSON text.
    pub fn facts() -> String;
    /// `navigator.globalPrivacyControl === true`.
    pub fn gpc() -> bool;
    /// A new pending promise for `settle`.
    pub fn deferred() -> Promise;
    /// Fulfils (`ok`) or rejects a promise from `deferred`.
    pub fn settle(p: &Promise, ok: bool, value: &JsValue);
    /// Calls `f` with what `p` settles with.
    pub fn then(p: &Promise, f: &JsValue);
}

/// Wait for the lock.
pub const LOCK_WAIT: u32 = 0;
/// Hold the lock for the page's life.
pub const LOCK_FOREVER: u32 = 1;
/// Take the lock only if nobody holds it.
pub const LOCK_IF_AVAILABLE: u32 = 2;

/// A JS function that calls `f`. Every callback into the wasm goes through here, boxed: one
/// instance of wasm-bindgen's closure machinery (and glue) serves them all. The function lives
/// as long as JS holds it.
pub fn callback(f: alloc::boxed::Box<dyn FnMut(JsValue)>) -> JsValue {
    Closure::wrap(f).into_js_value()
}

#[wasm_bindgen]
extern "C" {
    /// A JS promise.
    #[wasm_bindgen(typescript_type = "Promise<any>")]
    #[derive(Clone)]
    pub type Promise;

    #[wasm_bindgen(js_namespace = Date)]
    pub fn now() -> f64;
    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;
    #[wasm_bindgen(js_name = queueMicrotask)]
    pub fn queue_microtask(f: &JsValue);

    /// What `http` resolves to when an answer came.
    pub type Answer;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Answer) -> u16;
    #[wasm_bindgen(method, getter)]
    pub fn body(this: &Answer) -> String;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    pub fn retry_after(this: &Answer) -> Option<String>;
}
