//! Monitor sessions: visitors, their sessions, what each session has seen, and expiry.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::config::{Lifetimes, Stale};
use crate::model::error::ApiError;
use crate::model::ids;
use crate::model::sde_merge::MergedSdes;

/// A page seen in a session.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub page_id: String,
    pub entry_points: Vec<String>,
    pub first_seen: u64,
    pub last_seen: u64,
}

/// An SDE received in a session (not an impression).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SdeEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub body: Value,
    pub time: u64,
    pub page_id: String,
    /// `engagement` or `report`: the call that carried it.
    pub via: &'static str,
}

/// An engagement offered by an engagement answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exposure {
    pub context_id: String,
    pub campaign_id: u64,
    pub engagement_id: u64,
    pub time: u64,
    pub page_id: String,
}

/// An impression event reported in a session.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Impression {
    #[serde(rename = "type")]
    pub kind: String,
    pub context_ids: Vec<String>,
    pub body: Value,
    pub time: u64,
    pub page_id: String,
}

/// One monitor session and everything it has received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub visitor_id: String,
    pub session_id: String,
    pub created: u64,
    pub last_activity: u64,
    pub consumer_id: Option<String>,
    pub identities: Vec<Value>,
    pub client_properties: Option<Value>,
    pub pages: Vec<Page>,
    /// Received in this order; added with [`Session::add_event`], which keeps `merged` in step.
    events: Vec<SdeEvent>,
    pub engagements: Vec<Exposure>,
    pub impressions: Vec<Impression>,
    /// `events` merged per type, kept as they arrive: every engage reads it. Merging them all
    /// again each time was about a third of an engage's time once a session had 4,000 reports
    /// (about 32 ms, 22 ms without it; the trace's copy of the SDEs is much of the rest).
    #[serde(skip)]
    merged: MergedSdes,
}

impl Session {
    fn new(visitor_id: String, session_id: String, now: u64) -> Self {
        Self {
            visitor_id,
            session_id,
            created: now,
            last_activity: now,
            consumer_id: None,
            identities: Vec::new(),
            client_properties: None,
            pages: Vec::new(),
            events: Vec::new(),
            engagements: Vec::new(),
            impressions: Vec::new(),
            merged: MergedSdes::default(),
        }
    }

    pub fn is_live(&self, now: u64, life: Lifetimes) -> bool {
        now.saturating_sub(self.last_activity) <= life.idle_ms
            && now.saturating_sub(self.created) <= life.max_ms
    }

    /// Notes a page visit; entry points of a page seen again are added to it.
    pub fn record_page(&mut self, page_id: &str, entry_points: &[String], now: u64) {
        match self.pages.iter_mut().find(|p| p.page_id == page_id) {
            Some(page) => {
                page.last_seen = now;
                for ep in entry_points {
                    if !page.entry_points.contains(ep) {
                        page.entry_points.push(ep.clone());
                    }
                }
            }
            None => self.pages.push(Page {
                page_id: page_id.to_owned(),
                entry_points: entry_points.to_vec(),
                first_seen: now,
                last_seen: now,
            }),
        }
    }

    /// The page of the latest call, used when a report names none.
    pub fn last_page_id(&self) -> Option<&str> {
        self.pages
            .iter()
            .max_by_key(|p| p.last_seen)
            .map(|p| p.page_id.as_str())
    }

    /// Whether an engagement answer of this session created the context id.
    pub fn knows_context(&self, context_id: &str) -> bool {
        self.engagements.iter().any(|e| e.context_id == context_id)
    }

    /// The exposure an engagement answer of this session made under the context id.
    pub fn exposure(&self, context_id: &str) -> Option<&Exposure> {
        self.engagements.iter().find(|e| e.context_id == context_id)
    }

    /// Stores an SDE received in this session.
    pub fn add_event(&mut self, event: SdeEvent) {
        self.merged.add(&event.kind, event.body.clone());
        self.events.push(event);
    }

    /// The SDEs received so far, oldest first.
    pub fn events(&self) -> &[SdeEvent] {
        &self.events
    }

    /// The SDEs received so far, merged per type (replace or append).
    pub fn merged_sdes(&self) -> &MergedSdes {
        &self.merged
    }

    /// The merged SDEs beside the exposures, which an engage records while it reads the SDEs.
    pub fn sdes_and_exposures(&mut self) -> (&MergedSdes, &mut Vec<Exposure>) {
        (&self.merged, &mut self.engagements)
    }

    /// The entry points a page was seen with.
    pub fn page_entry_points(&self, page_id: &str) -> &[String] {
        self.pages
            .iter()
            .find(|p| p.page_id == page_id)
            .map_or(&[], |p| p.entry_points.as_slice())
    }
}

/// A visitor (vid) of an account, and its sessions.
#[derive(Debug, Clone)]
struct Visitor {
    account: String,
    sessions_created: u64,
    sessions: HashMap<String, Session>,
}

/// What a call's vid/sid pair leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A live session: answer 200.
    Existing { vid: String, sid: String },
    /// Open a session (answer 201), for this known visitor or for a new one.
    Create { vid: Option<String> },
}

/// All visitors and sessions, plus the counters the capping logic will use.
#[derive(Debug, Default, Clone)]
pub struct Store {
    visitors: HashMap<String, Visitor>,
    sessions_created: u64,
}

impl Store {
    /// Decides what a call with this vid/sid gets, without changing anything. A vid of another
    /// account counts as unknown.
    pub fn resolve(
        &self,
        account: &str,
        vid: Option<&str>,
        sid: Option<&str>,
        now: u64,
        life: Lifetimes,
        stale: Stale,
    ) -> Result<Resolution, ApiError> {
        if vid.is_some_and(|v| !ids::is_well_formed(v)) {
            return Err(ApiError::unknown_visitor());
        }
        if sid.is_some_and(|s| !ids::is_well_formed(s)) {
            return Err(ApiError::unknown_session());
        }
        let unknown_visitor = || match stale {
            Stale::NewSession => Ok(Resolution::Create { vid: None }),
            Stale::NotFound => Err(ApiError::unknown_visitor()),
        };
        match (vid, sid) {
            (None, None) => Ok(Resolution::Create { vid: None }),
            // A sid means nothing without its vid.
            (None, Some(_)) => unknown_visitor(),
            (Some(v), None) => match self.visitor(account, v).is_some() {
                true => Ok(Resolution::Create {
                    vid: Some(v.to_owned()),
                }),
                false => unknown_visitor(),
            },
            (Some(v), Some(s)) => {
                let Some(visitor) = self.visitor(account, v) else {
                    return unknown_visitor();
                };
                match visitor.sessions.get(s) {
                    Some(session) if session.is_live(now, life) => Ok(Resolution::Existing {
                        vid: v.to_owned(),
                        sid: s.to_owned(),
                    }),
                    // The visitor persists across sessions, so a new session keeps its vid.
                    _ => match stale {
                        Stale::NewSession => Ok(Resolution::Create {
                            vid: Some(v.to_owned()),
                        }),
                        Stale::NotFound => Err(ApiError::unknown_session()),
                    },
                }
            }
        }
    }

    fn visitor(&self, account: &str, vid: &str) -> Option<&Visitor> {
        self.visitors.get(vid).filter(|v| v.account == account)
    }

    /// Opens a session for a known visitor or, given `None`, for a new one. Returns (vid, sid).
    pub fn open(&mut self, account: &str, vid: Option<String>, now: u64) -> (String, String) {
        let vid = vid.unwrap_or_else(ids::new_token);
        let sid = ids::new_token();
        let visitor = self.visitors.entry(vid.clone()).or_insert_with(|| Visitor {
            account: account.to_owned(),
            sessions_created: 0,
            sessions: HashMap::new(),
        });
        visitor.sessions_created += 1;
        visitor
            .sessions
            .insert(sid.clone(), Session::new(vid.clone(), sid.clone(), now));
        self.sessions_created += 1;
        (vid, sid)
    }

    /// Makes up a visitor id and remembers it as valid (the "Loading account" answer names one
    /// that the client's retry then sends).
    pub fn remember_new_visitor(&mut self, account: &str) -> String {
        let vid = ids::new_token();
        self.visitors.insert(
            vid.clone(),
            Visitor {
                account: account.to_owned(),
                sessions_created: 0,
                sessions: HashMap::new(),
            },
        );
        vid
    }

    pub fn get_mut(&mut self, vid: &str, sid: &str) -> Option<&mut Session> {
        self.visitors.get_mut(vid)?.sessions.get_mut(sid)
    }

    pub fn get(&self, vid: &str, sid: &str) -> Option<&Session> {
        self.visitors.get(vid)?.sessions.get(sid)
    }

    /// Every session, in no particular order.
    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.visitors.values().flat_map(|v| v.sessions.values())
    }

    /// Sessions opened since the last reset.
    pub fn sessions_created(&self) -> u64 {
        self.sessions_created
    }

    pub fn visitor_count(&self) -> usize {
        self.visitors.len()
    }

    /// The most sessions any one visitor has opened (what a cap would look at).
    pub fn max_sessions_per_visitor(&self) -> u64 {
        self.visitors
            .values()
            .map(|v| v.sessions_created)
            .max()
            .unwrap_or(0)
    }

    /// Every session with its data, oldest first, for `/__emulator/sessions`.
    pub fn describe(&self, now: u64, life: Lifetimes) -> Vec<Value> {
        let mut all: Vec<(&Session, u64)> = self
            .visitors
            .values()
            .flat_map(|v| v.sessions.values().map(move |s| (s, v.sessions_created)))
            .collect();
        all.sort_by_key(|(s, _)| s.created);
        all.into_iter()
            .map(|(session, per_visitor)| {
                let mut value = serde_json::to_value(session).unwrap_or(Value::Null);
                if let Some(map) = value.as_object_mut() {
                    map.insert(
                        "expired".to_owned(),
                        Value::Bool(!session.is_live(now, life)),
                    );
                    map.insert("visitorSessionsCreated".to_owned(), per_visitor.into());
                    map.insert("sdes".to_owned(), session.merged_sdes().to_json());
                }
                value
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFE: Lifetimes = Lifetimes {
        idle_ms: 30 * 60_000,
        max_ms: 6 * 3_600_000,
    };

    #[test]
    fn merged_sdes_follow_the_events_as_they_arrive() {
        let mut session = Session::new("v".to_owned(), "s".to_owned(), 0);
        let sdes = [
            ("cart", serde_json::json!({"type": "cart", "total": 1})),
            (
                "searchInfo",
                serde_json::json!({"type": "searchInfo", "keywords": ["a"]}),
            ),
            ("cart", serde_json::json!({"type": "cart", "total": 2})),
            (
                "searchInfo",
                serde_json::json!({"type": "searchInfo", "keywords": ["b"]}),
            ),
        ];
        for (i, (kind, body)) in sdes.iter().enumerate() {
            session.add_event(SdeEvent {
                kind: (*kind).to_owned(),
                body: body.clone(),
                time: i as u64,
                page_id: "p".to_owned(),
                via: "report",
            });
            // After every event: what merging all of them again gives.
            let all = MergedSdes::from_events(
                session.events().iter().map(|e| (e.kind.as_str(), &e.body)),
            );
            assert_eq!(session.merged_sdes(), &all);
        }
        assert_eq!(session.events().len(), 4);
        // The newer cart replaced the older one; the searches accumulated.
        assert_eq!(
            session.merged_sdes().of("cart"),
            std::slice::from_ref(&sdes[2].1)
        );
        assert_eq!(session.merged_sdes().of("searchInfo").len(), 2);
    }

    #[test]
    fn new_pair_then_existing() {
        let mut store = Store::default();
        assert_eq!(
            store.resolve("a", None, None, 0, LIFE, Stale::NewSession),
            Ok(Resolution::Create { vid: None })
        );
        let (vid, sid) = store.open("a", None, 0);
        assert_eq!(
            store.resolve("a", Some(&vid), Some(&sid), 1000, LIFE, Stale::NotFound),
            Ok(Resolution::Existing {
                vid: vid.clone(),
                sid: sid.clone()
            })
        );
        // Idle for longer than the limit.
        let late = 1000 + LIFE.idle_ms + 1;
        assert_eq!(
            store.resolve("a", Some(&vid), Some(&sid), late, LIFE, Stale::NotFound),
            Err(ApiError::unknown_session())
        );
        assert_eq!(
            store.resolve("a", Some(&vid), Some(&sid), late, LIFE, Stale::NewSession),
            Ok(Resolution::Create { vid: Some(vid) })
        );
    }

    #[test]
    fn malformed_and_unknown_ids() {
        let store = Store::default();
        let bad = store.resolve("a", Some("a b"), None, 0, LIFE, Stale::NewSession);
        assert_eq!(bad, Err(ApiError::unknown_visitor()));
        let bad = store.resolve("a", Some("abc"), Some("x/y"), 0, LIFE, Stale::NewSession);
        assert_eq!(bad, Err(ApiError::unknown_session()));
        let unknown = store.resolve("a", Some("abc"), Some("def"), 0, LIFE, Stale::NotFound);
        assert_eq!(unknown, Err(ApiError::unknown_visitor()));
    }

    #[test]
    fn max_age_expires_an_active_session() {
        let mut store = Store::default();
        let (vid, sid) = store.open("a", None, 0);
        let mut t = 0;
        while t < LIFE.max_ms {
            t += LIFE.idle_ms / 2;
            if let Some(s) = store.get_mut(&vid, &sid) {
                s.last_activity = t;
            }
        }
        let late = store.resolve("a", Some(&vid), Some(&sid), t + 1, LIFE, Stale::NotFound);
        assert_eq!(late, Err(ApiError::unknown_session()));
        assert_eq!(store.max_sessions_per_visitor(), 1);
    }
}
