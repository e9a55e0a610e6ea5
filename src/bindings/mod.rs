//! The JS surface: the only module with `#[wasm_bindgen]` exports. Values cross the boundary as
//! JSON text (JSON.stringify / JSON.parse), which keeps the wasm small and the results plain
//! objects; errors become `LpmonError`s in one place (`convert::to_js_error`).

#[allow(unused_imports)]
use crate::prelude::*;

mod convert;
mod helpers;
mod types;

use wasm_bindgen::prelude::*;

use crate::core::client_props;
use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::machine::{Input, Op};
use crate::platform::{browser_facts, driver, global_privacy_control, Promise};
use convert::{from_js, to_js, to_js_error};

/// A JS string, or `undefined` (handed over as one value: no return-area shim per getter).
fn js_string(s: Option<String>) -> JsValue {
    s.map_or(JsValue::UNDEFINED, |s| JsValue::from_str(&s))
}

/// A result as the value a promise settles with: fulfilled with a plain object, or rejected with
/// an `LpmonError`.
fn settled(r: Result<Json, Error>) -> (bool, JsValue) {
    match r {
        Ok(v) => (true, to_js(&v)),
        Err(e) => (false, to_js_error(&e)),
    }
}

/// A monitor: its machine in the low byte, its index on that machine above. A number, not a
/// `#[wasm_bindgen]` struct: the struct's borrow guards, its wrapper class and finalizer cost
/// 719 B gzipped (wasm and glue). The glue's `createMonitor` (`glue.js`) makes the monitor
/// object around it, with the functions below as its methods.
type Handle = u32;

fn handle(machine: usize, monitor: usize) -> Handle {
    driver::tag(machine, monitor as u32)
}

/// `(machine, monitor)` of a handle.
fn parts(h: Handle) -> (usize, usize) {
    let (machine, monitor) = driver::untag(h);
    (machine, monitor as usize)
}

/// Creates a monitor (its handle; `glue.js` returns the object). Throws an `LpmonError` of kind
/// `config` when the config is unusable.
#[wasm_bindgen(js_name = createMonitor, unchecked_return_type = "Monitor")]
pub fn create_monitor(
    #[wasm_bindgen(unchecked_param_type = "MonitorConfig")] config: JsValue,
) -> Result<Handle, JsValue> {
    let json = from_js(&config).map_err(|_| {
        to_js_error(&crate::core::error::Error::config(&[
            "the config must be a plain object",
        ]))
    })?;
    let cfg = Config::from_json(&json).map_err(|e| to_js_error(&e))?;
    let on_event = convert::on_event(&config);
    driver::set_to_js(settled);
    // The engagement defaults need no time zone.
    let props = client_props::engagement(&browser_facts(false));
    let gpc = cfg.respect_gpc && global_privacy_control();
    // The first monitor of an account + app sets the page's consent; later ones share it.
    let consent = cfg.initial_consent(gpc);
    let (machine, monitor) =
        driver::create(cfg, on_event, props, consent).map_err(|e| to_js_error(&e))?;
    Ok(handle(machine, monitor))
}

/// The visitor id of this device, or `undefined` when none is known. It outlives sessions
/// until `reset()` or denied consent.
#[wasm_bindgen(js_name = getVid, skip_typescript)]
pub fn get_vid(monitor: Handle) -> JsValue {
    js_string(driver::id_of(parts(monitor).0, true))
}

/// The session id of the live session, or `undefined` when there is none.
#[wasm_bindgen(js_name = getSid, skip_typescript)]
pub fn get_sid(monitor: Handle) -> JsValue {
    js_string(driver::id_of(parts(monitor).0, false))
}

/// Asks which engagement to show now; resolves to `{visitorId, sessionId, pageId, created,
/// engagementDetails}`.
#[wasm_bindgen(skip_typescript)]
pub fn engage(monitor: Handle, request: JsValue) -> Promise {
    let (m, n) = parts(monitor);
    driver::call(m, n, Op::Engage, from_js(&request))
}

/// Reports SDEs and impressions; resolves to `{visitorId, sessionId, pageId}` once the server
/// accepted the report. Reports are delivered in call order; a rejection with `queued: true`
/// means "not delivered yet": lpmon keeps the report and sends it when the browser is back
/// online or on the next page view (the `QUEUE_DELIVERED` or `QUEUE_GAVE_UP` event tells the
/// outcome). A rejection without `queued` is final.
#[wasm_bindgen(skip_typescript)]
pub fn report(monitor: Handle, request: JsValue) -> Promise {
    let (m, n) = parts(monitor);
    driver::call(m, n, Op::Report, from_js(&request))
}

/// The visitor's answer: `'granted'` sends the calls waiting for it, in call order;
/// `'denied'` (or any other value: a typo fails closed) refuses calls with kind `consent` and
/// removes every key lpmon stored.
#[wasm_bindgen(js_name = setConsent, skip_typescript)]
pub fn set_consent(monitor: Handle, consent: &str) {
    // Anything but 'granted' denies: a typo must not let lpmon store or send.
    let c = if consent == "granted" {
        Consent::Granted
    } else {
        Consent::Denied
    };
    driver::feed(parts(monitor).0, Input::Consent(c));
}

/// Logout or a shared device: forgets the visitor, the session and the reports not sent yet
/// (their calls reject). The next call starts as a new visitor.
#[wasm_bindgen(skip_typescript)]
pub fn reset(monitor: Handle) {
    driver::feed(parts(monitor).0, Input::Reset);
}

/// Where the page's answers, timers, locks and page events come back in: `glue.js` hands this
/// export to the platform's primitives (`bind`), which call it as `on(kind, tag, value, flag)`.
#[wasm_bindgen(skip_typescript)]
pub fn wake(kind: u32, tag: u32, value: JsValue, flag: bool) {
    driver::wake(kind, tag, value, flag);
}
