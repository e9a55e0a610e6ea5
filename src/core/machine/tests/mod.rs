//! The machine's tests are scripts: inputs in, the exact outputs asserted (rendered as short
//! lines, see [`line`]). Races are input orders.
//!
//! Coverage of the tests of the executor-driven core it replaced (removed in 00a5dba; their last versions are in f2c1d80:
//! `src/core/{monitor,queue,consent,visitor}_tests.rs`), old test → script test here:
//!
//! | old test | script test |
//! |---|---|
//! | first_engage_creates_a_session_and_later_calls_send_it | sessions::the_first_engage_opens_…, sessions::later_calls_send_the_pair_… |
//! | a_201_replaces_the_stored_pair | sessions::a_201_replaces_the_stored_pair |
//! | report_is_post_with_the_put_override | calls::a_report_goes_as_post_with_the_put_override_and_keepalive |
//! | report_without_session_or_identity_opens_one_first | calls::a_report_without_session_or_identity_opens_one_… |
//! | report_with_an_identity_and_no_session_goes_alone | calls::a_report_with_an_identity_and_no_session_goes_alone |
//! | impressions_without_session_or_in_engage_are_refused… | calls::bad_requests_are_refused_before_anything_is_sent |
//! | client_errors_are_not_retried, malformed_success_body_is_an_http_error… | calls::client_errors_and_malformed_successes_are_final |
//! | server_errors_retry_on_the_documented_schedule | calls::without_a_configured_schedule_server_errors_follow_… (jitter included) |
//! | retries_run_out_with_the_last_status, configured_delays_bound_the_retries | calls::server_errors_follow_the_configured_jittered_schedule_… (`retry` unit tests: jitter bounds) |
//! | loading_account_retries_with_the_named_vid | sessions::loading_account_retries_with_the_named_vid_… |
//! | stale_pair_is_dropped_and_the_request_resent_without_impressions | sessions::the_404_39_drops_the_sid_and_impressions_… |
//! | stale_pair_with_only_impressions_opens_a_new_session | queue::a_stale_pair_with_only_impressions_left_… |
//! | a_second_stale_answer_is_final | sessions::a_second_stale_answer_is_final |
//! | concurrent_calls_share_one_session_creation | sessions::concurrent_calls_in_a_page_share_one_creation |
//! | two_tabs_share_one_session | sessions::a_tab_that_waited_for_the_lock_…, sessions::a_tab_that_waited_in_vain_… |
//! | an_expired_pair_is_not_sent, activity_keeps_the_session_alive | sessions::an_idle_or_too_old_session_is_not_sent |
//! | corrupted_storage_counts_as_no_session | sessions::corrupted_storage_counts_as_no_session_… |
//! | throttling_honours_retry_after | calls::throttling_waits_at_least_what_retry_after_asks_… |
//! | csds_is_asked_once_and_cached | calls::csds_is_asked_once_and_its_answer_stored_for_a_day |
//! | csds_failure_without_cache_rejects, tampered_csds_cache_is_ignored | calls::csds_failure_without_a_stored_answer_rejects_… |
//! | a_waiting_report_is_stored_until_the_server_accepts_it, concurrent_reports_are_delivered_in_call_order | queue::reports_go_in_call_order_and_only_waiting_ones_are_stored, combine::* |
//! | a_report_that_goes_out_at_once_is_stored_when_its_first_attempt_fails, no_answer_parks_the_report_until_the_browser_is_online | queue::a_report_whose_retries_ran_out_is_parked_… |
//! | a_refused_report_is_removed_and_rejected | queue::a_refused_report_is_removed_and_rejected |
//! | coming_back_online_ends_a_retry_pause | calls::no_answer_is_retried_and_coming_back_online_ends_the_pause |
//! | a_server_asked_pause_is_not_cut_short | calls::throttling_waits_at_least_…_even_when_back_online |
//! | page_hide_hands_waiting_reports_to_keepalive, a_report_on_the_wire_at_page_hide_is_not_written_back… | queue::page_hide_hands_waiting_reports_…, combine::page_hide_counts_the_combined_request_… (the budget) |
//! | a_report_that_already_failed_stays_for_the_next_page_view | queue::page_hide_keeps_reports_that_failed_… |
//! | reports_left_by_a_dead_page_are_delivered_by_the_next_one | queue::reports_of_a_page_that_is_gone_are_adopted_…, combine::reports_adopted_… |
//! | without_web_locks_only_old_leftovers_are_taken_over | queue::without_web_locks_only_old_leftovers_are_taken_over |
//! | a_full_queue_drops_the_oldest_waiting_report | queue::a_full_queue_drops_the_oldest_waiting_report_and_says_so |
//! | impressions_of_an_older_session_are_dropped_at_delivery | queue::impressions_of_an_older_session_are_dropped_at_delivery |
//! | a_report_is_given_up_after_its_cycles | queue::a_report_is_given_up_after_its_cycles |
//! | a_page_still_listed_as_alive_is_looked_at_again | queue::reports_of_a_live_page_are_left_alone_… |
//! | storage_cleared_behind_the_page_…, a_pair_lpmon_dropped_itself_… | queue::storage_cleared_behind_the_page_…, queue::a_pair_lpmon_dropped_itself_… |
//! | pending_stores_and_sends_nothing_then_granted_… | consent::pending_consent_stores_and_sends_nothing_… |
//! | denied_refuses_calls_and_sends_nothing, withdrawing_consent_removes_every_key_… | consent::denied_consent_refuses_calls_and_withdrawal_wipes_… |
//! | denying_while_pending_refuses_the_waiting_calls | consent::denying_while_pending_refuses_the_waiting_calls_… |
//! | an_answer_after_withdrawal_is_not_stored_and_retries_stop | consent::an_answer_after_withdrawal_is_not_stored_…, combine::withdrawn_consent_ends_… |
//! | after_30_idle_minutes_…, after_6_hours_of_activity_… | sessions::an_idle_or_too_old_session_is_not_sent |
//! | a_404_39_drops_the_sid_and_keeps_the_visitor | sessions::the_404_39_drops_the_sid_… |
//! | a_404_39_on_a_report_keeps_the_visitor_for_the_start_page_call | queue::a_stale_pair_with_only_impressions_left_…, combine::a_combined_request_on_a_stale_pair_… |
//! | a_404_37_drops_visitor_and_session | sessions::the_404_37_drops_visitor_and_session_… |
//! | an_unknown_vid_sent_alone_is_dropped_and_a_new_visitor_opened | sessions::an_unknown_visitor_sent_alone_is_dropped_… |
//! | state_written_by_earlier_versions_is_read | sessions::a_pair_stored_before_the_page_loaded_is_used_… |
//! | reset_forgets_visitor_session_and_queued_reports | consent::reset_forgets_the_visitor_…, consent::reset_gives_up_the_parked_reports_… |
//! | reset_during_a_call_keeps_the_old_pair_out | consent::reset_during_a_call_resolves_it_but_keeps_its_pair_out |
//! | any_2xx_on_report_is_delivered_and_keeps_the_pair | consent::any_2xx_on_a_report_delivers_it_and_keeps_the_pair |
//! | a_kept_report_rejects_queued_and_its_outcome_is_told | consent::a_kept_report_rejects_queued_…, queue::a_report_whose_retries_ran_out_… (QUEUE_DELIVERED) |
//!
//! Storage falling back to memory (localStorage missing, throwing or full) is the driver's and is
//! tested in the browsers (`tests/web.rs`); the machine only sees what was stored, and its side
//! (corrupted, cleared, a stale CSDS answer) is above.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::core::config::Config;
use crate::core::error::Error;
use crate::core::http::{HttpAnswer, HttpRequest, NetError};
use crate::core::json::Json;
use crate::core::machine::{Input, Machine, Op, Output};

mod calls;
mod combine;
mod consent;
mod queue;
mod sessions;

pub const T0: u64 = 1_700_000_000_000;
pub const KEY: &str = "lpmon:12345678:app-1";
pub const API: &str = "http://127.0.0.1:9/api/account/12345678/app/app-1/";
pub const CONFIG: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[1000,2000]}}"#;
const SEED: u32 = 7;

pub fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

/// The same xorshift as the machine's: the test knows every number it will draw.
pub struct Rng(u32);
impl Rng {
    pub fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// One machine, its clock, and what it asked for so far.
pub struct Script {
    pub m: Machine,
    pub now: u64,
    /// The numbers the machine has not drawn yet (after the two of its page id).
    pub rng: Rng,
    /// Every request sent, by id.
    pub sent: Vec<(u32, HttpRequest)>,
    /// What the driver's storage holds.
    pub store: Vec<(String, String)>,
    next_call: u32,
}

impl Script {
    /// A machine for `config`; its start-up (a look at the stored queue that finds nothing; no
    /// page lock until the page stores a report) is checked and done.
    pub fn new(config: &str) -> Script {
        let mut s = Script::bare(config);
        s.expect(&["list lpmon:12345678:app-1:q:"]);
        s.input(Input::Listed { entries: vec![] });
        s.expect(&[]);
        s
    }

    /// A machine whose start-up outputs are left for the test.
    pub fn bare(config: &str) -> Script {
        let cfg = Config::from_json(&j(config)).unwrap();
        let consent = cfg.initial_consent(false);
        let m = Machine::new(T0, cfg, j(r#"{"integration":"WEB_SDK"}"#), SEED, consent);
        let mut rng = Rng(SEED | 1);
        rng.next();
        rng.next();
        Script {
            m,
            now: T0,
            rng,
            sent: Vec::new(),
            store: Vec::new(),
            next_call: 0,
        }
    }

    /// Feeds `input` (after the values of the watched keys, as the driver does).
    pub fn input(&mut self, input: Input) {
        for key in self.m.watched() {
            let value = self.get(&key);
            self.m.handle(self.now, Input::Stored { key, value });
        }
        self.m.handle(self.now, input);
    }

    /// `(getVid(), getSid())` as the driver answers them (fresh values first).
    pub fn ids(&mut self) -> (Option<String>, Option<String>) {
        for key in self.m.watched() {
            let value = self.get(&key);
            self.m.handle(self.now, Input::Stored { key, value });
        }
        (self.m.vid(), self.m.sid())
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.store
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    pub fn set(&mut self, key: &str, value: Option<&str>) {
        self.store.retain(|(k, _)| k != key);
        if let Some(v) = value {
            self.store.push((key.into(), v.into()));
        }
    }

    /// Every output so far, rendered; storage outputs are applied to `store`.
    pub fn take(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(o) = self.m.poll_output() {
            match &o {
                Output::Send { id, req } => self.sent.push((*id, req.clone())),
                Output::Write { key, value } => self.set(key, Some(value)),
                Output::Remove { key } => self.set(key, None),
                Output::RemoveAll { prefix } => {
                    self.store.retain(|(k, _)| !k.starts_with(prefix.as_str()))
                }
                _ => {}
            }
            out.push(line(&o));
        }
        out
    }

    /// Asserts the outputs so far are exactly `lines`.
    #[track_caller]
    pub fn expect(&mut self, lines: &[&str]) {
        assert_eq!(self.take(), lines);
    }

    /// A call; returns its id.
    pub fn call(&mut self, op: Op, request: &str) -> u32 {
        self.next_call += 1;
        let call = self.next_call;
        self.input(Input::Call {
            call,
            monitor: 0,
            op,
            request: j(request),
        });
        call
    }

    pub fn answer(&mut self, id: u32, status: u16, body: &str) {
        self.input(Input::Answer {
            id,
            result: Ok(HttpAnswer {
                status,
                body: body.into(),
                retry_after: None,
            }),
        });
    }

    pub fn no_answer(&mut self, id: u32) {
        self.input(Input::Answer {
            id,
            result: Err(NetError::Failed),
        });
    }

    /// The request sent as `id`.
    pub fn req(&self, id: u32) -> &HttpRequest {
        &self.sent.iter().find(|(i, _)| *i == id).unwrap().1
    }

    pub fn body(&self, id: u32) -> Json {
        j(self.req(id).body.as_deref().unwrap())
    }

    /// The pause the machine draws for retry `attempt` (0-based) of `delays`.
    pub fn pause(&mut self, delays: &[u32], attempt: usize, min: u32) -> u32 {
        let r = self.rng.next() % 1000;
        crate::core::retry::pause_ms(delays, attempt, min, r).unwrap()
    }

    /// Opens a session V1/S1 with an engage (outputs checked elsewhere); ids used: call 1, lock
    /// 1, request 2.
    pub fn with_session(config: &str) -> Script {
        Script::opening_session(config).0
    }

    /// As `with_session`, with the outputs of the opening.
    pub fn opening_session(config: &str) -> (Script, Vec<String>) {
        let mut s = Script::new(config);
        s.call(Op::Engage, "{}");
        s.input(Input::LockGranted {
            id: 1,
            waited: false,
        });
        s.answer(2, 201, &session("V1", "S1"));
        let out = s.take();
        (s, out)
    }
}

/// A report of one search word.
pub fn search(word: &str) -> String {
    format!(r#"{{"engagementAttributes":[{{"type":"searchInfo","keywords":["{word}"]}}]}}"#)
}

/// The storage key of the report queued `seq`-th at T0 by page `tab`.
pub fn entry_key(tab: &str, seq: u64) -> String {
    format!("lpmon:12345678:app-1:q:{T0:014}-{seq:08}-{tab}")
}

/// A success body with this pair.
pub fn session(vid: &str, sid: &str) -> String {
    format!(
        r#"{{"visitorId":"{vid}","sessionId":"{sid}","pageId":"77","engagementDetails":[{{"status":"expose","contextId":"c1"}}]}}"#
    )
}

/// The stored session text.
pub fn stored(vid: &str, sid: &str, started: u64, last: u64) -> String {
    format!(r#"{{"lpmon":1,"vid":"{vid}","sid":"{sid}","started":{started},"last":{last}}}"#)
}

/// An output as one short line.
pub fn line(o: &Output) -> String {
    match o {
        Output::Send { id, req } => format!(
            "send {id} {}{}",
            req.url.strip_prefix(API).unwrap_or(&req.url),
            if req.keepalive { " keepalive" } else { "" }
        ),
        Output::Fire(req) => format!("fire {}", req.url.strip_prefix(API).unwrap_or(&req.url)),
        Output::Write { key, .. } => format!("write {key}"),
        Output::Remove { key } => format!("remove {key}"),
        Output::RemoveAll { prefix } => format!("remove all {prefix}"),
        Output::SetTimer { id, ms } => format!("timer {id} {ms}"),
        Output::ClearTimer { id } => format!("clear {id}"),
        Output::Lock { id, name } => format!("lock {id} {name}"),
        Output::Release { id } => format!("release {id}"),
        Output::HoldForPage { name } => format!("hold {name}"),
        Output::List { prefix } => format!("list {prefix}"),
        Output::QueryLocks { id } => format!("held? {id}"),
        Output::Resolve { call, value } => format!("resolve {call} {}", value.to_text()),
        Output::Reject { call, error } => format!("reject {call} {}", err(error)),
        Output::Emit { name, data, .. } => format!("emit {name} {data}"),
    }
}

fn err(e: &Error) -> String {
    match e {
        Error::Queued(inner) => format!("queued {}", err(inner)),
        Error::Http {
            status,
            internal_code,
            ..
        } => format!(
            "http {status}{}",
            internal_code.map(|c| format!("/{c}")).unwrap_or_default()
        ),
        other => other.kind().to_string(),
    }
}

/// The invariant "every input has a test", checked on the sources: each `Input` variant is fed,
/// and each `Output` variant is expected (by its rendered line), by at least one script outside
/// this file's helpers. A variant added without a script fails here.
#[test]
fn every_input_is_fed_and_every_output_expected_by_a_script() {
    let machine = include_str!("../mod.rs");
    let helpers = include_str!("mod.rs");
    let scripts = [
        include_str!("calls.rs"),
        include_str!("combine.rs"),
        include_str!("consent.rs"),
        include_str!("queue.rs"),
        include_str!("sessions.rs"),
    ]
    .concat();
    for v in variants(machine, "pub enum Input {") {
        let direct = format!("Input::{v}");
        let covered = scripts.contains(&direct)
            || helpers_using(helpers, &direct).iter().any(|f| {
                scripts.contains(&format!(".{f}(")) || scripts.contains(&format!(" {f}("))
            });
        assert!(covered, "no script feeds Input::{v}");
    }
    // `line` renders each output as `"<prefix>…"`; a script expects it by that prefix.
    let rendered = helpers
        .split("pub fn line(")
        .nth(1)
        .unwrap()
        .split("\n}\n")
        .next()
        .unwrap();
    let mut prefixes: Vec<(String, String)> = Vec::new();
    for arm in rendered.split("Output::").skip(1) {
        let v = arm.split(|c: char| !c.is_alphanumeric()).next().unwrap();
        let p = arm
            .split("format!(")
            .nth(1)
            .unwrap()
            .split('"')
            .nth(1)
            .unwrap()
            .split('{')
            .next()
            .unwrap();
        prefixes.push((v.to_string(), p.to_string()));
    }
    let outputs = variants(machine, "pub enum Output {");
    assert_eq!(prefixes.len(), outputs.len(), "`line` renders every output");
    for (v, p) in &prefixes {
        // A longer prefix that starts with this one ("remove all " vs "remove ") is not a match.
        let longer: Vec<&str> = prefixes
            .iter()
            .map(|(_, q)| q.as_str())
            .filter(|q| q.len() > p.len() && q.starts_with(p.as_str()))
            .collect();
        let needle = format!("\"{p}");
        let found = scripts.match_indices(&needle).any(|(i, _)| {
            let rest = &scripts[i + 1..];
            !longer.iter().any(|q| rest.starts_with(q))
        });
        assert!(found, "no script expects Output::{v} (`{p}…`)");
    }
}

/// The variant names of the enum whose declaration starts with `head` in `src`.
pub fn variants(src: &str, head: &str) -> Vec<String> {
    let body = src
        .split(head)
        .nth(1)
        .unwrap()
        .split("\n}\n")
        .next()
        .unwrap();
    body.lines()
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .map(str::trim)
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(|l| {
            l.split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The helper functions of `src` whose bodies contain `needle`.
pub fn helpers_using(src: &str, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in src.match_indices(needle) {
        if let Some(at) = src[..i].rfind("fn ") {
            let name: String = src[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
