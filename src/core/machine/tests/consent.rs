//! Consent, reset(), and what a report's outcome says (`queued`, any 2xx delivers).
use super::*;

const PENDING: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","consent":"pending","retry":{"delaysMs":[]}}"#;

fn search(word: &str) -> String {
    format!(r#"{{"engagementAttributes":[{{"type":"searchInfo","keywords":["{word}"]}}]}}"#)
}

#[test]
fn pending_consent_stores_and_sends_nothing_then_granted_goes_in_call_order_one_after_another() {
    let mut s = Script::bare(PENDING);
    // No page lock and no look at the stored queue either: that waits for consent too.
    s.expect(&[]);
    s.call(Op::Report, &search("cart"));
    s.call(Op::Engage, "{}");
    s.expect(&[]);
    assert!(s.store.is_empty(), "no key at all");
    s.input(Input::Consent(crate::core::consent::Consent::Granted));
    // The report goes first (it opens the session); the engage waits until it has finished.
    s.expect(&[
        "list lpmon:12345678:app-1:q:",
        "lock 1 lpmon:12345678:app-1",
    ]);
    s.input(Input::Listed { entries: vec![] });
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&["send 2 engagement?v=1.0", "emit SP_SENT {}"]);
    s.answer(2, 201, &session("V1", "S1"));
    assert_eq!(
        s.take().last().unwrap(),
        "send 3 report?v=1.0&vid=V1&sid=S1 keepalive"
    );
    s.answer(3, 200, &session("V1", "S1"));
    let out = s.take();
    assert_eq!(
        out[1],
        r#"resolve 1 {"visitorId":"V1","sessionId":"S1","pageId":"77"}"#
    );
    assert_eq!(
        out[2..],
        ["send 4 engagement?v=1.0&vid=V1&sid=S1", "emit SP_SENT {}"]
    );
}

#[test]
fn denied_consent_refuses_calls_and_withdrawal_wipes_and_ends_what_is_under_way() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Report, &search("a"));
    s.call(Op::Report, &search("b"));
    s.take();
    s.input(Input::Consent(crate::core::consent::Consent::Denied));
    s.expect(&["remove all lpmon:", "reject 3 consent"]);
    assert!(s.store.is_empty());
    assert_eq!(s.ids(), (None, None));
    // The report on the wire ends with its answer, which is not remembered.
    s.answer(3, 201, &session("V9", "S9"));
    s.expect(&[r#"resolve 2 {"visitorId":"V9","sessionId":"S9","pageId":"77"}"#]);
    assert!(s.store.is_empty());
    s.call(Op::Engage, "{}");
    s.expect(&["reject 4 consent"]);
}

#[test]
fn reset_forgets_the_visitor_and_the_next_call_is_a_new_one() {
    let mut s = Script::with_session(CONFIG);
    s.input(Input::Reset);
    s.expect(&["remove all lpmon:12345678:app-1"]);
    assert_eq!(s.ids(), (None, None));
    s.call(Op::Engage, "{}");
    s.input(Input::LockGranted {
        id: 3,
        waited: false,
    });
    s.expect(&[
        "lock 3 lpmon:12345678:app-1",
        "send 4 engagement?v=1.0",
        "emit SP_SENT {}",
    ]);
}

#[test]
fn a_kept_report_rejects_queued_and_a_final_one_does_not() {
    let mut s = Script::with_session(
        r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[]}}"#,
    );
    s.call(Op::Report, &search("a"));
    s.take();
    s.answer(3, 503, "");
    let out = s.take();
    assert_eq!(out.last().unwrap(), "reject 2 queued http 503");
    s.call(Op::Report, &search("c"));
    s.take();
    s.answer(4, 400, r#"{"internalCode":5}"#);
    assert_eq!(
        s.take().last().unwrap(),
        "reject 3 http 400/5",
        "final: not queued"
    );
}

#[test]
fn any_2xx_on_a_report_delivers_it_and_keeps_the_pair() {
    let mut s = Script::with_session(CONFIG);
    for (id, (status, body)) in [(204, ""), (200, "{}"), (200, "")].into_iter().enumerate() {
        s.call(Op::Report, &search("a"));
        s.take();
        s.answer(3 + id as u32, status, body);
        let out = s.take();
        assert!(
            out.last()
                .unwrap()
                .ends_with(r#"{"visitorId":"V1","sessionId":"S1"}"#),
            "{status} {body:?}: {out:?}"
        );
    }
    assert_eq!(s.ids(), (Some("V1".into()), Some("S1".into())));
}

#[test]
fn denying_while_pending_refuses_the_waiting_calls_and_sends_nothing() {
    let mut s = Script::bare(PENDING);
    s.take();
    s.call(Op::Engage, "{}");
    s.call(Op::Report, &search("a"));
    s.expect(&[]);
    s.input(Input::Consent(crate::core::consent::Consent::Denied));
    s.expect(&["reject 1 consent", "reject 2 consent", "remove all lpmon:"]);
    assert!(s.sent.is_empty() && s.store.is_empty());
}

#[test]
fn an_answer_after_withdrawal_is_not_stored_and_its_retries_stop() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Report, &search("late"));
    s.take();
    s.input(Input::Consent(crate::core::consent::Consent::Denied));
    s.expect(&["remove all lpmon:"]);
    // Its answer is a failure: not written back, not tried again.
    s.no_answer(3);
    s.expect(&["reject 2 consent"]);
    assert!(s.store.is_empty());
    // Granted again: a new visitor, from scratch.
    s.input(Input::Consent(crate::core::consent::Consent::Granted));
    s.expect(&["list lpmon:12345678:app-1:q:"]);
    s.input(Input::Listed { entries: vec![] });
    s.call(Op::Engage, "{}");
    s.input(Input::LockGranted {
        id: 4,
        waited: false,
    });
    s.expect(&[
        "lock 4 lpmon:12345678:app-1",
        "send 5 engagement?v=1.0",
        "emit SP_SENT {}",
    ]);
}

#[test]
fn reset_gives_up_the_parked_reports_and_they_are_never_sent() {
    let mut s = Script::with_session(
        r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[]}}"#,
    );
    s.call(Op::Report, &search("before-logout"));
    s.take();
    s.no_answer(3);
    assert_eq!(s.take().last().unwrap(), "reject 2 queued network");
    assert_eq!(s.store.len(), 2, "the pair and the parked report");
    s.input(Input::Reset);
    s.expect(&[
        "remove all lpmon:12345678:app-1",
        r#"emit QUEUE_GAVE_UP {"kind":"reset"}"#,
    ]);
    assert!(s.store.is_empty());
    assert_eq!(s.ids(), (None, None));
    // Back online: nothing is left to deliver.
    s.input(Input::Online);
    s.expect(&["list lpmon:12345678:app-1:q:"]);
    s.input(Input::Listed { entries: vec![] });
    s.expect(&[]);
}

#[test]
fn reset_during_a_call_resolves_it_but_keeps_its_pair_out() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.input(Input::Reset);
    s.expect(&["remove all lpmon:12345678:app-1"]);
    s.answer(3, 201, &session("V2", "S2"));
    let out = s.take();
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].starts_with(r#"resolve 2 {"visitorId":"V2","sessionId":"S2""#),
        "{out:?}"
    );
    assert!(s.store.is_empty());
    assert_eq!(s.ids(), (None, None));
}
