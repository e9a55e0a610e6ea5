//! Event delivery: the config's `onEvent` callback and a `lpmon` CustomEvent on the global
//! object (the script-tag layer routes these into `lpTag.events`). Both get the same
//! `{app, name, data}` object.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::js;
use crate::core::json::Writer;
use crate::core::machine::APP;

/// Delivers event `name` with `data` (JSON text of an object).
pub fn emit(callback: Option<&JsValue>, name: &str, data: &str) {
    let mut w = Writer::object();
    w.str("app", APP).str("name", name).raw("data", data);
    js::emit(callback.unwrap_or(&JsValue::UNDEFINED), &w.finish());
}
