//! The names of the Web Locks held on the site, as the `held` primitive hands them back.

#[allow(unused_imports)]
use crate::prelude::*;

use super::js;
use crate::core::json::Json;

use wasm_bindgen::prelude::*;

/// The names in the JSON array text `v`; None when the browser could not tell.
pub fn names(v: &JsValue) -> Option<Vec<String>> {
    let names = Json::parse(&js::text(v)?).ok()?;
    let mut out = Vec::new();
    for n in names.as_arr()? {
        if let Some(n) = n.as_str() {
            out.push(n.into());
        }
    }
    Some(out)
}
