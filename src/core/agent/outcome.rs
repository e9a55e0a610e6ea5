//! What an answer of an agent API (or of CSDS) means: done, worth another try (429 after at
//! least a second, honouring `Retry-After`; 5xx and network failures), or final — and the words
//! for the documented error codes.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::answer::{code_and_message, retry_after_ms, MIN_THROTTLE_MS};
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, NetError};
use crate::core::json::Json;

/// The two services, with their CSDS names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Visit Information (`smt`).
    Smt,
    /// Engagement Activity (`leDataReporting`).
    Reporting,
}

impl Service {
    /// The CSDS service name (case-sensitive).
    pub fn csds_name(self) -> &'static str {
        match self {
            Service::Smt => "smt",
            Service::Reporting => "leDataReporting",
        }
    }
}

/// What to do with one answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A 200: the body, still to be decoded.
    Done(String),
    /// Worth another try, not sooner than `min_delay_ms`.
    Retry {
        /// The error to report if no retry is left.
        error: Error,
        /// The server's minimum pause (429 / Retry-After).
        min_delay_ms: u32,
    },
    /// Final.
    Fail(Error),
}

/// Classifies a transport result of an agent API (or CSDS) request.
pub fn classify(result: &Result<HttpAnswer, NetError>) -> Outcome {
    let a = match result {
        Ok(a) => a,
        Err(NetError::Failed) => return Outcome::Retry {
            error: Error::Network(
                "the request failed (offline, blocked by CORS, or the server could not be reached)",
            ),
            min_delay_ms: 0,
        },
        Err(NetError::Timeout) => {
            return Outcome::Retry {
                error: Error::Network("the request timed out"),
                min_delay_ms: 0,
            }
        }
    };
    let parsed = Json::parse(&a.body).ok();
    let (code, server_message) = code_and_message(parsed.as_ref());
    let error = |message: &str| Error::Http {
        status: a.status,
        internal_code: code,
        message: message.into(),
    };
    let hint = retry_after_ms(a.retry_after.as_deref());
    match a.status {
        200 => Outcome::Done(a.body.clone()),
        429 => Outcome::Retry {
            error: error(or(server_message, "too many requests")),
            min_delay_ms: hint.max(MIN_THROTTLE_MS),
        },
        500..=599 => Outcome::Retry {
            error: error(or(server_message, "server error")),
            min_delay_ms: hint,
        },
        201..=299 => Outcome::Fail(error("unexpected success status")),
        status => Outcome::Fail(error(
            describe(status, code).unwrap_or(or(server_message, "the request was refused")),
        )),
    }
}

fn or<'a>(given: &'a str, fallback: &'a str) -> &'a str {
    if given.is_empty() {
        fallback
    } else {
        given
    }
}

/// What the documented error answers mean, in words a caller can act on.
pub fn describe(status: u16, internal_code: Option<i64>) -> Option<&'static str> {
    Some(match (status, internal_code) {
        (400, Some(33)) => "bad request: a query parameter is missing or not accepted (internal code 33)",
        (401, Some(10)) => {
            "unauthorized: the credentials were refused or lack the permission (internal code 10)"
        }
        (401, None) => "unauthorized: the credentials were refused or lack the permission",
        (404, Some(6)) => "unknown account id (internal code 6)",
        (404, Some(37)) => "unknown visitor id (internal code 37)",
        (404, Some(39)) => "unknown session id (internal code 39)",
        (404, Some(12)) => {
            "session not found: it started more than 6 hours ago or is no longer in memory (internal code 12)"
        }
        _ => return None,
    })
}
