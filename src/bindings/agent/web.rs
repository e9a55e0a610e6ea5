//! The agent client's platform in a browser: the consumer's fetch and clock, crypto random bytes
//! for OAuth nonces, and JSON.parse + serde-wasm-bindgen for typed answers.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::future::Future;

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::core::agent::client::{Decode, Entropy};
use crate::core::ports::{Clock, HttpAnswer, HttpRequest, NetError, Transport};
use crate::platform::{js, now_ms, random, transport};
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // Windows and workers alike; `catch` in case a very old browser lacks it.
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// The agent platform: the browser's clock and fetch (through the shared primitives), entropy and
/// decoding.
pub struct AgentWeb;

impl AgentWeb {
    pub fn new() -> AgentWeb {
        AgentWeb
    }
}

/// The future of a primitive's promise (they never reject).
fn promised(p: js::Promise) -> JsFuture {
    JsFuture::from(js_sys::Promise::from(JsValue::from(p)))
}

impl Clock for AgentWeb {
    fn now_ms(&self) -> u64 {
        now_ms()
    }
    fn random(&self) -> u32 {
        random()
    }
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin {
        let wait = promised(js::sleep(ms.min(i32::MAX as u32)));
        alloc::boxed::Box::pin(async move {
            let _ = wait.await;
        })
    }
}

impl Transport for AgentWeb {
    fn send(
        &self,
        req: HttpRequest,
    ) -> impl Future<Output = Result<HttpAnswer, NetError>> + 'static {
        let answer = promised(js::http(&req.url, &transport::init(&req), transport::timeout(&req)));
        async move {
            match answer.await {
                Ok(v) => transport::answer(v),
                Err(_) => Err(NetError::Failed),
            }
        }
    }
    fn fire(&self, req: HttpRequest) {
        transport::send(0, &req);
    }
}

impl Entropy for AgentWeb {
    fn fill_random(&self, buf: &mut [u8]) {
        if get_random_values(buf).is_err() {
            // A nonce must be unique, not secret: Math.random will do when crypto is missing.
            for b in buf.iter_mut() {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
    }
}

impl Decode for AgentWeb {
    fn decode<T: DeserializeOwned>(&self, text: &str) -> Result<T, String> {
        let value = js_sys::JSON::parse(text).map_err(|_| String::from("not JSON"))?;
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
}
