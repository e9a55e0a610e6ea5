//! Native tests of the two lifetimes: the visitor (vid) outlives monitor sessions (sid), stale
//! answers drop only what they name, state written by earlier versions is read, `reset()`
//! forgets everything; and reports: any 2xx delivers, kept reports say `queued`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::rc::Rc;

use futures::executor::block_on;

use crate::core::config::Config;
use crate::core::error::Error;
use crate::core::fakes::{answer, query, Tab, World};
use crate::core::json::Json;
use crate::core::monitor::{Monitor, Shared};
use crate::core::ports::NetError;
use crate::core::session::{IDLE_MS, MAX_AGE_MS};

const CONFIG: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[1000]}}"#;
const KEY: &str = "lpmon:12345678:app-1";

fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

fn monitor(world: &Rc<World>) -> Monitor<Tab> {
    let cfg = Config::from_json(&j(CONFIG)).unwrap();
    Monitor::new(cfg, Tab(world.clone()), Rc::new(Shared::default()), j("{}"))
}

fn s(v: &Json, key: &str) -> String {
    v.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

fn search(word: &str) -> Json {
    j(&[
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":[""#,
        word,
        r#""]}]}"#,
    ]
    .concat())
}

/// The vid and sid query parameters of the `n`th request.
fn ids_sent(w: &World, n: usize) -> (Option<String>, Option<String>) {
    let url = w.urls()[n].clone();
    (query(&url, "vid"), query(&url, "sid"))
}

#[test]
fn after_30_idle_minutes_the_vid_goes_alone_and_the_visitor_stays() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap(); // V1/S1
    w.now.set(w.now.get() + IDLE_MS + 1);
    assert_eq!(
        m.vid().as_deref(),
        Some("V1"),
        "the visitor outlives the session"
    );
    assert_eq!(m.sid(), None, "the session is over");
    let next = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, 1), (Some("V1".into()), None));
    assert_eq!(next.get("created"), Some(&Json::Bool(true)));
    assert_eq!(s(&next, "visitorId"), "V1");
    assert_eq!(s(&next, "sessionId"), "S2");
    assert_eq!(m.sid().as_deref(), Some("S2"));
    assert_eq!(w.server.borrow().created, 2);
}

#[test]
fn after_6_hours_of_activity_the_vid_goes_alone() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let mut elapsed = 0;
    while elapsed + IDLE_MS / 2 <= MAX_AGE_MS {
        w.now.set(w.now.get() + IDLE_MS / 2);
        elapsed += IDLE_MS / 2;
        block_on(m.engage(&Json::Null)).unwrap();
    }
    let sent_with_s1 = w.urls().len();
    assert_eq!(
        m.sid().as_deref(),
        Some("S1"),
        "activity kept it alive so far"
    );
    w.now.set(w.now.get() + IDLE_MS / 2);
    assert_eq!(m.sid(), None, "older than 6 hours");
    assert_eq!(m.vid().as_deref(), Some("V1"));
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, sent_with_s1), (Some("V1".into()), None));
    assert_eq!(m.sid().as_deref(), Some("S2"));
}

#[test]
fn a_404_39_drops_the_sid_and_keeps_the_visitor() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(404, r#"{"internalCode":39}"#)]);
    let r = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, 1), (Some("V1".into()), Some("S1".into())));
    assert_eq!(
        ids_sent(&w, 2),
        (Some("V1".into()), None),
        "re-sent with the vid alone"
    );
    assert_eq!(
        (s(&r, "visitorId"), s(&r, "sessionId")),
        ("V1".into(), "S2".into())
    );
    assert_eq!(m.vid().as_deref(), Some("V1"));
}

#[test]
fn a_404_39_on_a_report_keeps_the_visitor_for_the_start_page_call() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(404, r#"{"internalCode":39}"#)]);
    let r = block_on(m.report(&search("x"))).unwrap();
    let urls = w.urls();
    assert!(urls[2].ends_with("/engagement?v=1.0&vid=V1"), "{}", urls[2]);
    assert!(
        urls[3].ends_with("/report?v=1.0&vid=V1&sid=S2"),
        "{}",
        urls[3]
    );
    assert_eq!(s(&r, "visitorId"), "V1");
}

#[test]
fn a_404_37_drops_visitor_and_session() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(404, r#"{"internalCode":37}"#)]);
    let r = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, 2), (None, None), "a new visitor");
    assert_eq!(s(&r, "visitorId"), "V2");
    assert_eq!(m.vid().as_deref(), Some("V2"));
}

#[test]
fn an_unknown_vid_sent_alone_is_dropped_and_a_new_visitor_opened() {
    let w = World::new();
    let m = monitor(&w);
    w.store.borrow_mut().insert(
        KEY.into(),
        r#"{"lpmon":1,"vid":"GONE","sid":"OLD","started":0,"last":0}"#.into(),
    );
    assert_eq!(m.vid().as_deref(), Some("GONE"));
    w.script([answer(404, r#"{"internalCode":37}"#)]);
    let r = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, 0), (Some("GONE".into()), None));
    assert_eq!(ids_sent(&w, 1), (None, None));
    assert_eq!(s(&r, "visitorId"), "V1");
}

#[test]
fn state_written_by_earlier_versions_is_read() {
    let w = World::new();
    let now = w.now.get();
    w.server
        .borrow_mut()
        .pairs
        .push(("OLDV".into(), "OLDS".into()));
    let old = |started: u64, last: u64| {
        [
            r#"{"lpmon":1,"vid":"OLDV","sid":"OLDS","started":"#,
            &started.to_string(),
            r#","last":"#,
            &last.to_string(),
            "}",
        ]
        .concat()
    };
    // A live session from before the upgrade: both ids are used.
    w.store
        .borrow_mut()
        .insert(KEY.into(), old(now - 60_000, now - 1_000));
    let m = monitor(&w);
    assert_eq!(
        (m.vid().as_deref(), m.sid().as_deref()),
        (Some("OLDV"), Some("OLDS"))
    );
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, 0), (Some("OLDV".into()), Some("OLDS".into())));
    // An expired one: nobody becomes a new visitor by upgrading.
    w.store
        .borrow_mut()
        .insert(KEY.into(), old(now - 2 * IDLE_MS, now - IDLE_MS - 1));
    assert_eq!((m.vid().as_deref(), m.sid()), (Some("OLDV"), None));
    let r = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, 1), (Some("OLDV".into()), None));
    assert_eq!(s(&r, "visitorId"), "OLDV");
}

#[test]
fn reset_forgets_visitor_session_and_queued_reports() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script((0..2).map(|_| Err(NetError::Failed)));
    let e = block_on(m.report(&search("before-logout"))).unwrap_err();
    assert!(matches!(e, Error::Queued(_)));
    assert_eq!(w.queued().len(), 1);
    m.reset();
    assert_eq!((m.vid(), m.sid()), (None, None));
    assert!(w.store.borrow().is_empty(), "{:?}", w.store.borrow());
    assert!(!m.has_parked());
    let gave_up: Vec<_> = w
        .events
        .borrow()
        .iter()
        .filter(|(n, _)| n == "QUEUE_GAVE_UP")
        .map(|(_, d)| d.to_text())
        .collect();
    assert_eq!(gave_up, [r#"{"kind":"reset"}"#]);
    let sent = w.urls().len();
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(ids_sent(&w, sent), (None, None), "a new visitor");
    block_on(m.drain());
    assert_eq!(w.urls().len(), sent + 1, "the forgotten report is not sent");
}

#[test]
fn reset_during_a_call_keeps_the_old_pair_out() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.hold_next.set(true);
    let (r, ()) = block_on(futures::future::join(m.engage(&Json::Null), async {
        for _ in 0..10 {
            crate::core::fakes::YieldOnce(false).await;
        }
        m.reset();
        w.release.fire();
    }));
    assert!(r.is_ok(), "sent before the reset: it resolves");
    assert_eq!(m.vid(), None, "but its answer is not remembered");
}

#[test]
fn any_2xx_on_report_is_delivered_and_keeps_the_pair() {
    for (status, body) in [(200, ""), (204, ""), (200, "{}")] {
        let w = World::new();
        let m = monitor(&w);
        block_on(m.engage(&Json::Null)).unwrap();
        let stored = w.store.borrow()[KEY].clone();
        w.script([answer(status, body)]);
        let r = block_on(m.report(&j(
            r#"{"pageId":"p9","engagementAttributes":[{"type":"searchInfo","keywords":["x"]}]}"#,
        )))
        .unwrap();
        assert_eq!(
            r.to_text(),
            r#"{"visitorId":"V1","sessionId":"S1","pageId":"p9"}"#,
            "{status} {body}"
        );
        assert_eq!(w.store.borrow()[KEY], stored);
        assert!(w.queued().is_empty());
        assert_eq!(w.urls().len(), 2, "not retried");
    }
}

#[test]
fn a_kept_report_rejects_queued_and_its_outcome_is_told() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script((0..2).map(|_| Err(NetError::Failed)));
    let e = block_on(m.report(&search("later"))).unwrap_err();
    assert!(
        matches!(&e, Error::Queued(inner) if matches!(**inner, Error::Network(_))),
        "{e:?}"
    );
    assert_eq!(e.kind(), "network");
    block_on(m.drain());
    assert!(w.event_names().contains(&"QUEUE_DELIVERED".to_string()));

    // A final refusal is not queued, and a kept report refused later is given up, by event.
    w.script([answer(400, r#"{"internalCode":5}"#)]);
    let e = block_on(m.report(&search("bad"))).unwrap_err();
    assert!(matches!(e, Error::Http { status: 400, .. }));
    w.script((0..2).map(|_| Err(NetError::Failed)));
    assert!(matches!(
        block_on(m.report(&search("doomed"))),
        Err(Error::Queued(_))
    ));
    w.script([answer(400, r#"{"internalCode":5}"#)]);
    block_on(m.drain());
    let last = w.events.borrow().last().cloned().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.to_text()),
        ("QUEUE_GAVE_UP", r#"{"kind":"http"}"#.to_string())
    );
    assert!(w.queued().is_empty());
}
