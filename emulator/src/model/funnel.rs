//! The reporting funnel behind `/__emulator/funnel`: per campaign and engagement, how many
//! exposures were displayed, accepted and led to a conversation.
//!
//! Steps count exposures (one engagement answer = one context id), so reporting the same
//! impression twice does not inflate them and each step is at most the one before it.
//! Conversations count those opened for the engagement (by `impAccept` or the control endpoint).

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::model::catalog::Catalog;
use crate::model::conversations::Conversations;
use crate::model::sessions::Store;

pub const STEPS: [&str; 4] = ["exposed", "displayed", "accepted", "conversations"];

/// Counts of one engagement (or a sum of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub exposed: u64,
    pub displayed: u64,
    pub accepted: u64,
    pub conversations: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.exposed += other.exposed;
        self.displayed += other.displayed;
        self.accepted += other.accepted;
        self.conversations += other.conversations;
    }

    fn to_json(self) -> Value {
        let ratio = |part: u64, whole: u64| {
            if whole == 0 {
                Value::Null
            } else {
                json!(part as f64 / whole as f64)
            }
        };
        json!({
            "counts": {
                "exposed": self.exposed,
                "displayed": self.displayed,
                "accepted": self.accepted,
                "conversations": self.conversations,
            },
            // Each step as a share of the step before; `overall` is conversations of exposed.
            "conversion": {
                "displayed": ratio(self.displayed, self.exposed),
                "accepted": ratio(self.accepted, self.displayed),
                "conversations": ratio(self.conversations, self.accepted),
                "overall": ratio(self.conversations, self.exposed),
            },
        })
    }
}

/// Per engagement id, the exposure steps counted over every session.
pub fn count(store: &Store, conversations: &Conversations) -> HashMap<u64, Counts> {
    let mut by_engagement: HashMap<u64, Counts> = HashMap::new();
    for session in store.sessions() {
        for exposure in &session.engagements {
            let had = |kind: &str| {
                session
                    .impressions
                    .iter()
                    .any(|i| i.kind == kind && i.context_ids.contains(&exposure.context_id))
            };
            let counts = by_engagement.entry(exposure.engagement_id).or_default();
            counts.exposed += 1;
            counts.displayed += u64::from(had("impDisplay"));
            counts.accepted += u64::from(had("impAccept"));
        }
    }
    for (id, counts) in by_engagement.iter_mut() {
        counts.conversations = conversations.opened_for(*id);
    }
    by_engagement
}

/// The funnel of every campaign of the catalog (engagements never exposed show zeros).
pub fn describe(catalog: &Catalog, store: &Store, conversations: &Conversations) -> Value {
    let counted = count(store, conversations);
    let mut totals = Counts::default();
    let campaigns: Vec<Value> = catalog
        .campaigns
        .iter()
        .map(|campaign| {
            let mut sum = Counts::default();
            let engagements: Vec<Value> = campaign
                .engagements
                .iter()
                .map(|engagement| {
                    let mut counts = counted.get(&engagement.id).copied().unwrap_or_default();
                    counts.conversations = conversations.opened_for(engagement.id);
                    sum.add(counts);
                    let mut value = counts.to_json();
                    if let Some(map) = value.as_object_mut() {
                        map.insert("engagementId".to_owned(), engagement.id.into());
                        map.insert("name".to_owned(), engagement.name.clone().into());
                        map.insert("skill".to_owned(), engagement.skill.clone().into());
                    }
                    value
                })
                .collect();
            totals.add(sum);
            let mut value = sum.to_json();
            if let Some(map) = value.as_object_mut() {
                map.insert("campaignId".to_owned(), campaign.id.into());
                map.insert("name".to_owned(), campaign.name.clone().into());
                map.insert("goal".to_owned(), campaign.goal.clone().into());
                map.insert("priority".to_owned(), campaign.priority.into());
                map.insert("account".to_owned(), campaign.account.clone().into());
                map.insert("engagements".to_owned(), Value::Array(engagements));
            }
            value
        })
        .collect();
    json!({
        "steps": STEPS,
        "totals": totals.to_json(),
        "campaigns": campaigns,
    })
}
