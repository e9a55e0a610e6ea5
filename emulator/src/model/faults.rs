//! Canned misbehaviour: queued faults that matching requests consume in order.
//!
//! A fault can delay, answer an error (e.g. the "Loading account" 500/20), send a raw body, send a
//! 200 that is not JSON, or drop the connection without answering. Posted to `/__emulator/faults`.
//! This module checks and queues them and says what a request gets; `crate::http::faults` carries
//! that out on the wire.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::model::endpoint::Endpoint;
use crate::model::error::Status;

/// A fault as posted to `/__emulator/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultSpec {
    #[serde(rename = "match", default)]
    matcher: MatchSpec,
    times: Option<u32>,
    status: Option<u16>,
    internal_code: Option<i64>,
    /// `{vid}` becomes a fresh visitor id the emulator then accepts; `{account}` the account id.
    message: Option<String>,
    /// Raw text sent instead of a JSON error body (same placeholders as `message`).
    body: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, Value>,
    delay_ms: Option<u64>,
    #[serde(default)]
    drop: bool,
    #[serde(default)]
    malformed: bool,
    /// Also put the visitor id in a `vid` field of the error body, as newer servers do.
    #[serde(default)]
    vid_field: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchSpec {
    /// An endpoint name of the route table, or `any` (the default).
    endpoint: Option<String>,
    method: Option<String>,
}

/// What a fault does once its delay is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer normally (only the delay and extra headers apply).
    Pass,
    /// Close the connection without an answer.
    Drop,
    /// A 200 whose body starts like JSON and stops.
    Malformed,
    /// This text as the body.
    Raw { status: Status, body: String },
    /// An error body as the server shapes it.
    Error {
        status: Status,
        internal_code: Option<i64>,
        message: Option<String>,
        vid_field: bool,
    },
}

/// A queued fault.
#[derive(Debug, Clone)]
pub struct Fault {
    endpoint: Option<Endpoint>,
    /// Upper case.
    method: Option<String>,
    remaining: u32,
    pub delay: Duration,
    /// Extra answer headers, checked to be valid HTTP names and values.
    pub headers: Vec<(String, String)>,
    pub action: Action,
    /// The posted spec, shown by `GET /__emulator/faults`.
    spec: Value,
}

/// RFC 9110 token characters: what a header name or a method may be made of.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A header value: no control characters but tab.
fn is_header_value(text: &str) -> bool {
    text.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

impl Fault {
    /// Checks a posted spec against the endpoints the router has; the error text goes back to
    /// the poster.
    pub fn from_value(value: Value, endpoints: &[Endpoint]) -> Result<Self, String> {
        let spec: FaultSpec =
            serde_json::from_value(value.clone()).map_err(|e| format!("bad fault: {e}"))?;
        let remaining = spec.times.unwrap_or(1);
        if remaining == 0 {
            return Err("bad fault: times must be at least 1".to_owned());
        }
        let endpoint = match spec.matcher.endpoint.as_deref() {
            None | Some("any") => None,
            Some(name) => Some(Endpoint::find(endpoints, name).ok_or_else(|| {
                let names: Vec<&str> = endpoints.iter().map(|e| e.name()).collect();
                format!(
                    "bad fault: match.endpoint {name:?} is none of any, {}",
                    names.join(", ")
                )
            })?),
        };
        let method = match spec.matcher.method {
            Some(m) if is_token(&m) => Some(m.to_ascii_uppercase()),
            Some(_) => return Err("bad fault: match.method is not an HTTP method".to_owned()),
            None => None,
        };
        let status = spec
            .status
            .map(|s| Status::valid(s).ok_or("bad fault: status must be 100-999".to_owned()))
            .transpose()?;
        let mut headers = Vec::new();
        for (name, value) in &spec.headers {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !is_token(name) {
                return Err(format!("bad fault: header name {name:?}"));
            }
            if !is_header_value(&text) {
                return Err(format!("bad fault: header value {text:?}"));
            }
            headers.push((name.to_ascii_lowercase(), text));
        }
        let action = if spec.drop {
            Action::Drop
        } else if spec.malformed {
            Action::Malformed
        } else if let Some(body) = spec.body {
            Action::Raw {
                status: status.unwrap_or(Status::INTERNAL_SERVER_ERROR),
                body,
            }
        } else if status.is_some() || spec.internal_code.is_some() || spec.message.is_some() {
            Action::Error {
                status: status.unwrap_or(Status::INTERNAL_SERVER_ERROR),
                internal_code: spec.internal_code,
                message: spec.message,
                vid_field: spec.vid_field,
            }
        } else {
            Action::Pass
        };
        Ok(Self {
            endpoint,
            method,
            remaining,
            delay: Duration::from_millis(spec.delay_ms.unwrap_or(0)),
            headers,
            action,
            spec: value,
        })
    }

    fn matches(&self, endpoint: Endpoint, method: &str) -> bool {
        self.endpoint.is_none_or(|e| e == endpoint)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Faults waiting for requests, first posted first used.
#[derive(Debug, Default)]
pub struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        self.queue.push_back(fault);
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Uses up one application of the first fault matching the request.
    pub fn take(&mut self, endpoint: Endpoint, method: &str) -> Option<Fault> {
        let index = self
            .queue
            .iter()
            .position(|f| f.matches(endpoint, method))?;
        let fault = self.queue.get_mut(index)?;
        fault.remaining = fault.remaining.saturating_sub(1);
        let used = fault.clone();
        if fault.remaining == 0 {
            self.queue.remove(index);
        }
        Some(used)
    }

    /// Pending faults with the uses they have left.
    pub fn describe(&self) -> Vec<Value> {
        self.queue
            .iter()
            .map(|f| serde_json::json!({ "fault": f.spec, "remaining": f.remaining }))
            .collect()
    }
}

/// The message of an error fault that names none.
pub fn default_message(internal_code: Option<i64>, reason: Option<&str>) -> String {
    match internal_code {
        Some(20) => "Loading account: {account}, vid: {vid}".to_owned(),
        _ => reason.unwrap_or("emulated fault").to_owned(),
    }
}

/// Version 1.1 of the API reports a still-loading account as 202/38 rather than 500/20.
pub fn for_version(
    status: Status,
    internal_code: Option<i64>,
    version: Option<&str>,
) -> (Status, Option<i64>) {
    if version == Some("1.1")
        && internal_code == Some(20)
        && status == Status::INTERNAL_SERVER_ERROR
    {
        (Status::ACCEPTED, Some(38))
    } else {
        (status, internal_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENGAGEMENT: Endpoint = Endpoint::new("engagement");
    const REPORT: Endpoint = Endpoint::new("report");
    const KNOWN: &[Endpoint] = &[ENGAGEMENT, REPORT];

    #[test]
    fn queue_uses_faults_in_order_and_counts_times() {
        let mut queue = FaultQueue::default();
        let two = Fault::from_value(
            json!({"match": {"endpoint": "report"}, "times": 2, "status": 503}),
            KNOWN,
        );
        let any = Fault::from_value(json!({"status": 500}), KNOWN);
        for fault in [two, any] {
            assert!(fault.is_ok());
            if let Ok(f) = fault {
                queue.push(f);
            }
        }
        assert!(queue
            .take(ENGAGEMENT, "POST")
            .is_some_and(|f| f.endpoint.is_none()));
        assert!(queue.take(REPORT, "POST").is_some());
        assert!(queue.take(REPORT, "POST").is_some());
        assert!(queue.take(REPORT, "POST").is_none());
        assert!(queue.is_empty());
    }

    #[test]
    fn method_filter() {
        let mut queue = FaultQueue::default();
        if let Ok(f) = Fault::from_value(json!({"match": {"method": "put"}, "drop": true}), KNOWN) {
            queue.push(f);
        }
        assert_eq!(queue.len(), 1);
        assert!(queue.take(REPORT, "POST").is_none());
        assert!(queue.take(REPORT, "PUT").is_some());
    }

    #[test]
    fn bad_specs_are_refused() {
        assert!(Fault::from_value(json!({"times": 0}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"status": 42}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"match": {"endpoint": "nope"}}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"match": {"endpoint": "csds"}}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"match": {"method": "P T"}}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"stauts": 500}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"headers": {"Bad Name": "x"}}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"headers": {"X-A": "a\nb"}}), KNOWN).is_err());
        assert!(Fault::from_value(json!({"headers": {"Retry-After": 2}}), KNOWN).is_ok());
        assert!(Fault::from_value(json!({"match": {"endpoint": "any"}}), KNOWN).is_ok());
    }

    #[test]
    fn loading_account_becomes_202_38_in_version_1_1() {
        let s500 = Status::INTERNAL_SERVER_ERROR;
        assert_eq!(
            for_version(s500, Some(20), Some("1.1")),
            (Status::ACCEPTED, Some(38))
        );
        assert_eq!(for_version(s500, Some(20), Some("1.0")), (s500, Some(20)));
        assert_eq!(for_version(s500, Some(5), Some("1.1")), (s500, Some(5)));
    }
}
