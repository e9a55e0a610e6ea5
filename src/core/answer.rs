//! Classifying Monitoring API answers: success, retry, stale session or final error.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::error::Error;
use crate::core::http::{HttpAnswer, NetError};
use crate::core::ids::is_server_id;
use crate::core::json::{parse_int, Json};

/// Shortest pause after a 429 (the operations APIs ask for at least one second).
pub const MIN_THROTTLE_MS: u32 = 1_000;
/// Longest `Retry-After` honoured (longer hints are capped, not obeyed blindly).
const MAX_RETRY_AFTER_MS: u32 = 300_000;

/// What to do with one answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// 200 or 201 with a usable body. `created` is true on 201.
    Done {
        /// The server opened a new session.
        created: bool,
        /// The parsed body; `visitorId` and `sessionId` are present and valid.
        body: Json,
    },
    /// Worth another try after the retry pause (5xx, 202/38, 429, no answer).
    Retry {
        /// The error to report if no retry is left.
        error: Error,
        /// The server's minimum pause (429 / Retry-After).
        min_delay_ms: u32,
        /// "Loading account": the vid the retry must carry.
        vid: Option<String>,
    },
    /// A report was taken (any 2xx) but the answer names no usable ids: the pair sent stands.
    Accepted,
    /// 404/37 or 404/39: the pair sent is no longer valid.
    Stale(Error),
    /// Final: 4xx, or a 2xx that is not the expected JSON.
    Fail(Error),
}

/// The `internalCode` and `message` of an answer's parsed body ("" without a message).
pub fn code_and_message(body: Option<&Json>) -> (Option<i64>, &str) {
    let field = |name| body.and_then(|b| b.get(name));
    (
        field("internalCode").and_then(Json::as_i64),
        field("message").and_then(Json::as_str).unwrap_or_default(),
    )
}

/// Classifies a transport result; `report` when it answers a report, which any 2xx delivered
/// (the docs show ids in its answer, related APIs answer 200 or 204 with no body).
pub fn classify(result: &Result<HttpAnswer, NetError>, report: bool) -> Verdict {
    let a = match result {
        Ok(a) => a,
        Err(NetError::Failed) => {
            return retry(Error::Network(
                "the request failed (offline, or the server could not be reached)",
            ))
        }
        Err(NetError::Timeout) => return retry(Error::Network("the request timed out")),
    };
    let parsed = Json::parse(&a.body).ok();
    let (code, message) = code_and_message(parsed.as_ref());
    let error = |text: &str| Error::Http {
        status: a.status,
        internal_code: code,
        message: text.into(),
    };

    match (a.status, code) {
        // v=1.1 says "Loading account" this way.
        (202, Some(38)) => loading(error(message), parsed.as_ref(), message),
        (200..=299, _) => match parsed {
            Some(body) if a.status <= 201 && has_ids(&body) => Verdict::Done {
                created: a.status == 201,
                body,
            },
            _ if report => Verdict::Accepted,
            _ if a.status <= 201 => Verdict::Fail(error("the answer is not the expected JSON")),
            _ => Verdict::Fail(error("unexpected success status")),
        },
        (429, _) => Verdict::Retry {
            error: error(message),
            min_delay_ms: retry_after_ms(a.retry_after.as_deref()).max(MIN_THROTTLE_MS),
            vid: None,
        },
        (404, Some(37 | 39)) => Verdict::Stale(error(message)),
        (500, Some(20)) => loading(error(message), parsed.as_ref(), message),
        (500..=599, _) => Verdict::Retry {
            error: error(message),
            min_delay_ms: retry_after_ms(a.retry_after.as_deref()),
            vid: None,
        },
        _ => Verdict::Fail(error(message)),
    }
}

fn retry(error: Error) -> Verdict {
    Verdict::Retry {
        error,
        min_delay_ms: 0,
        vid: None,
    }
}

fn loading(error: Error, body: Option<&Json>, message: &str) -> Verdict {
    let field = body.and_then(|b| b.get("vid")).and_then(Json::as_str);
    let vid = field
        .or_else(|| vid_in_message(message))
        .filter(|v| is_server_id(v))
        .map(String::from);
    Verdict::Retry {
        error,
        min_delay_ms: 0,
        vid,
    }
}

/// The vid in `Loading account: 12345678, vid: XYZ`.
fn vid_in_message(message: &str) -> Option<&str> {
    let (_, after) = crate::core::text::split_once(message, "vid:")?;
    // The server writes ASCII; a byte scan needs no char decoding.
    let v = after.trim_ascii_start();
    let end = crate::core::text::span(v, |b| !(b == b',' || b == b';' || b.is_ascii_whitespace()));
    v.get(..end).filter(|s| !s.is_empty())
}

fn has_ids(body: &Json) -> bool {
    ["visitorId", "sessionId"]
        .iter()
        .all(|k| body.get(k).and_then(Json::as_str).is_some_and(is_server_id))
}

/// `Retry-After` in whole seconds, as milliseconds; HTTP dates and junk count as no hint.
pub(crate) fn retry_after_ms(header: Option<&str>) -> u32 {
    header
        .and_then(|h| parse_int(h.trim_ascii()))
        .filter(|s| *s >= 0)
        .map(|s| (s.min(i64::from(MAX_RETRY_AFTER_MS / 1000)) as u32) * 1000)
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Result<HttpAnswer, NetError> {
        Ok(HttpAnswer {
            status,
            body: body.into(),
            retry_after: None,
        })
    }

    const IDS: &str = r#"{"visitorId":"V1","sessionId":"S1","pageId":"1"}"#;

    /// The verdict on an engagement answer.
    fn classify_e(result: &Result<HttpAnswer, NetError>) -> Verdict {
        classify(result, false)
    }

    #[test]
    fn any_2xx_delivers_a_report() {
        for (status, body) in [(200, ""), (204, ""), (200, "{}"), (201, "null"), (202, "")] {
            assert_eq!(
                classify(&answer(status, body), true),
                Verdict::Accepted,
                "{status} {body}"
            );
        }
        assert!(matches!(
            classify(&answer(200, IDS), true),
            Verdict::Done { created: false, .. }
        ));
        assert!(
            matches!(
                classify(&answer(202, r#"{"internalCode":38}"#), true),
                Verdict::Retry { .. }
            ),
            "202/38 is still Loading account"
        );
        assert!(matches!(
            classify(&answer(200, ""), false),
            Verdict::Fail(_)
        ));
    }

    #[test]
    fn success_statuses() {
        assert!(matches!(
            classify_e(&answer(200, IDS)),
            Verdict::Done { created: false, .. }
        ));
        assert!(matches!(
            classify_e(&answer(201, IDS)),
            Verdict::Done { created: true, .. }
        ));
    }

    #[test]
    fn malformed_success_is_final_http_error() {
        for body in [
            "not json",
            "[]",
            r#"{"visitorId":"V1"}"#,
            r#"{"visitorId":"a/b","sessionId":"S"}"#,
            "",
        ] {
            match classify_e(&answer(200, body)) {
                Verdict::Fail(Error::Http { status: 200, .. }) => {}
                other => panic!("{body}: {other:?}"),
            }
        }
        assert!(matches!(classify_e(&answer(204, "")), Verdict::Fail(_)));
    }

    #[test]
    fn client_errors_are_final_with_internal_code() {
        let v = classify_e(&answer(
            400,
            r#"{"time":1,"message":"bad","internalCode":5}"#,
        ));
        assert_eq!(
            v,
            Verdict::Fail(Error::Http {
                status: 400,
                internal_code: Some(5),
                message: "bad".into()
            })
        );
        assert!(matches!(
            classify_e(&answer(404, r#"{"internalCode":18}"#)),
            Verdict::Fail(_)
        ));
        assert!(matches!(
            classify_e(&answer(403, "<html>")),
            Verdict::Fail(Error::Http {
                internal_code: None,
                ..
            })
        ));
    }

    #[test]
    fn stale_pairs() {
        assert!(matches!(
            classify_e(&answer(404, r#"{"internalCode":37}"#)),
            Verdict::Stale(_)
        ));
        assert!(matches!(
            classify_e(&answer(404, r#"{"internalCode":39}"#)),
            Verdict::Stale(_)
        ));
    }

    #[test]
    fn loading_account_carries_vid() {
        let from_message = classify_e(&answer(
            500,
            r#"{"message":"Loading account: 12345678, vid: Vx9","internalCode":20}"#,
        ));
        assert!(matches!(from_message, Verdict::Retry { vid: Some(ref v), .. } if v == "Vx9"));
        let from_field = classify_e(&answer(
            202,
            r#"{"message":"Loading account","internalCode":38,"vid":"F1"}"#,
        ));
        assert!(matches!(from_field, Verdict::Retry { vid: Some(ref v), .. } if v == "F1"));
        let hostile = classify_e(&answer(
            500,
            r#"{"message":"Loading account: 1, vid: a&sid=b","internalCode":20}"#,
        ));
        assert!(matches!(hostile, Verdict::Retry { vid: None, .. }));
    }

    #[test]
    fn server_errors_and_network_retry() {
        assert!(matches!(
            classify_e(&answer(503, "")),
            Verdict::Retry {
                min_delay_ms: 0,
                vid: None,
                ..
            }
        ));
        assert!(matches!(
            classify_e(&answer(500, r#"{"internalCode":18}"#)),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            classify_e(&Err(NetError::Failed)),
            Verdict::Retry {
                error: Error::Network(_),
                ..
            }
        ));
        assert!(matches!(
            classify_e(&Err(NetError::Timeout)),
            Verdict::Retry {
                error: Error::Network(_),
                ..
            }
        ));
    }

    #[test]
    fn throttling_waits_at_least_a_second() {
        let plain = classify_e(&answer(429, ""));
        assert!(matches!(
            plain,
            Verdict::Retry {
                min_delay_ms: 1000,
                ..
            }
        ));
        let hinted = classify_e(&Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: Some("3".into()),
        }));
        assert!(matches!(
            hinted,
            Verdict::Retry {
                min_delay_ms: 3000,
                ..
            }
        ));
        let huge = classify_e(&Ok(HttpAnswer {
            status: 503,
            body: String::new(),
            retry_after: Some("99999".into()),
        }));
        assert!(matches!(
            huge,
            Verdict::Retry {
                min_delay_ms: 300_000,
                ..
            }
        ));
        let date = classify_e(&Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
        }));
        assert!(matches!(
            date,
            Verdict::Retry {
                min_delay_ms: 1000,
                ..
            }
        ));
    }
}
