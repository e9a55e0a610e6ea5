//! The `/__emulator` control endpoints: journal, reset, clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::Value;

#[tokio::test]
async fn requests_journal_records_calls_and_honours_since() {
    let api = api(&[]);
    let headers = [
        ("content-type", "text/plain"),
        ("x-http-method-override", "PUT"),
        ("origin", "http://127.0.0.1:8030"),
        ("authorization", "Bearer secret"),
    ];
    let first = engage(&api, "v=1.0", r#"{"consumerId": "c-1"}"#).await;
    let body = r#"{"engagementAttributes": [{"type": "searchInfo", "keywords": ["k"]}]}"#;
    send(
        &api,
        request(Method::POST, &report_uri(&pair(&first)), &headers, body),
    )
    .await;
    get(&api, "/__emulator/stats").await;

    let all = get(&api, "/__emulator/requests").await.json;
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), 2, "control requests are not recorded");
    let entry = &all[1];
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["endpoint"], "report");
    assert_eq!(entry["query"]["v"], "1.0");
    assert_eq!(entry["query"]["vid"], Value::String(first.str("visitorId")));
    assert_eq!(entry["headers"]["x-http-method-override"], "PUT");
    assert_eq!(entry["headers"]["content-type"], "text/plain");
    assert_eq!(entry["headers"]["origin"], "http://127.0.0.1:8030");
    assert!(
        entry["headers"].get("authorization").is_none(),
        "credentials are not kept"
    );
    assert_eq!(
        entry["body"]["engagementAttributes"][0]["type"],
        "searchInfo"
    );
    assert_eq!(entry["status"], 200);
    assert_eq!(
        entry["answer"]["sessionId"],
        Value::String(first.str("sessionId"))
    );

    let seq = all[0]["seq"].as_u64().expect("seq");
    let later = get(&api, &format!("/__emulator/requests?since={seq}"))
        .await
        .json;
    assert_eq!(later.as_array().map(Vec::len), Some(1));
    assert_eq!(later[0]["seq"].as_u64(), Some(seq + 1));

    assert_eq!(
        get(&api, "/__emulator/requests?since=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn reset_forgets_everything_but_the_sequence() {
    let api = api(&["--stale", "not-found"]);
    let first = engage(&api, "v=1.0", "{}").await;
    post(&api, "/__emulator/clock", r#"{"advanceMs": 1000}"#).await;
    post(&api, "/__emulator/faults", r#"{"status": 503, "times": 5}"#).await;
    let last_seq = get(&api, "/__emulator/requests").await.json[0]["seq"]
        .as_u64()
        .unwrap();

    assert_eq!(
        post(&api, "/__emulator/reset", "").await.status,
        StatusCode::OK
    );
    let stats = stats(&api).await;
    assert_eq!(stats["sessionsCreated"], 0);
    assert_eq!(stats["requests"]["engagement"], 0);
    assert_eq!(
        get(&api, "/__emulator/requests").await.json,
        Value::Array(vec![])
    );
    assert_eq!(
        get(&api, "/__emulator/faults").await.json,
        Value::Array(vec![])
    );
    assert_eq!(
        get(&api, "/__emulator/sessions").await.json,
        Value::Array(vec![])
    );
    let clock = post(&api, "/__emulator/clock", r#"{"advanceMs": 0}"#).await;
    assert_eq!(clock.json["offsetMs"], 0);

    // The old session is gone, and no fault is left to interfere.
    let old = engage(&api, &pair(&first), "{}").await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert_eq!(old.code(), Some(37));
    let seq = get(&api, "/__emulator/requests").await.json[0]["seq"]
        .as_u64()
        .unwrap();
    assert!(
        seq > last_seq,
        "sequence numbers keep growing across resets"
    );
}

#[tokio::test]
async fn clock_needs_a_whole_advance() {
    let api = api(&[]);
    assert_eq!(
        post(&api, "/__emulator/clock", r#"{"advanceMs": -5}"#)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&api, "/__emulator/clock", "nope").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&api, "/__emulator/faults", r#"{"bogus": 1}"#)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}
