//! The agent wasm's JS surface (`pkg/agent/lpmon_agent.js`): `createAgentClient` with
//! `visitInfo`, `engagementActivity` and `activityWindow`. Requests come in as JSON like the
//! consumer's. Answers are checked by decoding them (serde-wasm-bindgen) into the core's typed
//! models, then handed over as the server wrote them; computed values (the activity window) go
//! out through serde-wasm-bindgen's JSON-compatible serializer.

#[allow(unused_imports)]
use crate::prelude::*;

// The consumer's JS <-> JSON conversions and LpmonError, shared file (its `to_js` is not needed
// here: answers go out through serde).
#[allow(dead_code)]
#[path = "../convert.rs"]
mod convert;
mod types;
mod web;

use alloc::rc::Rc;

use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::core::agent::client;
use crate::core::agent::config::AgentConfig;
use crate::core::agent::engactivity::{self, ActivityQuery};
use crate::core::agent::visit::VisitRequest;
use crate::core::error::Error;
use convert::{from_js, to_js_error};
use web::AgentWeb;

/// A client of the agent APIs for one account.
#[wasm_bindgen]
pub struct AgentClient {
    inner: Rc<client::AgentClient<AgentWeb>>,
}

/// Creates an agent client. Throws an `LpmonError` of kind `config` when the config is unusable.
#[wasm_bindgen(js_name = createAgentClient)]
pub fn create_agent_client(
    #[wasm_bindgen(unchecked_param_type = "AgentConfig")] config: JsValue,
) -> Result<AgentClient, JsValue> {
    let json = from_js(&config)
        .map_err(|_| to_js_error(&Error::config(&["the config must be a plain object"])))?;
    let cfg = AgentConfig::from_json(&json).map_err(|e| to_js_error(&e))?;
    Ok(AgentClient {
        inner: Rc::new(client::AgentClient::new(cfg, AgentWeb::new())),
    })
}

/// An answer the core has checked against its typed model, handed to JS as the server wrote it:
/// JSON.parse gives plain objects, keeps members added after this version, and keeps key order.
fn parsed_answer(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

/// A plain JS object (no Maps, numbers as numbers) for a typed value.
fn plain<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| {
            to_js_error(&Error::Http {
                status: 200,
                internal_code: None,
                message: "the answer could not be handed to JavaScript".into(),
            })
        })
}

#[wasm_bindgen]
impl AgentClient {
    /// The visit state of a monitored visitor's session (Visit Information).
    #[wasm_bindgen(js_name = visitInfo, unchecked_return_type = "Promise<VisitState>")]
    pub fn visit_info(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VisitInfoRequest")] request: JsValue,
    ) -> Promise {
        let client = self.inner.clone();
        let parsed = from_js(&request).and_then(|r| VisitRequest::from_json(&r));
        future_to_promise(async move {
            let req = parsed.map_err(|e| to_js_error(&e))?;
            let text = client
                .visit_info_json(&req)
                .await
                .map_err(|e| to_js_error(&e))?;
            Ok(parsed_answer(&text))
        })
    }

    /// Engagement Activity metrics (account, per skill, per agent, per interval).
    #[wasm_bindgen(
        js_name = engagementActivity,
        unchecked_return_type = "Promise<EngagementActivity>"
    )]
    pub fn engagement_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EngagementActivityRequest")] request: JsValue,
    ) -> Promise {
        let client = self.inner.clone();
        let parsed = from_js(&request).and_then(|r| ActivityQuery::from_json(&r));
        future_to_promise(async move {
            let q = parsed.map_err(|e| to_js_error(&e))?;
            let text = client
                .engagement_activity_json(&q)
                .await
                .map_err(|e| to_js_error(&e))?;
            Ok(parsed_answer(&text))
        })
    }

    /// The time an `engagementActivity` request sent at `nowMs` (default: now) really covers,
    /// by the 5-minute bucket rule. Throws a `validation` LpmonError for a request the server
    /// would refuse.
    #[wasm_bindgen(js_name = activityWindow, unchecked_return_type = "ActivityWindow")]
    pub fn activity_window(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EngagementActivityRequest")] request: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let q = from_js(&request)
            .and_then(|r| ActivityQuery::from_json(&r))
            .map_err(|e| to_js_error(&e))?;
        let now = match now_ms {
            Some(t) if t.is_finite() && t >= 0.0 => t as u64,
            Some(_) => {
                return Err(to_js_error(&Error::invalid(&[
                    "nowMs must be a time in ms since the epoch",
                ])))
            }
            None => js_sys::Date::now() as u64,
        };
        plain(&engactivity::window(q.timeframe, q.interval, now))
    }
}
