//! `createMonitor` configuration: parsed from the JSON text of the JS object and checked before
//! anything is sent.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::consent::Consent;
use crate::core::error::Error;
use crate::core::ids;
use crate::core::json::Json;
use crate::core::text::{concat, split_once, trim};

/// The CSDS origin used when the config names none.
pub const DEFAULT_CSDS: &str = "https://api.liveperson.net";
/// The documented retry pauses: 3, 10, 30 and 90 seconds.
pub const DEFAULT_DELAYS_MS: [u32; 4] = [3_000, 10_000, 30_000, 90_000];
/// How long one request may take before it is aborted.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Longest single retry pause accepted from the config (one hour).
const MAX_DELAY_MS: i64 = 3_600_000;

/// A checked monitor configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The LivePerson account (site) id.
    pub account_id: String,
    /// The app key of the conversation source.
    pub app_installation_id: String,
    /// Origin of the Monitoring API (`https://host`), or None to look it up through CSDS.
    pub domain: Option<String>,
    /// Origin of CSDS.
    pub csds: String,
    /// Pause before each retry; its length is the number of retries.
    pub retry_delays_ms: Vec<u32>,
    /// Per-request timeout.
    pub timeout_ms: u32,
    /// `storage: 'memory'`: never touch localStorage.
    pub memory_only: bool,
    /// `consent`: what the page says before `setConsent` (default granted).
    pub consent: Consent,
    /// `respectGlobalPrivacyControl: true`: a browser sending GPC counts as denied.
    pub respect_gpc: bool,
    /// The localStorage key of this account + app's state (made once: it is used on every call).
    key: String,
}

impl Config {
    /// Reads the config object; every problem is a `config` error.
    pub fn from_json(v: &Json) -> Result<Config, Error> {
        if v.as_obj().is_none() {
            return Err(Error::config(&["createMonitor needs a config object"]));
        }
        let account_id = required_str(v, "accountId")?;
        if !ids::is_account_id(&account_id) {
            return Err(Error::config(&[
                "accountId must be 1-64 letters, digits, '_' or '-'",
            ]));
        }
        let app_installation_id = required_str(v, "appInstallationId")?;
        if !ids::is_app_installation_id(&app_installation_id) {
            return Err(Error::config(&[
                "appInstallationId must be 1-64 letters, digits or '-'",
            ]));
        }
        let domain = match optional_str(v, "domain")? {
            Some(d) => Some(origin("domain", &d)?),
            None => None,
        };
        let csds = match optional_str(v, "csds")? {
            Some(c) => origin("csds", &c)?,
            None => DEFAULT_CSDS.into(),
        };
        let retry_delays_ms = match v.get("retry").filter(|r| !r.is_null()) {
            None => DEFAULT_DELAYS_MS.to_vec(),
            Some(r) => delays(r)?,
        };
        let timeout_ms = match v.get("timeoutMs").filter(|t| !t.is_null()) {
            None => DEFAULT_TIMEOUT_MS,
            Some(t) => match t.as_i64() {
                Some(n) if (1..=MAX_DELAY_MS).contains(&n) => n as u32,
                _ => {
                    return Err(Error::config(&[
                        "timeoutMs must be a positive integer (ms)",
                    ]))
                }
            },
        };
        let memory_only = match optional_str(v, "storage")?.as_deref() {
            None | Some("local") => false,
            Some("memory") => true,
            Some(_) => return Err(Error::config(&["storage must be 'local' or 'memory'"])),
        };
        let consent = match optional_str(v, "consent")?.as_deref() {
            None | Some("granted") => Consent::Granted,
            Some("pending") => Consent::Pending,
            Some("denied") => Consent::Denied,
            Some(_) => {
                return Err(Error::config(&[
                    "consent must be 'granted', 'pending' or 'denied'",
                ]))
            }
        };
        let respect_gpc = match v.get("respectGlobalPrivacyControl") {
            None | Some(Json::Null) => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => {
                return Err(Error::config(&[
                    "respectGlobalPrivacyControl must be true or false",
                ]))
            }
        };
        Ok(Config {
            key: concat(&["lpmon:", &account_id, ":", &app_installation_id]),
            account_id,
            app_installation_id,
            domain,
            csds,
            retry_delays_ms,
            timeout_ms,
            memory_only,
            consent,
            respect_gpc,
        })
    }

    /// The consent a new monitor starts with; `gpc` is the browser's Global Privacy Control.
    pub fn initial_consent(&self, gpc: bool) -> Consent {
        if self.respect_gpc && gpc {
            Consent::Denied
        } else {
            self.consent
        }
    }

    /// The localStorage key of this account + app's state.
    pub fn state_key(&self) -> &str {
        &self.key
    }
}

fn required_str(v: &Json, key: &str) -> Result<String, Error> {
    match optional_str(v, key)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::config(&[key, " is required"])),
    }
}

fn optional_str(v: &Json, key: &str) -> Result<Option<String>, Error> {
    match v.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => Ok(Some(trim(s).into())),
        // Account ids are often written as numbers in page code.
        Some(Json::Num(n)) if key == "accountId" => Ok(Some(n.clone())),
        Some(_) => Err(Error::config(&[key, " must be a string"])),
    }
}

/// `retry.delaysMs`: at most 16 pauses of 0 to 3 600 000 ms.
pub(crate) fn delays(r: &Json) -> Result<Vec<u32>, Error> {
    let list = r.get("delaysMs").and_then(Json::as_arr);
    let Some(list) = list else {
        return Err(Error::config(&[
            "retry.delaysMs must be an array of milliseconds",
        ]));
    };
    if list.len() > 16 {
        return Err(Error::config(&["retry.delaysMs allows at most 16 retries"]));
    }
    let mut out = Vec::with_capacity(list.len());
    for d in list {
        match d.as_i64() {
            Some(n) if (0..=MAX_DELAY_MS).contains(&n) => out.push(n as u32),
            _ => {
                return Err(Error::config(&[
                    "retry.delaysMs entries must be integers from 0 to 3600000",
                ]))
            }
        }
    }
    Ok(out)
}

/// Turns a configured `domain`/`csds` into an origin: a bare host means https; a full origin may
/// use http only for a loopback host. Paths, credentials, queries and fragments are refused.
pub fn origin(what: &str, input: &str) -> Result<String, Error> {
    let input = trim(input);
    let (scheme, rest) = match split_once(input, "://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("https".into(), input),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
    let Some(host) = authority_host(&authority) else {
        return Err(Error::config(&[
            what,
            " must be a host name or an origin like https://host[:port]",
        ]));
    };
    match scheme.as_str() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(Error::config(&[
                what,
                ": http is allowed only for loopback hosts",
            ]))
        }
        _ => return Err(Error::config(&[what, " must use https"])),
    }
    Ok(concat(&[scheme.as_str(), "://", &authority]))
}

/// The origin for a host named by CSDS: https, except http for loopback (the local emulator).
pub fn origin_for_base_uri(base: &str) -> Option<String> {
    let base = trim(base).to_ascii_lowercase();
    let scheme = if is_loopback(authority_host(&base)?) {
        "http://"
    } else {
        "https://"
    };
    Some(concat(&[scheme, &base]))
}

/// The host of `host[:port]` (given in lower case), or None when it is not a plain, valid
/// authority.
fn authority_host(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = split_once(rest, "]")?;
        if inside.is_empty()
            || !crate::core::text::all(inside, |b| b.is_ascii_hexdigit() || b == b':')
        {
            return None;
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (authority.get(..inside.len() + 2)?, port)
    } else {
        match split_once(authority, ":") {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port {
        let n = crate::core::json::parse_int(p)?;
        if p.starts_with('-') || p.starts_with('0') || !(1..=65_535).contains(&n) {
            return None;
        }
    }
    if host.starts_with('[') {
        return Some(host);
    }
    let ok_label = |l: &[u8]| {
        !l.is_empty()
            && l.len() <= 63
            && l.first() != Some(&b'-')
            && l.last() != Some(&b'-')
            && l.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    };
    (host.len() <= 253 && labels(host).all(ok_label)).then_some(host)
}

/// localhost, *.localhost, 127.0.0.0/8 and [::1].
pub fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") || host == "[::1]" {
        return true;
    }
    let mut parts = labels(host);
    if parts.next() != Some(b"127") {
        return false;
    }
    // Three more parts, each a number up to 255 (leading zeros allowed).
    let octet = |p: &[u8]| {
        !p.is_empty()
            && p.len() <= 18
            && p.iter().all(u8::is_ascii_digit)
            && p.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) <= 255
    };
    parts.clone().count() == 3 && parts.all(octet)
}

/// The dot-separated labels of a host name, as bytes (no char-pattern searcher in the wasm).
fn labels(host: &str) -> impl Iterator<Item = &[u8]> + Clone {
    host.as_bytes().split(|b| *b == b'.')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<Config, Error> {
        Config::from_json(&Json::parse(text).unwrap())
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("d", "va.v.liveperson.net").unwrap(),
            "https://va.v.liveperson.net"
        );
        assert_eq!(
            origin("d", "https://VA.v.liveperson.net/").unwrap(),
            "https://va.v.liveperson.net"
        );
        assert_eq!(
            origin("d", "http://127.0.0.1:8031").unwrap(),
            "http://127.0.0.1:8031"
        );
        assert_eq!(
            origin("d", "http://localhost:1").unwrap(),
            "http://localhost:1"
        );
        assert_eq!(
            origin("d", "http://[::1]:8031").unwrap(),
            "http://[::1]:8031"
        );
        assert_eq!(
            origin("d", "127.0.0.1:8031").unwrap(),
            "https://127.0.0.1:8031"
        );
        assert_eq!(
            origin("d", "http://127.000.0.01").unwrap(),
            "http://127.000.0.01"
        );
        for bad in [
            "http://va.v.liveperson.net",
            "http://127.0.0.1.evil.com",
            "ftp://host",
            "https://host/path",
            "https://user@host",
            "host:0",
            "host:65536",
            "host:80x",
            "ho st",
            "",
            "https://",
            "-bad-.com",
            "http://128.0.0.1",
            "http://127.0.0.256",
            "http://127.0.0",
            "http://127.0.0.1.2",
            "http://127.0.-1.1",
            "a..b",
        ] {
            let e = origin("domain", bad).unwrap_err();
            assert_eq!(e.kind(), "config", "{bad}");
        }
    }

    #[test]
    fn base_uri_scheme() {
        assert_eq!(
            origin_for_base_uri("va.v.liveperson.net").unwrap(),
            "https://va.v.liveperson.net"
        );
        assert_eq!(
            origin_for_base_uri("127.0.0.1:8031").unwrap(),
            "http://127.0.0.1:8031"
        );
        assert_eq!(origin_for_base_uri("evil.com/x"), None);
    }

    #[test]
    fn full_config() {
        let c = cfg(r#"{"accountId":"12345678","appInstallationId":"8de29e3d-25b1","domain":"http://127.0.0.1:9",
            "retry":{"delaysMs":[5,0]},"timeoutMs":250,"storage":"memory","csds":"http://localhost:4",
            "consent":"pending","respectGlobalPrivacyControl":true}"#)
        .unwrap();
        assert_eq!(c.consent, Consent::Pending);
        assert_eq!(c.initial_consent(false), Consent::Pending);
        assert_eq!(c.initial_consent(true), Consent::Denied, "GPC respected");
        assert_eq!(c.domain.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(c.retry_delays_ms, vec![5, 0]);
        assert_eq!(c.timeout_ms, 250);
        assert!(c.memory_only);
        assert_eq!(c.csds, "http://localhost:4");
        assert_eq!(c.state_key(), "lpmon:12345678:8de29e3d-25b1");
    }

    #[test]
    fn defaults() {
        let c = cfg(r#"{"accountId":12345678,"appInstallationId":"a"}"#).unwrap();
        assert_eq!(c.account_id, "12345678");
        assert_eq!(c.domain, None);
        assert_eq!(c.csds, DEFAULT_CSDS);
        assert_eq!(c.retry_delays_ms, DEFAULT_DELAYS_MS.to_vec());
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert!(!c.memory_only);
        assert_eq!(c.initial_consent(true), Consent::Granted, "GPC is opt-in");
    }

    #[test]
    fn config_errors() {
        for bad in [
            "null",
            "{}",
            r#"{"appInstallationId":"a"}"#,
            r#"{"accountId":"1"}"#,
            r#"{"accountId":"","appInstallationId":"a"}"#,
            r#"{"accountId":"1/2","appInstallationId":"a"}"#,
            r#"{"accountId":"1","appInstallationId":"a b"}"#,
            r#"{"accountId":"1","appInstallationId":"a","domain":"http://example.com"}"#,
            r#"{"accountId":"1","appInstallationId":"a","domain":5}"#,
            r#"{"accountId":"1","appInstallationId":"a","retry":{"delaysMs":[-1]}}"#,
            r#"{"accountId":"1","appInstallationId":"a","retry":{"delaysMs":[1.5]}}"#,
            r#"{"accountId":"1","appInstallationId":"a","retry":[]}"#,
            r#"{"accountId":"1","appInstallationId":"a","storage":"session"}"#,
            r#"{"accountId":"1","appInstallationId":"a","timeoutMs":0}"#,
            r#"{"accountId":"1","appInstallationId":"a","consent":"maybe"}"#,
            r#"{"accountId":"1","appInstallationId":"a","consent":true}"#,
            r#"{"accountId":"1","appInstallationId":"a","respectGlobalPrivacyControl":"yes"}"#,
        ] {
            assert_eq!(cfg(bad).unwrap_err().kind(), "config", "{bad}");
        }
    }
}
