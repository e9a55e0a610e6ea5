//! The decision trace behind `/__emulator/trace`: for each engagement call, what the rules saw
//! and why the answer offered what it did. It lives outside the Monitoring answer, which keeps
//! the real server's shape.

use serde_json::Value;

use crate::model::seq_log::SeqLog;

/// How many decisions are kept; older ones are forgotten first.
pub const KEEP: usize = 2_000;

/// Recorded decisions, each with a sequence number that only grows.
pub type Trace = SeqLog<KEEP>;

impl Trace {
    /// Decisions for a visitor (and session), oldest first; at most the last `limit`.
    pub fn query(&self, vid: Option<&str>, sid: Option<&str>, limit: usize) -> Vec<Value> {
        let field = |e: &Value, key: &str, want: Option<&str>| {
            want.is_none_or(|w| e.get(key).and_then(Value::as_str) == Some(w))
        };
        let matching: Vec<&Value> = self
            .iter()
            .filter(|e| field(e, "visitorId", vid) && field(e, "sessionId", sid))
            .collect();
        let skip = matching.len().saturating_sub(limit);
        matching.into_iter().skip(skip).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    fn entry(vid: &str, sid: &str) -> Map<String, Value> {
        match json!({ "visitorId": vid, "sessionId": sid }) {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn filters_by_visitor_and_session_and_keeps_the_latest() {
        let mut trace = Trace::default();
        trace.push(entry("v1", "s1"));
        trace.push(entry("v2", "s9"));
        trace.push(entry("v1", "s2"));
        trace.push(entry("v1", "s2"));
        let seqs = |list: Vec<Value>| -> Vec<u64> {
            list.iter().filter_map(|e| e["seq"].as_u64()).collect()
        };
        assert_eq!(seqs(trace.query(Some("v1"), None, 10)), [1, 3, 4]);
        assert_eq!(seqs(trace.query(Some("v1"), Some("s2"), 1)), [4]);
        assert_eq!(seqs(trace.query(None, None, 2)), [3, 4]);
        assert!(trace.query(Some("nobody"), None, 10).is_empty());
        trace.clear();
        trace.push(entry("v1", "s1"));
        assert_eq!(seqs(trace.query(None, None, 10)), [5]);
    }
}
