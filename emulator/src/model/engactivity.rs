//! Engagement Activity (seed 002): `GET /operations/api/account/{accountId}/engactivity
//! ?timeframe=&v=1&skillIds=&agentIds=&interval=`, answered from generated metrics.
//!
//! A fixed roster of skills and agents gets metrics per 5-minute bucket from a hash of the
//! account, the bucket and the pair, busier in daytime (UTC); the bucket still running counts
//! only its elapsed part, so a live chart moves. The window follows the seed's bucket rules, the
//! answer its shapes (account totals, per skill with per agent, per agent, empty results with
//! zeroed totals, `metricsByIntervals` newest first), and more concurrent requests than
//! `--engactivity-max-concurrent` get 429 with `Retry-After: 1`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::model::config::Settings;
use crate::model::error::{ApiError, Status};
use crate::model::query::param as query_param;
use crate::model::state::Model;

/// The aggregation bucket.
pub const BUCKET_MS: u64 = 5 * 60_000;

/// Skills and the agents who have them (an agent may have several skills).
pub const ROSTER: &[(u64, &[u64])] = &[(2, &[3, 7]), (4, &[7, 11, 12]), (15, &[12, 19])];

/// Which ids a request selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    Ids(Vec<u64>),
}

impl Selection {
    fn has(&self, id: u64) -> bool {
        match self {
            Selection::All => true,
            Selection::Ids(ids) => ids.contains(&id),
        }
    }
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub timeframe: u64,
    pub interval: Option<u64>,
    pub skills: Option<Selection>,
    pub agents: Option<Selection>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(Status::BAD_REQUEST, None, message)
}

fn selection(value: Option<&str>, name: &str) -> Result<Option<Selection>, ApiError> {
    let Some(v) = value else { return Ok(None) };
    if v == "all" {
        return Ok(Some(Selection::All));
    }
    v.split(',')
        .map(|id| match id.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(bad(format!("{name} must be 'all' or a comma list of ids"))),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|ids| Some(Selection::Ids(ids)))
}

/// Reads and checks the query: the seed's rules for timeframe and interval, and `v=1`.
pub fn parse(pairs: &[(String, String)]) -> Result<Query, ApiError> {
    if query_param(pairs, "v") != Some("1") {
        return Err(bad("v must be 1"));
    }
    let timeframe = match query_param(pairs, "timeframe").map(str::parse::<u64>) {
        Some(Ok(t)) if (1..=1440).contains(&t) => t,
        _ => return Err(bad("timeframe must be a number of minutes from 1 to 1440")),
    };
    let interval = match query_param(pairs, "interval").map(str::parse::<u64>) {
        None => None,
        Some(Ok(i)) if i >= 5 && i <= timeframe && timeframe % i == 0 => Some(i),
        Some(_) => {
            return Err(bad(
                "interval must be at least 5, at most timeframe, and a divisor of it",
            ))
        }
    };
    Ok(Query {
        timeframe,
        interval,
        skills: selection(query_param(pairs, "skillIds"), "skillIds")?,
        agents: selection(query_param(pairs, "agentIds"), "agentIds")?,
    })
}

/// What a request at `now` covers: bucket ends from the oldest to the newest, and the intervals
/// (end, start) newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub from: u64,
    pub last_end: u64,
    pub intervals: Vec<(u64, u64)>,
}

/// The seed's rule: data from `now - timeframe` rounded down to 5 minutes up to the bucket that
/// holds `now`; intervals end at that bucket's end and step back, the oldest holding the rest.
pub fn window(timeframe: u64, interval: Option<u64>, now: u64) -> Window {
    let last_end = (now / BUCKET_MS + 1) * BUCKET_MS;
    let from = now.saturating_sub(timeframe * 60_000) / BUCKET_MS * BUCKET_MS;
    let mut intervals = Vec::new();
    if let Some(step) = interval.map(|i| i * 60_000) {
        let mut end = last_end;
        while end > from {
            intervals.push((end, end.saturating_sub(step).max(from)));
            end = end.saturating_sub(step);
        }
    }
    Window {
        from,
        last_end,
        intervals,
    }
}

/// The five metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metrics {
    pub interactive: u64,
    pub non_interactive: u64,
    pub handling_s: u64,
    pub non_interactive_handling_s: u64,
    pub connected: u64,
}

impl Metrics {
    fn add(&mut self, o: &Metrics) {
        self.interactive += o.interactive;
        self.non_interactive += o.non_interactive;
        self.handling_s += o.handling_s;
        self.non_interactive_handling_s += o.non_interactive_handling_s;
        self.connected += o.connected;
    }

    fn has_data(&self) -> bool {
        *self != Metrics::default()
    }

    pub fn to_json(self) -> Value {
        json!({
            "totalInteractiveChats": self.interactive,
            "totalNonInteractiveChats": self.non_interactive,
            "totalHandlingTime": self.handling_s,
            "nonInteractiveTotalHandlingTime": self.non_interactive_handling_s,
            "connectedEngagements": self.connected,
        })
    }
}

/// splitmix64: a well-spread hash of one word.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn account_seed(account: &str) -> u64 {
    account
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| mix(h ^ u64::from(b)))
}

/// The metrics of one skill/agent pair in the bucket ending at `end`, of which `elapsed_ms` have
/// passed (a full bucket unless it is the one still running).
pub fn bucket(seed: u64, end: u64, skill: u64, agent: u64, elapsed_ms: u64) -> Metrics {
    let h = mix(seed ^ mix(end / BUCKET_MS) ^ mix(skill << 20 ^ agent));
    // Most chats per pair and bucket, by UTC hour: a quiet night, a ramp, a busy day.
    const LOAD: [u64; 24] = [
        1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1,
    ];
    let load = LOAD
        .get(((end - 1) / 3_600_000 % 24) as usize)
        .copied()
        .unwrap_or(1);
    let connected = h % (load + 1);
    let interactive = connected.saturating_sub((h >> 12) % 2);
    let non_interactive = connected - interactive + u64::from((h >> 8).is_multiple_of(6));
    let full = Metrics {
        interactive,
        non_interactive,
        handling_s: interactive * (90 + (h >> 16) % 510),
        non_interactive_handling_s: non_interactive * (10 + (h >> 28) % 110),
        connected,
    };
    if elapsed_ms >= BUCKET_MS {
        return full;
    }
    let part = |v: u64| v * elapsed_ms / BUCKET_MS;
    Metrics {
        interactive: part(full.interactive),
        non_interactive: part(full.non_interactive),
        handling_s: part(full.handling_s),
        non_interactive_handling_s: part(full.non_interactive_handling_s),
        connected: part(full.connected),
    }
}

type PerPair = BTreeMap<(u64, u64), Metrics>;

/// Sums per skill/agent pair over the buckets ending in `(from, to_end]`.
fn sum(seed: u64, from: u64, to_end: u64, now: u64) -> PerPair {
    let mut out = PerPair::new();
    let mut end = from + BUCKET_MS;
    while end <= to_end {
        let elapsed = now.saturating_sub(end - BUCKET_MS);
        for (skill, agents) in ROSTER {
            for agent in *agents {
                out.entry((*skill, *agent))
                    .or_default()
                    .add(&bucket(seed, end, *skill, *agent, elapsed));
            }
        }
        end += BUCKET_MS;
    }
    out
}

/// One period's data in the shape the request asks for.
pub fn shape(q: &Query, data: &PerPair) -> Map<String, Value> {
    let mut out = Map::new();
    if q.skills.is_none() && q.agents.is_none() {
        let mut total = Metrics::default();
        data.values().for_each(|m| total.add(m));
        out.insert("metricsTotals".to_owned(), total.to_json());
        return out;
    }
    let agent_ok = |a: u64| q.agents.as_ref().is_none_or(|s| s.has(a));
    let skill_ok = |s: u64| q.skills.as_ref().is_none_or(|sel| sel.has(s));
    if let Some(skills) = &q.skills {
        let mut per_skill = Map::new();
        let mut total = Metrics::default();
        for (skill, _) in ROSTER.iter().filter(|(s, _)| skills.has(*s)) {
            let mut per_agent = Map::new();
            let mut skill_total = Metrics::default();
            for ((_, agent), m) in data
                .iter()
                .filter(|((s, a), m)| s == skill && agent_ok(*a) && m.has_data())
            {
                per_agent.insert(agent.to_string(), m.to_json());
                skill_total.add(m);
            }
            if skill_total.has_data() {
                per_skill.insert(
                    skill.to_string(),
                    json!({ "metricsPerAgent": per_agent, "metricsTotals": skill_total.to_json() }),
                );
                total.add(&skill_total);
            }
        }
        out.insert(
            "skillsMetricsPerAgent".to_owned(),
            json!({ "metricsPerSkill": per_skill, "metricsTotals": total.to_json() }),
        );
    }
    if let Some(agents) = &q.agents {
        let mut per_agent: BTreeMap<u64, Metrics> = BTreeMap::new();
        for ((skill, agent), m) in data {
            if agents.has(*agent) && skill_ok(*skill) {
                per_agent.entry(*agent).or_default().add(m);
            }
        }
        let mut total = Metrics::default();
        let mut listed = Map::new();
        for (agent, m) in per_agent.iter().filter(|(_, m)| m.has_data()) {
            listed.insert(agent.to_string(), m.to_json());
            total.add(m);
        }
        out.insert(
            "agentsMetrics".to_owned(),
            json!({ "metricsPerAgent": listed, "metricsTotals": total.to_json() }),
        );
    }
    out
}

/// The whole answer for a request at `now`.
pub fn answer_for(account: &str, q: &Query, now: u64) -> Value {
    let seed = account_seed(account);
    let w = window(q.timeframe, q.interval, now);
    let mut out = shape(q, &sum(seed, w.from, w.last_end, now));
    if q.interval.is_some() {
        let intervals: Vec<Value> = w
            .intervals
            .iter()
            .map(|(end, start)| {
                let data = shape(q, &sum(seed, *start, *end, now));
                json!({ "timestamp": end, "metricsData": data })
            })
            .collect();
        out.insert("metricsByIntervals".to_owned(), Value::Array(intervals));
    }
    Value::Object(out)
}

/// Checks the account and the query of a request.
pub fn check(
    settings: &Settings,
    account: &str,
    pairs: &[(String, String)],
) -> Result<Query, ApiError> {
    if account == settings.account {
        parse(pairs)
    } else {
        Err(ApiError::unknown_account())
    }
}

/// Takes a slot for one more request in flight; a 429 (with `Retry-After: 1` on the wire) when
/// all `max` are taken. Every slot taken is given back with [`release`].
pub fn admit(model: &mut Model, max: usize) -> Result<(), ApiError> {
    if model.agent.in_flight >= max {
        return Err(ApiError::new(
            Status::TOO_MANY_REQUESTS,
            None,
            "too many concurrent requests: retry in at least a second",
        ));
    }
    model.agent.in_flight += 1;
    Ok(())
}

/// Gives back a slot [`admit`] took.
pub fn release(model: &mut Model) {
    model.agent.in_flight = model.agent.in_flight.saturating_sub(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u64, m: u64) -> u64 {
        1_700_006_400_000 + (h * 60 + m) * 60_000
    }

    fn q(uri: &str) -> Result<Query, ApiError> {
        let query = uri.split_once('?').map_or("", |(_, q)| q);
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        parse(&pairs)
    }

    #[test]
    fn slots_are_limited_and_given_back() {
        let mut model = Model::default();
        assert!(admit(&mut model, 2).is_ok());
        assert!(admit(&mut model, 2).is_ok());
        assert_eq!(
            admit(&mut model, 2).map_err(|e| e.status),
            Err(Status::TOO_MANY_REQUESTS)
        );
        release(&mut model);
        assert!(admit(&mut model, 2).is_ok());
    }

    #[test]
    fn the_seed_window_examples() {
        let w = window(7, None, at(13, 29));
        assert_eq!((w.from, w.last_end), (at(13, 20), at(13, 30)));
        let w = window(20, Some(10), at(8, 7));
        assert_eq!(
            w.intervals,
            [
                (at(8, 10), at(8, 0)),
                (at(8, 0), at(7, 50)),
                (at(7, 50), at(7, 45))
            ]
        );
    }

    #[test]
    fn query_rules() {
        assert_eq!(
            q("/x?timeframe=60&v=1&skillIds=4,15,3&agentIds=all&interval=30").ok(),
            Some(Query {
                timeframe: 60,
                interval: Some(30),
                skills: Some(Selection::Ids(vec![4, 15, 3])),
                agents: Some(Selection::All)
            })
        );
        for bad in [
            "/x?timeframe=60&interval=30",
            "/x?timeframe=60&v=2",
            "/x?timeframe=0&v=1",
            "/x?timeframe=1441&v=1",
            "/x?v=1",
            "/x?timeframe=60&v=1&interval=61",
            "/x?timeframe=60&v=1&interval=31",
            "/x?timeframe=60&v=1&interval=4",
            "/x?timeframe=60&v=1&skillIds=a",
            "/x?timeframe=60&v=1&agentIds=0",
        ] {
            assert_eq!(
                q(bad).map_err(|e| e.status),
                Err(Status::BAD_REQUEST),
                "{bad}"
            );
        }
    }

    #[test]
    fn buckets_are_deterministic_busier_by_day_and_partial_while_running() {
        let seed = account_seed("12345678");
        let a = bucket(seed, at(10, 5), 4, 11, BUCKET_MS);
        assert_eq!(a, bucket(seed, at(10, 5), 4, 11, BUCKET_MS));
        let day: u64 = (0..288)
            .map(|i| bucket(seed, at(8, 0) + i * BUCKET_MS / 2, 2, 3, BUCKET_MS).connected)
            .sum();
        let night: u64 = (0..288)
            .map(|i| bucket(seed, at(20, 0) + i * BUCKET_MS / 2, 2, 3, BUCKET_MS).connected)
            .sum();
        assert!(day > night, "{day} > {night}");
        let busy = (0..100)
            .map(|i| at(12, 0) + i * BUCKET_MS)
            .find(|end| bucket(seed, *end, 4, 7, BUCKET_MS).connected == 3)
            .unwrap_or_default();
        assert_eq!(bucket(seed, busy, 4, 7, BUCKET_MS / 3).connected, 1);
        assert_eq!(bucket(seed, busy, 4, 7, 0), Metrics::default());
    }

    fn get<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
        path.iter().fold(v, |v, k| v.get(k).unwrap_or(&Value::Null))
    }

    #[test]
    fn answers_have_the_seed_shapes() {
        let now = at(14, 7);
        let account = answer_for(
            "1",
            &q("/x?timeframe=60&v=1").unwrap_or_else(|e| panic!("{e:?}")),
            now,
        );
        let keys: Vec<&String> = account
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["metricsTotals"]);
        assert_eq!(
            get(&account, &["metricsTotals"]).as_object().map(Map::len),
            Some(5)
        );

        let skills = answer_for(
            "1",
            &q("/x?timeframe=60&v=1&skillIds=2").unwrap_or_else(|e| panic!("{e:?}")),
            now,
        );
        let per_skill = get(&skills, &["skillsMetricsPerAgent", "metricsPerSkill"]);
        let skill_keys: Vec<&String> = per_skill
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(skill_keys, ["2"], "only the requested skill");
        let agents_of_2: Vec<&String> = get(per_skill, &["2", "metricsPerAgent"])
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert!(agents_of_2.iter().all(|a| ["3", "7"].contains(&a.as_str())));
        // The skill's totals are the sum of its agents.
        let connected: u64 = get(per_skill, &["2", "metricsPerAgent"])
            .as_object()
            .map(|m| {
                m.values()
                    .filter_map(|v| v["connectedEngagements"].as_u64())
                    .sum()
            })
            .unwrap_or_default();
        assert_eq!(
            get(per_skill, &["2", "metricsTotals", "connectedEngagements"]).as_u64(),
            Some(connected)
        );

        let both = answer_for(
            "1",
            &q("/x?timeframe=60&v=1&skillIds=all&agentIds=3").unwrap_or_else(|e| panic!("{e:?}")),
            now,
        );
        let skills_with_3: Vec<&String> = get(&both, &["skillsMetricsPerAgent", "metricsPerSkill"])
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert!(
            skills_with_3.iter().all(|s| s.as_str() == "2"),
            "agent 3 only works skill 2"
        );
        assert!(get(&both, &["agentsMetrics", "metricsPerAgent"]).is_object());

        let empty = answer_for(
            "1",
            &q("/x?timeframe=60&v=1&skillIds=99&agentIds=98").unwrap_or_else(|e| panic!("{e:?}")),
            now,
        );
        assert_eq!(
            get(&empty, &["skillsMetricsPerAgent", "metricsPerSkill"]),
            &json!({})
        );
        assert_eq!(
            get(&empty, &["agentsMetrics", "metricsPerAgent"]),
            &json!({})
        );
        assert_eq!(
            get(&empty, &["agentsMetrics", "metricsTotals"]),
            &Metrics::default().to_json()
        );
    }

    #[test]
    fn intervals_are_newest_first_and_add_up_to_the_whole() {
        let now = at(14, 7);
        let a = answer_for(
            "1",
            &q("/x?timeframe=60&v=1&interval=15").unwrap_or_else(|e| panic!("{e:?}")),
            now,
        );
        let list = a["metricsByIntervals"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let stamps: Vec<u64> = list
            .iter()
            .filter_map(|i| i["timestamp"].as_u64())
            .collect();
        assert_eq!(
            stamps,
            [at(14, 10), at(13, 55), at(13, 40), at(13, 25), at(13, 10)]
        );
        for metric in [
            "connectedEngagements",
            "totalHandlingTime",
            "totalNonInteractiveChats",
        ] {
            let parts: u64 = list
                .iter()
                .filter_map(|i| i["metricsData"]["metricsTotals"][metric].as_u64())
                .sum();
            assert_eq!(a["metricsTotals"][metric].as_u64(), Some(parts), "{metric}");
        }
    }
}
