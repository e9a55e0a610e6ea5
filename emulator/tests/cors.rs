//! The api listener's CORS answer: like the real server's, which is why report needs a POST.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;

const ORIGIN: &str = "http://127.0.0.1:8030";

async fn preflight(method: &str) -> Answer {
    let api = api(&[]);
    let headers = [
        ("origin", ORIGIN),
        ("access-control-request-method", method),
        (
            "access-control-request-headers",
            "content-type,x-http-method-override",
        ),
    ];
    send(
        &api,
        request(Method::OPTIONS, &report_uri("v=1.0"), &headers, ""),
    )
    .await
}

fn allowed_methods(answer: &Answer) -> Vec<String> {
    answer
        .header("access-control-allow-methods")
        .unwrap_or("")
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .collect()
}

#[tokio::test]
async fn preflight_allows_post_but_not_put() {
    let answer = preflight("POST").await;
    assert!(answer.status.is_success());
    let methods = allowed_methods(&answer);
    assert!(methods.contains(&"POST".to_owned()), "{methods:?}");
    assert!(methods.contains(&"GET".to_owned()), "{methods:?}");
    assert!(methods.contains(&"PATCH".to_owned()), "{methods:?}");
    assert!(!methods.contains(&"PUT".to_owned()), "{methods:?}");

    // A browser asking for PUT gets the same list, without PUT, and so refuses the request.
    let put = preflight("PUT").await;
    assert!(!allowed_methods(&put).contains(&"PUT".to_owned()));
    assert!(
        put.header("allow").is_none(),
        "no route method list leaks into a preflight"
    );
}

#[tokio::test]
async fn preflight_mirrors_origin_allows_credentials_and_the_lp_headers() {
    let answer = preflight("POST").await;
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        answer.header("access-control-allow-credentials"),
        Some("true")
    );
    let headers = answer
        .header("access-control-allow-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    for name in [
        "content-type",
        "accept",
        "authorization",
        "x-http-method-override",
        "lp-domain-referer",
        "lp-url",
    ] {
        assert!(headers.contains(name), "{name} missing from {headers}");
    }
}

#[tokio::test]
async fn answers_expose_retry_after_and_preflights_are_not_recorded() {
    let api = api(&[]);
    let headers = [("origin", ORIGIN), ("content-type", "application/json")];
    let answer = send(
        &api,
        request(Method::POST, &engagement_uri("v=1.0"), &headers, "{}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    let exposed = answer
        .header("access-control-expose-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(exposed.contains("retry-after"), "{exposed}");

    let preflight_headers = [
        ("origin", ORIGIN),
        ("access-control-request-method", "POST"),
    ];
    send(
        &api,
        request(
            Method::OPTIONS,
            &engagement_uri("v=1.0"),
            &preflight_headers,
            "",
        ),
    )
    .await;
    let recorded = get(&api, "/__emulator/requests").await.json;
    assert_eq!(recorded.as_array().map(Vec::len), Some(1));
    assert_eq!(stats(&api).await["requests"]["engagement"], 1);
}

#[tokio::test]
async fn control_endpoints_answer_cross_origin_too() {
    let api = api(&[]);
    let answer = send(
        &api,
        request(Method::GET, "/__emulator/stats", &[("origin", ORIGIN)], ""),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(answer.header("content-type"), Some("application/json"));
}
