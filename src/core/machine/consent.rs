//! Consent in the machine: calls wait in memory while it is pending (in call order, each after
//! the one before has finished), are refused while it is denied; withdrawing it, or `reset()`,
//! wipes what lpmon stored and ends what is under way.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::consent::{self, Consent, MAX_WAITING};
use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::queue::State;

use super::exchange::Step;
use super::{Machine, Op, Output, Val};

impl Machine {
    /// A JS call: now, after the calls waiting before it, or refused.
    pub(super) fn admit(&mut self, call: u32, monitor: usize, op: Op, request: Json) {
        match self.consent {
            Consent::Denied => return self.settle(call, Err(consent::refused())),
            Consent::Granted if self.backlog.is_empty() && !self.ticketed => {
                return self.call(call, monitor, op, &request)
            }
            _ if self.backlog.len() >= MAX_WAITING as usize => {
                return self.settle(
                    call,
                    Err(Error::Consent(
                        "too many calls are waiting for consent: this one was not kept",
                    )),
                )
            }
            _ => {}
        }
        self.backlog.push_back((call, monitor, op, request));
        self.next_ticket();
    }

    /// Starts the next waiting call once consent is granted and the one before has finished.
    pub(super) fn next_ticket(&mut self) {
        while self.consent == Consent::Granted && !self.ticketed {
            let Some((call, monitor, op, request)) = self.backlog.pop_front() else {
                return;
            };
            let before = self.jobs.len();
            self.call(call, monitor, op, &request);
            if self.jobs.len() > before {
                if let Some(Some(job)) = self.jobs.last_mut() {
                    job.ticket = true;
                    self.ticketed = true;
                }
            }
        }
    }

    /// A call of the backlog finished: the next one may go.
    pub(super) fn ticket_done(&mut self) {
        self.ticketed = false;
        self.next_ticket();
    }

    pub(super) fn set_consent(&mut self, c: Consent) {
        if ::core::mem::replace(&mut self.consent, c) == c {
            return;
        }
        match c {
            Consent::Denied => {
                for (call, ..) in ::core::mem::take(&mut self.backlog) {
                    self.settle(call, Err(consent::refused()));
                }
                // The visitor said no to lpmon: every key it stored on this site goes.
                self.wipe("lpmon:".into(), "consent");
            }
            Consent::Granted => {
                self.next_ticket();
                self.start_drain();
            }
            Consent::Pending => {}
        }
    }

    /// Why a call stopped before its end: consent withdrawn, or `reset()`.
    pub(super) fn halted(&self) -> Error {
        if self.consent == Consent::Granted {
            Error::Network("stopped by reset(): not sent")
        } else {
            consent::refused()
        }
    }

    /// Removes the keys under `prefix` (the state key is a prefix of its reports' keys), ends the
    /// queue (waiting callers are refused, parked reports given up: event `why`) and every call
    /// under way; a request already on the wire ends with its answer, which is not remembered.
    pub(super) fn wipe(&mut self, prefix: String, why: &'static str) {
        if self.base().state_key().starts_with(prefix.as_str()) {
            self.state = None;
        }
        if prefix == "lpmon:" {
            self.csds = None;
        }
        self.push(Output::RemoveAll { prefix });
        // Removed on purpose: no STORAGE_CLEARED for it.
        self.had_state = false;
        self.drain = None;
        let halted = self.halted();
        let mut wire = Vec::new();
        for slot in ::core::mem::take(&mut self.jobs) {
            let Some(mut job) = slot else { continue };
            if matches!(job.step, Step::Wire(_)) {
                job.halted = true;
                wire.extend(job.report.clone());
                self.jobs.push(Some(job));
                continue;
            }
            self.release(&mut job);
            if let Some(call) = job.call {
                self.settle(call, Err(halted.clone()));
            }
            // And the reports riding in it (a combined request pausing between attempts).
            for rider in &job.riders {
                let Some(call) = rider.as_ref().and_then(|r| r.call) else {
                    continue;
                };
                self.settle(call, Err(halted.clone()));
            }
        }
        self.ticketed = self.jobs.iter().flatten().any(|j| j.ticket);
        let parked = self.queue.parked().len();
        self.queue.keep_only(&wire);
        for _ in 0..parked {
            self.emit(0, "QUEUE_GAVE_UP", &[("kind", Val::Str(why))]);
        }
        let _ = State::Waiting;
    }
}
