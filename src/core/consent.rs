//! Consent: whether lpmon may store and send anything, and the waiting room of the calls made
//! while the answer is pending.
//!
//! ```text
//!   Pending ──grant──▶ Granted ──deny (withdraw)──▶ Denied
//!      │                  ▲                            │
//!      └──────deny──────▶ Denied ◀─────────────────────┘ grant again: Granted
//! ```
//! - Pending: calls take a ticket and wait in memory (at most [`MAX_WAITING`]); nothing is
//!   stored or sent.
//! - Granted: the waiting calls go in ticket order, each once the one before has finished; a call
//!   made while that backlog drains takes a ticket too. With no backlog, calls go at once.
//! - Denied: every waiting and new call is refused with kind `consent`.
//!
//! The machine keeps the waiting calls and removes what lpmon stored when consent is denied
//! (see `core::machine::consent`).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::error::Error;

/// At most this many calls wait for consent; more are refused.
pub const MAX_WAITING: u32 = 100;

/// The visitor's answer, as far as lpmon knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Consent {
    /// Store and send (the default).
    #[default]
    Granted,
    /// Not answered yet: hold every call in memory.
    Pending,
    /// Refused or withdrawn: store and send nothing.
    Denied,
}

impl Consent {
    /// `'granted'`, `'pending'` or `'denied'`.
    pub fn parse(text: &str) -> Option<Consent> {
        match text {
            "granted" => Some(Consent::Granted),
            "pending" => Some(Consent::Pending),
            "denied" => Some(Consent::Denied),
            _ => None,
        }
    }
}

/// The error of a call that consent stopped.
pub fn refused() -> Error {
    Error::Consent("consent is denied: nothing was stored or sent")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse() {
        assert_eq!(Consent::parse("pending"), Some(Consent::Pending));
        assert_eq!(Consent::parse("granted"), Some(Consent::Granted));
        assert_eq!(Consent::parse("denied"), Some(Consent::Denied));
        assert_eq!(Consent::parse("yes"), None);
    }
}
