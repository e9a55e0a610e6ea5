//! Scripts of the agent machine: inputs in, the exact outputs asserted — URLs, both kinds of auth,
//! CSDS (once per service, shared by concurrent first calls), every documented error code, the
//! retry rules (429 after at least a second, Retry-After, 5xx and network failures on the
//! configured pauses), and the answer checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::core::agent::config::AgentConfig;
use crate::core::agent::engactivity::{ActivityQuery, EngagementActivity};
use crate::core::agent::machine::{AgentMachine, Ask, Input, Output};
use crate::core::agent::oauth;
use crate::core::agent::outcome::describe;
use crate::core::agent::visit::{VisitRequest, VisitState};
use crate::core::agent::wire::{check, FromWire, Shaped};
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, HttpRequest, Method, NetError};
use crate::core::json::Json;
use crate::core::retry;

const SEED_003: &str = include_str!("fixtures/visit_state.json");
const VISIT: &str =
    r#"{"visitorId":"cyNGViYjc4MmU2MzEzZThm","sessionId":"qCsUrTldTh0UEWLjLCGqkQ"}"#;
const VISIT_URL: &str = "http://127.0.0.1:9/api/account/12345678/monitoring/visitors/cyNGViYjc4MmU2MzEzZThm/visits/current/state?v=1&sid=qCsUrTldTh0UEWLjLCGqkQ&filter=agent";
const BEARER: &str = r#"{"accountId":"12345678","domain":"http://127.0.0.1:9","reportingDomain":"http://127.0.0.1:10",
    "retry":{"delaysMs":[10,10]},"auth":{"bearer":"tok-1"}}"#;
const START: u64 = 1_700_000_000_000;
/// The machine's seed: nonces start at 000102…0f.
const SEED: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

/// A machine, the clock, and a replica of its jitter generator.
struct Script {
    m: AgentMachine,
    now: u64,
    rng: u32,
}

impl Script {
    fn new(config: &str) -> Script {
        Script {
            m: AgentMachine::new(AgentConfig::from_json(&j(config)).unwrap(), SEED),
            now: START,
            rng: u32::from_le_bytes([12, 13, 14, 15]) | 1,
        }
    }

    fn feed(&mut self, input: Input) -> Vec<Output> {
        self.m.handle(self.now, input);
        std::iter::from_fn(|| self.m.poll_output()).collect()
    }

    fn visit(&mut self, call: u32) -> Vec<Output> {
        let ask = Ask::Visit(VisitRequest::from_json(&j(VISIT)).unwrap());
        self.feed(Input::Call { call, ask })
    }

    fn activity(&mut self, call: u32, request: &str) -> Vec<Output> {
        let ask = Ask::Activity(ActivityQuery::from_json(&j(request)).unwrap());
        self.feed(Input::Call { call, ask })
    }

    fn answer(&mut self, id: u32, status: u16, body: &str) -> Vec<Output> {
        self.feed(Input::Answer {
            id,
            result: Ok(HttpAnswer {
                status,
                body: body.into(),
                retry_after: None,
            }),
        })
    }

    fn fail(&mut self, id: u32, e: NetError) -> Vec<Output> {
        self.feed(Input::Answer { id, result: Err(e) })
    }

    /// Lets the pause of timer `id` pass (`ms`) and fires it.
    fn wait(&mut self, id: u32, ms: u32) -> Vec<Output> {
        self.now += u64::from(ms);
        self.feed(Input::Timer { id })
    }

    /// The pause the machine must pick for retry `attempt` (its next jitter draw).
    fn pause(&mut self, delays: &[u32], attempt: usize, min_ms: u32) -> u32 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        retry::pause_ms(delays, attempt, min_ms, x % 1000).unwrap()
    }
}

/// A GET as the machine builds it.
fn get(url: &str, authorization: Option<&str>) -> HttpRequest {
    let mut headers = vec![("Accept", String::from("application/json"))];
    if let Some(a) = authorization {
        headers.push(("Authorization", a.into()));
    }
    HttpRequest {
        method: Method::Get,
        url: url.into(),
        headers,
        body: None,
        keepalive: false,
        timeout_ms: 10_000,
    }
}

fn send(id: u32, url: &str, authorization: Option<&str>) -> Output {
    Output::Send {
        id,
        req: get(url, authorization),
    }
}

fn resolve(call: u32, text: &str) -> Output {
    Output::Resolve {
        call,
        text: text.into(),
    }
}

fn rejected(out: &[Output]) -> &Error {
    match out {
        [Output::Reject { error, .. }] => error,
        other => panic!("expected one rejection, got {other:?}"),
    }
}

#[test]
fn visit_info_with_a_bearer_token() {
    let mut s = Script::new(BEARER);
    assert_eq!(s.visit(1), [send(1, VISIT_URL, Some("Bearer tok-1"))]);
    assert_eq!(s.answer(1, 200, SEED_003), [resolve(1, SEED_003)]);
    // The text it resolves with is the seed's visit state, typed.
    let typed = VisitState::from_wire(&j(SEED_003)).unwrap();
    assert_eq!(typed, serde_json::from_str::<VisitState>(SEED_003).unwrap());
}

/// The Authorization header OAuth 1.0a gives `url` at `now` with nonce `nonce`.
fn oauth_header(url: &str, now: u64, nonce: &str) -> String {
    let timestamp = (now / 1000).to_string();
    let base = oauth::base_string(
        "GET",
        url,
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
    [
        r#"OAuth oauth_consumer_key="ck", oauth_nonce=""#,
        nonce,
        r#"", oauth_signature=""#,
        &signature,
        r#"", oauth_signature_method="HMAC-SHA1", oauth_timestamp=""#,
        &timestamp,
        r#"", oauth_token="tk", oauth_version="1.0""#,
    ]
    .concat()
}

#[test]
fn oauth_signs_every_attempt_afresh() {
    let mut s = Script::new(
        r#"{"accountId":"12345678","domain":"http://127.0.0.1:9","retry":{"delaysMs":[10]},
            "auth":{"consumerKey":"ck","consumerSecret":"cs","token":"tk","tokenSecret":"ts"}}"#,
    );
    let first = oauth_header(VISIT_URL, START, "000102030405060708090a0b0c0d0e0f");
    assert_eq!(s.visit(1), [send(1, VISIT_URL, Some(&first))]);
    assert_eq!(
        s.pause(&[10], 0, 1000),
        1000,
        "a 429 waits at least a second"
    );
    assert_eq!(s.answer(1, 429, ""), [Output::SetTimer { id: 2, ms: 1000 }]);
    // A new nonce (the counter), and the clock moved during the pause: a new signature.
    let second = oauth_header(VISIT_URL, START + 1000, "010102030405060708090a0b0c0d0e0f");
    assert_ne!(first, second);
    assert_eq!(s.wait(2, 1000), [send(3, VISIT_URL, Some(&second))]);
    assert_eq!(s.answer(3, 200, SEED_003), [resolve(1, SEED_003)]);
}

#[test]
fn domains_come_from_csds_once_per_service() {
    let mut s = Script::new(
        r#"{"accountId":"12345678","csds":"http://localhost:4","auth":{"bearer":"t"}}"#,
    );
    let csds_smt = "http://localhost:4/api/account/12345678/service/smt/baseURI.json?version=1.0";
    let visit_url = "https://lo.v.liveperson.net/api/account/12345678/monitoring/visitors/cyNGViYjc4MmU2MzEzZThm/visits/current/state?v=1&sid=qCsUrTldTh0UEWLjLCGqkQ&filter=agent";
    // CSDS gets no credentials.
    assert_eq!(s.visit(1), [send(1, csds_smt, None)]);
    assert_eq!(
        s.answer(
            1,
            200,
            r#"{"service":"smt","account":"12345678","baseURI":"lo.v.liveperson.net"}"#
        ),
        [send(2, visit_url, Some("Bearer t"))]
    );
    assert_eq!(s.answer(2, 200, SEED_003), [resolve(1, SEED_003)]);
    // Kept: the second call goes straight to the service.
    assert_eq!(s.visit(2), [send(3, visit_url, Some("Bearer t"))]);
    assert_eq!(s.answer(3, 200, SEED_003), [resolve(2, SEED_003)]);
    // The other service has a look-up of its own.
    assert_eq!(
        s.activity(3, r#"{"timeframe":60}"#),
        [send(
            4,
            "http://localhost:4/api/account/12345678/service/leDataReporting/baseURI.json?version=1.0",
            None
        )]
    );
    assert_eq!(
        s.answer(
            4,
            200,
            r#"{"service":"leDataReporting","baseURI":"127.0.0.1:8031"}"#
        ),
        [send(
            5,
            "http://127.0.0.1:8031/operations/api/account/12345678/engactivity?timeframe=60&v=1",
            Some("Bearer t")
        )]
    );
    let body = r#"{"metricsTotals":{"connectedEngagements":1}}"#;
    assert_eq!(s.answer(5, 200, body), [resolve(3, body)]);
    let typed = EngagementActivity::from_wire(&j(body)).unwrap();
    assert_eq!(typed.totals().unwrap().connected_engagements, 1);
}

#[test]
fn concurrent_first_calls_share_one_csds_lookup() {
    let mut s = Script::new(r#"{"accountId":"1","auth":{"bearer":"t"}}"#);
    let csds = "https://api.liveperson.net/api/account/1/service/smt/baseURI.json?version=1.0";
    let url = "https://lo.v.liveperson.net/api/account/1/monitoring/visitors/cyNGViYjc4MmU2MzEzZThm/visits/current/state?v=1&sid=qCsUrTldTh0UEWLjLCGqkQ&filter=agent";
    assert_eq!(s.visit(1), [send(1, csds, None)]);
    assert_eq!(s.visit(2), [], "joins the look-up on its way");
    assert_eq!(
        s.answer(1, 200, r#"{"baseURI":"lo.v.liveperson.net"}"#),
        [
            send(2, url, Some("Bearer t")),
            send(3, url, Some("Bearer t"))
        ]
    );
    assert_eq!(s.answer(3, 200, SEED_003), [resolve(2, SEED_003)]);
    assert_eq!(s.answer(2, 200, SEED_003), [resolve(1, SEED_003)]);
}

#[test]
fn a_failed_csds_lookup_rejects_every_joined_call_and_is_not_kept() {
    let mut s = Script::new(r#"{"accountId":"1","retry":{"delaysMs":[50]},"auth":{"bearer":"t"}}"#);
    let csds = "https://api.liveperson.net/api/account/1/service/smt/baseURI.json?version=1.0";
    assert_eq!(s.visit(1), [send(1, csds, None)]);
    assert_eq!(s.visit(2), []);
    let ms = s.pause(&[50], 0, 0);
    assert_eq!(
        s.fail(1, NetError::Failed),
        [Output::SetTimer { id: 2, ms }]
    );
    assert_eq!(s.wait(2, ms), [send(3, csds, None)]);
    let out = s.fail(3, NetError::Timeout);
    let network = Error::Network("CSDS could not be reached");
    assert_eq!(
        out,
        [
            Output::Reject {
                call: 1,
                error: network.clone()
            },
            Output::Reject {
                call: 2,
                error: network
            }
        ]
    );
    // The next call asks CSDS again.
    assert_eq!(s.visit(3), [send(4, csds, None)]);
}

#[test]
fn csds_without_the_service_is_an_http_error() {
    let mut s = Script::new(r#"{"accountId":"1","auth":{"bearer":"t"}}"#);
    s.visit(1);
    let out = s.answer(1, 200, r#"{"service":"smt"}"#);
    let e = rejected(&out);
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
        let mut s = Script::new(BEARER);
        let body = [
            r#"{"time":1,"message":"x","internalCode":"#,
            &code.to_string(),
            "}",
        ]
        .concat();
        assert_eq!(s.visit(1).len(), 1);
        // Final: the rejection is the only output (no timer, no second request).
        let out = s.answer(1, status, &body);
        let e = rejected(&out);
        assert_eq!(
            (e.kind(), e),
            (
                "http",
                &Error::Http {
                    status,
                    internal_code: Some(code),
                    message: describe(status, Some(code)).unwrap().into()
                }
            )
        );
        assert!(e.message().contains(says), "{}", e.message());
    }
    // Undocumented refusals keep the server's words.
    let mut s = Script::new(BEARER);
    assert_eq!(s.activity(1, r#"{"timeframe":60}"#).len(), 1);
    let out = s.answer(1, 400, r#"{"message":"interval must divide timeframe"}"#);
    assert_eq!(
        rejected(&out).message(),
        "HTTP 400: interval must divide timeframe"
    );
}

#[test]
fn throttling_waits_at_least_a_second_and_honours_retry_after() {
    let mut s = Script::new(BEARER);
    let url = "http://127.0.0.1:10/operations/api/account/12345678/engactivity?timeframe=60&v=1&interval=5";
    assert_eq!(
        s.activity(1, r#"{"timeframe":60,"interval":5}"#),
        [send(1, url, Some("Bearer tok-1"))]
    );
    assert_eq!(s.answer(1, 429, ""), [Output::SetTimer { id: 2, ms: 1000 }]);
    assert_eq!(s.wait(2, 1000), [send(3, url, Some("Bearer tok-1"))]);
    let out = s.feed(Input::Answer {
        id: 3,
        result: Ok(HttpAnswer {
            status: 429,
            body: String::new(),
            retry_after: Some("3".into()),
        }),
    });
    assert_eq!(out, [Output::SetTimer { id: 4, ms: 3000 }]);
    assert_eq!(s.wait(4, 3000), [send(5, url, Some("Bearer tok-1"))]);
    assert_eq!(
        s.answer(5, 200, r#"{"metricsTotals":{}}"#),
        [resolve(1, r#"{"metricsTotals":{}}"#)]
    );
}

#[test]
fn server_errors_retry_on_the_jittered_pauses_then_give_up_with_the_last_status() {
    let mut s = Script::new(BEARER);
    let auth = Some("Bearer tok-1");
    assert_eq!(s.visit(1), [send(1, VISIT_URL, auth)]);
    let first = s.pause(&[10, 10], 0, 0);
    assert!((8..=12).contains(&first));
    assert_eq!(
        s.answer(1, 503, ""),
        [Output::SetTimer { id: 2, ms: first }]
    );
    assert_eq!(s.wait(2, first), [send(3, VISIT_URL, auth)]);
    let second = s.pause(&[10, 10], 1, 0);
    assert_eq!(
        s.answer(3, 500, r#"{"message":"boom"}"#),
        [Output::SetTimer { id: 4, ms: second }]
    );
    assert_eq!(s.wait(4, second), [send(5, VISIT_URL, auth)]);
    let out = s.answer(5, 502, "");
    assert!(
        matches!(rejected(&out), Error::Http { status: 502, .. }),
        "{out:?}"
    );

    let mut s = Script::new(BEARER);
    s.visit(1);
    let first = s.pause(&[10, 10], 0, 0);
    assert_eq!(
        s.fail(1, NetError::Failed),
        [Output::SetTimer { id: 2, ms: first }]
    );
    assert_eq!(s.wait(2, first), [send(3, VISIT_URL, auth)]);
    let second = s.pause(&[10, 10], 1, 0);
    assert_eq!(
        s.fail(3, NetError::Timeout),
        [Output::SetTimer { id: 4, ms: second }]
    );
    s.wait(4, second);
    let out = s.fail(5, NetError::Failed);
    assert_eq!(rejected(&out).kind(), "network");
}

#[test]
fn a_200_that_is_not_the_expected_json_is_a_final_http_error() {
    for body in [
        "not json",
        "[]",
        "null",
        r#"{"appSessions":{"not":"a list"}}"#,
    ] {
        let mut s = Script::new(BEARER);
        s.visit(1);
        let out = s.answer(1, 200, body);
        let e = rejected(&out);
        assert!(
            matches!(e, Error::Http { status: 200, .. }),
            "{body}: {e:?}"
        );
        assert!(
            e.message().contains("is not a visit state"),
            "{}",
            e.message()
        );
    }
}

#[test]
fn answers_are_handed_back_as_the_server_wrote_them_once_checked() {
    let mut s = Script::new(BEARER);
    let with_extra = SEED_003.replacen('{', r#"{"servedBy": "edge-7", "#, 1);
    s.visit(1);
    assert_eq!(s.answer(1, 200, &with_extra), [resolve(1, &with_extra)]);
    s.visit(2);
    let out = s.answer(2, 200, r#"{"id": 5}"#);
    assert_eq!(
        rejected(&out).message(),
        "HTTP 200: the answer is not a visit state: id must be a string"
    );

    let mut s = Script::new(BEARER);
    let body = r#"{"metricsTotals": {"connectedEngagements": 2}, "new": [1]}"#;
    s.activity(1, r#"{"timeframe":60}"#);
    assert_eq!(s.answer(1, 200, body), [resolve(1, body)]);
    s.activity(2, r#"{"timeframe":60}"#);
    let out = s.answer(2, 200, "[]");
    assert!(rejected(&out)
        .message()
        .contains("is not engagement activity"));
}

#[test]
fn answers_and_timers_nobody_waits_for_change_nothing() {
    let mut s = Script::new(BEARER);
    assert_eq!(s.answer(7, 200, SEED_003), []);
    assert_eq!(s.feed(Input::Timer { id: 3 }), []);
    s.visit(1);
    assert_eq!(s.answer(1, 200, SEED_003), [resolve(1, SEED_003)]);
    // A duplicate answer to a settled request.
    assert_eq!(s.answer(1, 200, SEED_003), []);
}

/// The machine's check of a visit state gives the typed decoder's verdict, in the same words.
fn checks_as_it_decodes(text: &str) {
    let v = j(text);
    assert_eq!(
        check(&v, VisitState::SHAPE),
        VisitState::from_wire(&v).map(drop),
        "{text}"
    );
}

#[test]
fn the_core_decoder_agrees_with_serde_on_the_seeds_and_on_wrong_shapes() {
    checks_as_it_decodes(SEED_003);
    let typed = VisitState::from_wire(&j(SEED_003)).unwrap();
    assert_eq!(typed, serde_json::from_str::<VisitState>(SEED_003).unwrap());
    for (name, text) in crate::core::agent::engactivity::tests::FIXTURES {
        assert_eq!(
            EngagementActivity::from_wire(&j(text)).unwrap(),
            serde_json::from_str::<EngagementActivity>(text).unwrap(),
            "{name}"
        );
        assert_eq!(check(&j(text), EngagementActivity::SHAPE), Ok(()), "{name}");
    }
    // Unknown members are kept, absent and null stay apart, wrong types fail in both.
    for text in [
        r#"{"later":{"x":[1,2.5,"y",true,null]},"id":null}"#,
        r#"{"appSessions":[{"deviceOS":"MAC","revAllVPs":{"9":{"revision":2}},"pages":[{"timeOnPage":3}]}]}"#,
    ] {
        assert_eq!(
            VisitState::from_wire(&j(text)).unwrap(),
            serde_json::from_str::<VisitState>(text).unwrap(),
            "{text}"
        );
        checks_as_it_decodes(text);
    }
    for wrong in [
        r#"{"id":5}"#,
        r#"{"appSessions":{}}"#,
        r#"{"appSessions":[{"startTime":1.5}]}"#,
        r#"{"appSessions":[{"startTime":"1"}]}"#,
        r#"{"appSessions":[{"revAllVPs":{"9":{"revision":true}}}]}"#,
    ] {
        assert!(VisitState::from_wire(&j(wrong)).is_err(), "{wrong}");
        checks_as_it_decodes(wrong);
        assert!(
            serde_json::from_str::<VisitState>(wrong).is_err(),
            "{wrong}"
        );
    }
    assert_eq!(
        VisitState::from_wire(&j(
            r#"{"appSessions":[{"revAllVPs":{"9":{"revision":true}}}]}"#
        )),
        Err("appSessions.revAllVPs.9.revision must be an integer".into())
    );
    // Metrics are integers, never null.
    for (text, fits) in [
        (
            r#"{"metricsTotals":{"connectedEngagements":1,"later":"x"}}"#,
            true,
        ),
        (r#"{"metricsTotals":{"connectedEngagements":null}}"#, false),
        (
            r#"{"metricsByIntervals":[{"timestamp":1,"metricsData":{"agentsMetrics":{"metricsPerAgent":{"3":{"totalHandlingTime":1.5}}}}}]}"#,
            false,
        ),
    ] {
        let v = j(text);
        let decoded = EngagementActivity::from_wire(&v).map(drop);
        assert_eq!(decoded.is_ok(), fits, "{text}");
        assert_eq!(check(&v, EngagementActivity::SHAPE), decoded, "{text}");
        assert_eq!(
            serde_json::from_str::<EngagementActivity>(text).is_ok(),
            fits,
            "{text}"
        );
    }
}

/// "Every input has a test", as for the monitoring machine: each `Input` variant is fed and each
/// `Output` variant expected by a test here, directly or through one of this file's helpers.
#[test]
fn every_input_is_fed_and_every_output_expected() {
    use crate::core::machine::tests::{helpers_using, variants};
    let machine = include_str!("machine.rs");
    let tests = include_str!("machine_tests.rs");
    // Only the tests: what comes before this one.
    let tests = tests
        .split("fn every_input_is_fed_and_every_output_expected")
        .next()
        .unwrap();
    for (head, kind) in [
        ("pub enum Input {", "Input"),
        ("pub enum Output {", "Output"),
    ] {
        for v in variants(machine, head) {
            let direct = format!("{kind}::{v}");
            let helpers = helpers_using(tests, &direct);
            // Used in a test's own body, or in a helper that something calls.
            let used = |f: &String| {
                tests.contains(&format!("#[test]\nfn {f}("))
                    || tests.matches(&format!("{f}(")).count() > 1
            };
            assert!(helpers.iter().any(used), "no test uses {direct}");
        }
    }
}
