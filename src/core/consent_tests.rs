//! Native tests of the consent gate through the monitor: pending stores and sends nothing and
//! keeps calls in order, granting sends them one after another with one session, denying and
//! withdrawing refuse calls and leave no key behind.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::rc::Rc;

use futures::executor::block_on;
use futures::future::{join, join_all};

use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::error::Error;
use crate::core::fakes::{query, Tab, World, YieldOnce};
use crate::core::json::Json;
use crate::core::monitor::{Monitor, Op, Shared};
use crate::core::ports::NetError;

const CONFIG: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[1000]}}"#;

fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

fn monitor(world: &Rc<World>, consent: Consent) -> Monitor<Tab> {
    let cfg = Config::from_json(&j(CONFIG)).unwrap();
    let m = Monitor::new(cfg, Tab(world.clone()), Rc::new(Shared::default()), j("{}"));
    m.set_consent(consent);
    m
}

fn search(word: &str) -> Json {
    j(&[
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":[""#,
        word,
        r#""]}]}"#,
    ]
    .concat())
}

async fn settle() {
    for _ in 0..30 {
        YieldOnce(false).await;
    }
}

/// What was sent, as `engagement` / `report:word`.
fn wire(w: &World) -> Vec<String> {
    w.sent
        .borrow()
        .iter()
        .map(|r| {
            if r.url.contains("/report?") {
                let b = j(r.body.as_deref().unwrap());
                let word = b
                    .get("engagementAttributes")
                    .and_then(Json::as_arr)
                    .unwrap()[0]
                    .get("keywords")
                    .and_then(Json::as_arr)
                    .unwrap()[0]
                    .as_str()
                    .unwrap()
                    .to_string();
                ["report:", &word].concat()
            } else {
                "engagement".into()
            }
        })
        .collect()
}

#[test]
fn pending_stores_and_sends_nothing_then_granted_sends_in_call_order_with_one_session() {
    let w = World::new();
    let m = monitor(&w, Consent::Pending);
    let (cart, engage, search_b) = (search("cart"), Json::Null, search("b"));
    let calls: [std::pin::Pin<Box<dyn std::future::Future<Output = _>>>; 3] = [
        Box::pin(m.call(Op::Report, &cart)),
        Box::pin(m.call(Op::Engage, &engage)),
        Box::pin(m.call(Op::Report, &search_b)),
    ];
    let (results, ()) = block_on(join(join_all(calls), async {
        settle().await;
        assert!(w.sent.borrow().is_empty(), "nothing sent while pending");
        assert!(w.store.borrow().is_empty(), "no key at all while pending");
        assert_eq!(m.vid(), None);
        m.set_consent(Consent::Granted);
    }));
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    // The report had no session: its start-page call opens it, then each call in turn.
    assert_eq!(
        wire(&w),
        ["engagement", "report:cart", "engagement", "report:b"]
    );
    assert_eq!(w.server.borrow().created, 1, "one session");
    let urls = w.urls();
    assert!(urls[1..]
        .iter()
        .all(|u| query(u, "sid").as_deref() == Some("S1")));
}

#[test]
fn denied_refuses_calls_and_sends_nothing() {
    let w = World::new();
    let m = monitor(&w, Consent::Denied);
    let e = block_on(m.call(Op::Engage, &Json::Null)).unwrap_err();
    assert_eq!(e.kind(), "consent");
    assert!(matches!(
        block_on(m.call(Op::Report, &search("x"))),
        Err(Error::Consent(_))
    ));
    block_on(m.drain());
    m.on_hidden();
    assert!(w.sent.borrow().is_empty() && w.fired.borrow().is_empty());
    assert!(w.store.borrow().is_empty());
}

#[test]
fn denying_while_pending_refuses_the_waiting_calls() {
    let w = World::new();
    let m = monitor(&w, Consent::Pending);
    let (results, ()) = block_on(join(
        join_all([
            m.call(Op::Engage, &Json::Null),
            m.call(Op::Engage, &Json::Null),
        ]),
        async {
            settle().await;
            m.set_consent(Consent::Denied);
        },
    ));
    assert!(results.iter().all(|r| matches!(r, Err(Error::Consent(_)))));
    assert!(w.sent.borrow().is_empty());
}

#[test]
fn withdrawing_consent_removes_every_key_and_ends_the_queue() {
    let w = World::new();
    w.server.borrow_mut().csds_base = Some("127.0.0.1:8031".into());
    let cfg = Config::from_json(&j(
        r#"{"accountId":"12345678","appInstallationId":"app-1","retry":{"delaysMs":[1000]}}"#,
    ))
    .unwrap();
    let m = Monitor::new(cfg, Tab(w.clone()), Rc::new(Shared::default()), j("{}"));
    block_on(m.call(Op::Engage, &Json::Null)).unwrap();
    w.script((0..2).map(|_| Err(NetError::Failed)));
    assert!(matches!(
        block_on(m.call(Op::Report, &search("kept"))),
        Err(Error::Queued(_))
    ));
    let keys: Vec<String> = w.store.borrow().keys().cloned().collect();
    assert_eq!(
        keys.len(),
        3,
        "state, CSDS answer, the kept report: {keys:?}"
    );
    let sent = w.sent.borrow().len();

    m.set_consent(Consent::Denied);
    assert!(w.store.borrow().is_empty(), "{:?}", w.store.borrow());
    assert_eq!((m.vid(), m.sid()), (None, None));
    assert!(w
        .events
        .borrow()
        .iter()
        .any(|(n, d)| n == "QUEUE_GAVE_UP" && d.to_text() == r#"{"kind":"consent"}"#));
    assert_eq!(
        block_on(m.call(Op::Engage, &Json::Null))
            .unwrap_err()
            .kind(),
        "consent"
    );
    block_on(m.drain());
    m.on_hidden();
    assert_eq!(w.sent.borrow().len(), sent, "nothing after withdrawal");
    assert!(w.fired.borrow().is_empty());
}

#[test]
fn an_answer_after_withdrawal_is_not_stored_and_retries_stop() {
    let w = World::new();
    let m = monitor(&w, Consent::Granted);
    block_on(m.call(Op::Engage, &Json::Null)).unwrap();
    let key_text = w.store.borrow().clone();
    assert_eq!(key_text.len(), 1);
    // A report on the wire when consent is withdrawn: its answer (a failure) is not written back
    // and it is not tried again.
    w.hold_next.set(true);
    w.script([Err(NetError::Failed)]);
    let (r, ()) = block_on(join(m.call(Op::Report, &search("late")), async {
        settle().await;
        m.set_consent(Consent::Denied);
        w.release.fire();
    }));
    assert_eq!(r.unwrap_err().kind(), "consent");
    assert_eq!(w.sent.borrow().len(), 2, "no retry");
    assert!(w.store.borrow().is_empty(), "{:?}", w.store.borrow());
    // Granted again: a new visitor, from scratch.
    m.set_consent(Consent::Granted);
    block_on(m.call(Op::Engage, &Json::Null)).unwrap();
    assert_eq!(query(&w.urls()[2], "vid"), None);
}
