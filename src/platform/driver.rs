//! Runs the machines of the page: one per account + app, each with the monitors that share it.
//! `feed` hands a machine the fresh values of the keys it watches and one input, then carries out
//! its outputs one at a time. No machine is borrowed while an output runs, so a page callback
//! that calls lpmon again (an `onEvent` listener calling `engage`) simply feeds it again.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::{clock, events, js, locks, storage, transport, PageLocal};
use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::error::Error;
use crate::core::json::{Json, Writer};
use crate::core::machine::{Input, Machine, Op, Output};

/// A machine and what its driver keeps beside it.
struct Run {
    key: String,
    machine: Machine,
    memory_only: bool,
    /// The `onEvent` callback of each monitor.
    on_event: Vec<Option<JsValue>>,
    /// The promises of calls not settled yet.
    calls: Vec<(u32, js::Promise)>,
    next_call: u32,
    /// Release functions of granted locks.
    locks: Vec<(u32, JsValue)>,
    /// Handles of running timers.
    timers: Vec<(u32, f64)>,
}

static PAGE: PageLocal<RefCell<Vec<Run>>> = PageLocal(RefCell::new(Vec::new()));

/// At most this many machines in a page: a machine's index travels in the low byte of a tag.
const MAX_MACHINES: usize = 255;

/// Runs `f` on machine `m`'s run; None if there is none (or, never expected, if it is in use).
fn with<R>(m: usize, f: impl FnOnce(&mut Run) -> R) -> Option<R> {
    let mut page = PAGE.0.try_borrow_mut().ok()?;
    page.get_mut(m).map(f)
}

/// Takes the value listed under `id` out of `list`. The last entry fills its slot (the lists are
/// looked up by id, never in order); no index arithmetic, so nothing can panic. Smaller than a
/// `retain` per value type.
fn take<T>(list: &mut Vec<(u32, T)>, id: u32) -> Option<T> {
    let i = list.iter().position(|(k, _)| *k == id)?;
    let last = list.pop()?;
    match list.get_mut(i) {
        Some(slot) => Some(::core::mem::replace(slot, last).1),
        // It was the last one.
        None => Some(last.1),
    }
}

/// Machine `m`'s `id` in one number: the machine in the low byte, the id above (the tags of
/// requests, timers and locks, and the monitors' handles).
pub fn tag(m: usize, id: u32) -> u32 {
    (id << 8) | (m as u32 & 0xFF)
}

/// `(machine, id)` of a [`tag`].
pub fn untag(tag: u32) -> (usize, u32) {
    ((tag & 0xFF) as usize, tag >> 8)
}

/// The monitor `(machine, monitor)` for `cfg`: a new machine for the first monitor of an account
/// + app in the page, else one more monitor on its machine.
pub fn create(
    cfg: Config,
    on_event: Option<JsValue>,
    props: Json,
    consent: Consent,
) -> Result<(usize, usize), Error> {
    let key = String::from(cfg.state_key());
    let found = PAGE
        .0
        .try_borrow()
        .ok()
        .and_then(|page| page.iter().position(|r| r.key == key));
    if let Some(m) = found {
        let monitor = with(m, |r| {
            r.on_event.push(on_event);
            r.machine.add_monitor(cfg)
        });
        return monitor.map(|n| (m, n)).ok_or_else(busy);
    }
    let m = {
        let mut page = PAGE.0.try_borrow_mut().map_err(|_| busy())?;
        if page.len() >= MAX_MACHINES {
            return Err(busy());
        }
        page.push(Run {
            key,
            memory_only: cfg.memory_only,
            machine: Machine::new(clock::now_ms(), cfg, props, clock::random(), consent),
            on_event: vec![on_event],
            calls: Vec::new(),
            next_call: 0,
            locks: Vec::new(),
            timers: Vec::new(),
        });
        page.len() - 1
    };
    js::watch(m as u32);
    refresh(m, clock::now_ms());
    run(m);
    Ok((m, 0))
}

/// createMonitor from inside lpmon (an event listener), or beyond 255 accounts and apps.
fn busy() -> Error {
    Error::config(&["createMonitor cannot run here"])
}

/// The one way back in for the page's answers, timers, locks and page events (`kind`: see
/// `primitives.js`, `on`): the glue hands the wasm's `wake` export to the primitives, so no
/// wasm-bindgen closure (its shims, its finalizer and its re-entry guard) is needed. Nothing here
/// needs `mut` across calls: state lives in `PAGE`, so a page callback that calls lpmon again
/// simply feeds it again.
pub fn wake(kind: u32, tag: u32, value: JsValue, flag: bool) {
    let (m, id) = untag(tag);
    let input = match kind {
        1 => Input::Hidden,
        2 => Input::Online,
        3 => Input::Answer {
            id,
            result: transport::answer(value),
        },
        4 => {
            with(m, |r| take(&mut r.timers, id));
            Input::Timer { id }
        }
        5 => {
            with(m, |r| r.locks.push((id, value)));
            Input::LockGranted { id, waited: flag }
        }
        _ => Input::Held {
            id,
            names: locks::names(&value),
        },
    };
    feed(m, input);
}

/// Hands machine `m` one input and carries out what follows.
pub fn feed(m: usize, input: Input) {
    let now = clock::now_ms();
    refresh(m, now);
    with(m, |r| r.machine.handle(now, input));
    run(m);
}

/// A JS call of monitor `(m, monitor)`: its promise, settled when the machine says so.
pub fn call(m: usize, monitor: usize, op: Op, request: Result<Json, Error>) -> js::Promise {
    let promise = js::deferred();
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            settle(&promise, Err(e));
            return promise;
        }
    };
    let id = with(m, |r| {
        r.next_call = r.next_call.wrapping_add(1);
        r.calls.push((r.next_call, promise.clone()));
        r.next_call
    });
    match id {
        Some(call) => feed(
            m,
            Input::Call {
                call,
                monitor,
                op,
                request,
            },
        ),
        None => settle(&promise, Err(busy())),
    }
    promise
}

/// The visitor id (`vid`) or session id of machine `m`'s live session.
pub fn id_of(m: usize, vid: bool) -> Option<String> {
    refresh(m, clock::now_ms());
    let id = with(m, |r| {
        if vid {
            r.machine.vid()
        } else {
            r.machine.sid()
        }
    })
    .flatten();
    // Reading may have found a corrupted value: that event goes out now.
    run(m);
    id
}

/// Hands the machine the current values of the keys it watches (another tab may have written).
fn refresh(m: usize, now: u64) {
    let Some((keys, memory_only, cb)) = with(m, |r| {
        (
            r.machine.watched(),
            r.memory_only,
            r.on_event.first().cloned().flatten(),
        )
    }) else {
        return;
    };
    for key in keys {
        let value = storage::read(memory_only, &key, &|why| fallback(cb.as_ref(), why));
        with(m, |r| r.machine.handle(now, Input::Stored { key, value }));
    }
}

fn fallback(cb: Option<&JsValue>, reason: &str) {
    let mut data = Writer::object();
    data.str("reason", reason);
    events::emit(cb, "STORAGE_FALLBACK", &data.finish());
}

/// How a result becomes a JS value (the bindings' business): fulfil with it, or reject.
pub type ToJs = fn(Result<Json, Error>) -> (bool, JsValue);

static TO_JS: PageLocal<::core::cell::Cell<Option<ToJs>>> =
    PageLocal(::core::cell::Cell::new(None));

/// Sets how results become JS values.
pub fn set_to_js(f: ToJs) {
    TO_JS.0.set(Some(f));
}

fn settle(p: &js::Promise, result: Result<Json, Error>) {
    if let Some(to_js) = TO_JS.0.get() {
        let (ok, v) = to_js(result);
        js::settle(p, ok, &v);
    }
}

/// Carries out the outputs of machine `m` until there are none.
fn run(m: usize) {
    while let Some(out) = with(m, |r| r.machine.poll_output()).flatten() {
        execute(m, out);
    }
}

fn execute(m: usize, out: Output) {
    let Some((memory_only, cb)) = with(m, |r| {
        (r.memory_only, r.on_event.first().cloned().flatten())
    }) else {
        return;
    };
    let report = |why: &str| fallback(cb.as_ref(), why);
    match out {
        Output::Send { id, req } => transport::send(tag(m, id), &req),
        Output::Fire(req) => transport::send(0, &req),
        Output::Write { key, value } => storage::write(memory_only, &key, &value, &report),
        Output::Remove { key } => storage::remove(memory_only, &key, &report),
        Output::RemoveAll { prefix } => {
            for key in storage::keys(memory_only, &prefix, &report) {
                storage::remove(memory_only, &key, &report);
            }
        }
        Output::SetTimer { id, ms } => {
            let handle = js::timer(tag(m, id), ms.min(i32::MAX as u32));
            with(m, |r| r.timers.push((id, handle)));
        }
        Output::ClearTimer { id } => {
            let handle = with(m, |r| take(&mut r.timers, id));
            if let Some(h) = handle.flatten() {
                js::clear_timer(h);
            }
        }
        Output::Lock { id, name } => js::exclusive(tag(m, id), &name),
        Output::Release { id } => {
            let release = with(m, |r| take(&mut r.locks, id));
            if let Some(f) = release.flatten() {
                js::call(&f);
            }
        }
        Output::HoldForPage { name } => {
            let _ = js::lock(&name, js::LOCK_FOREVER);
        }
        Output::List { prefix } => {
            let mut entries = Vec::new();
            for key in storage::keys(memory_only, &prefix, &report) {
                if let Some(text) = storage::read(memory_only, &key, &report) {
                    entries.push((key, text));
                }
            }
            let now = clock::now_ms();
            with(m, |r| r.machine.handle(now, Input::Listed { entries }));
        }
        Output::QueryLocks { id } => js::held(tag(m, id)),
        Output::Resolve { call, value } => settle_call(m, call, Ok(value)),
        Output::Reject { call, error } => settle_call(m, call, Err(error)),
        Output::Emit {
            monitor,
            name,
            data,
        } => {
            let cb = with(m, |r| r.on_event.get(monitor).cloned().flatten()).flatten();
            events::emit(cb.as_ref(), name, &data);
        }
    }
}

fn settle_call(m: usize, call: u32, result: Result<Json, Error>) {
    let promise = with(m, |r| take(&mut r.calls, call));
    if let Some(p) = promise.flatten() {
        settle(&p, result);
    }
}
