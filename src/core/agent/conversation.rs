//! From an engagement answer to a conversation: the ids a messaging client puts into
//! `cm.ConsumerRequestConversation`, and the JSON of its `client-properties` header.
//!
//! Small and built on [`Json`], because it ships in the consumer wasm: a brand page that shows
//! "Message us" is also the page that opens the conversation.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::client_props;
use crate::core::error::Error;
use crate::core::json::{Json, Writer};
use crate::core::text::trim;

/// The JSON text of `{campaignInfo: {campaignId, engagementId}, conversationContext: {type:
/// "SharkContext", visitorId, sessionId, interactionContextId, lang?}}` from the first `expose`
/// entry of an `engage` result. Ids travel exactly as the engagement answer gave them.
pub fn conversation_context<'a>(engage: &'a Json, options: &Json) -> Result<String, Error> {
    let lang = match (options, options.get("lang")) {
        (Json::Null, _) | (Json::Obj(_), None | Some(Json::Null)) => None,
        (Json::Obj(_), Some(Json::Str(s))) if !trim(s).is_empty() => Some(trim(s)),
        _ => {
            return Err(Error::invalid(&[
                "options.lang must be a language tag such as 'en-US'",
            ]))
        }
    };
    let details = engage
        .get("engagementDetails")
        .and_then(Json::as_arr)
        .unwrap_or_default();
    let Some(offer) = details.iter().find(|d| status(d) == Some("expose")) else {
        let open = details.iter().any(|d| status(d) == Some("conversation"));
        return Err(Error::invalid(&[if open {
            "the consumer already has an open conversation: resume it instead of requesting a new one"
        } else {
            "the engage result offers no engagement (no 'expose' entry in engagementDetails)"
        }]));
    };
    let pick = |source: &'a Json, from: &'static str| match source.get(from) {
        Some(v @ (Json::Num(_) | Json::Str(_))) => Ok(v),
        _ => Err(Error::invalid(&["the engage result has no ", from])),
    };
    let mut w = Writer::object();
    w.open("campaignInfo")
        .value("campaignId", pick(offer, "campaignId")?)
        .value("engagementId", pick(offer, "engagementId")?)
        .close()
        .open("conversationContext")
        .str("type", "SharkContext")
        .value("visitorId", pick(engage, "visitorId")?)
        .value("sessionId", pick(engage, "sessionId")?)
        .value("interactionContextId", pick(offer, "contextId")?);
    if let Some(lang) = lang {
        w.str("lang", lang);
    }
    w.close();
    Ok(w.finish())
}

fn status(detail: &Json) -> Option<&str> {
    detail.get("status").and_then(Json::as_str)
}

/// The JSON text of the `client-properties` header: `defaults` (what the browser tells, with
/// `integration: "WEB_SDK"`) overridden by `props`; a `null` value leaves a default out.
pub fn client_properties_header(defaults: &Json, props: &Json) -> Result<String, Error> {
    Ok(client_props::merge(defaults, props, false)?.to_text())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    const ENGAGED: &str = r#"{"visitorId":"I2NzQ2YzBkZGEzZDMzYjIx","sessionId":"NJIm1tJFT5SV6dTEkmNAjA","pageId":"1","created":true,
        "engagementDetails":[{"campaignId":2739012212,"engagementId":2739012312,"engagementRevision":4,
        "contextId":"c-91","connectorId":2739011112,"status":"expose"}]}"#;

    #[test]
    fn shark_context_from_the_exposed_engagement() {
        let out = conversation_context(&json(ENGAGED), &json(r#"{"lang":"en-US"}"#)).unwrap();
        assert_eq!(
            out,
            r#"{"campaignInfo":{"campaignId":2739012212,"engagementId":2739012312},"conversationContext":{"type":"SharkContext","visitorId":"I2NzQ2YzBkZGEzZDMzYjIx","sessionId":"NJIm1tJFT5SV6dTEkmNAjA","interactionContextId":"c-91","lang":"en-US"}}"#
        );
        let no_lang = conversation_context(&json(ENGAGED), &Json::Null).unwrap();
        let parsed = json(&no_lang);
        let ctx = parsed.get("conversationContext").unwrap();
        assert!(ctx.get("lang").is_none(), "lang is left out when not given");
        assert_eq!(
            conversation_context(&json(ENGAGED), &json("{}")).unwrap(),
            no_lang
        );
    }

    #[test]
    fn the_first_expose_entry_wins() {
        let engaged = r#"{"visitorId":"V","sessionId":"S","engagementDetails":[
            {"campaignId":1,"engagementId":2,"conversationId":"conv-1","status":"conversation"},
            {"campaignId":3,"engagementId":4,"contextId":"c2","status":"expose"},
            {"campaignId":5,"engagementId":6,"contextId":"c3","status":"expose"}]}"#;
        let out = json(&conversation_context(&json(engaged), &Json::Null).unwrap());
        assert_eq!(
            out.get("campaignInfo").unwrap().to_text(),
            r#"{"campaignId":3,"engagementId":4}"#
        );
    }

    #[test]
    fn no_engagement_or_an_open_conversation_is_a_validation_error() {
        for (engaged, says) in [
            (
                r#"{"visitorId":"V","sessionId":"S","engagementDetails":[]}"#,
                "offers no engagement",
            ),
            (
                r#"{"visitorId":"V","sessionId":"S"}"#,
                "offers no engagement",
            ),
            (
                r#"{"visitorId":"V","sessionId":"S","engagementDetails":[{"campaignId":1,"engagementId":2,"conversationId":"conv-7","status":"conversation"}]}"#,
                "already has an open conversation",
            ),
            (
                r#"{"sessionId":"S","engagementDetails":[{"campaignId":1,"engagementId":2,"contextId":"c","status":"expose"}]}"#,
                "has no visitorId",
            ),
            (
                r#"{"visitorId":"V","sessionId":null,"engagementDetails":[{"campaignId":1,"engagementId":2,"contextId":"c","status":"expose"}]}"#,
                "has no sessionId",
            ),
            (
                r#"{"visitorId":"V","sessionId":"S","engagementDetails":[{"campaignId":1,"engagementId":2,"status":"expose"}]}"#,
                "has no contextId",
            ),
            ("[]", "offers no engagement"),
        ] {
            let e = conversation_context(&json(engaged), &Json::Null).unwrap_err();
            assert_eq!(e.kind(), "validation", "{engaged}");
            assert!(e.message().contains(says), "{engaged}: {}", e.message());
        }
        for options in [r#"{"lang":5}"#, r#"{"lang":" "}"#, r#""en""#] {
            let e = conversation_context(&json(ENGAGED), &json(options)).unwrap_err();
            assert_eq!(e.kind(), "validation", "{options}");
        }
    }

    #[test]
    fn header_merges_props_over_defaults() {
        let defaults = json(
            r#"{"deviceFamily":"DESKTOP","os":"LINUX","browser":"CHROME","integration":"WEB_SDK"}"#,
        );
        let text = client_properties_header(
            &defaults,
            &json(r#"{"appId":"test app id","browser":null,"deviceFamily":"TABLET","timeZone":"Europe/Paris"}"#),
        )
        .unwrap();
        assert_eq!(
            text,
            r#"{"deviceFamily":"TABLET","os":"LINUX","integration":"WEB_SDK","appId":"test app id","timeZone":"Europe/Paris"}"#
        );
        assert_eq!(
            client_properties_header(&defaults, &Json::Null).unwrap(),
            defaults.to_text()
        );
        for bad in [
            r#"{"appVersion":2}"#,
            r#"{"os":{"name":"x"}}"#,
            "[]",
            "\"x\"",
        ] {
            let e = client_properties_header(&defaults, &json(bad)).unwrap_err();
            assert_eq!(e.kind(), "validation", "{bad}");
        }
    }
}
