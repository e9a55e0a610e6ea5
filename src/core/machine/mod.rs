//! The monitor as a synchronous state machine, in the style of str0m and quinn-proto: the driver
//! calls [`Machine::handle`] with the time and one [`Input`], then [`Machine::poll_output`] until
//! it is empty, and carries out each [`Output`]. Nothing here waits, sleeps or touches the browser;
//! the time and every answer come in as inputs, so native tests are input → output scripts.
//!
//! One machine serves every monitor of one account + app in a page (they share the session, the
//! creation gate, the CSDS answer and the report queue). Each call becomes a job:
//!
//! ```text
//!  report ─► Turn ──(its turn in the queue)──┐        (flushed at page hide / dropped: settle)
//!  engage ────────────────────────────────► Origin ──(domain known; CSDS asked once)──► Begin
//!
//!  Begin ──(live session)────────────────────────────────────────────────► Wire
//!        └─(none)─► Gate ─(page's creator slot free)─► Lock ─(tab lock granted)─► [Recheck ×25]─┐
//!                                                                                              │
//!    session appeared meanwhile: release, send with it ◄───────────────────────────────────────┤
//!    still none: open it (start page when a report has no identity) holding gate + lock ◄─────┘
//!
//!  Wire ──2xx──► (start page? ─► Begin) ─► settle Ok
//!       ──5xx/429/no answer─► Pause ─(timer, or online when the server set no floor)─► Wire
//!       ──404/37|39 with a pair─► drop the pair and impressions ─► Begin (once)
//!       ──4xx on a combined request─► its riders back in line (each to go alone), Wire alone
//!       ──anything else, or retries ran out─► settle Err (a report is parked when it is worth
//!                                              another page view)
//! ```
//!
//! At its turn a report takes the reports waiting right behind it with the same page, identities,
//! consumer and entry points into its request (within the keepalive budget); their jobs ride in
//! its job and settle with it.
//!
//! Beside the jobs: the page-hide hand-over ([`Input::Hidden`]: waiting reports go out with
//! keepalive, synchronously) and the drain (reports parked here or left by pages that are gone,
//! adopted under a cross-tab lock and delivered like any other report).

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::collections::VecDeque;

use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, HttpRequest, NetError};
use crate::core::json::{uint_text, Json, Writer};
use crate::core::queue::Queue;
use crate::core::request::Ids;
use crate::core::retry;
use crate::core::session::Session;
use crate::core::text::concat;

mod consent;
mod delivery;
mod exchange;
mod origin;

use delivery::Drain;
use origin::Origin;
pub use origin::CSDS_TTL_MS;

/// The app name of lpmon's events, as the original taglet named itself.
pub const APP: &str = "lp_monitoringSDK";

/// What a call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `engage(request)`.
    Engage,
    /// `report(request)`.
    Report,
}

/// Something that happened, for the machine to act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A JS call `call` (an id the driver chose) of monitor `monitor` with its request object.
    Call {
        /// Settled later by [`Output::Resolve`] or [`Output::Reject`] with this id.
        call: u32,
        /// The monitor (from [`Machine::add_monitor`]) whose config applies.
        monitor: usize,
        /// engage or report.
        op: Op,
        /// The request object, as JSON.
        request: Json,
    },
    /// The answer to [`Output::Send`] `id`, or why there was none.
    Answer {
        /// The request.
        id: u32,
        /// What came back.
        result: Result<HttpAnswer, NetError>,
    },
    /// Timer `id` of [`Output::SetTimer`] fired.
    Timer {
        /// The timer.
        id: u32,
    },
    /// Lock `id` of [`Output::Lock`] is held now; `waited` when another holder went first.
    LockGranted {
        /// The lock request.
        id: u32,
        /// Another tab held it first (what it stored may take a moment to show here).
        waited: bool,
    },
    /// The current value of a key the machine watches ([`Machine::watched`]); the driver reads
    /// them before each input (another tab may have written them).
    Stored {
        /// The key.
        key: String,
        /// Its value, or None.
        value: Option<String>,
    },
    /// The answer to [`Output::List`]: the stored queue entries, key and text, in key order.
    Listed {
        /// Key and text of every entry under the prefix.
        entries: Vec<(String, String)>,
    },
    /// The answer to [`Output::QueryLocks`]: names of the locks held on the site (None: unknown).
    Held {
        /// The query.
        id: u32,
        /// The names.
        names: Option<Vec<String>>,
    },
    /// The browser is back online.
    Online,
    /// The page is being hidden (maybe for good).
    Hidden,
    /// The visitor's consent changed (`setConsent`).
    Consent(Consent),
    /// `reset()`: forget the visitor, the session and the reports not sent yet.
    Reset,
}

/// Something for the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send `req`; answer with [`Input::Answer`] `id`.
    Send {
        /// The request id.
        id: u32,
        /// The request.
        req: HttpRequest,
    },
    /// Send `req` with keepalive and forget it (page hide).
    Fire(HttpRequest),
    /// Store `value` under `key`.
    Write {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// Forget `key`.
    Remove {
        /// The key.
        key: String,
    },
    /// Forget every key that starts with `prefix`.
    RemoveAll {
        /// The prefix.
        prefix: String,
    },
    /// Fire [`Input::Timer`] `id` in `ms` milliseconds.
    SetTimer {
        /// The timer.
        id: u32,
        /// The delay.
        ms: u32,
    },
    /// Timer `id` is no longer wanted.
    ClearTimer {
        /// The timer.
        id: u32,
    },
    /// Take the site-wide exclusive lock `name`; answer with [`Input::LockGranted`] `id`.
    Lock {
        /// The lock request.
        id: u32,
        /// The lock.
        name: String,
    },
    /// Release lock `id`.
    Release {
        /// The lock request.
        id: u32,
    },
    /// Hold lock `name` for the rest of the page's life (it tells other tabs this page is alive
    /// and its stored reports are not theirs to take); asked before the page's first stored report.
    HoldForPage {
        /// The lock.
        name: String,
    },
    /// Read every stored key under `prefix` with its text; answer at once with [`Input::Listed`].
    List {
        /// The prefix.
        prefix: String,
    },
    /// Ask which locks are held on the site; answer with [`Input::Held`] `id`.
    QueryLocks {
        /// The query.
        id: u32,
    },
    /// Fulfil call `call` with `value`.
    Resolve {
        /// The call.
        call: u32,
        /// Its result.
        value: Json,
    },
    /// Reject call `call` with `error`.
    Reject {
        /// The call.
        call: u32,
        /// Why.
        error: Error,
    },
    /// Publish event `name` (app [`APP`]) through monitor `monitor`'s listeners; `data` is JSON.
    Emit {
        /// The monitor.
        monitor: usize,
        /// The event name.
        name: &'static str,
        /// The event's data, an object as JSON text.
        data: String,
    },
}

/// A value of an event field.
pub(crate) enum Val {
    Str(&'static str),
    Num(u64),
    Bool(bool),
}

/// The monitor machine of one account + app in one page.
pub struct Machine {
    /// The first monitor's config: its storage key and account name the state.
    base: Config,
    /// The configs of the monitors added later (monitor `n` is `more[n - 1]`).
    more: Vec<Config>,
    client_props: Json,
    now: u64,
    rng: u32,
    next_id: u32,
    out: VecDeque<Output>,
    /// The stored session text (the driver's latest read, or what the machine wrote).
    state: Option<String>,
    /// The stored CSDS answer text.
    csds: Option<String>,
    warned_corrupt: bool,
    /// This page has seen lpmon's stored state: if it vanishes, someone else cleared it.
    had_state: bool,
    tab: String,
    /// The calls under way, in call order (a slot is empty while its job is being moved).
    jobs: Vec<Option<exchange::Job>>,
    /// The job that opens a session right now (one at a time in the page).
    gate: Option<u32>,
    origin: Origin,
    queue: Queue,
    drain: Option<Drain>,
    /// Whether lpmon may store and send.
    consent: Consent,
    /// Calls waiting for consent, or for the waiting call before them, in call order.
    backlog: VecDeque<(u32, usize, Op, Json)>,
    /// A call of the backlog is under way: the next one waits for it.
    ticketed: bool,
    /// The page lock was asked for (at the first report this page stored).
    page_locked: bool,
}

impl Machine {
    /// The machine of `cfg`'s account + app: it looks for reports left by earlier pages right
    /// away (and takes this page's lock only once it stores a report of its own). `seed` feeds
    /// its jitter and page id; `client_props` are the default client properties of engagement
    /// calls.
    pub fn new(now: u64, cfg: Config, client_props: Json, seed: u32, consent: Consent) -> Machine {
        let mut m = Machine {
            base: cfg,
            more: Vec::new(),
            client_props,
            now,
            rng: seed | 1,
            next_id: 0,
            out: VecDeque::new(),
            state: None,
            csds: None,
            warned_corrupt: false,
            had_state: false,
            tab: String::new(),
            jobs: Vec::new(),
            gate: None,
            origin: Origin::Unknown,
            queue: Queue::default(),
            drain: None,
            consent,
            backlog: VecDeque::new(),
            ticketed: false,
            page_locked: false,
        };
        let (a, b) = (m.random(), m.random());
        m.tab = concat(&[&uint_text(u64::from(a)), &uint_text(u64::from(b))]);
        m.start_drain();
        m
    }

    /// Adds a monitor of the same account + app; its index names it in inputs and outputs.
    pub fn add_monitor(&mut self, cfg: Config) -> usize {
        self.more.push(cfg);
        self.more.len()
    }

    /// The keys whose current value the driver hands in before each input.
    pub fn watched(&self) -> Vec<String> {
        let mut keys = vec![String::from(self.base().state_key())];
        if self.base.domain.is_none() || self.more.iter().any(|c| c.domain.is_none()) {
            keys.push(self.csds_key());
        }
        keys
    }

    /// This page instance's id.
    pub fn tab(&self) -> &str {
        &self.tab
    }

    /// Acts on `input` at time `now` (ms since the epoch).
    pub fn handle(&mut self, now: u64, input: Input) {
        self.now = now;
        match input {
            Input::Stored { key, value } => {
                if key == self.base().state_key() {
                    self.state = value;
                } else if key == self.csds_key() {
                    self.csds = value;
                }
                return;
            }
            Input::Call {
                call,
                monitor,
                op,
                request,
            } => self.admit(call, monitor, op, request),
            Input::Answer { id, result } => {
                if !self.origin_answer(id, &result) {
                    self.answer(id, result);
                }
            }
            Input::Timer { id } => {
                if !self.drain_timer(id) {
                    self.timer(id);
                }
            }
            Input::LockGranted { id, waited } => {
                if !self.drain_locked(id) {
                    self.locked(id, waited);
                }
            }
            Input::Listed { entries } => self.listed(entries),
            Input::Held { id, names } => self.held(id, names),
            Input::Online => {
                self.online();
                self.start_drain();
            }
            Input::Hidden => self.hidden(),
            Input::Consent(c) => self.set_consent(c),
            Input::Reset => {
                let prefix = self.base().state_key().into();
                self.wipe(prefix, "reset");
            }
        }
        self.pump();
        self.settled_origin();
        self.jobs.retain(Option::is_some);
    }

    /// The next thing to do, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The live session, if any (expired or corrupted values count as none).
    pub fn session(&mut self) -> Option<Session> {
        let now = self.now;
        self.state().filter(|s| s.is_live(now))
    }

    /// What storage holds of the visitor and its last session, live or not (corrupted values
    /// count as nothing).
    fn state(&mut self) -> Option<Session> {
        let Some(text) = self.state.as_deref() else {
            // Gone without this page removing it: the user cleared the site's data, or the
            // browser did (Safari's 7-day cap on script-written storage). The next call starts a
            // new visitor; the reports this page holds are still delivered (they live here).
            if ::core::mem::replace(&mut self.had_state, false) {
                self.emit(
                    0,
                    "STORAGE_CLEARED",
                    &[("reason", Val::Str("the stored visitor vanished"))],
                );
            }
            return None;
        };
        self.had_state = true;
        let Some(s) = Session::decode(text) else {
            if !::core::mem::replace(&mut self.warned_corrupt, true) {
                self.emit(
                    0,
                    "STORAGE_IGNORED",
                    &[("reason", Val::Str("corrupted or foreign value"))],
                );
            }
            return None;
        };
        Some(s)
    }

    /// The visitor id: it outlives sessions (until `reset()` or denied consent).
    pub fn vid(&mut self) -> Option<String> {
        self.state().map(|s| s.vid)
    }

    /// The session id of the live session.
    pub fn sid(&mut self) -> Option<String> {
        self.session().map(|s| s.sid)
    }

    fn base(&self) -> &Config {
        &self.base
    }

    fn cfg(&self, monitor: usize) -> &Config {
        monitor
            .checked_sub(1)
            .and_then(|i| self.more.get(i))
            .unwrap_or(&self.base)
    }

    fn csds_key(&self) -> String {
        concat(&["lpmon:csds:", self.base().account_id.as_str()])
    }

    fn push(&mut self, out: Output) {
        self.out.push_back(out);
    }

    fn id(&mut self) -> u32 {
        // Ids stay below 2^24: the driver packs them with the machine's index.
        self.next_id = (self.next_id + 1) & 0x00FF_FFFF;
        if self.next_id == 0 {
            self.next_id = 1;
        }
        self.next_id
    }

    fn random(&mut self) -> u32 {
        retry::xorshift32(&mut self.rng)
    }

    /// Stores `value` under `key`, unless consent is not granted (then nothing is stored).
    fn write(&mut self, key: String, value: String) {
        if self.consent != Consent::Granted {
            return;
        }
        if key == self.base().state_key() {
            self.state = Some(value.clone());
        } else if key == self.csds_key() {
            self.csds = Some(value.clone());
        } else if !self.page_locked && key.starts_with(&self.queue_prefix()) {
            // The page lock tells other tabs that this page is alive and its stored reports are
            // not theirs to take; a page that stores none needs no lock. Firefox keeps any page
            // holding a Web Lock out of its back/forward cache. Asked before the first write
            // goes out, so it is held before another tab can read that entry.
            self.page_locked = true;
            self.push(Output::HoldForPage {
                name: page_lock_name(&self.tab),
            });
        }
        self.push(Output::Write { key, value });
    }

    fn remove(&mut self, key: String) {
        if key == self.base().state_key() {
            // lpmon's own removal is not news.
            self.state = None;
            self.had_state = false;
        }
        self.push(Output::Remove { key });
    }

    /// Emits event `name` with `fields` (lpmon's own names and values, written as text directly).
    fn emit(&mut self, monitor: usize, name: &'static str, fields: &[(&str, Val)]) {
        let mut w = Writer::object();
        for (k, v) in fields {
            match v {
                Val::Str(s) => w.str(k, s),
                Val::Num(n) => w.uint(k, *n),
                Val::Bool(b) => w.bool(k, *b),
            };
        }
        self.push(Output::Emit {
            monitor,
            name,
            data: w.finish(),
        });
    }

    fn settle(&mut self, call: u32, result: Result<Json, Error>) {
        self.push(match result {
            Ok(value) => Output::Resolve { call, value },
            Err(error) => Output::Reject { call, error },
        });
    }
}

/// The name of the lock a page holds for its whole life (other tabs read liveness from it).
pub fn page_lock_name(tab: &str) -> String {
    concat(&["lpmon-page:", tab])
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

fn ids_of(answer: &Json) -> Json {
    pick(answer, &["visitorId", "sessionId", "pageId"])
}

fn pair(s: &Session) -> Ids {
    Ids {
        vid: Some(s.vid.clone()),
        sid: Some(s.sid.clone()),
    }
}

#[cfg(test)]
pub(crate) mod tests;
