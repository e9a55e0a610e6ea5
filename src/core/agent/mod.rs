//! The agent and brand side of the seeds: what tools around a monitored page do with its vid/sid.
//!
//! Always built (small, on the [`Json`](crate::core::json::Json) type, shipped in the consumer
//! wasm): [`config`] (the checked `createAgentClient` config, so that a bad one throws at once) and
//! [`conversation`] (`conversationContext`, `clientPropertiesHeader`).
//!
//! Built with the `agent` feature only (the second wasm, `pkg/agent/`, and native tests): the
//! typed answers of Visit Information ([`visit`]) and Engagement Activity ([`engactivity`]),
//! OAuth 1.0a signing ([`oauth`]) and the client that sends the requests ([`client`]).

pub mod config;
pub mod conversation;

#[cfg(feature = "agent")]
pub mod client;
#[cfg(feature = "agent")]
pub mod gate;
#[cfg(feature = "agent")]
pub mod engactivity;
#[cfg(feature = "agent")]
pub mod maybe;
#[cfg(feature = "agent")]
pub mod oauth;
#[cfg(feature = "agent")]
pub mod value;
#[cfg(feature = "agent")]
pub mod visit;

#[cfg(all(test, feature = "agent"))]
mod client_tests;
