//! The catalog as JSON for `/__emulator/campaigns` and `/__emulator/availability`, with rules
//! written the short way the README uses (`cart.total > 100`).

use serde_json::{json, Value};

use crate::model::availability::Overrides;
use crate::model::catalog::{Availability, Catalog, Engagement};
use crate::model::Settings;

fn day_names(days: &[bool; 7]) -> Vec<&'static str> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .zip(days)
        .filter(|(_, on)| **on)
        .map(|(d, _)| *d)
        .collect()
}

fn availability_json(availability: &Availability) -> Value {
    match availability {
        Availability::Fixed(state) => state.as_str().into(),
        Availability::Schedule(schedule) => json!({
            "utcOffsetMinutes": schedule.utc_offset_minutes,
            "otherwise": schedule.otherwise.as_str(),
            "windows": schedule.windows.iter().map(|w| json!({
                "days": day_names(&w.days),
                "from": format!("{:02}:{:02}", w.from_minute / 60, w.from_minute % 60),
                "to": format!("{:02}:{:02}", w.to_minute / 60, w.to_minute % 60),
                "state": w.state.as_str(),
            })).collect::<Vec<_>>(),
        }),
    }
}

fn engagement_json(engagement: &Engagement) -> Value {
    let t = &engagement.targeting;
    json!({
        "engagementId": engagement.id,
        "name": engagement.name,
        "revision": engagement.revision,
        "connectorId": engagement.connector_id,
        "windowId": engagement.window_id,
        "language": engagement.language,
        "skill": engagement.skill,
        "targeting": {
            "entryPoints": t.entry_points.iter().map(|p| p.text()).collect::<Vec<_>>(),
            "sdes": t.sdes.iter().map(|c| c.text()).collect::<Vec<_>>(),
            "identity": t.identity.as_str(),
        },
        "availability": availability_json(&engagement.availability),
        "shownWhen": engagement.shown_when.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    })
}

/// Everything the emulator was configured with.
pub fn describe(settings: &Settings) -> Value {
    let catalog = &settings.catalog;
    json!({
        "file": settings.campaign_file.as_ref().map(|p| p.display().to_string()),
        "accounts": catalog.accounts.iter().map(|a| json!({
            "id": a.id,
            "appInstallations": a.app_installations,
        })).collect::<Vec<_>>(),
        "conversationOnAccept": settings.conversation_on_accept,
        "capping": settings.capping.describe(),
        "campaigns": catalog.campaigns.iter().map(|c| json!({
            "campaignId": c.id,
            "name": c.name,
            "goal": c.goal,
            "priority": c.priority,
            "account": c.account,
            "engagements": c.engagements.iter().map(engagement_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Each engagement's agent state now, and where it comes from.
pub fn availability(catalog: &Catalog, overrides: &Overrides, now_ms: u64) -> Vec<Value> {
    catalog
        .engagements()
        .map(|(campaign, engagement)| {
            let (state, source) = overrides.state_of(engagement, now_ms);
            json!({
                "campaignId": campaign.id,
                "engagementId": engagement.id,
                "name": engagement.name,
                "skill": engagement.skill,
                "state": state.as_str(),
                "source": source.as_str(),
                "shown": engagement.shown_when.contains(&state),
            })
        })
        .collect()
}

/// The human summary `--check` prints: accounts, then campaigns by priority with their rules.
pub fn summary(catalog: &Catalog) -> String {
    let mut out = String::new();
    for account in &catalog.accounts {
        out.push_str(&format!(
            "account {}: app installations {}\n",
            account.id,
            account.app_installations.join(", ")
        ));
    }
    let mut campaigns: Vec<_> = catalog.campaigns.iter().enumerate().collect();
    // Highest priority first, file order on ties: the order in which rules are tried.
    campaigns.sort_by_key(|(i, c)| (std::cmp::Reverse(c.priority), *i));
    for (_, c) in campaigns {
        out.push_str(&format!(
            "campaign {} \"{}\" (priority {}, account {}){}\n",
            c.id,
            c.name,
            c.priority,
            c.account,
            if c.goal.is_empty() {
                String::new()
            } else {
                format!(": {}", c.goal)
            }
        ));
        for e in &c.engagements {
            let t = &e.targeting;
            let mut rules: Vec<String> = t.entry_points.iter().map(|p| p.text()).collect();
            if rules.len() > 1 {
                rules = vec![format!("({})", rules.join(" or "))];
            }
            rules.extend(t.sdes.iter().map(|c| c.text()));
            if t.identity != crate::model::catalog::Identity::Any {
                rules.push(format!("{} only", t.identity.as_str()));
            }
            let available = match &e.availability {
                Availability::Fixed(state) => state.as_str().to_owned(),
                Availability::Schedule(s) => format!(
                    "by schedule ({} windows, otherwise {})",
                    s.windows.len(),
                    s.otherwise.as_str()
                ),
            };
            out.push_str(&format!(
                "  engagement {} \"{}\": {}; agents {available}, shown when {}\n",
                e.id,
                e.name,
                if rules.is_empty() {
                    "everyone".to_owned()
                } else {
                    rules.join(" and ")
                },
                e.shown_when
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("/")
            ));
        }
    }
    out
}
