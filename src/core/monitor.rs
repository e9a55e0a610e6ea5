//! The monitor: `engage` and `report` over the platform traits, with the session rules of the
//! Monitoring API (send the pair back, 201 replaces it, stale pairs are dropped, one creation at a
//! time) and the documented retry policy.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::{Cell, RefCell};
use alloc::rc::Rc;

use crate::core::answer::{self, Verdict};
use crate::core::config::{self, Config};
use crate::core::error::Error;
use crate::core::gate::Gate;
use crate::core::json::{uint_text, Json};
use crate::core::ports::Platform;
use crate::core::request::{self, Call, Ids};
use crate::core::retry;
use crate::core::session::Session;

/// The app name of lpmon's events, as the original taglet named itself.
pub const APP: &str = "lp_monitoringSDK";
/// How long a CSDS answer is trusted before it is asked again.
pub const CSDS_TTL_MS: u64 = 24 * 60 * 60 * 1000;

/// What monitors of one account + app in one page share: the creation gate and the domain.
#[derive(Default)]
pub struct Shared {
    gate: Gate,
    origin: RefCell<Option<String>>,
    warned_corrupt: Cell<bool>,
}

/// One configured monitor.
pub struct Monitor<P> {
    cfg: Config,
    platform: P,
    shared: Rc<Shared>,
    client_props: Json,
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
    pub fn new(cfg: Config, platform: P, shared: Rc<Shared>, client_props: Json) -> Self {
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

    /// The platform (the bindings reach the same storage and events through it).
    pub fn platform(&self) -> &P {
        &self.platform
    }

    /// The live session from storage, if any (expired or corrupted values count as none).
    pub fn session(&self) -> Option<Session> {
        let text = self.platform.read(&self.cfg.state_key())?;
        let Some(s) = Session::decode(&text) else {
            if !self.shared.warned_corrupt.replace(true) {
                let data = Json::Obj(vec![(
                    "reason".into(),
                    Json::str("corrupted or foreign value"),
                )]);
                self.platform.emit(APP, "STORAGE_IGNORED", data);
            }
            return None;
        };
        s.is_live(self.platform.now_ms()).then_some(s)
    }

    /// The visitor id of the live session.
    pub fn vid(&self) -> Option<String> {
        self.session().map(|s| s.vid)
    }

    /// The session id of the live session.
    pub fn sid(&self) -> Option<String> {
        self.session().map(|s| s.sid)
    }

    /// The engagement call: `{visitorId, sessionId, pageId, created, engagementDetails}`.
    pub async fn engage(&self, req: &Json) -> Result<Json, Error> {
        let body = request::engagement_body(req, &self.client_props)?;
        let origin = self.origin().await?;
        let (answer, created) = self.exchange(&origin, Call::Engagement, body).await?;
        let mut out = ids_of(&answer);
        out.set("created", Json::Bool(created));
        let details = match answer.get("engagementDetails") {
            Some(d @ Json::Arr(_)) => d.clone(),
            _ => Json::Arr(Vec::new()),
        };
        out.set("engagementDetails", details);
        Ok(out)
    }

    /// The report call: `{visitorId, sessionId, pageId}`.
    pub async fn report(&self, req: &Json) -> Result<Json, Error> {
        let body = request::report_body(req)?;
        if request::has_impressions(&body) && self.session().is_none() {
            return Err(Error::invalid(&[
                "impression events need the session that showed the engagement: call engage first",
            ]));
        }
        let origin = self.origin().await?;
        let (answer, _) = self.exchange(&origin, Call::Report, body).await?;
        Ok(ids_of(&answer))
    }

    /// Sends `body` with the session pair, opening a session first when there is none.
    async fn exchange(
        &self,
        origin: &str,
        mut call: Call,
        mut body: Json,
    ) -> Result<(Json, bool), Error> {
        let mut recovered = false;
        // Bounded: a session that cannot be kept (a clock jumping ahead) must not loop forever.
        for _ in 0..4 {
            let ids = match self.session() {
                Some(s) => Ids {
                    vid: Some(s.vid),
                    sid: Some(s.sid),
                },
                None => {
                    // One creation at a time, in this page and across the site's tabs.
                    let _gate = self.shared.gate.enter().await;
                    let _lock = self.platform.exclusive(&self.cfg.state_key()).await;
                    match self.session() {
                        Some(s) => Ids {
                            vid: Some(s.vid),
                            sid: Some(s.sid),
                        },
                        None if call == Call::Report && !request::has_identity(&body) => {
                            // The server attaches a report to a session: open one as a page load would.
                            let start = self.start_page(&body);
                            self.send(origin, Call::Engagement, Ids::default(), &start)
                                .await
                                .map_err(Failure::into_error)?;
                            continue;
                        }
                        None => {
                            return self
                                .send(origin, call, Ids::default(), &body)
                                .await
                                .map_err(Failure::into_error);
                        }
                    }
                }
            };
            match self.send(origin, call, ids.clone(), &body).await {
                Ok(done) => return Ok(done),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Stale(e)) if recovered => return Err(e),
                Err(Failure::Stale(_)) => {
                    recovered = true;
                    self.forget(&ids);
                    let dropped = request::without_impressions(&mut body);
                    if dropped > 0 {
                        let data = Json::Obj(vec![("dropped".into(), Json::uint(dropped as u64))]);
                        self.platform.emit(APP, "IMPRESSIONS_DROPPED", data);
                    }
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

    /// One logical request with retries. Ids change only on "Loading account".
    async fn send(
        &self,
        origin: &str,
        call: Call,
        mut ids: Ids,
        body: &Json,
    ) -> Result<(Json, bool), Failure> {
        let mut attempt = 0;
        loop {
            let req = request::monitoring(&self.cfg, origin, call, &ids, body);
            if call == Call::Engagement {
                self.platform.emit(APP, "SP_SENT", Json::Obj(Vec::new()));
            }
            let result = self.platform.send(req).await;
            let status = result.as_ref().map(|a| a.status).unwrap_or(0);
            match answer::classify(&result) {
                Verdict::Done { created, body } => {
                    self.remember(&ids, created, &body);
                    self.complete(call, status, Some(created));
                    return Ok((body, created));
                }
                Verdict::Stale(e) if ids.sid.is_some() || ids.vid.is_some() => {
                    self.complete(call, status, None);
                    return Err(Failure::Stale(e));
                }
                Verdict::Stale(e) | Verdict::Fail(e) => {
                    self.complete(call, status, None);
                    return Err(Failure::Final(e));
                }
                Verdict::Retry {
                    error,
                    min_delay_ms,
                    vid,
                } => {
                    let random = self.platform.random_permille();
                    let Some(pause) =
                        retry::pause_ms(&self.cfg.retry_delays_ms, attempt, min_delay_ms, random)
                    else {
                        self.complete(call, status, None);
                        return Err(Failure::Final(error));
                    };
                    let data = Json::Obj(vec![
                        ("method".into(), Json::str(call.resource())),
                        ("status".into(), Json::uint(u64::from(status))),
                        ("attempt".into(), Json::uint(attempt as u64 + 1)),
                        ("pauseMs".into(), Json::uint(u64::from(pause))),
                    ]);
                    self.platform.emit(APP, "RETRY", data);
                    self.platform.sleep(pause).await;
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
            Some(s) if same && s.vid == vid && s.sid == sid => s.started_ms,
            _ => now,
        };
        let s = Session {
            vid: vid.into(),
            sid: sid.into(),
            started_ms,
            last_ms: now,
        };
        self.platform.write(&self.cfg.state_key(), &s.encode());
    }

    /// Drops the stored pair if it is still the one that was refused.
    fn forget(&self, refused: &Ids) {
        if let Some(s) = self.session() {
            if refused.vid.as_deref() == Some(s.vid.as_str())
                && refused.sid.as_deref() == Some(s.sid.as_str())
            {
                self.platform.remove(&self.cfg.state_key());
            }
        }
    }

    fn complete(&self, call: Call, status: u16, created: Option<bool>) {
        let mut data = Json::Obj(vec![
            ("method".into(), Json::str(call.resource())),
            ("status".into(), Json::uint(u64::from(status))),
        ]);
        if let Some(c) = created {
            data.set("created", Json::Bool(c));
        }
        self.platform.emit(APP, "REQUEST_COMPLETE", data);
    }

    /// The engagement body a page load sends: the report's entry points and page id, no SDEs.
    fn start_page(&self, report: &Json) -> Json {
        let mut start = Json::Obj(Vec::new());
        for key in ["entryPoints", "pageId"] {
            if let Some(v) = report.get(key) {
                start.set(key, v.clone());
            }
        }
        start.set("clientProperties", self.client_props.clone());
        start
    }

    /// The Monitoring API origin: configured, or looked up once through CSDS and cached (memory
    /// and storage, for a day; a stale cached answer is used when CSDS cannot be reached).
    async fn origin(&self) -> Result<String, Error> {
        if let Some(d) = &self.cfg.domain {
            return Ok(d.clone());
        }
        if let Some(o) = self.shared.origin.borrow().clone() {
            return Ok(o);
        }
        let _gate = self.shared.gate.enter().await;
        if let Some(o) = self.shared.origin.borrow().clone() {
            return Ok(o);
        }
        let key = ["lpmon:csds:", self.cfg.account_id.as_str()].concat();
        let now = self.platform.now_ms();
        let cached = self.platform.read(&key).and_then(|t| decode_csds(&t));
        if let Some((o, at)) = &cached {
            if now.saturating_sub(*at) < CSDS_TTL_MS {
                *self.shared.origin.borrow_mut() = Some(o.clone());
                return Ok(o.clone());
            }
        }
        let looked_up = self.ask_csds().await;
        let origin = match (looked_up, cached) {
            (Ok(o), _) => {
                let entry = Json::Obj(vec![
                    ("origin".into(), Json::str(&o)),
                    ("at".into(), Json::Num(uint_text(now))),
                ]);
                self.platform.write(&key, &entry.to_text());
                o
            }
            (Err(_), Some((o, _))) => {
                self.platform
                    .emit(APP, "CSDS_FALLBACK", Json::Obj(Vec::new()));
                o
            }
            (Err(e), None) => return Err(e),
        };
        *self.shared.origin.borrow_mut() = Some(origin.clone());
        Ok(origin)
    }

    async fn ask_csds(&self) -> Result<String, Error> {
        let a = self
            .platform
            .send(request::csds(&self.cfg))
            .await
            .map_err(|_| Error::Network("CSDS could not be reached".into()))?;
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
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Stale(e) | Failure::Final(e) => e,
        }
    }
}

fn ids_of(answer: &Json) -> Json {
    let mut out = Json::Obj(Vec::new());
    for key in ["visitorId", "sessionId", "pageId"] {
        if let Some(v) = answer.get(key) {
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
