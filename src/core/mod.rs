//! The sans-IO core: protocol types, request building, answer classification, session rules,
//! retry policy and SDE validation. Nothing here touches the browser; side effects come in
//! through the traits of [`ports`], so everything is tested natively with the fakes.

pub mod agent;
pub mod answer;
pub mod client_props;
pub mod config;
pub mod consent;
pub mod error;
pub mod gate;
pub mod ids;
pub mod json;
pub mod monitor;
pub mod ports;
pub mod queue;
pub mod request;
pub mod retry;
pub mod sde;
pub mod session;
pub mod shelf;
pub mod signal;
pub mod text;

#[cfg(test)]
mod consent_tests;
#[cfg(test)]
mod fakes;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz_tests;
#[cfg(test)]
mod monitor_tests;
#[cfg(test)]
mod queue_tests;
#[cfg(test)]
mod visitor_tests;
