//! The report queue: call order, storage only when a report waits or failed, parking and the
//! drain, page-hide hand-over, adoption of reports of pages that are gone.
use super::*;
use crate::core::queue::{Entry, MAX_CYCLES};

#[test]
fn reports_go_in_call_order_and_only_waiting_ones_are_stored() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    s.call(Op::Report, &search("a"));
    s.call(Op::Report, &search("b"));
    s.expect(&[
        "send 3 report?v=1.0&vid=V1&sid=S1 keepalive",
        // The page's first stored report: from now on other tabs must see the page alive.
        &format!("hold lpmon-page:{tab}"),
        &format!("write {}", entry_key(&tab, 2)),
    ]);
    s.answer(3, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        r#"resolve 2 {"visitorId":"V1","sessionId":"S1","pageId":"77"}"#,
        "send 4 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert!(s.body(4).to_text().contains("\"b\""));
    s.answer(4, 200, &session("V1", "S1"));
    let out = s.take();
    assert_eq!(out[1], format!("remove {}", entry_key(&tab, 2)));
    assert!(s.store.iter().all(|(k, _)| !k.contains(":q:")));
}

#[test]
fn a_page_that_stores_no_report_holds_no_page_lock() {
    // Firefox keeps a page that holds a Web Lock out of its back/forward cache: the page lock
    // waits until the page has a report in storage (Script::new checks the start-up has none).
    // Every output from the start: the session is created and stored.
    let (mut s, mut out) = Script::opening_session(CONFIG);
    assert!(
        out.contains(&"write lpmon:12345678:app-1".to_string()),
        "{out:?}"
    );
    s.call(Op::Report, &search("a"));
    s.answer(3, 200, &session("V1", "S1"));
    s.call(Op::Engage, "{}");
    out.extend(s.take());
    assert!(
        out.iter().any(|l| l.starts_with("send 4 engagement")),
        "{out:?}"
    );
    s.answer(4, 200, &session("V1", "S1"));
    out.extend(s.take());
    assert!(!out.iter().any(|l| l.starts_with("hold ")), "{out:?}");
    assert!(s.store.iter().all(|(k, _)| !k.contains(":q:")));
}

#[test]
fn a_report_whose_retries_ran_out_is_parked_and_delivered_when_back_online() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    let key = entry_key(&tab, 1);
    s.call(Op::Report, &search("a"));
    s.take();
    s.no_answer(3);
    assert_eq!(
        s.take()[..2],
        [format!("hold lpmon-page:{tab}"), format!("write {key}")],
        "stored on its first failure, the page lock asked first"
    );
    s.input(Input::Timer { id: 4 });
    s.take();
    s.no_answer(5);
    s.take();
    s.input(Input::Timer { id: 6 });
    s.take();
    s.no_answer(7);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":0}"#,
        &format!("write {key}"),
        "reject 2 queued network",
    ]);
    assert_eq!(Entry::decode(&s.get(&key).unwrap()).unwrap().cycles, 1);
    s.input(Input::Online);
    s.expect(&["list lpmon:12345678:app-1:q:"]);
    s.input(Input::Listed {
        entries: vec![(key.clone(), s.get(&key).unwrap())],
    });
    s.expect(&["send 8 report?v=1.0&vid=V1&sid=S1 keepalive"]);
    s.answer(8, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("remove {key}"),
        "emit QUEUE_DELIVERED {}",
    ]);
}

#[test]
fn a_report_is_given_up_after_its_cycles() {
    let mut s = Script::with_session(
        r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[]}}"#,
    );
    let key = entry_key(s.m.tab(), 1);
    s.call(Op::Report, &search("a"));
    s.take();
    s.no_answer(3);
    s.take();
    for (next, cycle) in (4..).zip(2..=MAX_CYCLES) {
        s.input(Input::Online);
        s.take();
        s.input(Input::Listed { entries: vec![] });
        s.take();
        s.no_answer(next);
        let out = s.take();
        if cycle < MAX_CYCLES {
            assert_eq!(out[1], format!("write {key}"));
            assert_eq!(out[2], r#"emit QUEUE_FAILED {"kind":"network"}"#);
        } else {
            // Final now: no longer `queued`, so the drain tells it as given up.
            assert_eq!(
                out[1..],
                [
                    format!("remove {key}"),
                    r#"emit QUEUE_GAVE_UP {"kind":"network"}"#.into()
                ]
            );
        }
    }
}

#[test]
fn page_hide_hands_waiting_reports_to_keepalive_and_the_one_on_the_wire_to_the_browser() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    s.call(Op::Report, &search("a"));
    s.call(Op::Report, &search("b"));
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["c"]}],"pageId":"p9"}"#,
    );
    s.call(Op::Report, &search("d"));
    s.take();
    s.input(Input::Hidden);
    // Each report leaves storage right after its request is made, not before.
    s.expect(&[
        "fire report?v=1.0&vid=V1&sid=S1",
        &format!("remove {}", entry_key(&tab, 2)),
        "fire report?v=1.0&vid=V1&sid=S1",
        &format!("remove {}", entry_key(&tab, 3)),
        "fire report?v=1.0&vid=V1&sid=S1",
        &format!("remove {}", entry_key(&tab, 4)),
        r#"emit QUEUE_FLUSHED {"sent":3}"#,
        r#"resolve 3 {"visitorId":"V1","sessionId":"S1"}"#,
        r#"resolve 4 {"visitorId":"V1","sessionId":"S1","pageId":"p9"}"#,
        // Each caller hears its own page id, not the one of the report before it.
        r#"resolve 5 {"visitorId":"V1","sessionId":"S1"}"#,
    ]);
    // The first report's answer comes after all: a failure does not write it back.
    s.no_answer(3);
    let out = s.take();
    assert!(!out.iter().any(|l| l.starts_with("write")), "{out:?}");
}

#[test]
fn page_hide_keeps_reports_that_failed_for_the_next_page_view() {
    let mut s = Script::with_session(CONFIG);
    let key = entry_key(s.m.tab(), 1);
    s.call(Op::Report, &search("a"));
    s.take();
    s.answer(3, 503, "");
    s.take();
    s.input(Input::Hidden);
    s.expect(&[]);
    assert!(s.get(&key).is_some());
}

#[test]
fn reports_of_a_page_that_is_gone_are_adopted_under_the_queue_lock() {
    let mut s = Script::bare(CONFIG);
    let me = s.m.tab().to_string();
    s.set(KEY, Some(&stored("V1", "S1", T0, T0)));
    let theirs = Entry {
        tab: "42".into(),
        at: T0 - 5_000,
        cycles: 0,
        sid: None,
        body: j(&search("left")),
    };
    let key = format!("lpmon:12345678:app-1:q:{:014}-00000001-42", T0 - 5_000);
    s.set(&key, Some(&theirs.encode()));
    s.take();
    s.input(Input::Listed {
        entries: vec![(key.clone(), theirs.encode())],
    });
    s.expect(&["held? 1"]);
    s.input(Input::Held {
        id: 1,
        names: Some(vec![format!("lpmon-page:{me}")]),
    });
    s.expect(&["lock 2 lpmon:12345678:app-1:queue"]);
    s.input(Input::LockGranted {
        id: 2,
        waited: false,
    });
    s.expect(&["list lpmon:12345678:app-1:q:"]);
    s.input(Input::Listed {
        entries: vec![(key.clone(), theirs.encode())],
    });
    s.expect(&[
        // Adopted: the report is this page's now, and so is the page lock that guards it.
        &format!("hold lpmon-page:{me}"),
        &format!("write {key}"),
        "release 2",
        "send 3 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(Entry::decode(&s.get(&key).unwrap()).unwrap().tab, me);
}

#[test]
fn reports_of_a_live_page_are_left_alone_and_looked_at_again_later() {
    let mut s = Script::bare(CONFIG);
    let theirs = Entry {
        tab: "42".into(),
        at: T0,
        cycles: 0,
        sid: None,
        body: j(&search("left")),
    };
    let key = format!("lpmon:12345678:app-1:q:{T0:014}-00000001-42");
    s.take();
    s.input(Input::Listed {
        entries: vec![(key.clone(), theirs.encode())],
    });
    s.input(Input::Held {
        id: 1,
        names: Some(vec!["lpmon-page:42".into()]),
    });
    s.input(Input::LockGranted {
        id: 2,
        waited: false,
    });
    s.take();
    s.input(Input::Listed {
        entries: vec![(key, theirs.encode())],
    });
    s.expect(&["release 2", "timer 3 2000"]);
    s.input(Input::Timer { id: 3 });
    s.expect(&["list lpmon:12345678:app-1:q:"]);
}

#[test]
fn a_full_queue_drops_the_oldest_waiting_report_and_says_so() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    let big = |w: &str| search(&format!("{w}{}", "x".repeat(300_000)));
    s.call(Op::Report, &big("a"));
    s.call(Op::Report, &big("b"));
    s.call(Op::Report, &big("c"));
    s.take();
    s.call(Op::Report, &big("d"));
    s.expect(&[
        &format!("write {}", entry_key(&tab, 4)),
        &format!("remove {}", entry_key(&tab, 2)),
        r#"emit QUEUE_DROPPED {"dropped":1}"#,
        "reject 3 network",
    ]);
    // The one on the wire is never pushed out.
    s.answer(3, 200, &session("V1", "S1"));
    assert!(s
        .take()
        .contains(&r#"resolve 2 {"visitorId":"V1","sessionId":"S1","pageId":"77"}"#.to_string()));
}

#[test]
fn storage_cleared_behind_the_page_starts_a_new_visitor_and_keeps_the_parked_report() {
    let mut s = Script::with_session(
        r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[]}}"#,
    );
    let key = entry_key(s.m.tab(), 1);
    s.call(Op::Report, &search("held"));
    s.take();
    s.no_answer(3);
    assert!(s.take().contains(&"reject 2 queued network".to_string()));
    assert!(s.get(&key).is_some(), "parked in storage");
    // The user clears the site's data (or Safari's 7-day cap does it).
    s.store.clear();
    assert_eq!(s.ids(), (None, None), "read twice, said once");
    s.expect(&[r#"emit STORAGE_CLEARED {"reason":"the stored visitor vanished"}"#]);
    s.call(Op::Engage, "{}");
    s.expect(&["lock 4 lpmon:12345678:app-1"]);
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    s.expect(&["send 5 engagement?v=1.0", "emit SP_SENT {}"]);
    s.answer(5, 201, &session("V2", "S2"));
    s.take();
    // The parked report is still delivered, once, with the new visitor.
    s.input(Input::Online);
    s.expect(&["list lpmon:12345678:app-1:q:"]);
    s.input(Input::Listed { entries: vec![] });
    s.expect(&["send 6 report?v=1.0&vid=V2&sid=S2 keepalive"]);
    assert!(s.body(6).to_text().contains("held"));
    s.answer(6, 200, &session("V2", "S2"));
    let out = s.take();
    assert!(
        out.contains(&"emit QUEUE_DELIVERED {}".to_string()),
        "{out:?}"
    );
    assert!(
        !out.iter().any(|l| l.contains("STORAGE_CLEARED")),
        "the new visitor's state is not news"
    );
}

#[test]
fn a_pair_lpmon_dropped_itself_is_not_reported_as_cleared() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(3, 404, r#"{"internalCode":37}"#);
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    let out = s.take();
    assert!(
        out.contains(&"remove lpmon:12345678:app-1".to_string()),
        "{out:?}"
    );
    assert!(
        !out.iter().any(|l| l.contains("STORAGE_CLEARED")),
        "{out:?}"
    );
}

#[test]
fn a_refused_report_is_removed_and_rejected() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    s.call(Op::Report, &search("a"));
    s.call(Op::Report, &search("b"));
    s.take();
    s.answer(3, 400, r#"{"internalCode":5,"message":"bad data"}"#);
    s.expect(&[
        &format!("write {}", entry_key(&tab, 1)),
        r#"emit REQUEST_COMPLETE {"method":"report","status":400}"#,
        &format!("remove {}", entry_key(&tab, 1)),
        "reject 2 http 400/5",
        "send 4 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
}

#[test]
fn impressions_of_an_older_session_are_dropped_at_delivery() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Report, &search("first"));
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2,"revision":1},{"type":"searchInfo","keywords":["b"]}]}"#,
    );
    s.take();
    // A new session before the second report's turn: its impression belongs to the old one.
    s.answer(3, 201, &session("V1", "S2"));
    let out = s.take();
    assert!(
        out.contains(&r#"emit IMPRESSIONS_DROPPED {"dropped":1}"#.to_string()),
        "{out:?}"
    );
    assert_eq!(
        out.last().unwrap(),
        "send 4 report?v=1.0&vid=V1&sid=S2 keepalive"
    );
    assert!(!s.body(4).to_text().contains("impDisplay"));
}

#[test]
fn a_stale_pair_with_only_impressions_left_opens_a_new_session_instead() {
    let mut s = Script::with_session(CONFIG);
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2,"revision":1}],"pageId":"p1"}"#,
    );
    s.take();
    s.answer(3, 404, r#"{"internalCode":39}"#);
    let out = s.take();
    assert!(
        out.contains(&r#"emit IMPRESSIONS_DROPPED {"dropped":1}"#.to_string()),
        "{out:?}"
    );
    assert_eq!(out.last().unwrap(), "lock 4 lpmon:12345678:app-1");
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    // 404/39 ended the session, not the visitor: the new session is opened for it.
    s.expect(&["send 5 engagement?v=1.0&vid=V1", "emit SP_SENT {}"]);
    assert_eq!(
        s.body(5),
        j(r#"{"pageId":"p1","clientProperties":{"integration":"WEB_SDK"}}"#)
    );
}

#[test]
fn without_web_locks_only_old_leftovers_are_taken_over() {
    let mut s = Script::bare(CONFIG);
    let entry = |at: u64| Entry {
        tab: "42".into(),
        at,
        cycles: 0,
        sid: None,
        body: j(&search("left")),
    };
    let old = format!("lpmon:12345678:app-1:q:{:014}-00000001-42", T0 - 120_000);
    let new = format!("lpmon:12345678:app-1:q:{:014}-00000002-42", T0 - 1_000);
    let listed = vec![
        (old.clone(), entry(T0 - 120_000).encode()),
        (new.clone(), entry(T0 - 1_000).encode()),
    ];
    s.take();
    s.input(Input::Listed {
        entries: listed.clone(),
    });
    s.input(Input::Held { id: 1, names: None });
    s.input(Input::LockGranted {
        id: 2,
        waited: false,
    });
    s.take();
    s.input(Input::Listed { entries: listed });
    let out = s.take();
    assert_eq!(
        out[..3],
        [
            format!("hold lpmon-page:{}", s.m.tab()),
            format!("write {old}"),
            "release 2".to_string()
        ],
        "{out:?}"
    );
    assert!(
        !out.iter().any(|l| l.contains(&new)),
        "a minute-old report may still be its page's"
    );
}
