//! The JS surface: the only module with `#[wasm_bindgen]` exports. Values cross the boundary as
//! JSON text (JSON.stringify / JSON.parse), which keeps the wasm small and the results plain
//! objects; errors become `LpmonError`s in one place (`convert::to_js_error`).

#[allow(unused_imports)]
use crate::prelude::*;

mod convert;
mod helpers;
mod types;

use ::core::future::Future;
use alloc::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::core::client_props;
use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::monitor::{self, Shared};
use crate::core::ports::Locks;
use crate::core::shelf::Shelf;
use crate::platform::{browser_facts, global_privacy_control, lifecycle, PageLocal, Promise, Web};
use convert::{from_js, to_js, to_js_error};
use monitor::Op as Call;

/// Page state per account + app key.
type SharedByKey = Vec<(String, Rc<Shared>)>;

/// Monitors of one account + app in a page share their session gate and domain.
static SHARED: PageLocal<Shelf<SharedByKey>> = PageLocal(Shelf::new(Vec::new()));

/// The page state of `key`, and whether it was just made (the first monitor of that key).
fn shared_for(key: &str) -> (Rc<Shared>, bool) {
    SHARED.0.with(|all| {
        if let Some((_, s)) = all.iter().find(|(k, _)| k == key) {
            return (s.clone(), false);
        }
        let s = Rc::new(Shared::default());
        all.push((key.into(), s.clone()));
        (s, true)
    })
}

/// Delivers reports no caller waits for (left by earlier pages, or parked), in the background.
fn drain_later(m: &Rc<monitor::Monitor<Web>>) {
    // Its promise fulfils (with null) when the drain is over; nobody waits for it.
    let _ = call(m, Op::Drain, &JsValue::NULL);
}

/// What [`call`] does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Engage,
    Report,
    Drain,
}

/// `engage` or `report` of `request` (or a drain), as a JS promise. One future type serves all
/// three: the machinery around a future (boxing, polling, dropping, settling) exists once.
fn call(m: &Rc<monitor::Monitor<Web>>, op: Op, request: &JsValue) -> Promise {
    let m = m.clone();
    let parsed = from_js(request);
    promise(async move {
        let request = parsed?;
        if op == Op::Drain {
            m.drain().await;
            return Ok(Json::Null);
        }
        let report = op == Op::Report;
        let result = m
            .call(if report { Call::Report } else { Call::Engage }, &request)
            .await;
        // A delivery that worked says the way is clear again for reports parked earlier.
        if report && result.is_ok() && m.has_parked() {
            drain_later(&m);
        }
        result
    })
}

/// A JS promise of a core result: its value as a plain object, or an `LpmonError`.
fn promise(f: impl Future<Output = Result<Json, Error>> + 'static) -> Promise {
    crate::platform::promise(f, |r| r.map(|v| to_js(&v)).map_err(|e| to_js_error(&e)))
}

/// The first monitor of an account + app in a page: hold the page's lock (it tells other tabs this
/// page is alive), watch page hide and online, and pick up what earlier pages left.
fn start_page(m: &Rc<monitor::Monitor<Web>>, platform: &Web) {
    platform.hold_for_page(&monitor::page_lock_name(&m.tab()));
    let (hide, online) = (m.clone(), m.clone());
    lifecycle::watch(
        move || hide.on_hidden(),
        move || {
            online.on_online();
            drain_later(&online);
        },
    );
    drain_later(m);
}

/// A JS string, or `undefined` (handed over as one value: no return-area shim per getter).
fn js_string(s: Option<String>) -> JsValue {
    s.map_or(JsValue::UNDEFINED, |s| JsValue::from_str(&s))
}

/// A monitor for one account and app installation.
#[wasm_bindgen]
pub struct Monitor {
    inner: Rc<monitor::Monitor<Web>>,
}

/// Creates a monitor. Throws an `LpmonError` of kind `config` when the config is unusable.
#[wasm_bindgen(js_name = createMonitor)]
pub fn create_monitor(
    #[wasm_bindgen(unchecked_param_type = "MonitorConfig")] config: JsValue,
) -> Result<Monitor, JsValue> {
    let json = from_js(&config).map_err(|_| {
        to_js_error(&crate::core::error::Error::config(&[
            "the config must be a plain object",
        ]))
    })?;
    let cfg = Config::from_json(&json).map_err(|e| to_js_error(&e))?;
    let on_event = convert::on_event(&config);
    let (shared, first) = shared_for(cfg.state_key());
    let platform = Web::new(cfg.memory_only, on_event);
    let props = client_props::engagement(&browser_facts());
    let gpc = cfg.respect_gpc && global_privacy_control();
    let consent = cfg.initial_consent(gpc);
    let inner = Rc::new(monitor::Monitor::new(cfg, platform.clone(), shared, props));
    if first {
        // The first monitor of an account + app sets the page's consent; later ones share it.
        inner.set_consent(consent);
        start_page(&inner, &platform);
    }
    Ok(Monitor { inner })
}

#[wasm_bindgen]
impl Monitor {
    /// The visitor id of this device, or `undefined` when none is known. It outlives sessions
    /// until `reset()` or denied consent.
    #[wasm_bindgen(js_name = getVid, unchecked_return_type = "string | undefined")]
    pub fn get_vid(&self) -> JsValue {
        js_string(self.inner.vid())
    }

    /// The session id of the live session, or `undefined` when there is none.
    #[wasm_bindgen(js_name = getSid, unchecked_return_type = "string | undefined")]
    pub fn get_sid(&self) -> JsValue {
        js_string(self.inner.sid())
    }

    /// Asks which engagement to show now; resolves to `{visitorId, sessionId, pageId, created,
    /// engagementDetails}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<EngageResult>")]
    pub fn engage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EngageRequest")] request: JsValue,
    ) -> Promise {
        call(&self.inner, Op::Engage, &request)
    }

    /// Reports SDEs and impressions; resolves to `{visitorId, sessionId, pageId}` once the server
    /// accepted the report. Reports are delivered in call order; a rejection with `queued: true`
    /// means "not delivered yet": lpmon keeps the report and sends it when the browser is back
    /// online or on the next page view (the `QUEUE_DELIVERED` or `QUEUE_GAVE_UP` event tells the
    /// outcome). A rejection without `queued` is final.
    #[wasm_bindgen(unchecked_return_type = "Promise<ReportResult>")]
    pub fn report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReportRequest")] request: JsValue,
    ) -> Promise {
        call(&self.inner, Op::Report, &request)
    }

    /// The visitor's answer: `'granted'` sends the calls waiting for it, in call order;
    /// `'denied'` (or any other value: a typo fails closed) refuses calls with kind `consent` and
    /// removes every key lpmon stored.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "'granted' | 'denied'")] consent: &str,
    ) {
        // Anything but 'granted' denies: a typo must not let lpmon store or send.
        let c = if consent == "granted" {
            Consent::Granted
        } else {
            Consent::Denied
        };
        self.inner.set_consent(c);
        if c == Consent::Granted {
            // Reports earlier pages left behind may go now.
            drain_later(&self.inner);
        }
    }

    /// Logout or a shared device: forgets the visitor, the session and the reports not sent yet
    /// (their calls reject). The next call starts as a new visitor.
    pub fn reset(&self) {
        self.inner.reset();
    }
}
