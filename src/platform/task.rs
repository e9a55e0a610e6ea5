//! A small executor for lpmon's futures on the browser's microtask queue, and the future of a JS
//! promise. It replaces wasm-bindgen-futures, whose general-purpose queue, promise adapters and
//! panicking `RefCell` paths cost several KB of wasm and glue. Single-threaded like the rest of the
//! platform: the state sits in `Cell`s that are taken and put back, so no borrow can fail.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::Cell;
use ::core::future::Future;
use ::core::pin::Pin;
use ::core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use alloc::boxed::Box;
use alloc::rc::Rc;

use wasm_bindgen::prelude::*;

use super::js::{self, Promise};
use super::PageLocal;

type Job = Pin<Box<dyn Future<Output = ()>>>;

enum Slot {
    Free,
    /// Being polled right now.
    Running,
    Waiting(Job),
}

/// Every spawned task, by id (a slot is reused once its task finished), and the ids to poll next.
struct Executor {
    slots: Cell<Vec<Slot>>,
    ready: Cell<Vec<usize>>,
    /// A microtask is queued to poll the ready tasks.
    queued: Cell<bool>,
    /// The JS function that runs [`run`] (made once).
    runner: Cell<Option<JsValue>>,
}

static EXECUTOR: PageLocal<Executor> = PageLocal(Executor {
    slots: Cell::new(Vec::new()),
    ready: Cell::new(Vec::new()),
    queued: Cell::new(false),
    runner: Cell::new(None),
});

/// Runs `job` to completion in the background; it is first polled in a microtask.
pub fn spawn(job: impl Future<Output = ()> + 'static) {
    spawn_boxed(Box::pin(job));
}

fn spawn_boxed(job: Job) {
    let exec = &EXECUTOR.0;
    let mut slots = exec.slots.take();
    let id = match slots.iter().position(|s| matches!(s, Slot::Free)) {
        Some(id) => {
            if let Some(slot) = slots.get_mut(id) {
                *slot = Slot::Waiting(job);
            }
            id
        }
        None => {
            slots.push(Slot::Waiting(job));
            slots.len() - 1
        }
    };
    exec.slots.set(slots);
    wake(id);
}

/// A task's waker carries its id in the data pointer: nothing to allocate, count or free. A stale
/// id can at worst poll a later task once for nothing, which every future allows.
fn waker(id: usize) -> Waker {
    fn clone(data: *const ()) -> RawWaker {
        RawWaker::new(data, &VTABLE)
    }
    fn wake_id(data: *const ()) {
        wake(data as usize);
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake_id, wake_id, noop);
    // SAFETY: the vtable functions only read the id; none of them needs the data to point at
    // anything, so every contract of RawWaker holds trivially.
    unsafe { Waker::from_raw(RawWaker::new(id as *const (), &VTABLE)) }
}

fn wake(id: usize) {
    let exec = &EXECUTOR.0;
    let mut ready = exec.ready.take();
    if !ready.contains(&id) {
        ready.push(id);
    }
    exec.ready.set(ready);
    if !exec.queued.replace(true) {
        let runner = exec
            .runner
            .take()
            .unwrap_or_else(|| js::callback(Box::new(|_| run())));
        js::queue_microtask(&runner);
        exec.runner.set(Some(runner));
    }
}

/// Polls the ready tasks, including those woken meanwhile, in the order they were woken.
fn run() {
    let exec = &EXECUTOR.0;
    exec.queued.set(false);
    loop {
        let batch = exec.ready.take();
        if batch.is_empty() {
            return;
        }
        for id in batch {
            poll(id);
        }
    }
}

fn poll(id: usize) {
    let exec = &EXECUTOR.0;
    let mut slots = exec.slots.take();
    let job = slots
        .get_mut(id)
        .filter(|s| matches!(s, Slot::Waiting(_)))
        .map(|s| ::core::mem::replace(s, Slot::Running));
    exec.slots.set(slots);
    let Some(Slot::Waiting(mut job)) = job else {
        return;
    };
    let waker = waker(id);
    let done = job
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_ready();
    let mut slots = exec.slots.take();
    if let Some(slot) = slots.get_mut(id) {
        *slot = if done { Slot::Free } else { Slot::Waiting(job) };
    }
    exec.slots.set(slots);
}

/// What a settled promise handed over, and who waits for it.
#[derive(Default)]
struct Outcome {
    value: Cell<Option<JsValue>>,
    waker: Cell<Option<Waker>>,
}

/// The value `promise` settles with (fulfilled or rejected alike: lpmon's primitives never reject).
/// A plain future type rather than an `async fn`: no state machine of its own to poll and drop.
pub fn settled(promise: Promise) -> Settled {
    let outcome = Rc::new(Outcome::default());
    let o = outcome.clone();
    // Called once (`then` passes it for fulfilment and rejection alike), and it lets go of the
    // outcome then, as `Closure::once` would (which costs more code and glue).
    let mut o = Some(o);
    let done = js::callback(Box::new(move |v: JsValue| {
        if let Some(o) = o.take() {
            o.value.set(Some(v));
            if let Some(w) = o.waker.take() {
                w.wake();
            }
        }
    }));
    js::then(&promise, &done);
    Settled(outcome)
}

/// The future of [`settled`].
pub struct Settled(Rc<Outcome>);

impl Future for Settled {
    type Output = JsValue;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        match self.0.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                self.0.waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

/// A future that is ready once a JS promise has settled, whatever its value.
pub struct Done(pub Settled);

impl Future for Done {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(drop)
    }
}

/// A JS promise settled by the future `f`: fulfilled with the `Ok` of `with(output)`, rejected
/// with its `Err`. `f` is boxed: behind the box its poll stays a function of its own.
pub fn promise<T: 'static>(
    f: impl Future<Output = T> + 'static,
    with: fn(T) -> Result<JsValue, JsValue>,
) -> Promise {
    let p = js::deferred();
    spawn(Settle {
        f: Box::pin(f),
        p: p.clone(),
        with,
    });
    p
}

/// The task behind [`promise`] (a plain future type: no state machine of its own).
struct Settle<T> {
    f: Pin<Box<dyn Future<Output = T>>>,
    p: Promise,
    with: fn(T) -> Result<JsValue, JsValue>,
}

impl<T> Future for Settle<T> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Poll::Ready(out) = self.f.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        let (ok, v) = match (self.with)(out) {
            Ok(v) => (true, v),
            Err(e) => (false, e),
        };
        js::settle(&self.p, ok, &v);
        Poll::Ready(())
    }
}
