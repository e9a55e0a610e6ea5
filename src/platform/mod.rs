//! The browser side of the core's traits: localStorage with a memory fallback, fetch with a
//! timeout and keepalive, timers, Web Locks and event delivery. Nothing here panics: every
//! browser call that can throw is caught and turned into a fallback or an error value.

#[allow(unused_imports)]
use crate::prelude::*;

mod clock;
mod events;
pub mod heap;
mod js;
pub mod lifecycle;
mod locks;
mod storage;
mod task;
mod transport;

use ::core::future::Future;

use wasm_bindgen::JsValue;

use crate::core::client_props::BrowserFacts;
use crate::core::json::quoted;
use crate::core::ports::{
    Clock, Events, HttpAnswer, HttpRequest, Locks, NetError, Store, Transport,
};

pub use js::Promise;
pub use locks::LockGuard;
pub use storage::reset as reset_storage;
pub use task::{promise, spawn};

/// Page-wide state. lpmon's wasm has no threads (see the `atomics` check in lib.rs), so a plain
/// static with interior mutability is safe, and it works without std's `thread_local!`.
pub struct PageLocal<T>(pub T);
// SAFETY: single-threaded wasm; no value is ever reached from two threads.
unsafe impl<T> Sync for PageLocal<T> {}

/// The browser platform of one monitor.
#[derive(Clone)]
pub struct Web {
    memory_only: bool,
    on_event: Option<JsValue>,
}

impl Web {
    /// `memory_only` keeps all state in page memory; `on_event` is the config's callback.
    pub fn new(memory_only: bool, on_event: Option<JsValue>) -> Web {
        Web {
            memory_only,
            on_event,
        }
    }
}

impl Clock for Web {
    fn now_ms(&self) -> u64 {
        clock::now_ms()
    }
    fn random(&self) -> u32 {
        clock::random()
    }
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin {
        clock::sleep(ms)
    }
}

impl Store for Web {
    fn read(&self, key: &str) -> Option<String> {
        storage::read(self.memory_only, key, &|r| self.storage_fallback(r))
    }
    fn write(&self, key: &str, value: &str) {
        storage::write(self.memory_only, key, value, &|r| self.storage_fallback(r));
    }
    fn remove(&self, key: &str) {
        storage::remove(self.memory_only, key, &|r| self.storage_fallback(r));
    }
    fn keys(&self, prefix: &str) -> Vec<String> {
        storage::keys(self.memory_only, prefix, &|r| self.storage_fallback(r))
    }
}

impl Web {
    fn storage_fallback(&self, reason: &str) {
        let data = crate::core::text::concat(&["{\"reason\":", &quoted(reason), "}"]);
        self.emit("STORAGE_FALLBACK", &data);
    }
}

impl Transport for Web {
    fn send(
        &self,
        req: HttpRequest,
    ) -> impl Future<Output = Result<HttpAnswer, NetError>> + 'static {
        transport::send(req)
    }
    fn fire(&self, req: HttpRequest) {
        transport::fire(req);
    }
}

impl Locks for Web {
    type Guard = LockGuard;
    fn exclusive(&self, name: &str) -> impl Future<Output = (LockGuard, bool)> {
        locks::exclusive(name)
    }
    fn hold_for_page(&self, name: &str) {
        locks::hold_for_page(name);
    }
    fn held(&self) -> impl Future<Output = Option<Vec<String>>> {
        locks::held()
    }
}

impl Events for Web {
    fn emit(&self, name: &str, data: &str) {
        events::emit(self.on_event.as_ref(), name, data);
    }
}

/// True when the browser sends Global Privacy Control (the visitor opts out of tracking).
pub fn global_privacy_control() -> bool {
    js::gpc()
}

/// What the browser tells about itself, for the default client properties.
pub fn browser_facts() -> BrowserFacts {
    clock::browser_facts()
}
