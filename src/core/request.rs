//! Building Monitoring API requests: URLs, headers and bodies from the caller's request object.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::client_props;
use crate::core::config::Config;
use crate::core::error::Error;
use crate::core::http::{HttpRequest, Method};
use crate::core::json::Json;
use crate::core::sde::{self, Target};
use crate::core::text::concat;

/// The two Monitoring API resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `engagement`: which engagement to show now.
    Engagement,
    /// `report`: SDEs and impressions.
    Report,
}

impl Call {
    /// The resource name in the path.
    pub fn resource(self) -> &'static str {
        match self {
            Call::Engagement => "engagement",
            Call::Report => "report",
        }
    }
}

/// The ids sent as query parameters (both already checked against the id charset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    /// Visitor id.
    pub vid: Option<String>,
    /// Session id.
    pub sid: Option<String>,
}

/// The request for `call`, with the ids in the query and the body as JSON text. The report goes as
/// POST with `X-HTTP-Method-Override: PUT` because the server's CORS answer does not allow PUT.
pub fn monitoring(cfg: &Config, origin: &str, call: Call, ids: &Ids, body: &Json) -> HttpRequest {
    let mut url = concat(&[
        origin,
        "/api/account/",
        &cfg.account_id,
        "/app/",
        &cfg.app_installation_id,
        "/",
        call.resource(),
        "?v=1.0",
    ]);
    if let Some(vid) = &ids.vid {
        url.push_str("&vid=");
        url.push_str(vid);
    }
    if let Some(sid) = &ids.sid {
        url.push_str("&sid=");
        url.push_str(sid);
    }
    let mut headers = vec![("Content-Type", String::from("application/json"))];
    if call == Call::Report {
        headers.push(("X-HTTP-Method-Override", String::from("PUT")));
    }
    HttpRequest {
        method: Method::Post,
        url,
        headers,
        body: Some(body.to_text()),
        keepalive: false,
        timeout_ms: cfg.timeout_ms,
    }
}

/// The CSDS lookup of the `smt` service for this account.
pub fn csds(cfg: &Config) -> HttpRequest {
    let url = concat(&[
        cfg.csds.as_str(),
        "/api/account/",
        &cfg.account_id,
        "/service/smt/baseURI.json?version=1.0",
    ]);
    HttpRequest {
        method: Method::Get,
        url,
        headers: Vec::new(),
        body: None,
        keepalive: false,
        timeout_ms: cfg.timeout_ms,
    }
}

/// The engagement body: the caller's fields, checked, with client properties filled in from
/// `defaults` wherever the caller gave none. Only the documented client properties go in.
pub fn engagement_body(req: &Json, defaults: &Json) -> Result<Json, Error> {
    let mut body = common_fields(req, Target::Engagement)?;
    let given = req.get("clientProperties").unwrap_or(&Json::Null);
    let props = client_props::merge(defaults, given, true)?;
    body.set("clientProperties", props);
    Ok(body)
}

/// The report body; `engagementAttributes` is required and may hold impression events.
pub fn report_body(req: &Json) -> Result<Json, Error> {
    match req.get("engagementAttributes").and_then(Json::as_arr) {
        Some(list) if !list.is_empty() => {}
        Some(_) => {
            return Err(Error::invalid(&[
                "report needs at least one engagement attribute",
            ]))
        }
        None => {
            return Err(Error::invalid(&[
                "report needs engagementAttributes (an array of SDEs)",
            ]))
        }
    }
    common_fields(req, Target::Report)
}

/// The body without its impression events (they belong to the session that showed them).
/// Returns how many were removed.
pub fn without_impressions(body: &mut Json) -> usize {
    let Some(Json::Arr(list)) = body.take("engagementAttributes") else {
        return 0;
    };
    let before = list.len();
    let mut kept = list;
    kept.retain(|s| !sde::is_impression(s));
    let removed = before - kept.len();
    if !kept.is_empty() {
        body.set("engagementAttributes", Json::Arr(kept));
    }
    removed
}

/// True when the body names the consumer without vid: a consumerId or an identity `sub`.
pub fn has_identity(body: &Json) -> bool {
    let consumer = body
        .get("consumerId")
        .and_then(Json::as_str)
        .is_some_and(|s| !s.is_empty());
    let identity = body
        .get("identities")
        .and_then(Json::as_arr)
        .is_some_and(|l| {
            l.iter().any(|i| {
                i.get("sub")
                    .and_then(Json::as_str)
                    .is_some_and(|s| !s.is_empty())
            })
        });
    consumer || identity
}

/// True when the body carries impression events.
pub fn has_impressions(body: &Json) -> bool {
    body.get("engagementAttributes")
        .and_then(Json::as_arr)
        .is_some_and(|l| l.iter().any(sde::is_impression))
}

fn common_fields(req: &Json, target: Target) -> Result<Json, Error> {
    if !matches!(req, Json::Obj(_) | Json::Null) {
        return Err(Error::invalid(&["the request must be an object"]));
    }
    let mut body = Json::Obj(Vec::new());
    if let Some(v) = present(req, "consumerId") {
        if v.as_str().is_none() {
            return Err(Error::invalid(&["consumerId must be a string"]));
        }
        body.set("consumerId", v.clone());
    }
    if let Some(v) = present(req, "identities") {
        check_identities(v)?;
        body.set("identities", v.clone());
    }
    if let Some(v) = present(req, "entryPoints") {
        if !v
            .as_arr()
            .is_some_and(|l| l.iter().all(|e| e.as_str().is_some()))
        {
            return Err(Error::invalid(&["entryPoints must be an array of strings"]));
        }
        body.set("entryPoints", v.clone());
    }
    if let Some(v) = present(req, "engagementAttributes") {
        sde::validate_all(v, target)?;
        body.set("engagementAttributes", v.clone());
    }
    if let Some(v) = present(req, "pageId") {
        let id = match v {
            Json::Str(s) if !s.is_empty() && s.len() <= 128 => s.clone(),
            Json::Num(n) if v.as_i64().is_some_and(|i| i >= 0) => n.clone(),
            _ => return Err(Error::invalid(&["pageId must be a non-empty string"])),
        };
        body.set("pageId", Json::Str(id));
    }
    Ok(body)
}

fn present<'a>(req: &'a Json, key: &str) -> Option<&'a Json> {
    req.get(key).filter(|v| !v.is_null())
}

fn check_identities(v: &Json) -> Result<(), Error> {
    let Some(list) = v.as_arr() else {
        return Err(Error::invalid(&[
            "identities must be an array of {iss, acr, sub}",
        ]));
    };
    for id in list {
        let strings = ["iss", "acr", "sub"]
            .iter()
            .all(|k| matches!(id.get(k), None | Some(Json::Str(_))));
        let sub = id
            .get("sub")
            .and_then(Json::as_str)
            .is_some_and(|s| !s.is_empty());
        if id.as_obj().is_none() || !strings || !sub {
            return Err(Error::invalid(&[
                "each identity must be an object {iss, acr, sub} of strings with a non-empty sub",
            ]));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::from_json(
            &Json::parse(r#"{"accountId":"12345678","appInstallationId":"app-1","timeoutMs":500}"#)
                .unwrap(),
        )
        .unwrap()
    }

    fn j(t: &str) -> Json {
        Json::parse(t).unwrap()
    }

    #[test]
    fn first_call_leaves_ids_out() {
        let r = monitoring(
            &cfg(),
            "https://h",
            Call::Engagement,
            &Ids::default(),
            &j("{}"),
        );
        assert_eq!(
            r.url,
            "https://h/api/account/12345678/app/app-1/engagement?v=1.0"
        );
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.headers, vec![("Content-Type", "application/json".into())]);
        assert_eq!(r.timeout_ms, 500);
    }

    #[test]
    fn report_is_post_with_put_override_and_ids() {
        let ids = Ids {
            vid: Some("V1".into()),
            sid: Some("S1".into()),
        };
        let r = monitoring(
            &cfg(),
            "http://127.0.0.1:1",
            Call::Report,
            &ids,
            &j(r#"{"a":1}"#),
        );
        assert_eq!(
            r.url,
            "http://127.0.0.1:1/api/account/12345678/app/app-1/report?v=1.0&vid=V1&sid=S1"
        );
        assert!(r
            .headers
            .contains(&("X-HTTP-Method-Override", "PUT".into())));
        assert_eq!(r.body.as_deref(), Some(r#"{"a":1}"#));
    }

    #[test]
    fn csds_url() {
        assert_eq!(
            csds(&cfg()).url,
            "https://api.liveperson.net/api/account/12345678/service/smt/baseURI.json?version=1.0"
        );
    }

    #[test]
    fn engagement_body_merges_client_properties() {
        // The defaults of a Chrome on Linux with a time zone: the browser and the zone stay out.
        let defaults = client_props::engagement(&client_props::BrowserFacts {
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36".into(),
            max_touch_points: 0,
            time_zone: Some("Europe/Paris".into()),
        });
        let b = engagement_body(
            &j(r#"{"entryPoints":["http://x","sec://Sport"],"pageId":7,"clientProperties":{"os":"WINDOWS","osName":null,"appVersion":"4.2.0","ipAddress":"192.0.2.7"},"ignored":1}"#),
            &defaults,
        )
        .unwrap();
        assert_eq!(
            b.to_text(),
            r#"{"entryPoints":["http://x","sec://Sport"],"pageId":"7","clientProperties":{"deviceFamily":"DESKTOP","os":"WINDOWS","appVersion":"4.2.0","ipAddress":"192.0.2.7"}}"#
        );
        // No request at all is an empty engagement call, with the defaults.
        assert_eq!(
            engagement_body(&Json::Null, &defaults).unwrap().to_text(),
            r#"{"clientProperties":{"deviceFamily":"DESKTOP","os":"LINUX","osName":"LINUX"}}"#
        );
    }

    #[test]
    fn bad_fields_are_validation_errors() {
        let d = j("{}");
        for bad in [
            r#"{"consumerId":5}"#,
            r#"{"identities":{}}"#,
            r#"{"identities":[{"iss":"x","acr":"0"}]}"#,
            r#"{"identities":[{"sub":"s","acr":0}]}"#,
            r#"{"entryPoints":["a",1]}"#,
            r#"{"pageId":""}"#,
            r#"{"clientProperties":[]}"#,
            r#"{"clientProperties":{"appId":"a"}}"#,
            r#"{"clientProperties":{"integration":"WEB_SDK"}}"#,
            r#"{"clientProperties":{"appVersion":4}}"#,
            r#"{"engagementAttributes":[{"type":"impAccept","campaign":1,"engId":2}]}"#,
            r#"[]"#,
        ] {
            assert_eq!(
                engagement_body(&j(bad), &d).unwrap_err().kind(),
                "validation",
                "{bad}"
            );
        }
        for bad in [
            r#"{}"#,
            r#"{"engagementAttributes":[]}"#,
            r#"{"engagementAttributes":[{"type":"nope"}]}"#,
        ] {
            assert_eq!(
                report_body(&j(bad)).unwrap_err().kind(),
                "validation",
                "{bad}"
            );
        }
    }

    #[test]
    fn identities_and_impressions() {
        let mut b = report_body(&j(r#"{"identities":[{"iss":"LivePerson","acr":"0","sub":"u-1"}],
            "engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2},{"type":"searchInfo","keywords":["a"]}]}"#))
        .unwrap();
        assert!(has_identity(&b));
        assert!(has_impressions(&b));
        assert_eq!(without_impressions(&mut b), 1);
        assert!(!has_impressions(&b));
        assert_eq!(
            b.get("engagementAttributes")
                .and_then(Json::as_arr)
                .map(<[Json]>::len),
            Some(1)
        );
        assert!(!has_identity(&j(r#"{"consumerId":""}"#)));
        assert!(has_identity(&j(r#"{"consumerId":"c"}"#)));
    }
}
