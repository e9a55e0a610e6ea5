//! What the emulator is configured with. The model owns these types; the command line (`cli.rs`)
//! fills them, and tests may build them directly.

use std::path::PathBuf;
use std::sync::Arc;

use crate::model::capping::Limits;
use crate::model::catalog::Catalog;

/// The answer to a vid/sid pair the emulator does not know (or no longer knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// Open a new session and answer 201 with the new pair (what the real server does).
    NewSession,
    /// Answer 404 with internal code 37 (unknown visitor) or 39 (unknown session).
    NotFound,
}

/// How long sessions live, on the emulator clock.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// A session with no call for longer than this is expired.
    pub idle_ms: u64,
    /// A session older than this is expired, however active.
    pub max_ms: u64,
}

/// Credentials and limits of the agent APIs (test values: no place for real secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentConfig {
    /// The bearer token accepted.
    pub bearer: String,
    pub oauth_consumer_key: String,
    pub oauth_consumer_secret: String,
    pub oauth_token: String,
    pub oauth_token_secret: String,
    /// Engagement Activity requests answered at once; one more gets 429.
    pub engactivity_max_concurrent: usize,
    /// How long each Engagement Activity answer takes (ms).
    pub engactivity_latency_ms: u64,
}

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
    pub agent: AgentConfig,
}
