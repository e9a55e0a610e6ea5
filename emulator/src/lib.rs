//! lpmon-emulator: a local stand-in for the LivePerson servers that lpmon talks to.
//!
//! Two listeners on loopback: the *site* (static files of the demo pages, with a few placeholders
//! filled in) and the *api* (Monitoring API, CSDS and the `/__emulator` control endpoints). They
//! are different origins on purpose, so that browsers enforce CORS exactly as they do against the
//! real servers.
//!
//! In scope: the Monitoring API `engagement` and `report` calls, monitor sessions and their expiry,
//! request validation and error codes, CSDS look-ups, canned faults, and a request journal for
//! tests; campaigns from a campaign file with targeting by entry point, SDE, identity and agent
//! availability, open conversations, capping of session creation, a decision trace and the
//! reporting funnel; and the agent-side APIs of the seeds: Visit Information (built from what each
//! session received) and Engagement Activity (generated metrics), both behind a bearer token or a
//! verified OAuth 1.0a signature.

pub mod access_log;
pub mod agent;
pub mod answer;
pub mod availability;
pub mod call_body;
pub mod campaign_file;
pub mod campaign_view;
pub mod capping;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod control;
pub mod conversations;
pub mod cors;
pub mod csds;
pub mod endpoint;
pub mod engactivity;
pub mod faults;
pub mod funnel;
pub mod ids;
pub mod journal;
pub mod monitoring;
pub mod oauth;
pub mod rules;
pub mod sde;
pub mod sde_merge;
pub mod server;
pub mod sessions;
pub mod site;
pub mod state;
pub mod targeting;
pub mod trace;
pub mod visit_state;

pub use cli::{Cli, Stale};
pub use server::Bound;
pub use state::{AppState, Settings};
