//! The one error type of the core; the bindings turn it into a JS `LpmonError`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::text::concat;
use alloc::boxed::Box;

/// Why a call failed. `kind()` is the stable name JS code switches on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad configuration, found before anything is sent.
    #[error("config: {0}")]
    Config(String),
    /// A request rejected before anything is sent (bad SDE, impressions without a session, ...).
    #[error("validation: {0}")]
    Validation(String),
    /// The server answered with an error, or with a 2xx body that is not the expected JSON.
    #[error("http {status}: {message}")]
    Http {
        /// HTTP status of the (last) answer.
        status: u16,
        /// `internalCode` of the error body, when it had one.
        internal_code: Option<i64>,
        /// What went wrong, in words.
        message: String,
    },
    /// No answer: fetch failed, timed out or the browser is offline.
    #[error("network: {0}")]
    Network(&'static str),
    /// Consent is pending past the waiting room's bound, denied, or was withdrawn: nothing was
    /// stored or sent.
    #[error("consent: {0}")]
    Consent(&'static str),
    /// A report that failed for now but that lpmon keeps and will still deliver (`queued: true`
    /// in JS): the caller must not send it again.
    #[error("{0} (queued)")]
    Queued(Box<Error>),
}

impl Error {
    /// The JS-visible `kind`: `"config"`, `"validation"`, `"http"`, `"network"` or `"consent"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Config(_) => "config",
            Error::Validation(_) => "validation",
            Error::Http { .. } => "http",
            Error::Network(_) => "network",
            Error::Consent(_) => "consent",
            Error::Queued(e) => e.kind(),
        }
    }

    /// The error itself, without the `queued` mark.
    pub fn cause(&self) -> &Error {
        match self {
            Error::Queued(e) => e,
            e => e,
        }
    }

    /// The human-readable message (built without the formatting machinery).
    pub fn message(&self) -> String {
        match self {
            Error::Config(m) | Error::Validation(m) => m.clone(),
            Error::Network(m) | Error::Consent(m) => (*m).into(),
            Error::Queued(e) => e.message(),
            Error::Http {
                status, message, ..
            } => {
                let mut s = String::from("HTTP ");
                s.push_str(&crate::core::json::uint_text(u64::from(*status)));
                if !message.is_empty() {
                    s.push_str(": ");
                    s.push_str(message);
                }
                s
            }
        }
    }

    /// A validation error from string pieces.
    pub fn invalid(parts: &[&str]) -> Error {
        Error::Validation(concat(parts))
    }

    /// A config error from string pieces.
    pub fn config(parts: &[&str]) -> Error {
        Error::Config(concat(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_messages() {
        let e = Error::Http {
            status: 503,
            internal_code: None,
            message: "busy".into(),
        };
        assert_eq!(e.kind(), "http");
        assert_eq!(e.message(), "HTTP 503: busy");
        assert_eq!(Error::invalid(&["a", "b"]).message(), "ab");
        assert_eq!(Error::config(&["x"]).kind(), "config");
        assert_eq!(Error::Network("offline").kind(), "network");
        let queued = Error::Queued(Box::new(e.clone()));
        assert_eq!((queued.kind(), queued.message()), ("http", e.message()));
        assert_eq!(queued.cause(), &e);
        assert_eq!(Error::Consent("denied").kind(), "consent");
    }
}
