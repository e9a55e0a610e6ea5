//! The JS surface: the only module with `#[wasm_bindgen]` exports. Values cross the boundary as
//! JSON text (JSON.stringify / JSON.parse), which keeps the wasm small and the results plain
//! objects; errors become `LpmonError`s in one place (`convert::to_js_error`).

#[allow(unused_imports)]
use crate::prelude::*;

mod convert;
mod types;

use ::core::cell::RefCell;
use alloc::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::core::client_props;
use crate::core::config::Config;
use crate::core::monitor::{self, Shared};
use crate::platform::{browser_facts, PageLocal, Web};
use convert::{from_js, to_js, to_js_error};

/// Page state per account + app key.
type SharedByKey = Vec<(String, Rc<Shared>)>;

/// Monitors of one account + app in a page share their session gate and domain.
static SHARED: PageLocal<RefCell<SharedByKey>> = PageLocal(RefCell::new(Vec::new()));

fn shared_for(key: &str) -> Rc<Shared> {
    let mut all = SHARED.0.borrow_mut();
    if let Some((_, s)) = all.iter().find(|(k, _)| k == key) {
        return s.clone();
    }
    let s = Rc::new(Shared::default());
    all.push((key.into(), s.clone()));
    s
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
    let on_event = Reflect::get(&config, &JsValue::from_str("onEvent"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    let shared = shared_for(&cfg.state_key());
    let platform = Web::new(cfg.memory_only, on_event);
    let props = client_props::defaults(&browser_facts());
    Ok(Monitor {
        inner: Rc::new(monitor::Monitor::new(cfg, platform, shared, props)),
    })
}

#[wasm_bindgen]
impl Monitor {
    /// The visitor id of the current session, or `undefined` when there is none.
    #[wasm_bindgen(js_name = getVid)]
    pub fn get_vid(&self) -> Option<String> {
        self.inner.vid()
    }

    /// The session id of the current session, or `undefined` when there is none.
    #[wasm_bindgen(js_name = getSid)]
    pub fn get_sid(&self) -> Option<String> {
        self.inner.sid()
    }

    /// Asks which engagement to show now; resolves to `{visitorId, sessionId, pageId, created,
    /// engagementDetails}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<EngageResult>")]
    pub fn engage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EngageRequest")] request: JsValue,
    ) -> Promise {
        let m = self.inner.clone();
        let parsed = from_js(&request);
        future_to_promise(async move {
            let req = parsed.map_err(|e| to_js_error(&e))?;
            m.engage(&req)
                .await
                .map(|v| to_js(&v))
                .map_err(|e| to_js_error(&e))
        })
    }

    /// Reports SDEs and impressions; resolves to `{visitorId, sessionId, pageId}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ReportResult>")]
    pub fn report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReportRequest")] request: JsValue,
    ) -> Promise {
        let m = self.inner.clone();
        let parsed = from_js(&request);
        future_to_promise(async move {
            let req = parsed.map_err(|e| to_js_error(&e))?;
            m.report(&req)
                .await
                .map(|v| to_js(&v))
                .map_err(|e| to_js_error(&e))
        })
    }
}
