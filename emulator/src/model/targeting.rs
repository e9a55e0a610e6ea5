//! What an engagement answer carries: the open conversation, or the engagement the rules choose
//! (see `rules.rs`), or nothing; and the trace entry that explains it.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::model::catalog::{Campaign, Engagement};
use crate::model::conversations::Conversation;
use crate::model::rules::{Candidate, Check, Decision, Visit};

/// One entry of an answer's `engagementDetails`, shaped as the real server's.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementDetail {
    pub campaign_id: u64,
    pub engagement_id: u64,
    pub engagement_revision: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    pub connector_id: u64,
    pub window_id: u64,
    pub language: String,
    pub status: &'static str,
}

/// The answer entry that offers an engagement under a fresh context id.
pub fn expose(campaign: &Campaign, engagement: &Engagement, context_id: String) -> Value {
    detail(campaign.id, engagement, Some(context_id), None, "expose")
}

/// The answer entry of an open conversation (no context id, as the real server does).
pub fn conversation(conversation: &Conversation, engagement: Option<&Engagement>) -> Value {
    match engagement {
        Some(engagement) => detail(
            conversation.campaign_id,
            engagement,
            None,
            Some(conversation.conversation_id.clone()),
            "conversation",
        ),
        // The engagement left the catalog: still tell the consumer about the conversation.
        None => json!({
            "campaignId": conversation.campaign_id,
            "engagementId": conversation.engagement_id,
            "conversationId": conversation.conversation_id,
            "status": "conversation",
        }),
    }
}

fn detail(
    campaign_id: u64,
    engagement: &Engagement,
    context_id: Option<String>,
    conversation_id: Option<String>,
    status: &'static str,
) -> Value {
    serde_json::to_value(EngagementDetail {
        campaign_id,
        engagement_id: engagement.id,
        engagement_revision: engagement.revision,
        context_id,
        conversation_id,
        connector_id: engagement.connector_id,
        window_id: engagement.window_id,
        language: engagement.language.clone(),
        status,
    })
    .unwrap_or(Value::Null)
}

/// What the answer said, for the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Expose,
    Conversation,
    Nothing,
    /// `--no-engagement`.
    Off,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Expose => "expose",
            Outcome::Conversation => "conversation",
            Outcome::Nothing => "none",
            Outcome::Off => "off",
        }
    }
}

fn check_json(check: &Check) -> Value {
    json!({
        "kind": check.kind,
        "rule": check.rule,
        "passed": check.passed,
        "detail": check.detail,
    })
}

/// The rules worth naming when explaining a match: the ones that narrow the audience.
fn reasons(candidate: &Candidate<'_>) -> Vec<String> {
    candidate
        .checks
        .iter()
        .filter(|c| c.passed && !(c.kind == "entry points" && c.rule == "any page"))
        .map(|c| match c.kind {
            "availability" => c.detail.clone(),
            "sde" => format!("{} ({})", c.rule, c.detail),
            _ => c.rule.clone(),
        })
        .collect()
}

fn candidate_json(candidate: &Candidate<'_>, chosen: bool) -> Value {
    let failed = candidate.checks.iter().find(|c| !c.passed);
    json!({
        "campaignId": candidate.campaign.id,
        "campaignName": candidate.campaign.name,
        "priority": candidate.campaign.priority,
        "engagementId": candidate.engagement.id,
        "engagementName": candidate.engagement.name,
        "eligible": candidate.eligible(),
        "chosen": chosen,
        "why": match failed {
            Some(check) => format!("{}: {}", check.rule, check.detail),
            None if chosen => "eligible, highest priority".to_owned(),
            None => "eligible, but a higher-priority engagement won".to_owned(),
        },
        "checks": candidate.checks.iter().map(check_json).collect::<Vec<_>>(),
    })
}

/// Everything the trace keeps about one engagement call's decision.
pub struct TraceInput<'a> {
    pub visit: &'a Visit<'a>,
    pub decision: Option<&'a Decision<'a>>,
    pub outcome: Outcome,
    pub conversation: Option<&'a Conversation>,
    pub context_id: Option<&'a str>,
}

/// Builds the trace entry; ids, time and status are added by the caller.
pub fn trace_entry(input: &TraceInput<'_>) -> Map<String, Value> {
    let visit = input.visit;
    let chosen = input.decision.and_then(Decision::chosen);
    let summary = match (input.outcome, chosen, input.conversation) {
        (Outcome::Off, _, _) => "no engagement: the emulator runs with --no-engagement".to_owned(),
        (Outcome::Conversation, _, Some(c)) => format!(
            "open conversation {} (engagement {}): answered with status \"conversation\"",
            c.conversation_id, c.engagement_id
        ),
        (_, Some(candidate), _) => {
            let why = reasons(candidate);
            format!(
                "{} (campaign \"{}\", priority {}){}",
                candidate.engagement.name,
                candidate.campaign.name,
                candidate.campaign.priority,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {}", why.join("; "))
                }
            )
        }
        _ => "no eligible engagement: the answer has no engagementDetails".to_owned(),
    };
    let mut entry = Map::new();
    entry.insert("outcome".to_owned(), input.outcome.as_str().into());
    entry.insert("summary".to_owned(), summary.into());
    entry.insert(
        "chosen".to_owned(),
        chosen.map_or(Value::Null, |c| {
            json!({
                "campaignId": c.campaign.id,
                "campaignName": c.campaign.name,
                "priority": c.campaign.priority,
                "engagementId": c.engagement.id,
                "engagementName": c.engagement.name,
                "contextId": input.context_id,
                "because": reasons(c),
            })
        }),
    );
    entry.insert(
        "conversationId".to_owned(),
        input
            .conversation
            .map_or(Value::Null, |c| c.conversation_id.clone().into()),
    );
    entry.insert("entryPoints".to_owned(), json!(visit.entry_points));
    entry.insert(
        "identity".to_owned(),
        (if visit.authenticated {
            "authenticated"
        } else {
            "unauthenticated"
        })
        .into(),
    );
    entry.insert("sdes".to_owned(), visit.sdes.to_json());
    entry.insert(
        "candidates".to_owned(),
        Value::Array(
            input
                .decision
                .map(|d| {
                    d.candidates
                        .iter()
                        .enumerate()
                        .map(|(i, c)| candidate_json(c, d.winner == Some(i)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
    );
    entry
}
