//! Event delivery: the config's `onEvent` callback and a `lpmon` CustomEvent on the global
//! object (the script-tag layer routes these into `lpTag.events`). Both get the same
//! `{app, name, data}` object.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::js;
use crate::core::json::Json;

pub fn emit(callback: Option<&JsValue>, app: &str, name: &str, data: Json) {
    let detail = Json::Obj(vec![
        ("app".into(), Json::str(app)),
        ("name".into(), Json::str(name)),
        ("data".into(), data),
    ]);
    js::emit(callback.unwrap_or(&JsValue::UNDEFINED), &detail.to_text());
}
