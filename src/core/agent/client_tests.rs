//! Native tests of the agent client against the fakes: URLs, both kinds of auth, CSDS, every
//! documented error code, and the retry rules (429 after at least a second).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::rc::Rc;

use futures::executor::block_on;
use futures::future::join;
use serde::de::DeserializeOwned;

use crate::core::agent::client::{AgentClient, Decode, Entropy};
use crate::core::agent::config::AgentConfig;
use crate::core::agent::engactivity::ActivityQuery;
use crate::core::agent::oauth;
use crate::core::agent::visit::{VisitRequest, VisitState};
use crate::core::error::Error;
use crate::core::fakes::{answer, Tab, World};
use crate::core::json::Json;
use crate::core::ports::{HttpAnswer, NetError};

impl Entropy for Tab {
    fn fill_random(&self, buf: &mut [u8]) {
        buf.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    }
}

impl Decode for Tab {
    fn decode<T: DeserializeOwned>(&self, text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

const SEED_003: &str = include_str!("fixtures/visit_state.json");
const VISIT: &str =
    r#"{"visitorId":"cyNGViYjc4MmU2MzEzZThm","sessionId":"qCsUrTldTh0UEWLjLCGqkQ"}"#;
const BEARER: &str = r#"{"accountId":"12345678","domain":"http://127.0.0.1:9","reportingDomain":"http://127.0.0.1:10",
    "retry":{"delaysMs":[10,10]},"auth":{"bearer":"tok-1"}}"#;

fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

fn client(world: &Rc<World>, config: &str) -> AgentClient<Tab> {
    AgentClient::new(
        AgentConfig::from_json(&j(config)).unwrap(),
        Tab(world.clone()),
    )
}

fn visit(c: &AgentClient<Tab>) -> Result<VisitState, Error> {
    block_on(c.visit_info(&VisitRequest::from_json(&j(VISIT)).unwrap()))
}

fn header(world: &World, index: usize, name: &str) -> Option<String> {
    world.sent.borrow()[index]
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.clone())
}

#[test]
fn visit_info_with_a_bearer_token() {
    let world = World::new();
    world.script([answer(200, SEED_003)]);
    let state = visit(&client(&world, BEARER)).unwrap();
    assert_eq!(state, serde_json::from_str::<VisitState>(SEED_003).unwrap());
    assert_eq!(
        world.urls(),
        ["http://127.0.0.1:9/api/account/12345678/monitoring/visitors/cyNGViYjc4MmU2MzEzZThm/visits/current/state?v=1&sid=qCsUrTldTh0UEWLjLCGqkQ&filter=agent"]
    );
    assert_eq!(
        header(&world, 0, "Authorization").as_deref(),
        Some("Bearer tok-1")
    );
    assert_eq!(
        header(&world, 0, "Accept").as_deref(),
        Some("application/json")
    );
}

#[test]
fn oauth_signs_every_attempt_afresh() {
    let world = World::new();
    world.script([
        Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: None,
        }),
        answer(200, SEED_003),
    ]);
    let c = client(
        &world,
        r#"{"accountId":"12345678","domain":"http://127.0.0.1:9","retry":{"delaysMs":[10]},
            "auth":{"consumerKey":"ck","consumerSecret":"cs","token":"tk","tokenSecret":"ts"}}"#,
    );
    visit(&c).unwrap();
    let first = header(&world, 0, "Authorization").unwrap();
    let second = header(&world, 1, "Authorization").unwrap();
    // The clock moved during the pause, so the timestamp (and signature) changed.
    assert_ne!(first, second);
    let url = world.urls()[1].clone();
    let timestamp = (world.now.get() / 1000).to_string();
    let nonce = "000102030405060708090a0b0c0d0e0f";
    let base = oauth::base_string(
        "GET",
        &url,
        &[
            ("oauth_consumer_key", "ck".into()),
            ("oauth_nonce", nonce.into()),
            ("oauth_signature_method", "HMAC-SHA1".into()),
            ("oauth_timestamp", timestamp.clone()),
            ("oauth_token", "tk".into()),
            ("oauth_version", "1.0".into()),
        ],
        &[],
    )
    .unwrap();
    let signature = oauth::encode(&oauth::signature("cs", "ts", &base));
    assert_eq!(
        second,
        [
            r#"OAuth oauth_consumer_key="ck", oauth_nonce=""#,
            nonce,
            r#"", oauth_signature=""#,
            &signature,
            r#"", oauth_signature_method="HMAC-SHA1", oauth_timestamp=""#,
            &timestamp,
            r#"", oauth_token="tk", oauth_version="1.0""#
        ]
        .concat()
    );
}

#[test]
fn domains_come_from_csds_once_per_service() {
    let world = World::new();
    world.script([
        answer(
            200,
            r#"{"service":"smt","account":"12345678","baseURI":"lo.v.liveperson.net"}"#,
        ),
        answer(200, SEED_003),
        answer(200, SEED_003),
        answer(
            200,
            r#"{"service":"leDataReporting","baseURI":"127.0.0.1:8031"}"#,
        ),
        answer(200, r#"{"metricsTotals":{"connectedEngagements":1}}"#),
    ]);
    let c = client(
        &world,
        r#"{"accountId":"12345678","csds":"http://localhost:4","auth":{"bearer":"t"}}"#,
    );
    visit(&c).unwrap();
    visit(&c).unwrap();
    let q = ActivityQuery::from_json(&j(r#"{"timeframe":60}"#)).unwrap();
    let a = block_on(c.engagement_activity(&q)).unwrap();
    assert_eq!(a.totals().unwrap().connected_engagements, 1);
    let urls = world.urls();
    assert_eq!(
        urls[0],
        "http://localhost:4/api/account/12345678/service/smt/baseURI.json?version=1.0"
    );
    assert!(urls[1].starts_with("https://lo.v.liveperson.net/api/account/12345678/monitoring/"));
    assert!(
        urls[2].starts_with("https://lo.v.liveperson.net/"),
        "cached"
    );
    assert_eq!(
        urls[3],
        "http://localhost:4/api/account/12345678/service/leDataReporting/baseURI.json?version=1.0"
    );
    assert_eq!(
        urls[4],
        "http://127.0.0.1:8031/operations/api/account/12345678/engactivity?timeframe=60&v=1"
    );
    assert_eq!(
        header(&world, 0, "Authorization"),
        None,
        "CSDS gets no credentials"
    );
}

#[test]
fn concurrent_first_calls_share_one_csds_lookup() {
    let world = World::new();
    world.script([
        answer(200, r#"{"baseURI":"lo.v.liveperson.net"}"#),
        answer(200, SEED_003),
        answer(200, SEED_003),
    ]);
    let c = client(&world, r#"{"accountId":"1","auth":{"bearer":"t"}}"#);
    let req = VisitRequest::from_json(&j(VISIT)).unwrap();
    let (a, b) = block_on(join(c.visit_info(&req), c.visit_info(&req)));
    assert!(a.is_ok() && b.is_ok());
    assert_eq!(
        world
            .urls()
            .iter()
            .filter(|u| u.contains("baseURI"))
            .count(),
        1
    );
}

#[test]
fn csds_without_the_service_is_an_http_error() {
    let world = World::new();
    world.script([answer(200, r#"{"service":"smt"}"#)]);
    let e = visit(&client(
        &world,
        r#"{"accountId":"1","auth":{"bearer":"t"}}"#,
    ))
    .unwrap_err();
    assert!(matches!(e, Error::Http { status: 200, .. }), "{e:?}");
    assert!(e.message().contains("did not name the smt service"));
}

#[test]
fn documented_errors_keep_status_and_internal_code_and_are_not_retried() {
    for (status, code, says) in [
        (400, 33, "bad request"),
        (401, 10, "unauthorized"),
        (404, 6, "unknown account"),
        (404, 37, "unknown visitor"),
        (404, 39, "unknown session"),
        (404, 12, "more than 6 hours ago"),
    ] {
        let world = World::new();
        let body = [
            r#"{"time":1,"message":"x","internalCode":"#,
            &code.to_string(),
            "}",
        ]
        .concat();
        world.script([answer(status, &body)]);
        let e = visit(&client(&world, BEARER)).unwrap_err();
        assert_eq!(
            (e.kind(), &e),
            (
                "http",
                &Error::Http {
                    status,
                    internal_code: Some(code),
                    message: crate::core::agent::client::describe(status, Some(code))
                        .unwrap()
                        .into()
                }
            )
        );
        assert!(e.message().contains(says), "{}", e.message());
        assert_eq!(world.sent.borrow().len(), 1, "{status}/{code} is final");
        assert!(world.sleeps.borrow().is_empty());
    }
    // Undocumented refusals keep the server's words.
    let world = World::new();
    world.script([answer(
        400,
        r#"{"message":"interval must divide timeframe"}"#,
    )]);
    let q = ActivityQuery::from_json(&j(r#"{"timeframe":60}"#)).unwrap();
    let e = block_on(client(&world, BEARER).engagement_activity(&q)).unwrap_err();
    assert_eq!(e.message(), "HTTP 400: interval must divide timeframe");
}

#[test]
fn throttling_waits_at_least_a_second_and_honours_retry_after() {
    let world = World::new();
    world.script([
        Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: None,
        }),
        Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: Some("3".into()),
        }),
        answer(200, r#"{"metricsTotals":{}}"#),
    ]);
    let q = ActivityQuery::from_json(&j(r#"{"timeframe":60,"interval":5}"#)).unwrap();
    block_on(client(&world, BEARER).engagement_activity(&q)).unwrap();
    assert_eq!(*world.sleeps.borrow(), [1000, 3000]);
    assert_eq!(world.sent.borrow().len(), 3);
}

#[test]
fn server_errors_retry_then_give_up_with_the_last_status() {
    let world = World::new();
    world.script([
        answer(503, ""),
        answer(500, r#"{"message":"boom"}"#),
        answer(502, ""),
    ]);
    let e = visit(&client(&world, BEARER)).unwrap_err();
    assert!(matches!(e, Error::Http { status: 502, .. }), "{e:?}");
    assert_eq!(*world.sleeps.borrow(), [10, 10]);

    let world = World::new();
    world.script([
        Err(NetError::Failed),
        Err(NetError::Timeout),
        Err(NetError::Failed),
    ]);
    let e = visit(&client(&world, BEARER)).unwrap_err();
    assert_eq!(e.kind(), "network");
}

#[test]
fn a_200_that_is_not_the_expected_json_is_a_final_http_error() {
    for body in [
        "not json",
        "[]",
        "null",
        r#"{"appSessions":{"not":"a list"}}"#,
    ] {
        let world = World::new();
        world.script([answer(200, body)]);
        let e = visit(&client(&world, BEARER)).unwrap_err();
        assert!(
            matches!(e, Error::Http { status: 200, .. }),
            "{body}: {e:?}"
        );
        assert!(
            e.message().contains("is not a visit state"),
            "{}",
            e.message()
        );
        assert_eq!(world.sent.borrow().len(), 1);
    }
}

#[test]
fn the_json_variants_hand_back_the_server_text_once_it_is_checked() {
    let world = World::new();
    let with_extra = SEED_003.replacen('{', r#"{"servedBy": "edge-7", "#, 1);
    world.script([answer(200, &with_extra), answer(200, r#"{"id": 5}"#)]);
    let c = client(&world, BEARER);
    let req = VisitRequest::from_json(&j(VISIT)).unwrap();
    assert_eq!(block_on(c.visit_info_json(&req)).unwrap(), with_extra);
    let e = block_on(c.visit_info_json(&req)).unwrap_err();
    assert!(
        e.message().contains("is not a visit state"),
        "{}",
        e.message()
    );

    let world = World::new();
    world.script([
        answer(
            200,
            r#"{"metricsTotals": {"connectedEngagements": 2}, "new": [1]}"#,
        ),
        answer(200, "[]"),
    ]);
    let c = client(&world, BEARER);
    let q = ActivityQuery::from_json(&j(r#"{"timeframe":60}"#)).unwrap();
    assert_eq!(
        block_on(c.engagement_activity_json(&q)).unwrap(),
        r#"{"metricsTotals": {"connectedEngagements": 2}, "new": [1]}"#
    );
    assert!(block_on(c.engagement_activity_json(&q)).is_err());
}
