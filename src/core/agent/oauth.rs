//! OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 §3), as the agent APIs' API keys need.
//!
//! Every request gets its own timestamp and nonce; the signature covers the method, the URL
//! without its query, and every query and protocol parameter, each percent-encoded by §3.6.

#[allow(unused_imports)]
use crate::prelude::*;

use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

use crate::core::agent::config::OAuthKeys;
use crate::core::error::Error;
use crate::core::json::uint_text;

/// RFC 5849 §3.6: everything but ALPHA, DIGIT, `-`, `.`, `_` and `~` is encoded.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The signature method lpmon uses.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// Percent-encodes by RFC 5849 §3.6 (upper-case hex, UTF-8).
pub fn encode(s: &str) -> String {
    // Collected, not `to_string()`: no formatting machinery in the wasm.
    utf8_percent_encode(s, RFC3986).collect()
}

/// Decodes a query component as `application/x-www-form-urlencoded` (`+` is a space).
fn form_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// The base string URI (§3.4.1.2) and the query of `url`: scheme and host lower-cased, the
/// default port dropped, an empty path written `/`, the fragment ignored.
fn split_url(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = rest.split('#').next().unwrap_or_default();
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match before_query.find('/') {
        Some(at) => before_query.split_at(at),
        None => (before_query, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(([scheme.as_str(), "://", host, path].concat(), query))
}

/// The parameters of a query string, decoded.
fn query_params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// The signature base string (§3.4.1) of a request to `url` with these protocol parameters and
/// any extra (form body) parameters; None when `url` is not an absolute http(s) URL.
pub fn base_string(
    method: &str,
    url: &str,
    protocol: &[(&str, String)],
    extra: &[(&str, &str)],
) -> Option<String> {
    let (base_uri, query) = split_url(url)?;
    let mut params: Vec<(String, String)> = query_params(query)
        .into_iter()
        .chain(protocol.iter().map(|(k, v)| ((*k).into(), v.clone())))
        .chain(extra.iter().map(|(k, v)| ((*k).into(), (*v).into())))
        .map(|(k, v)| (encode(&k), encode(&v)))
        .collect();
    params.sort();
    let normalized = params
        .iter()
        .map(|(k, v)| [k.as_str(), "=", v.as_str()].concat())
        .collect::<Vec<_>>()
        .join("&");
    Some(
        [
            &method.to_ascii_uppercase(),
            "&",
            &encode(&base_uri),
            "&",
            &encode(&normalized),
        ]
        .concat(),
    )
}

/// HMAC-SHA1 of the base string with the key `consumerSecret&tokenSecret`, in base64 (§3.4.2).
pub fn signature(consumer_secret: &str, token_secret: &str, base: &str) -> String {
    let key = [encode(consumer_secret), encode(token_secret)].join("&");
    // HMAC takes keys of any length, so this cannot fail.
    let mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).map(|mut m| {
        m.update(base.as_bytes());
        m.finalize().into_bytes()
    });
    match mac {
        Ok(bytes) => base64::engine::general_purpose::STANDARD.encode(bytes),
        Err(_) => String::new(),
    }
}

/// The `Authorization` header value for a request, signed with `keys`: `OAuth
/// oauth_consumer_key="…", oauth_nonce="…", oauth_signature="…", …, oauth_version="1.0"`.
pub fn authorization(
    keys: &OAuthKeys,
    method: &str,
    url: &str,
    timestamp_s: u64,
    nonce: &str,
) -> Result<String, Error> {
    let protocol = protocol_params(keys, timestamp_s, nonce, true);
    header(keys, method, url, protocol)
}

fn protocol_params(
    keys: &OAuthKeys,
    timestamp_s: u64,
    nonce: &str,
    version: bool,
) -> Vec<(&'static str, String)> {
    let mut p = vec![
        ("oauth_consumer_key", keys.consumer_key.clone()),
        ("oauth_nonce", nonce.into()),
        ("oauth_signature_method", SIGNATURE_METHOD.into()),
        ("oauth_timestamp", uint_text(timestamp_s)),
        ("oauth_token", keys.token.clone()),
    ];
    if version {
        p.push(("oauth_version", "1.0".into()));
    }
    p
}

fn header(
    keys: &OAuthKeys,
    method: &str,
    url: &str,
    mut protocol: Vec<(&'static str, String)>,
) -> Result<String, Error> {
    let base = base_string(method, url, &protocol, &[])
        .ok_or_else(|| Error::invalid(&["cannot sign a request to a URL that is not http(s)"]))?;
    let sig = signature(&keys.consumer_secret, &keys.token_secret, &base);
    protocol.push(("oauth_signature", sig));
    protocol.sort();
    let fields = protocol
        .iter()
        .map(|(k, v)| [*k, "=\"", &encode(v), "\""].concat())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(["OAuth ", &fields].concat())
}

/// A nonce from 16 random bytes, as 32 hex digits.
pub fn nonce(random: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::new();
    for b in random {
        for nibble in [b >> 4, b & 0xF] {
            out.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RFC 5849 §3.4.1.1: the signature base string of the example request (the form body
    /// `c2&a3=2+q` contributes `c2=` and `a3=2 q`).
    #[test]
    fn rfc5849_base_string_example() {
        let protocol = [
            ("oauth_consumer_key", String::from("9djdj82h48djs9d2")),
            ("oauth_token", String::from("kkk9d7dh3k39sjv7")),
            ("oauth_signature_method", String::from("HMAC-SHA1")),
            ("oauth_timestamp", String::from("137131201")),
            ("oauth_nonce", String::from("7d8f3e4a")),
        ];
        let base = base_string(
            "POST",
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            &protocol,
            &[("c2", ""), ("a3", "2 q")],
        )
        .unwrap();
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }

    /// RFC 5849 §1.2: Jane's photo request, signed with the example's client and token
    /// credentials, carries `oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`.
    #[test]
    fn rfc5849_signed_request_example() {
        let keys = OAuthKeys {
            consumer_key: "dpf43f3p2l4k3l03".into(),
            consumer_secret: "kd94hf93k423kf44".into(),
            token: "nnch734d00sl2jdk".into(),
            token_secret: "pfkkdhi9sl3r4s00".into(),
        };
        let protocol = protocol_params(&keys, 137_131_202, "chapoH", false);
        let value = header(
            &keys,
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
            protocol,
        )
        .unwrap();
        assert!(
            value.contains(r#"oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#),
            "{value}"
        );
        assert_eq!(
            value,
            r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_token="nnch734d00sl2jdk""#
        );
    }

    #[test]
    fn the_header_lpmon_sends_signs_the_version_too() {
        let keys = OAuthKeys {
            consumer_key: "ck".into(),
            consumer_secret: "c&s".into(),
            token: "tk".into(),
            token_secret: "t s".into(),
        };
        let url = "https://lo.v.liveperson.net:443/api/account/1/monitoring/visitors/V/visits/current/state?v=1&sid=S&filter=agent";
        let value = authorization(&keys, "GET", url, 1_700_000_000, "n1").unwrap();
        assert!(value
            .starts_with(r#"OAuth oauth_consumer_key="ck", oauth_nonce="n1", oauth_signature=""#));
        assert!(value.ends_with(r#"oauth_token="tk", oauth_version="1.0""#));
        // The same signature computed by hand: default port dropped, secrets encoded in the key.
        let base = "GET&https%3A%2F%2Flo.v.liveperson.net%2Fapi%2Faccount%2F1%2Fmonitoring%2Fvisitors%2FV%2Fvisits%2Fcurrent%2Fstate&filter%3Dagent%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn1%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26oauth_version%3D1.0%26sid%3DS%26v%3D1";
        let expected = encode(&signature("c&s", "t s", base));
        assert!(
            value.contains(&["oauth_signature=\"", &expected, "\""].concat()),
            "{value}"
        );
        // Any change to what is signed changes the signature.
        let other = authorization(
            &keys,
            "GET",
            &url.replace("sid=S", "sid=T"),
            1_700_000_000,
            "n1",
        )
        .unwrap();
        assert_ne!(value, other);
        assert!(authorization(&keys, "GET", "ftp://x/y", 1, "n").is_err());
    }

    #[test]
    fn encoding_follows_section_3_6() {
        assert_eq!(encode("a-._~Z9"), "a-._~Z9");
        assert_eq!(encode("a b+c/d=é"), "a%20b%2Bc%2Fd%3D%C3%A9");
        assert_eq!(nonce([0xab; 16]), "abababababababababababababababab");
    }
}
