//! Rule evaluation: which engagements a visit is eligible for, and why (or why not).
//!
//! Every rule of every engagement of the account is evaluated (no short cut), so a trace can
//! say for each engagement which rule held and which did not.

use serde_json::Value;

use crate::model::availability::Overrides;
use crate::model::campaign_file::strip_scheme;
use crate::model::catalog::{
    Campaign, Catalog, Condition, Engagement, EntryPattern, Identity, Test,
};
use crate::model::sde_merge::MergedSdes;

/// What a call tells about the visit, as rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    pub account: &'a str,
    /// The entry points of the page being engaged.
    pub entry_points: &'a [String],
    /// The session's SDEs, merged, including those of the call itself.
    pub sdes: &'a MergedSdes,
    pub authenticated: bool,
    pub now_ms: u64,
}

/// One rule and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What kind of rule: `entry points`, `sde`, `identity`, `availability`.
    pub kind: &'static str,
    /// The rule as written, e.g. `ctmrinfo.info.ctype == "vip"`.
    pub rule: String,
    pub passed: bool,
    /// What the visit had, e.g. `got "regular"`.
    pub detail: String,
}

/// An engagement of the account with the outcome of each of its rules.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub campaign: &'a Campaign,
    pub engagement: &'a Engagement,
    pub checks: Vec<Check>,
}

impl Candidate<'_> {
    pub fn eligible(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// The evaluation of a visit against the whole catalog.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    /// Every engagement of the account, in file order.
    pub candidates: Vec<Candidate<'a>>,
    /// Index into `candidates` of the engagement to offer.
    pub winner: Option<usize>,
}

impl<'a> Decision<'a> {
    pub fn chosen(&self) -> Option<&Candidate<'a>> {
        self.candidates.get(self.winner?)
    }
}

/// Evaluates every engagement of the visit's account; the eligible one of the highest
/// campaign priority wins, the earlier in the file on a tie.
pub fn decide<'a>(catalog: &'a Catalog, overrides: &Overrides, visit: &Visit<'_>) -> Decision<'a> {
    let candidates: Vec<Candidate<'a>> = catalog
        .campaigns
        .iter()
        .filter(|c| c.account == visit.account)
        .flat_map(|campaign| {
            campaign
                .engagements
                .iter()
                .map(move |engagement| Candidate {
                    campaign,
                    engagement,
                    checks: Vec::new(),
                })
        })
        .map(|mut candidate| {
            candidate.checks = checks(candidate.engagement, overrides, visit);
            candidate
        })
        .collect();
    let mut winner: Option<usize> = None;
    for (i, candidate) in candidates.iter().enumerate() {
        if !candidate.eligible() {
            continue;
        }
        let better = match winner.and_then(|w| candidates.get(w)) {
            None => true,
            Some(best) => candidate.campaign.priority > best.campaign.priority,
        };
        if better {
            winner = Some(i);
        }
    }
    Decision { candidates, winner }
}

fn checks(engagement: &Engagement, overrides: &Overrides, visit: &Visit<'_>) -> Vec<Check> {
    let targeting = &engagement.targeting;
    let mut checks = vec![entry_point_check(
        &targeting.entry_points,
        visit.entry_points,
    )];
    checks.extend(
        targeting
            .sdes
            .iter()
            .map(|condition| sde_check(condition, visit.sdes)),
    );
    if targeting.identity != Identity::Any {
        let wanted = targeting.identity == Identity::Authenticated;
        checks.push(Check {
            kind: "identity",
            rule: format!("{} only", targeting.identity.as_str()),
            passed: wanted == visit.authenticated,
            detail: format!(
                "the consumer is {}",
                if visit.authenticated {
                    "authenticated"
                } else {
                    "unauthenticated"
                }
            ),
        });
    }
    let (state, source) = overrides.state_of(engagement, visit.now_ms);
    let shown: Vec<&str> = engagement.shown_when.iter().map(|s| s.as_str()).collect();
    checks.push(Check {
        kind: "availability",
        rule: format!("shown when {}", shown.join(" or ")),
        passed: engagement.shown_when.contains(&state),
        detail: format!("agents are {} ({})", state.as_str(), source.as_str()),
    });
    checks
}

fn entry_point_check(patterns: &[EntryPattern], entry_points: &[String]) -> Check {
    let rule = if patterns.is_empty() {
        "any page".to_owned()
    } else {
        patterns
            .iter()
            .map(EntryPattern::text)
            .collect::<Vec<_>>()
            .join(" or ")
    };
    if patterns.is_empty() {
        return Check {
            kind: "entry points",
            rule,
            passed: true,
            detail: "no entry point rule".to_owned(),
        };
    }
    let hit = entry_points
        .iter()
        .find(|ep| patterns.iter().any(|p| entry_point_matches(p, ep)));
    let detail = match (hit, entry_points.is_empty()) {
        (Some(ep), _) => format!("matched {ep}"),
        (None, true) => "the call named no entry point".to_owned(),
        (None, false) => format!("the call had {}", entry_points.join(", ")),
    };
    Check {
        kind: "entry points",
        rule,
        passed: hit.is_some(),
        detail,
    }
}

/// Whether one entry point of a call matches a pattern.
pub fn entry_point_matches(pattern: &EntryPattern, entry_point: &str) -> bool {
    let section = strip_scheme(entry_point, "sec://");
    let language = strip_scheme(entry_point, "lang://");
    match pattern {
        EntryPattern::Section(name) => section.is_some_and(|s| s.eq_ignore_ascii_case(name)),
        EntryPattern::Language(name) => language.is_some_and(|l| l.eq_ignore_ascii_case(name)),
        EntryPattern::Url(glob) => {
            section.is_none() && language.is_none() && glob_matches(glob, entry_point)
        }
    }
}

/// `*` stands for any run of characters (also none); everything else matches itself.
pub fn glob_matches(glob: &str, text: &str) -> bool {
    let mut parts = glob.split('*');
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, inner)) = middle.split_last() else {
        // No `*` at all: the whole text must equal the glob.
        return rest.is_empty();
    };
    for part in inner {
        match rest.find(part) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or(""),
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn sde_check(condition: &Condition, sdes: &MergedSdes) -> Check {
    let received = sdes.of(&condition.sde);
    let mut values: Vec<&Value> = Vec::new();
    for sde in received {
        collect(sde, &condition.path, &mut values);
    }
    values.retain(|v| !v.is_null());
    let passed = match &condition.test {
        Test::Exists(wanted) => values.is_empty() != *wanted,
        Test::Equals(expected) => values.iter().any(|v| same(v, expected)),
        Test::OneOf(options) => values.iter().any(|v| options.iter().any(|o| same(v, o))),
        Test::GreaterThan(n) => values.iter().any(|v| number(v).is_some_and(|x| x > *n)),
        Test::LessThan(n) => values.iter().any(|v| number(v).is_some_and(|x| x < *n)),
    };
    let detail = if received.is_empty() {
        format!("no {} SDE received", condition.sde)
    } else if values.is_empty() {
        format!("{} has no {}", condition.sde, condition.path.join("."))
    } else if condition.path.is_empty() {
        format!("{} {} received", received.len(), condition.sde)
    } else {
        let shown: Vec<String> = values.iter().take(3).map(|v| v.to_string()).collect();
        let more = if values.len() > 3 { ", …" } else { "" };
        format!("got {}{more}", shown.join(", "))
    };
    Check {
        kind: "sde",
        rule: condition.text(),
        passed,
        detail,
    }
}

/// The values at `path` below `value`; arrays on the way are stepped through (any element).
fn collect<'v>(value: &'v Value, path: &[String], out: &mut Vec<&'v Value>) {
    if let Value::Array(items) = value {
        for item in items {
            collect(item, path, out);
        }
        return;
    }
    match path.split_first() {
        None => out.push(value),
        Some((head, tail)) => {
            if let Some(next) = value.get(head) {
                collect(next, tail, out);
            }
        }
    }
}

/// A number, or a string holding one (the docs show codes such as `channel` both ways).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Equality for rules: strings compare exactly; a number equals a number or a numeric string
/// of the same value; booleans equal booleans.
fn same(got: &Value, expected: &Value) -> bool {
    match (got, expected) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(_), _) | (_, Value::Number(_)) => {
            matches!((number(got), number(expected)), (Some(a), Some(b)) if a == b)
        }
        _ => false,
    }
}

/// Whether the consumer counts as authenticated: an identity with `acr` `loa1`, or the
/// (deprecated) `consumerId` that only authenticated flows send.
pub fn is_authenticated(identities: &[Value], consumer_id: Option<&str>) -> bool {
    identities.iter().any(|i| {
        i.get("acr")
            .and_then(Value::as_str)
            .is_some_and(|acr| acr.eq_ignore_ascii_case("loa1"))
    }) || consumer_id.is_some_and(|c| !c.is_empty())
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
