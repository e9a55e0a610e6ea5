//! Client properties, two sets for two places. The Monitoring API's engagement body takes the
//! fields its docs list ([`ENGAGEMENT_FIELDS`]); the Connector API's `client-properties` header
//! takes a wider set (browser, time zone, `integration: "WEB_SDK"`, …). An undocumented field in the
//! engagement body could make the server refuse the whole call, so each set stays in its place.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::text::{contains, span, split_once};

/// The `clientProperties` fields the engagement method documents (its table says `os`, its
/// example `osName`; both are accepted). `appVersion` and `ipAddress` only the caller can tell.
pub const ENGAGEMENT_FIELDS: [&str; 6] = [
    "appVersion",
    "deviceFamily",
    "ipAddress",
    "os",
    "osName",
    "osVersion",
];

/// What the platform knows about the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowserFacts {
    /// `navigator.userAgent`.
    pub user_agent: String,
    /// `navigator.maxTouchPoints` (tells an iPad that claims to be a Mac).
    pub max_touch_points: u32,
    /// IANA time zone, e.g. `Europe/Paris`.
    pub time_zone: Option<String>,
}

/// The engagement body's defaults: `{deviceFamily, os, osName, osVersion}`, documented fields
/// only; those that cannot be told are left out.
pub fn engagement(facts: &BrowserFacts) -> Json {
    let ua = facts.user_agent.as_str();
    let touch_mac = contains(ua, "Macintosh") && facts.max_touch_points > 1;
    let family = if contains(ua, "iPad")
        || touch_mac
        || contains(ua, "Tablet")
        || (contains(ua, "Android") && !contains(ua, "Mobile"))
    {
        "TABLET"
    } else if contains(ua, "Mobi") || contains(ua, "iPhone") || contains(ua, "Android") {
        "MOBILE"
    } else {
        "DESKTOP"
    };
    let mut p = Json::Obj(vec![("deviceFamily".into(), Json::str(family))]);
    if let Some((os, version)) = os(ua, touch_mac) {
        p.set("os", Json::str(os));
        // The docs' table says `os`, their example `osName`: send both.
        p.set("osName", Json::str(os));
        if let Some(v) = version {
            p.set("osVersion", Json::Str(v));
        }
    }
    p
}

/// The `client-properties` header's defaults: [`engagement`]'s, then `browser`,
/// `browserVersion`, `timeZone`, `integration: "WEB_SDK"` and `integrationVersion`.
pub fn header(facts: &BrowserFacts) -> Json {
    let mut p = engagement(facts);
    if let Some((browser, version)) = browser(&facts.user_agent) {
        p.set("browser", Json::str(browser));
        if let Some(v) = version {
            p.set("browserVersion", Json::str(v));
        }
    }
    if let Some(tz) = facts
        .time_zone
        .as_deref()
        .filter(|t| !t.is_empty() && t.len() < 64)
    {
        p.set("timeZone", Json::str(tz));
    }
    p.set("integration", Json::str("WEB_SDK"));
    p.set("integrationVersion", Json::str(env!("CARGO_PKG_VERSION")));
    p
}

/// Whether `key` is one of [`ENGAGEMENT_FIELDS`].
pub fn documented(key: &str) -> bool {
    matches!(
        key,
        "appVersion" | "deviceFamily" | "ipAddress" | "os" | "osName" | "osVersion"
    )
}

/// `defaults` overridden by the caller's `given` (an object of strings, or null for none): a
/// string replaces a default, `null` leaves one out. With `documented_only`, a key outside
/// [`ENGAGEMENT_FIELDS`] is refused.
pub fn merge(defaults: &Json, given: &Json, documented_only: bool) -> Result<Json, Error> {
    let mut out = defaults.clone();
    let given = match given {
        Json::Null => return Ok(out),
        Json::Obj(given) => given,
        _ => return Err(Error::invalid(&["clientProperties must be an object"])),
    };
    for (key, value) in given {
        if documented_only && !documented(key) {
            return Err(Error::invalid(&[
                "clientProperties.",
                key,
                " is not an engagement field",
            ]));
        }
        match value {
            Json::Str(_) => out.set(key, value.clone()),
            Json::Null => {
                out.take(key);
            }
            _ => {
                return Err(Error::invalid(&[
                    "clientProperties.",
                    key,
                    " must be a string",
                ]))
            }
        }
    }
    Ok(out)
}

fn os(ua: &str, touch_mac: bool) -> Option<(&'static str, Option<String>)> {
    if let Some(v) = after(ua, "Windows NT ") {
        return Some(("WINDOWS", Some(v.into())));
    }
    if contains(ua, "iPhone") || contains(ua, "iPad") || contains(ua, "iPod") {
        let v = after(ua, "OS ").map(dotted);
        return Some(("IOS", v));
    }
    if contains(ua, "Android") {
        return Some(("ANDROID", after(ua, "Android ").map(String::from)));
    }
    if contains(ua, "Mac OS X") || contains(ua, "Macintosh") {
        let v = after(ua, "Mac OS X ").map(dotted);
        return Some(if touch_mac {
            ("IOS", None)
        } else {
            ("MAC_OSX", v)
        });
    }
    if contains(ua, "Linux") || contains(ua, "X11") || contains(ua, "CrOS") {
        return Some(("LINUX", None));
    }
    None
}

fn browser(ua: &str) -> Option<(&'static str, Option<&str>)> {
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    const TOKENS: [(&str, &str); 8] = [
        ("Edg/", "EDGE"),
        ("EdgiOS/", "EDGE"),
        ("OPR/", "OPERA"),
        ("Firefox/", "FIREFOX"),
        ("FxiOS/", "FIREFOX"),
        ("Chrome/", "CHROME"),
        ("CriOS/", "CHROME"),
        ("Version/", "SAFARI"),
    ];
    TOKENS
        .iter()
        .find(|(t, _)| contains(ua, t))
        .map(|(t, name)| (*name, after(ua, t)))
}

/// `17_1` → `17.1`.
fn dotted(v: &str) -> String {
    // `v` comes from `after`: ASCII only.
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        out.push(char::from(if b == b'_' { b'.' } else { b }));
    }
    out
}

/// The version-like text right after `marker`: digits, dots and underscores.
fn after<'a>(ua: &'a str, marker: &str) -> Option<&'a str> {
    let (_, rest) = split_once(ua, marker)?;
    let end = span(rest, |b| b.is_ascii_digit() || b == b'.' || b == b'_');
    rest.get(..end).filter(|v| !v.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn facts(ua: &str, touch: u32) -> BrowserFacts {
        BrowserFacts {
            user_agent: ua.into(),
            max_touch_points: touch,
            time_zone: Some("Europe/Paris".into()),
        }
    }

    fn keys(p: &Json) -> Vec<&str> {
        p.as_obj()
            .unwrap_or_default()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect()
    }

    const VERSION: &str = env!("CARGO_PKG_VERSION");
    const MAC_CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36";

    #[test]
    fn engagement_body_gets_the_documented_fields_only() {
        assert_eq!(
            engagement(&facts(MAC_CHROME, 0)).to_text(),
            r#"{"deviceFamily":"DESKTOP","os":"MAC_OSX","osName":"MAC_OSX","osVersion":"10.15.7"}"#
        );
    }

    #[test]
    fn header_gets_the_wider_set() {
        assert_eq!(
            header(&facts(MAC_CHROME, 0)).to_text(),
            [
                r#"{"deviceFamily":"DESKTOP","os":"MAC_OSX","osName":"MAC_OSX","osVersion":"10.15.7","browser":"CHROME","browserVersion":"129.0.0.0","#,
                r#""timeZone":"Europe/Paris","integration":"WEB_SDK","integrationVersion":""#,
                VERSION,
                r#""}"#
            ]
            .concat()
        );
    }

    #[test]
    fn families_and_systems() {
        let cases = [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", 5, "MOBILE", "IOS", "SAFARI"),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Mobile Safari/537.36", 5, "MOBILE", "ANDROID", "CHROME"),
            ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Safari/537.36", 5, "TABLET", "ANDROID", "CHROME"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", 5, "TABLET", "IOS", "SAFARI"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Safari/537.36 Edg/129.0", 0, "DESKTOP", "WINDOWS", "EDGE"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", 0, "DESKTOP", "LINUX", "FIREFOX"),
        ];
        for (ua, touch, family, os, browser) in cases {
            let f = BrowserFacts {
                user_agent: ua.into(),
                max_touch_points: touch,
                time_zone: None,
            };
            let (body, head) = (engagement(&f), header(&f));
            for p in [&body, &head] {
                assert_eq!(
                    p.get("deviceFamily").and_then(Json::as_str),
                    Some(family),
                    "{ua}"
                );
                assert_eq!(p.get("os").and_then(Json::as_str), Some(os), "{ua}");
                assert!(p.get("timeZone").is_none());
            }
            assert!(
                keys(&body).iter().all(|k| ENGAGEMENT_FIELDS.contains(k)),
                "{ua}: {}",
                body.to_text()
            );
            assert_eq!(
                head.get("browser").and_then(Json::as_str),
                Some(browser),
                "{ua}"
            );
        }
    }

    #[test]
    fn unknown_agent() {
        let f = BrowserFacts::default();
        assert_eq!(engagement(&f).to_text(), r#"{"deviceFamily":"DESKTOP"}"#);
        assert_eq!(
            header(&f).to_text(),
            [
                r#"{"deviceFamily":"DESKTOP","integration":"WEB_SDK","integrationVersion":""#,
                VERSION,
                r#""}"#
            ]
            .concat()
        );
    }

    #[test]
    fn documented_is_the_documented_list() {
        for key in ENGAGEMENT_FIELDS {
            assert!(documented(key), "{key}");
        }
        for key in [
            "",
            "appId",
            "browser",
            "timeZone",
            "integration",
            "OS",
            "osname",
            "os ",
        ] {
            assert!(!documented(key), "{key}");
        }
    }

    #[test]
    fn merge_overrides_removes_and_refuses() {
        let j = |t: &str| Json::parse(t).unwrap();
        let defaults = j(r#"{"deviceFamily":"DESKTOP","os":"LINUX","osName":"LINUX"}"#);
        let given = j(r#"{"os":"WINDOWS","osName":null,"appVersion":"4.2.0"}"#);
        let want = r#"{"deviceFamily":"DESKTOP","os":"WINDOWS","appVersion":"4.2.0"}"#;
        assert_eq!(merge(&defaults, &given, true).unwrap().to_text(), want);
        assert_eq!(merge(&defaults, &given, false).unwrap().to_text(), want);
        assert_eq!(merge(&defaults, &Json::Null, false).unwrap(), defaults);
        // Outside the documented set: refused for the engagement body, taken for the header.
        let wide = j(r#"{"appId":"shop","integration":"WEB_SDK"}"#);
        let e = merge(&defaults, &wide, true).unwrap_err();
        assert_eq!(e.kind(), "validation");
        assert!(e.message().starts_with("clientProperties.appId "), "{e:?}");
        assert_eq!(
            merge(&defaults, &wide, false).unwrap().to_text(),
            r#"{"deviceFamily":"DESKTOP","os":"LINUX","osName":"LINUX","appId":"shop","integration":"WEB_SDK"}"#
        );
        for bad in [
            r#"{"appVersion":2}"#,
            r#"{"os":{"name":"x"}}"#,
            "[]",
            "\"x\"",
        ] {
            for only in [false, true] {
                let e = merge(&defaults, &j(bad), only).unwrap_err();
                assert_eq!(e.kind(), "validation", "{bad}");
            }
        }
    }
}
