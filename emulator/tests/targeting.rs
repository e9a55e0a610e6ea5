//! Campaigns through the API: targeting by SDE, entry point, identity and availability;
//! conversations; capping; the trace and the funnel.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use serde_json::{json, Value};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/campaigns.example.toml");

const A: u64 = 3_100_000_011;
const D: u64 = 3_100_000_021;
const B: u64 = 3_100_000_031;
const C: u64 = 3_100_000_041;
const E: u64 = 3_100_000_051;

fn example(extra: &[&str]) -> Router {
    let mut args = vec!["--campaigns", EXAMPLE];
    args.extend_from_slice(extra);
    api(&args)
}

fn write_file(name: &str, text: &str) -> PathBuf {
    let path = temp_dir("campaigns").join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The one engagement entry of an answer (panics when there is not exactly one).
fn offered(answer: &Answer) -> &Value {
    let details = answer.json["engagementDetails"]
        .as_array()
        .unwrap_or_else(|| panic!("no engagementDetails in {}", answer.text));
    assert_eq!(details.len(), 1, "{}", answer.text);
    &details[0]
}

fn engagement_id(answer: &Answer) -> u64 {
    offered(answer)["engagementId"].as_u64().unwrap()
}

fn impression(kind: &str, offer: &Value) -> String {
    json!({"engagementAttributes": [{
        "type": kind, "campaign": offer["campaignId"], "engId": offer["engagementId"],
        "revision": offer["engagementRevision"],
        "eContext": [{"type": "engagementContext", "id": offer["contextId"]}]
    }]})
    .to_string()
}

#[tokio::test]
async fn sdes_received_so_far_and_entry_points_pick_the_engagement() {
    let api = example(&[]);
    let first = engage(
        &api,
        "v=1.0",
        r#"{"entryPoints": ["https://shop.example/"]}"#,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(engagement_id(&first), A);
    // The answer keeps the real server's shape: these keys and no others.
    let mut keys: Vec<&str> = offered(&first)
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "campaignId",
            "connectorId",
            "contextId",
            "engagementId",
            "engagementRevision",
            "language",
            "status",
            "windowId"
        ]
    );
    assert_eq!(offered(&first)["campaignId"], 3_100_000_010u64);
    assert_eq!(offered(&first)["engagementRevision"], 3);
    assert_eq!(offered(&first)["status"], "expose");
    let mut top: Vec<&String> = first.json.as_object().unwrap().keys().collect();
    top.sort();
    assert_eq!(
        top,
        ["engagementDetails", "pageId", "sessionId", "visitorId"]
    );
    assert!(
        first.headers.keys().all(|h| !h.as_str().contains("lpmon")),
        "no debug header"
    );

    let query = pair(&first);
    // A cart reported earlier counts in the next engagement call.
    let cart = r#"{"engagementAttributes": [{"type": "cart", "total": 250, "numItems": 2}]}"#;
    assert_eq!(report(&api, &query, cart).await.status, StatusCode::OK);
    let with_cart = engage(&api, &query, "{}").await;
    assert_eq!(with_cart.status, StatusCode::OK);
    assert_eq!(engagement_id(&with_cart), D);

    // SDEs in the engagement call itself count too.
    let vip = r#"{"engagementAttributes": [{"type": "ctmrinfo", "info": {"ctype": "vip"}}]}"#;
    assert_eq!(engagement_id(&engage(&api, &query, vip).await), B);
    // Still VIP on the next call, without sending it again.
    assert_eq!(engagement_id(&engage(&api, &query, "{}").await), B);

    let sport = r#"{"entryPoints": ["https://shop.example/run", "sec://Sport"]}"#;
    assert_eq!(engagement_id(&engage(&api, &query, sport).await), C);

    // ctmrinfo replaces: a later one without the VIP type ends it (the cart still holds).
    let regular =
        r#"{"engagementAttributes": [{"type": "ctmrinfo", "info": {"ctype": "regular"}}]}"#;
    assert_eq!(report(&api, &query, regular).await.status, StatusCode::OK);
    assert_eq!(engagement_id(&engage(&api, &query, "{}").await), D);

    // The session's merged SDEs are visible to tests.
    let sessions = get(&api, "/__emulator/sessions").await.json;
    assert_eq!(sessions[0]["sdes"]["ctmrinfo"]["info"]["ctype"], "regular");
    assert_eq!(sessions[0]["sdes"]["cart"]["total"], 250);
}

#[tokio::test]
async fn no_eligible_engagement_leaves_engagement_details_out() {
    let file = write_file(
        "only-sport.toml",
        r#"
[[accounts]]
id = "12345678"
app_installations = ["8de29e3d-25b1-4d08-b713-8331ab222bfa"]
[[campaigns]]
id = 1
  [[campaigns.engagements]]
  id = 11
  connector_id = 5
  window_id = 6
  language = "fr-FR"
  targeting.entry_points = ["sec://Sport"]
"#,
    );
    let api = api(&["--campaigns", file.to_str().unwrap()]);
    let plain = engage(&api, "v=1.0", "{}").await;
    assert_eq!(plain.status, StatusCode::CREATED);
    assert!(
        plain.json.get("engagementDetails").is_none(),
        "{}",
        plain.text
    );
    let sport = engage(&api, &pair(&plain), r#"{"entryPoints": ["sec://sport"]}"#).await;
    assert_eq!(offered(&sport)["engagementId"], 11);
    assert_eq!(offered(&sport)["language"], "fr-FR");
    // The page keeps its entry points: a later call for the same page without any still matches.
    let page = sport.str("pageId");
    let again = engage(&api, &pair(&plain), &json!({"pageId": page}).to_string()).await;
    assert_eq!(offered(&again)["engagementId"], 11);
}

#[tokio::test]
async fn the_offline_engagement_is_offered_only_once_agents_are_online() {
    let api = example(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    assert_eq!(engagement_id(&first), A);
    let states = get(&api, "/__emulator/availability").await.json;
    let video = states
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["engagementId"] == E)
        .unwrap();
    assert_eq!(video["state"], "offline");
    assert_eq!(video["source"], "file");
    assert_eq!(video["shown"], false);

    let set = post(
        &api,
        "/__emulator/availability",
        &json!({"engagementId": E, "state": "online"}).to_string(),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(engagement_id(&engage(&api, &pair(&first), "{}").await), E);

    // By skill, and back to the file with null.
    let busy = post(
        &api,
        "/__emulator/availability",
        r#"{"skill": "Experts", "state": "busy"}"#,
    )
    .await;
    assert_eq!(busy.status, StatusCode::OK);
    assert_eq!(engagement_id(&engage(&api, &pair(&first), "{}").await), A);
    post(
        &api,
        "/__emulator/availability",
        &json!({"engagementId": E, "state": null}).to_string(),
    )
    .await;
    assert_eq!(engagement_id(&engage(&api, &pair(&first), "{}").await), A);

    let bad = post(
        &api,
        "/__emulator/availability",
        r#"{"engagementId": 1, "state": "away"}"#,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown = post(
        &api,
        "/__emulator/availability",
        r#"{"engagementId": 1, "state": "online"}"#,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // A reset returns to the file's states.
    post(
        &api,
        "/__emulator/availability",
        &json!({"engagementId": E, "state": "online"}).to_string(),
    )
    .await;
    post(&api, "/__emulator/reset", "").await;
    assert_eq!(engagement_id(&engage(&api, "v=1.0", "{}").await), A);
}

#[tokio::test]
async fn identity_rules_read_the_identities_sent() {
    let file = write_file(
        "identity.toml",
        r#"
[[accounts]]
id = "12345678"
app_installations = ["8de29e3d-25b1-4d08-b713-8331ab222bfa"]
[[campaigns]]
id = 1
priority = 2
  [[campaigns.engagements]]
  id = 11
  connector_id = 5
  window_id = 6
  targeting.identity = "authenticated"
[[campaigns]]
id = 2
priority = 1
  [[campaigns.engagements]]
  id = 21
  connector_id = 5
  window_id = 6
  targeting.identity = "unauthenticated"
"#,
    );
    let api = api(&["--campaigns", file.to_str().unwrap()]);
    let anonymous = r#"{"identities": [{"iss": "LivePerson", "acr": "0", "sub": "u-1"}]}"#;
    let first = engage(&api, "v=1.0", anonymous).await;
    assert_eq!(engagement_id(&first), 21);
    let signed_in =
        r#"{"identities": [{"iss": "https://brand.example", "acr": "loa1", "sub": "u-1"}]}"#;
    assert_eq!(
        engagement_id(&engage(&api, &pair(&first), signed_in).await),
        11
    );
}

#[tokio::test]
async fn accepting_opens_a_conversation_that_later_answers_carry() {
    let api = example(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    let query = pair(&first);
    let offer = offered(&first).clone();
    assert_eq!(
        report(&api, &query, &impression("impDisplay", &offer))
            .await
            .status,
        StatusCode::OK
    );
    // Displaying does not open anything.
    assert_eq!(
        offered(&engage(&api, &query, "{}").await)["status"],
        "expose"
    );
    assert_eq!(
        report(&api, &query, &impression("impAccept", &offer))
            .await
            .status,
        StatusCode::OK
    );

    let talking = engage(&api, &query, "{}").await;
    let entry = offered(&talking);
    assert_eq!(entry["status"], "conversation");
    assert_eq!(entry["engagementId"], A);
    assert!(entry.get("contextId").is_none(), "{}", talking.text);
    let conversation_id = entry["conversationId"].as_str().unwrap().to_owned();
    assert_eq!(conversation_id.len(), 36);

    assert_eq!(stats(&api).await["conversationsOpen"], 1);
    let listed = get(&api, "/__emulator/conversations").await.json;
    assert_eq!(
        listed[0]["conversationId"],
        Value::String(conversation_id.clone())
    );
    assert_eq!(listed[0]["via"], "impAccept");
    assert_eq!(listed[0]["contextId"], offer["contextId"]);

    // The conversation belongs to the visitor: a new session of the same visitor still sees it.
    post(&api, "/__emulator/clock", r#"{"advanceMs": 1860000}"#).await;
    let later = engage(&api, &query, "{}").await;
    assert_eq!(later.status, StatusCode::CREATED);
    assert_eq!(
        offered(&later)["conversationId"],
        Value::String(conversation_id.clone())
    );

    let closed = post(
        &api,
        "/__emulator/conversations/close",
        &json!({"conversationId": conversation_id}).to_string(),
    )
    .await;
    assert_eq!(closed.json["closed"], 1);
    assert_eq!(stats(&api).await["conversationsOpen"], 0);
    assert_eq!(
        offered(&engage(&api, &pair(&later), "{}").await)["status"],
        "expose"
    );
}

#[tokio::test]
async fn conversations_open_through_the_control_endpoint() {
    // The built-in campaign, without conversation_on_accept: impAccept opens nothing.
    let api = api(&[]);
    let first = engage(&api, "v=1.0", "{}").await;
    let offer = offered(&first).clone();
    report(&api, &pair(&first), &impression("impAccept", &offer)).await;
    assert_eq!(
        offered(&engage(&api, &pair(&first), "{}").await)["status"],
        "expose"
    );

    let vid = first.str("visitorId");
    let opened = post(
        &api,
        "/__emulator/conversations",
        &json!({"vid": vid}).to_string(),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    assert_eq!(
        opened.json["engagementId"], offer["engagementId"],
        "defaults to the last offered"
    );
    assert_eq!(opened.json["via"], "control");
    let again = post(
        &api,
        "/__emulator/conversations",
        &json!({"vid": vid}).to_string(),
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "one open conversation per visitor"
    );
    assert_eq!(again.json["conversationId"], opened.json["conversationId"]);
    let entry = engage(&api, &pair(&first), "{}").await;
    assert_eq!(
        offered(&entry)["conversationId"],
        opened.json["conversationId"]
    );

    let unknown = post(&api, "/__emulator/conversations", r#"{"vid": "nobody"}"#).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let missing = post(&api, "/__emulator/conversations", "{}").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let closed = post(
        &api,
        "/__emulator/conversations/close",
        &json!({"vid": vid}).to_string(),
    )
    .await;
    assert_eq!(closed.json["closed"], 1);
}

#[tokio::test]
async fn sessions_per_visitor_are_capped_within_the_window() {
    let api = api(&[
        "--cap-sessions-per-visitor",
        "2",
        "--cap-window-minutes",
        "10",
    ]);
    let first = engage(&api, "v=1.0", "{}").await;
    let vid_only = format!("v=1.0&vid={}", first.str("visitorId"));
    let second = engage(&api, &vid_only, "{}").await;
    assert_eq!(second.status, StatusCode::CREATED);
    let third = engage(&api, &vid_only, "{}").await;
    assert_eq!(
        third.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        third.text
    );
    assert!(
        third.code().is_none(),
        "a capped answer carries no internal code"
    );
    assert!(third.str("message").contains("capped"), "{}", third.text);
    // A report that would open a session is capped too; one with the pair is not.
    let sde = r#"{"engagementAttributes": [{"type": "searchInfo", "keywords": ["x"]}]}"#;
    assert_eq!(
        report(&api, &vid_only, sde).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        report(&api, &pair(&second), sde).await.status,
        StatusCode::OK
    );
    assert_eq!(
        engage(&api, &pair(&second), "{}").await.status,
        StatusCode::OK
    );
    let stats = stats(&api).await;
    assert_eq!(stats["sessionsCreated"], 2);
    assert_eq!(stats["sessionsCapped"], 2);
    // Ten minutes later the first creation has left the window.
    post(&api, "/__emulator/clock", r#"{"advanceMs": 600000}"#).await;
    assert_eq!(
        engage(&api, &vid_only, "{}").await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn sessions_per_account_are_capped_with_the_configured_status() {
    let file = write_file(
        "capped.toml",
        r#"
[[accounts]]
id = "12345678"
app_installations = ["8de29e3d-25b1-4d08-b713-8331ab222bfa"]
[capping]
sessions_per_account = 3
status = 500
"#,
    );
    let api = api(&["--campaigns", file.to_str().unwrap()]);
    for _ in 0..3 {
        let answer = engage(&api, "v=1.0", "{}").await;
        assert_eq!(answer.status, StatusCode::CREATED);
        assert!(
            answer.json.get("engagementDetails").is_none(),
            "no campaigns in the file"
        );
    }
    let capped = engage(&api, "v=1.0", "{}").await;
    assert_eq!(
        capped.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        capped.text
    );
    // A flag wins over the file: 0 lifts the limit.
    let lifted = common::api(&[
        "--campaigns",
        file.to_str().unwrap(),
        "--cap-sessions-per-account",
        "0",
    ]);
    for _ in 0..5 {
        assert_eq!(
            engage(&lifted, "v=1.0", "{}").await.status,
            StatusCode::CREATED
        );
    }
    let described = get(&lifted, "/__emulator/campaigns").await.json;
    assert_eq!(described["capping"]["sessionsPerAccount"], Value::Null);
    assert_eq!(described["capping"]["status"], 500);
}

#[tokio::test]
async fn accounts_and_app_installations_come_from_the_file() {
    let file = write_file(
        "accounts.toml",
        r#"
[[accounts]]
id = "111"
app_installations = ["app-a"]
[[accounts]]
id = "222"
app_installations = ["app-b", "app-c"]
[[campaigns]]
id = 1
account = "222"
  [[campaigns.engagements]]
  id = 11
  connector_id = 5
  window_id = 6
"#,
    );
    let api = api(&["--campaigns", file.to_str().unwrap()]);
    let uri = |account: &str, app: &str, query: &str| {
        format!("/api/account/{account}/app/{app}/engagement?{query}")
    };
    let wrong = post(&api, &uri("111", "app-b", "v=1.0"), "{}").await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::NOT_FOUND, Some(18))
    );
    let default_pair = post(&api, &uri(ACCOUNT, APP, "v=1.0"), "{}").await;
    assert_eq!(
        default_pair.status,
        StatusCode::NOT_FOUND,
        "the flags' pair is not accepted"
    );
    let on_a = post(&api, &uri("111", "app-a", "v=1.0"), "{}").await;
    assert_eq!(on_a.status, StatusCode::CREATED);
    assert!(
        on_a.json.get("engagementDetails").is_none(),
        "account 111 has no campaign"
    );
    let on_c = post(&api, &uri("222", "app-c", "v=1.0"), "{}").await;
    assert_eq!(on_c.status, StatusCode::CREATED);
    assert_eq!(offered(&on_c)["engagementId"], 11);
    // A visitor of one account is unknown to another: a new visitor is made.
    let crossed = post(&api, &uri("222", "app-b", &pair(&on_a)), "{}").await;
    assert_eq!(crossed.status, StatusCode::CREATED);
    assert_ne!(crossed.str("visitorId"), on_a.str("visitorId"));
}

#[tokio::test]
async fn the_trace_explains_each_decision() {
    let api = example(&[]);
    let first = engage(
        &api,
        "v=1.0",
        r#"{"entryPoints": ["https://shop.example/"]}"#,
    )
    .await;
    let vid = first.str("visitorId");
    let vip = r#"{"engagementAttributes": [{"type": "ctmrinfo", "info": {"ctype": "vip"}}]}"#;
    let second = engage(&api, &pair(&first), vip).await;
    assert_eq!(engagement_id(&second), B);

    let trace = get(&api, &format!("/__emulator/trace?vid={vid}"))
        .await
        .json;
    let trace = trace.as_array().unwrap();
    assert_eq!(trace.len(), 2);
    let (one, two) = (&trace[0], &trace[1]);
    assert_eq!(one["created"], true);
    assert_eq!(one["outcome"], "expose");
    assert_eq!(one["chosen"]["engagementId"], A);
    assert_eq!(one["chosen"]["contextId"], offered(&first)["contextId"]);
    assert_eq!(one["entryPoints"], json!(["https://shop.example/"]));
    assert_eq!(one["identity"], "unauthenticated");
    assert_eq!(two["sessionId"], Value::String(second.str("sessionId")));
    assert_eq!(two["chosen"]["engagementId"], B);
    assert_eq!(
        two["chosen"]["because"][0],
        "ctmrinfo.info.ctype == \"vip\" (got \"vip\")"
    );
    assert_eq!(
        two["summary"],
        "B · VIP concierge (campaign \"VIP care\", priority 30): ctmrinfo.info.ctype == \"vip\" (got \"vip\"); agents are online (file)"
    );
    assert_eq!(two["sdes"]["ctmrinfo"]["info"]["ctype"], "vip");
    let candidates = two["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 7);
    let video = candidates.iter().find(|c| c["engagementId"] == E).unwrap();
    assert_eq!(video["eligible"], false);
    assert_eq!(video["why"], "shown when online: agents are offline (file)");
    let welcome = candidates.iter().find(|c| c["engagementId"] == A).unwrap();
    assert_eq!(
        welcome["why"],
        "eligible, but a higher-priority engagement won"
    );

    // limit keeps the latest; another visitor's decisions are not mixed in.
    engage(&api, "v=1.0", "{}").await;
    let last = get(&api, &format!("/__emulator/trace?vid={vid}&limit=1"))
        .await
        .json;
    assert_eq!(last.as_array().unwrap().len(), 1);
    assert_eq!(last[0]["seq"], two["seq"]);
    assert_eq!(
        get(&api, "/__emulator/trace")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        get(&api, "/__emulator/trace?limit=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_funnel_counts_exposures_displays_accepts_and_conversations() {
    let api = example(&[]);
    // Visitor 1: A exposed twice, displayed once (reported twice: counted once), accepted.
    let v1 = engage(&api, "v=1.0", "{}").await;
    let q1 = pair(&v1);
    let a1 = offered(&v1).clone();
    report(&api, &q1, &impression("impDisplay", &a1)).await;
    report(&api, &q1, &impression("impDisplay", &a1)).await;
    engage(&api, &q1, "{}").await;
    report(&api, &q1, &impression("impAccept", &a1)).await;
    // Visitor 2: B exposed and displayed, not accepted.
    let vip = r#"{"engagementAttributes": [{"type": "ctmrinfo", "info": {"ctype": "vip"}}]}"#;
    let v2 = engage(&api, "v=1.0", vip).await;
    report(&api, &pair(&v2), &impression("impDisplay", offered(&v2))).await;

    let funnel = get(&api, "/__emulator/funnel").await.json;
    assert_eq!(
        funnel["steps"],
        json!(["exposed", "displayed", "accepted", "conversations"])
    );
    let campaign = |id: u64| {
        funnel["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["campaignId"] == id)
            .unwrap()
            .clone()
    };
    let welcome = campaign(3_100_000_010);
    assert_eq!(welcome["name"], "Welcome");
    assert_eq!(welcome["priority"], 10);
    let a = &welcome["engagements"][0];
    assert_eq!(a["engagementId"], A);
    assert_eq!(
        a["counts"],
        json!({"exposed": 2, "displayed": 1, "accepted": 1, "conversations": 1})
    );
    assert_eq!(a["conversion"]["displayed"], 0.5);
    assert_eq!(a["conversion"]["accepted"], 1.0);
    assert_eq!(a["conversion"]["conversations"], 1.0);
    assert_eq!(a["conversion"]["overall"], 0.5);
    let vip_care = campaign(3_100_000_030);
    assert_eq!(
        vip_care["counts"],
        json!({"exposed": 1, "displayed": 1, "accepted": 0, "conversations": 0})
    );
    assert_eq!(
        vip_care["conversion"]["conversations"],
        Value::Null,
        "nothing to convert"
    );
    let video = campaign(3_100_000_050);
    assert_eq!(video["counts"]["exposed"], 0);
    assert_eq!(
        funnel["totals"]["counts"],
        json!({"exposed": 3, "displayed": 2, "accepted": 1, "conversations": 1})
    );
}

#[tokio::test]
async fn campaigns_endpoint_describes_the_file() {
    let api = example(&[]);
    let described = get(&api, "/__emulator/campaigns").await.json;
    assert!(described["file"]
        .as_str()
        .unwrap()
        .ends_with("campaigns.example.toml"));
    assert_eq!(described["conversationOnAccept"], true);
    assert_eq!(described["accounts"][0]["id"], "12345678");
    assert_eq!(described["capping"]["sessionsPerVisitor"], 20);
    let campaigns = described["campaigns"].as_array().unwrap();
    assert_eq!(campaigns.len(), 7);
    let big = campaigns
        .iter()
        .find(|c| c["campaignId"] == 3_100_000_020u64)
        .unwrap();
    assert_eq!(
        big["engagements"][0]["targeting"]["sdes"][0],
        "cart.total > 100"
    );
    let members = campaigns
        .iter()
        .find(|c| c["campaignId"] == 3_100_000_060u64)
        .unwrap();
    assert_eq!(
        members["engagements"][0]["availability"]["windows"][0]["days"],
        json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(
        members["engagements"][0]["availability"]["windows"][0]["from"],
        "09:00"
    );
    let builtin = get(&api_without_file(), "/__emulator/campaigns").await.json;
    assert_eq!(builtin["file"], Value::Null);
    assert_eq!(builtin["campaigns"][0]["campaignId"], 2_739_012_212u64);
}

fn api_without_file() -> Router {
    api(&[])
}
