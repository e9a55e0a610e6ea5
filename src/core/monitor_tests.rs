//! Native tests of the monitor against the fakes: every session transition and retry rule.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::rc::Rc;

use futures::executor::block_on;
use futures::future::join_all;

use crate::core::config::Config;
use crate::core::error::Error;
use crate::core::fakes::{answer, query, sde_count, Tab, World};
use crate::core::json::Json;
use crate::core::monitor::{Monitor, Shared};
use crate::core::ports::{HttpAnswer, Method, NetError};
use crate::core::session::IDLE_MS;

const CONFIG: &str =
    r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9"}"#;

fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

fn monitor_with(world: &Rc<World>, shared: &Rc<Shared>, config: &str) -> Monitor<Tab> {
    let cfg = Config::from_json(&j(config)).unwrap();
    Monitor::new(
        cfg,
        Tab(world.clone()),
        shared.clone(),
        j(r#"{"integration":"WEB_SDK"}"#),
    )
}

fn monitor(world: &Rc<World>) -> Monitor<Tab> {
    monitor_with(world, &Rc::new(Shared::default()), CONFIG)
}

fn s(v: &Json, key: &str) -> String {
    v.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

fn http(e: &Error) -> (u16, Option<i64>) {
    match e {
        Error::Http {
            status,
            internal_code,
            ..
        } => (*status, *internal_code),
        other => panic!("not an http error: {other:?}"),
    }
}

#[test]
fn first_engage_creates_a_session_and_later_calls_send_it() {
    let w = World::new();
    let m = monitor(&w);
    assert_eq!(m.vid(), None);
    let first = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(first.get("created"), Some(&Json::Bool(true)));
    assert_eq!(s(&first, "visitorId"), "V1");
    assert_eq!(s(&first, "pageId"), "77");
    assert_eq!(
        first
            .get("engagementDetails")
            .and_then(Json::as_arr)
            .map(<[Json]>::len),
        Some(1)
    );
    assert_eq!(m.vid().as_deref(), Some("V1"));
    assert_eq!(m.sid().as_deref(), Some("S1"));

    let second = block_on(m.engage(&j(r#"{"entryPoints":["http://shop/x"]}"#))).unwrap();
    assert_eq!(second.get("created"), Some(&Json::Bool(false)));
    assert_eq!(
        second.get("engagementDetails"),
        Some(&Json::Arr(vec![])),
        "absent details become []"
    );
    let urls = w.urls();
    assert_eq!(
        urls[0],
        "http://127.0.0.1:9/api/account/12345678/app/app-1/engagement?v=1.0"
    );
    assert_eq!(
        urls[1],
        "http://127.0.0.1:9/api/account/12345678/app/app-1/engagement?v=1.0&vid=V1&sid=S1"
    );
    let body = j(w.sent.borrow()[1].body.as_deref().unwrap());
    assert_eq!(
        body.get("clientProperties")
            .and_then(|p| p.get("integration"))
            .and_then(Json::as_str),
        Some("WEB_SDK")
    );
}

#[test]
fn a_201_replaces_the_stored_pair() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(
        201,
        r#"{"visitorId":"NEWV","sessionId":"NEWS","pageId":"1"}"#,
    )]);
    let r = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(r.get("created"), Some(&Json::Bool(true)));
    assert_eq!(m.vid().as_deref(), Some("NEWV"));
    assert_eq!(m.sid().as_deref(), Some("NEWS"));
}

#[test]
fn report_is_post_with_the_put_override() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let r = block_on(m.report(&j(
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["tv"]}]}"#,
    )))
    .unwrap();
    assert_eq!(
        r.to_text(),
        r#"{"visitorId":"V1","sessionId":"S1","pageId":"77"}"#
    );
    let sent = w.sent.borrow();
    let last = sent.last().unwrap();
    assert_eq!(last.method, Method::Post);
    assert!(last.url.ends_with("/report?v=1.0&vid=V1&sid=S1"));
    assert!(last
        .headers
        .contains(&("X-HTTP-Method-Override", "PUT".into())));
}

#[test]
fn report_without_session_or_identity_opens_one_first() {
    let w = World::new();
    let m = monitor(&w);
    let r = block_on(m.report(&j(r#"{"entryPoints":["http://shop/cart"],"engagementAttributes":[{"type":"cart","total":1,"numItems":1}]}"#))).unwrap();
    assert_eq!(s(&r, "visitorId"), "V1");
    let urls = w.urls();
    assert_eq!(urls.len(), 2);
    assert!(urls[0].ends_with("/engagement?v=1.0"), "{}", urls[0]);
    assert!(urls[1].ends_with("/report?v=1.0&vid=V1&sid=S1"));
    let start = j(w.sent.borrow()[0].body.as_deref().unwrap());
    assert!(
        start.get("engagementAttributes").is_none(),
        "the start page sends no SDEs"
    );
    assert_eq!(
        start.get("entryPoints"),
        Some(&j(r#"["http://shop/cart"]"#))
    );
}

#[test]
fn report_with_an_identity_and_no_session_goes_alone() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.report(&j(
        r#"{"consumerId":"c-9f2","engagementAttributes":[{"type":"searchInfo","keywords":["a"]}]}"#,
    )))
    .unwrap();
    let urls = w.urls();
    assert_eq!(urls.len(), 1);
    assert!(urls[0].ends_with("/report?v=1.0"));
    assert_eq!(m.vid().as_deref(), Some("V1"));
}

#[test]
fn impressions_without_session_or_in_engage_are_refused_before_sending() {
    let w = World::new();
    let m = monitor(&w);
    let imp = r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2}]}"#;
    assert_eq!(
        block_on(m.report(&j(imp))).unwrap_err().kind(),
        "validation"
    );
    assert_eq!(
        block_on(m.engage(&j(imp))).unwrap_err().kind(),
        "validation"
    );
    let bad_sde = r#"{"engagementAttributes":[{"type":"cart","total":"1","numItems":1}]}"#;
    assert_eq!(
        block_on(m.engage(&j(bad_sde))).unwrap_err().kind(),
        "validation"
    );
    assert!(w.sent.borrow().is_empty());
}

#[test]
fn client_errors_are_not_retried() {
    let w = World::new();
    let m = monitor(&w);
    w.script([answer(
        400,
        r#"{"time":1,"message":"bad data","internalCode":5}"#,
    )]);
    let e = block_on(m.engage(&Json::Null)).unwrap_err();
    assert_eq!(http(&e), (400, Some(5)));
    assert_eq!(w.sent.borrow().len(), 1);
    assert!(w.sleeps.borrow().is_empty());
}

#[test]
fn server_errors_retry_on_the_documented_schedule() {
    let w = World::new();
    let m = monitor(&w);
    w.script([answer(503, ""), answer(503, ""), answer(503, "")]);
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(w.sent.borrow().len(), 4);
    assert_eq!(*w.sleeps.borrow(), vec![3_000, 10_000, 30_000]);
    assert_eq!(w.event_names().iter().filter(|n| *n == "RETRY").count(), 3);
}

#[test]
fn retries_run_out_with_the_last_status() {
    let w = World::new();
    let m = monitor(&w);
    w.script(
        (0..4)
            .map(|_| answer(503, ""))
            .chain([answer(500, r#"{"internalCode":18}"#)]),
    );
    let e = block_on(m.engage(&Json::Null)).unwrap_err();
    assert_eq!(http(&e), (500, Some(18)));
    assert_eq!(
        w.sent.borrow().len(),
        5,
        "4 delays = 4 retries = 5 attempts"
    );
}

#[test]
fn configured_delays_bound_the_retries() {
    let w = World::new();
    let shared = Rc::new(Shared::default());
    let m = monitor_with(
        &w,
        &shared,
        r#"{"accountId":"1","appInstallationId":"a","domain":"h.example","retry":{"delaysMs":[5]}}"#,
    );
    w.script([Err(NetError::Failed), Err(NetError::Timeout)]);
    let e = block_on(m.engage(&Json::Null)).unwrap_err();
    assert_eq!(e.kind(), "network");
    assert_eq!(w.sent.borrow().len(), 2);
    assert_eq!(*w.sleeps.borrow(), vec![5]);
}

#[test]
fn loading_account_retries_with_the_named_vid() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap(); // V1/S1
                                              // The server names the same visitor: the sid is kept.
    w.script([answer(
        500,
        r#"{"message":"Loading account: 12345678, vid: V1","internalCode":20}"#,
    )]);
    block_on(m.engage(&Json::Null)).unwrap();
    assert!(w.urls()[2].ends_with("vid=V1&sid=S1"));
    // Another visitor: only the vid goes, and the server answers with a new session for it.
    w.server
        .borrow_mut()
        .pairs
        .push(("OTHER".into(), "S0".into()));
    w.script([answer(
        202,
        r#"{"message":"Loading account","internalCode":38,"vid":"OTHER"}"#,
    )]);
    let r = block_on(m.engage(&Json::Null)).unwrap();
    let urls = w.urls();
    assert!(
        urls[4].ends_with("engagement?v=1.0&vid=OTHER"),
        "{}",
        urls[4]
    );
    assert_eq!(s(&r, "visitorId"), "OTHER");
    assert_eq!(m.vid().as_deref(), Some("OTHER"));
}

#[test]
fn stale_pair_is_dropped_and_the_request_resent_without_impressions() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(
        404,
        r#"{"message":"invalid sessionId","internalCode":39}"#,
    )]);
    let r = block_on(m.report(&j(r#"{"engagementAttributes":[
        {"type":"impDisplay","campaign":1,"engId":2},{"type":"searchInfo","keywords":["x"]}]}"#)))
    .unwrap();
    assert_eq!(s(&r, "sessionId"), "S2");
    let sent = w.sent.borrow();
    // A report needs a session: the new one comes from a start-page engagement call made with
    // the visitor alone (39 names only the session), then the report goes with the new pair.
    assert!(
        sent[2].url.ends_with("/engagement?v=1.0&vid=V1"),
        "new session for the same visitor: {}",
        sent[2].url
    );
    assert!(
        sent[3].url.ends_with("/report?v=1.0&vid=V1&sid=S2"),
        "{}",
        sent[3].url
    );
    assert_eq!(sde_count(&sent[3]), Some(1));
    assert!(w.event_names().contains(&"IMPRESSIONS_DROPPED".to_string()));
}

#[test]
fn stale_pair_with_only_impressions_opens_a_new_session() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(404, r#"{"internalCode":37}"#)]);
    let r = block_on(m.report(&j(
        r#"{"engagementAttributes":[{"type":"impAccept","campaign":1,"engId":2}]}"#,
    )))
    .unwrap();
    assert_eq!(s(&r, "sessionId"), "S2");
    let urls = w.urls();
    assert!(urls[2].ends_with("/engagement?v=1.0"), "{}", urls[2]);
    assert_eq!(urls.len(), 3);
}

#[test]
fn a_second_stale_answer_is_final() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([
        answer(404, r#"{"internalCode":39}"#),
        answer(404, r#"{"internalCode":39}"#),
    ]);
    let e = block_on(m.engage(&Json::Null)).unwrap_err();
    assert_eq!(http(&e), (404, Some(39)));
}

#[test]
fn concurrent_calls_share_one_session_creation() {
    let w = World::new();
    let m = monitor(&w);
    let results = block_on(join_all((0..10).map(|_| m.engage(&Json::Null))));
    let created = results
        .iter()
        .filter(|r| r.as_ref().unwrap().get("created") == Some(&Json::Bool(true)))
        .count();
    assert_eq!(created, 1);
    assert_eq!(w.server.borrow().created, 1);
    let without_ids = w
        .urls()
        .iter()
        .filter(|u| query(u, "vid").is_none())
        .count();
    assert_eq!(without_ids, 1);
    assert_eq!(w.sent.borrow().len(), 10);
}

#[test]
fn two_tabs_share_one_session() {
    let w = World::new();
    // Separate page state (Shared) per tab; storage and the cross-tab lock are common.
    let a = monitor_with(&w, &Rc::new(Shared::default()), CONFIG);
    let b = monitor_with(&w, &Rc::new(Shared::default()), CONFIG);
    let calls = (0..20).map(|i| {
        if i % 2 == 0 {
            a.engage(&Json::Null)
        } else {
            b.engage(&Json::Null)
        }
    });
    let results = block_on(join_all(calls));
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(w.server.borrow().created, 1);
    assert_eq!(a.vid(), b.vid());
}

#[test]
fn an_expired_pair_is_not_sent() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.now.set(w.now.get() + IDLE_MS + 1);
    // The session is over; the visitor is not (see visitor_tests).
    assert_eq!(m.vid().as_deref(), Some("V1"));
    assert_eq!(m.sid(), None);
    block_on(m.engage(&Json::Null)).unwrap();
    assert!(w.urls()[1].ends_with("engagement?v=1.0&vid=V1"));
    assert_eq!(m.sid().as_deref(), Some("S2"));
}

#[test]
fn activity_keeps_the_session_alive() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    for _ in 0..3 {
        w.now.set(w.now.get() + IDLE_MS - 1_000);
        block_on(m.engage(&Json::Null)).unwrap();
    }
    assert_eq!(m.sid().as_deref(), Some("S1"));
}

#[test]
fn corrupted_storage_counts_as_no_session() {
    let w = World::new();
    let m = monitor(&w);
    w.store
        .borrow_mut()
        .insert("lpmon:12345678:app-1".into(), "{not json".into());
    assert_eq!(m.vid(), None);
    assert_eq!(m.sid(), None);
    assert_eq!(
        w.event_names()
            .iter()
            .filter(|n| *n == "STORAGE_IGNORED")
            .count(),
        1,
        "said once"
    );
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(m.vid().as_deref(), Some("V1"));
}

#[test]
fn malformed_success_body_is_an_http_error_without_retry() {
    let w = World::new();
    let m = monitor(&w);
    w.script([answer(200, "<html>oops</html>")]);
    let e = block_on(m.engage(&Json::Null)).unwrap_err();
    assert_eq!(http(&e).0, 200);
    assert_eq!(w.sent.borrow().len(), 1);
}

#[test]
fn throttling_honours_retry_after() {
    let w = World::new();
    let m = monitor(&w);
    w.script([Ok(HttpAnswer {
        status: 429,
        body: String::new(),
        retry_after: Some("20".into()),
    })]);
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(*w.sleeps.borrow(), vec![20_000]);
}

#[test]
fn csds_is_asked_once_and_cached() {
    let w = World::new();
    w.server.borrow_mut().csds_base = Some("127.0.0.1:8031".into());
    let no_domain = r#"{"accountId":"12345678","appInstallationId":"app-1"}"#;
    let shared = Rc::new(Shared::default());
    let m = monitor_with(&w, &shared, no_domain);
    block_on(join_all((0..3).map(|_| m.engage(&Json::Null))))
        .into_iter()
        .for_each(|r| {
            r.unwrap();
        });
    let urls = w.urls();
    assert_eq!(
        urls.iter().filter(|u| u.contains("/service/smt/")).count(),
        1
    );
    assert_eq!(
        urls[0],
        "https://api.liveperson.net/api/account/12345678/service/smt/baseURI.json?version=1.0"
    );
    assert!(urls[1].starts_with("http://127.0.0.1:8031/api/account/12345678/app/app-1/engagement"));

    // A new page: the stored answer is used without asking again.
    let m2 = monitor_with(&w, &Rc::new(Shared::default()), no_domain);
    block_on(m2.engage(&Json::Null)).unwrap();
    assert_eq!(
        w.urls()
            .iter()
            .filter(|u| u.contains("/service/smt/"))
            .count(),
        1
    );

    // A day later CSDS is down: the stale answer still serves.
    w.now.set(w.now.get() + 25 * 3_600_000);
    w.server.borrow_mut().csds_base = None;
    let m3 = monitor_with(&w, &Rc::new(Shared::default()), no_domain);
    block_on(m3.engage(&Json::Null)).unwrap();
    assert!(w.event_names().contains(&"CSDS_FALLBACK".to_string()));
}

#[test]
fn csds_failure_without_cache_rejects() {
    let w = World::new();
    let m = monitor_with(
        &w,
        &Rc::new(Shared::default()),
        r#"{"accountId":"1","appInstallationId":"a"}"#,
    );
    assert_eq!(
        block_on(m.engage(&Json::Null)).unwrap_err().kind(),
        "network"
    );
    w.script([answer(404, "{}")]);
    assert_eq!(block_on(m.engage(&Json::Null)).unwrap_err().kind(), "http");
}

#[test]
fn tampered_csds_cache_is_ignored() {
    let w = World::new();
    w.store.borrow_mut().insert(
        "lpmon:csds:1".into(),
        r#"{"origin":"http://evil.example","at":1700000000000}"#.into(),
    );
    w.server.borrow_mut().csds_base = Some("va.v.liveperson.net".into());
    let m = monitor_with(
        &w,
        &Rc::new(Shared::default()),
        r#"{"accountId":"1","appInstallationId":"a"}"#,
    );
    block_on(m.engage(&Json::Null)).unwrap();
    assert!(w.urls()[1].starts_with("https://va.v.liveperson.net/"));
}
