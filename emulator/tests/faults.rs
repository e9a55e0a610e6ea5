//! Canned faults: queued answers that matching requests consume in order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::*;
use lpmon_emulator::Bound;
use serde_json::Value;

#[tokio::test]
async fn loading_account_names_a_vid_that_the_retry_gets_back() {
    let api = api(&[]);
    let queued = post(
        &api,
        "/__emulator/faults",
        r#"{"match": {"endpoint": "engagement"}, "status": 500, "internalCode": 20,
            "message": "Loading account: 12345678, vid: {vid}"}"#,
    )
    .await;
    assert_eq!(queued.json["queued"], 1);

    let failed = engage(&api, "v=1.0", "{}").await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.code(), Some(20));
    assert_eq!(
        failed.header("content-type"),
        Some("application/octet-stream")
    );
    let message = failed.str("message");
    let vid = message
        .strip_prefix("Loading account: 12345678, vid: ")
        .expect("message names the vid")
        .to_owned();
    assert_eq!(vid.len(), 22);

    let retry = engage(&api, &format!("v=1.0&vid={vid}"), "{}").await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.text);
    assert_eq!(retry.str("visitorId"), vid);

    let stats = stats(&api).await;
    assert_eq!(
        stats["requests"]["engagement"], 2,
        "the faulted request counts"
    );
    let recorded = get(&api, "/__emulator/requests").await.json;
    assert_eq!(recorded[0]["status"], 500);
    assert_eq!(recorded[0]["fault"], true);
    assert_eq!(recorded[0]["answer"]["internalCode"], 20);
    assert_eq!(recorded[1]["fault"], false);
}

#[tokio::test]
async fn version_1_1_reports_loading_account_as_202_38() {
    let api = api(&[]);
    post(
        &api,
        "/__emulator/faults",
        r#"{"internalCode": 20, "vidField": true}"#,
    )
    .await;
    let answer = engage(&api, "v=1.1", "{}").await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    assert_eq!(answer.code(), Some(38));
    let vid = answer.str("vid");
    assert!(answer.str("message").ends_with(&format!("vid: {vid}")));
}

#[tokio::test]
async fn faults_match_by_endpoint_and_are_used_in_order() {
    let api = api(&[]);
    post(
        &api,
        "/__emulator/faults",
        r#"[{"match": {"endpoint": "report"}, "status": 503, "times": 2, "headers": {"Retry-After": "2"}},
            {"match": {"endpoint": "any"}, "status": 429},
            {"match": {"endpoint": "engagement", "method": "GET"}, "status": 418}]"#,
    )
    .await;

    // The report fault does not match an engagement; the "any" one does.
    let first = engage(&api, "v=1.0", "{}").await;
    assert_eq!(first.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(first.code(), None, "no internal code unless one is given");

    let ok = engage(&api, "v=1.0", "{}").await;
    assert_eq!(
        ok.status,
        StatusCode::CREATED,
        "POST does not match the GET fault"
    );

    let body = r#"{"engagementAttributes": []}"#;
    for _ in 0..2 {
        let busy = report(&api, &pair(&ok), body).await;
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.header("retry-after"), Some("2"));
    }
    assert_eq!(report(&api, &pair(&ok), body).await.status, StatusCode::OK);

    let pending = get(&api, "/__emulator/faults").await.json;
    assert_eq!(pending.as_array().map(Vec::len), Some(1));
    let cleared = send(
        &api,
        common::request(axum::http::Method::DELETE, "/__emulator/faults", &[], ""),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(
        get(&api, "/__emulator/faults").await.json,
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn delay_only_fault_delays_then_answers_normally() {
    let api = api(&[]);
    post(&api, "/__emulator/faults", r#"{"delayMs": 300}"#).await;
    let started = Instant::now();
    let answer = engage(&api, "v=1.0", "{}").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, StatusCode::CREATED);
    assert!(answer.json["sessionId"].is_string());
}

#[tokio::test]
async fn malformed_and_raw_bodies() {
    let api = api(&[]);
    post(&api, "/__emulator/faults", r#"{"malformed": true}"#).await;
    let malformed = engage(&api, "v=1.0", "{}").await;
    assert_eq!(malformed.status, StatusCode::OK);
    assert!(
        serde_json::from_str::<Value>(&malformed.text).is_err(),
        "{}",
        malformed.text
    );

    post(
        &api,
        "/__emulator/faults",
        r#"{"status": 502, "body": "<html>Bad Gateway</html>"}"#,
    )
    .await;
    let raw = engage(&api, "v=1.0", "{}").await;
    assert_eq!(raw.status, StatusCode::BAD_GATEWAY);
    assert_eq!(raw.text, "<html>Bad Gateway</html>");

    post(&api, "/__emulator/faults/clear", "").await;
    assert_eq!(
        engage(&api, "v=1.0", "{}").await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn drop_closes_the_connection_without_an_answer() {
    let bound = Bound::bind(&cli(&["--site-port", "0", "--api-port", "0"]))
        .await
        .unwrap();
    let api = bound.api_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(bound.serve(async {
        let _ = stopped.await;
    }));

    let fault = r#"{"match": {"endpoint": "engagement"}, "drop": true}"#;
    let queued = raw(api, &http("POST", "/__emulator/faults", &[], fault)).await;
    assert_eq!(raw_status(&queued), Some(200), "{queued}");

    let path = engagement_uri("v=1.0");
    let dropped = raw(api, &http("POST", &path, &[], "{}")).await;
    assert_eq!(dropped, "", "no status line, no bytes");

    let next = raw(api, &http("POST", &path, &[], "{}")).await;
    assert_eq!(raw_status(&next), Some(201), "{next}");

    let journal = raw(api, &http("GET", "/__emulator/requests", &[], "")).await;
    assert!(journal.contains(r#""dropped":true"#), "{journal}");

    let _ = stop.send(());
    let result = tokio::time::timeout(Duration::from_secs(10), server).await;
    assert!(matches!(result, Ok(Ok(Ok(())))), "{result:?}");
}
