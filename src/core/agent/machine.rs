//! The agent client as a synchronous state machine, like the monitor's
//! ([`crate::core::machine`]): the driver calls [`AgentMachine::handle`] with the time and one
//! [`Input`], then [`AgentMachine::poll_output`] until it is empty, and carries out each
//! [`Output`]. Nothing here waits or touches the browser.
//!
//! Each call (`visitInfo`, `engagementActivity`) is a job:
//!
//! ```text
//!  call ──(service origin configured or known)──────────────────────────────► Wire
//!       └─(unknown)─► Origin: waits for the service's CSDS look-up (one at a time per service;
//!                     the first call starts it, later ones join it) ──baseURI──► Wire
//!                                                   └─(look-up failed)─► reject every joined call
//!  Wire ──200, the expected JSON object──► resolve with the server's text
//!       ──429 / 5xx / no answer─► Pause (timer: the configured pause, ≥ 1 s for 429,
//!                                 ≥ Retry-After) ─► Wire (signed afresh)
//!       ──anything else, or retries ran out─► reject
//! ```
//!
//! The CSDS look-up itself is a request with the same retry rules, unsigned.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::text::concat;

use alloc::collections::VecDeque;

use crate::core::agent::config::{AgentConfig, Auth};
use crate::core::agent::engactivity::{ActivityQuery, EngagementActivity};
use crate::core::agent::oauth;
use crate::core::agent::outcome::{classify, Outcome, Service};
use crate::core::agent::visit::{VisitRequest, VisitState};
use crate::core::agent::wire::{check, Shaped};
use crate::core::config::origin_for_base_uri;
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, HttpRequest, Method, NetError};
use crate::core::json::Json;
use crate::core::retry;

/// What a call asks for (already checked by its parser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// `visitInfo(request)`.
    Visit(VisitRequest),
    /// `engagementActivity(request)`.
    Activity(ActivityQuery),
}

impl Ask {
    fn service(&self) -> Service {
        match self {
            Ask::Visit(_) => Service::Smt,
            Ask::Activity(_) => Service::Reporting,
        }
    }
}

/// Something that happened, for the machine to act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A JS call `call` (an id the driver chose), settled later by [`Output::Resolve`] or
    /// [`Output::Reject`] with this id.
    Call {
        /// The call.
        call: u32,
        /// What it asks for.
        ask: Ask,
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
    /// Fire [`Input::Timer`] `id` in `ms` milliseconds.
    SetTimer {
        /// The timer.
        id: u32,
        /// The delay.
        ms: u32,
    },
    /// Fulfil call `call` with the answer's JSON text, exactly as the server sent it (unknown
    /// members, key order and number spelling included) once it has been checked.
    Resolve {
        /// The call.
        call: u32,
        /// The answer's text.
        text: String,
    },
    /// Reject call `call` with `error`.
    Reject {
        /// The call.
        call: u32,
        /// Why.
        error: Error,
    },
}

/// Who a request or timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// Call `n`'s own request.
    Call(u32),
    /// The CSDS look-up of a service.
    Lookup(Service),
}

/// A request on its way, or waiting for its retry timer.
struct Attempt {
    owner: Owner,
    url: String,
    signed: bool,
    /// Retries made so far.
    retries: usize,
    /// The request id while on the wire, or the timer id while pausing.
    waiting_for: u32,
}

/// A call not settled yet: on the wire, pausing, or (while its service's origin is unknown)
/// waiting for the CSDS look-up.
struct Pending {
    call: u32,
    ask: Ask,
}

/// The agent client of one `createAgentClient` config.
pub struct AgentMachine {
    cfg: AgentConfig,
    /// Origins of `smt` and `leDataReporting`: configured, or found through CSDS.
    smt: Option<String>,
    reporting: Option<String>,
    /// Calls not settled yet, in call order.
    calls: Vec<Pending>,
    attempts: Vec<Attempt>,
    /// Base of the OAuth nonces: a counter is added for each one, so they never repeat.
    nonce_seed: [u8; 16],
    nonces: u64,
    rng: u32,
    next_id: u32,
    now: u64,
    out: VecDeque<Output>,
}

impl AgentMachine {
    /// The machine of `cfg`. `seed` (16 random bytes) makes its OAuth nonces and retry jitter.
    pub fn new(cfg: AgentConfig, seed: [u8; 16]) -> AgentMachine {
        let [.., a, b, c, d] = seed;
        AgentMachine {
            smt: cfg.domain.clone(),
            reporting: cfg.reporting_domain.clone(),
            cfg,
            calls: Vec::new(),
            attempts: Vec::new(),
            nonce_seed: seed,
            nonces: 0,
            rng: u32::from_le_bytes([a, b, c, d]) | 1,
            next_id: 0,
            now: 0,
            out: VecDeque::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AgentConfig {
        &self.cfg
    }

    /// The next thing for the driver to do.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// Acts on `input` at time `now` (ms since the epoch).
    pub fn handle(&mut self, now: u64, input: Input) {
        self.now = now;
        match input {
            Input::Call { call, ask } => self.start(call, ask),
            Input::Answer { id, result } => self.answered(id, &result),
            Input::Timer { id } => self.resend(id),
        }
    }

    fn start(&mut self, call: u32, ask: Ask) {
        let service = ask.service();
        let known = match service {
            Service::Smt => self.smt.clone(),
            Service::Reporting => self.reporting.clone(),
        };
        if let Some(origin) = known {
            let path = match &ask {
                Ask::Visit(r) => r.path_and_query(&self.cfg.account_id),
                Ask::Activity(q) => q.path_and_query(&self.cfg.account_id),
            };
            self.calls.push(Pending { call, ask });
            let url = concat(&[origin.as_str(), &path]);
            return self.send(Owner::Call(call), url, true, 0);
        }
        // One look-up per service: later calls join the one on its way (while the origin is
        // unknown, every pending call of the service waits for it).
        let joined = self.calls.iter().any(|w| w.ask.service() == service);
        self.calls.push(Pending { call, ask });
        if !joined {
            let url = concat(&[
                self.cfg.csds.as_str(),
                "/api/account/",
                &self.cfg.account_id,
                "/service/",
                service.csds_name(),
                "/baseURI.json?version=1.0",
            ]);
            self.send(Owner::Lookup(service), url, false, 0);
        }
    }

    /// Sends a new attempt (signed afresh: a new nonce and timestamp each time).
    fn send(&mut self, owner: Owner, url: String, signed: bool, retries: usize) {
        match self.request(&url, signed) {
            Ok(req) => {
                let id = self.id();
                self.attempts.push(Attempt {
                    owner,
                    url,
                    signed,
                    retries,
                    waiting_for: id,
                });
                self.out.push_back(Output::Send { id, req });
            }
            Err(error) => self.settle(owner, Err(error)),
        }
    }

    /// The request for `url`, signed when `signed`.
    fn request(&mut self, url: &str, signed: bool) -> Result<HttpRequest, Error> {
        let mut headers = vec![("Accept", String::from("application/json"))];
        if signed {
            let nonce = match self.cfg.auth {
                Auth::OAuth(_) => oauth::nonce(self.next_nonce()),
                Auth::Bearer(_) => String::new(),
            };
            let value = match &self.cfg.auth {
                Auth::Bearer(token) => concat(&["Bearer ", token]),
                Auth::OAuth(keys) => {
                    oauth::authorization(keys, "GET", url, self.now / 1000, &nonce)?
                }
            };
            headers.push(("Authorization", value));
        }
        Ok(HttpRequest {
            method: Method::Get,
            url: url.into(),
            headers,
            body: None,
            keepalive: false,
            timeout_ms: self.cfg.timeout_ms,
        })
    }

    /// The seed with the nonce counter added (little-endian, in its first eight bytes).
    fn next_nonce(&mut self) -> [u8; 16] {
        let mut bytes = self.nonce_seed;
        let mut carry = self.nonces;
        for b in bytes.iter_mut().take(8) {
            let sum = u64::from(*b) + (carry & 0xFF);
            *b = sum as u8;
            carry = (carry >> 8) + (sum >> 8);
        }
        self.nonces = self.nonces.wrapping_add(1);
        bytes
    }

    /// Takes the attempt waiting for request or timer `id` out of the list.
    fn take(&mut self, id: u32) -> Option<Attempt> {
        take_first(&mut self.attempts, |a| a.waiting_for == id)
    }

    fn answered(&mut self, id: u32, result: &Result<HttpAnswer, NetError>) {
        let Some(mut attempt) = self.take(id) else {
            return;
        };
        let (error, min_delay_ms) = match classify(result) {
            Outcome::Done(body) => return self.settle(attempt.owner, Ok(body)),
            Outcome::Fail(e) => return self.settle(attempt.owner, Err(e)),
            Outcome::Retry {
                error,
                min_delay_ms,
            } => (error, min_delay_ms),
        };
        let random = self.random() % 1000;
        match retry::pause_ms(
            &self.cfg.retry_delays_ms,
            attempt.retries,
            min_delay_ms,
            random,
        ) {
            None => self.settle(attempt.owner, Err(error)),
            Some(ms) => {
                let timer = self.id();
                attempt.waiting_for = timer;
                self.attempts.push(attempt);
                self.out.push_back(Output::SetTimer { id: timer, ms });
            }
        }
    }

    fn resend(&mut self, timer: u32) {
        if let Some(a) = self.take(timer) {
            self.send(a.owner, a.url, a.signed, a.retries + 1);
        }
    }

    /// The end of an attempt: the body of its 200, or why there is none.
    fn settle(&mut self, owner: Owner, result: Result<String, Error>) {
        match owner {
            Owner::Call(call) => {
                let ask = self
                    .take_calls(|w| w.call == call)
                    .into_iter()
                    .next()
                    .map(|w| w.ask);
                let Some(ask) = ask else { return };
                let out = match result.and_then(|body| checked(&ask, body)) {
                    Ok(text) => Output::Resolve { call, text },
                    Err(error) => Output::Reject { call, error },
                };
                self.out.push_back(out);
            }
            Owner::Lookup(service) => {
                let origin = result
                    .map_err(|e| match e {
                        Error::Network(_) => Error::Network("CSDS could not be reached"),
                        other => other,
                    })
                    .and_then(|body| base_origin(&body, service));
                let joined = self.take_calls(|w| w.ask.service() == service);
                match origin {
                    Ok(origin) => {
                        match service {
                            Service::Smt => self.smt = Some(origin),
                            Service::Reporting => self.reporting = Some(origin),
                        }
                        for w in joined {
                            self.start(w.call, w.ask);
                        }
                    }
                    Err(error) => {
                        for w in joined {
                            self.out.push_back(Output::Reject {
                                call: w.call,
                                error: error.clone(),
                            });
                        }
                    }
                }
            }
        }
    }

    /// Takes the pending calls that `which` picks out of the list, in call order.
    fn take_calls(&mut self, which: impl Fn(&Pending) -> bool) -> Vec<Pending> {
        let (picked, kept) = ::core::mem::take(&mut self.calls)
            .into_iter()
            .partition(|w| which(w));
        self.calls = kept;
        picked
    }

    fn id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        self.next_id
    }

    fn random(&mut self) -> u32 {
        retry::xorshift32(&mut self.rng)
    }
}

/// Takes the first item `hit` picks out of `list`, keeping the order of the others (no index
/// arithmetic, so no panic path).
pub(crate) fn take_first<T>(list: &mut Vec<T>, hit: impl Fn(&T) -> bool) -> Option<T> {
    let mut found = None;
    for item in ::core::mem::take(list) {
        if found.is_none() && hit(&item) {
            found = Some(item);
        } else {
            list.push(item);
        }
    }
    found
}

/// The body of a 200 once it is known to be what `ask` expects: a JSON object that fits the
/// typed answer's shape, i.e. that [`FromWire`](crate::core::agent::wire::FromWire) decodes
/// (`null` or an array would otherwise pass as "all members absent").
fn checked(ask: &Ask, body: String) -> Result<String, Error> {
    let what = match ask {
        Ask::Visit(_) => "a visit state",
        Ask::Activity(_) => "engagement activity",
    };
    let fits = match Json::parse(&body) {
        Ok(v @ Json::Obj(_)) => match ask {
            Ask::Visit(_) => check(&v, VisitState::SHAPE),
            Ask::Activity(_) => check(&v, EngagementActivity::SHAPE),
        },
        Ok(_) => Err("not a JSON object".into()),
        Err(_) => Err("not JSON".into()),
    };
    match fits {
        Ok(()) => Ok(body),
        Err(why) => Err(Error::Http {
            status: 200,
            internal_code: None,
            message: concat(&["the answer is not ", what, ": ", &why]),
        }),
    }
}

/// The origin CSDS names for `service`.
fn base_origin(body: &str, service: Service) -> Result<String, Error> {
    let base = Json::parse(body)
        .ok()
        .and_then(|b| b.get("baseURI").and_then(Json::as_str).map(String::from));
    base.and_then(|b| origin_for_base_uri(&b))
        .ok_or_else(|| Error::Http {
            status: 200,
            internal_code: None,
            message: concat(&["CSDS did not name the ", service.csds_name(), " service"]),
        })
}
