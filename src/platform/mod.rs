//! The driver: the only code that does I/O. It feeds the core's [`Machine`](crate::core::machine)
//! its inputs (calls, answers, timers, locks, storage values, page events) and carries out its
//! outputs with the browser: localStorage with a memory fallback, fetch with a timeout and
//! keepalive, timers, Web Locks and event delivery. The agent wasm's clients run the same way
//! (`agent_driver`: fetch and timers for [`AgentMachine`](crate::core::agent::machine)s). Nothing here panics: every browser call that
//! can throw is caught (in `primitives.js`) and turned into a fallback or an error value.

#[allow(unused_imports)]
use crate::prelude::*;

#[cfg(feature = "agent")]
pub mod agent_driver;
mod clock;
#[cfg(not(feature = "agent"))]
pub mod driver;
#[doc(hidden)]
pub mod events;
#[doc(hidden)]
pub mod js;
#[cfg(not(feature = "agent"))]
mod locks;
#[doc(hidden)]
pub mod storage;
#[doc(hidden)]
pub mod transport;

#[cfg(feature = "agent")]
pub(crate) use clock::now_ms;
pub use js::Promise;
pub use storage::reset as reset_storage;

use crate::core::client_props::BrowserFacts;

/// Page-wide state. lpmon's wasm has no threads (see the `atomics` check in lib.rs), so a plain
/// static with interior mutability is safe, and it works without std's `thread_local!`.
pub struct PageLocal<T>(pub T);
// SAFETY: single-threaded wasm; no value is ever reached from two threads.
unsafe impl<T> Sync for PageLocal<T> {}

/// True when the browser sends Global Privacy Control.
pub fn global_privacy_control() -> bool {
    js::gpc()
}

/// What the browser tells about itself, for the default client properties; the time zone (slow
/// to look up the first time in a page) only when `zone` is true.
pub fn browser_facts(zone: bool) -> BrowserFacts {
    clock::browser_facts(zone)
}
