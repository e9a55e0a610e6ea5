//! Command-line flags.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Local emulator of the LivePerson Monitoring API (and CSDS) for lpmon's demo site and tests.
///
/// Serves the demo site on one port and the API on another, so that browsers see two origins and
/// enforce CORS. Prints one JSON line with both URLs on stdout once both listen; logs go to stderr.
#[derive(Debug, Clone, Parser)]
#[command(name = "lpmon-emulator", version, about, long_about)]
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

    /// The account id the API accepts (any other answers 404).
    #[arg(long, default_value = "12345678")]
    pub account: String,

    /// The app installation id (app key) the API accepts (any other answers 404/18).
    #[arg(long, default_value = "8de29e3d-25b1-4d08-b713-8331ab222bfa")]
    pub app_installation_id: String,

    /// What a call carrying an unknown or expired vid/sid gets.
    #[arg(long, value_enum, default_value_t = Stale::NewSession)]
    pub stale: Stale,

    /// Minutes without calls after which a monitor session expires.
    #[arg(long, default_value_t = 30)]
    pub session_idle_minutes: u64,

    /// Hours after its start at which a monitor session expires, however active.
    #[arg(long, default_value_t = 6)]
    pub session_max_hours: u64,

    /// Offer no engagement: engagement answers carry no engagementDetails key.
    #[arg(long)]
    pub no_engagement: bool,

    /// Log filter for stderr, in tracing's EnvFilter syntax (e.g. `info`, `debug`, `warn`).
    #[arg(long, default_value = "info")]
    pub log: String,
}

/// The answer to a vid/sid pair the emulator does not know (or no longer knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Stale {
    /// Open a new session and answer 201 with the new pair (what the real server does).
    NewSession,
    /// Answer 404 with internal code 37 (unknown visitor) or 39 (unknown session).
    NotFound,
}
