//! The agent wasm's JS surface (`pkg/agent/lpmon_agent.js`): `createAgentClient` with
//! `visitInfo`, `engagementActivity` and `activityWindow`. Requests come in as JSON like the
//! consumer's; each call feeds the client's machine through the platform's agent driver, which
//! settles its promise. Answers, checked by the machine against the typed models, go to JS as the
//! server wrote them (JSON.parse); computed values (the activity window) as JSON text written by
//! the core.

#[allow(unused_imports)]
use crate::prelude::*;

// The consumer's JS <-> JSON conversions and LpmonError, shared file.
#[allow(dead_code)]
#[path = "../convert.rs"]
mod convert;
mod types;

use wasm_bindgen::prelude::*;

use crate::core::agent::config::AgentConfig;
use crate::core::agent::engactivity::{self, ActivityQuery};
use crate::core::agent::machine::Ask;
use crate::core::agent::visit::VisitRequest;
use crate::core::error::Error;
use crate::platform::{agent_driver, now_ms, Promise};
use convert::{from_js, from_json, to_js, to_js_error};

/// A client of the agent APIs for one account.
#[wasm_bindgen]
pub struct AgentClient {
    run: usize,
}

impl Drop for AgentClient {
    fn drop(&mut self) {
        agent_driver::release(self.run);
    }
}

/// A call's result as a JS value: the answer's text parsed (plain objects, members added after
/// this version and key order kept), or an LpmonError.
fn settled(result: Result<String, Error>) -> (bool, JsValue) {
    match result {
        Ok(text) => (true, from_json(&text)),
        Err(e) => (false, to_js_error(&e)),
    }
}

/// Creates an agent client. Throws an `LpmonError` of kind `config` when the config is unusable.
#[wasm_bindgen(js_name = createAgentClient)]
pub fn create_agent_client(
    #[wasm_bindgen(unchecked_param_type = "AgentConfig")] config: JsValue,
) -> Result<AgentClient, JsValue> {
    let json = from_js(&config)
        .map_err(|_| to_js_error(&Error::config(&["the config must be a plain object"])))?;
    let cfg = AgentConfig::from_json(&json).map_err(|e| to_js_error(&e))?;
    let run = agent_driver::create(cfg, settled)
        .ok_or_else(|| to_js_error(&Error::config(&["createAgentClient cannot run here"])))?;
    Ok(AgentClient { run })
}

#[wasm_bindgen]
impl AgentClient {
    /// The visit state of a monitored visitor's session (Visit Information).
    #[wasm_bindgen(js_name = visitInfo, unchecked_return_type = "Promise<VisitState>")]
    pub fn visit_info(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VisitInfoRequest")] request: JsValue,
    ) -> Promise {
        let ask = from_js(&request).and_then(|r| VisitRequest::from_json(&r));
        agent_driver::call(self.run, ask.map(Ask::Visit))
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
        let ask = from_js(&request).and_then(|r| ActivityQuery::from_json(&r));
        agent_driver::call(self.run, ask.map(Ask::Activity))
    }

    /// The time an `engagementActivity` request sent at `nowMs` (default: now) really covers,
    /// by the 5-minute bucket rule. Throws a `validation` LpmonError for a request the server
    /// would refuse.
    #[wasm_bindgen(js_name = activityWindow, unchecked_return_type = "ActivityWindow")]
    pub fn activity_window(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EngagementActivityRequest")] request: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms_given: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let q = from_js(&request)
            .and_then(|r| ActivityQuery::from_json(&r))
            .map_err(|e| to_js_error(&e))?;
        let now = match now_ms_given {
            Some(t) if t.is_finite() && t >= 0.0 => t as u64,
            Some(_) => {
                return Err(to_js_error(&Error::invalid(&[
                    "nowMs must be a time in ms since the epoch",
                ])))
            }
            None => now_ms(),
        };
        Ok(to_js(
            &engactivity::window(q.timeframe, q.interval, now).to_json(),
        ))
    }
}

/// Where the page's answers and timers come back in: `glue.js` (beside this file) hands this
/// export to the platform's primitives (`bind`), which call it as `on(kind, tag, value)`.
#[wasm_bindgen(skip_typescript)]
pub fn wake(kind: u32, tag: u32, value: JsValue) {
    agent_driver::wake(kind, tag, value);
}
