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
//!
//! Three parts, imported one way only: `model` (plain Rust) decides every answer and imports
//! neither of the others; `cli` (clap) fills the model's configuration; `http` (axum) binds as
//! the flags say and routes requests to handlers that call the model. ARCHITECTURE.md at the
//! repository root has the code map.

pub mod cli;
pub mod http;
pub mod model;

// Paths the integration tests and the binary use.
pub use cli::Cli;
pub use http::server::{self, Bound};
pub use http::site;
pub use http::state::AppState;
pub use model::{Settings, Stale};
