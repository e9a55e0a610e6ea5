//! The monitor: `engage` and `report` over the platform traits, with the session rules of the
//! Monitoring API (send the pair back, 201 replaces it, stale pairs are dropped, one creation at a
//! time), the documented retry policy, the durable report queue, and the consent gate in front
//! of it all (nothing is stored or sent unless consent is granted; see `consent`).
//!
//! Visitor and session are two lifetimes: the vid stays until `reset()` or denied consent, the
//! sid only while the session is live. A call with no live session sends the vid alone.

use ::core::cell::Cell;

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::answer::{self, Verdict};
use crate::core::config::{self, Config};
use crate::core::consent::{self, Consent, Gatekeeper};
use crate::core::error::Error;
use crate::core::gate::Gate;
use crate::core::json::{quoted, uint_text, write_str, Json};
use crate::core::ports::Platform;
use crate::core::queue::{self, Entry, Queue, State};
use crate::core::request::{self, Call, Ids};
use crate::core::retry;
use crate::core::session::Session;
use crate::core::shelf::Shelf;
use crate::core::signal::{either, Signal};
use crate::core::text::concat;

/// The app name of lpmon's events, as the original taglet named itself.
pub const APP: &str = "lp_monitoringSDK";
/// How long a CSDS answer is trusted before it is asked again.
pub const CSDS_TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// The activity time of a session is written at most this often.
const TOUCH_MS: u64 = 10_000;
/// Pauses before looking again at reports of pages that still looked alive.
static ADOPT_RETRIES_MS: [u32; 3] = [0, 2_000, 10_000];
/// Without Web Locks, a stored report older than this is taken over from the page that queued it.
const ORPHAN_AGE_MS: u64 = 60_000;

/// What monitors of one account + app in one page share: the creation gate, the domain, the
/// report queue and this page's identity.
#[derive(Default)]
pub struct Shared {
    gate: Gate,
    origin: Shelf<Option<String>>,
    warned_corrupt: Cell<bool>,
    /// This page has seen lpmon's stored state: if it vanishes, someone else cleared it.
    had_state: Cell<bool>,
    /// The reports of this page.
    pub queue: Queue,
    /// Fired when the browser comes back online: retry pauses end early.
    pub online: Signal,
    tab: Shelf<String>,
    /// Consent, and the calls waiting for it.
    pub consent: Gatekeeper,
    /// Moves on `reset()` and on denied consent: answers to requests sent before it are not
    /// remembered, and retries stop.
    era: Cell<u32>,
}

impl Shared {
    /// This page instance's id (made on first use).
    fn tab(&self, random: impl Fn() -> u32) -> String {
        self.tab.with(|tab| {
            if tab.is_empty() {
                *tab = concat(&[
                    &uint_text(u64::from(random())),
                    &uint_text(u64::from(random())),
                ]);
            }
            tab.clone()
        })
    }
}

/// The name of the lock a page holds for its whole life (other tabs read liveness from it).
pub fn page_lock_name(tab: &str) -> String {
    concat(&["lpmon-page:", tab])
}

/// What [`Monitor::call`] does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `engage`
    Engage,
    /// `report`
    Report,
}

/// One configured monitor.
pub struct Monitor<P> {
    cfg: Config,
    platform: P,
    shared: alloc::rc::Rc<Shared>,
    client_props: Json,
}

/// A value of an event field.
enum Val {
    Str(&'static str),
    Num(u64),
    Bool(bool),
}

/// How one exchange with the server ended, when it did not succeed.
enum Failure {
    /// 404/37 or 404/39 on a request that carried a pair.
    Stale(Error),
    /// Anything final.
    Final(Error),
}

impl<P: Platform> Monitor<P> {
    /// A monitor; `shared` must be the same for every monitor of this account + app in the page.
    pub fn new(
        cfg: Config,
        platform: P,
        shared: alloc::rc::Rc<Shared>,
        client_props: Json,
    ) -> Self {
        Monitor {
            cfg,
            platform,
            shared,
            client_props,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// This page's id; the platform holds [`page_lock_name`] of it for the page's life.
    pub fn tab(&self) -> String {
        self.shared.tab(|| self.platform.random())
    }

    /// What storage holds of the visitor and its last session, live or not (corrupted values
    /// count as nothing).
    fn state(&self) -> Option<Session> {
        let Some(text) = self.platform.read(self.cfg.state_key()) else {
            // Gone without this page removing it: the user cleared the site's data, or the
            // browser did (Safari's 7-day cap on script-written storage). The next call starts
            // a new visitor; reports this page holds are still delivered (see `stored`).
            if self.shared.had_state.replace(false) {
                self.emit(
                    "STORAGE_CLEARED",
                    &[("reason", Val::Str("the stored visitor vanished"))],
                );
            }
            return None;
        };
        self.shared.had_state.set(true);
        let Some(s) = Session::decode(&text) else {
            if !self.shared.warned_corrupt.replace(true) {
                self.emit(
                    "STORAGE_IGNORED",
                    &[("reason", Val::Str("corrupted or foreign value"))],
                );
            }
            return None;
        };
        Some(s)
    }

    /// The live session from storage, if any (expired or corrupted values count as none).
    pub fn session(&self) -> Option<Session> {
        let now = self.platform.now_ms();
        self.state().filter(|s| s.is_live(now))
    }

    /// The visitor id: it outlives sessions.
    pub fn vid(&self) -> Option<String> {
        self.state().map(|s| s.vid)
    }

    /// The session id of the live session.
    pub fn sid(&self) -> Option<String> {
        self.session().map(|s| s.sid)
    }

    /// `engage` or `report` behind the consent gate (what JS calls): it waits while consent is
    /// pending, in call order, and is refused when it is denied.
    pub async fn call(&self, op: Op, req: &Json) -> Result<Json, Error> {
        let _pass = self.shared.consent.admit().await?;
        match op {
            Op::Engage => self.engage(req).await,
            Op::Report => self.report(req).await,
        }
    }

    /// The engagement call: `{visitorId, sessionId, pageId, created, engagementDetails}`.
    pub async fn engage(&self, req: &Json) -> Result<Json, Error> {
        let body = request::engagement_body(req, &self.client_props)?;
        let origin = self.origin().await?;
        let (answer, created) = self.exchange(&origin, Call::Engagement, body, None).await?;
        let mut out = ids_of(&answer);
        out.set("created", Json::Bool(created));
        let details = match answer.get("engagementDetails") {
            Some(d @ Json::Arr(_)) => d.clone(),
            _ => Json::Arr(Vec::new()),
        };
        out.set("engagementDetails", details);
        Ok(out)
    }

    /// The report call: stored first, then delivered in call order; resolves to
    /// `{visitorId, sessionId, pageId}` once the server accepted it.
    pub async fn report(&self, req: &Json) -> Result<Json, Error> {
        let body = request::report_body(req)?;
        let impressions = request::has_impressions(&body);
        let session = self.session();
        if impressions && session.is_none() {
            return Err(Error::invalid(&[
                "impression events need the session that showed the engagement: call engage first",
            ]));
        }
        let entry = Entry {
            tab: self.tab(),
            at: self.platform.now_ms(),
            cycles: 0,
            sid: session.filter(|_| impressions).map(|s| s.sid),
            body,
        };
        let key = self.enqueue(&entry);
        self.deliver_in_turn(&key, entry).await
    }

    /// Queues a report, pushing out the oldest when the queue is full. A report that has to wait
    /// is written to storage now; one that goes out at once (with keepalive) only if its first
    /// attempt fails, which spares the common case two localStorage writes.
    fn enqueue(&self, entry: &Entry) -> String {
        let prefix = queue::prefix(self.cfg.state_key());
        let key = queue::entry_key(&prefix, entry.at, self.shared.queue.next_seq(), &entry.tab);
        let text = entry.encode();
        let bytes = text.len();
        let q = &self.shared.queue;
        let idle = q.idle();
        let dropped = q.push(
            key.clone(),
            bytes,
            State::Waiting,
            idle.then(|| text.clone()),
        );
        if !idle {
            self.put(&key, &text);
        }
        q.keep(&key, text);
        for k in &dropped {
            self.platform.remove(k);
        }
        if !dropped.is_empty() {
            self.emit(
                "QUEUE_DROPPED",
                &[("dropped", Val::Num(dropped.len() as u64))],
            );
        }
        key
    }

    /// Waits for the reports queued before `key`, then sends it; keeps it stored when no answer
    /// came (it is tried again when the browser is back online or on the next page view).
    async fn deliver_in_turn(&self, key: &str, mut entry: Entry) -> Result<Json, Error> {
        let q = &self.shared.queue;
        loop {
            let epoch = q.moved.epoch();
            match q.state(key) {
                None | Some(State::Dropped) => {
                    q.remove(key);
                    return Err(Error::Network(
                        "the report was dropped: the queue of unsent reports was full".into(),
                    ));
                }
                Some(State::Flushed) => {
                    let done = q.take_flushed(key).unwrap_or(Json::Null);
                    q.remove(key);
                    return Ok(done);
                }
                Some(State::Ended) => {
                    q.remove(key);
                    return Err(self.halted());
                }
                _ if q.is_turn(key) => break,
                _ => q.moved.changed(epoch).await,
            }
        }
        q.set(key, State::Sending);
        // Impressions of another session are dropped, then the usual exchange.
        if let Some(sid) = &entry.sid {
            if self.session().map(|s| s.sid).as_ref() != Some(sid) {
                self.drop_impressions(&mut entry.body);
                entry.sid = None;
            }
        }
        let result = match self.origin().await {
            Ok(origin) => {
                let (call, body) = if entry.body.get("engagementAttributes").is_some() {
                    (Call::Report, entry.body.clone())
                } else {
                    // Nothing left but the session itself: open one as a page load would.
                    (Call::Engagement, self.start_page(&entry.body))
                };
                self.exchange(&origin, call, body, Some(key))
                    .await
                    .map(|(answer, _)| ids_of(&answer))
            }
            Err(e) => Err(e),
        };
        if let Err(e) = &result {
            entry.cycles += 1;
            let expired = self.platform.now_ms().saturating_sub(entry.at) > queue::MAX_AGE_MS;
            if keeps_report(e) && entry.cycles < queue::MAX_CYCLES && !expired {
                // Kept for another round: the caller is told so, and must not send it again.
                self.put_report(key, entry.encode());
                q.set(key, State::Parked);
                return Err(Error::Queued(alloc::boxed::Box::new(e.clone())));
            }
        }
        if q.stored(key) {
            self.platform.remove(key);
        }
        q.remove(key);
        result
    }

    /// Sends `body` with the session pair, opening a session first when there is none.
    async fn exchange(
        &self,
        origin: &str,
        mut call: Call,
        mut body: Json,
        slot: Option<&str>,
    ) -> Result<(Json, bool), Error> {
        let mut recovered = false;
        // Bounded: a session that cannot be kept (a clock jumping ahead) must not loop forever.
        for _ in 0..4 {
            // Held while a request that opens the session is on its way.
            let mut _creating = None;
            let ids = match self.session() {
                Some(s) => Ids {
                    vid: Some(s.vid),
                    sid: Some(s.sid),
                },
                None => {
                    // One creation at a time, in this page and across the site's tabs.
                    let _gate = self.shared.gate.enter().await;
                    let (_lock, waited) = self.platform.exclusive(self.cfg.state_key()).await;
                    // Another tab held the creation lock: give the session it stored a moment to
                    // reach this tab's view of localStorage (up to half a second) before
                    // concluding there is none.
                    let mut tries = if waited { 25 } else { 0 };
                    while tries > 0 && self.session().is_none() {
                        self.platform.sleep(20).await;
                        tries -= 1;
                    }
                    match self.session() {
                        Some(s) => Ids {
                            vid: Some(s.vid),
                            sid: Some(s.sid),
                        },
                        None => {
                            // A known visitor goes alone: the server opens a session for it.
                            let ids = Ids {
                                vid: self.vid(),
                                sid: None,
                            };
                            if call == Call::Report && !request::has_identity(&body) {
                                // The server attaches a report to a session: open one as a page
                                // load would.
                                let start = self.start_page(&body);
                                match self
                                    .send(origin, Call::Engagement, ids.clone(), &start, slot)
                                    .await
                                {
                                    Ok(_) => continue,
                                    Err(Failure::Stale(e)) if !recovered => {
                                        recovered = true;
                                        self.forget(&ids, &e);
                                        continue;
                                    }
                                    Err(f) => return Err(f.into_error()),
                                }
                            }
                            _creating = Some((_gate, _lock));
                            ids
                        }
                    }
                }
            };
            match self.send(origin, call, ids.clone(), &body, slot).await {
                Ok(done) => return Ok(done),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Stale(e)) if recovered => return Err(e),
                Err(Failure::Stale(e)) => {
                    recovered = true;
                    self.forget(&ids, &e);
                    self.drop_impressions(&mut body);
                    if call == Call::Report && body.get("engagementAttributes").is_none() {
                        // Only impressions were left: what remains to do is opening the new session.
                        body = self.start_page(&body);
                        call = Call::Engagement;
                    }
                }
            }
        }
        Err(Error::Network(
            "the session could not be kept; is the clock changing?".into(),
        ))
    }

    /// One logical request with retries. Ids change only on "Loading account". `slot` names the
    /// queued report being sent, so its failures are remembered.
    async fn send(
        &self,
        origin: &str,
        call: Call,
        mut ids: Ids,
        body: &Json,
        slot: Option<&str>,
    ) -> Result<(Json, bool), Failure> {
        let mut attempt = 0;
        let era = self.shared.era.get();
        loop {
            // Withdrawn consent or reset() since this call began: nothing more goes out.
            if !self.shared.consent.granted() || self.shared.era.get() != era {
                return Err(Failure::Final(self.halted()));
            }
            let mut req = request::monitoring(&self.cfg, origin, call, &ids, body);
            // Reports may outlive the page that sent them (they are removed from storage at page hide).
            req.keepalive = call == Call::Report
                && req
                    .body
                    .as_ref()
                    .is_some_and(|b| b.len() <= queue::KEEPALIVE_BUDGET);
            // The request is on its way before anyone hears of it: listeners run while it travels.
            let pending = self.platform.send(req);
            if call == Call::Engagement {
                self.emit("SP_SENT", &[]);
            }
            let result = pending.await;
            let status = result.as_ref().map(|a| a.status).unwrap_or(0);
            let verdict = match answer::classify(&result, call == Call::Report) {
                // The report was taken; the answer names no ids: the pair sent stands.
                Verdict::Accepted => Verdict::Done {
                    created: false,
                    body: sent_ids(&ids, body),
                },
                v => v,
            };
            let failed = match &verdict {
                Verdict::Done { created, body } => {
                    if self.shared.era.get() == era {
                        self.remember(&ids, *created, body);
                    }
                    self.complete(call, status, Some(*created));
                    None
                }
                Verdict::Stale(e) if ids.sid.is_some() || ids.vid.is_some() => {
                    Some(Failure::Stale(e.clone()))
                }
                Verdict::Stale(e) | Verdict::Fail(e) => Some(Failure::Final(e.clone())),
                Verdict::Retry { .. } | Verdict::Accepted => None,
            };
            if let Verdict::Done { created, body } = verdict {
                return Ok((body, created));
            }
            if let Some(key) = slot {
                if let Some(text) = self.shared.queue.failed(key) {
                    self.put_report(key, text);
                }
            }
            if let Some(f) = failed {
                self.complete(call, status, None);
                return Err(f);
            }
            let Verdict::Retry {
                error,
                min_delay_ms,
                vid,
            } = verdict
            else {
                continue;
            };
            let random = self.platform.random() % 1000;
            let Some(pause) =
                retry::pause_ms(&self.cfg.retry_delays_ms, attempt, min_delay_ms, random)
            else {
                self.complete(call, status, None);
                return Err(Failure::Final(error));
            };
            self.emit(
                "RETRY",
                &[
                    ("method", Val::Str(call.resource())),
                    ("status", Val::Num(u64::from(status))),
                    ("attempt", Val::Num(attempt as u64 + 1)),
                    ("pauseMs", Val::Num(u64::from(pause))),
                ],
            );
            // Coming back online ends the pause early; a server that asked for a pause gets it.
            let online = self.shared.online.epoch();
            if min_delay_ms > 0 {
                self.platform.sleep(pause).await;
            } else {
                either(
                    self.platform.sleep(pause),
                    self.shared.online.changed(online),
                )
                .await;
            }
            attempt += 1;
            if let Some(vid) = vid {
                // Keep the sid only when the server named the visitor we already had.
                let sid = self.session().filter(|s| s.vid == vid).map(|s| s.sid);
                ids = Ids {
                    vid: Some(vid),
                    sid,
                };
            }
        }
    }

    /// Page hide: reports still waiting go out now with keepalive (within the browser's budget)
    /// and leave storage, as do those already on the wire; reports that failed before stay for
    /// the next page view. Synchronous, because the page may be gone after the event.
    pub fn on_hidden(&self) {
        // No consent check needed: without it no report was admitted to the queue.
        let q = &self.shared.queue;
        for key in q.hand_over_in_flight() {
            self.platform.remove(&key);
        }
        let origin = self.cfg.domain.clone().or_else(|| self.shared.origin.get());
        let (Some(origin), Some(session)) = (origin, self.session()) else {
            return;
        };
        let ids = Ids {
            vid: Some(session.vid.clone()),
            sid: Some(session.sid.clone()),
        };
        let mut result = Json::Obj(vec![
            ("visitorId".into(), Json::str(&session.vid)),
            ("sessionId".into(), Json::str(&session.sid)),
        ]);
        let mut sent = 0;
        for key in q.flushable() {
            let Some(mut entry) = self.stored(&key) else {
                continue;
            };
            if entry.sid.as_ref().is_some_and(|s| *s != session.sid) {
                self.drop_impressions(&mut entry.body);
            }
            if entry.body.get("engagementAttributes").is_some() {
                let mut req =
                    request::monitoring(&self.cfg, &origin, Call::Report, &ids, &entry.body);
                req.keepalive = true;
                self.platform.fire(req);
                sent += 1;
            }
            self.platform.remove(&key);
            if let Some(page) = entry.body.get("pageId") {
                result.set("pageId", page.clone());
            }
            q.flushed(&key, result.clone());
        }
        if sent > 0 {
            self.emit("QUEUE_FLUSHED", &[("sent", Val::Num(sent))]);
        }
    }

    /// The browser is back online: pauses between retries end now.
    pub fn on_online(&self) {
        self.shared.online.fire();
    }

    /// True when reports wait in storage for another chance (the caller then runs [`Self::drain`]).
    pub fn has_parked(&self) -> bool {
        !self.shared.queue.parked().is_empty()
    }

    /// Delivers what no caller is waiting for: reports left in storage by pages that are gone
    /// (taken over once their page's lock is free) and this page's parked reports. One drain at
    /// a time per page; outcomes are told through events.
    pub async fn drain(&self) {
        let q = &self.shared.queue;
        if !self.shared.consent.granted() || q.draining.replace(true) {
            return;
        }
        // A page that just went away can still be listed as holding its lock for a moment (a
        // reload): reports it left are looked at again a little later.
        for &pause in ADOPT_RETRIES_MS.iter() {
            if pause > 0 {
                self.platform.sleep(pause).await;
            }
            // Stored reports whose page is gone are taken over (oldest first); `others` tells
            // whether reports of pages that look alive were left alone.
            let mut todo = Vec::new();
            let mut others = false;
            let mut unknown = self.platform.keys(&queue::prefix(self.cfg.state_key()));
            unknown.retain(|k| !q.knows(k));
            if !unknown.is_empty() {
                let alive = self.platform.held().await;
                let (_lock, _) = self
                    .platform
                    .exclusive(&concat(&[self.cfg.state_key(), ":queue"]))
                    .await;
                let me = self.tab();
                let now = self.platform.now_ms();
                for key in unknown {
                    let Some(mut entry) = self.stored(&key) else {
                        self.platform.remove(&key);
                        continue;
                    };
                    let owner_alive = match &alive {
                        Some(names) => names.contains(&page_lock_name(&entry.tab)),
                        None => now.saturating_sub(entry.at) < ORPHAN_AGE_MS,
                    };
                    if entry.tab == me || owner_alive {
                        others |= entry.tab != me;
                        continue;
                    }
                    if now.saturating_sub(entry.at) > queue::MAX_AGE_MS {
                        self.platform.remove(&key);
                        self.emit("QUEUE_GAVE_UP", &[("kind", Val::Str("expired"))]);
                        continue;
                    }
                    entry.tab = me.clone();
                    let text = entry.encode();
                    for k in q.push(key.clone(), text.len(), State::Waiting, None) {
                        self.platform.remove(&k);
                    }
                    self.put_report(&key, text);
                    todo.push(key);
                }
            }
            for key in q.parked() {
                q.set(&key, State::Waiting);
                todo.push(key);
            }
            for key in todo {
                let Some(entry) = self.stored(&key) else {
                    q.remove(&key);
                    continue;
                };
                // Whoever queued it was told `queued`: the outcome is told here, once it is final.
                match self.deliver_in_turn(&key, entry).await {
                    Ok(_) => self.emit("QUEUE_DELIVERED", &[]),
                    Err(e @ Error::Queued(_)) => {
                        self.emit("QUEUE_FAILED", &[("kind", Val::Str(e.kind()))])
                    }
                    Err(e) => self.emit("QUEUE_GAVE_UP", &[("kind", Val::Str(e.kind()))]),
                }
            }
            if !others {
                break;
            }
        }
        q.draining.set(false);
    }

    /// The report stored under `key`, if it is there and readable; storage cleared behind this
    /// page's back does not lose the reports it holds (their last text is kept in memory).
    fn stored(&self, key: &str) -> Option<Entry> {
        self.platform
            .read(key)
            .or_else(|| self.shared.queue.kept(key))
            .and_then(|t| Entry::decode(&t))
    }

    /// Writes a queued report to storage (with consent), and keeps its text in memory for
    /// [`Self::stored`].
    #[inline(never)]
    fn put_report(&self, key: &str, text: String) {
        self.put(key, &text);
        self.shared.queue.keep(key, text);
    }

    fn drop_impressions(&self, body: &mut Json) {
        let dropped = request::without_impressions(body);
        if dropped > 0 {
            self.emit(
                "IMPRESSIONS_DROPPED",
                &[("dropped", Val::Num(dropped as u64))],
            );
        }
    }

    /// Stores the pair of a successful answer.
    fn remember(&self, sent: &Ids, created: bool, answer: &Json) {
        let (Some(vid), Some(sid)) = (
            answer.get("visitorId").and_then(Json::as_str),
            answer.get("sessionId").and_then(Json::as_str),
        ) else {
            return;
        };
        let now = self.platform.now_ms();
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
        let s = Session {
            vid: vid.into(),
            sid: sid.into(),
            started_ms,
            last_ms: now,
        };
        self.put(self.cfg.state_key(), &s.encode());
    }

    /// Drops what the server refused, if storage still holds it: 404/39 on a pair drops the sid
    /// (the visitor stays), anything else (404/37) the visitor too.
    fn forget(&self, refused: &Ids, why: &Error) {
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
        match &refused.sid {
            Some(sid) if only_session => {
                if *sid == st.sid {
                    self.put(self.cfg.state_key(), &st.ended().encode());
                }
            }
            _ => {
                self.platform.remove(self.cfg.state_key());
                self.shared.had_state.set(false);
            }
        }
    }

    /// Writes `text` under `key`, unless consent is not granted.
    fn put(&self, key: &str, text: &str) {
        if self.shared.consent.granted() {
            self.platform.write(key, text);
        }
    }

    /// Why a call stopped before its end: consent withdrawn, or `reset()`.
    fn halted(&self) -> Error {
        if self.shared.consent.granted() {
            Error::Network("stopped by reset(): not sent".into())
        } else {
            consent::refused()
        }
    }

    /// The page's consent (shared by the monitors of this account + app). Denying it removes
    /// every key lpmon stored on this site (any account's: the visitor said no to lpmon).
    pub fn set_consent(&self, c: Consent) {
        if self.shared.consent.set(c) && c == Consent::Denied {
            self.wipe("lpmon:", "consent");
        }
    }

    /// Logout: forgets the visitor, the session and the queued reports of this account + app.
    pub fn reset(&self) {
        self.wipe(self.cfg.state_key(), "reset");
    }

    /// Removes the keys under `prefix` (the state key is a prefix of its reports' keys), ends the
    /// queue (waiting callers are refused, parked reports given up: event `why`) and stops what
    /// is still retrying.
    fn wipe(&self, prefix: &str, why: &'static str) {
        self.shared.era.set(self.shared.era.get().wrapping_add(1));
        for k in self.platform.keys(prefix) {
            self.platform.remove(&k);
        }
        // Removed on purpose: no STORAGE_CLEARED for it.
        self.shared.had_state.set(false);
        for _ in 0..self.shared.queue.end() {
            self.emit("QUEUE_GAVE_UP", &[("kind", Val::Str(why))]);
        }
        // Pauses between retries end now; the calls in them see the change and stop.
        self.shared.online.fire();
    }

    /// Emits event `name` with `fields` (lpmon's own names and values: written as text directly).
    fn emit(&self, name: &str, fields: &[(&str, Val)]) {
        let mut data = String::from("{");
        for (k, v) in fields {
            if data.len() > 1 {
                data.push(',');
            }
            write_str(k, &mut data);
            data.push(':');
            match v {
                Val::Str(s) => write_str(s, &mut data),
                Val::Num(n) => data.push_str(&uint_text(*n)),
                Val::Bool(b) => data.push_str(if *b { "true" } else { "false" }),
            }
        }
        data.push('}');
        self.platform.emit(name, &data);
    }

    fn complete(&self, call: Call, status: u16, created: Option<bool>) {
        let fields = [
            ("method", Val::Str(call.resource())),
            ("status", Val::Num(u64::from(status))),
            ("created", Val::Bool(created.unwrap_or_default())),
        ];
        // `created` only when the request succeeded.
        let n = if created.is_some() { 3 } else { 2 };
        self.emit("REQUEST_COMPLETE", fields.get(..n).unwrap_or_default());
    }

    /// The engagement body a page load sends: the report's entry points and page id, no SDEs.
    fn start_page(&self, report: &Json) -> Json {
        let mut start = pick(report, &["entryPoints", "pageId"]);
        start.set("clientProperties", self.client_props.clone());
        start
    }

    /// The Monitoring API origin: configured, or looked up once through CSDS and cached (memory
    /// and storage, for a day; a stale cached answer is used when CSDS cannot be reached).
    async fn origin(&self) -> Result<String, Error> {
        if let Some(d) = &self.cfg.domain {
            return Ok(d.clone());
        }
        if let Some(o) = self.shared.origin.get() {
            return Ok(o);
        }
        let _gate = self.shared.gate.enter().await;
        if let Some(o) = self.shared.origin.get() {
            return Ok(o);
        }
        let key = concat(&["lpmon:csds:", self.cfg.account_id.as_str()]);
        let now = self.platform.now_ms();
        let cached = self.platform.read(&key).and_then(|t| decode_csds(&t));
        if let Some((o, at)) = &cached {
            if now.saturating_sub(*at) < CSDS_TTL_MS {
                self.shared.origin.set(Some(o.clone()));
                return Ok(o.clone());
            }
        }
        let looked_up = match self.platform.send(request::csds(&self.cfg)).await {
            Err(_) => Err(Error::Network("CSDS could not be reached".into())),
            Ok(a) => {
                let base = Json::parse(&a.body)
                    .ok()
                    .and_then(|b| b.get("baseURI").and_then(Json::as_str).map(String::from));
                match base.and_then(|b| config::origin_for_base_uri(&b)) {
                    Some(o) if a.status == 200 => Ok(o),
                    _ => Err(Error::Http {
                        status: a.status,
                        internal_code: None,
                        message: "CSDS did not name the smt service".into(),
                    }),
                }
            }
        };
        let origin = match (looked_up, cached) {
            (Ok(o), _) => {
                let entry = concat(&[
                    "{\"origin\":",
                    &quoted(&o),
                    ",\"at\":",
                    &uint_text(now),
                    "}",
                ]);
                self.put(&key, &entry);
                o
            }
            (Err(_), Some((o, _))) => {
                self.emit("CSDS_FALLBACK", &[]);
                o
            }
            (Err(e), None) => return Err(e),
        };
        self.shared.origin.set(Some(origin.clone()));
        Ok(origin)
    }
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Stale(e) | Failure::Final(e) => e,
        }
    }
}

/// No answer, or the server in trouble: the report is kept for another chance.
fn keeps_report(e: &Error) -> bool {
    match e {
        Error::Network(_) => true,
        Error::Http { status, .. } => *status >= 500 || *status == 429 || *status == 202,
        _ => false,
    }
}

/// What a report resolves with when the answer named no ids: the pair it was sent with (put
/// in order by `ids_of`).
fn sent_ids(ids: &Ids, body: &Json) -> Json {
    let mut out = pick(body, &["pageId"]);
    if let (Some(v), Some(s)) = (&ids.vid, &ids.sid) {
        out.set("visitorId", Json::str(v));
        out.set("sessionId", Json::str(s));
    }
    out
}

fn ids_of(answer: &Json) -> Json {
    pick(answer, &["visitorId", "sessionId", "pageId"])
}

/// The members `keys` of `from` that it has, in that order.
fn pick(from: &Json, keys: &[&str]) -> Json {
    let mut out = Json::Obj(Vec::new());
    for key in keys {
        if let Some(v) = from.get(key) {
            out.set(key, v.clone());
        }
    }
    out
}

fn decode_csds(text: &str) -> Option<(String, u64)> {
    let v = Json::parse(text).ok()?;
    let origin = v.get("origin")?.as_str()?;
    // Re-check what storage hands back before it becomes a request origin.
    let host = crate::core::text::split_once(origin, "://")?.1;
    let checked = config::origin_for_base_uri(host).filter(|o| o == origin)?;
    let at = v.get("at")?.as_i64().filter(|t| *t >= 0)? as u64;
    Some((checked, at))
}
