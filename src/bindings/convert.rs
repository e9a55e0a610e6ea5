//! Crossing the boundary: JS values in as JSON text, results out through JSON.parse, and the one
//! place where a core error becomes a JS `Error` named `LpmonError` (see `surface.js`).

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::error::Error;
use crate::core::json::Json;

#[wasm_bindgen(module = "/src/bindings/surface.js")]
extern "C" {
    #[wasm_bindgen(js_name = toJson)]
    fn to_json(value: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = lpmonError)]
    fn lpmon_error(
        message: &str,
        kind: &str,
        status: Option<u16>,
        internal_code: Option<f64>,
        queued: bool,
    ) -> JsValue;
    /// The config's `onEvent` callback, when it is a function.
    #[wasm_bindgen(js_name = onEvent)]
    pub fn on_event(config: &JsValue) -> Option<JsValue>;
}

/// The JSON value of a JS value; `undefined` and `null` are `Json::Null`. Values JSON.stringify
/// cannot handle (cycles, BigInt) are a validation error.
pub fn from_js(value: &JsValue) -> Result<Json, Error> {
    let text = to_json(value).ok_or_else(|| {
        Error::invalid(&["the request must be JSON-compatible (no cycles, BigInt or functions)"])
    })?;
    Json::parse(&text).map_err(|_| Error::invalid(&["the request must be JSON-compatible"]))
}

/// A plain JS object/array/value for `v`.
pub fn to_js(v: &Json) -> JsValue {
    from_json(&v.to_text())
}

/// `Error` with `name = "LpmonError"`, `kind`, and for http errors `status` and `internalCode`.
pub fn to_js_error(e: &Error) -> JsValue {
    let queued = matches!(e, Error::Queued(_));
    let (status, code) = match e.cause() {
        Error::Http {
            status,
            internal_code,
            ..
        } => (Some(*status), internal_code.map(|c| c as f64)),
        _ => (None, None),
    };
    lpmon_error(&e.message(), e.kind(), status, code, queued)
}
