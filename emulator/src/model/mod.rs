//! The emulated servers as plain Rust: sessions, campaigns and targeting, capping, availability,
//! conversations, the funnel, Visit Information, Engagement Activity, faults, the journal and the
//! clock. No HTTP framework and no command line in here: the HTTP layer (`crate::http`) extracts
//! what a request says, calls into this module and shapes the answer; `crate::cli` fills
//! [`Settings`]. Tests drive it directly, without a router.

pub mod agent;
pub mod availability;
pub mod call_body;
pub mod campaign_file;
pub mod capping;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod conversations;
pub mod csds;
pub mod endpoint;
pub mod engactivity;
pub mod error;
pub mod faults;
pub mod funnel;
pub mod ids;
pub mod journal;
pub mod monitoring;
pub mod oauth;
pub mod query;
pub mod rules;
pub mod sde;
pub mod sde_merge;
pub mod seq_log;
pub mod sessions;
pub mod state;
pub mod steering;
pub mod targeting;
pub mod trace;
pub mod visit_state;

pub use config::{AgentConfig, Settings, Stale};
pub use error::{ApiError, Status};
pub use state::{Model, Stats};
