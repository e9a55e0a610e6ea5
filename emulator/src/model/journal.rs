//! The request journal behind `/__emulator/requests`: what each emulated call sent and got.
//!
//! Bodies are kept in memory for tests to inspect; they hold consumer data, so they are never
//! written to the log. `crate::http::journal` fills the entries from the route that matched.

use serde_json::Value;

use crate::model::seq_log::SeqLog;

/// How many entries are kept; older ones are forgotten first.
pub const KEEP: usize = 10_000;

/// Recorded requests, each with a sequence number that only grows.
pub type Journal = SeqLog<KEEP>;

impl Journal {
    /// Entries with a sequence number above `seq`, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Value> {
        self.iter()
            .filter(|e| {
                e.get("seq")
                    .and_then(Value::as_u64)
                    .is_some_and(|s| s > seq)
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn keeps_the_last_entries_and_a_growing_sequence() {
        let mut journal = Journal::default();
        for _ in 0..(KEEP + 5) {
            journal.push(Map::new());
        }
        let all = journal.since(0);
        assert_eq!(all.len(), KEEP);
        assert_eq!(
            all.first()
                .and_then(|e| e.get("seq"))
                .and_then(Value::as_u64),
            Some(6)
        );
        journal.clear();
        journal.push(Map::new());
        let after = journal.since(0);
        assert_eq!(
            after
                .first()
                .and_then(|e| e.get("seq"))
                .and_then(Value::as_u64),
            Some(KEEP as u64 + 6)
        );
    }
}
