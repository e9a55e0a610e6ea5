//! Page lifecycle hooks: page hide (pagehide, or the tab becoming hidden — often the last moment a
//! mobile page gets) and the browser coming back online.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

fn listen(target: &JsValue, event: &str, f: &JsValue) {
    if let Ok(t) = target.clone().dyn_into::<EventTarget>() {
        let _ = t.add_event_listener_with_callback(event, f.unchecked_ref());
    }
}

/// Calls `hidden` on pagehide and when the document becomes hidden, `online` on the `online`
/// event. The listeners live as long as the page.
pub fn watch(hidden: impl Fn() + 'static, online: impl Fn() + 'static) {
    let global: JsValue = js_sys::global().into();
    let document =
        Reflect::get(&global, &JsValue::from_str("document")).unwrap_or(JsValue::UNDEFINED);
    let doc = document.clone();
    let hidden = alloc::rc::Rc::new(hidden);
    let on_hide = hidden.clone();
    let pagehide = Closure::<dyn Fn()>::new(move || on_hide()).into_js_value();
    let visibility = Closure::<dyn Fn()>::new(move || {
        let state = Reflect::get(&doc, &JsValue::from_str("visibilityState"))
            .ok()
            .and_then(|v| v.as_string());
        if state.as_deref() == Some("hidden") {
            hidden();
        }
    })
    .into_js_value();
    let online = Closure::<dyn Fn()>::new(online).into_js_value();
    listen(&global, "pagehide", &pagehide);
    listen(&document, "visibilitychange", &visibility);
    listen(&global, "online", &online);
}
