//! The report queue's side of the machine: queueing a report, what becomes of it after its
//! exchange, the page-hide hand-over, and the drain that delivers what no caller waits for
//! (reports parked here, or left by pages that are gone and adopted under a cross-tab lock).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::queue::{self, Entry, State};
use crate::core::request::{self, Call, Ids};
use crate::core::text::concat;

use super::exchange::Job;
use super::{page_lock_name, Machine, Output, Val};

/// Pauses before looking again at reports of pages that still looked alive.
static ADOPT_RETRIES_MS: [u32; 3] = [0, 2_000, 10_000];
/// Without Web Locks, a stored report older than this is taken over from the page that queued it.
const ORPHAN_AGE_MS: u64 = 60_000;

/// Where the drain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Waiting before the next look (timer id).
    Pause(u32),
    /// Reading the stored queue.
    Listing,
    /// Asking which pages are alive (query id).
    Held(u32),
    /// Waiting for the queue lock (lock id).
    Lock(u32),
    /// Reading the stored queue again under the lock (lock id).
    Relisting(u32),
    /// Its reports are on their way.
    Delivering,
}

/// One drain: rounds of looking for reports to deliver.
pub(super) struct Drain {
    round: usize,
    step: Step,
    /// Stored reports of pages that looked alive were left alone: look again later.
    others: bool,
    /// Stored keys this page did not know of.
    unknown: Vec<String>,
    /// The page locks held on the site (None: unknown).
    alive: Option<Vec<String>>,
    /// Reports of this round not settled yet.
    pending: usize,
}

/// No answer, or the server in trouble: the report is kept for another chance.
fn keeps_report(e: &Error) -> bool {
    match e {
        Error::Network(_) => true,
        Error::Http { status, .. } => *status >= 500 || *status == 429 || *status == 202,
        _ => false,
    }
}

impl Machine {
    pub(super) fn queue_prefix(&self) -> String {
        queue::prefix(self.base().state_key())
    }

    /// Checks and queues a report, pushing out the oldest when the queue is full. A report that
    /// has to wait is written to storage now; one that goes out at once (with keepalive) only if
    /// its first attempt fails, which spares the common case two localStorage writes.
    pub(super) fn queue_report(
        &mut self,
        monitor: usize,
        req: &Json,
    ) -> Result<(String, Json), Error> {
        let body = request::report_body(req)?;
        let impressions = request::has_impressions(&body);
        let session = self.session();
        if impressions && session.is_none() {
            return Err(Error::invalid(&[
                "impression events need the session that showed the engagement: call engage first",
            ]));
        }
        let entry = Entry {
            tab: self.tab.clone(),
            at: self.now,
            cycles: 0,
            sid: session.filter(|_| impressions).map(|s| s.sid),
            body: body.clone(),
        };
        let seq = self.queue.next_seq();
        let key = queue::entry_key(&self.queue_prefix(), entry.at, seq, &entry.tab);
        let text = entry.encode();
        let bytes = text.len();
        let stored = !self.queue.idle();
        if stored {
            self.write(key.clone(), text);
        }
        let dropped = self.queue.push(key.clone(), entry, bytes, stored);
        let n = dropped.len();
        for k in dropped {
            self.kick(&k);
            self.remove(k);
        }
        if n > 0 {
            self.emit(monitor, "QUEUE_DROPPED", &[("dropped", Val::Num(n as u64))]);
        }
        Ok((key, body))
    }

    /// After a report's exchange: kept in storage (parked) when it is worth another chance, and
    /// its caller told `queued`; forgotten otherwise.
    pub(super) fn report_done(
        &mut self,
        job: &Job,
        result: Result<Json, Error>,
    ) -> Result<Json, Error> {
        let key = job.report.clone().unwrap_or_default();
        if let Err(e) = &result {
            let now = self.now;
            let kept = self.queue.get(&key).and_then(|s| {
                s.entry.cycles += 1;
                let expired = now.saturating_sub(s.entry.at) > queue::MAX_AGE_MS;
                (keeps_report(e) && s.entry.cycles < queue::MAX_CYCLES && !expired)
                    .then(|| s.entry.encode())
            });
            if let Some(text) = kept {
                // Kept for another round: the caller is told so, and must not send it again.
                self.write(key.clone(), text);
                self.queue.set(&key, State::Parked);
                return Err(Error::Queued(alloc::boxed::Box::new(e.clone())));
            }
        }
        if self.queue.stored(&key) {
            self.remove(key.clone());
        }
        self.queue.remove(&key);
        result
    }

    /// Page hide: reports still waiting go out now with keepalive (within the browser's budget)
    /// and leave storage, as do those already on the wire; reports that failed before stay for
    /// the next page view. Each leaves storage only once its request is made: Firefox may end the
    /// handler at any point when the browser itself navigates away (URL bar, back), and what it
    /// had not handed over is still stored for the next page view.
    pub(super) fn hidden(&mut self) {
        for key in self.queue.hand_over_in_flight() {
            self.remove(key);
        }
        let origin = match (&self.base().domain, &self.origin) {
            (Some(d), _) => Some(d.clone()),
            (None, super::Origin::Known(o)) => Some(o.clone()),
            _ => None,
        };
        let (Some(origin), Some(session)) = (origin, self.session()) else {
            return;
        };
        let ids = Ids {
            vid: Some(session.vid.clone()),
            sid: Some(session.sid.clone()),
        };
        let pair = Json::Obj(vec![
            ("visitorId".into(), Json::str(&session.vid)),
            ("sessionId".into(), Json::str(&session.sid)),
        ]);
        let mut sent = 0;
        for key in self.queue.flushable() {
            let Some(mut entry) = self.queue.get(&key).map(|s| s.entry.clone()) else {
                continue;
            };
            if entry.sid.as_ref().is_some_and(|s| *s != session.sid) {
                self.drop_impressions(0, &mut entry.body);
            }
            if entry.body.get("engagementAttributes").is_some() {
                let mut req =
                    request::monitoring(self.base(), &origin, Call::Report, &ids, &entry.body);
                req.keepalive = true;
                self.push(Output::Fire(req));
                sent += 1;
            }
            self.remove(key.clone());
            let mut result = pair.clone();
            if let Some(page) = entry.body.get("pageId") {
                result.set("pageId", page.clone());
            }
            self.queue.flushed(&key, result);
            self.kick(&key);
        }
        if sent > 0 {
            self.emit(0, "QUEUE_FLUSHED", &[("sent", Val::Num(sent))]);
        }
    }

    /// Starts a drain unless one runs: one at a time per page.
    pub(super) fn start_drain(&mut self) {
        if self.drain.is_some() || self.consent != crate::core::consent::Consent::Granted {
            return;
        }
        self.drain = Some(Drain {
            round: 0,
            step: Step::Listing,
            others: false,
            unknown: Vec::new(),
            alive: None,
            pending: 0,
        });
        self.drain_round();
    }

    fn drain_step(&mut self, step: Step) {
        if let Some(d) = &mut self.drain {
            d.step = step;
        }
    }

    /// A round: a pause (a page that just went away can still be listed as holding its lock for
    /// a moment, a reload), then a look at the stored queue.
    fn drain_round(&mut self) {
        let Some(round) = self.drain.as_ref().map(|d| d.round) else {
            return;
        };
        let Some(&pause) = ADOPT_RETRIES_MS.get(round) else {
            self.drain = None;
            return;
        };
        if let Some(d) = &mut self.drain {
            d.others = false;
            d.unknown.clear();
        }
        if pause > 0 {
            let id = self.id();
            self.push(Output::SetTimer { id, ms: pause });
            self.drain_step(Step::Pause(id));
        } else {
            self.list(Step::Listing);
        }
    }

    fn list(&mut self, step: Step) {
        self.drain_step(step);
        let prefix = self.queue_prefix();
        self.push(Output::List { prefix });
    }

    pub(super) fn drain_timer(&mut self, id: u32) -> bool {
        if self.drain.as_ref().map(|d| d.step) != Some(Step::Pause(id)) {
            return false;
        }
        self.list(Step::Listing);
        true
    }

    pub(super) fn drain_locked(&mut self, id: u32) -> bool {
        if self.drain.as_ref().map(|d| d.step) != Some(Step::Lock(id)) {
            return false;
        }
        self.list(Step::Relisting(id));
        true
    }

    /// The stored queue, first without and then with the queue lock.
    pub(super) fn listed(&mut self, entries: Vec<(String, String)>) {
        let Some(step) = self.drain.as_ref().map(|d| d.step) else {
            return;
        };
        match step {
            Step::Listing => {
                let unknown: Vec<String> = entries
                    .into_iter()
                    .map(|(k, _)| k)
                    .filter(|k| !self.queue.knows(k))
                    .collect();
                if unknown.is_empty() {
                    return self.deliver(Vec::new());
                }
                if let Some(d) = &mut self.drain {
                    d.unknown = unknown;
                }
                let id = self.id();
                self.push(Output::QueryLocks { id });
                self.drain_step(Step::Held(id));
            }
            Step::Relisting(lock) => {
                let todo = self.adopt(entries);
                self.push(Output::Release { id: lock });
                self.deliver(todo);
            }
            _ => {}
        }
    }

    /// Which pages are alive: then the queue lock.
    pub(super) fn held(&mut self, id: u32, names: Option<Vec<String>>) {
        if self.drain.as_ref().map(|d| d.step) != Some(Step::Held(id)) {
            return;
        }
        if let Some(d) = &mut self.drain {
            d.alive = names;
        }
        let lock = self.id();
        let name = concat(&[self.base().state_key(), ":queue"]);
        self.push(Output::Lock { id: lock, name });
        self.drain_step(Step::Lock(lock));
    }

    /// Takes over the stored reports whose page is gone (oldest first); returns their keys.
    fn adopt(&mut self, entries: Vec<(String, String)>) -> Vec<String> {
        let (unknown, alive) = match &mut self.drain {
            Some(d) => (::core::mem::take(&mut d.unknown), d.alive.take()),
            None => return Vec::new(),
        };
        let mut todo = Vec::new();
        let mut others = false;
        for (key, text) in entries {
            if !unknown.contains(&key) || self.queue.knows(&key) {
                continue;
            }
            let Some(mut entry) = Entry::decode(&text) else {
                self.remove(key);
                continue;
            };
            let owner_alive = match &alive {
                Some(names) => names.contains(&page_lock_name(&entry.tab)),
                None => self.now.saturating_sub(entry.at) < ORPHAN_AGE_MS,
            };
            if entry.tab == self.tab || owner_alive {
                others |= entry.tab != self.tab;
                continue;
            }
            if self.now.saturating_sub(entry.at) > queue::MAX_AGE_MS {
                self.remove(key);
                self.emit(0, "QUEUE_GAVE_UP", &[("kind", Val::Str("expired"))]);
                continue;
            }
            entry.tab = self.tab.clone();
            let text = entry.encode();
            let bytes = text.len();
            self.write(key.clone(), text);
            for k in self.queue.push(key.clone(), entry, bytes, true) {
                self.kick(&k);
                self.remove(k);
            }
            todo.push(key);
        }
        if let Some(d) = &mut self.drain {
            d.others = others;
        }
        todo
    }

    /// Delivers `todo` and this page's parked reports, each as a report no caller waits for.
    fn deliver(&mut self, mut todo: Vec<String>) {
        for key in self.queue.parked() {
            self.queue.set(&key, State::Waiting);
            todo.push(key);
        }
        let mut pending = 0;
        for key in todo {
            let Some(body) = self.queue.get(&key).map(|s| s.entry.body.clone()) else {
                continue;
            };
            self.jobs.push(Some(Job::new(None, 0, Some(key), body)));
            pending += 1;
        }
        if let Some(d) = &mut self.drain {
            d.pending = pending;
            d.step = Step::Delivering;
        }
        if pending == 0 {
            self.round_over();
        }
    }

    /// A report of the drain is settled; outcomes are told through events.
    pub(super) fn delivered(&mut self, monitor: usize, result: Result<Json, Error>) {
        // Whoever queued it was told `queued`: the outcome is told here, once it is final.
        match result {
            Ok(_) => self.emit(monitor, "QUEUE_DELIVERED", &[]),
            Err(e @ Error::Queued(_)) => {
                self.emit(monitor, "QUEUE_FAILED", &[("kind", Val::Str(e.kind()))])
            }
            Err(e) => self.emit(monitor, "QUEUE_GAVE_UP", &[("kind", Val::Str(e.kind()))]),
        }
        let left = match &mut self.drain {
            Some(d) if d.step == Step::Delivering => {
                d.pending = d.pending.saturating_sub(1);
                d.pending
            }
            _ => return,
        };
        if left == 0 {
            self.round_over();
        }
    }

    fn round_over(&mut self) {
        let again = self.drain.as_ref().is_some_and(|d| d.others);
        if !again {
            self.drain = None;
            return;
        }
        if let Some(d) = &mut self.drain {
            d.round += 1;
        }
        self.drain_round();
    }
}
