//! OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 §3), as the agent APIs' API keys need.
//!
//! Every request gets its own timestamp and nonce; the signature covers the method, the URL
//! without its query, and every query and protocol parameter, each percent-encoded by §3.6.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::agent::hmac_sha1::hmac_sha1;
use percent_encoding::percent_decode;

use crate::core::agent::config::OAuthKeys;
use crate::core::error::Error;
use crate::core::json::uint_text;
use crate::core::text::{concat, split_once};

// No `&str` pattern search, `join`, `sort` or `base64` crate here: each links a panic path into
// the agent wasm (the std searcher's and the stable sort's index checks, `join`'s length-overflow
// `expect`, the base64 encoder's slicing), which scripts/symbol-check.mjs refuses.

/// The signature method lpmon uses.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// Percent-encodes by RFC 5849 §3.6 (upper-case hex, UTF-8): everything but ALPHA, DIGIT, `-`,
/// `.`, `_` and `~`. Owned: percent-encoding's encoder splits slices with a panic path.
pub fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let hex = |n: u8| char::from(HEX.get(usize::from(n & 15)).copied().unwrap_or(b'0'));
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex(b >> 4));
            out.push(hex(b));
        }
    }
    out
}

/// Decodes a query component as `application/x-www-form-urlencoded` (`+` is a space).
fn form_decode(s: &[u8]) -> String {
    let spaced: Vec<u8> = s
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    // The decoder's iterator, not its `decode_utf8_lossy` (whose copy-on-write path slices).
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The base string URI (§3.4.1.2) and the query of `url`: scheme and host lower-cased, the
/// default port dropped, an empty path written `/`, the fragment ignored.
fn split_url(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = split_once(url, "://")?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = split_once(rest, "#").map_or(rest, |(r, _)| r);
    let (before_query, query) = split_once(rest, "?").unwrap_or((rest, ""));
    let (authority, path) = match before_query.bytes().position(|b| b == b'/') {
        Some(at) => (before_query.get(..at)?, before_query.get(at..)?),
        None => (before_query, "/"),
    };
    if authority.is_empty() || authority.bytes().any(|b| b == b'@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some((concat(&[scheme.as_str(), "://", host, path]), query))
}

/// The parameters of a query string, decoded.
fn query_params(query: &str) -> Vec<(String, String)> {
    query
        .as_bytes()
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(at) => (
                form_decode(p.get(..at).unwrap_or_default()),
                form_decode(p.get(at + 1..).unwrap_or_default()),
            ),
            None => (form_decode(p), String::new()),
        })
        .collect()
}

/// `items` in ascending order, equal ones in their first order. An insertion into a new list
/// per item: OAuth requests have a handful of parameters, and std's sorts carry index checks.
fn sorted<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        let mut item = Some(item);
        let mut next = Vec::with_capacity(out.len() + 1);
        for x in out {
            if let Some(i) = item.take_if(|i| *i < x) {
                next.push(i);
            }
            next.push(x);
        }
        next.extend(item);
        out = next;
    }
    out
}

/// `parts` written one after another with `sep` between them.
fn joined<'a>(parts: impl IntoIterator<Item = &'a str>, sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p);
    }
    out
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
    let params = sorted(
        query_params(query)
            .into_iter()
            .chain(protocol.iter().map(|(k, v)| ((*k).into(), v.clone())))
            .chain(extra.iter().map(|(k, v)| ((*k).into(), (*v).into())))
            .map(|(k, v): (String, String)| (encode(&k), encode(&v))),
    );
    let pairs: Vec<String> = params.iter().map(|(k, v)| concat(&[k, "=", v])).collect();
    let normalized = joined(pairs.iter().map(String::as_str), "&");
    Some(concat(&[
        &method.to_ascii_uppercase(),
        "&",
        &encode(&base_uri),
        "&",
        &encode(&normalized),
    ]))
}

/// HMAC-SHA1 of the base string with the key `consumerSecret&tokenSecret`, in base64 (§3.4.2).
pub fn signature(consumer_secret: &str, token_secret: &str, base: &str) -> String {
    let key = concat(&[&encode(consumer_secret), "&", &encode(token_secret)]);
    base64(&hmac_sha1(key.as_bytes(), base.as_bytes()))
}

/// Standard base64 with padding (RFC 4648 §4), bit by bit through an accumulator: no indexing.
/// Owned because every encode path of the base64 crate (0.22 has one engine, GeneralPurpose)
/// slices and indexes its buffers, bringing panic checks with messages into the agent wasm; its
/// encoder was 880 B of wasm code there, this one is inlined into `signature`, which weighs
/// 589 B with it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digit = |six: u32| {
        let at = usize::try_from(six & 63).unwrap_or_default();
        char::from(ALPHABET.get(at).copied().unwrap_or(b'='))
    };
    let mut out = String::new();
    // Pending bits in the low `bits` bits of `acc` (fewer than 6 between bytes).
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = ((acc << 8) | u32::from(b)) & 0x3FFF;
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(digit(acc >> bits));
        }
    }
    if bits > 0 {
        out.push(digit(acc << (6 - bits)));
    }
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
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
    let fields: Vec<String> = sorted(protocol)
        .iter()
        .map(|(k, v)| concat(&[k, "=\"", &encode(v), "\""]))
        .collect();
    Ok(concat(&[
        "OAuth ",
        &joined(fields.iter().map(String::as_str), ", "),
    ]))
}

/// A nonce from 16 random bytes, as 32 hex digits.
pub fn nonce(random: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::new();
    for b in random {
        for nibble in [b >> 4, b & 0xF] {
            out.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
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

    /// RFC 4648 §10's vectors, and the 20 bytes of a SHA-1 digest.
    #[test]
    fn base64_follows_rfc4648() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
        let digest: Vec<u8> = (0..20u8).map(|i| i.wrapping_mul(37) ^ 0xA5).collect();
        assert_eq!(base64(&digest), "pYDvyjEce6aN6NcyGUSjjvXQPxo=");
        assert_eq!(base64(&[0xFF; 20]), "//////////////////////////8=");
    }

    #[test]
    fn sorted_orders_and_keeps_duplicates() {
        assert_eq!(sorted([3, 1, 2, 1, 0]), vec![0, 1, 1, 2, 3]);
        assert_eq!(sorted(Vec::<u8>::new()), Vec::<u8>::new());
        let pairs = sorted([("b", "1"), ("a", "2"), ("a", "1"), ("b", "0")]);
        assert_eq!(pairs, vec![("a", "1"), ("a", "2"), ("b", "0"), ("b", "1")]);
        assert_eq!(joined(["x", "y", "z"], ", "), "x, y, z");
        assert_eq!(joined([], "&"), "");
    }

    #[test]
    fn encoding_follows_section_3_6() {
        assert_eq!(encode("a-._~Z9"), "a-._~Z9");
        assert_eq!(encode("a b+c/d=é"), "a%20b%2Bc%2Fd%3D%C3%A9");
        assert_eq!(nonce([0xab; 16]), "abababababababababababababababab");
    }
}
