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
pub async fn either<A: Future<Output = ()>, B: Future<Output = ()>>(a: A, b: B) {
    let mut a = ::core::pin::pin!(a);
    let mut b = ::core::pin::pin!(b);
    ::core::future::poll_fn(|cx| {
        if a.as_mut().poll(cx).is_ready() || b.as_mut().poll(cx).is_ready() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}
