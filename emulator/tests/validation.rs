//! Request checks and error answers of the Monitoring API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::Value;

fn assert_error(answer: &Answer, status: StatusCode, code: i64) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.code(), Some(code), "{}", answer.text);
    assert!(
        answer.json["time"].as_u64().is_some(),
        "time in {}",
        answer.text
    );
    assert!(
        answer.json["message"].as_str().is_some(),
        "message in {}",
        answer.text
    );
}

#[tokio::test]
async fn every_answer_is_json_sent_as_octet_stream() {
    let api = api(&[]);
    let ok = engage(&api, "v=1.0", "{}").await;
    assert_eq!(ok.header("content-type"), Some("application/octet-stream"));
    assert!(ok.json.is_object());
    let error = engage(&api, "v=9", "{}").await;
    assert_eq!(
        error.header("content-type"),
        Some("application/octet-stream")
    );
    assert!(error.json.is_object());
    let report_error = report(&api, "v=1.0", "nope").await;
    assert_eq!(
        report_error.header("content-type"),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn illegal_version_is_400_33() {
    let api = api(&[]);
    assert_error(
        &engage(&api, "v=2.0", "{}").await,
        StatusCode::BAD_REQUEST,
        33,
    );
    assert_error(&engage(&api, "", "{}").await, StatusCode::BAD_REQUEST, 33);
    assert_error(
        &report(
            &api,
            "v=1",
            r#"{"engagementAttributes": [], "consumerId": "c"}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        33,
    );
    assert_eq!(
        engage(&api, "v=1.1", "{}").await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn unknown_app_or_account_is_404_18() {
    let api = api(&[]);
    let wrong_app = format!("/api/account/{ACCOUNT}/app/00000000-0000/engagement?v=1.0");
    let answer = send(&api, request(Method::POST, &wrong_app, &[], "{}")).await;
    assert_error(&answer, StatusCode::NOT_FOUND, 18);
    let wrong_account = format!("/api/account/99999999/app/{APP}/report?v=1.0&vid=abc");
    let answer = send(
        &api,
        request(
            Method::PUT,
            &wrong_account,
            &[],
            r#"{"engagementAttributes": []}"#,
        ),
    )
    .await;
    assert_error(&answer, StatusCode::NOT_FOUND, 18);
}

#[tokio::test]
async fn unparsable_or_non_object_body_is_400_5() {
    let api = api(&[]);
    assert_error(
        &engage(&api, "v=1.0", "{not json").await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &engage(&api, "v=1.0", "[1, 2]").await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &engage(&api, "v=1.0", r#"{"entryPoints": "http://x"}"#).await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &engage(
            &api,
            "v=1.0",
            r#"{"identities": [{"iss": "LivePerson", "acr": 0}]}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(&report(&api, "v=1.0", "").await, StatusCode::BAD_REQUEST, 5);
    assert_eq!(
        stats(&api).await["sessionsCreated"],
        0,
        "refused calls open no session"
    );
}

#[tokio::test]
async fn unknown_sde_type_is_400_5_and_nothing_of_the_batch_is_stored() {
    let api = api(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    let bad = r#"{"engagementAttributes": [
        {"type": "searchInfo", "keywords": ["ok"]},
        {"type": "wishlist", "items": []}
    ]}"#;
    assert_error(
        &engage(&api, &pair(&first), bad).await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &report(&api, &pair(&first), bad).await,
        StatusCode::BAD_REQUEST,
        5,
    );
    let wrong_type = r#"{"engagementAttributes": [
        {"type": "searchInfo", "keywords": ["ok"]},
        {"type": "cart", "total": "12.00", "numItems": 1}
    ]}"#;
    assert_error(
        &report(&api, &pair(&first), wrong_type).await,
        StatusCode::BAD_REQUEST,
        5,
    );

    let stats = stats(&api).await;
    assert_eq!(stats["sdesAccepted"], 0);
    assert_eq!(stats["reportsAccepted"], 0);
    let sessions = get(&api, "/__emulator/sessions").await.json;
    assert_eq!(sessions[0]["events"], Value::Array(vec![]));
}

#[tokio::test]
async fn impressions_are_refused_in_engagement() {
    let api = api(&[]);
    for kind in [
        "impDisplay",
        "impAccept",
        "impExpanded",
        "impTimeout",
        "impClose",
    ] {
        let body = format!(r#"{{"engagementAttributes": [{{"type": "{kind}", "engId": 1}}]}}"#);
        assert_error(
            &engage(&api, "v=1.0", &body).await,
            StatusCode::BAD_REQUEST,
            5,
        );
    }
}

#[tokio::test]
async fn report_needs_the_method_override_header() {
    let api = api(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    let body =
        r#"{"engagementAttributes": [{"type": "lead", "lead": {"topic": "car", "value": 22.5}}]}"#;
    let uri = report_uri(&pair(&first));

    let plain = send(
        &api,
        request(
            Method::POST,
            &uri,
            &[("content-type", "application/json")],
            body,
        ),
    )
    .await;
    assert_error(&plain, StatusCode::BAD_REQUEST, 5);
    assert!(plain.json["message"]
        .as_str()
        .unwrap()
        .contains("X-HTTP-Method-Override"));

    let overridden = report(&api, &pair(&first), body).await;
    assert_eq!(overridden.status, StatusCode::OK, "{}", overridden.text);
    assert_eq!(overridden.str("visitorId"), first.str("visitorId"));
    assert_eq!(overridden.str("sessionId"), first.str("sessionId"));
    assert_eq!(
        overridden.str("pageId"),
        first.str("pageId"),
        "a report without pageId stays on the last page"
    );

    let put = send(&api, request(Method::PUT, &uri, &[], body)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(stats(&api).await["reportsAccepted"], 2);
}

#[tokio::test]
async fn report_needs_attributes_and_an_identification() {
    let api = api(&[]);
    assert_error(
        &report(&api, "v=1.0", r#"{"consumerId": "c-1"}"#).await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &report(
            &api,
            "v=1.0",
            r#"{"consumerId": "c-1", "engagementAttributes": {}}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &report(&api, "v=1.0", r#"{"engagementAttributes": []}"#).await,
        StatusCode::BAD_REQUEST,
        5,
    );
    assert_error(
        &report(
            &api,
            "v=1.0",
            r#"{"engagementAttributes": [], "identities": [{"iss": "LivePerson", "acr": "0"}]}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        5,
    );

    let by_identity = report(
        &api,
        "v=1.0",
        r#"{"engagementAttributes": [], "identities": [{"iss": "LivePerson", "acr": "loa1", "sub": "u-1"}]}"#,
    )
    .await;
    assert_eq!(
        by_identity.status,
        StatusCode::CREATED,
        "{}",
        by_identity.text
    );
    let by_consumer = report(
        &api,
        "v=1.0",
        r#"{"engagementAttributes": [], "consumerId": "c-1"}"#,
    )
    .await;
    assert_eq!(
        by_consumer.status,
        StatusCode::CREATED,
        "{}",
        by_consumer.text
    );
}

#[tokio::test]
async fn impressions_are_accepted_only_in_the_session_that_got_the_engagement() {
    let api = api(&[]);
    let mine = engage(&api, "v=1.0", "{}").await;
    let theirs = engage(&api, "v=1.0", "{}").await;
    let context = mine.json["engagementDetails"][0]["contextId"]
        .as_str()
        .unwrap()
        .to_owned();
    let impression = format!(
        r#"{{"engagementAttributes": [
            {{"type": "impDisplay", "campaign": 2739012212, "engId": 2739012312, "revision": 4,
              "eContext": [{{"type": "engagementContext", "id": "{context}"}}]}},
            {{"type": "searchInfo", "keywords": ["x"]}}
        ]}}"#
    );

    let foreign = report(&api, &pair(&theirs), &impression).await;
    assert_error(&foreign, StatusCode::BAD_REQUEST, 5);
    assert!(foreign.json["message"]
        .as_str()
        .unwrap()
        .contains("another session"));

    let fresh = report(
        &api,
        "v=1.0",
        &impression.replacen('{', r#"{"consumerId": "c-9", "#, 1),
    )
    .await;
    assert_error(&fresh, StatusCode::BAD_REQUEST, 5);

    let own = report(&api, &pair(&mine), &impression).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    let stats = stats(&api).await;
    assert_eq!(stats["impressionsAccepted"], 1);
    assert_eq!(stats["sdesAccepted"], 1);
    assert_eq!(
        stats["sessionsCreated"], 2,
        "the refused report opened no session"
    );
}
