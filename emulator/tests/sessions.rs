//! Monitor sessions: 201 then 200, expiry on the emulator clock, stale and malformed ids.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

#[tokio::test]
async fn first_call_creates_a_session_then_the_pair_is_valid() {
    let api = api(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let vid = first.str("visitorId");
    let sid = first.str("sessionId");
    assert_eq!(vid.len(), 22);
    assert_eq!(sid.len(), 22);
    assert!(first.str("pageId").bytes().all(|b| b.is_ascii_digit()));

    let details = first.json["engagementDetails"]
        .as_array()
        .expect("engagementDetails");
    assert_eq!(details.len(), 1);
    let offer = &details[0];
    assert_eq!(offer["campaignId"], 2_739_012_212u64);
    assert_eq!(offer["engagementId"], 2_739_012_312u64);
    assert_eq!(offer["engagementRevision"], 4);
    assert_eq!(offer["connectorId"], 2_739_011_112u64);
    assert_eq!(offer["windowId"], 2_739_011_012u64);
    assert_eq!(offer["language"], "en-US");
    assert_eq!(offer["status"], "expose");
    let first_context = offer["contextId"].as_str().expect("contextId").to_owned();

    let second = engage(&api, &pair(&first), r#"{"pageId": "1899669462"}"#).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.str("visitorId"), vid);
    assert_eq!(second.str("sessionId"), sid);
    assert_eq!(second.str("pageId"), "1899669462");
    let second_context = second.json["engagementDetails"][0]["contextId"]
        .as_str()
        .expect("contextId");
    assert_ne!(
        second_context, first_context,
        "each answer gets a fresh context id"
    );

    assert_eq!(stats(&api).await["sessionsCreated"], 1);
}

#[tokio::test]
async fn idle_session_expires_when_the_clock_moves() {
    let api = api(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    let advanced = post(&api, "/__emulator/clock", r#"{"advanceMs": 1860000}"#).await;
    assert_eq!(advanced.status, StatusCode::OK);
    assert_eq!(advanced.json["offsetMs"], 1_860_000);

    let later = engage(&api, &pair(&first), "{}").await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text);
    assert_eq!(
        later.str("visitorId"),
        first.str("visitorId"),
        "the visitor persists"
    );
    assert_ne!(later.str("sessionId"), first.str("sessionId"));
    assert_eq!(stats(&api).await["sessionsCreated"], 2);
}

#[tokio::test]
async fn activity_keeps_a_session_alive_until_its_maximum_age() {
    let api = api(&["--stale", "not-found"]);
    let first = engage(&api, "v=1.0", "{}").await;
    let query = pair(&first);
    // Twenty minutes apart: never idle too long; 18 steps make six hours and a few ms more.
    for _ in 0..17 {
        post(&api, "/__emulator/clock", r#"{"advanceMs": 1200000}"#).await;
        let call = engage(&api, &query, "{}").await;
        assert_eq!(call.status, StatusCode::OK, "{}", call.text);
    }
    post(&api, "/__emulator/clock", r#"{"advanceMs": 1200000}"#).await;
    let late = engage(&api, &query, "{}").await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    assert_eq!(late.code(), Some(39));
}

#[tokio::test]
async fn stale_not_found_answers_404_with_37_or_39() {
    let api = api(&["--stale", "not-found"]);
    let unknown = engage(
        &api,
        "v=1.0&vid=I2NzQ2YzBkZGEzZDMzYjIx&sid=NJIm1tJFT5SV6dTEkmNAjA",
        "{}",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), Some(37));

    let first = engage(&api, "v=1.0", "{}").await;
    let other_sid = format!(
        "v=1.0&vid={}&sid=NJIm1tJFT5SV6dTEkmNAjA",
        first.str("visitorId")
    );
    let unknown_sid = engage(&api, &other_sid, "{}").await;
    assert_eq!(unknown_sid.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_sid.code(), Some(39));
}

#[tokio::test]
async fn stale_new_session_gives_a_new_pair() {
    let api = api(&[]);
    let unknown = engage(
        &api,
        "v=1.0&vid=I2NzQ2YzBkZGEzZDMzYjIx&sid=NJIm1tJFT5SV6dTEkmNAjA",
        "{}",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::CREATED);
    assert_ne!(unknown.str("visitorId"), "I2NzQ2YzBkZGEzZDMzYjIx");
    assert_ne!(unknown.str("sessionId"), "NJIm1tJFT5SV6dTEkmNAjA");
}

#[tokio::test]
async fn malformed_ids_are_refused_whatever_the_stale_mode() {
    let api = api(&[]);
    let bad_vid = engage(&api, "v=1.0&vid=not%20valid&sid=abc", "{}").await;
    assert_eq!(bad_vid.status, StatusCode::NOT_FOUND);
    assert_eq!(bad_vid.code(), Some(37));

    let first = engage(&api, "v=1.0", "{}").await;
    let bad_sid = engage(
        &api,
        &format!("v=1.0&vid={}&sid=a.b", first.str("visitorId")),
        "{}",
    )
    .await;
    assert_eq!(bad_sid.status, StatusCode::NOT_FOUND);
    assert_eq!(bad_sid.code(), Some(39));

    let empty_vid = engage(&api, "v=1.0&vid=", "{}").await;
    assert_eq!(empty_vid.code(), Some(37));
}

#[tokio::test]
async fn a_known_vid_alone_keeps_the_vid_with_a_new_sid() {
    let api = api(&["--stale", "not-found"]);
    let first = engage(&api, "v=1.0", "{}").await;
    let again = engage(&api, &format!("v=1.0&vid={}", first.str("visitorId")), "{}").await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.str("visitorId"), first.str("visitorId"));
    assert_ne!(again.str("sessionId"), first.str("sessionId"));
    assert_eq!(stats(&api).await["maxSessionsPerVisitor"], 2);
}

#[tokio::test]
async fn no_engagement_flag_leaves_the_key_out() {
    let api = api(&["--no-engagement"]);
    let answer = engage(&api, "v=1.1", "{}").await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert!(
        answer.json.get("engagementDetails").is_none(),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn sessions_endpoint_shows_what_a_session_received() {
    let api = api(&[]);
    let body = r#"{"consumerId": "c-1", "entryPoints": ["http://shop.example/cart", "sec://Sport"],
        "pageId": "111", "engagementAttributes": [{"type": "searchInfo", "keywords": ["shoes"]}]}"#;
    let first = engage(&api, "v=1.0", body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

    let sessions = get(&api, "/__emulator/sessions").await.json;
    let list = sessions.as_array().expect("array");
    assert_eq!(list.len(), 1);
    let session = &list[0];
    assert_eq!(session["visitorId"], Value::String(first.str("visitorId")));
    assert_eq!(session["consumerId"], "c-1");
    assert_eq!(session["pages"][0]["pageId"], "111");
    assert_eq!(session["pages"][0]["entryPoints"][1], "sec://Sport");
    assert_eq!(session["events"][0]["type"], "searchInfo");
    assert_eq!(session["events"][0]["pageId"], "111");
    assert_eq!(session["engagements"][0]["campaignId"], 2_739_012_212u64);
    assert_eq!(session["expired"], false);
    assert_eq!(stats(&api).await["sdesAccepted"], 1);
}
