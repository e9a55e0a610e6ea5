//! A change counter that futures can wait on: "something in the queue moved", "the browser is
//! back online". Single-threaded, like the rest of the core.

use ::core::cell::Cell;
use ::core::future::Future;
use ::core::pin::Pin;
use ::core::task::{Context, Poll, Waker};

use crate::core::shelf::Shelf;

#[allow(unused_imports)]
use crate::prelude::*;

/// The counter and whoever waits for it to move.
#[derive(Default)]
pub struct Signal {
    epoch: Cell<u64>,
    waiters: Shelf<Vec<Waker>>,
}

impl Signal {
    /// The current value; pass it to [`Signal::changed`].
    pub fn epoch(&self) -> u64 {
        self.epoch.get()
    }

    /// Moves the counter and wakes every waiter.
    pub fn fire(&self) {
        self.epoch.set(self.epoch.get().wrapping_add(1));
        for w in self.waiters.with(::core::mem::take) {
            w.wake();
        }
    }

    /// Resolves once the counter differs from `since`.
    pub fn changed(&self, since: u64) -> Changed<'_> {
        Changed {
            signal: self,
            since,
        }
    }
}

/// The future of [`Signal::changed`].
pub struct Changed<'a> {
    signal: &'a Signal,
    since: u64,
}

impl Future for Changed<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.epoch.get() != self.since {
            Poll::Ready(())
        } else {
            self.signal.waiters.with(|w| w.push(cx.waker().clone()));
            Poll::Pending
        }
    }
}

/// Resolves when either future does (the other is dropped): a retry pause cut short when the
/// browser comes back online.
pub fn either<A, B>(a: A, b: B) -> Either<A, B> {
    Either(a, b)
}

/// The future of [`either`].
pub struct Either<A, B>(A, B);

impl<A: Future<Output = ()> + Unpin, B: Future<Output = ()> + Unpin> Future for Either<A, B> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Either(a, b) = &mut *self;
        if Pin::new(a).poll(cx).is_ready() || Pin::new(b).poll(cx).is_ready() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
