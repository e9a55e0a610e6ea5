//! Page lifecycle hooks: page hide (pagehide, or the tab becoming hidden — often the last moment a
//! mobile page gets) and the browser coming back online.

use alloc::boxed::Box;

use wasm_bindgen::JsValue;

use super::js;

/// Calls `hidden` on pagehide and when the document becomes hidden, `online` on the `online`
/// event. The listeners live as long as the page.
pub fn watch(hidden: impl Fn() + 'static, online: impl Fn() + 'static) {
    let on = js::callback(Box::new(move |what: JsValue| match what.as_f64() {
        Some(1.0) => hidden(),
        Some(2.0) => online(),
        _ => {}
    }));
    js::watch(&on);
}
