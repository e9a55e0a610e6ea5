//! The sans-IO core: the monitor as a synchronous state machine ([`machine`]), and beside it
//! request building, answer classification, session rules, the retry policy, the report queue and
//! SDE validation. Nothing here touches the browser: the machine's inputs and outputs are values.
//! The agent clients in [`agent`] are a machine of the same kind ([`agent::machine`]).

pub mod agent;
pub mod answer;
pub mod client_props;
pub mod config;
pub mod consent;
pub mod error;
pub mod http;
pub mod ids;
pub mod json;
pub mod machine;
pub mod queue;
pub mod request;
pub mod retry;
pub mod sde;
pub mod session;
pub mod text;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz_tests;
