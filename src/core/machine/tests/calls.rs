//! Calls: what is refused before sending, the retry schedule, 429, coming back online, CSDS.
use super::*;

const NO_DOMAIN: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","csds":"http://127.0.0.1:8","retry":{"delaysMs":[1000]}}"#;
const CSDS_URL: &str =
    "http://127.0.0.1:8/api/account/12345678/service/smt/baseURI.json?version=1.0";

#[test]
fn bad_requests_are_refused_before_anything_is_sent() {
    let mut s = Script::new(CONFIG);
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2,"revision":1}]}"#,
    );
    s.expect(&["reject 1 validation"]);
    s.call(
        Op::Engage,
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2,"revision":1}]}"#,
    );
    s.expect(&["reject 2 validation"]);
    s.call(Op::Report, r#"{"engagementAttributes":[]}"#);
    s.expect(&["reject 3 validation"]);
    s.call(Op::Report, r#"{"engagementAttributes":[{"type":"nope"}]}"#);
    s.expect(&["reject 4 validation"]);
}

#[test]
fn a_report_goes_as_post_with_the_put_override_and_keepalive() {
    let mut s = Script::with_session(CONFIG);
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["a"]}]}"#,
    );
    s.expect(&["send 3 report?v=1.0&vid=V1&sid=S1 keepalive"]);
    let req = s.req(3);
    assert!(req
        .headers
        .contains(&("X-HTTP-Method-Override", "PUT".into())));
    assert_eq!(req.method.as_str(), "POST");
    s.answer(3, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        r#"resolve 2 {"visitorId":"V1","sessionId":"S1","pageId":"77"}"#,
    ]);
    assert!(
        s.store.iter().all(|(k, _)| !k.contains(":q:")),
        "never stored"
    );
}

#[test]
fn a_report_without_session_or_identity_opens_one_with_the_start_page_first() {
    let mut s = Script::new(CONFIG);
    s.call(Op::Report, r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["a"]}],"entryPoints":["http://shop/"],"pageId":"p1"}"#);
    s.expect(&["lock 1 lpmon:12345678:app-1"]);
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&["send 2 engagement?v=1.0", "emit SP_SENT {}"]);
    assert_eq!(
        s.body(2),
        j(
            r#"{"entryPoints":["http://shop/"],"pageId":"p1","clientProperties":{"integration":"WEB_SDK"}}"#
        )
    );
    s.answer(2, 201, &session("V1", "S1"));
    s.expect(&[
        "write lpmon:12345678:app-1",
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":201,"created":true}"#,
        "release 1",
        "send 3 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
}

#[test]
fn a_report_with_an_identity_and_no_session_goes_alone() {
    let mut s = Script::new(CONFIG);
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["a"]}],"consumerId":"c-1"}"#,
    );
    s.input(Input::LockGranted {
        id: 1,
        waited: false,
    });
    s.expect(&[
        "lock 1 lpmon:12345678:app-1",
        "send 2 report?v=1.0 keepalive",
    ]);
}

#[test]
fn client_errors_and_malformed_successes_are_final() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(3, 400, r#"{"internalCode":5,"message":"bad data"}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":400}"#,
        "reject 2 http 400/5",
    ]);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(4, 200, "<html>");
    assert_eq!(s.take()[1], "reject 3 http 200");
}

#[test]
fn server_errors_follow_the_configured_jittered_schedule_then_fail_with_the_last_status() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(3, 503, "");
    let p1 = s.pause(&[1000, 2000], 0, 0);
    assert!((800..=1200).contains(&p1));
    assert_eq!(
        s.take(),
        [
            format!(
                r#"emit RETRY {{"method":"engagement","status":503,"attempt":1,"pauseMs":{p1}}}"#
            ),
            format!("timer 4 {p1}"),
        ]
    );
    s.input(Input::Timer { id: 4 });
    s.expect(&["send 5 engagement?v=1.0&vid=V1&sid=S1", "emit SP_SENT {}"]);
    s.answer(5, 502, "");
    let p2 = s.pause(&[1000, 2000], 1, 0);
    assert!((1600..=2400).contains(&p2));
    assert_eq!(s.take()[1], format!("timer 6 {p2}"));
    s.input(Input::Timer { id: 6 });
    s.take();
    s.answer(7, 500, "");
    s.rng.next();
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":500}"#,
        "reject 2 http 500",
    ]);
}

#[test]
fn no_answer_is_retried_and_coming_back_online_ends_the_pause() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.no_answer(3);
    s.take();
    s.input(Input::Online);
    s.expect(&[
        "clear 4",
        "send 5 engagement?v=1.0&vid=V1&sid=S1",
        "emit SP_SENT {}",
        "list lpmon:12345678:app-1:q:",
    ]);
    s.input(Input::Listed { entries: vec![] });
    s.no_answer(5);
    s.take();
    s.input(Input::Timer { id: 6 });
    s.take();
    s.no_answer(7);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":0}"#,
        "reject 2 network",
    ]);
}

#[test]
fn throttling_waits_at_least_what_retry_after_asks_even_when_back_online() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Engage, "{}");
    s.take();
    s.input(Input::Answer {
        id: 3,
        result: Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: Some("5".into()),
        }),
    });
    let out = s.take();
    assert!(out[0].ends_with(r#""pauseMs":5000}"#), "{out:?}");
    assert_eq!(out[1], "timer 4 5000");
    s.input(Input::Online);
    assert!(
        !s.take().iter().any(|l| l.starts_with("send")),
        "the floor holds"
    );
    s.input(Input::Timer { id: 4 });
    assert_eq!(s.take()[0], "send 5 engagement?v=1.0&vid=V1&sid=S1");
}

#[test]
fn csds_is_asked_once_and_its_answer_stored_for_a_day() {
    let mut s = Script::new(NO_DOMAIN);
    s.call(Op::Engage, "{}");
    s.call(Op::Engage, "{}");
    assert_eq!(s.take(), [format!("send 1 {CSDS_URL}")]);
    s.answer(
        1,
        200,
        r#"{"service":"smt","account":"12345678","baseURI":"127.0.0.1:9"}"#,
    );
    assert_eq!(
        s.take()[..2],
        ["write lpmon:csds:12345678", "lock 2 lpmon:12345678:app-1"]
    );
    assert_eq!(
        s.get("lpmon:csds:12345678"),
        Some(format!(r#"{{"origin":"http://127.0.0.1:9","at":{T0}}}"#))
    );
    // A new page within the day: no lookup.
    let mut s2 = Script::new(NO_DOMAIN);
    s2.store = s.store.clone();
    s2.call(Op::Engage, "{}");
    s2.expect(&["lock 1 lpmon:12345678:app-1"]);
    // A day later: looked up again; CSDS down → the stale answer serves.
    let mut s3 = Script::new(NO_DOMAIN);
    s3.store = s.store.clone();
    s3.now += crate::core::machine::CSDS_TTL_MS + 1;
    s3.call(Op::Engage, "{}");
    assert_eq!(s3.take(), [format!("send 1 {CSDS_URL}")]);
    s3.no_answer(1);
    s3.expect(&["emit CSDS_FALLBACK {}", "lock 2 lpmon:12345678:app-1"]);
}

#[test]
fn csds_failure_without_a_stored_answer_rejects_and_the_next_call_asks_again() {
    let mut s = Script::new(NO_DOMAIN);
    s.call(Op::Engage, "{}");
    s.take();
    s.answer(1, 200, r#"{"baseURI":"evil.example/x"}"#);
    s.expect(&["reject 1 http 200"]);
    s.call(Op::Engage, "{}");
    assert_eq!(s.take(), [format!("send 2 {CSDS_URL}")]);
    s.no_answer(2);
    s.expect(&["reject 2 network"]);
    // A tampered stored answer is not used.
    s.set(
        "lpmon:csds:12345678",
        Some(&format!(r#"{{"origin":"javascript://x","at":{T0}}}"#)),
    );
    s.call(Op::Engage, "{}");
    assert_eq!(s.take(), [format!("send 3 {CSDS_URL}")]);
}

#[test]
fn without_a_configured_schedule_server_errors_follow_the_documented_one() {
    // No `retry`: 3 s, 10 s, 30 s, 90 s, each ±20 %; four retries, five attempts.
    let mut s = Script::with_session(
        r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9"}"#,
    );
    let delays = [3000, 10000, 30000, 90000];
    s.call(Op::Engage, "{}");
    s.take();
    let mut id = 3;
    for (attempt, base) in delays.iter().enumerate() {
        s.answer(id, 503, "");
        let pause = s.pause(&delays, attempt, 0);
        assert!(
            pause * 10 >= base * 8 && pause * 10 <= base * 12,
            "{pause} around {base}"
        );
        assert_eq!(
            s.take(),
            [
                format!(
                    r#"emit RETRY {{"method":"engagement","status":503,"attempt":{},"pauseMs":{pause}}}"#,
                    attempt + 1
                ),
                format!("timer {} {pause}", id + 1),
            ]
        );
        s.input(Input::Timer { id: id + 1 });
        s.expect(&[
            &format!("send {} engagement?v=1.0&vid=V1&sid=S1", id + 2),
            "emit SP_SENT {}",
        ]);
        id += 2;
    }
    s.answer(id, 503, "");
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"engagement","status":503}"#,
        "reject 2 http 503",
    ]);
}
