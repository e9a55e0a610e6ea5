//! lpmon: a Rust → WebAssembly replacement for LivePerson's lpTag monitoring taglet.
//!
//! Three layers:
//! - [`core`]: sans-IO protocol logic, tested natively;
//! - `platform`: the browser side of the core's traits (localStorage, fetch, timers, Web Locks);
//! - `bindings`: the only `#[wasm_bindgen]` module, the JS surface.
//!
//! In scope: the consumer Monitoring API (engagement, report), session persistence, retries; the
//! conversation helpers (`conversationContext`, `clientPropertiesHeader`); and, in a second wasm
//! built with feature `agent`, the agent-side Visit Information and Engagement Activity clients.
//! Out of scope: rendering engagements (the page decides what a "Message us" button looks like).
#![deny(missing_docs)]
// The shipped wasm is built without std (feature `tiny`): std's panic runtime alone would pull
// in the whole formatting machinery. Tests and native builds keep std.
#![cfg_attr(feature = "tiny", no_std)]

extern crate alloc;

mod prelude;

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod platform;

/// The consumer surface (`createMonitor`, the conversation helpers): the wasm every brand page
/// loads.
#[cfg(all(target_arch = "wasm32", not(feature = "agent")))]
mod bindings;

/// The agent surface (`createAgentClient`'s Visit Information and Engagement Activity): a second
/// wasm, built with feature `agent` and fetched only when an agent tool first calls it.
#[cfg(all(target_arch = "wasm32", feature = "agent"))]
#[path = "bindings/agent/mod.rs"]
mod agent_bindings;

#[cfg(all(feature = "tiny", not(target_arch = "wasm32")))]
compile_error!("the `tiny` feature is for the wasm32 build only");

// No threads in lpmon's wasm: the page-wide statics rely on it.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("lpmon's page-wide state assumes single-threaded wasm (no atomics)");

// The allocator of the shipped wasm, measured (monitoring wasm after build.mjs's wasm-opt flags,
// before import/export renaming, gzip -9; the shipped file was 37,177 B then): lol_alloc's
// free-list allocator 38,232 B; lpmon's own size-class allocator (removed) 38,247 B; talc 5's
// `WasmDynamicTalc` 38,865 B (38,710 B with `disable-realloc-in-place`). The crate is the smallest,
// and it coalesces freed neighbours, which the owned one did not.
// SAFETY: lpmon's wasm is single-threaded (the `atomics` check above).
#[cfg(feature = "tiny")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Without std, a panic (which lpmon's code never reaches by design: see the clippy lints) traps.
#[cfg(all(feature = "tiny", not(feature = "debug")))]
#[panic_handler]
fn on_panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

/// The debug build says where it panicked on the console before trapping.
#[cfg(all(feature = "tiny", feature = "debug"))]
#[panic_handler]
fn on_panic(info: &::core::panic::PanicInfo) -> ! {
    let text = alloc::format!("lpmon panicked: {info}");
    web_sys::console::error_1(&wasm_bindgen::JsValue::from_str(&text));
    ::core::arch::wasm32::unreachable()
}
