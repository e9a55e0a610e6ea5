//! Runs the agent clients of the page ([`AgentMachine`]s), as `driver.rs` runs the monitors:
//! `feed` hands a machine one input, then carries out its outputs — fetch, timers, settling the
//! calls' promises. Answers and timers come back through the primitives' one callback (the
//! wasm's `wake` export) with a tag, which this driver maps back to its client and request.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use super::{clock, js, transport, PageLocal};
use crate::core::agent::config::AgentConfig;
use crate::core::agent::machine::{take_first, AgentMachine, Ask, Input, Output};
use crate::core::error::Error;

#[wasm_bindgen]
extern "C" {
    // Windows and workers alike; `catch` in case a very old browser lacks it.
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// How a call's result becomes a JS value (the bindings' business): fulfil with it, or reject.
pub type ToJs = fn(Result<String, Error>) -> (bool, JsValue);

/// A machine and what its driver keeps beside it.
struct Run {
    machine: AgentMachine,
    /// The promises of calls not settled yet.
    calls: Vec<(u32, js::Promise)>,
    next_call: u32,
    /// Its JS object was freed: the run goes once its last call is settled.
    freed: bool,
}

/// The page's agent clients (None: a freed slot, reused by the next client).
static RUNS: PageLocal<RefCell<Vec<Option<Run>>>> = PageLocal(RefCell::new(Vec::new()));
/// Requests and timers on their way: the callback's tag → (client, id in its machine).
static ROUTES: PageLocal<RefCell<Vec<(u32, usize, u32)>>> = PageLocal(RefCell::new(Vec::new()));
static NEXT_TAG: PageLocal<Cell<u32>> = PageLocal(Cell::new(0));
static TO_JS: PageLocal<Cell<Option<ToJs>>> = PageLocal(Cell::new(None));

fn with<R>(n: usize, f: impl FnOnce(&mut Run) -> R) -> Option<R> {
    let mut runs = RUNS.0.try_borrow_mut().ok()?;
    runs.get_mut(n).and_then(Option::as_mut).map(f)
}

/// A new client for `cfg`; results become JS values through `to_js`.
pub fn create(cfg: AgentConfig, to_js: ToJs) -> Option<usize> {
    TO_JS.0.set(Some(to_js));
    let mut runs = RUNS.0.try_borrow_mut().ok()?;
    let run = Some(Run {
        machine: AgentMachine::new(cfg, seed()),
        calls: Vec::new(),
        next_call: 0,
        freed: false,
    });
    match runs.iter().position(Option::is_none) {
        Some(free) => {
            if let Some(slot) = runs.get_mut(free) {
                *slot = run;
            }
            Some(free)
        }
        None => {
            runs.push(run);
            Some(runs.len() - 1)
        }
    }
}

/// The JS object of client `n` was freed; calls on their way still settle.
pub fn release(n: usize) {
    with(n, |r| r.freed = true);
    sweep(n);
}

fn sweep(n: usize) {
    if with(n, |r| r.freed && r.calls.is_empty()) == Some(true) {
        if let Ok(mut runs) = RUNS.0.try_borrow_mut() {
            if let Some(slot) = runs.get_mut(n) {
                *slot = None;
            }
        }
    }
}

/// 16 bytes from the browser's CSPRNG: the machine's OAuth nonces and jitter.
fn seed() -> [u8; 16] {
    let mut buf = [0u8; 16];
    if get_random_values(&mut buf).is_err() {
        // A nonce must be unique, not secret: Math.random will do when crypto is missing.
        for b in buf.iter_mut() {
            *b = (clock::random() >> 24) as u8;
        }
    }
    buf
}

/// The way back in for the page's answers (kind 3) and timers (kind 4): the agent glue
/// (`src/bindings/agent/glue.js`) hands the wasm's `wake` export to the primitives, as the
/// consumer's does.
pub fn wake(kind: u32, tag: u32, value: JsValue) {
    let route = ROUTES
        .0
        .try_borrow_mut()
        .ok()
        .and_then(|mut routes| take_first(&mut routes, |(t, _, _)| *t == tag));
    let Some((_, n, id)) = route else { return };
    let input = match kind {
        3 => Input::Answer {
            id,
            result: transport::answer(value),
        },
        _ => Input::Timer { id },
    };
    feed(n, input);
}

/// A tag for the callback (never 0: that one means "nobody listens"), routed to `(n, id)`.
fn route(n: usize, id: u32) -> u32 {
    let tag = NEXT_TAG.0.get().wrapping_add(1).max(1);
    NEXT_TAG.0.set(tag);
    if let Ok(mut routes) = ROUTES.0.try_borrow_mut() {
        routes.push((tag, n, id));
    }
    tag
}

/// A JS call of client `n`: its promise, settled when the machine says so.
pub fn call(n: usize, ask: Result<Ask, Error>) -> js::Promise {
    let promise = js::deferred();
    let ask = match ask {
        Ok(a) => a,
        Err(e) => {
            settle(&promise, Err(e));
            return promise;
        }
    };
    let call = with(n, |r| {
        r.next_call = r.next_call.wrapping_add(1);
        r.calls.push((r.next_call, promise.clone()));
        r.next_call
    });
    match call {
        Some(call) => feed(n, Input::Call { call, ask }),
        None => settle(
            &promise,
            Err(Error::config(&["this agent client cannot be used here"])),
        ),
    }
    promise
}

/// Hands machine `n` one input and carries out what follows.
fn feed(n: usize, input: Input) {
    let now = clock::now_ms();
    with(n, |r| r.machine.handle(now, input));
    while let Some(out) = with(n, |r| r.machine.poll_output()).flatten() {
        match out {
            Output::Send { id, req } => transport::send(route(n, id), &req),
            Output::SetTimer { id, ms } => {
                js::timer(route(n, id), ms.min(i32::MAX as u32));
            }
            Output::Resolve { call, text } => settle_call(n, call, Ok(text)),
            Output::Reject { call, error } => settle_call(n, call, Err(error)),
        }
    }
    sweep(n);
}

fn settle_call(n: usize, call: u32, result: Result<String, Error>) {
    let promise = with(n, |r| take_first(&mut r.calls, |(c, _)| *c == call));
    if let Some((_, p)) = promise.flatten() {
        settle(&p, result);
    }
}

fn settle(p: &js::Promise, result: Result<String, Error>) {
    if let Some(to_js) = TO_JS.0.get() {
        let (ok, v) = to_js(result);
        js::settle(p, ok, &v);
    }
}
