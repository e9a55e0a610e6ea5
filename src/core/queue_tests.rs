//! Native tests of the durable report queue: storage, order, parking, online, page hide,
//! leftovers from dead pages, bounds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use alloc::rc::Rc;
use std::cell::Cell;

use futures::executor::block_on;
use futures::future::{join, join_all};

use crate::core::config::Config;
use crate::core::error::Error;
use crate::core::fakes::{answer, query, sde_count, Tab, World, YieldOnce};
use crate::core::json::Json;
use crate::core::monitor::{page_lock_name, Monitor, Shared};
use crate::core::ports::NetError;
use crate::core::queue::{self, Entry, MAX_CYCLES};

const CONFIG: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[1000,1000]}}"#;

fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

fn monitor(world: &Rc<World>) -> Monitor<Tab> {
    let cfg = Config::from_json(&j(CONFIG)).unwrap();
    Monitor::new(cfg, Tab(world.clone()), Rc::new(Shared::default()), j("{}"))
}

fn search(word: &str) -> Json {
    j(&[
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":[""#,
        word,
        r#""]}]}"#,
    ]
    .concat())
}

fn reported_words(w: &World) -> Vec<String> {
    w.sent
        .borrow()
        .iter()
        .chain(w.fired.borrow().iter())
        .filter(|r| r.url.contains("/report?"))
        .filter_map(|r| {
            let b = j(r.body.as_deref().unwrap());
            b.get("engagementAttributes")?
                .as_arr()?
                .first()?
                .get("keywords")?
                .as_arr()?
                .first()?
                .as_str()
                .map(String::from)
        })
        .collect()
}

/// Polls `f` a few times so that futures started before reach their first await.
async fn settle() {
    for _ in 0..20 {
        YieldOnce(false).await;
    }
}

#[test]
fn a_waiting_report_is_stored_until_the_server_accepts_it() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let writes = || w.store.borrow().len();
    let before = writes();
    w.hold_next.set(true);
    let bodies = [search("first"), search("second")];
    let (results, ()) = block_on(join(join_all(bodies.iter().map(|b| m.report(b))), async {
        settle().await;
        // The first went out at once (with keepalive): nothing to store. The second waits: stored.
        let queued = w.queued();
        assert_eq!(queued.len(), 1, "{queued:?}");
        let entry = Entry::decode(&w.store.borrow()[&queued[0]]).unwrap();
        assert_eq!(reported_words_of(&entry), "second");
        w.release.fire();
    }));
    assert!(results.iter().all(Result::is_ok));
    assert!(w.queued().is_empty(), "removed once accepted");
    assert_eq!(writes(), before, "nothing left behind");
    let last = w.sent.borrow().last().cloned().unwrap();
    assert!(last.keepalive, "reports may outlive the page");
}

#[test]
fn a_report_that_goes_out_at_once_is_stored_when_its_first_attempt_fails() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let session_text = w.store.borrow()["lpmon:12345678:app-1"].clone();
    w.frozen.set(true);
    w.script([answer(503, "")]);
    block_on(join(
        async { m.report(&search("after-503")).await.unwrap() },
        async {
            settle().await;
            let queued = w.queued();
            assert_eq!(queued.len(), 1, "stored before the retry pause");
            assert_eq!(
                reported_words_of(&Entry::decode(&w.store.borrow()[&queued[0]]).unwrap()),
                "after-503"
            );
            w.advance(1_000);
        },
    ));
    assert!(w.queued().is_empty());
    // The session was touched a moment ago: it was not rewritten for this call.
    assert_eq!(w.store.borrow()["lpmon:12345678:app-1"], session_text);
}

fn reported_words_of(entry: &Entry) -> String {
    entry
        .body
        .get("engagementAttributes")
        .and_then(Json::as_arr)
        .and_then(|l| l.first())
        .and_then(|s| s.get("keywords"))
        .and_then(Json::as_arr)
        .and_then(|k| k.first())
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn concurrent_reports_are_delivered_in_call_order() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let words = ["a", "b", "c", "d", "e"];
    let bodies: Vec<Json> = words.iter().map(|x| search(x)).collect();
    w.hold_next.set(true);
    let (results, ()) = block_on(join(join_all(bodies.iter().map(|b| m.report(b))), async {
        settle().await;
        assert_eq!(
            reported_words(&w),
            ["a"],
            "the others wait until the first is answered"
        );
        w.release.fire();
    }));
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(reported_words(&w), words);
}

#[test]
fn a_refused_report_is_removed_and_rejected() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(400, r#"{"internalCode":5}"#)]);
    let e = block_on(m.report(&search("x"))).unwrap_err();
    assert!(matches!(
        e,
        Error::Http {
            status: 400,
            internal_code: Some(5),
            ..
        }
    ));
    assert!(w.queued().is_empty());
}

#[test]
fn no_answer_parks_the_report_until_the_browser_is_online() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script((0..3).map(|_| Err(NetError::Failed)));
    let e = block_on(m.report(&search("offline"))).unwrap_err();
    assert_eq!(e.kind(), "network");
    let kept = w.queued();
    assert_eq!(kept.len(), 1, "kept for later");
    let entry = Entry::decode(&w.store.borrow()[&kept[0]]).unwrap();
    assert_eq!(entry.cycles, 1);
    assert!(m.has_parked());
    m.on_online();
    block_on(m.drain());
    assert!(w.queued().is_empty());
    assert_eq!(
        reported_words(&w).last().map(String::as_str),
        Some("offline")
    );
    assert!(w.event_names().contains(&"QUEUE_DELIVERED".to_string()));
}

#[test]
fn coming_back_online_ends_a_retry_pause() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.frozen.set(true);
    w.script([Err(NetError::Failed)]);
    let (result, ()) = block_on(join(m.report(&search("back")), async {
        settle().await;
        assert_eq!(*w.sleeps.borrow(), vec![1000], "pausing before the retry");
        m.on_online();
    }));
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        w.now.get(),
        1_700_000_000_000,
        "the clock never moved: the pause was cut short"
    );
}

#[test]
fn a_server_asked_pause_is_not_cut_short() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.frozen.set(true);
    w.script([Ok(crate::core::ports::HttpAnswer {
        status: 429,
        body: String::new(),
        retry_after: Some("2".into()),
    })]);
    let done = Rc::new(Cell::new(false));
    let d = done.clone();
    block_on(join(
        async {
            m.report(&search("throttled")).await.unwrap();
            d.set(true);
        },
        async {
            settle().await;
            m.on_online();
            settle().await;
            assert!(!done.get(), "still waiting for Retry-After");
            w.advance(2_000);
        },
    ));
    assert!(done.get());
}

#[test]
fn page_hide_hands_waiting_reports_to_keepalive() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.hold_next.set(true);
    let bodies: Vec<Json> = ["first", "second", "third"]
        .iter()
        .map(|x| search(x))
        .collect();
    let results = block_on(async {
        let all = join_all(bodies.iter().map(|b| m.report(b)));
        let hide = async {
            settle().await;
            assert_eq!(
                w.queued().len(),
                2,
                "the first went out at once; the two waiting are stored"
            );
            m.on_hidden();
            assert!(
                w.queued().is_empty(),
                "nothing left for the next page: all three are with the browser"
            );
            w.release.fire();
        };
        join(all, hide).await.0
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        results[1]
            .as_ref()
            .unwrap()
            .get("visitorId")
            .and_then(Json::as_str),
        Some("V1")
    );
    let fired = w.fired.borrow();
    assert_eq!(fired.len(), 2);
    assert!(fired
        .iter()
        .all(|r| r.keepalive && query(&r.url, "sid").as_deref() == Some("S1")));
    drop(fired);
    assert_eq!(
        reported_words(&w),
        ["first", "second", "third"],
        "each exactly once"
    );
    assert!(w.event_names().contains(&"QUEUE_FLUSHED".to_string()));
}

#[test]
fn a_report_on_the_wire_at_page_hide_is_not_written_back_when_it_fails() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.frozen.set(true);
    w.hold_next.set(true);
    w.script([Err(NetError::Failed)]);
    block_on(join(
        async {
            let _ = m.report(&search("on-the-wire")).await;
        },
        async {
            settle().await;
            assert!(w.queued().is_empty(), "it went out at once: nothing stored");
            m.on_hidden();
            // The unloading page hears its fetch fail: keepalive still carries the request, so
            // writing it back would have the next page send it a second time.
            w.release.fire();
            settle().await;
            assert!(w.queued().is_empty(), "not written back after page hide");
            // The page would be gone by now; the test ends the retries to finish the future.
            w.script([Err(NetError::Failed), Err(NetError::Failed)]);
            w.advance(10_000);
            settle().await;
            w.advance(10_000);
        },
    ));
}

#[test]
fn a_report_that_already_failed_stays_for_the_next_page_view() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.frozen.set(true);
    w.script([answer(503, "")]);
    block_on(join(
        async { m.report(&search("retrying")).await.unwrap_err() },
        async {
            settle().await;
            m.on_hidden();
            assert_eq!(w.queued().len(), 1, "the server is in trouble: not flushed");
            assert!(w.fired.borrow().is_empty());
            // The page dies here; the test ends the pause with a failure to finish the future.
            w.script([Err(NetError::Failed), Err(NetError::Failed)]);
            w.advance(10_000);
            settle().await;
            w.advance(10_000);
        },
    ));
    assert_eq!(w.queued().len(), 1);
}

#[test]
fn reports_left_by_a_dead_page_are_delivered_by_the_next_one() {
    let w = World::new();
    let old = monitor(&w);
    block_on(old.engage(&Json::Null)).unwrap();
    // A page queued a report and died before sending it.
    let prefix = queue::prefix("lpmon:12345678:app-1");
    let entry = Entry {
        tab: "deadpage".into(),
        at: w.now.get(),
        cycles: 0,
        sid: None,
        body: search("orphan"),
    };
    let key = queue::entry_key(&prefix, entry.at, 1, "deadpage");
    w.store.borrow_mut().insert(key.clone(), entry.encode());
    // And a live tab has one in flight: not ours to send.
    let live = Entry {
        tab: "livepage".into(),
        ..entry.clone()
    };
    let live_key = queue::entry_key(&prefix, live.at, 2, "livepage");
    w.store.borrow_mut().insert(live_key.clone(), live.encode());
    w.held
        .borrow_mut()
        .as_mut()
        .unwrap()
        .push(page_lock_name("livepage"));

    let next = monitor(&w);
    block_on(next.drain());
    assert_eq!(reported_words(&w), ["orphan"]);
    assert_eq!(
        w.queued(),
        vec![live_key],
        "the live page's report is left alone"
    );
}

#[test]
fn without_web_locks_only_old_leftovers_are_taken_over() {
    let w = World::new();
    *w.held.borrow_mut() = None;
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let prefix = queue::prefix("lpmon:12345678:app-1");
    let fresh = Entry {
        tab: "other".into(),
        at: w.now.get(),
        cycles: 0,
        sid: None,
        body: search("fresh"),
    };
    let stale = Entry {
        at: w.now.get() - 120_000,
        body: search("stale"),
        ..fresh.clone()
    };
    w.store.borrow_mut().insert(
        queue::entry_key(&prefix, fresh.at, 1, "other"),
        fresh.encode(),
    );
    w.store.borrow_mut().insert(
        queue::entry_key(&prefix, stale.at, 2, "other"),
        stale.encode(),
    );
    block_on(m.drain());
    assert_eq!(reported_words(&w), ["stale"]);
}

#[test]
fn a_full_queue_drops_the_oldest_waiting_report() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.hold_next.set(true);
    let big = "x".repeat(queue::MAX_BYTES / 3);
    let bodies: Vec<Json> = (0..4)
        .map(|i| search(if i == 0 { "wire" } else { &big }))
        .collect();
    let results = block_on(async {
        let calls = join_all(bodies.iter().map(|b| m.report(b)));
        let release = async {
            settle().await;
            w.release.fire();
        };
        join(calls, release).await.0
    });
    // "wire" was on the wire; the first big one waiting was pushed out by the fourth.
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(Error::Network(m)) if m.contains("dropped")));
    assert!(results[2].is_ok() && results[3].is_ok());
    assert!(w.event_names().contains(&"QUEUE_DROPPED".to_string()));
    assert!(w.queued().is_empty());
}

#[test]
fn impressions_of_an_older_session_are_dropped_at_delivery() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap(); // S1
    let prefix = queue::prefix("lpmon:12345678:app-1");
    let body = j(
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2},{"type":"searchInfo","keywords":["kept"]}]}"#,
    );
    let entry = Entry {
        tab: "gone".into(),
        at: w.now.get() - 120_000,
        cycles: 0,
        sid: Some("S0".into()),
        body,
    };
    w.store.borrow_mut().insert(
        queue::entry_key(&prefix, entry.at, 1, "gone"),
        entry.encode(),
    );
    *w.held.borrow_mut() = None;
    block_on(m.drain());
    assert_eq!(reported_words(&w), ["kept"]);
    let sent = w.sent.borrow();
    assert_eq!(sde_count(sent.last().unwrap()), Some(1));
    assert!(w.event_names().contains(&"IMPRESSIONS_DROPPED".to_string()));
}

#[test]
fn a_report_is_given_up_after_its_cycles() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    for cycle in 1..=MAX_CYCLES {
        w.script((0..3).map(|_| Err(NetError::Failed)));
        if cycle == 1 {
            assert!(block_on(m.report(&search("doomed"))).is_err());
        } else {
            block_on(m.drain());
        }
    }
    assert!(w.queued().is_empty());
    assert!(w.event_names().contains(&"QUEUE_GAVE_UP".to_string()));
}

#[test]
fn a_page_still_listed_as_alive_is_looked_at_again() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    let prefix = queue::prefix("lpmon:12345678:app-1");
    let entry = Entry {
        tab: "reloading".into(),
        at: w.now.get(),
        cycles: 0,
        sid: None,
        body: search("late"),
    };
    w.store.borrow_mut().insert(
        queue::entry_key(&prefix, entry.at, 1, "reloading"),
        entry.encode(),
    );
    w.held
        .borrow_mut()
        .as_mut()
        .unwrap()
        .push(page_lock_name("reloading"));
    w.frozen.set(true);
    block_on(join(m.drain(), async {
        settle().await;
        assert!(
            reported_words(&w).is_empty(),
            "its page still holds its lock"
        );
        // The old document is gone now; its lock with it.
        w.held.borrow_mut().as_mut().unwrap().clear();
        w.advance(2_000);
    }));
    assert_eq!(reported_words(&w), ["late"]);
    assert!(w.queued().is_empty());
}

#[test]
fn storage_cleared_behind_the_page_starts_a_new_visitor_and_keeps_the_parked_report() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(m.vid().as_deref(), Some("V1"));
    w.script((0..3).map(|_| Err(NetError::Failed)));
    assert!(block_on(m.report(&search("held"))).is_err());
    assert_eq!(w.queued().len(), 1, "parked in storage");
    let tries = reported_words(&w).len();
    // The user clears the site's data (or Safari's 7-day cap does it).
    w.store.borrow_mut().clear();
    assert_eq!(m.vid(), None);
    assert_eq!(m.sid(), None, "read twice, said once");
    let said = |w: &World| {
        w.event_names()
            .iter()
            .filter(|n| *n == "STORAGE_CLEARED")
            .count()
    };
    assert_eq!(said(&w), 1);
    let again = block_on(m.engage(&Json::Null)).unwrap();
    assert_eq!(again.get("created"), Some(&Json::Bool(true)));
    assert_eq!(again.get("visitorId").and_then(Json::as_str), Some("V2"));
    assert_eq!(
        query(w.urls().last().unwrap(), "vid"),
        None,
        "nothing stale sent"
    );
    // The parked report is still delivered, once, with the new visitor.
    block_on(m.drain());
    let words = reported_words(&w);
    assert_eq!(words.len(), tries + 1, "{words:?}");
    assert_eq!(words.last().map(String::as_str), Some("held"));
    let last = w.sent.borrow().last().cloned().unwrap();
    assert_eq!(query(&last.url, "vid").as_deref(), Some("V2"));
    assert!(w.queued().is_empty());
    assert!(w.event_names().contains(&"QUEUE_DELIVERED".to_string()));
    assert_eq!(said(&w), 1, "the new visitor's state is not news");
}

#[test]
fn a_pair_lpmon_dropped_itself_is_not_reported_as_cleared() {
    let w = World::new();
    let m = monitor(&w);
    block_on(m.engage(&Json::Null)).unwrap();
    w.script([answer(404, r#"{"internalCode":37}"#)]);
    block_on(m.engage(&Json::Null)).unwrap();
    assert!(!w.event_names().contains(&"STORAGE_CLEARED".to_string()));
}
