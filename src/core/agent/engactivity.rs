//! Engagement Activity (seed 002, the legacy chat "engactivity" metrics): the request's rules,
//! its query, the 5-minute bucket arithmetic, and the typed answer in all of its shapes.
//!
//! `GET https://{leDataReporting}/operations/api/account/{accountId}/engactivity
//! ?timeframe=&v=1&skillIds=&agentIds=&interval=`. The server aggregates events into 5-minute
//! buckets, so the data covers more than the requested time frame: [`window`] says exactly what.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::text::concat;

use alloc::collections::BTreeMap;

use crate::core::agent::maybe::{wire_struct, UnknownMembers};
use crate::core::agent::value::Unknown;
use crate::core::agent::wire::{is_camel, members, within, Field, FromWire, Shape, Shaped, Why};
use crate::core::error::Error;
use crate::core::json::{uint_text, Json};

/// Longest time frame: 24 hours.
pub const MAX_TIMEFRAME_MINUTES: u32 = 1440;
/// Shortest interval.
pub const MIN_INTERVAL_MINUTES: u32 = 5;
/// The server's aggregation bucket.
pub const BUCKET_MS: u64 = 5 * 60_000;
/// Largest id a JS number holds exactly.
const MAX_SAFE_ID: i64 = (1 << 53) - 1;
/// Most ids one request may name (a URL has to stay a reasonable size).
const MAX_IDS: usize = 500;

/// Which skills or agents: every one with data in the period, or the listed ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `all`.
    All,
    /// A comma list of ids.
    Ids(Vec<u64>),
}

/// A checked `engagementActivity` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Minutes back from now, 1 to 1440.
    pub timeframe: u32,
    /// Minutes per interval: at least 5, at most `timeframe`, and a divisor of it.
    pub interval: Option<u32>,
    /// Group by these skills (per agent within each).
    pub skill_ids: Option<Selection>,
    /// Group by these agents.
    pub agent_ids: Option<Selection>,
}

impl ActivityQuery {
    /// Reads `{timeframe, interval?, skillIds?, agentIds?}` and applies the seed's rules, so a
    /// request the server would refuse is refused before it is sent.
    pub fn from_json(v: &Json) -> Result<ActivityQuery, Error> {
        if v.as_obj().is_none() {
            return Err(Error::invalid(&[
                "engagementActivity needs { timeframe, interval?, skillIds?, agentIds? }",
            ]));
        }
        let timeframe = match v.get("timeframe").map(|t| (t, t.as_i64())) {
            None | Some((Json::Null, _)) => {
                return Err(Error::invalid(&[
                    "timeframe (minutes, 1 to 1440) is required",
                ]))
            }
            Some((_, Some(n))) if (1..=i64::from(MAX_TIMEFRAME_MINUTES)).contains(&n) => n as u32,
            Some(_) => {
                return Err(Error::invalid(&[
                    "timeframe must be a whole number of minutes from 1 to 1440",
                ]))
            }
        };
        let interval = match v.get("interval") {
            None | Some(Json::Null) => None,
            Some(i) => match i.as_i64() {
                Some(n) if n < i64::from(MIN_INTERVAL_MINUTES) => {
                    return Err(Error::invalid(&["interval must be at least 5 minutes"]))
                }
                Some(n) if n > i64::from(timeframe) => {
                    return Err(Error::invalid(&[
                        "interval must not be longer than timeframe",
                    ]))
                }
                Some(n) if i64::from(timeframe) % n != 0 => {
                    return Err(Error::invalid(&[
                        "interval must divide timeframe (e.g. timeframe 60 with interval 5, 10, 15, 20, 30 or 60)",
                    ]))
                }
                Some(n) => Some(n as u32),
                None => {
                    return Err(Error::invalid(&[
                        "interval must be a whole number of minutes",
                    ]))
                }
            },
        };
        Ok(ActivityQuery {
            timeframe,
            interval,
            skill_ids: selection(v, "skillIds")?,
            agent_ids: selection(v, "agentIds")?,
        })
    }

    /// The path and query after the origin, parameters in the seed's order.
    pub fn path_and_query(&self, account_id: &str) -> String {
        let mut out = concat(&[
            "/operations/api/account/",
            account_id,
            "/engactivity?timeframe=",
            &uint_text(u64::from(self.timeframe)),
            "&v=1",
        ]);
        for (name, sel) in [
            ("&skillIds=", &self.skill_ids),
            ("&agentIds=", &self.agent_ids),
        ] {
            if let Some(sel) = sel {
                out.push_str(name);
                match sel {
                    Selection::All => out.push_str("all"),
                    Selection::Ids(ids) => {
                        for (i, id) in ids.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            out.push_str(&uint_text(*id));
                        }
                    }
                }
            }
        }
        if let Some(i) = self.interval {
            out.push_str("&interval=");
            out.push_str(&uint_text(u64::from(i)));
        }
        out
    }
}

fn selection(v: &Json, key: &str) -> Result<Option<Selection>, Error> {
    let bad = || {
        Error::invalid(&[
            key,
            " must be 'all' or a non-empty array of positive integer ids",
        ])
    };
    match v.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) if s == "all" => Ok(Some(Selection::All)),
        Some(Json::Arr(items)) if !items.is_empty() && items.len() <= MAX_IDS => items
            .iter()
            .map(|id| match id.as_i64() {
                Some(n) if (1..=MAX_SAFE_ID).contains(&n) => Ok(n as u64),
                _ => Err(bad()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|ids| Some(Selection::Ids(ids))),
        Some(_) => Err(bad()),
    }
}

/// The time a request really covers, by the 5-minute bucket rule of the seed: the oldest bucket
/// starts at `now - timeframe` rounded down to 5 minutes, the newest ends at `now` rounded up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityWindow {
    /// Start of the data (ms since the epoch): the start of the oldest bucket.
    pub from: u64,
    /// End of the data: now.
    pub to: u64,
    /// End of the newest bucket (now rounded up to 5 minutes): the newest interval's timestamp.
    pub last_bucket_end: u64,
    /// How many 5-minute buckets are aggregated.
    pub buckets: u64,
    /// With an interval: each interval of `metricsByIntervals`, newest first as the server lists
    /// them. `timestamp` is what the answer carries (the interval's end); `from`/`to` is the
    /// time it really covers (the newest stops at now, the oldest holds the remainder).
    pub intervals: Vec<IntervalWindow>,
}

/// One interval of an [`ActivityWindow`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalWindow {
    /// The interval's `timestamp` in the answer: its end, on a 5-minute boundary.
    pub timestamp: u64,
    /// First moment covered.
    pub from: u64,
    /// Last moment covered.
    pub to: u64,
}

impl ActivityWindow {
    /// The window as the JSON object `activityWindow` returns (the `ActivityWindow` type of the
    /// `.d.ts`), written by the core's JSON writer.
    pub fn to_json(&self) -> Json {
        let mut w = Json::Obj(Vec::new());
        w.set("from", Json::uint(self.from));
        w.set("to", Json::uint(self.to));
        w.set("lastBucketEnd", Json::uint(self.last_bucket_end));
        w.set("buckets", Json::uint(self.buckets));
        let intervals = self.intervals.iter().map(|i| {
            let mut o = Json::Obj(Vec::new());
            o.set("timestamp", Json::uint(i.timestamp));
            o.set("from", Json::uint(i.from));
            o.set("to", Json::uint(i.to));
            o
        });
        w.set("intervals", Json::Arr(intervals.collect()));
        w
    }
}

/// The window a request with `timeframe` (and `interval`) minutes covers when sent at `now_ms`.
pub fn window(timeframe: u32, interval: Option<u32>, now_ms: u64) -> ActivityWindow {
    let last_bucket_end = (now_ms / BUCKET_MS + 1) * BUCKET_MS;
    let from = now_ms.saturating_sub(u64::from(timeframe) * 60_000) / BUCKET_MS * BUCKET_MS;
    let mut intervals = Vec::new();
    if let Some(step) = interval.map(|i| u64::from(i) * 60_000).filter(|s| *s > 0) {
        let mut end = last_bucket_end;
        while end > from {
            intervals.push(IntervalWindow {
                timestamp: end,
                from: end.saturating_sub(step).max(from),
                to: end.min(now_ms),
            });
            end = end.saturating_sub(step);
        }
    }
    ActivityWindow {
        from,
        to: now_ms,
        last_bucket_end,
        buckets: (last_bucket_end - from) / BUCKET_MS,
        intervals,
    }
}

/// The five metrics, in every place the answer has them. A metric the server leaves out reads
/// as 0 (the API documents zeroes for "no data").
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    any(test, feature = "serde"),
    derive(serde::Serialize, serde::Deserialize)
)]
#[cfg_attr(any(test, feature = "serde"), serde(default, rename_all = "camelCase"))]
pub struct Metrics {
    /// Interactive chats closed in the period.
    pub total_interactive_chats: i64,
    /// Non-interactive chats closed (abandoned ones included).
    pub total_non_interactive_chats: i64,
    /// Seconds spent handling the interactive chats.
    pub total_handling_time: i64,
    /// Seconds spent handling the non-interactive chats.
    pub non_interactive_total_handling_time: i64,
    /// Chats connected to an agent.
    pub connected_engagements: i64,
    /// Members this version of lpmon does not know, kept as they came.
    #[cfg_attr(any(test, feature = "serde"), serde(flatten))]
    pub unknown: Unknown,
}

/// The five metrics, in the order of [`Metrics`]' fields.
const METRICS: [&str; 5] = [
    "total_interactive_chats",
    "total_non_interactive_chats",
    "total_handling_time",
    "non_interactive_total_handling_time",
    "connected_engagements",
];

impl Shaped for Metrics {
    const SHAPE: &'static Shape = &Shape::Obj(&[
        metric(METRICS[0]),
        metric(METRICS[1]),
        metric(METRICS[2]),
        metric(METRICS[3]),
        metric(METRICS[4]),
    ]);
}

/// A metric member: an integer, never `null`.
const fn metric(field: &'static str) -> Field {
    Field {
        field,
        wire: None,
        shape: &Shape::Int,
    }
}

impl FromWire for Metrics {
    fn from_wire(v: &Json) -> Result<Metrics, Why> {
        let mut m = Metrics::default();
        for (key, value) in members(v)? {
            let slot = match key.as_str() {
                k if is_camel(k, METRICS[0]) => &mut m.total_interactive_chats,
                k if is_camel(k, METRICS[1]) => &mut m.total_non_interactive_chats,
                k if is_camel(k, METRICS[2]) => &mut m.total_handling_time,
                k if is_camel(k, METRICS[3]) => &mut m.non_interactive_total_handling_time,
                k if is_camel(k, METRICS[4]) => &mut m.connected_engagements,
                _ => {
                    m.unknown.insert(key.clone(), value.clone());
                    continue;
                }
            };
            *slot = i64::from_wire(value).map_err(|why| within(key, why))?;
        }
        Ok(m)
    }
}

impl UnknownMembers for Metrics {
    fn collect_unknown(&self, path: &mut String, out: &mut Vec<String>) {
        for key in self.unknown.keys() {
            out.push(concat(&[path.as_str(), ".", key]));
        }
    }
}

/// Metrics per id (skill or agent ids, as the JSON object keys).
pub type ById<T> = BTreeMap<String, T>;

wire_struct! {
    /// The answer. Which members are there depends on the request: `metricsTotals` alone at the
    /// account level (no ids), `skillsMetricsPerAgent` with skill ids, `agentsMetrics` with agent
    /// ids, and `metricsByIntervals` (newest first) with an interval.
    pub struct EngagementActivity {
        /// One entry per interval, when an interval was requested.
        metrics_by_intervals: Vec<IntervalMetrics>,
        /// Per skill, and per agent within each skill.
        skills_metrics_per_agent: SkillsMetrics,
        /// Per agent.
        agents_metrics: AgentsMetrics,
        /// Account totals (requests without skill and agent ids).
        metrics_totals: Metrics,
    }
}

wire_struct! {
    /// One interval of `metricsByIntervals`.
    pub struct IntervalMetrics {
        /// End of the interval (ms since the epoch, on a 5-minute boundary).
        timestamp: i64,
        /// The interval's data, in the same shape as the whole answer.
        metrics_data: MetricsData,
    }
}

wire_struct! {
    /// The data of one interval.
    pub struct MetricsData {
        /// Per skill, and per agent within each skill.
        skills_metrics_per_agent: SkillsMetrics,
        /// Per agent.
        agents_metrics: AgentsMetrics,
        /// Account totals.
        metrics_totals: Metrics,
    }
}

wire_struct! {
    /// Per skill: skills without data are left out; the totals always have every metric.
    pub struct SkillsMetrics {
        /// By skill id.
        metrics_per_skill: ById<SkillMetrics>,
        /// Totals of the requested skills.
        metrics_totals: Metrics,
    }
}

wire_struct! {
    /// One skill: its agents and its totals.
    pub struct SkillMetrics {
        /// By agent id.
        metrics_per_agent: ById<Metrics>,
        /// Totals of the skill.
        metrics_totals: Metrics,
    }
}

wire_struct! {
    /// Per agent: agents without data are left out; the totals always have every metric.
    pub struct AgentsMetrics {
        /// By agent id.
        metrics_per_agent: ById<Metrics>,
        /// Totals of the requested agents.
        metrics_totals: Metrics,
    }
}

impl EngagementActivity {
    /// The totals of the whole time frame, whichever element carries them (account, skills,
    /// then agents).
    pub fn totals(&self) -> Option<&Metrics> {
        self.metrics_totals
            .get()
            .or_else(|| {
                self.skills_metrics_per_agent
                    .get()
                    .and_then(|s| s.metrics_totals.get())
            })
            .or_else(|| {
                self.agents_metrics
                    .get()
                    .and_then(|a| a.metrics_totals.get())
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(super) mod tests {
    use super::*;
    use serde_json::Value;

    /// The seeds' Engagement Activity answers (also checked against serde in `machine_tests`).
    pub(in crate::core::agent) const FIXTURES: [(&str, &str); 7] = [
        ("skill_2", include_str!("fixtures/engactivity_skill_2.json")),
        (
            "skills_all_agent_3",
            include_str!("fixtures/engactivity_skills_all_agent_3.json"),
        ),
        (
            "account_totals",
            include_str!("fixtures/engactivity_account_totals.json"),
        ),
        (
            "no_data",
            include_str!("fixtures/engactivity_no_data_skill_and_agent.json"),
        ),
        (
            "agent_2_intervals",
            include_str!("fixtures/engactivity_agent_2_intervals.json"),
        ),
        (
            "skill_no_data_intervals",
            include_str!("fixtures/engactivity_skill_no_data_intervals.json"),
        ),
        (
            "account_intervals",
            include_str!("fixtures/engactivity_account_intervals.json"),
        ),
    ];

    fn parse(name: &str) -> EngagementActivity {
        let text = FIXTURES.iter().find(|(n, _)| *n == name).unwrap().1;
        serde_json::from_str(text).unwrap()
    }

    fn metrics(values: [i64; 5]) -> Metrics {
        Metrics {
            total_interactive_chats: values[0],
            total_non_interactive_chats: values[1],
            total_handling_time: values[2],
            non_interactive_total_handling_time: values[3],
            connected_engagements: values[4],
            unknown: Unknown::new(),
        }
    }

    #[test]
    fn every_seed_example_round_trips_with_nothing_unknown() {
        for (name, text) in FIXTURES {
            let typed: EngagementActivity = serde_json::from_str(text).unwrap();
            assert_eq!(
                serde_json::to_value(&typed).unwrap(),
                serde_json::from_str::<Value>(text).unwrap(),
                "{name}"
            );
            assert!(
                typed.unknown_members().is_empty(),
                "{name}: {:?}",
                typed.unknown_members()
            );
            assert!(typed.totals().is_some(), "{name} has totals");
        }
    }

    #[test]
    fn per_skill_per_agent() {
        let a = parse("skill_2");
        let skills = a.skills_metrics_per_agent.get().unwrap();
        let skill = skills.metrics_per_skill.get().unwrap()["2"].clone();
        assert_eq!(
            skill.metrics_per_agent.get().unwrap()["3"],
            metrics([1, 1, 12, 5, 2])
        );
        assert_eq!(
            skill.metrics_totals.get().unwrap(),
            &metrics([1, 1, 12, 5, 2])
        );
        assert!(a.agents_metrics.is_absent() && a.metrics_totals.is_absent());

        let b = parse("skills_all_agent_3");
        assert_eq!(
            b.agents_metrics
                .get()
                .unwrap()
                .metrics_per_agent
                .get()
                .unwrap()["3"],
            metrics([1, 2, 12, 13, 3])
        );
        assert_eq!(b.totals(), Some(&metrics([1, 2, 12, 13, 3])));
    }

    #[test]
    fn account_totals_and_empty_results() {
        assert_eq!(
            parse("account_totals").totals(),
            Some(&metrics([1, 2, 12, 13, 3]))
        );
        let empty = parse("no_data");
        let skills = empty.skills_metrics_per_agent.get().unwrap();
        assert!(skills.metrics_per_skill.get().unwrap().is_empty());
        assert_eq!(skills.metrics_totals.get().unwrap(), &Metrics::default());
        let agents = empty.agents_metrics.get().unwrap();
        assert!(agents.metrics_per_agent.get().unwrap().is_empty());
        assert_eq!(agents.metrics_totals.get().unwrap(), &Metrics::default());
    }

    #[test]
    fn intervals_newest_first_with_timestamps() {
        for name in [
            "agent_2_intervals",
            "skill_no_data_intervals",
            "account_intervals",
        ] {
            let a = parse(name);
            let intervals = a.metrics_by_intervals.get().unwrap();
            let stamps: Vec<i64> = intervals
                .iter()
                .map(|i| *i.timestamp.get().unwrap())
                .collect();
            assert_eq!(
                stamps,
                [1_412_680_800_000, 1_412_644_800_000, 1_412_608_800_000],
                "{name}"
            );
            // 1200 minutes in 600-minute intervals: each 600 minutes apart, on 5-minute boundaries.
            assert!(stamps.windows(2).all(|w| w[0] - w[1] == 600 * 60_000));
            assert!(stamps.iter().all(|s| s % BUCKET_MS as i64 == 0));
        }
        let a = parse("agent_2_intervals");
        let first = a.metrics_by_intervals.get().unwrap()[0]
            .metrics_data
            .get()
            .unwrap();
        assert_eq!(
            first
                .agents_metrics
                .get()
                .unwrap()
                .metrics_per_agent
                .get()
                .unwrap()["2"],
            metrics([1, 2, 12, 13, 3])
        );
        let a = parse("account_intervals");
        let last = a.metrics_by_intervals.get().unwrap()[2]
            .metrics_data
            .get()
            .unwrap();
        assert_eq!(last.metrics_totals.get().unwrap(), &Metrics::default());
    }

    #[test]
    fn missing_metrics_read_as_zero_and_unknown_ones_are_kept() {
        let a: EngagementActivity = serde_json::from_str(
            r#"{"metricsTotals":{"connectedEngagements":4,"avgWaitTime":9.5},"queueHealth":{}}"#,
        )
        .unwrap();
        let t = a.totals().unwrap();
        assert_eq!((t.connected_engagements, t.total_handling_time), (4, 0));
        assert_eq!(
            a.unknown_members(),
            [".queueHealth", ".metrics_totals.avgWaitTime"]
        );
    }

    fn query(text: &str) -> Result<ActivityQuery, Error> {
        ActivityQuery::from_json(&Json::parse(text).unwrap())
    }

    #[test]
    fn query_in_the_seed_order() {
        let q = query(r#"{"timeframe":60,"skillIds":[4,15,3],"agentIds":"all","interval":30}"#)
            .unwrap();
        assert_eq!(
            q.path_and_query("12345678"),
            "/operations/api/account/12345678/engactivity?timeframe=60&v=1&skillIds=4,15,3&agentIds=all&interval=30"
        );
        let bare = query(r#"{"timeframe":1440,"interval":null,"skillIds":null}"#).unwrap();
        assert_eq!(
            bare.path_and_query("1"),
            "/operations/api/account/1/engactivity?timeframe=1440&v=1"
        );
        let agents = query(r#"{"timeframe":7,"agentIds":[3]}"#).unwrap();
        assert_eq!(
            agents.path_and_query("1"),
            "/operations/api/account/1/engactivity?timeframe=7&v=1&agentIds=3"
        );
    }

    #[test]
    fn the_seed_rules_are_enforced_before_sending() {
        assert!(query(r#"{"timeframe":60,"interval":30}"#).is_ok());
        assert!(query(r#"{"timeframe":5,"interval":5}"#).is_ok());
        for (bad, says) in [
            (r#"{"timeframe":60,"interval":61}"#, "not be longer"),
            (r#"{"timeframe":60,"interval":31}"#, "divide"),
            (r#"{"timeframe":60,"interval":4}"#, "at least 5"),
            (r#"{"timeframe":60,"interval":"30"}"#, "whole number"),
            (r#"{"timeframe":0}"#, "1 to 1440"),
            (r#"{"timeframe":1441}"#, "1 to 1440"),
            (r#"{"timeframe":7.5}"#, "1 to 1440"),
            (r#"{"timeframe":"60"}"#, "1 to 1440"),
            (r#"{}"#, "is required"),
            ("[]", "needs"),
            (r#"{"timeframe":60,"skillIds":[]}"#, "skillIds"),
            (r#"{"timeframe":60,"skillIds":[0]}"#, "skillIds"),
            (r#"{"timeframe":60,"skillIds":[-3]}"#, "skillIds"),
            (r#"{"timeframe":60,"skillIds":[1.5]}"#, "skillIds"),
            (r#"{"timeframe":60,"skillIds":["4"]}"#, "skillIds"),
            (r#"{"timeframe":60,"agentIds":"ALL"}"#, "agentIds"),
            (r#"{"timeframe":60,"agentIds":"3,4"}"#, "agentIds"),
            (
                r#"{"timeframe":60,"agentIds":[9007199254740992]}"#,
                "agentIds",
            ),
        ] {
            let e = query(bad).unwrap_err();
            assert_eq!(e.kind(), "validation", "{bad}");
            assert!(e.message().contains(says), "{bad}: {}", e.message());
        }
    }

    /// Minutes since midnight of an arbitrary day, in ms.
    fn at(h: u64, m: u64, s: u64) -> u64 {
        1_700_006_400_000 + ((h * 60 + m) * 60 + s) * 1000
    }

    #[test]
    fn the_seed_bucket_examples() {
        // 13:29 with a 7-minute frame: buckets 13:25 and 13:30, data from 13:20.
        let w = window(7, None, at(13, 29, 0));
        assert_eq!(
            (w.from, w.to, w.last_bucket_end, w.buckets),
            (at(13, 20, 0), at(13, 29, 0), at(13, 30, 0), 2)
        );
        assert!(w.intervals.is_empty());
        // 8:07, 20 minutes in 10-minute intervals: 8:00-8:10 (really to 8:07), 7:50-8:00, 7:45-7:50.
        let w = window(20, Some(10), at(8, 7, 0));
        assert_eq!(w.from, at(7, 45, 0));
        assert_eq!(w.buckets, 5);
        let spans: Vec<(u64, u64, u64)> = w
            .intervals
            .iter()
            .map(|i| (i.timestamp, i.from, i.to))
            .collect();
        assert_eq!(
            spans,
            [
                (at(8, 10, 0), at(8, 0, 0), at(8, 7, 0)),
                (at(8, 0, 0), at(7, 50, 0), at(8, 0, 0)),
                (at(7, 50, 0), at(7, 45, 0), at(7, 50, 0)),
            ]
        );
    }

    #[test]
    fn windows_at_and_between_boundaries() {
        // Exactly on a boundary the current bucket is the one starting now.
        let w = window(60, Some(30), at(10, 0, 0));
        assert_eq!(
            (w.from, w.last_bucket_end, w.buckets),
            (at(9, 0, 0), at(10, 5, 0), 13)
        );
        assert_eq!(w.intervals.len(), 3);
        assert_eq!(w.intervals[2].from, at(9, 0, 0));
        // The seed's 1200/600 example: three timestamps, the oldest holding the remainder.
        let w = window(1200, Some(600), at(11, 17, 30));
        assert_eq!(w.intervals.len(), 3);
        assert_eq!(
            w.intervals[0].timestamp - w.intervals[1].timestamp,
            600 * 60_000
        );
        assert_eq!(w.intervals[2].to - w.intervals[2].from, 5 * 60_000);
        // Every bucket is inside exactly one interval.
        let covered: u64 = w
            .intervals
            .iter()
            .map(|i| i.timestamp.min(w.last_bucket_end) - i.from)
            .sum();
        assert_eq!(covered, w.buckets * BUCKET_MS);
    }
}
