//! The agent and brand side of the seeds: what tools around a monitored page do with its vid/sid.
//!
//! Always built (small, on the [`Json`](crate::core::json::Json) type, shipped in the consumer
//! wasm): [`config`] (the checked `createAgentClient` config, so that a bad one throws at once) and
//! [`conversation`] (`conversationContext`, `clientPropertiesHeader`).
//!
//! Built with the `agent` feature only (the second wasm, `pkg/agent/`, and native tests): the
//! typed answers of Visit Information ([`visit`]) and Engagement Activity ([`engactivity`]),
//! decoded from the core's JSON ([`wire`]), OAuth 1.0a signing ([`oauth`]), what an answer means
//! ([`outcome`]) and the sans-IO client that says which requests to send ([`machine`]).

pub mod config;
pub mod conversation;

#[cfg(feature = "agent")]
pub mod engactivity;
#[cfg(feature = "agent")]
mod hmac_sha1;
#[cfg(feature = "agent")]
pub mod machine;
#[cfg(feature = "agent")]
pub mod maybe;
#[cfg(feature = "agent")]
pub mod oauth;
#[cfg(feature = "agent")]
pub mod outcome;
#[cfg(feature = "agent")]
pub mod value;
#[cfg(feature = "agent")]
pub mod visit;
#[cfg(feature = "agent")]
pub mod wire;

#[cfg(all(test, feature = "agent"))]
mod machine_tests;
