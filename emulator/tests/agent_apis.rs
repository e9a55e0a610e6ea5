//! The agent-side endpoints: Visit Information built from a real session, Engagement Activity
//! from generated metrics, their credentials (bearer and verified OAuth 1.0a), error codes and the
//! concurrency limit. Answers are checked against lpmon's typed models of the seeds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{Method, StatusCode};
use axum::Router;
use common::*;
use lpmon::core::agent::config::OAuthKeys;
use lpmon::core::agent::engactivity::EngagementActivity;
use lpmon::core::agent::maybe::UnknownMembers;
use lpmon::core::agent::oauth;
use lpmon::core::agent::visit::VisitState;
use serde_json::{json, Value};

const BEARER: &str = "Bearer emulator-agent-token";

/// The value with every number as a float: a typed `f64` writes `5` back as `5.0`, which is the
/// same number to JSON and JavaScript.
fn as_floats(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(as_floats).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), as_floats(v))).collect())
        }
        other => other.clone(),
    }
}

fn visit_uri(account: &str, vid: &str, query: &str) -> String {
    format!("/api/account/{account}/monitoring/visitors/{vid}/visits/current/state?{query}")
}

async fn visit(api: &Router, uri: &str, auth: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = auth.map(|a| vec![("authorization", a)]).unwrap_or_default();
    send(api, request(Method::GET, uri, &headers, "")).await
}

/// A session that has seen two pages, every SDE type, and an engagement displayed and accepted.
async fn busy_session(api: &Router) -> (String, String) {
    let first = engage(
        api,
        "v=1.0",
        r#"{"entryPoints": ["https://shop.example/boots", "sec://Sport"],
            "clientProperties": {"deviceFamily": "DESKTOP", "os": "MAC_OSX", "ipAddress": "192.0.2.7", "integration": "WEB_SDK"},
            "engagementAttributes": [
              {"type": "mrktInfo", "info": {"channel": "1", "affiliate": "Yahoo", "campaignId": "US coupon campaign"}},
              {"type": "prodView", "products": [{"product": {"name": "red high heel shoe", "category": "women shoes", "sku": "xyz567", "price": 77.8}}]}
            ]}"#,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let context = first.json["engagementDetails"][0]["contextId"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = pair(&first);
    let imp = |kind: &str| {
        format!(
            r#"{{"type": "{kind}", "campaign": 2739012212, "engId": 2739012312, "eContext": [{{"type": "engagementContext", "id": "{context}"}}]}}"#
        )
    };
    let shown = report(
        api,
        &q,
        &format!(r#"{{"engagementAttributes": [{}]}}"#, imp("impDisplay")),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    let second = engage(
        api,
        &q,
        r#"{"entryPoints": ["https://shop.example/cart"], "pageId": "2002"}"#,
    )
    .await;
    assert_eq!(second.status, StatusCode::OK);
    let sdes = r#"{"pageId": "2002", "engagementAttributes": [
        {"type": "cart", "total": 11.7, "numItems": 6, "products": [{"product": {"name": "prod1", "category": "category", "sku": "sku", "price": 7.8}, "quantity": 1}]},
        {"type": "purchase", "total": 11.7, "orderId": "DRV1534XC", "cart": {"products": [{"product": {"name": "antivirus pro plan", "category": "software", "sku": "xyz001", "price": 7.8}, "quantity": 3}]}},
        {"type": "purchase", "total": 5, "orderId": "DRV1534XC", "cart": {"products": []}},
        {"type": "ctmrinfo", "info": {"cstatus": "cancelled", "ctype": "vip", "balance": -400.99, "customerId": "138766AC", "lastPaymentDate": {"day": 15, "month": 10, "year": 2014}}},
        {"type": "personal", "personal": {"firstname": "John", "lastname": "Doe", "age": {"age": 34, "year": 1980, "month": 4, "day": 15}, "contacts": [{"email": "myname@example.com", "phone": "+1 212-788-8877"}], "gender": "MALE", "company": "company"}},
        {"type": "lead", "lead": {"topic": "luxury car test drive 2015", "value": 22.22, "leadId": "xyz123"}},
        {"type": "service", "service": {"topic": "order checkbook", "status": 0, "category": "finance", "serviceId": "service12"}},
        {"type": "error", "error": {"message": "Expiration date missing", "code": "er100004"}},
        {"type": "searchInfo", "keywords": ["trail", "boots"]}
    ]}"#;
    let reported = report(api, &q, sdes).await;
    assert_eq!(reported.status, StatusCode::OK, "{}", reported.text);
    let accepted = report(
        api,
        &q,
        &format!(r#"{{"engagementAttributes": [{}]}}"#, imp("impAccept")),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK);
    (first.str("visitorId"), first.str("sessionId"))
}

#[tokio::test]
async fn visit_state_shows_what_the_session_received() {
    let api = api(&[]);
    let (vid, sid) = busy_session(&api).await;
    let answer = visit(
        &api,
        &visit_uri(ACCOUNT, &vid, &format!("v=1&sid={sid}&filter=agent")),
        Some(BEARER),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let state = &answer.json;
    assert_eq!(state["id"], Value::String(sid.clone()));
    let s = &state["appSessions"][0];
    assert_eq!(s["deviceOS"], "MAC_OSX");
    assert_eq!(s["deviceFamily"], "DESKTOP");
    assert_eq!(s["ipv4"], "192.0.2.7");
    assert_eq!(
        s["mobileDeviceInfo"],
        json!({"mobile": false, "detected": true})
    );
    assert_eq!(s["cart"]["cartStatus"]["total"], 11.7);
    assert_eq!(s["cart"]["cartStatus"]["numItems"], 6);
    assert_eq!(s["cart"]["lastTotalChange"], 11.7);
    assert_eq!(
        s["customerInfo"]["customerInfo"]["customerStatus"],
        "cancelled"
    );
    assert_eq!(s["customerInfo"]["customerInfo"]["customerType"], "vip");
    assert_eq!(
        s["customerInfo"]["customerInfo"]["storeNumber"],
        Value::Null
    );
    assert_eq!(s["personalInfo"]["personalInfo"]["name"], "John");
    assert_eq!(
        s["personalInfo"]["personalInfo"]["customerAge"]["customerYearOfBirth"],
        1980
    );
    assert_eq!(
        s["marketingCampaignInfo"]["marketingCampaignInfo"]["originatingChannel"],
        1
    );
    assert_eq!(s["viewedProduct"][0]["product"]["sku"], "xyz567");
    let purchases = s["purchases"].as_array().unwrap();
    assert_eq!(
        (
            purchases[0]["purchaseSeqId"].as_str(),
            purchases[0]["repeatedOrderId"].as_bool()
        ),
        (Some("1"), Some(false))
    );
    assert_eq!(
        (
            purchases[1]["purchaseSeqId"].as_str(),
            purchases[1]["repeatedOrderId"].as_bool()
        ),
        (Some("2"), Some(true))
    );
    assert_eq!(purchases[0]["cart"]["total"], Value::Null);
    assert_eq!(s["leads"][0]["leadSeqId"], "1");
    assert_eq!(s["serviceActivity"][0]["serviceId"], "service12");
    assert_eq!(s["visitorError"][0]["code"], "er100004");
    assert_eq!(s["searchEngine"]["keywords"], "trail boots");
    let kinds: Vec<String> = s["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_object().unwrap().keys().next().unwrap().clone())
        .collect();
    assert_eq!(
        kinds,
        [
            "marketingCampaignInfo",
            "viewedProduct",
            "cartStatus",
            "purchase",
            "purchase",
            "customerInfo",
            "personalInfo",
            "lead",
            "serviceActivity",
            "visitorError"
        ]
    );
    assert_eq!(
        s["events"][2]["cartStatus"]["contexts"]["page"]["id"],
        "2002"
    );
    let pages = s["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["url"], "shop.example/boots");
    assert_eq!(pages[0]["pageBasic"]["url"], "https://shop.example/boots");
    assert_eq!(pages[0]["pageBasic"]["sections"], json!(["Sport"]));
    assert_eq!(pages[1]["id"], "2002");
    let engagements = s["engagements"].as_array().unwrap();
    assert_eq!(
        engagements.len(),
        1,
        "only the engagement the page displayed"
    );
    assert_eq!(
        engagements[0]["engagement"]["engagementEntity"]["id"],
        2_739_012_312u64
    );
    assert_eq!(engagements[0]["impressionAccepted"][0]["pageId"], "2002");

    // Everything fits lpmon's typed model of seed 003, with no member it does not know.
    let typed: VisitState = serde_json::from_str(&answer.text).unwrap();
    assert_eq!(typed.unknown_members(), Vec::<String>::new());
    assert_eq!(
        as_floats(&serde_json::to_value(&typed).unwrap()),
        as_floats(&answer.json)
    );
    assert_eq!(stats(&api).await["requests"]["visit"], 1);
}

#[tokio::test]
async fn visit_state_errors_carry_the_documented_codes() {
    let api = api(&[]);
    let (vid, sid) = busy_session(&api).await;
    let ok_query = format!("v=1&sid={sid}&filter=agent");
    let cases: Vec<(String, Option<&str>, StatusCode, i64)> = vec![
        (
            visit_uri(ACCOUNT, &vid, &ok_query),
            None,
            StatusCode::UNAUTHORIZED,
            10,
        ),
        (
            visit_uri(ACCOUNT, &vid, &ok_query),
            Some("Bearer nope"),
            StatusCode::UNAUTHORIZED,
            10,
        ),
        (
            visit_uri(ACCOUNT, &vid, &ok_query),
            Some("Basic dXNlcjpwYXNz"),
            StatusCode::UNAUTHORIZED,
            10,
        ),
        (
            visit_uri("87654321", &vid, &ok_query),
            Some(BEARER),
            StatusCode::NOT_FOUND,
            6,
        ),
        (
            visit_uri(ACCOUNT, &vid, &format!("v=2&sid={sid}")),
            Some(BEARER),
            StatusCode::BAD_REQUEST,
            33,
        ),
        (
            visit_uri(ACCOUNT, &vid, "v=1&filter=agent"),
            Some(BEARER),
            StatusCode::BAD_REQUEST,
            33,
        ),
        (
            visit_uri(ACCOUNT, "AAAAAAAAAAAAAAAAAAAAAA", &ok_query),
            Some(BEARER),
            StatusCode::NOT_FOUND,
            37,
        ),
        (
            visit_uri(ACCOUNT, &vid, "v=1&sid=BBBBBBBBBBBBBBBBBBBBBB"),
            Some(BEARER),
            StatusCode::NOT_FOUND,
            39,
        ),
    ];
    for (uri, auth, status, code) in cases {
        let a = visit(&api, &uri, auth).await;
        assert_eq!(
            (a.status, a.code()),
            (status, Some(code)),
            "{uri} {auth:?}: {}",
            a.text
        );
        assert!(a.json["time"].is_u64() && a.json["message"].is_string());
    }
    // Idle for an hour: still readable (the session is in memory until its 6 hours are up).
    post(&api, "/__emulator/clock", r#"{"advanceMs": 3600000}"#).await;
    assert_eq!(
        visit(&api, &visit_uri(ACCOUNT, &vid, &ok_query), Some(BEARER))
            .await
            .status,
        StatusCode::OK
    );
    post(&api, "/__emulator/clock", r#"{"advanceMs": 18000001}"#).await;
    let old = visit(&api, &visit_uri(ACCOUNT, &vid, &ok_query), Some(BEARER)).await;
    assert_eq!(
        (old.status, old.code()),
        (StatusCode::NOT_FOUND, Some(12)),
        "{}",
        old.text
    );
}

fn keys() -> OAuthKeys {
    OAuthKeys {
        consumer_key: "emulator-consumer-key".into(),
        consumer_secret: "emulator-consumer-secret".into(),
        token: "emulator-access-token".into(),
        token_secret: "emulator-token-secret".into(),
    }
}

fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn oauth_signatures_are_verified() {
    let api = api(&[]);
    let (vid, sid) = busy_session(&api).await;
    let path = visit_uri(ACCOUNT, &vid, &format!("v=1&sid={sid}&filter=agent"));
    // Signed by lpmon's signer for the URL the client addresses (the tests' Host is API_HOST).
    let url = format!("http://{API_HOST}{path}");
    let signed = oauth::authorization(&keys(), "GET", &url, now_s(), "nonce-1").unwrap();
    let ok = visit(&api, &path, Some(&signed)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);

    let replay = visit(&api, &path, Some(&signed)).await;
    assert_eq!(
        (replay.status, replay.code()),
        (StatusCode::UNAUTHORIZED, Some(10))
    );
    assert!(replay.str("message").contains("replay"));

    // Signed for another session, sent for this one.
    let other = url.replace(&sid, "BBBBBBBBBBBBBBBBBBBBBB");
    let tampered = oauth::authorization(&keys(), "GET", &other, now_s(), "nonce-2").unwrap();
    let refused = visit(&api, &path, Some(&tampered)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.str("message").contains("signature"),
        "{}",
        refused.text
    );

    let stale = oauth::authorization(&keys(), "GET", &url, now_s() - 3600, "nonce-3").unwrap();
    assert!(visit(&api, &path, Some(&stale))
        .await
        .str("message")
        .contains("timestamp"));

    let mut wrong = keys();
    wrong.token_secret = "guess".into();
    let forged = oauth::authorization(&wrong, "GET", &url, now_s(), "nonce-4").unwrap();
    assert_eq!(
        visit(&api, &path, Some(&forged)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

fn activity_uri(query: &str) -> String {
    format!("/operations/api/account/{ACCOUNT}/engactivity?{query}")
}

#[tokio::test]
async fn engagement_activity_answers_every_shape_of_the_seed() {
    let api = api(&["--engactivity-latency-ms", "0"]);
    for (query, members) in [
        ("timeframe=60&v=1", vec!["metricsTotals"]),
        (
            "timeframe=60&v=1&skillIds=2,4",
            vec!["skillsMetricsPerAgent"],
        ),
        ("timeframe=60&v=1&agentIds=all", vec!["agentsMetrics"]),
        (
            "timeframe=60&v=1&skillIds=all&agentIds=3",
            vec!["agentsMetrics", "skillsMetricsPerAgent"],
        ),
        (
            "timeframe=1440&v=1&skillIds=99&agentIds=98&interval=720",
            vec![
                "agentsMetrics",
                "metricsByIntervals",
                "skillsMetricsPerAgent",
            ],
        ),
        (
            "timeframe=60&v=1&interval=5",
            vec!["metricsByIntervals", "metricsTotals"],
        ),
    ] {
        let a = visit(&api, &activity_uri(query), Some(BEARER)).await;
        assert_eq!(a.status, StatusCode::OK, "{query}: {}", a.text);
        let keys: Vec<&String> = a.json.as_object().unwrap().keys().collect();
        assert_eq!(keys, members, "{query}");
        let typed: EngagementActivity = serde_json::from_str(&a.text).unwrap();
        assert_eq!(typed.unknown_members(), Vec::<String>::new(), "{query}");
        assert_eq!(serde_json::to_value(&typed).unwrap(), a.json, "{query}");
    }
    let intervals = visit(
        &api,
        &activity_uri("timeframe=60&v=1&interval=5"),
        Some(BEARER),
    )
    .await;
    let list = intervals.json["metricsByIntervals"].as_array().unwrap();
    assert!(list.len() == 12 || list.len() == 13, "{}", list.len());
    let stamps: Vec<u64> = list
        .iter()
        .map(|i| i["timestamp"].as_u64().unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[0] - w[1] == 300_000),
        "newest first, 5 minutes apart"
    );
    assert_eq!(stats(&api).await["requests"]["engactivity"], 7);
}

#[tokio::test]
async fn engagement_activity_refuses_bad_requests() {
    let api = api(&["--engactivity-latency-ms", "0"]);
    for (uri, auth, status) in [
        (
            activity_uri("timeframe=60&v=1"),
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            activity_uri("timeframe=60&v=1&interval=31"),
            Some(BEARER),
            StatusCode::BAD_REQUEST,
        ),
        (
            activity_uri("timeframe=60&v=1&interval=61"),
            Some(BEARER),
            StatusCode::BAD_REQUEST,
        ),
        (
            activity_uri("timeframe=1441&v=1"),
            Some(BEARER),
            StatusCode::BAD_REQUEST,
        ),
        (
            activity_uri("timeframe=60"),
            Some(BEARER),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/operations/api/account/87654321/engactivity?timeframe=60&v=1".to_owned(),
            Some(BEARER),
            StatusCode::NOT_FOUND,
        ),
    ] {
        assert_eq!(visit(&api, &uri, auth).await.status, status, "{uri}");
    }
}

#[tokio::test]
async fn engagement_activity_answers_429_over_the_concurrency_limit() {
    let api = api(&[
        "--engactivity-max-concurrent",
        "1",
        "--engactivity-latency-ms",
        "300",
    ]);
    let uri = activity_uri("timeframe=60&v=1");
    let (a, b) = tokio::join!(
        visit(&api, &uri, Some(BEARER)),
        visit(&api, &uri, Some(BEARER))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
    let throttled = if a.status == StatusCode::TOO_MANY_REQUESTS {
        &a
    } else {
        &b
    };
    assert_eq!(throttled.header("retry-after"), Some("1"));
    // The slot is free again once the first answer is out.
    assert_eq!(visit(&api, &uri, Some(BEARER)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_and_the_journal_cover_the_agent_endpoints() {
    let api = api(&[]);
    post(
        &api,
        "/__emulator/faults",
        r#"{"match": {"endpoint": "visit"}, "status": 503, "headers": {"Retry-After": "2"}}"#,
    )
    .await;
    let a = visit(&api, &visit_uri(ACCOUNT, "V", "v=1&sid=S"), Some(BEARER)).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.header("content-type"), Some("application/json"));
    let log = get(&api, "/__emulator/requests").await.json;
    assert_eq!(log[0]["endpoint"], "visit");
    assert_eq!(log[0]["fault"], true);
    assert!(
        log[0]["headers"].get("authorization").is_none(),
        "credentials are never recorded"
    );
}
