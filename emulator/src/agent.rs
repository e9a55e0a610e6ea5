//! What the agent-side endpoints (Visit Information, Engagement Activity) share: their flags,
//! the credentials check (a bearer token, or an OAuth 1.0a signature the emulator verifies), and
//! the little state they keep (requests in flight, nonces already used).

use std::collections::{HashSet, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use clap::Args;

use crate::answer::ApiError;
use crate::oauth;
use crate::state::AppState;

/// Agent API credentials and limits (test values: the emulator is not a place for real secrets).
#[derive(Debug, Clone, Args)]
pub struct AgentFlags {
    /// Bearer token the agent APIs (Visit Information, Engagement Activity) accept. The site
    /// listener fills it into pages as %LPMON_AGENT_TOKEN% for the ops dashboard.
    #[arg(long, default_value = "emulator-agent-token")]
    pub agent_bearer: String,

    /// OAuth 1.0a consumer key (app key) the agent APIs accept; requests must be signed with
    /// HMAC-SHA1 and are verified.
    #[arg(long, default_value = "emulator-consumer-key")]
    pub oauth_consumer_key: String,

    /// Secret of --oauth-consumer-key.
    #[arg(long, default_value = "emulator-consumer-secret")]
    pub oauth_consumer_secret: String,

    /// OAuth 1.0a access token the agent APIs accept.
    #[arg(long, default_value = "emulator-access-token")]
    pub oauth_token: String,

    /// Secret of --oauth-token.
    #[arg(long, default_value = "emulator-token-secret")]
    pub oauth_token_secret: String,

    /// Engagement Activity requests answered at the same time; one more gets 429 with
    /// `Retry-After: 1`.
    #[arg(long, default_value_t = 4)]
    pub engactivity_max_concurrent: usize,

    /// How long each Engagement Activity request takes (ms), so that concurrency is real.
    #[arg(long, default_value_t = 50)]
    pub engactivity_latency_ms: u64,
}

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
    fn first_use(&mut self, nonce: &str) -> bool {
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
    ApiError::new(StatusCode::UNAUTHORIZED, Some(10), message)
}

/// Checks the request's `Authorization`: the configured bearer token, or an OAuth 1.0a header
/// with the configured keys, a fresh timestamp, an unused nonce and a valid HMAC-SHA1 signature
/// over this very request. Anything else is 401 with internal code 10.
pub fn authorize(
    app: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let flags = &app.settings().agent;
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized(
            "authorization required: a bearer token or an OAuth 1.0a signature",
        ));
    };
    if let Some(token) = value.strip_prefix("Bearer ") {
        return if token.trim() == flags.agent_bearer {
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
    if get("oauth_consumer_key") != flags.oauth_consumer_key
        || get("oauth_token") != flags.oauth_token
    {
        return Err(unauthorized("unknown consumer key or token"));
    }
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    match get("oauth_timestamp").parse::<u64>() {
        Ok(t) if t.abs_diff(wall) <= TIMESTAMP_SKEW_S => {}
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
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(&app.settings().api_host);
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix(":80").unwrap_or(&host);
    let base_uri = format!("http://{host}{}", uri.path());
    let base = oauth::base_string(
        method.as_str(),
        &base_uri,
        uri.query().unwrap_or(""),
        &params,
    );
    if !oauth::verify(
        &flags.oauth_consumer_secret,
        &flags.oauth_token_secret,
        &base,
        get("oauth_signature"),
    ) {
        return Err(unauthorized(
            "the OAuth signature does not match the request",
        ));
    }
    if !app.lock().agent.first_use(nonce) {
        return Err(unauthorized("oauth_nonce was used before (replay)"));
    }
    Ok(())
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
