//! One call's way through the machine: waiting for its turn and the origin, opening the session
//! (one creator at a time in the page, one across tabs), the request with its retries, and the
//! recovery from a stale pair.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::answer::{self, Verdict};
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, NetError};
use crate::core::json::Json;
use crate::core::queue::{self, State};
use crate::core::request::{self, Call, Ids};
use crate::core::retry;

use super::{ids_of, pair, pick, Machine, Op, Output, Val};

/// What a report resolves with when the answer named no ids: the pair it was sent with.
fn sent_ids(ids: &Ids, body: &Json) -> Json {
    let mut out = pick(body, &["pageId"]);
    if let (Some(v), Some(s)) = (&ids.vid, &ids.sid) {
        out.set("visitorId", Json::str(v));
        out.set("sessionId", Json::str(s));
    }
    out
}

/// Creation polls after waiting for another tab's lock: its stored session can take a moment to
/// reach this tab's view of localStorage (25 × 20 ms).
const POLLS: u8 = 25;
const POLL_MS: u32 = 20;
/// Rounds of the exchange: a session that cannot be kept (a clock jumping ahead) must not loop.
const ROUNDS: u8 = 4;
/// The activity time of a session is written at most this often.
const TOUCH_MS: u64 = 10_000;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// A report waiting for the reports queued before it.
    Turn,
    /// Waiting for the Monitoring API origin.
    Origin,
    /// The top of an exchange round: send with the session, or open one.
    Begin,
    /// Waiting for the page's creator slot.
    Gate,
    /// Waiting for the cross-tab creation lock.
    Lock(u32),
    /// Giving another tab's session a moment to show (timer id).
    Recheck(u32),
    /// The request is on the wire.
    Wire(u32),
    /// Pausing before a retry (timer id).
    Pause(u32),
    /// Pausing before a retry that coming back online ends early (timer id).
    PauseOnline(u32),
}

/// One call (or one report a drain delivers).
pub(super) struct Job {
    /// The JS call to settle; None for a report no caller waits for.
    pub call: Option<u32>,
    pub monitor: usize,
    /// The queue key of a report.
    pub report: Option<String>,
    pub resource: Call,
    pub body: Json,
    pub origin: String,
    pub step: Step,
    ids: Ids,
    /// "Loading account": the vid the next attempt carries.
    vid: Option<String>,
    attempt: usize,
    rounds: u8,
    recovered: bool,
    /// The creation lock held (and with it the page's creator slot).
    lock: Option<u32>,
    polls: u8,
    /// The request on the wire is the start-page engagement that opens a session for a report.
    start_page: bool,
    /// The request on the wire opens a session: its failures are final.
    creating: bool,
    /// Its queued report was flushed or dropped: it settles without waiting for its turn.
    pub kicked: bool,
    /// A call of the consent backlog: the next one waits until this one has finished.
    pub ticket: bool,
    /// Consent was withdrawn or `reset()` called while its request was on the wire: the answer
    /// ends it and is not remembered.
    pub halted: bool,
    /// The reports waiting behind this one that travel in its request, in call order: they
    /// settle with it.
    pub riders: Vec<Option<Job>>,
}

/// How an exchange ended, when it did not succeed.
enum Failure {
    /// 404/37 or 404/39 on a request that carried a pair.
    Stale(Error),
    /// Anything final.
    Final(Error),
}

impl Job {
    // Out of line: inlined at its three callers it cost about 100 B gzip (measured).
    #[inline(never)]
    pub(super) fn new(
        call: Option<u32>,
        monitor: usize,
        report: Option<String>,
        body: Json,
    ) -> Job {
        Job {
            call,
            monitor,
            resource: if report.is_some() {
                Call::Report
            } else {
                Call::Engagement
            },
            step: if report.is_some() {
                Step::Turn
            } else {
                Step::Origin
            },
            report,
            body,
            origin: String::new(),
            ids: Ids::default(),
            vid: None,
            attempt: 0,
            rounds: 0,
            recovered: false,
            lock: None,
            polls: 0,
            start_page: false,
            creating: false,
            kicked: false,
            ticket: false,
            halted: false,
            riders: Vec::new(),
        }
    }
}

impl Machine {
    /// A new call: checked, queued when it is a report, then on its way.
    pub(super) fn call(&mut self, call: u32, monitor: usize, op: Op, request: &Json) {
        let job = match op {
            Op::Engage => request::engagement_body(request, &self.client_props)
                .map(|body| Job::new(Some(call), monitor, None, body)),
            Op::Report => self.queue_report(monitor, request).map(|(key, body)| {
                let mut job = Job::new(Some(call), monitor, Some(key.clone()), body);
                // Too big to be kept at all: it settles at once.
                job.kicked = self.queue.state(&key) != Some(State::Waiting);
                job
            }),
        };
        match job {
            Ok(job) => self.jobs.push(Some(job)),
            Err(e) => self.settle(call, Err(e)),
        }
    }

    /// Moves every job that can move without a new input, until none can.
    pub(super) fn pump(&mut self) {
        loop {
            let ready = self
                .jobs
                .iter()
                .position(|j| j.as_ref().is_some_and(|j| self.can_move(j)));
            let Some((i, job)) = ready.and_then(|i| Some((i, self.take_job(i)?))) else {
                return;
            };
            self.step(job, i);
        }
    }

    fn can_move(&self, job: &Job) -> bool {
        match &job.step {
            // Checked for every waiting report on every input: no search of the queue here.
            Step::Turn => {
                job.kicked
                    || job
                        .report
                        .as_deref()
                        .map_or(true, |k| self.queue.is_turn(k))
            }
            Step::Origin => self.origin_ready(job.monitor),
            Step::Begin => true,
            Step::Gate => self.gate.is_none(),
            _ => false,
        }
    }

    /// Takes job `i` out of its slot (the slot stays: the others keep their places in line).
    fn take_job(&mut self, i: usize) -> Option<Job> {
        self.jobs.get_mut(i).and_then(Option::take)
    }

    /// The report under `key` settles at once (it was flushed or dropped).
    pub(super) fn kick(&mut self, key: &str) {
        for j in self.jobs.iter_mut().flatten() {
            if j.report.as_deref() == Some(key) {
                j.kicked = true;
            }
        }
    }

    /// Puts `job` back in slot `at` (its place in line).
    fn keep(&mut self, job: Job, at: usize) {
        match self.jobs.get_mut(at) {
            Some(slot @ None) => *slot = Some(job),
            _ => self.jobs.push(Some(job)),
        }
    }

    fn step(&mut self, mut job: Job, at: usize) {
        match job.step {
            Step::Turn => self.turn(job, at),
            Step::Origin => match self.origin_for(job.monitor) {
                Err(e) => self.end(job, Err(e)),
                Ok(None) => self.keep(job, at),
                Ok(Some(origin)) => {
                    job.origin = origin;
                    if job.report.is_some() && job.body.get("engagementAttributes").is_none() {
                        // Nothing left but the session itself: open one as a page load would.
                        job.body = self.start_page(&job.body);
                        job.resource = Call::Engagement;
                    }
                    job.step = Step::Begin;
                    self.keep(job, at);
                }
            },
            Step::Begin => self.begin(job, at),
            Step::Gate => {
                // The creator before it may have opened the session.
                if let Some(s) = self.session() {
                    job.ids = pair(&s);
                    return self.send(job, at, false, false);
                }
                let lock = self.id();
                self.gate = Some(lock);
                job.lock = Some(lock);
                job.step = Step::Lock(lock);
                let name = self.base().state_key().into();
                self.push(Output::Lock { id: lock, name });
                self.keep(job, at);
            }
            _ => self.keep(job, at),
        }
    }

    /// A report's turn came (or it was flushed or dropped meanwhile).
    fn turn(&mut self, mut job: Job, at: usize) {
        let key = job.report.clone().unwrap_or_default();
        match self.queue.state(&key) {
            None | Some(State::Dropped) => {
                self.queue.remove(&key);
                self.end_plain(
                    &job,
                    Err(Error::Network(
                        "the report was dropped: the queue of unsent reports was full",
                    )),
                );
            }
            Some(State::Flushed) => {
                let done = self
                    .queue
                    .get(&key)
                    .and_then(|s| s.flushed.take())
                    .unwrap_or(Json::Null);
                self.queue.remove(&key);
                self.end_plain(&job, Ok(done));
            }
            _ => {
                // Impressions of another session are dropped.
                let sid = self.queue.get(&key).and_then(|s| s.entry.sid.clone());
                if let Some(sid) = sid {
                    if self.sid().as_ref() != Some(&sid) {
                        self.drop_impressions(job.monitor, &mut job.body);
                        if let Some(s) = self.queue.get(&key) {
                            s.entry.sid = None;
                            s.entry.body = job.body.clone();
                        }
                    }
                }
                self.gather(&key, &mut job);
                self.queue.set(&key, State::Sending);
                job.step = Step::Origin;
                self.keep(job, at);
            }
        }
    }

    /// Takes the reports waiting right behind `key` into its request while they can share it:
    /// same page, identities, consumer and entry points, no impressions of a session, never
    /// failed (a refused combined request goes again report by report), and within the
    /// keepalive budget together (their stored texts are longer than the body they make), at most
    /// [`queue::MAX_TOGETHER`] in one request. Their attributes follow in call order; their jobs
    /// ride in this one.
    fn gather(&mut self, key: &str, job: &mut Job) {
        const SHAPE: [&str; 4] = ["pageId", "identities", "consumerId", "entryPoints"];
        // Compared as text: no structural equality of JSON values in the wasm.
        let shape = pick(&job.body, &SHAPE).to_text();
        let mut all = Vec::new();
        let mut budget = 0;
        let mut behind = false;
        for s in self.queue.slots_mut() {
            let own = *s.key == *key;
            behind |= own;
            // Reports parked, flushed or dropped are out of line.
            if !behind || !matches!(s.state, State::Waiting | State::Sending) {
                continue;
            }
            budget += s.bytes;
            if s.failures > 0
                || s.entry.sid.is_some()
                || budget > queue::KEEPALIVE_BUDGET
                || job.riders.len() + 1 >= queue::MAX_TOGETHER
                || pick(&s.entry.body, &SHAPE).to_text() != shape
            {
                break;
            }
            if !own {
                let rider = self.jobs.iter_mut().find(|j| {
                    j.as_ref().is_some_and(|j| {
                        matches!(j.step, Step::Turn) && j.report.as_deref() == Some(&*s.key)
                    })
                });
                let Some(rider) = rider else { break };
                job.riders.push(rider.take());
            }
            s.state = State::Sending;
            if let Some(Json::Arr(list)) = s.entry.body.get("engagementAttributes") {
                for a in list {
                    all.push(a.clone());
                }
            }
        }
        if !job.riders.is_empty() {
            job.body.set("engagementAttributes", Json::Arr(all));
        }
    }

    /// The top of an exchange round.
    fn begin(&mut self, mut job: Job, at: usize) {
        if job.rounds >= ROUNDS {
            return self.end(
                job,
                Err(Error::Network(
                    "the session could not be kept; is the clock changing?",
                )),
            );
        }
        job.rounds += 1;
        match self.session() {
            Some(s) => {
                job.ids = pair(&s);
                self.send(job, at, false, false);
            }
            None => {
                job.step = Step::Gate;
                self.keep(job, at);
            }
        }
    }

    /// The creation lock is held: look (again) for a session, then send.
    fn creating(&mut self, mut job: Job, at: usize) {
        let session = self.session();
        if job.polls > 0 && session.is_none() {
            job.polls -= 1;
            let timer = self.id();
            self.push(Output::SetTimer {
                id: timer,
                ms: POLL_MS,
            });
            job.step = Step::Recheck(timer);
            return self.keep(job, at);
        }
        match session {
            Some(s) => {
                self.release(&mut job);
                job.ids = pair(&s);
                self.send(job, at, false, false);
            }
            None => {
                // A known visitor goes alone: the server opens a session for it.
                job.ids = Ids {
                    vid: self.vid(),
                    sid: None,
                };
                let start = job.resource == Call::Report && !request::has_identity(&job.body);
                // The server attaches a report to a session: open one as a page load would.
                self.send(job, at, start, true);
            }
        }
    }

    /// Lets go of the creation lock and the page's creator slot.
    pub(super) fn release(&mut self, job: &mut Job) {
        if let Some(id) = job.lock.take() {
            self.push(Output::Release { id });
            if self.gate == Some(id) {
                self.gate = None;
            }
        }
    }

    /// Sends the job's request (first attempt of a logical request).
    fn send(&mut self, mut job: Job, at: usize, start_page: bool, creating: bool) {
        job.start_page = start_page;
        job.creating = creating;
        job.attempt = 0;
        self.attempt(job, at);
    }

    fn attempt(&mut self, mut job: Job, at: usize) {
        let (call, body) = if job.start_page {
            (Call::Engagement, self.start_page(&job.body))
        } else {
            (job.resource, job.body.clone())
        };
        let mut req =
            request::monitoring(self.cfg(job.monitor), &job.origin, call, &job.ids, &body);
        // Reports may outlive the page that sent them (they are removed from storage at page hide).
        req.keepalive = call == Call::Report
            && req
                .body
                .as_ref()
                .is_some_and(|b| b.len() <= queue::KEEPALIVE_BUDGET);
        let id = self.id();
        // Send before anyone hears of it: the driver queues the fetch (it starts in a microtask,
        // once the wasm has returned), so a listener that calls lpmon again cannot overtake it.
        self.push(Output::Send { id, req });
        if call == Call::Engagement {
            self.emit(job.monitor, "SP_SENT", &[]);
        }
        job.step = Step::Wire(id);
        self.keep(job, at);
    }

    /// The job in step `step`.
    fn find(&self, step: Step) -> Option<usize> {
        self.jobs
            .iter()
            .position(|j| j.as_ref().is_some_and(|j| j.step == step))
    }

    /// The lock of a creating job is held.
    pub(super) fn locked(&mut self, id: u32, waited: bool) {
        let Some(i) = self.find(Step::Lock(id)) else {
            // Nobody waits for it any more.
            return self.push(Output::Release { id });
        };
        let Some(mut job) = self.take_job(i) else {
            return;
        };
        job.polls = if waited { POLLS } else { 0 };
        self.creating(job, i);
    }

    /// A timer of a job fired.
    pub(super) fn timer(&mut self, id: u32) {
        if let Some(i) = self.find(Step::Recheck(id)) {
            if let Some(job) = self.take_job(i) {
                self.creating(job, i);
            }
        } else if let Some(i) = self
            .find(Step::Pause(id))
            .or_else(|| self.find(Step::PauseOnline(id)))
        {
            if let Some(job) = self.take_job(i) {
                self.resume(job, i);
            }
        }
    }

    /// The browser is back online: pauses without a server-set floor end now.
    pub(super) fn online(&mut self) {
        while let Some(i) = self.jobs.iter().position(|j| {
            j.as_ref()
                .is_some_and(|j| matches!(j.step, Step::PauseOnline(_)))
        }) {
            let Some(job) = self.take_job(i) else {
                return;
            };
            if let Step::PauseOnline(timer) = job.step {
                self.push(Output::ClearTimer { id: timer });
            }
            self.resume(job, i);
        }
    }

    /// The pause before a retry is over.
    fn resume(&mut self, mut job: Job, at: usize) {
        job.attempt += 1;
        if let Some(vid) = job.vid.take() {
            // Keep the sid only when the server named the visitor we already had.
            let sid = self.session().filter(|s| s.vid == vid).map(|s| s.sid);
            job.ids = Ids {
                vid: Some(vid),
                sid,
            };
        }
        self.attempt(job, at);
    }

    /// What came back for a job's request.
    pub(super) fn answer(&mut self, id: u32, result: Result<HttpAnswer, NetError>) {
        let Some(i) = self.find(Step::Wire(id)) else {
            return;
        };
        let Some(mut job) = self.take_job(i) else {
            return;
        };
        let call = if job.start_page {
            Call::Engagement
        } else {
            job.resource
        };
        let status = result.as_ref().map(|a| a.status).unwrap_or(0);
        let verdict = match answer::classify(&result, call == Call::Report) {
            // The report was taken; the answer names no ids: the pair sent stands.
            Verdict::Accepted => Verdict::Done {
                created: false,
                body: sent_ids(&job.ids, &job.body),
            },
            v => v,
        };
        if job.halted {
            // Consent withdrawn or reset() meanwhile: nothing is remembered or tried again.
            self.release(&mut job);
            let result = match verdict {
                Verdict::Done { body, created } => Ok((body, created)),
                _ => Err(self.halted()),
            };
            return self.end(job, result);
        }
        if let Verdict::Done { created, body } = verdict {
            self.remember(&job.ids, created, &body);
            self.complete(job.monitor, call, status, Some(created));
            return self.sent(job, i, body, created);
        }
        self.note_failure(&job);
        if let Verdict::Fail(Error::Http {
            status: 400..=499, ..
        }) = &verdict
        {
            if !job.riders.is_empty() && !job.start_page {
                self.complete(job.monitor, call, status, None);
                self.split(&mut job);
                return self.attempt(job, i);
            }
        }
        let failure = match verdict {
            Verdict::Done { .. } | Verdict::Accepted => return,
            Verdict::Stale(e) if job.ids.sid.is_some() || job.ids.vid.is_some() => {
                Some(Failure::Stale(e))
            }
            Verdict::Stale(e) | Verdict::Fail(e) => Some(Failure::Final(e)),
            Verdict::Retry {
                error,
                min_delay_ms,
                vid,
            } => {
                let random = self.random() % 1000;
                let delays = &self.cfg(job.monitor).retry_delays_ms;
                match retry::pause_ms(delays, job.attempt, min_delay_ms, random) {
                    None => Some(Failure::Final(error)),
                    Some(pause) => {
                        self.emit(
                            job.monitor,
                            "RETRY",
                            &[
                                ("method", Val::Str(call.resource())),
                                ("status", Val::Num(u64::from(status))),
                                ("attempt", Val::Num(job.attempt as u64 + 1)),
                                ("pauseMs", Val::Num(u64::from(pause))),
                            ],
                        );
                        let timer = self.id();
                        self.push(Output::SetTimer {
                            id: timer,
                            ms: pause,
                        });
                        // Coming back online ends the pause early; a server that asked for a
                        // pause gets it.
                        job.step = if min_delay_ms == 0 {
                            Step::PauseOnline(timer)
                        } else {
                            Step::Pause(timer)
                        };
                        job.vid = vid;
                        return self.keep(job, i);
                    }
                }
            }
        };
        if let Some(f) = failure {
            self.complete(job.monitor, call, status, None);
            self.failed(job, i, f);
        }
    }

    /// A failed attempt of a queued report (and those riding with it): they must survive the
    /// page from now on (and none of them is gathered into another request again).
    fn note_failure(&mut self, job: &Job) {
        if let Some(key) = &job.report {
            if let Some(text) = self.queue.failed(key) {
                self.write(key.clone(), text);
            }
        }
        // Riders waited behind the report they travel with: they are in storage already.
        // Not `.flatten()`: its adapter costs bytes in the wasm.
        for rider in &job.riders {
            let Some(key) = rider.as_ref().and_then(|r| r.report.as_deref()) else {
                continue;
            };
            self.queue.failed(key);
        }
    }

    /// A combined request was refused: its reports go back in line, each to go alone when
    /// its turn comes (they failed once, so none is gathered again), so that one bad report
    /// cannot take the others down; this one goes again at once with its own body.
    fn split(&mut self, job: &mut Job) {
        self.jobs.append(&mut job.riders);
        if let Some(s) = job.report.as_deref().and_then(|k| self.queue.get(k)) {
            job.body = s.entry.body.clone();
        }
    }

    /// A 2xx with the pair.
    fn sent(&mut self, mut job: Job, at: usize, body: Json, created: bool) {
        if job.start_page {
            // The session is open: the report itself goes in the next round.
            self.release(&mut job);
            job.start_page = false;
            job.step = Step::Begin;
            return self.keep(job, at);
        }
        self.release(&mut job);
        self.end(job, Ok((body, created)));
    }

    fn failed(&mut self, mut job: Job, at: usize, failure: Failure) {
        // A request that opened a session held the creation lock until now.
        self.release(&mut job);
        match failure {
            Failure::Final(e) => self.end(job, Err(e)),
            Failure::Stale(e) if job.recovered => self.end(job, Err(e)),
            Failure::Stale(e) => {
                job.recovered = true;
                let refused = job.ids.clone();
                self.forget(&refused, &e);
                if !job.start_page {
                    self.drop_impressions(job.monitor, &mut job.body);
                    if job.resource == Call::Report
                        && job.body.get("engagementAttributes").is_none()
                    {
                        // Only impressions were left: what remains to do is opening the new
                        // session.
                        job.body = self.start_page(&job.body);
                        job.resource = Call::Engagement;
                    }
                }
                job.start_page = false;
                job.step = Step::Begin;
                self.keep(job, at);
            }
        }
    }

    /// The job is over: its caller hears the outcome, and so do those of the reports riding
    /// with it.
    fn end(&mut self, mut job: Job, result: Result<(Json, bool), Error>) {
        self.end_one(&job, &result);
        for rider in &mut job.riders {
            let Some(rider) = rider else { continue };
            rider.halted = job.halted;
            self.end_one(rider, &result);
        }
    }

    fn end_one(&mut self, job: &Job, result: &Result<(Json, bool), Error>) {
        if let Some(key) = &job.report {
            let result = result
                .as_ref()
                .map(|(answer, _)| ids_of(answer))
                .map_err(Error::clone);
            let result = if job.halted {
                // Stopped by consent or `reset()`: nothing is kept.
                self.queue.remove(key);
                result
            } else {
                self.report_done(job, result)
            };
            return self.end_plain(job, result);
        }
        let result = result
            .as_ref()
            .map_err(Error::clone)
            .map(|(answer, created)| {
                let mut out = ids_of(answer);
                out.set("created", Json::Bool(*created));
                let details = match answer.get("engagementDetails") {
                    Some(d @ Json::Arr(_)) => d.clone(),
                    _ => Json::Arr(Vec::new()),
                };
                out.set("engagementDetails", details);
                out
            });
        self.end_plain(job, result);
    }

    /// Settles the job's call (or tells the drain).
    pub(super) fn end_plain(&mut self, job: &Job, result: Result<Json, Error>) {
        if job.ticket {
            // Settled after: the next waiting call goes once this one has been told.
            self.ticketed = false;
        }
        match job.call {
            Some(call) => {
                let delivered = result.is_ok() && job.report.is_some();
                self.settle(call, result);
                // A delivery that worked says the way is clear again for reports parked earlier.
                if delivered && !self.queue.parked().is_empty() {
                    self.start_drain();
                }
            }
            None => self.delivered(job.monitor, result),
        }
        if job.ticket {
            self.ticket_done();
        }
    }

    /// Stores the pair of a successful answer.
    fn remember(&mut self, sent: &Ids, created: bool, answer: &Json) {
        let (Some(vid), Some(sid)) = (
            answer.get("visitorId").and_then(Json::as_str),
            answer.get("sessionId").and_then(Json::as_str),
        ) else {
            return;
        };
        let now = self.now;
        let same = !created && sent.vid.as_deref() == Some(vid) && sent.sid.as_deref() == Some(sid);
        let started_ms = match self.session() {
            // The same pair, touched a moment ago: the 30-minute idle rule needs no finer record,
            // and a localStorage write per call is what this spares.
            Some(s)
                if same
                    && s.vid == vid
                    && s.sid == sid
                    && now.saturating_sub(s.last_ms) < TOUCH_MS =>
            {
                return
            }
            Some(s) if same && s.vid == vid && s.sid == sid => s.started_ms,
            _ => now,
        };
        let s = crate::core::session::Session {
            vid: vid.into(),
            sid: sid.into(),
            started_ms,
            last_ms: now,
        };
        let key = self.base().state_key().into();
        self.write(key, s.encode());
    }

    /// Drops what the server refused, if storage still holds it: 404/39 on a pair drops the sid
    /// (the visitor stays), anything else (404/37) the visitor too.
    fn forget(&mut self, refused: &Ids, why: &Error) {
        let Some(st) = self.state() else {
            return;
        };
        if refused.vid.as_deref() != Some(st.vid.as_str()) {
            return;
        }
        let only_session = matches!(
            why,
            Error::Http {
                internal_code: Some(39),
                ..
            }
        );
        let key: String = self.base().state_key().into();
        match &refused.sid {
            Some(sid) if only_session => {
                if *sid == st.sid {
                    self.write(key, st.ended().encode());
                }
            }
            _ => self.remove(key),
        }
    }

    pub(super) fn drop_impressions(&mut self, monitor: usize, body: &mut Json) {
        let dropped = request::without_impressions(body);
        if dropped > 0 {
            self.emit(
                monitor,
                "IMPRESSIONS_DROPPED",
                &[("dropped", Val::Num(dropped as u64))],
            );
        }
    }

    fn complete(&mut self, monitor: usize, call: Call, status: u16, created: Option<bool>) {
        let fields = [
            ("method", Val::Str(call.resource())),
            ("status", Val::Num(u64::from(status))),
            ("created", Val::Bool(created.unwrap_or_default())),
        ];
        // `created` only when the request succeeded.
        let n = if created.is_some() { 3 } else { 2 };
        self.emit(
            monitor,
            "REQUEST_COMPLETE",
            fields.get(..n).unwrap_or_default(),
        );
    }

    /// The engagement body a page load sends: the report's entry points and page id, no SDEs.
    pub(super) fn start_page(&self, report: &Json) -> Json {
        let mut start = pick(report, &["entryPoints", "pageId"]);
        start.set("clientProperties", self.client_props.clone());
        start
    }
}
