//! fetch with a timeout (AbortController) and optional keepalive. Bypasses gloo-net, whose
//! request builder formats URLs with `format!`, has panicking paths and no keepalive option.
//! The init is a plain object filled with Reflect: one shared import instead of one per setter.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Response};

use crate::core::ports::{HttpAnswer, HttpRequest, NetError};

#[wasm_bindgen]
extern "C" {
    // The global fetch (windows and workers); `catch` turns a synchronous throw into Err.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_with_init(url: &str, init: &Object) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Calls fetch now (the request is on its way when this returns) and gives the future of its
/// answer.
pub fn send(
    req: HttpRequest,
) -> impl ::core::future::Future<Output = Result<HttpAnswer, NetError>> + 'static {
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(req.method.as_str()));
    let headers = Object::new();
    for (name, value) in &req.headers {
        set(&headers, name, &JsValue::from_str(value));
    }
    set(&init, "headers", &headers);
    if let Some(body) = &req.body {
        set(&init, "body", &JsValue::from_str(body));
    }
    if req.keepalive {
        set(&init, "keepalive", &JsValue::TRUE);
    }
    let controller = AbortController::new().ok();
    let timer = controller.as_ref().map(|c| {
        set(&init, "signal", &c.signal());
        let c = c.clone();
        set_timeout(
            &Closure::once_into_js(move || c.abort()),
            req.timeout_ms.min(i32::MAX as u32) as i32,
        )
    });
    // A browser that knows it is offline is not asked to try: the failure is immediate and the
    // retry pause ends on the `online` event. JsFuture attaches its handlers now, so a rejection
    // is never left unhandled.
    let pending = if offline() {
        None
    } else {
        fetch_with_init(&req.url, &init).ok().map(JsFuture::from)
    };
    async move {
        let result = match pending {
            Some(p) => answer(p).await,
            None => None,
        };
        if let Some(t) = &timer {
            clear_timeout(t);
        }
        let timed_out = controller.is_some_and(|c| c.signal().aborted());
        match result {
            Some(a) => Ok(a),
            None if timed_out => Err(NetError::Timeout),
            None => Err(NetError::Failed),
        }
    }
}

/// `navigator.onLine === false` (only a definite "offline" counts; unknown means online).
fn offline() -> bool {
    Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .and_then(|n| Reflect::get(&n, &JsValue::from_str("onLine")))
        .ok()
        .and_then(|v| v.as_bool())
        == Some(false)
}

/// The answer, or None when fetch or reading the body failed.
async fn answer(pending: JsFuture) -> Option<HttpAnswer> {
    let response: Response = pending.await.ok()?.dyn_into().ok()?;
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
        .unwrap_or_default();
    Some(HttpAnswer {
        status: response.status(),
        body: text,
        retry_after,
    })
}

/// Swallows a promise's rejection so it never shows up as unhandled.
pub fn ignore_rejection(p: &JsValue) {
    let catch = Reflect::get(p, &JsValue::from_str("catch"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    if let Some(catch) = catch {
        let _ = catch.call1(p, &Closure::once_into_js(|_: JsValue| {}));
    }
}
