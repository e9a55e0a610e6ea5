//! What the agent-side endpoints (Visit Information, Engagement Activity) share: the credentials
//! check (a bearer token, or an OAuth 1.0a signature the emulator verifies), and
//! the little state they keep (requests in flight, nonces already used).

use std::collections::{HashSet, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::config::AgentConfig;
use crate::model::error::{ApiError, Status};
use crate::model::oauth;

/// How far an OAuth timestamp may be from the wall clock (the emulator clock is not used: tests
/// move it hours ahead to expire sessions).
const TIMESTAMP_SKEW_S: u64 = 15 * 60;
/// How many nonces are remembered against replays.
const NONCES_KEPT: usize = 10_000;

/// Runtime state of the agent endpoints; kept across `/__emulator/reset` (requests may be in
/// flight while a test resets).
#[derive(Debug, Default)]
pub struct AgentRuntime {
    /// Engagement Activity requests being answered.
    pub in_flight: usize,
    nonces: HashSet<String>,
    order: VecDeque<String>,
}

impl AgentRuntime {
    /// Remembers a nonce; false when it was seen before (a replay).
    pub fn first_use(&mut self, nonce: &str) -> bool {
        if !self.nonces.insert(nonce.to_owned()) {
            return false;
        }
        self.order.push_back(nonce.to_owned());
        while self.order.len() > NONCES_KEPT {
            if let Some(old) = self.order.pop_front() {
                self.nonces.remove(&old);
            }
        }
        true
    }
}

fn unauthorized(message: impl Into<String>) -> ApiError {
    ApiError::new(Status::UNAUTHORIZED, Some(10), message)
}

/// What the credentials check needs to know of a request.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub method: &'a str,
    /// The Host the client sent, if any.
    pub host: Option<&'a str>,
    pub path: &'a str,
    /// The raw query (without `?`), empty when there is none.
    pub query: &'a str,
    /// The `Authorization` header, if present and text.
    pub authorization: Option<&'a str>,
}

/// Checks the request's `Authorization`: the configured bearer token, or an OAuth 1.0a header
/// with the configured keys, a fresh timestamp, an unused nonce and a valid HMAC-SHA1 signature
/// over this very request. Anything else is 401 with internal code 10. `api_host` stands in for
/// a missing Host; `wall_s` is the wall clock in seconds (not the emulator clock: tests move that
/// hours ahead to expire sessions).
pub fn authorize(
    config: &AgentConfig,
    runtime: &mut AgentRuntime,
    request: &Credentials<'_>,
    api_host: &str,
    wall_s: u64,
) -> Result<(), ApiError> {
    let Some(value) = request.authorization else {
        return Err(unauthorized(
            "authorization required: a bearer token or an OAuth 1.0a signature",
        ));
    };
    if let Some(token) = value.strip_prefix("Bearer ") {
        return if token.trim() == config.bearer {
            Ok(())
        } else {
            Err(unauthorized("unknown bearer token"))
        };
    }
    let Some(params) = oauth::parse_header(value) else {
        return Err(unauthorized(
            "unsupported authorization scheme (use Bearer or OAuth)",
        ));
    };
    let get = |name: &str| oauth::param(&params, name).unwrap_or_default();
    if get("oauth_signature_method") != "HMAC-SHA1" {
        return Err(unauthorized("oauth_signature_method must be HMAC-SHA1"));
    }
    if !matches!(oauth::param(&params, "oauth_version"), None | Some("1.0")) {
        return Err(unauthorized("oauth_version must be 1.0"));
    }
    if get("oauth_consumer_key") != config.oauth_consumer_key
        || get("oauth_token") != config.oauth_token
    {
        return Err(unauthorized("unknown consumer key or token"));
    }
    match get("oauth_timestamp").parse::<u64>() {
        Ok(t) if t.abs_diff(wall_s) <= TIMESTAMP_SKEW_S => {}
        _ => {
            return Err(unauthorized(
                "oauth_timestamp is missing or too far from now",
            ))
        }
    }
    let nonce = get("oauth_nonce");
    if nonce.is_empty() {
        return Err(unauthorized("oauth_nonce is missing"));
    }
    // The URI the client addressed: the Host it sent (requests in tests may carry none).
    let host = request.host.unwrap_or(api_host).to_ascii_lowercase();
    let host = host.strip_suffix(":80").unwrap_or(&host);
    let base_uri = format!("http://{host}{}", request.path);
    let base = oauth::base_string(request.method, &base_uri, request.query, &params);
    if !oauth::verify(
        &config.oauth_consumer_secret,
        &config.oauth_token_secret,
        &base,
        get("oauth_signature"),
    ) {
        return Err(unauthorized(
            "the OAuth signature does not match the request",
        ));
    }
    if !runtime.first_use(nonce) {
        return Err(unauthorized("oauth_nonce was used before (replay)"));
    }
    Ok(())
}

/// The wall clock in seconds since the epoch.
pub fn wall_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_single_use_and_the_memory_is_bounded() {
        let mut rt = AgentRuntime::default();
        assert!(rt.first_use("a"));
        assert!(!rt.first_use("a"));
        for i in 0..NONCES_KEPT {
            assert!(rt.first_use(&i.to_string()));
        }
        assert_eq!(rt.order.len(), NONCES_KEPT);
        assert!(rt.first_use("a"), "the oldest nonce was forgotten");
    }
}
