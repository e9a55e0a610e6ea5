//! The Monitoring API origin: configured, or looked up once through CSDS and cached (in memory,
//! and stored for a day; a stale stored answer is used when CSDS cannot be reached).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::config;
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, NetError};
use crate::core::json::{Json, Writer};
use crate::core::request;

use super::{Machine, Output};

/// How long a CSDS answer is trusted before it is asked again.
pub const CSDS_TTL_MS: u64 = 24 * 60 * 60 * 1000;

/// Where the CSDS lookup stands.
pub(super) enum Origin {
    Unknown,
    /// Request `id` is on the wire; `cached` is the stale stored answer, if any.
    Looking {
        id: u32,
        cached: Option<String>,
    },
    Known(String),
    /// The lookup failed: the calls waiting for it fail with this (then it is `Unknown` again).
    Failed(Error),
}

impl Machine {
    /// False while a lookup is on the wire for a monitor that needs it.
    pub(super) fn origin_ready(&self, monitor: usize) -> bool {
        self.cfg(monitor).domain.is_some() || !matches!(self.origin, Origin::Looking { .. })
    }

    /// The origin for `monitor`'s calls; None while it is being looked up.
    pub(super) fn origin_for(&mut self, monitor: usize) -> Result<Option<String>, Error> {
        if let Some(d) = &self.cfg(monitor).domain {
            return Ok(Some(d.clone()));
        }
        match &self.origin {
            Origin::Known(o) => return Ok(Some(o.clone())),
            Origin::Failed(e) => return Err(e.clone()),
            Origin::Looking { .. } => return Ok(None),
            Origin::Unknown => {}
        }
        let cached = self.csds.as_deref().and_then(decode_csds);
        if let Some((o, at)) = &cached {
            if self.now.saturating_sub(*at) < CSDS_TTL_MS {
                self.origin = Origin::Known(o.clone());
                return Ok(Some(o.clone()));
            }
        }
        let id = self.id();
        let req = request::csds(self.cfg(monitor));
        self.push(Output::Send { id, req });
        self.origin = Origin::Looking {
            id,
            cached: cached.map(|(o, _)| o),
        };
        Ok(None)
    }

    /// The CSDS answer, when `id` is the lookup; false otherwise.
    pub(super) fn origin_answer(&mut self, id: u32, result: &Result<HttpAnswer, NetError>) -> bool {
        let cached = match &mut self.origin {
            Origin::Looking {
                id: looking,
                cached,
            } if *looking == id => cached.take(),
            _ => return false,
        };
        let looked_up = match result {
            Err(_) => Err(Error::Network("CSDS could not be reached")),
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
        self.origin = match (looked_up, cached) {
            (Ok(o), _) => {
                let mut w = Writer::object();
                w.str("origin", &o).uint("at", self.now);
                let entry = w.finish();
                let key = self.csds_key();
                self.write(key, entry);
                Origin::Known(o)
            }
            (Err(_), Some(o)) => {
                self.emit(0, "CSDS_FALLBACK", &[]);
                Origin::Known(o)
            }
            (Err(e), None) => Origin::Failed(e),
        };
        true
    }

    /// After the calls waiting for a failed lookup heard of it, the next call asks again.
    pub(super) fn settled_origin(&mut self) {
        if matches!(self.origin, Origin::Failed(_)) {
            self.origin = Origin::Unknown;
        }
    }
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
