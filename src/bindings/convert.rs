//! Crossing the boundary: JS values in as JSON text, results out through JSON.parse, and the one
//! place where a core error becomes a JS `Error` named `LpmonError`.

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::core::error::Error;
use crate::core::json::Json;

/// The JSON value of a JS value; `undefined` and `null` are `Json::Null`. Values JSON.stringify
/// cannot handle (cycles, BigInt) are a validation error.
pub fn from_js(value: &JsValue) -> Result<Json, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Json::Null);
    }
    let text = JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::invalid(&[
                "the request must be JSON-compatible (no cycles, BigInt or functions)",
            ])
        })?;
    Json::parse(&text).map_err(|_| Error::invalid(&["the request must be JSON-compatible"]))
}

/// A plain JS object/array/value for `v`.
pub fn to_js(v: &Json) -> JsValue {
    JSON::parse(&v.to_text()).unwrap_or(JsValue::UNDEFINED)
}

/// `Error` with `name = "LpmonError"`, `kind`, and for http errors `status` and `internalCode`.
pub fn to_js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.message());
    err.set_name("LpmonError");
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&err, &JsValue::from_str(k), &v);
    };
    set("kind", JsValue::from_str(e.kind()));
    if let Error::Http {
        status,
        internal_code,
        ..
    } = e
    {
        set("status", JsValue::from(*status));
        if let Some(code) = internal_code {
            set("internalCode", JsValue::from_f64(*code as f64));
        }
    }
    err.into()
}
