//! Conversations consumers have open. While one is open, engagement answers carry it with
//! `status: "conversation"` instead of offering an engagement. Conversations outlive monitor
//! sessions, so they belong to the visitor.

use serde::Serialize;
use serde_json::Value;

use rand::Rng;

/// How a conversation came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Opened {
    /// The consumer accepted the engagement (`impAccept`) and the file says that opens one.
    ImpAccept,
    /// `POST /__emulator/conversations`.
    Control,
}

/// One conversation, open or closed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub conversation_id: String,
    pub visitor_id: String,
    pub campaign_id: u64,
    pub engagement_id: u64,
    /// The engagement context the consumer accepted, when opened by `impAccept`.
    pub context_id: Option<String>,
    pub opened: u64,
    pub closed: Option<u64>,
    pub via: Opened,
}

/// Every conversation since the last reset.
#[derive(Debug, Clone, Default)]
pub struct Conversations {
    all: Vec<Conversation>,
}

impl Conversations {
    /// The visitor's open conversation, if any.
    pub fn open_for(&self, visitor_id: &str) -> Option<&Conversation> {
        self.all
            .iter()
            .find(|c| c.visitor_id == visitor_id && c.closed.is_none())
    }

    /// Opens a conversation unless the visitor already has one open (then that one is returned
    /// and nothing changes; the flag says whether a new one was opened).
    pub fn open(
        &mut self,
        visitor_id: &str,
        campaign_id: u64,
        engagement_id: u64,
        context_id: Option<String>,
        via: Opened,
        now: u64,
    ) -> (Conversation, bool) {
        if let Some(existing) = self.open_for(visitor_id) {
            return (existing.clone(), false);
        }
        let conversation = Conversation {
            conversation_id: new_conversation_id(),
            visitor_id: visitor_id.to_owned(),
            campaign_id,
            engagement_id,
            context_id,
            opened: now,
            closed: None,
            via,
        };
        self.all.push(conversation.clone());
        (conversation, true)
    }

    /// Closes the open conversations that `visitor_id` or `conversation_id` name; returns them.
    pub fn close(
        &mut self,
        visitor_id: Option<&str>,
        conversation_id: Option<&str>,
        now: u64,
    ) -> Vec<Conversation> {
        let mut closed = Vec::new();
        for c in self.all.iter_mut().filter(|c| c.closed.is_none()) {
            let named = visitor_id.is_some_and(|v| v == c.visitor_id)
                || conversation_id.is_some_and(|id| id == c.conversation_id);
            if named {
                c.closed = Some(now);
                closed.push(c.clone());
            }
        }
        closed
    }

    /// How many conversations an engagement has led to (open or since closed).
    pub fn opened_for(&self, engagement_id: u64) -> u64 {
        self.all
            .iter()
            .filter(|c| c.engagement_id == engagement_id)
            .count() as u64
    }

    /// How many conversations are open now.
    pub fn open_count(&self) -> usize {
        self.all.iter().filter(|c| c.closed.is_none()).count()
    }

    pub fn describe(&self) -> Vec<Value> {
        self.all
            .iter()
            .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
            .collect()
    }
}

/// A UUID-shaped id (version 4 layout), like the real conversation ids.
fn new_conversation_id() -> String {
    let hex = format!("{:032x}", rand::rng().random::<u128>());
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_open_conversation_per_visitor() {
        let mut all = Conversations::default();
        let (first, new) = all.open("v1", 1, 10, None, Opened::Control, 5);
        assert!(new);
        assert_eq!(first.conversation_id.len(), 36);
        assert_eq!(first.conversation_id.as_bytes().get(14), Some(&b'4'));
        let (again, new) = all.open("v1", 2, 20, None, Opened::ImpAccept, 6);
        assert!(!new);
        assert_eq!(again.conversation_id, first.conversation_id);
        assert_eq!(all.opened_for(10), 1);
        assert_eq!(all.opened_for(20), 0);

        let closed = all.close(Some("v1"), None, 7);
        assert_eq!(closed.len(), 1);
        assert!(all.open_for("v1").is_none());
        // Closed conversations still count in the funnel.
        assert_eq!(all.opened_for(10), 1);
        let (second, new) = all.open("v1", 2, 20, None, Opened::ImpAccept, 8);
        assert!(new);
        assert_ne!(second.conversation_id, first.conversation_id);
        assert_eq!(all.close(None, Some(&second.conversation_id), 9).len(), 1);
        assert!(all.close(None, Some("nope"), 9).is_empty());
    }
}
