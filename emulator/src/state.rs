//! Shared state of the api listener: settings, the clock, sessions, counters, journal, faults.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::{json, Value};

use crate::availability::Overrides;
use crate::capping::{Capper, CappingFlags, Limits};
use crate::catalog::{self, Catalog};
use crate::cli::{Cli, Stale};
use crate::clock::Clock;
use crate::conversations::Conversations;
use crate::endpoint::Endpoint;
use crate::faults::FaultQueue;
use crate::journal::Journal;
use crate::sessions::{Lifetimes, Store};
use crate::trace::Trace;

/// What the api listener was started with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The first account of the catalog and its first app installation: what demo pages use.
    pub account: String,
    pub app_installation_id: String,
    /// Accounts, campaigns and their rules (from the campaign file, or the built-in one).
    pub catalog: Arc<Catalog>,
    /// The campaign file, when one was given.
    pub campaign_file: Option<PathBuf>,
    pub capping: Limits,
    /// Whether an impAccept opens a conversation.
    pub conversation_on_accept: bool,
    pub stale: Stale,
    pub lifetimes: Lifetimes,
    /// False with `--no-engagement`.
    pub offer_engagement: bool,
    /// `host:port` of the api listener, which CSDS hands out as the base URI.
    pub api_host: String,
    /// Credentials and limits of the agent APIs.
    pub agent: crate::agent::AgentFlags,
}

impl Settings {
    pub fn from_cli(cli: &Cli, api_host: String) -> Self {
        let catalog = match &cli.campaigns {
            Some(file) => file.loaded.catalog.clone(),
            None => catalog::builtin(&cli.account, &cli.app_installation_id),
        };
        let (account, app_installation_id) = catalog
            .first_pair()
            .map(|(a, i)| (a.to_owned(), i.to_owned()))
            .unwrap_or_else(|| (cli.account.clone(), cli.app_installation_id.clone()));
        let flags = CappingFlags {
            per_visitor: cli.cap_sessions_per_visitor,
            per_account: cli.cap_sessions_per_account,
            window_minutes: cli.cap_window_minutes,
            status: cli.cap_status,
        };
        Self {
            account,
            app_installation_id,
            capping: Limits::resolve(catalog.capping, flags),
            conversation_on_accept: cli.conversation_on_accept || catalog.conversation_on_accept,
            catalog: Arc::new(catalog),
            campaign_file: cli.campaigns.as_ref().map(|f| f.path.clone()),
            stale: cli.stale,
            lifetimes: Lifetimes {
                idle_ms: cli.session_idle_minutes.saturating_mul(60_000),
                max_ms: cli.session_max_hours.saturating_mul(3_600_000),
            },
            offer_engagement: !cli.no_engagement,
            api_host,
            agent: cli.agent.clone(),
        }
    }
}

/// Requests received per endpoint (faulted ones included).
#[derive(Debug, Default, Clone, Serialize)]
pub struct RequestCounts {
    pub engagement: u64,
    pub report: u64,
    pub csds: u64,
    pub visit: u64,
    pub engactivity: u64,
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
    /// Agent states set through `/__emulator/availability`.
    pub availability: Overrides,
    pub conversations: Conversations,
    pub capper: Capper,
    pub trace: Trace,
    /// Agent endpoints' in-flight count and used nonces (not cleared by a reset).
    pub agent: crate::agent::AgentRuntime,
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
            Endpoint::Visit => counts.visit += 1,
            Endpoint::Engactivity => counts.engactivity += 1,
        }
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

    pub fn stats_json(&self) -> Value {
        json!({
            "sessionsCreated": self.store.sessions_created(),
            "requests": self.stats.requests,
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
