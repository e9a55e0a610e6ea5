//! An async mutex for the agent client: one CSDS lookup at a time while the others wait.
//! Single-threaded (wasm), so plain `Cell`s suffice.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::Cell;
use ::core::future::Future;
use ::core::pin::Pin;
use ::core::task::{Context, Poll, Waker};


/// The mutex.
#[derive(Default)]
pub struct Gate {
    held: Cell<bool>,
    waiters: Cell<Vec<Waker>>,
}

impl Gate {
    /// Waits until the gate is free, then holds it until the guard is dropped.
    pub fn enter(&self) -> Enter<'_> {
        Enter { gate: self }
    }
}

/// The future returned by [`Gate::enter`].
pub struct Enter<'a> {
    gate: &'a Gate,
}

impl<'a> Future for Enter<'a> {
    type Output = GateGuard<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<GateGuard<'a>> {
        let gate = self.gate;
        if gate.held.replace(true) {
            let mut w = gate.waiters.take();
            w.push(cx.waker().clone());
            gate.waiters.set(w);
            Poll::Pending
        } else {
            Poll::Ready(GateGuard { gate })
        }
    }
}

/// Holds the gate; dropping it lets every waiter try again.
pub struct GateGuard<'a> {
    gate: &'a Gate,
}

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        self.gate.held.set(false);
        let waiters = self.gate.waiters.take();
        for w in waiters {
            w.wake();
        }
    }
}
