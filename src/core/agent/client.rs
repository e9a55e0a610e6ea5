//! The agent client: Visit Information and Engagement Activity over the core's ports — domain
//! look-up through CSDS, signed requests, answer classification and retries (429 after at
//! least a second, honouring `Retry-After`; 5xx and network failures on the configured pauses).

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::RefCell;

use serde::de::DeserializeOwned;

use crate::core::agent::config::{AgentConfig, Auth};
use crate::core::agent::engactivity::{ActivityQuery, EngagementActivity};
use crate::core::agent::oauth;
use crate::core::agent::visit::{VisitRequest, VisitState};
use crate::core::answer::{retry_after_ms, MIN_THROTTLE_MS};
use crate::core::config::origin_for_base_uri;
use crate::core::error::Error;
use crate::core::agent::gate::Gate;
use crate::core::json::Json;
use crate::core::ports::{Clock, HttpAnswer, HttpRequest, Method, NetError, Transport};
use crate::core::retry;

/// Random bytes for OAuth nonces.
pub trait Entropy {
    /// Fills `buf` with unpredictable bytes.
    fn fill_random(&self, buf: &mut [u8]);
}

/// Turns an answer's JSON text into a typed value (serde_json natively; `JSON.parse` plus
/// serde-wasm-bindgen in the browser, which keeps a JSON parser out of the wasm).
pub trait Decode {
    /// The typed value of `text`, or why it does not fit.
    fn decode<T: DeserializeOwned>(&self, text: &str) -> Result<T, String>;
}

/// Everything the agent client needs.
pub trait AgentPlatform: Clock + Transport + Entropy + Decode {}
impl<T: Clock + Transport + Entropy + Decode> AgentPlatform for T {}

/// The two services, with their CSDS names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Visit Information (`smt`).
    Smt,
    /// Engagement Activity (`leDataReporting`).
    Reporting,
}

impl Service {
    /// The CSDS service name (case-sensitive).
    pub fn csds_name(self) -> &'static str {
        match self {
            Service::Smt => "smt",
            Service::Reporting => "leDataReporting",
        }
    }
}

/// What to do with one answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A 200: the body, still to be decoded.
    Done(String),
    /// Worth another try, not sooner than `min_delay_ms`.
    Retry {
        /// The error to report if no retry is left.
        error: Error,
        /// The server's minimum pause (429 / Retry-After).
        min_delay_ms: u32,
    },
    /// Final.
    Fail(Error),
}

/// Classifies a transport result of an agent API (or CSDS) request.
pub fn classify(result: &Result<HttpAnswer, NetError>) -> Outcome {
    let a = match result {
        Ok(a) => a,
        Err(NetError::Failed) => return Outcome::Retry {
            error: Error::Network(
                "the request failed (offline, blocked by CORS, or the server could not be reached)"
                    .into(),
            ),
            min_delay_ms: 0,
        },
        Err(NetError::Timeout) => {
            return Outcome::Retry {
                error: Error::Network("the request timed out".into()),
                min_delay_ms: 0,
            }
        }
    };
    let parsed = Json::parse(&a.body).ok();
    let code = parsed
        .as_ref()
        .and_then(|b| b.get("internalCode"))
        .and_then(Json::as_i64);
    let server_message = parsed
        .as_ref()
        .and_then(|b| b.get("message"))
        .and_then(Json::as_str)
        .unwrap_or_default();
    let error = |message: &str| Error::Http {
        status: a.status,
        internal_code: code,
        message: message.into(),
    };
    let hint = retry_after_ms(a.retry_after.as_deref());
    match a.status {
        200 => Outcome::Done(a.body.clone()),
        429 => Outcome::Retry {
            error: error(or(server_message, "too many requests")),
            min_delay_ms: hint.max(MIN_THROTTLE_MS),
        },
        500..=599 => Outcome::Retry {
            error: error(or(server_message, "server error")),
            min_delay_ms: hint,
        },
        201..=299 => Outcome::Fail(error("unexpected success status")),
        status => Outcome::Fail(error(
            describe(status, code).unwrap_or(or(server_message, "the request was refused")),
        )),
    }
}

fn or<'a>(given: &'a str, fallback: &'a str) -> &'a str {
    if given.is_empty() {
        fallback
    } else {
        given
    }
}

/// What the documented error answers mean, in words a caller can act on.
pub fn describe(status: u16, internal_code: Option<i64>) -> Option<&'static str> {
    Some(match (status, internal_code) {
        (400, Some(33)) => "bad request: a query parameter is missing or not accepted (internal code 33)",
        (401, Some(10)) => {
            "unauthorized: the credentials were refused or lack the permission (internal code 10)"
        }
        (401, None) => "unauthorized: the credentials were refused or lack the permission",
        (404, Some(6)) => "unknown account id (internal code 6)",
        (404, Some(37)) => "unknown visitor id (internal code 37)",
        (404, Some(39)) => "unknown session id (internal code 39)",
        (404, Some(12)) => {
            "session not found: it started more than 6 hours ago or is no longer in memory (internal code 12)"
        }
        _ => return None,
    })
}

/// One configured agent client.
pub struct AgentClient<P> {
    cfg: AgentConfig,
    platform: P,
    smt: RefCell<Option<String>>,
    reporting: RefCell<Option<String>>,
    gate: Gate,
}

impl<P: AgentPlatform> AgentClient<P> {
    /// A client; domains are looked up through CSDS on first use when the config has none.
    pub fn new(cfg: AgentConfig, platform: P) -> Self {
        let smt = RefCell::new(cfg.domain.clone());
        let reporting = RefCell::new(cfg.reporting_domain.clone());
        AgentClient {
            cfg,
            platform,
            smt,
            reporting,
            gate: Gate::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AgentConfig {
        &self.cfg
    }

    /// The visit state of `vid`/`sid`.
    pub async fn visit_info(&self, req: &VisitRequest) -> Result<VisitState, Error> {
        self.get(&self.visit_url(req).await?, "a visit state")
            .await
            .map(|(v, _)| v)
    }

    /// The visit state's JSON text exactly as the server sent it (unknown members, key order and
    /// number spelling included), once it has been checked to be a visit state.
    pub async fn visit_info_json(&self, req: &VisitRequest) -> Result<String, Error> {
        let url = self.visit_url(req).await?;
        self.get::<VisitState>(&url, "a visit state")
            .await
            .map(|(_, text)| text)
    }

    /// Engagement Activity metrics.
    pub async fn engagement_activity(
        &self,
        q: &ActivityQuery,
    ) -> Result<EngagementActivity, Error> {
        let url = self.activity_url(q).await?;
        self.get(&url, "engagement activity").await.map(|(v, _)| v)
    }

    /// The Engagement Activity answer's JSON text as the server sent it, once checked.
    pub async fn engagement_activity_json(&self, q: &ActivityQuery) -> Result<String, Error> {
        let url = self.activity_url(q).await?;
        self.get::<EngagementActivity>(&url, "engagement activity")
            .await
            .map(|(_, text)| text)
    }

    async fn visit_url(&self, req: &VisitRequest) -> Result<String, Error> {
        let origin = self.origin(Service::Smt).await?;
        Ok([origin.as_str(), &req.path_and_query(&self.cfg.account_id)].concat())
    }

    async fn activity_url(&self, q: &ActivityQuery) -> Result<String, Error> {
        let origin = self.origin(Service::Reporting).await?;
        Ok([origin.as_str(), &q.path_and_query(&self.cfg.account_id)].concat())
    }

    /// A signed GET whose 200 must decode as a `T`: the typed value and the text.
    async fn get<T: DeserializeOwned>(&self, url: &str, what: &str) -> Result<(T, String), Error> {
        let body = self.fetch(url, true).await?;
        // Only JSON objects are answers; `null` or an array would otherwise pass as "all absent".
        if !matches!(Json::parse(&body), Ok(Json::Obj(_))) {
            return Err(not_expected(what, "not a JSON object"));
        }
        let value = self
            .platform
            .decode(&body)
            .map_err(|why| not_expected(what, &why))?;
        Ok((value, body))
    }

    /// The request for `url`, signed when `signed` (each attempt gets a new nonce).
    pub fn request(&self, url: &str, signed: bool) -> Result<HttpRequest, Error> {
        let mut headers = vec![("Accept", String::from("application/json"))];
        if signed {
            let value = match &self.cfg.auth {
                Auth::Bearer(token) => ["Bearer ", token].concat(),
                Auth::OAuth(keys) => {
                    let mut random = [0u8; 16];
                    self.platform.fill_random(&mut random);
                    let timestamp = self.platform.now_ms() / 1000;
                    oauth::authorization(keys, "GET", url, timestamp, &oauth::nonce(random))?
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

    /// GET with retries; the body of the 200.
    async fn fetch(&self, url: &str, signed: bool) -> Result<String, Error> {
        let mut attempt = 0;
        loop {
            let req = self.request(url, signed)?;
            let result = self.platform.send(req).await;
            let (error, min_delay_ms) = match classify(&result) {
                Outcome::Done(body) => return Ok(body),
                Outcome::Fail(e) => return Err(e),
                Outcome::Retry {
                    error,
                    min_delay_ms,
                } => (error, min_delay_ms),
            };
            let random = self.platform.random() % 1000;
            let Some(pause) =
                retry::pause_ms(&self.cfg.retry_delays_ms, attempt, min_delay_ms, random)
            else {
                return Err(error);
            };
            self.platform.sleep(pause).await;
            attempt += 1;
        }
    }

    /// The service's origin: configured, or asked from CSDS once and kept.
    async fn origin(&self, service: Service) -> Result<String, Error> {
        let slot = match service {
            Service::Smt => &self.smt,
            Service::Reporting => &self.reporting,
        };
        if let Some(o) = slot.borrow().clone() {
            return Ok(o);
        }
        // One look-up at a time, so concurrent first calls share it.
        let _gate = self.gate.enter().await;
        if let Some(o) = slot.borrow().clone() {
            return Ok(o);
        }
        let url = [
            self.cfg.csds.as_str(),
            "/api/account/",
            &self.cfg.account_id,
            "/service/",
            service.csds_name(),
            "/baseURI.json?version=1.0",
        ]
        .concat();
        let body = self.fetch(&url, false).await.map_err(|e| match e {
            Error::Network(_) => Error::Network("CSDS could not be reached".into()),
            other => other,
        })?;
        let base = Json::parse(&body)
            .ok()
            .and_then(|b| b.get("baseURI").and_then(Json::as_str).map(String::from));
        let Some(origin) = base.and_then(|b| origin_for_base_uri(&b)) else {
            return Err(Error::Http {
                status: 200,
                internal_code: None,
                message: ["CSDS did not name the ", service.csds_name(), " service"].concat(),
            });
        };
        *slot.borrow_mut() = Some(origin.clone());
        Ok(origin)
    }
}

fn not_expected(what: &str, why: &str) -> Error {
    Error::Http {
        status: 200,
        internal_code: None,
        message: ["the answer is not ", what, ": ", why].concat(),
    }
}
