//! The durable report queue: every `report` is written to storage before it is sent (one key per
//! report, so adding or removing one never rewrites the others), delivered one request at a time
//! in call order, and removed once the server accepted it or refused it for good. Reports left
//! behind by a page that died are picked up by the next page view of the site.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ids::is_server_id;
use crate::core::json::{uint_text, Json, Writer};
use crate::core::text::concat;

/// At most this many reports wait in storage; the oldest go first when it is full.
pub const MAX_ENTRIES: usize = 1000;
/// At most this many bytes of report bodies wait in storage.
pub const MAX_BYTES: usize = 1 << 20;
/// Bodies sent with `keepalive` at page hide stay under the 64 KiB browsers allow in flight.
pub const KEEPALIVE_BUDGET: usize = 60 * 1024;
/// At most this many reports share one request. Its answer settles every one of them in one task:
/// a few hundred at once made a page's task run 80 ms in the bench's flood (10,000 reports, 500 at
/// a time); 25 keeps each answer's work short and 100 reports made at once within 5 requests.
pub const MAX_TOGETHER: usize = 25;
/// A report whose retries ran out this many times (page views or online events) is given up.
pub const MAX_CYCLES: u32 = 3;
/// A report older than a day is given up.
pub const MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;

/// One stored report.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The page instance that queued it (or adopted it).
    pub tab: String,
    /// When it was queued.
    pub at: u64,
    /// How many times its retries ran out.
    pub cycles: u32,
    /// The session its impression events belong to, if it has any.
    pub sid: Option<String>,
    /// The validated report body (without ids: they are added when it is sent).
    pub body: Json,
}

impl Entry {
    /// The stored JSON text.
    pub fn encode(&self) -> String {
        let mut w = Writer::object();
        w.uint("lpmon", 1)
            .str("tab", &self.tab)
            .uint("at", self.at)
            .uint("cycles", u64::from(self.cycles));
        if let Some(sid) = &self.sid {
            w.str("sid", sid);
        }
        w.value("body", &self.body);
        w.finish()
    }

    /// Reads a stored entry; anything malformed is None (and gets removed by the caller).
    pub fn decode(text: &str) -> Option<Entry> {
        let mut v = Json::parse(text).ok()?;
        if v.get("lpmon").and_then(Json::as_i64) != Some(1) {
            return None;
        }
        let tab = v
            .get("tab")
            .and_then(Json::as_str)
            .filter(|t| is_server_id(t))?
            .into();
        let at = v.get("at").and_then(Json::as_i64).filter(|n| *n >= 0)? as u64;
        let cycles = v
            .get("cycles")
            .and_then(Json::as_i64)
            .filter(|n| (0..1000).contains(n))? as u32;
        let sid = v
            .get("sid")
            .and_then(Json::as_str)
            .filter(|s| is_server_id(s))
            .map(String::from);
        let body = v.take("body").filter(|b| {
            b.get("engagementAttributes")
                .and_then(Json::as_arr)
                .is_some()
        })?;
        Some(Entry {
            tab,
            at,
            cycles,
            sid,
            body,
        })
    }
}

/// The storage key prefix of the queue of one account + app.
pub fn prefix(state_key: &str) -> String {
    concat(&[state_key, ":q:"])
}

/// A key that sorts in queue order: time, then a per-page sequence number, then the page.
pub fn entry_key(prefix: &str, at: u64, seq: u64, tab: &str) -> String {
    concat(&[prefix, &padded(at, 14), "-", &padded(seq, 8), "-", tab])
}

fn padded(n: u64, width: usize) -> String {
    let digits = uint_text(n);
    let mut out = String::with_capacity(width);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
    out
}

/// Where a queued report stands in this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting for the reports queued before it.
    Waiting,
    /// Being sent, or pausing between retries.
    Sending,
    /// Retries ran out without an answer: kept in storage for the next chance.
    Parked,
    /// Handed to the browser with keepalive when the page was hidden.
    Flushed,
    /// Pushed out by newer reports while the queue was full.
    Dropped,
}

/// A report this page knows about.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Its storage key.
    pub key: String,
    /// Size of its stored text.
    pub bytes: usize,
    /// Where it stands.
    pub state: State,
    /// Failed attempts so far in this page (a report that failed is not flushed at page hide:
    /// the server is in trouble, the next page view retries it).
    pub failures: u32,
    /// For `Flushed`: the result to resolve its caller with (the ids it was sent with).
    pub flushed: Option<Json>,
    /// False while it is only in memory: a report that goes out at once is written to storage
    /// only when its first attempt fails.
    pub stored: bool,
    /// The report itself.
    pub entry: Entry,
}

impl Slot {
    fn active(&self) -> bool {
        matches!(self.state, State::Waiting | State::Sending)
    }
}

/// The queue of one account + app in one page.
#[derive(Default)]
pub struct Queue {
    slots: Vec<Slot>,
    seq: u64,
}

impl Queue {
    /// The next sequence number for a new key.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Adds a slot at the end; returns the keys of the oldest waiting or parked slots pushed out
    /// to keep within [`MAX_ENTRIES`] and [`MAX_BYTES`] (their storage must be removed).
    pub fn push(&mut self, key: String, entry: Entry, bytes: usize, stored: bool) -> Vec<String> {
        let slots = &mut self.slots;
        slots.retain(|s| s.state != State::Dropped && s.state != State::Flushed);
        slots.push(Slot {
            key,
            bytes,
            state: State::Waiting,
            failures: 0,
            flushed: None,
            stored,
            entry,
        });
        let mut dropped = Vec::new();
        loop {
            let (count, total) = slots
                .iter()
                .filter(|s| matches!(s.state, State::Waiting | State::Parked | State::Sending))
                .fold((0, 0), |(n, b), s| (n + 1, b + s.bytes));
            if count <= MAX_ENTRIES && total <= MAX_BYTES {
                break;
            }
            // The oldest slot that is not on the wire right now.
            let Some(victim) = slots
                .iter_mut()
                .find(|s| matches!(s.state, State::Waiting | State::Parked))
            else {
                break;
            };
            victim.state = State::Dropped;
            dropped.push(victim.key.clone());
        }
        dropped
    }

    /// The slot under `key`, if there is one.
    pub fn get(&mut self, key: &str) -> Option<&mut Slot> {
        self.slots.iter_mut().find(|s| s.key == key)
    }

    /// The keys of the slots that `pick` chooses, oldest first.
    fn keys(&self, pick: impl Fn(&Slot) -> bool) -> Vec<String> {
        self.slots
            .iter()
            .filter(|s| pick(s))
            .map(|s| s.key.clone())
            .collect()
    }

    /// The slots in queue order, to change.
    pub fn slots_mut(&mut self) -> &mut [Slot] {
        &mut self.slots
    }

    /// The state of the slot under `key` (None once it is gone).
    pub fn state(&mut self, key: &str) -> Option<State> {
        self.get(key).map(|s| s.state)
    }

    /// True when no active slot is ahead of `key`.
    pub fn is_turn(&self, key: &str) -> bool {
        self.slots
            .iter()
            .find(|s| s.active())
            .is_some_and(|s| s.key == key)
    }

    /// Changes the state of `key`.
    pub fn set(&mut self, key: &str, state: State) {
        if let Some(s) = self.get(key) {
            s.state = state;
        }
    }

    /// Counts a failed attempt of `key`; hands back its text when it is not in storage yet (the
    /// caller writes it: from now on it must survive the page).
    pub fn failed(&mut self, key: &str) -> Option<String> {
        let s = self.get(key)?;
        s.failures += 1;
        (!::core::mem::replace(&mut s.stored, true)).then(|| s.entry.encode())
    }

    /// True when nothing is being sent or waiting: a new report goes out at once.
    pub fn idle(&self) -> bool {
        !self.slots.iter().any(Slot::active)
    }

    /// True when `key` is in storage (not only in memory).
    pub fn stored(&mut self, key: &str) -> bool {
        self.get(key).map_or(true, |s| s.stored)
    }

    /// Forgets every report but those under `keys` (the queue ends: consent withdrawn, reset).
    pub fn keep_only(&mut self, keys: &[String]) {
        self.slots.retain(|s| keys.contains(&s.key));
    }

    /// Forgets `key` (delivered, refused or given up).
    pub fn remove(&mut self, key: &str) {
        self.slots.retain(|s| s.key != key);
    }

    /// Keys of parked slots, oldest first.
    pub fn parked(&self) -> Vec<String> {
        self.keys(|s| s.state == State::Parked)
    }

    /// True when this page already tracks `key`.
    pub fn knows(&self, key: &str) -> bool {
        self.slots.iter().any(|s| s.key == key)
    }

    /// At page hide: the waiting slots that have never failed, oldest first, within the keepalive
    /// budget (minus what is already on the wire).
    pub fn flushable(&self) -> Vec<String> {
        let mut budget = KEEPALIVE_BUDGET.saturating_sub(
            self.slots
                .iter()
                .filter(|s| s.state == State::Sending && s.failures == 0)
                .map(|s| s.bytes)
                .sum(),
        );
        let mut out = Vec::new();
        for s in self
            .slots
            .iter()
            .filter(|s| s.state == State::Waiting && s.failures == 0)
        {
            if s.bytes > budget {
                break;
            }
            budget -= s.bytes;
            out.push(s.key.clone());
        }
        out
    }

    /// Page hide: the reports on the wire for the first time (their request carries keepalive)
    /// are the browser's to deliver. They count as stored from now on, so a failure the unloading
    /// page still hears of cannot write them back for the next page to send again. Returns those
    /// that really are in storage (the caller removes them).
    pub fn hand_over_in_flight(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for s in self
            .slots
            .iter_mut()
            .filter(|s| s.state == State::Sending && s.failures == 0)
        {
            if ::core::mem::replace(&mut s.stored, true) {
                out.push(s.key.clone());
            }
        }
        out
    }

    /// Marks `key` flushed with the result its caller gets.
    pub fn flushed(&mut self, key: &str, result: Json) {
        if let Some(s) = self.get(key) {
            s.state = State::Flushed;
            s.flushed = Some(result);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            tab: "t1".into(),
            at: 5,
            cycles: 1,
            sid: Some("S1".into()),
            body: Json::parse(
                r#"{"engagementAttributes":[{"type":"searchInfo","keywords":["a"]}]}"#,
            )
            .unwrap(),
        }
    }

    #[test]
    fn entries_round_trip_and_reject_junk() {
        assert_eq!(
            entry().encode(),
            r#"{"lpmon":1,"tab":"t1","at":5,"cycles":1,"sid":"S1","body":{"engagementAttributes":[{"type":"searchInfo","keywords":["a"]}]}}"#
        );
        let no_sid = Entry {
            sid: None,
            ..entry()
        };
        assert_eq!(Entry::decode(&no_sid.encode()), Some(no_sid));
        assert_eq!(Entry::decode(&entry().encode()), Some(entry()));
        for bad in [
            "",
            "{}",
            r#"{"lpmon":1,"tab":"t","at":1,"cycles":0,"body":{}}"#,
            r#"{"lpmon":1,"tab":"a/b","at":1,"cycles":0,"body":{"engagementAttributes":[]}}"#,
        ] {
            assert_eq!(Entry::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_sort_in_queue_order() {
        let p = prefix("lpmon:1:a");
        assert_eq!(p, "lpmon:1:a:q:");
        let a = entry_key(&p, 1_700_000_000_000, 9, "zz");
        let b = entry_key(&p, 1_700_000_000_000, 10, "aa");
        let c = entry_key(&p, 1_700_000_000_001, 1, "aa");
        assert_eq!(a, "lpmon:1:a:q:01700000000000-00000009-zz");
        assert!(a < b && b < c);
    }

    /// Pushes a report of `bytes` bytes in state `state`.
    fn put(q: &mut Queue, key: &str, bytes: usize, state: State) -> Vec<String> {
        let dropped = q.push(key.into(), entry(), bytes, true);
        q.set(key, state);
        dropped
    }

    #[test]
    fn turns_follow_call_order() {
        let mut q = Queue::default();
        put(&mut q, "a", 1, State::Waiting);
        put(&mut q, "b", 1, State::Waiting);
        assert!(q.is_turn("a") && !q.is_turn("b"));
        q.set("a", State::Sending);
        assert!(q.is_turn("a"));
        q.remove("a");
        assert!(q.is_turn("b"));
        q.set("b", State::Parked);
        assert!(!q.is_turn("b"));
        assert_eq!(q.parked(), vec!["b".to_string()]);
    }

    #[test]
    fn full_queue_drops_the_oldest_not_the_one_on_the_wire() {
        let mut q = Queue::default();
        put(&mut q, "wire", MAX_BYTES / 2, State::Sending);
        put(&mut q, "old", MAX_BYTES / 4, State::Waiting);
        let dropped = put(&mut q, "new", MAX_BYTES / 2, State::Waiting);
        assert_eq!(dropped, vec!["old".to_string()]);
        assert_eq!(q.state("old"), Some(State::Dropped));
        assert_eq!(q.state("wire"), Some(State::Sending));
        let pushed_out: Vec<String> = (0..MAX_ENTRIES - 1)
            .flat_map(|i| put(&mut q, &i.to_string(), 1, State::Waiting))
            .collect();
        assert_eq!(pushed_out, vec!["new".to_string()], "count bound too");
    }

    #[test]
    fn flush_respects_the_keepalive_budget_and_skips_failed_reports() {
        let mut q = Queue::default();
        put(&mut q, "sending", 20 * 1024, State::Sending);
        put(&mut q, "failed", 10, State::Waiting);
        q.failed("failed");
        put(&mut q, "a", 30 * 1024, State::Waiting);
        put(&mut q, "b", 20 * 1024, State::Waiting);
        assert_eq!(q.flushable(), vec!["a".to_string()]);
        assert_eq!(q.hand_over_in_flight(), vec!["sending".to_string()]);
    }

    #[test]
    fn an_unstored_report_is_written_once_on_its_first_failure() {
        let mut q = Queue::default();
        q.push("k".into(), entry(), 10, false);
        assert!(!q.stored("k"));
        assert_eq!(q.failed("k"), Some(entry().encode()));
        assert_eq!(q.failed("k"), None);
        assert!(q.stored("k"));
    }
}
