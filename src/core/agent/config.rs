//! `createAgentClient` configuration, checked before anything is loaded or sent.
//!
//! It lives outside the `agent` feature on purpose: the consumer wasm runs this check
//! synchronously, so `createAgentClient` throws a `config` error at once even though the agent
//! wasm itself is only fetched on the first call.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::fmt;

use crate::core::config::{self, origin, DEFAULT_CSDS, DEFAULT_TIMEOUT_MS};
use crate::core::error::Error;
use crate::core::ids;
use crate::core::json::Json;

/// Default pauses before retrying a 429, a 5xx or a network failure: agent tools poll, so they
/// give up sooner than a brand page does.
pub const DEFAULT_AGENT_DELAYS_MS: [u32; 3] = [1_000, 3_000, 10_000];
/// Longest per-request timeout accepted (one hour).
const MAX_TIMEOUT_MS: i64 = 3_600_000;

/// A checked agent client configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentConfig {
    /// The LivePerson account (site) id.
    pub account_id: String,
    /// Origin of the `smt` service (Visit Information), or None to ask CSDS.
    pub domain: Option<String>,
    /// Origin of the `leDataReporting` service (Engagement Activity), or None to ask CSDS.
    pub reporting_domain: Option<String>,
    /// Origin of CSDS.
    pub csds: String,
    /// How requests are authorised.
    pub auth: Auth,
    /// Pause before each retry; its length is the number of retries.
    pub retry_delays_ms: Vec<u32>,
    /// Per-request timeout.
    pub timeout_ms: u32,
}

/// The credentials of the agent APIs.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer …`, e.g. a token the brand's server obtained from the login API.
    Bearer(String),
    /// OAuth 1.0a (an API key of the account), every request signed with HMAC-SHA1.
    OAuth(OAuthKeys),
}

/// The four values of an OAuth 1.0a API key.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthKeys {
    /// App key (`oauth_consumer_key`).
    pub consumer_key: String,
    /// Secret of the app key.
    pub consumer_secret: String,
    /// Access token (`oauth_token`).
    pub token: String,
    /// Secret of the access token.
    pub token_secret: String,
}

// Secrets stay out of debug output (logs, panics in tests, error reports).
impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::OAuth(k) => f
                .debug_struct("OAuth")
                .field("consumer_key", &k.consumer_key)
                .finish_non_exhaustive(),
        }
    }
}

impl AgentConfig {
    /// Reads the config object; every problem is a `config` error (messages never echo secrets).
    pub fn from_json(v: &Json) -> Result<AgentConfig, Error> {
        if v.as_obj().is_none() {
            return Err(Error::config(&["createAgentClient needs a config object"]));
        }
        let account_id = match v.get("accountId") {
            Some(Json::Str(s)) => String::from(crate::core::text::trim(s)),
            // Account ids are often written as numbers in page code.
            Some(Json::Num(n)) => n.clone(),
            _ => return Err(Error::config(&["accountId is required"])),
        };
        if !ids::is_account_id(&account_id) {
            return Err(Error::config(&[
                "accountId must be 1-64 letters, digits, '_' or '-'",
            ]));
        }
        let domain = optional_origin(v, "domain")?;
        let reporting_domain = optional_origin(v, "reportingDomain")?;
        let csds = optional_origin(v, "csds")?.unwrap_or_else(|| DEFAULT_CSDS.into());
        let auth = auth(v.get("auth"))?;
        let retry_delays_ms = match v.get("retry").filter(|r| !r.is_null()) {
            None => DEFAULT_AGENT_DELAYS_MS.to_vec(),
            Some(r) => config::delays(r)?,
        };
        let timeout_ms = match v.get("timeoutMs").filter(|t| !t.is_null()) {
            None => DEFAULT_TIMEOUT_MS,
            Some(t) => match t.as_i64() {
                Some(n) if (1..=MAX_TIMEOUT_MS).contains(&n) => n as u32,
                _ => {
                    return Err(Error::config(&[
                        "timeoutMs must be a positive integer (ms)",
                    ]))
                }
            },
        };
        Ok(AgentConfig {
            account_id,
            domain,
            reporting_domain,
            csds,
            auth,
            retry_delays_ms,
            timeout_ms,
        })
    }
}

fn optional_origin(v: &Json, key: &str) -> Result<Option<String>, Error> {
    match v.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => origin(key, s).map(Some),
        Some(_) => Err(Error::config(&[key, " must be a string"])),
    }
}

const AUTH_SHAPE: &str =
    "auth must be { bearer } or { consumerKey, consumerSecret, token, tokenSecret }";

fn auth(v: Option<&Json>) -> Result<Auth, Error> {
    let Some(a) = v.filter(|a| a.as_obj().is_some()) else {
        return Err(Error::config(&[AUTH_SHAPE]));
    };
    let text = |key: &str| -> Result<Option<String>, Error> {
        match a.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Str(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(Error::config(&[
                "auth.",
                key,
                " must be a non-empty string",
            ])),
        }
    };
    const OAUTH: [&str; 4] = ["consumerKey", "consumerSecret", "token", "tokenSecret"];
    let bearer = text("bearer")?;
    let keys = OAUTH
        .iter()
        .map(|k| text(k))
        .collect::<Result<Vec<_>, _>>()?;
    let given = keys.iter().filter(|k| k.is_some()).count();
    match (bearer, given) {
        (Some(_), 1..) => Err(Error::config(&[
            "auth: give either bearer or the OAuth keys, not both",
        ])),
        (Some(token), 0) => {
            // A header value: visible ASCII only, so it cannot split or smuggle headers.
            if token.bytes().all(|b| (0x21..0x7f).contains(&b)) {
                Ok(Auth::Bearer(token))
            } else {
                Err(Error::config(&[
                    "auth.bearer must be a token of visible ASCII characters (no spaces)",
                ]))
            }
        }
        (None, 4) => {
            let mut k = keys.into_iter().flatten();
            let mut next = || k.next().unwrap_or_default();
            Ok(Auth::OAuth(OAuthKeys {
                consumer_key: next(),
                consumer_secret: next(),
                token: next(),
                token_secret: next(),
            }))
        }
        (None, 1..) => {
            let missing = OAUTH
                .iter()
                .zip(&keys)
                .find(|(_, k)| k.is_none())
                .map_or("", |(name, _)| *name);
            Err(Error::config(&[
                "auth: OAuth needs all of consumerKey, consumerSecret, token and tokenSecret (",
                missing,
                " is missing)",
            ]))
        }
        (None, _) => Err(Error::config(&[AUTH_SHAPE])),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<AgentConfig, Error> {
        AgentConfig::from_json(&Json::parse(text).unwrap())
    }

    #[test]
    fn bearer_config_with_defaults() {
        let c = cfg(r#"{"accountId":12345678,"auth":{"bearer":"abc.def-1"}}"#).unwrap();
        assert_eq!(c.account_id, "12345678");
        assert_eq!(c.domain, None);
        assert_eq!(c.reporting_domain, None);
        assert_eq!(c.csds, DEFAULT_CSDS);
        assert_eq!(c.auth, Auth::Bearer("abc.def-1".into()));
        assert_eq!(c.retry_delays_ms, DEFAULT_AGENT_DELAYS_MS.to_vec());
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
    }

    #[test]
    fn oauth_config_with_domains() {
        let c = cfg(r#"{"accountId":"1","domain":"lo.v.liveperson.net","reportingDomain":"http://127.0.0.1:9",
            "csds":"http://localhost:4","retry":{"delaysMs":[5]},"timeoutMs":300,
            "auth":{"consumerKey":"ck","consumerSecret":"cs","token":"t","tokenSecret":"ts"}}"#)
        .unwrap();
        assert_eq!(c.domain.as_deref(), Some("https://lo.v.liveperson.net"));
        assert_eq!(c.reporting_domain.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(c.csds, "http://localhost:4");
        assert_eq!(c.retry_delays_ms, vec![5]);
        assert_eq!(c.timeout_ms, 300);
        let Auth::OAuth(k) = &c.auth else {
            panic!("not oauth")
        };
        assert_eq!(
            (
                k.consumer_key.as_str(),
                k.consumer_secret.as_str(),
                k.token.as_str(),
                k.token_secret.as_str()
            ),
            ("ck", "cs", "t", "ts")
        );
    }

    #[test]
    fn bad_configs_are_config_errors() {
        for bad in [
            "null",
            "[]",
            r#"{"auth":{"bearer":"x"}}"#,
            r#"{"accountId":"1/2","auth":{"bearer":"x"}}"#,
            r#"{"accountId":"1"}"#,
            r#"{"accountId":"1","auth":"x"}"#,
            r#"{"accountId":"1","auth":{}}"#,
            r#"{"accountId":"1","auth":{"bearer":""}}"#,
            r#"{"accountId":"1","auth":{"bearer":"a b"}}"#,
            r#"{"accountId":"1","auth":{"bearer":"a\nb"}}"#,
            r#"{"accountId":"1","auth":{"bearer":5}}"#,
            r#"{"accountId":"1","auth":{"consumerKey":"a","consumerSecret":"b","token":"c"}}"#,
            r#"{"accountId":"1","auth":{"bearer":"x","consumerKey":"a"}}"#,
            r#"{"accountId":"1","auth":{"bearer":"x"},"domain":"http://example.com"}"#,
            r#"{"accountId":"1","auth":{"bearer":"x"},"reportingDomain":"https://h/path"}"#,
            r#"{"accountId":"1","auth":{"bearer":"x"},"csds":7}"#,
            r#"{"accountId":"1","auth":{"bearer":"x"},"retry":{"delaysMs":[-1]}}"#,
            r#"{"accountId":"1","auth":{"bearer":"x"},"timeoutMs":0}"#,
        ] {
            assert_eq!(cfg(bad).unwrap_err().kind(), "config", "{bad}");
        }
    }

    #[test]
    fn messages_name_the_problem_and_never_the_secret() {
        let e = cfg(
            r#"{"accountId":"1","auth":{"consumerKey":"a","consumerSecret":"S3CRET","token":"c"}}"#,
        )
        .unwrap_err();
        assert!(e.message().contains("tokenSecret is missing"), "{e:?}");
        assert!(!e.message().contains("S3CRET"));
        let c = cfg(r#"{"accountId":"1","auth":{"consumerKey":"a","consumerSecret":"S3CRET","token":"c","tokenSecret":"T0P"}}"#)
            .unwrap();
        let debug = ::std::format!("{c:?}");
        assert!(
            !debug.contains("S3CRET") && !debug.contains("T0P"),
            "{debug}"
        );
        let b = ::std::format!(
            "{:?}",
            cfg(r#"{"accountId":"1","auth":{"bearer":"B34RER"}}"#).unwrap()
        );
        assert!(!b.contains("B34RER"), "{b}");
    }
}
