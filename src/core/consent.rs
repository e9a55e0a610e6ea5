//! Consent: whether lpmon may store and send anything, and the waiting room of the calls made
//! while the answer is pending.
//!
//! ```text
//!   Pending ──grant──▶ Granted ──deny (withdraw)──▶ Denied
//!      │                  ▲                            │
//!      └──────deny──────▶ Denied ◀─────────────────────┘ grant again: Granted
//! ```
//! - Pending: calls take a ticket and wait in memory (at most [`MAX_WAITING`]); nothing is
//!   stored or sent.
//! - Granted: the waiting calls go in ticket order, each once the one before has finished; a call
//!   made while that backlog drains takes a ticket too. With no backlog, calls go at once.
//! - Denied: every waiting and new call is refused with kind `consent`.
//!
//! The monitor removes what lpmon stored when consent is denied (see `Monitor::set_consent`).

use ::core::cell::Cell;

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::error::Error;
use crate::core::signal::Signal;

/// At most this many calls wait for consent; more are refused.
pub const MAX_WAITING: u32 = 100;

/// The visitor's answer, as far as lpmon knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Consent {
    /// Store and send (the default).
    #[default]
    Granted,
    /// Not answered yet: hold every call in memory.
    Pending,
    /// Refused or withdrawn: store and send nothing.
    Denied,
}

impl Consent {
    /// `'granted'`, `'pending'` or `'denied'`.
    pub fn parse(text: &str) -> Option<Consent> {
        match text {
            "granted" => Some(Consent::Granted),
            "pending" => Some(Consent::Pending),
            "denied" => Some(Consent::Denied),
            _ => None,
        }
    }
}

/// The error of a call that consent stopped.
pub fn refused() -> Error {
    Error::Consent("consent is denied: nothing was stored or sent")
}

/// The consent of one account + app in a page, and the calls waiting for it.
#[derive(Default)]
pub struct Gatekeeper {
    state: Cell<Consent>,
    /// The next ticket.
    next: Cell<u32>,
    /// The ticket whose turn it is.
    turn: Cell<u32>,
    /// Fired when consent changes or a ticketed call finishes.
    moved: Signal,
}

/// A call's permission to go; dropping it lets the next ticket go.
pub struct Pass<'a> {
    keeper: &'a Gatekeeper,
    ticket: Option<u32>,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket {
            let k = self.keeper;
            if k.turn.get() == t {
                k.turn.set(t.wrapping_add(1));
            }
            k.moved.fire();
        }
    }
}

impl Gatekeeper {
    /// The current consent.
    pub fn get(&self) -> Consent {
        self.state.get()
    }

    /// True when lpmon may store and send.
    pub fn granted(&self) -> bool {
        self.state.get() == Consent::Granted
    }

    /// Sets consent; true when it changed. Denial voids the tickets of the waiting calls (they
    /// are refused when they wake).
    pub fn set(&self, c: Consent) -> bool {
        if self.state.replace(c) == c {
            return false;
        }
        if c == Consent::Denied {
            self.turn.set(self.next.get());
        }
        self.moved.fire();
        true
    }

    /// Waits until this call may go: at once when granted with nothing waiting; after the calls
    /// made before it when they wait for consent; refused when consent is denied (now or while
    /// waiting) or too many calls wait.
    pub async fn admit(&self) -> Result<Pass<'_>, Error> {
        let waiting = self.next.get().wrapping_sub(self.turn.get());
        match self.state.get() {
            Consent::Denied => return Err(refused()),
            Consent::Granted if waiting == 0 => {
                return Ok(Pass {
                    keeper: self,
                    ticket: None,
                })
            }
            _ if waiting >= MAX_WAITING => {
                return Err(Error::Consent(
                    "too many calls are waiting for consent: this one was not kept",
                ))
            }
            _ => {}
        }
        let ticket = self.next.get();
        self.next.set(ticket.wrapping_add(1));

        // From here the pass (and its drop) accounts for the ticket, whatever happens.
        let pass = Pass {
            keeper: self,
            ticket: Some(ticket),
        };
        loop {
            let epoch = self.moved.epoch();
            match self.state.get() {
                Consent::Denied => return Err(refused()),
                Consent::Granted if self.turn.get() == ticket => return Ok(pass),
                _ => self.moved.changed(epoch).await,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::future::{join, join_all};
    use std::cell::RefCell;

    #[test]
    fn parse() {
        assert_eq!(Consent::parse("pending"), Some(Consent::Pending));
        assert_eq!(Consent::parse("granted"), Some(Consent::Granted));
        assert_eq!(Consent::parse("denied"), Some(Consent::Denied));
        assert_eq!(Consent::parse("yes"), None);
    }

    /// Polls a few times so that started futures reach their first await.
    async fn settle() {
        for _ in 0..10 {
            crate::core::fakes::YieldOnce(false).await;
        }
    }

    #[test]
    fn granted_without_backlog_goes_at_once() {
        let k = Gatekeeper::default();
        let pass = block_on(k.admit()).unwrap();
        assert!(pass.ticket.is_none());
    }

    #[test]
    fn waiting_calls_go_in_call_order_each_after_the_one_before() {
        let k = Gatekeeper::default();
        k.set(Consent::Pending);
        let log = RefCell::new(Vec::new());
        let call = |n: u32| {
            let (k, log) = (&k, &log);
            async move {
                let pass = k.admit().await.unwrap();
                log.borrow_mut().push(n);
                // The one after it must not start before this one has finished.
                settle().await;
                log.borrow_mut().push(n + 100);
                drop(pass);
            }
        };
        block_on(join(join_all((0..3).map(call)), async {
            settle().await;
            assert!(log.borrow().is_empty(), "nothing goes while pending");
            k.set(Consent::Granted);
        }));
        assert_eq!(*log.borrow(), [0, 100, 1, 101, 2, 102]);
        // The backlog is gone: the next call goes at once.
        assert!(block_on(k.admit()).unwrap().ticket.is_none());
    }

    #[test]
    fn denial_refuses_the_waiting_and_later_calls() {
        let k = Gatekeeper::default();
        k.set(Consent::Pending);
        let (results, ()) = block_on(join(join_all((0..3).map(|_| k.admit())), async {
            settle().await;
            k.set(Consent::Denied);
        }));
        assert!(results.iter().all(|r| matches!(r, Err(Error::Consent(_)))));
        assert_eq!(block_on(k.admit()).err().map(|e| e.kind()), Some("consent"));
        // Granted again: a fresh start, no stale tickets in the way.
        k.set(Consent::Granted);
        assert!(block_on(k.admit()).unwrap().ticket.is_none());
    }

    #[test]
    fn the_waiting_room_is_bounded() {
        let k = Gatekeeper::default();
        k.set(Consent::Pending);
        let waiting: Vec<_> = (0..MAX_WAITING).map(|_| Box::pin(k.admit())).collect();
        let mut waiting = waiting;
        for f in waiting.iter_mut() {
            let _ = futures::FutureExt::now_or_never(f.as_mut());
        }
        let over = block_on(k.admit());
        assert!(matches!(over, Err(Error::Consent(m)) if m.contains("too many")));
        k.set(Consent::Granted);
        let first = waiting.remove(0);
        assert_eq!(block_on(first).unwrap().ticket, Some(0));
        drop(waiting);
    }
}
