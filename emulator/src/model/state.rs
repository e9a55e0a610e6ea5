//! The model's mutable state: what changes while the emulator runs, and its counters.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::model::agent::AgentRuntime;
use crate::model::availability::Overrides;
use crate::model::capping::Capper;
use crate::model::clock::Clock;
use crate::model::conversations::Conversations;
use crate::model::endpoint::Endpoint;
use crate::model::faults::FaultQueue;
use crate::model::journal::Journal;
use crate::model::sessions::Store;
use crate::model::trace::Trace;

/// Counters behind `/__emulator/stats`.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Requests received per endpoint (faulted ones included).
    pub requests: BTreeMap<Endpoint, u64>,
    pub reports_accepted: u64,
    /// SDEs stored, from engagement and report calls alike (impressions not included).
    pub sdes_accepted: u64,
    pub impressions_accepted: u64,
}

/// Everything that changes while the emulator runs; the HTTP layer keeps it behind one lock,
/// never held across an await.
#[derive(Debug, Default)]
pub struct Model {
    pub clock: Clock,
    pub store: Store,
    pub stats: Stats,
    pub journal: Journal,
    pub faults: FaultQueue,
    /// Agent states set through `/__emulator/availability`.
    pub availability: Overrides,
    pub conversations: Conversations,
    pub capper: Capper,
    pub trace: Trace,
    /// Agent endpoints' in-flight count and used nonces (not cleared by a reset).
    pub agent: AgentRuntime,
}

impl Model {
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    pub fn count_request(&mut self, endpoint: Endpoint) {
        *self.stats.requests.entry(endpoint).or_default() += 1;
    }

    /// Forgets sessions, counters, recorded requests, faults, the clock offset, availability
    /// overrides, conversations, capping history and the trace. Journal and trace sequence
    /// numbers keep growing so that a poller's `since` stays meaningful.
    pub fn reset(&mut self) {
        self.clock = Clock::default();
        self.store = Store::default();
        self.stats = Stats::default();
        self.journal.clear();
        self.faults = FaultQueue::default();
        self.availability = Overrides::default();
        self.conversations = Conversations::default();
        self.capper = Capper::default();
        self.trace.clear();
    }

    /// The counters; `endpoints` (every routed endpoint) appear in `requests` even at zero.
    pub fn stats_json(&self, endpoints: &[Endpoint]) -> Value {
        let requests: Map<String, Value> = endpoints
            .iter()
            .chain(self.stats.requests.keys())
            .map(|e| {
                let count = self.stats.requests.get(e).copied().unwrap_or(0);
                (e.name().to_owned(), count.into())
            })
            .collect();
        json!({
            "sessionsCreated": self.store.sessions_created(),
            "requests": requests,
            "reportsAccepted": self.stats.reports_accepted,
            "sdesAccepted": self.stats.sdes_accepted,
            "impressionsAccepted": self.stats.impressions_accepted,
            "visitors": self.store.visitor_count(),
            "maxSessionsPerVisitor": self.store.max_sessions_per_visitor(),
            "sessionsCapped": self.capper.refused,
            "conversationsOpen": self.conversations.open_count(),
        })
    }
}
