//! Command-line flags, and how they fill the model's configuration ([`Settings`]).

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, ValueEnum};

use crate::model::campaign_file::{self, Loaded};
use crate::model::capping::{CappingFlags, Limits};
use crate::model::catalog;
use crate::model::config::{AgentConfig, Lifetimes, Settings, Stale};

/// Local emulator of the LivePerson Monitoring API (and CSDS) for lpmon's demo site and tests.
///
/// Serves the demo site on one port and the API on another, so that browsers see two origins and
/// enforce CORS. Prints one JSON line with both URLs on stdout once both listen; logs go to stderr.
///
/// What engagement answers offer comes from a campaign file (--campaigns): accounts, campaigns,
/// engagements and their targeting rules (entry points, SDE conditions, identity, agent
/// availability), capping. Without one, the --account/--app-installation-id pair is accepted and
/// one built-in engagement is offered to everyone. The README describes the file format;
/// emulator/campaigns.example.toml is a commented example.
///
/// Control endpoints on the api listener: /__emulator/{stats, requests, sessions, reset, clock,
/// faults, campaigns, availability, conversations, trace, funnel}.
#[derive(Debug, Clone, Parser)]
// A flag given twice takes the last value, so `npm start -- --site-port 9000` overrides the default.
#[command(
    name = "lpmon-emulator",
    version,
    about,
    long_about,
    args_override_self = true
)]
pub struct Cli {
    /// Address both listeners bind to; keep it on loopback.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port of the site listener (static files from --root); 0 picks a free port.
    #[arg(long, default_value_t = 8030)]
    pub site_port: u16,

    /// Port of the API listener (Monitoring API, CSDS, /__emulator control); 0 picks a free port.
    #[arg(long, default_value_t = 8031)]
    pub api_port: u16,

    /// Directory whose www/, pkg/ and dist/ folders the site listener serves.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// Campaign file (TOML, or JSON when the name ends in .json): accounts, app installations,
    /// campaigns, engagements, targeting, availability, capping. Checked at start; a bad file
    /// stops the emulator with a message naming the place.
    #[arg(long, value_name = "FILE", value_parser = parse_campaign_file)]
    pub campaigns: Option<CampaignFile>,

    /// Check the --campaigns file, print what it defines, and exit (nothing is served).
    #[arg(long, requires = "campaigns")]
    pub check: bool,

    /// The account id the API accepts when no campaign file is given (any other answers 404).
    #[arg(long, default_value = "12345678", conflicts_with = "campaigns")]
    pub account: String,

    /// The app installation id (app key) the API accepts when no campaign file is given (any
    /// other answers 404/18).
    #[arg(
        long,
        default_value = "8de29e3d-25b1-4d08-b713-8331ab222bfa",
        conflicts_with = "campaigns"
    )]
    pub app_installation_id: String,

    /// What a call carrying an unknown or expired vid/sid gets.
    #[arg(long, value_enum, default_value_t = StaleFlag::NewSession)]
    pub stale: StaleFlag,

    /// Minutes without calls after which a monitor session expires.
    #[arg(long, default_value_t = 30)]
    pub session_idle_minutes: u64,

    /// Hours after its start at which a monitor session expires, however active.
    #[arg(long, default_value_t = 6)]
    pub session_max_hours: u64,

    /// Offer no engagement: engagement answers carry no engagementDetails key.
    #[arg(long)]
    pub no_engagement: bool,

    /// An impAccept opens a conversation for the visitor: later engagement answers carry it
    /// with status "conversation" (also `conversation_on_accept = true` in the file).
    #[arg(long)]
    pub conversation_on_accept: bool,

    /// Most sessions one visitor may open within the cap window; more answer 5xx. 0 = no limit
    /// (overrides the file's `[capping] sessions_per_visitor`).
    #[arg(long, value_name = "N")]
    pub cap_sessions_per_visitor: Option<u32>,

    /// Most sessions one account may open within the cap window (new visitors included); more
    /// answer 5xx. 0 = no limit (overrides the file's `[capping] sessions_per_account`).
    #[arg(long, value_name = "N")]
    pub cap_sessions_per_account: Option<u32>,

    /// Length of the capping window in minutes, on the emulator clock [default: 60, or the
    /// file's `[capping] window_minutes`].
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub cap_window_minutes: Option<u64>,

    /// HTTP status of a capped call [default: 503, or the file's `[capping] status`].
    #[arg(long, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(500..=599))]
    pub cap_status: Option<u16>,

    /// Credentials and limits of the agent APIs (Visit Information, Engagement Activity).
    #[command(flatten)]
    pub agent: AgentFlags,

    /// Log filter for stderr, in tracing's EnvFilter syntax (e.g. `info`, `debug`, `warn`).
    #[arg(long, default_value = "info")]
    pub log: String,
}

/// The answer to a vid/sid pair the emulator does not know (or no longer knows): the flag's
/// spelling of the model's [`Stale`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StaleFlag {
    /// Open a new session and answer 201 with the new pair (what the real server does).
    NewSession,
    /// Answer 404 with internal code 37 (unknown visitor) or 39 (unknown session).
    NotFound,
}

/// A campaign file, read and checked when the flags are parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignFile {
    pub path: PathBuf,
    pub loaded: Loaded,
}

fn parse_campaign_file(text: &str) -> Result<CampaignFile, String> {
    let path = PathBuf::from(text);
    let loaded = campaign_file::load(&path)?;
    Ok(CampaignFile { path, loaded })
}

/// Agent API credentials and limits (test values: the emulator is not a place for real secrets).
#[derive(Debug, Clone, Args)]
pub struct AgentFlags {
    /// Bearer token the agent APIs (Visit Information, Engagement Activity) accept. The site
    /// listener fills it into pages as %LPMON_AGENT_TOKEN% for the ops dashboard.
    #[arg(long, default_value = "emulator-agent-token")]
    pub agent_bearer: String,

    /// OAuth 1.0a consumer key (app key) the agent APIs accept; requests must be signed with
    /// HMAC-SHA1 and are verified.
    #[arg(long, default_value = "emulator-consumer-key")]
    pub oauth_consumer_key: String,

    /// Secret of --oauth-consumer-key.
    #[arg(long, default_value = "emulator-consumer-secret")]
    pub oauth_consumer_secret: String,

    /// OAuth 1.0a access token the agent APIs accept.
    #[arg(long, default_value = "emulator-access-token")]
    pub oauth_token: String,

    /// Secret of --oauth-token.
    #[arg(long, default_value = "emulator-token-secret")]
    pub oauth_token_secret: String,

    /// Engagement Activity requests answered at the same time; one more gets 429 with
    /// `Retry-After: 1`.
    #[arg(long, default_value_t = 4)]
    pub engactivity_max_concurrent: usize,

    /// How long each Engagement Activity request takes (ms), so that concurrency is real.
    #[arg(long, default_value_t = 50)]
    pub engactivity_latency_ms: u64,
}

impl From<StaleFlag> for Stale {
    fn from(flag: StaleFlag) -> Self {
        match flag {
            StaleFlag::NewSession => Stale::NewSession,
            StaleFlag::NotFound => Stale::NotFound,
        }
    }
}

impl From<&AgentFlags> for AgentConfig {
    fn from(flags: &AgentFlags) -> Self {
        Self {
            bearer: flags.agent_bearer.clone(),
            oauth_consumer_key: flags.oauth_consumer_key.clone(),
            oauth_consumer_secret: flags.oauth_consumer_secret.clone(),
            oauth_token: flags.oauth_token.clone(),
            oauth_token_secret: flags.oauth_token_secret.clone(),
            engactivity_max_concurrent: flags.engactivity_max_concurrent,
            engactivity_latency_ms: flags.engactivity_latency_ms,
        }
    }
}

impl Settings {
    /// The model's configuration as the flags (and the campaign file they name) say.
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
            stale: cli.stale.into(),
            lifetimes: Lifetimes {
                idle_ms: cli.session_idle_minutes.saturating_mul(60_000),
                max_ms: cli.session_max_hours.saturating_mul(3_600_000),
            },
            offer_engagement: !cli.no_engagement,
            api_host,
            agent: AgentConfig::from(&cli.agent),
        }
    }
}
