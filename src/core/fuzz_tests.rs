//! Property tests over everything that reads input lpmon does not control: the JSON parser and
//! writer, answer classification, the SDE validator, stored state, configs and request bodies.
//! The suite runs a short pass (`PROPTEST_CASES` unset: 512 cases each); `npm run fuzz` runs the
//! long pass and the coverage-guided fuzz targets in `fuzz/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;

use crate::core::answer::{classify, Verdict};
use crate::core::config::Config;
use crate::core::http::{HttpAnswer, NetError};
use crate::core::json::Json;
use crate::core::queue::Entry;
use crate::core::request;
use crate::core::sde::{self, Target};
use crate::core::session::Session;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

/// Text that looks like JSON often enough to reach deep into the parser.
fn jsonish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\[\\]{}:,\"\\\\a-z0-9.eE+\\- \n\t]{0,120}",
        any::<String>(),
        json_value().prop_map(|v| v.to_text()),
        // A valid document with one byte changed, inserted or removed.
        (json_value(), any::<usize>(), any::<char>(), 0..3u8).prop_map(|(v, at, c, op)| {
            let mut t: Vec<char> = v.to_text().chars().collect();
            let i = if t.is_empty() { 0 } else { at % t.len() };
            match op {
                0 if !t.is_empty() => t[i] = c,
                1 => t.insert(i, c),
                _ if !t.is_empty() => {
                    t.remove(i);
                }
                _ => {}
            }
            t.into_iter().collect()
        }),
    ]
}

/// Arbitrary JSON values (numbers from real lexemes, any Unicode in strings).
fn json_value() -> impl Strategy<Value = Json> {
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (any::<i32>(), 0u32..1000, -30i32..30).prop_map(|(a, b, e)| format!("{a}.{b}e{e}")),
        Just("2739012212".to_string()),
    ];
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number.prop_map(Json::Num),
        any::<String>().prop_map(Json::Str),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Json::Arr),
            prop::collection::vec(("[a-zA-Z]{1,12}", inner), 0..8).prop_map(Json::Obj),
        ]
    })
}

/// Objects shaped like SDEs, with values of every JSON type where the schema expects one.
fn sde_like() -> impl Strategy<Value = Json> {
    let types = prop::sample::select(vec![
        "cart",
        "purchase",
        "prodView",
        "ctmrinfo",
        "mrktInfo",
        "personal",
        "lead",
        "service",
        "error",
        "searchInfo",
        "impDisplay",
        "impAccept",
        "impExpanded",
        "impTimeout",
        "impClose",
        "bogus",
    ]);
    let fields = prop::sample::select(vec![
        "total", "numItems", "products", "currency", "info", "personal", "lead", "service",
        "error", "keywords", "campaign", "engId", "revision", "eContext", "cart", "expanded",
        "status",
    ]);
    (types, prop::collection::vec((fields, json_value()), 0..6)).prop_map(|(ty, members)| {
        let mut v = Json::Obj(vec![("type".into(), Json::str(ty))]);
        for (k, val) in members {
            v.set(k, val);
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_and_round_trips(text in jsonish()) {
        if let Ok(v) = Json::parse(&text) {
            let again = Json::parse(&v.to_text());
            prop_assert_eq!(again, Ok(v));
        }
    }

    #[test]
    fn written_json_parses_back_to_the_same_value(v in json_value()) {
        let text = v.to_text();
        prop_assert_eq!(Json::parse(&text), Ok(v));
    }

    #[test]
    fn classify_never_panics(status in any::<u16>(), body in jsonish(), hint in proptest::option::of(".{0,12}")) {
        let result = Ok(HttpAnswer { status, body: body.clone(), retry_after: hint });
        let report = status % 2 == 0;
        match classify(&result, report) {
            Verdict::Done { body: b, .. } => {
                prop_assert!(status == 200 || status == 201);
                for key in ["visitorId", "sessionId"] {
                    let id = b.get(key).and_then(Json::as_str).unwrap();
                    prop_assert!(crate::core::ids::is_server_id(id));
                }
            }
            Verdict::Retry { min_delay_ms, .. } => prop_assert!(min_delay_ms <= 300_000),
            Verdict::Accepted => prop_assert!(report && (200..300).contains(&status)),
            Verdict::Stale(_) | Verdict::Fail(_) => {}
        }
        let _ = classify(&Err(NetError::Failed), false);
    }

    #[test]
    fn sde_validation_never_panics(list in prop::collection::vec(sde_like(), 0..5), any_value in json_value()) {
        let batch = Json::Arr(list);
        for target in [Target::Engagement, Target::Report] {
            if sde::validate_all(&batch, target).is_ok() && target == Target::Engagement {
                // What passes for engagement has no impression events.
                prop_assert!(!batch.as_arr().unwrap().iter().any(sde::is_impression));
            }
            let _ = sde::validate_all(&any_value, target);
        }
    }

    #[test]
    fn stored_state_and_configs_never_panic(text in jsonish(), v in json_value()) {
        let _ = Session::decode(&text);
        let _ = Entry::decode(&text);
        let _ = Config::from_json(&v);
        if let Ok(parsed) = Json::parse(&text) {
            let _ = Config::from_json(&parsed);
        }
    }

    #[test]
    fn request_bodies_never_panic(v in json_value(), sdes in prop::collection::vec(sde_like(), 0..4)) {
        let _ = request::engagement_body(&v, &Json::Obj(Vec::new()));
        let _ = request::report_body(&v);
        let mut req = Json::Obj(vec![("engagementAttributes".into(), Json::Arr(sdes))]);
        if let Ok(mut body) = request::report_body(&req) {
            request::without_impressions(&mut body);
            prop_assert!(!request::has_impressions(&body));
        }
        req.set("identities", v);
        let _ = request::engagement_body(&req, &Json::Null);
    }
}
