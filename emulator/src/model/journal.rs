//! The request journal behind `/__emulator/requests`: what each emulated call sent and got.
//!
//! Bodies are kept in memory for tests to inspect; they hold consumer data, so they are never
//! written to the log. `crate::http::journal` fills the entries from the route that matched.

use std::collections::VecDeque;

use serde_json::{Map, Value};

/// How many entries are kept; older ones are forgotten first.
pub const KEEP: usize = 10_000;

/// Recorded requests, each with a sequence number that only grows.
#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<Value>,
    last_seq: u64,
}

impl Journal {
    /// Adds an entry (its `seq` is set here).
    pub fn push(&mut self, mut entry: Map<String, Value>) {
        self.last_seq += 1;
        entry.insert("seq".to_owned(), self.last_seq.into());
        self.entries.push_back(Value::Object(entry));
        while self.entries.len() > KEEP {
            self.entries.pop_front();
        }
    }

    /// Entries with a sequence number above `seq`, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Value> {
        self.entries
            .iter()
            .filter(|e| {
                e.get("seq")
                    .and_then(Value::as_u64)
                    .is_some_and(|s| s > seq)
            })
            .cloned()
            .collect()
    }

    /// Forgets the entries but not the sequence.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
