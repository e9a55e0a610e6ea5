//! Shared state of the api listener: settings, the clock, sessions, counters, journal, faults.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::{json, Value};

use crate::cli::{Cli, Stale};
use crate::clock::Clock;
use crate::endpoint::Endpoint;
use crate::faults::FaultQueue;
use crate::journal::Journal;
use crate::sessions::{Lifetimes, Store};

/// What the api listener was started with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub account: String,
    pub app_installation_id: String,
    pub stale: Stale,
    pub lifetimes: Lifetimes,
    /// False with `--no-engagement`.
    pub offer_engagement: bool,
    /// `host:port` of the api listener, which CSDS hands out as the base URI.
    pub api_host: String,
}

impl Settings {
    pub fn from_cli(cli: &Cli, api_host: String) -> Self {
        Self {
            account: cli.account.clone(),
            app_installation_id: cli.app_installation_id.clone(),
            stale: cli.stale,
            lifetimes: Lifetimes {
                idle_ms: cli.session_idle_minutes.saturating_mul(60_000),
                max_ms: cli.session_max_hours.saturating_mul(3_600_000),
            },
            offer_engagement: !cli.no_engagement,
            api_host,
        }
    }
}

/// Requests received per endpoint (faulted ones included).
#[derive(Debug, Default, Clone, Serialize)]
pub struct RequestCounts {
    pub engagement: u64,
    pub report: u64,
    pub csds: u64,
}

/// Counters behind `/__emulator/stats`.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub requests: RequestCounts,
    pub reports_accepted: u64,
    /// SDEs stored, from engagement and report calls alike (impressions not included).
    pub sdes_accepted: u64,
    pub impressions_accepted: u64,
}

/// Everything that changes while the emulator runs; one lock, never held across an await.
#[derive(Debug, Default)]
pub struct Inner {
    pub clock: Clock,
    pub store: Store,
    pub stats: Stats,
    pub journal: Journal,
    pub faults: FaultQueue,
}

impl Inner {
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    pub fn count_request(&mut self, endpoint: Endpoint) {
        let counts = &mut self.stats.requests;
        match endpoint {
            Endpoint::Engagement => counts.engagement += 1,
            Endpoint::Report => counts.report += 1,
            Endpoint::Csds => counts.csds += 1,
        }
    }

    /// Forgets sessions, counters, recorded requests, faults and the clock offset. The journal's
    /// sequence numbers keep growing so that a poller's `since` stays meaningful.
    pub fn reset(&mut self) {
        self.clock = Clock::default();
        self.store = Store::default();
        self.stats = Stats::default();
        self.journal.clear();
        self.faults = FaultQueue::default();
    }

    pub fn stats_json(&self) -> Value {
        json!({
            "sessionsCreated": self.store.sessions_created(),
            "requests": self.stats.requests,
            "reportsAccepted": self.stats.reports_accepted,
            "sdesAccepted": self.stats.sdes_accepted,
            "impressionsAccepted": self.stats.impressions_accepted,
            "visitors": self.store.visitor_count(),
            "maxSessionsPerVisitor": self.store.max_sessions_per_visitor(),
        })
    }
}

/// Cheap handle on the shared state, cloned into every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    settings: Settings,
    inner: Mutex<Inner>,
}

impl AppState {
    pub fn new(settings: Settings) -> Self {
        Self {
            shared: Arc::new(Shared {
                settings,
                inner: Mutex::new(Inner::default()),
            }),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.shared.settings
    }

    /// Locks the state. A panic elsewhere while holding the lock leaves data that is still
    /// usable for an emulator, so a poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.shared
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
