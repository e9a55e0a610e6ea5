//! The route table is the one list of emulated endpoints: every route in it is counted, recorded
//! in the journal and can take a fault, under its own name, whatever its handler does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use lpmon_emulator::http::routes;
use serde_json::Value;

/// A concrete path for a route pattern: every `{placeholder}` segment filled in.
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            "{account}" => ACCOUNT,
            "{app}" => APP,
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_routed_endpoint_takes_a_fault_and_is_journaled_and_counted() {
    let table = routes::table();
    assert!(table.len() >= 5, "the five endpoints of the seeds at least");
    let api = api(&[]);
    for (route, _) in &table {
        let name = route.endpoint.name();
        let spec = format!(
            r#"{{"match": {{"endpoint": "{name}"}}, "status": 599, "internalCode": 77, "message": "fault on {name}"}}"#
        );
        let queued = post(&api, "/__emulator/faults", &spec).await;
        assert_eq!(queued.status, StatusCode::OK, "{name}: {}", queued.text);

        let path = format!("{}?v=1.0", concrete(route.path));
        let answer = send(&api, request(Method::GET, &path, &[], "")).await;
        assert_eq!(answer.status.as_u16(), 599, "{name} took its fault");
        assert_eq!(answer.code(), Some(77), "{name}");
        assert_eq!(answer.str("message"), format!("fault on {name}"));
        assert_eq!(
            answer.header("content-type"),
            Some(route.kind.content_type()),
            "{name}: the fault speaks the endpoint's content type"
        );

        let journal = get(&api, "/__emulator/requests").await.json;
        let last = journal.as_array().and_then(|a| a.last()).cloned();
        let last = last.unwrap_or_else(|| panic!("{name} is missing from the journal"));
        assert_eq!(last["endpoint"], name);
        assert_eq!(last["fault"], true, "{name}");
        assert_eq!(last["status"], 599, "{name}");
        assert_eq!(last["path"], concrete(route.path), "{name}");
    }
    let stats = stats(&api).await;
    for (route, _) in &table {
        assert_eq!(
            stats["requests"][route.endpoint.name()],
            1,
            "{} is counted once",
            route.endpoint.name()
        );
    }
    assert_eq!(
        get(&api, "/__emulator/faults").await.json,
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn a_fault_for_one_endpoint_leaves_the_others_alone() {
    let table = routes::table();
    let api = api(&[]);
    for (target, _) in &table {
        let name = target.endpoint.name();
        let spec = format!(r#"{{"match": {{"endpoint": "{name}"}}, "status": 598, "times": 1}}"#);
        post(&api, "/__emulator/faults", &spec).await;
        for (other, _) in table.iter().filter(|(r, _)| r.endpoint != target.endpoint) {
            let path = format!("{}?v=1.0", concrete(other.path));
            let answer = send(&api, request(Method::GET, &path, &[], "")).await;
            assert_ne!(
                answer.status.as_u16(),
                598,
                "{name}'s fault hit {}",
                other.endpoint
            );
        }
        let path = format!("{}?v=1.0", concrete(target.path));
        let answer = send(&api, request(Method::GET, &path, &[], "")).await;
        assert_eq!(answer.status.as_u16(), 598, "{name}'s fault waited for it");
    }
}

#[tokio::test]
async fn faults_name_endpoints_of_the_route_table_only() {
    let api = api(&[]);
    let refused = post(
        &api,
        "/__emulator/faults",
        r#"{"match": {"endpoint": "nope"}, "status": 500}"#,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    for (route, _) in routes::table() {
        assert!(
            refused.str("message").contains(route.endpoint.name()),
            "the refusal lists {}: {}",
            route.endpoint,
            refused.text
        );
    }
    // Control endpoints are neither faulted nor journaled.
    post(&api, "/__emulator/faults", r#"{"status": 500}"#).await;
    assert_eq!(get(&api, "/__emulator/stats").await.status, StatusCode::OK);
    assert_eq!(
        get(&api, "/__emulator/requests").await.json,
        Value::Array(vec![])
    );
}
