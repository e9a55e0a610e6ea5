//! Sessions: creation under the page's gate and the tabs' lock, the pair sent back, 201, expiry,
//! stale pairs, "Loading account", corrupted storage.
use super::*;
use crate::core::session::{IDLE_MS, MAX_AGE_MS};

const RC201: &str = r#"emit REQUEST_COMPLETE {"method":"engagement","status":201,"created":true}"#;
const RC200: &str = r#"emit REQUEST_COMPLETE {"method":"engagement","status":200,"created":false}"#;
const RESOLVED: &str = r#"{"visitorId":"V1","sessionId":"S1","pageId":"77","created":true,"engagementDetails":[{"status":"expose","contextId":"c1"}]}"#;

#[test]
fn the_first_engage_opens_the_session_under_the_gate_and_the_lock() {
    let mut s = Script::new(CONFIG);
    assert_eq!(s.m.vid(), None);
    s.call(Op::Engage, "{}");
    s.expect(&["lock 1 lpmon:12345678:app-1"]);
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&["send 2 engagement?v=1.0", "emit SP_SENT {}"]);
    assert_eq!(
        s.body(2).get("clientProperties"),
        Some(&j(r#"{"integration":"WEB_SDK"}"#))
    );
    s.answer(2, 201, &session("V1", "S1"));
    s.expect(&[
        "write lpmon:12345678:app-1",
        RC201,
        "release 1",
        &format!("resolve 1 {RESOLVED}"),
    ]);
    assert_eq!(s.get(KEY), Some(stored("V1", "S1", T0, T0)));
    assert_eq!(
        (s.m.vid(), s.m.sid()),
        (Some("V1".into()), Some("S1".into()))
    );
}

#[test]
fn later_calls_send_the_pair_and_touch_storage_at_most_every_ten_seconds() {
    let mut s = Script::with_session(CONFIG);
    s.now += 5_000;
    s.call(Op::Engage, r#"{"entryPoints":["http://shop/x"]}"#);
    s.expect(&["send 3 engagement?v=1.0&vid=V1&sid=S1", "emit SP_SENT {}"]);
    s.answer(3, 200, &session("V1", "S1"));
    let r = s.take();
    assert_eq!(r[0], RC200, "no write within 10 s");
    assert!(r[1].starts_with(
        r#"resolve 2 {"visitorId":"V1","sessionId":"S1","pageId":"77","created":false"#
    ));
    s.now += 10_000;
    s.call(Op::Engage, "{}");
    s.answer(4, 200, &session("V1", "S1"));
    assert_eq!(s.take()[2], "write lpmon:12345678:app-1");
    assert_eq!(
        s.get(KEY),
        Some(stored("V1", "S1", T0, T0 + 15_000)),
        "started kept"
    );
}

#[test]
fn a_201_replaces_the_stored_pair() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.answer(3, 201, &session("V2", "S2"));
    assert_eq!(s.take()[2], "write lpmon:12345678:app-1");
    assert_eq!(s.get(KEY), Some(stored("V2", "S2", T0, T0)));
}

#[test]
fn an_idle_or_too_old_session_is_not_sent() {
    let mut s = Script::with_session(CONFIG);
    s.now += IDLE_MS + 1;
    // The visitor outlives the session: the next call sends the vid alone.
    assert_eq!(s.ids(), (Some("V1".into()), None));
    s.call(Op::Engage, "{}");
    s.expect(&["lock 3 lpmon:12345678:app-1"]);
    s.input(Input::LockGranted {
        id: 3,
        waited: false,
    });
    s.expect(&["send 4 engagement?v=1.0&vid=V1", "emit SP_SENT {}"]);

    // Kept busy every 20 minutes, it still ends after 6 hours.
    let mut s = Script::with_session(CONFIG);
    let mut n = 3;
    while s.now + 20 * 60_000 <= T0 + MAX_AGE_MS {
        s.now += 20 * 60_000;
        s.call(Op::Engage, "{}");
        s.take();
        s.answer(n, 200, &session("V1", "S1"));
        s.take();
        n += 1;
    }
    assert_eq!(s.ids().1, Some("S1".into()));
    s.now = T0 + MAX_AGE_MS + 1;
    assert_eq!(s.ids().1, None);
}

#[test]
fn concurrent_calls_in_a_page_share_one_creation() {
    let mut s = Script::new(CONFIG);
    s.call(Op::Engage, "{}");
    s.call(Op::Engage, "{}");
    s.expect(&["lock 1 lpmon:12345678:app-1"]);
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&["send 2 engagement?v=1.0", "emit SP_SENT {}"]);
    s.answer(2, 201, &session("V1", "S1"));
    let out = s.take();
    assert_eq!(out[..3], ["write lpmon:12345678:app-1", RC201, "release 1"]);
    assert_eq!(out[3], format!("resolve 1 {RESOLVED}"));
    // The second call waited at the gate: now it finds the session and sends it (no lock).
    assert_eq!(
        out[4..],
        ["send 3 engagement?v=1.0&vid=V1&sid=S1", "emit SP_SENT {}"]
    );
    s.answer(3, 200, &session("V1", "S1"));
    assert!(s.take()[1].contains(r#""created":false"#));
}

#[test]
fn a_tab_that_waited_for_the_lock_looks_for_the_other_tabs_session() {
    let mut s = Script::new(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.input(Input::LockGranted {
        id: 1,
        waited: true,
    });
    s.expect(&["timer 2 20"]);
    s.input(Input::Timer { id: 2 });
    s.expect(&["timer 3 20"]);
    // The other tab's session reaches this tab's storage.
    s.set(KEY, Some(&stored("V9", "S9", T0, T0)));
    s.input(Input::Timer { id: 3 });
    s.expect(&[
        "release 1",
        "send 4 engagement?v=1.0&vid=V9&sid=S9",
        "emit SP_SENT {}",
    ]);
}

#[test]
fn a_tab_that_waited_in_vain_opens_the_session_after_half_a_second() {
    let mut s = Script::new(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.input(Input::LockGranted {
        id: 1,
        waited: true,
    });
    for id in 2..27 {
        assert_eq!(s.take(), [format!("timer {id} 20")]);
        s.input(Input::Timer { id });
    }
    s.expect(&["send 27 engagement?v=1.0", "emit SP_SENT {}"]);
}

#[test]
fn the_404_39_drops_the_sid_and_impressions_and_resends_once_with_the_vid() {
    let mut s = Script::with_session(CONFIG);
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2,"revision":1},{"type":"searchInfo","keywords":["a"]}]}"#,
    );
    s.expect(&["send 3 report?v=1.0&vid=V1&sid=S1 keepalive"]);
    s.answer(3, 404, r#"{"internalCode":39,"message":"sid expired"}"#);
    let tab = s.m.tab().to_string();
    let entry = format!("lpmon:12345678:app-1:q:{:014}-00000001-{tab}", T0);
    // 39 ends the session and keeps the visitor (stored as ended).
    s.expect(&[
        &format!("hold lpmon-page:{tab}"),
        &format!("write {entry}"),
        r#"emit REQUEST_COMPLETE {"method":"report","status":404}"#,
        "write lpmon:12345678:app-1",
        r#"emit IMPRESSIONS_DROPPED {"dropped":1}"#,
        "lock 4 lpmon:12345678:app-1",
    ]);
    assert_eq!(s.ids(), (Some("V1".into()), None));
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    // No identity: the new session is opened as a page load would, then the report goes.
    s.expect(&["send 5 engagement?v=1.0&vid=V1", "emit SP_SENT {}"]);
    s.answer(5, 201, &session("V1", "S2"));
    s.expect(&[
        "write lpmon:12345678:app-1",
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":201,"created":true}"#,
        "release 4",
        "send 6 report?v=1.0&vid=V1&sid=S2 keepalive",
    ]);
    assert_eq!(
        s.body(6)
            .get("engagementAttributes")
            .unwrap()
            .as_arr()
            .unwrap()
            .len(),
        1
    );
    s.answer(6, 200, &session("V1", "S2"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("remove {entry}"),
        r#"resolve 2 {"visitorId":"V1","sessionId":"S2","pageId":"77"}"#,
    ]);
}

#[test]
fn a_second_stale_answer_is_final() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(3, 404, r#"{"internalCode":37}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":404}"#,
        "remove lpmon:12345678:app-1",
        "lock 4 lpmon:12345678:app-1",
    ]);
    // Another tab stored a pair meanwhile: it is sent, and refused too.
    s.set(KEY, Some(&stored("V7", "S7", T0, T0)));
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    s.expect(&[
        "release 4",
        "send 5 engagement?v=1.0&vid=V7&sid=S7",
        "emit SP_SENT {}",
    ]);
    s.answer(5, 404, r#"{"internalCode":37}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":404}"#,
        "reject 2 http 404/37",
    ]);
}

#[test]
fn loading_account_retries_with_the_named_vid_and_keeps_the_sid_only_for_that_visitor() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(
        3,
        500,
        r#"{"internalCode":20,"message":"Loading account: 12345678, vid: V1"}"#,
    );
    let pause = s.pause(&[1000, 2000], 0, 0);
    let out = s.take();
    assert_eq!(
        out[0],
        format!(
            r#"emit RETRY {{"method":"engagement","status":500,"attempt":1,"pauseMs":{pause}}}"#
        )
    );
    assert_eq!(out[1], "timer 4 ".to_string() + &pause.to_string());
    s.input(Input::Timer { id: 4 });
    s.expect(&["send 5 engagement?v=1.0&vid=V1&sid=S1", "emit SP_SENT {}"]);
    s.answer(
        5,
        500,
        r#"{"internalCode":20,"message":"Loading account: 12345678, vid: OTHER"}"#,
    );
    s.take();
    s.input(Input::Timer { id: 6 });
    s.expect(&["send 7 engagement?v=1.0&vid=OTHER", "emit SP_SENT {}"]);
}

#[test]
fn corrupted_storage_counts_as_no_session_and_is_said_once() {
    let mut s = Script::new(CONFIG);
    s.set(KEY, Some("{not json"));
    s.input(Input::Online);
    assert_eq!(s.m.vid(), None);
    assert_eq!(s.m.vid(), None);
    let out = s.take();
    assert_eq!(
        out.iter()
            .filter(|l| l.starts_with("emit STORAGE_IGNORED"))
            .count(),
        1,
        "{out:?}"
    );
    s.set(
        KEY,
        Some(r#"{"lpmon":1,"vid":"a b","sid":"S","started":1,"last":1}"#),
    );
    s.call(Op::Engage, "{}");
    s.expect(&["lock 1 lpmon:12345678:app-1"]);
}

#[test]
fn the_404_37_drops_visitor_and_session_and_the_call_opens_a_new_visitor() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(3, 404, r#"{"internalCode":37}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":404}"#,
        "remove lpmon:12345678:app-1",
        "lock 4 lpmon:12345678:app-1",
    ]);
    assert_eq!(s.ids(), (None, None));
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    s.expect(&["send 5 engagement?v=1.0", "emit SP_SENT {}"]);
    s.answer(5, 201, &session("V2", "S2"));
    let out = s.take();
    assert!(
        out.last()
            .unwrap()
            .starts_with(r#"resolve 2 {"visitorId":"V2","sessionId":"S2""#),
        "{out:?}"
    );
    assert_eq!(s.ids(), (Some("V2".into()), Some("S2".into())));
}

#[test]
fn an_unknown_visitor_sent_alone_is_dropped_and_a_new_one_opened() {
    let mut s = Script::new(CONFIG);
    // A visitor whose session ended long ago, unknown to the server by now.
    s.set(KEY, Some(&stored("GONE", "OLD", 0, 0)));
    assert_eq!(s.ids(), (Some("GONE".into()), None));
    s.call(Op::Engage, "{}");
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&[
        "lock 1 lpmon:12345678:app-1",
        "send 2 engagement?v=1.0&vid=GONE",
        "emit SP_SENT {}",
    ]);
    s.answer(2, 404, r#"{"internalCode":37}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":404}"#,
        "release 1",
        "remove lpmon:12345678:app-1",
        "lock 3 lpmon:12345678:app-1",
    ]);
    s.input(Input::LockGranted {
        id: 3,
        waited: false,
    });
    s.expect(&["send 4 engagement?v=1.0", "emit SP_SENT {}"]);
    s.answer(4, 201, &session("V1", "S1"));
    assert_eq!(s.take()[0], "write lpmon:12345678:app-1");
    assert_eq!(s.get(KEY), Some(stored("V1", "S1", T0, T0)));
}

#[test]
fn a_pair_stored_before_the_page_loaded_is_used_and_an_expired_one_keeps_the_visitor() {
    // Live: both ids go, no creation.
    let mut s = Script::new(CONFIG);
    s.set(KEY, Some(&stored("OLDV", "OLDS", T0 - 60_000, T0 - 1_000)));
    assert_eq!(s.ids(), (Some("OLDV".into()), Some("OLDS".into())));
    s.call(Op::Engage, "{}");
    s.expect(&[
        "send 1 engagement?v=1.0&vid=OLDV&sid=OLDS",
        "emit SP_SENT {}",
    ]);
    // Expired: nobody becomes a new visitor by reloading; the vid goes alone.
    let mut s = Script::new(CONFIG);
    s.set(
        KEY,
        Some(&stored("OLDV", "OLDS", T0 - 2 * IDLE_MS, T0 - IDLE_MS - 1)),
    );
    assert_eq!(s.ids(), (Some("OLDV".into()), None));
    s.call(Op::Engage, "{}");
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&[
        "lock 1 lpmon:12345678:app-1",
        "send 2 engagement?v=1.0&vid=OLDV",
        "emit SP_SENT {}",
    ]);
    s.answer(2, 201, &session("OLDV", "NEWS"));
    assert_eq!(s.take()[0], "write lpmon:12345678:app-1");
    assert_eq!(s.get(KEY), Some(stored("OLDV", "NEWS", T0, T0)));
}
