//! A bounded in-memory log whose entries carry a sequence number that only grows: the request
//! journal and the decision trace are both one, each with its own size.

use std::collections::VecDeque;

use serde_json::{Map, Value};

/// Entries (JSON objects with a `seq`), at most `KEEP`; older ones are forgotten first.
#[derive(Debug, Default)]
pub struct SeqLog<const KEEP: usize> {
    entries: VecDeque<Value>,
    last_seq: u64,
}

impl<const KEEP: usize> SeqLog<KEEP> {
    /// Adds an entry (its `seq` is set here).
    pub fn push(&mut self, mut entry: Map<String, Value>) {
        self.last_seq += 1;
        entry.insert("seq".to_owned(), self.last_seq.into());
        self.entries.push_back(Value::Object(entry));
        while self.entries.len() > KEEP {
            self.entries.pop_front();
        }
    }

    /// The entries kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter()
    }

    /// Forgets the entries but not the sequence.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
