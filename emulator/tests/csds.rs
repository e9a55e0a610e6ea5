//! CSDS look-ups point the services the emulator serves at its api listener.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn smt_and_reporting_point_at_the_api_listener() {
    let api = api(&[]);
    for service in ["smt", "leDataReporting"] {
        let answer = get(
            &api,
            &format!("/api/account/{ACCOUNT}/service/{service}/baseURI.json?version=1.0"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(
            answer.json,
            json!({"service": service, "account": ACCOUNT, "baseURI": API_HOST})
        );
    }
    assert_eq!(stats(&api).await["requests"]["csds"], 2);
}

#[tokio::test]
async fn unknown_account_or_service_is_404() {
    let api = api(&[]);
    let answer = get(
        &api,
        "/api/account/99999999/service/smt/baseURI.json?version=1.0",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = get(
        &api,
        &format!("/api/account/{ACCOUNT}/service/nope/baseURI.json?version=1.0"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}
