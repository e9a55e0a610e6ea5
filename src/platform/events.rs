//! Event delivery: the config's `onEvent` callback and a `lpmon` CustomEvent on the global
//! object (the script-tag layer routes these into `lpTag.events`).

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, EventTarget};

use crate::core::json::Json;

pub fn emit(callback: Option<&Function>, app: &str, name: &str, data: &Json) {
    let detail = Object::new();
    let data = js_sys::JSON::parse(&data.to_text()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&detail, &JsValue::from_str("app"), &JsValue::from_str(app));
    let _ = Reflect::set(
        &detail,
        &JsValue::from_str("name"),
        &JsValue::from_str(name),
    );
    let _ = Reflect::set(&detail, &JsValue::from_str("data"), &data);
    if let Some(f) = callback {
        // A throwing listener must not break lpmon.
        let _ = f.call1(&JsValue::UNDEFINED, &detail);
    }
    emit_global(&detail);
}

/// Dispatches `new CustomEvent('lpmon', {detail})` on the global object, if it is an EventTarget.
pub fn emit_global(detail: &JsValue) {
    let Ok(target) = js_sys::global().dyn_into::<EventTarget>() else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(ev) = CustomEvent::new_with_event_init_dict("lpmon", &init) {
        let _ = target.dispatch_event(&ev);
    }
}
