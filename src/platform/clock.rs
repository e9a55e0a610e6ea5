//! Time, randomness, timers and browser facts.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::core::client_props::BrowserFacts;

#[wasm_bindgen]
extern "C" {
    // Global timers work in windows and workers alike.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: i32) -> JsValue;
}

pub fn now_ms() -> u64 {
    let t = js_sys::Date::now();
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

pub fn random() -> u32 {
    (js_sys::Math::random() * 4_294_967_296.0) as u32
}

pub async fn sleep(ms: u32) {
    let ms = ms.min(i32::MAX as u32) as i32;
    let p = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(p).await;
}

fn string_at(target: &JsValue, path: &[&str]) -> Option<JsValue> {
    let mut v = target.clone();
    for key in path {
        v = Reflect::get(&v, &JsValue::from_str(key)).ok()?;
        if v.is_undefined() || v.is_null() {
            return None;
        }
    }
    Some(v)
}

pub fn browser_facts() -> BrowserFacts {
    let global = js_sys::global();
    let user_agent = string_at(&global, &["navigator", "userAgent"])
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let max_touch_points = string_at(&global, &["navigator", "maxTouchPoints"])
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as u32;
    let time_zone = js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new())
        .resolved_options()
        .dyn_into::<Object>()
        .ok()
        .and_then(|o| Reflect::get(&o, &JsValue::from_str("timeZone")).ok())
        .and_then(|v| v.as_string());
    BrowserFacts {
        user_agent,
        max_touch_points,
        time_zone,
    }
}
