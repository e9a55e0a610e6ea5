//! Default `clientProperties` for the engagement call, derived from what the browser tells.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::json::Json;
use crate::core::text::{contains, span, split_once};

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

/// `{deviceFamily, os, osName, osVersion, browser, browserVersion, timeZone, integration,
/// integrationVersion}`; fields that cannot be told are left out.
pub fn defaults(facts: &BrowserFacts) -> Json {
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
    if let Some((browser, version)) = browser(ua) {
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
mod tests {
    use super::*;

    fn props(ua: &str, touch: u32) -> String {
        defaults(&BrowserFacts {
            user_agent: ua.into(),
            max_touch_points: touch,
            time_zone: Some("Europe/Paris".into()),
        })
        .to_text()
    }

    const VERSION: &str = env!("CARGO_PKG_VERSION");

    #[test]
    fn desktop_chrome_on_mac() {
        let ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36";
        assert_eq!(
            props(ua, 0),
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
            let p = defaults(&BrowserFacts {
                user_agent: ua.into(),
                max_touch_points: touch,
                time_zone: None,
            });
            assert_eq!(
                p.get("deviceFamily").and_then(Json::as_str),
                Some(family),
                "{ua}"
            );
            assert_eq!(p.get("os").and_then(Json::as_str), Some(os), "{ua}");
            assert_eq!(
                p.get("browser").and_then(Json::as_str),
                Some(browser),
                "{ua}"
            );
            assert!(p.get("timeZone").is_none());
        }
    }

    #[test]
    fn unknown_agent_still_has_integration() {
        let p = defaults(&BrowserFacts::default());
        assert_eq!(
            p.get("deviceFamily").and_then(Json::as_str),
            Some("DESKTOP")
        );
        assert!(p.get("os").is_none() && p.get("browser").is_none());
        assert_eq!(p.get("integration").and_then(Json::as_str), Some("WEB_SDK"));
        assert_eq!(
            p.get("integrationVersion").and_then(Json::as_str),
            Some(VERSION)
        );
    }
}
