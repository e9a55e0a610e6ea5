//! Combined delivery: reports waiting behind another go in its request when they share page,
//! identities, consumer and entry points (their attributes in call order, the body within the
//! keepalive budget); a combined request refused with 4xx goes again report by report; every
//! caller hears its own report's outcome.
use super::*;
use crate::core::consent::Consent;
use crate::core::queue::{Entry, KEEPALIVE_BUDGET};

/// The first keyword of every attribute of request `id`, in order.
fn words(s: &Script, id: u32) -> Vec<String> {
    let body = s.body(id);
    let list = body.get("engagementAttributes").unwrap().as_arr().unwrap();
    list.iter()
        .map(|a| match a.get("keywords") {
            Some(k) => k.as_arr().unwrap()[0].as_str().unwrap().to_string(),
            None => a.get("type").unwrap().as_str().unwrap().to_string(),
        })
        .collect()
}

/// A search report with more fields (`extra` starts with a comma).
fn search_with(word: &str, extra: &str) -> String {
    format!(r#"{{"engagementAttributes":[{{"type":"searchInfo","keywords":["{word}"]}}]{extra}}}"#)
}

const OK: &str = r#"{"visitorId":"V1","sessionId":"S1","pageId":"77"}"#;

#[test]
fn reports_waiting_behind_another_go_together_in_call_order_and_each_caller_hears_its_own() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    for w in ["a", "b", "c", "d"] {
        s.call(Op::Report, &search(w));
    }
    // Another page: it cannot share their request.
    s.call(Op::Report, &search_with("e", r#","pageId":"other""#));
    s.expect(&[
        "send 3 report?v=1.0&vid=V1&sid=S1 keepalive",
        &format!("hold lpmon-page:{tab}"),
        &format!("write {}", entry_key(&tab, 2)),
        &format!("write {}", entry_key(&tab, 3)),
        &format!("write {}", entry_key(&tab, 4)),
        &format!("write {}", entry_key(&tab, 5)),
    ]);
    s.answer(3, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("resolve 2 {OK}"),
        "send 4 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(words(&s, 4), ["b", "c", "d"]);
    assert_eq!(
        s.body(4),
        j(
            r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["b"]},{"type":"searchInfo","keywords":["c"]},{"type":"searchInfo","keywords":["d"]}]}"#
        )
    );
    s.answer(4, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("remove {}", entry_key(&tab, 2)),
        &format!("resolve 3 {OK}"),
        &format!("remove {}", entry_key(&tab, 3)),
        &format!("resolve 4 {OK}"),
        &format!("remove {}", entry_key(&tab, 4)),
        &format!("resolve 5 {OK}"),
        "send 5 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(words(&s, 5), ["e"]);
    assert_eq!(s.body(5).get("pageId"), Some(&Json::str("other")));
}

/// Reports `first` and `second` queued behind one on the wire: do they share a request?
fn together(first: &str, second: &str) -> bool {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Report, &search("x"));
    s.call(Op::Report, first);
    s.call(Op::Report, second);
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    let n = words(&s, 4).len();
    if n == 1 {
        // The second goes next, alone.
        s.answer(4, 200, &session("V1", "S1"));
        assert!(s
            .take()
            .contains(&"send 5 report?v=1.0&vid=V1&sid=S1 keepalive".to_string()));
        assert_eq!(words(&s, 5), ["c"]);
    }
    n == 2
}

#[test]
fn each_field_of_the_shape_must_match_to_share_a_request() {
    let fields = [
        (r#","pageId":"p1""#, r#","pageId":"p2""#),
        (
            r#","identities":[{"iss":"i","acr":"0","sub":"u1"}]"#,
            r#","identities":[{"iss":"i","acr":"0","sub":"u2"}]"#,
        ),
        (r#","consumerId":"c1""#, r#","consumerId":"c2""#),
        (
            r#","entryPoints":["https://a.example/1"]"#,
            r#","entryPoints":["https://a.example/2"]"#,
        ),
    ];
    for (one, other) in fields {
        assert!(
            together(&search_with("b", one), &search_with("c", one)),
            "same {one}"
        );
        assert!(
            !together(&search_with("b", one), &search_with("c", other)),
            "{one} vs {other}"
        );
        assert!(
            !together(&search_with("b", one), &search("c")),
            "{one} vs none"
        );
        assert!(
            !together(&search("b"), &search_with("c", one)),
            "none vs {one}"
        );
    }
    let all = r#","pageId":"p1","identities":[{"iss":"i","acr":"0","sub":"u1"}],"consumerId":"c1","entryPoints":["https://a.example/1"]"#;
    assert!(together(&search_with("b", all), &search_with("c", all)));
}

#[test]
fn impressions_of_the_session_go_alone_and_nothing_behind_them_goes_ahead() {
    let mut s = Script::with_session(CONFIG);
    s.call(Op::Report, &search("a"));
    s.call(Op::Report, &search("b"));
    s.call(
        Op::Report,
        r#"{"engagementAttributes":[{"type":"impDisplay","campaign":1,"engId":2,"revision":1}]}"#,
    );
    s.call(Op::Report, &search("d"));
    s.call(Op::Report, &search("e"));
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(
        words(&s, 4),
        ["b"],
        "the impression stops the gathering: call order stands"
    );
    s.answer(4, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(
        words(&s, 5),
        ["impDisplay"],
        "its session's impression goes alone"
    );
    s.answer(5, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(words(&s, 6), ["d", "e"]);
}

#[test]
fn a_combined_request_stays_within_the_keepalive_budget() {
    let mut s = Script::with_session(CONFIG);
    let big = |w: &str| search(&format!("{w}{}", "x".repeat(18 * 1024)));
    for w in ["a", "b", "c", "d", "e", "f"] {
        s.call(Op::Report, &big(w));
    }
    s.take();
    let mut id = 3;
    let mut sent = Vec::new();
    while s.sent.iter().any(|(i, _)| *i == id) {
        let req = s.req(id).clone();
        let len = req.body.as_deref().unwrap().len();
        assert!(
            len <= KEEPALIVE_BUDGET && req.keepalive,
            "request {id}: {len} B"
        );
        sent.push(
            words(&s, id)
                .iter()
                .map(|w| w[..1].to_string())
                .collect::<Vec<_>>()
                .concat(),
        );
        s.answer(id, 200, &session("V1", "S1"));
        s.take();
        id += 1;
    }
    // 18 KB each: three fit in 60 KB with their stored text, four would not.
    assert_eq!(sent, ["a", "bcd", "ef"]);
}

#[test]
fn a_combined_request_refused_with_a_4xx_goes_again_report_by_report() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    for w in ["a", "b", "c", "d"] {
        s.call(Op::Report, &search(w));
    }
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(words(&s, 4), ["b", "c", "d"]);
    s.answer(4, 400, r#"{"internalCode":5,"message":"bad data"}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":400}"#,
        "send 5 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(words(&s, 5), ["b"]);
    s.answer(5, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("remove {}", entry_key(&tab, 2)),
        &format!("resolve 3 {OK}"),
        "send 6 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(words(&s, 6), ["c"], "alone: it failed once");
    // The bad one is refused for good; the one behind it still goes.
    s.answer(6, 400, r#"{"internalCode":5,"message":"bad data"}"#);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":400}"#,
        &format!("remove {}", entry_key(&tab, 3)),
        "reject 4 http 400/5",
        "send 7 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(words(&s, 7), ["d"]);
    s.answer(7, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("remove {}", entry_key(&tab, 4)),
        &format!("resolve 5 {OK}"),
    ]);
    assert!(s.store.iter().all(|(k, _)| !k.contains(":q:")));
}

#[test]
fn a_combined_request_is_retried_whole_and_when_retries_run_out_each_report_is_parked() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    for w in ["a", "b", "c"] {
        s.call(Op::Report, &search(w));
    }
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(words(&s, 4), ["b", "c"]);
    s.answer(4, 503, "");
    let p1 = s.pause(&[1000, 2000], 0, 0);
    s.expect(&[
        &format!(r#"emit RETRY {{"method":"report","status":503,"attempt":1,"pauseMs":{p1}}}"#),
        &format!("timer 5 {p1}"),
    ]);
    s.input(Input::Timer { id: 5 });
    s.expect(&["send 6 report?v=1.0&vid=V1&sid=S1 keepalive"]);
    assert_eq!(words(&s, 6), ["b", "c"]);
    s.no_answer(6);
    let p2 = s.pause(&[1000, 2000], 1, 0);
    s.expect(&[
        &format!(r#"emit RETRY {{"method":"report","status":0,"attempt":2,"pauseMs":{p2}}}"#),
        &format!("timer 7 {p2}"),
    ]);
    s.input(Input::Timer { id: 7 });
    s.expect(&["send 8 report?v=1.0&vid=V1&sid=S1 keepalive"]);
    assert_eq!(words(&s, 8), ["b", "c"]);
    s.no_answer(8);
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":0}"#,
        &format!("write {}", entry_key(&tab, 2)),
        "reject 3 queued network",
        &format!("write {}", entry_key(&tab, 3)),
        "reject 4 queued network",
    ]);
    for seq in [2, 3] {
        assert_eq!(
            Entry::decode(&s.get(&entry_key(&tab, seq)).unwrap())
                .unwrap()
                .cycles,
            1
        );
    }
    // Back online: parked in this page, they failed here, so each goes alone.
    s.input(Input::Online);
    s.expect(&["list lpmon:12345678:app-1:q:"]);
    s.input(Input::Listed { entries: vec![] });
    s.expect(&["send 9 report?v=1.0&vid=V1&sid=S1 keepalive"]);
    assert_eq!(words(&s, 9), ["b"]);
    s.answer(9, 200, &session("V1", "S1"));
    s.expect(&[
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#,
        &format!("remove {}", entry_key(&tab, 2)),
        "emit QUEUE_DELIVERED {}",
        "send 10 report?v=1.0&vid=V1&sid=S1 keepalive",
    ]);
    assert_eq!(words(&s, 10), ["c"]);
}

#[test]
fn a_combined_request_on_a_stale_pair_goes_whole_in_the_new_session() {
    let mut s = Script::with_session(CONFIG);
    for w in ["a", "b", "c"] {
        s.call(Op::Report, &search(w));
    }
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    s.answer(4, 404, r#"{"internalCode":39}"#);
    let out = s.take();
    assert_eq!(
        out.last().unwrap(),
        "lock 5 lpmon:12345678:app-1",
        "{out:?}"
    );
    s.input(Input::LockGranted {
        id: 5,
        waited: false,
    });
    // No session and no identity: the start page opens one for the visitor, then the reports go.
    s.expect(&["send 6 engagement?v=1.0&vid=V1", "emit SP_SENT {}"]);
    s.answer(6, 201, &session("V1", "S2"));
    let out = s.take();
    assert_eq!(
        out.last().unwrap(),
        "send 7 report?v=1.0&vid=V1&sid=S2 keepalive",
        "{out:?}"
    );
    assert_eq!(words(&s, 7), ["b", "c"]);
    s.answer(7, 200, &session("V1", "S2"));
    let out = s.take();
    let resolved: Vec<_> = out
        .iter()
        .filter(|l| l.starts_with("resolve"))
        .cloned()
        .collect();
    let ok = r#"{"visitorId":"V1","sessionId":"S2","pageId":"77"}"#;
    assert_eq!(
        resolved,
        [format!("resolve 3 {ok}"), format!("resolve 4 {ok}")]
    );
}

#[test]
fn page_hide_counts_the_combined_request_on_the_wire_against_the_keepalive_budget() {
    let mut s = Script::with_session(CONFIG);
    let tab = s.m.tab().to_string();
    let big = |w: &str| search(&format!("{w}{}", "x".repeat(25 * 1024)));
    s.call(Op::Report, &search("a"));
    s.call(Op::Report, &big("b"));
    s.call(Op::Report, &big("c"));
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(
        words(&s, 4).len(),
        2,
        "b and c on the wire together, with keepalive"
    );
    s.call(Op::Report, &search_with("d", r#","pageId":"p2""#));
    s.call(Op::Report, &big("e"));
    s.take();
    s.input(Input::Hidden);
    // b and c are the browser's now (50 KB in flight): d fits beside them, e (25 KB) does not.
    s.expect(&[
        &format!("remove {}", entry_key(&tab, 2)),
        &format!("remove {}", entry_key(&tab, 3)),
        "fire report?v=1.0&vid=V1&sid=S1",
        &format!("remove {}", entry_key(&tab, 4)),
        r#"emit QUEUE_FLUSHED {"sent":1}"#,
        r#"resolve 5 {"visitorId":"V1","sessionId":"S1","pageId":"p2"}"#,
    ]);
    assert!(
        s.get(&entry_key(&tab, 5)).is_some(),
        "e stays for the next page view"
    );
    // The combined request fails after all: it is not written back (the browser has it).
    s.no_answer(4);
    let out = s.take();
    assert!(!out.iter().any(|l| l.starts_with("write")), "{out:?}");
}

#[test]
fn reports_adopted_from_a_page_that_is_gone_go_together() {
    let mut s = Script::bare(CONFIG);
    s.set(KEY, Some(&stored("V1", "S1", T0, T0)));
    let theirs = |n: u64, w: &str| {
        let e = Entry {
            tab: "42".into(),
            at: T0 - 5_000,
            cycles: 0,
            sid: None,
            body: j(&search(w)),
        };
        (
            format!("lpmon:12345678:app-1:q:{:014}-{n:08}-42", T0 - 5_000),
            e.encode(),
        )
    };
    let listed = vec![theirs(1, "l1"), theirs(2, "l2"), theirs(3, "l3")];
    for (k, v) in &listed {
        s.set(k, Some(v));
    }
    s.take();
    s.input(Input::Listed {
        entries: listed.clone(),
    });
    s.input(Input::Held {
        id: 1,
        names: Some(vec![]),
    });
    s.input(Input::LockGranted {
        id: 2,
        waited: false,
    });
    s.take();
    s.input(Input::Listed {
        entries: listed.clone(),
    });
    let out = s.take();
    assert_eq!(
        out.last().unwrap(),
        "send 3 report?v=1.0&vid=V1&sid=S1 keepalive",
        "{out:?}"
    );
    assert_eq!(words(&s, 3), ["l1", "l2", "l3"]);
    s.answer(3, 200, &session("V1", "S1"));
    let mut want = vec![
        r#"emit REQUEST_COMPLETE {"method":"report","status":200,"created":false}"#.to_string(),
    ];
    for (k, _) in &listed {
        want.push(format!("remove {k}"));
        want.push("emit QUEUE_DELIVERED {}".into());
    }
    assert_eq!(s.take(), want);
}

#[test]
fn withdrawn_consent_ends_every_report_of_a_combined_request_with_its_answer() {
    let mut s = Script::with_session(CONFIG);
    for w in ["a", "b", "c"] {
        s.call(Op::Report, &search(w));
    }
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    assert_eq!(words(&s, 4), ["b", "c"]);
    s.input(Input::Consent(Consent::Denied));
    s.expect(&["remove all lpmon:"]);
    s.answer(4, 503, "");
    s.expect(&["reject 3 consent", "reject 4 consent"]);
}

#[test]
fn a_hundred_reports_made_at_once_take_five_requests_of_at_most_25_with_every_attribute_once_in_call_order(
) {
    let mut s = Script::with_session(CONFIG);
    for i in 0..100 {
        s.call(Op::Report, &search(&format!("w{i}")));
    }
    s.take();
    // The first goes alone; at each answer the next request takes up to 25 reports.
    let mut resolved = Vec::new();
    let mut id = 3;
    while s.sent.iter().any(|(i, _)| *i == id) {
        s.answer(id, 200, &session("V1", "S1"));
        resolved.extend(s.take().into_iter().filter(|l| l.starts_with("resolve")));
        id += 1;
    }
    assert_eq!(
        resolved,
        (2..=101)
            .map(|c| format!("resolve {c} {OK}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(s.sent.len(), 6, "the engage, then five report requests");
    let sizes: Vec<usize> = (3..=7).map(|r| words(&s, r).len()).collect();
    assert_eq!(sizes, [1, 25, 25, 25, 24]);
    let all: Vec<String> = (3..=7).flat_map(|r| words(&s, r)).collect();
    assert_eq!(all, (0..100).map(|i| format!("w{i}")).collect::<Vec<_>>());
}

#[test]
fn withdrawn_consent_ends_every_report_of_a_combined_request_pausing_between_attempts() {
    let mut s = Script::with_session(CONFIG);
    for w in ["a", "b", "c"] {
        s.call(Op::Report, &search(w));
    }
    s.take();
    s.answer(3, 200, &session("V1", "S1"));
    s.take();
    s.answer(4, 503, "");
    assert_eq!(s.take().len(), 2, "RETRY and its timer");
    s.input(Input::Consent(Consent::Denied));
    s.expect(&["remove all lpmon:", "reject 3 consent", "reject 4 consent"]);
    s.input(Input::Timer { id: 5 });
    s.expect(&[]);
}
