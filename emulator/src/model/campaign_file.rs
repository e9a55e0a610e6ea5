//! Reading a campaign file (TOML or JSON) into a [`Catalog`], with errors that name the place.
//!
//! Both formats share one schema with snake_case keys (see the README and
//! `emulator/campaigns.example.toml`). Unknown keys are errors, so a typo never silently turns a
//! rule off. Field paths in SDE conditions that the documented SDE shapes do not know are only
//! warnings: the API accepts undocumented fields.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value};

use crate::model::catalog::{
    Account, AgentState, Availability, Campaign, CappingFile, Catalog, Condition, Engagement,
    EntryPattern, Identity, Schedule, Targeting, Test, Window,
};
use crate::model::sde;

/// A parsed file and what looked suspicious in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub catalog: Catalog,
    pub warnings: Vec<String>,
}

/// The two spellings of a campaign file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

/// Reads and checks a file; the format follows the extension (`.json`, else TOML).
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read campaign file {}: {e}", path.display()))?;
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Toml,
    };
    parse(&text, format).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses and checks campaign file text.
pub fn parse(text: &str, format: Format) -> Result<Loaded, String> {
    let value: Value = match format {
        Format::Toml => toml::from_str(text).map_err(|e| format!("not valid TOML: {e}"))?,
        Format::Json => serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?,
    };
    let mut reader = Reader::default();
    let catalog = reader.catalog(&value)?;
    Ok(Loaded {
        catalog,
        warnings: reader.warnings,
    })
}

#[derive(Default)]
struct Reader {
    warnings: Vec<String>,
}

/// A JSON object being read, with its place in the file for messages.
struct Table<'a> {
    map: &'a Map<String, Value>,
    at: String,
}

impl<'a> Table<'a> {
    fn new(value: &'a Value, at: &str, allowed: &[&str]) -> Result<Self, String> {
        let map = value
            .as_object()
            .ok_or_else(|| format!("{} must be a table (an object)", name(at)))?;
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(format!(
                    "{}: unknown key \"{key}\" (expected one of: {})",
                    name(at),
                    allowed.join(", ")
                ));
            }
        }
        Ok(Self {
            map,
            at: at.to_owned(),
        })
    }

    fn path(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Some(Value::String(_)) => Err(format!("{} must not be empty", self.path(key))),
            Some(other) => Err(format!(
                "{} must be a string, not {}",
                self.path(key),
                kind_of(other)
            )),
        }
    }

    /// Account ids are digits; TOML lets people write them unquoted.
    fn id_text(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            Some(Value::Number(n)) if n.is_u64() => Ok(Some(n.to_string())),
            _ => self.string(key),
        }
    }

    fn uint(&self, key: &str) -> Result<Option<u64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                format!(
                    "{} must be a whole number, 0 or more (got {v})",
                    self.path(key)
                )
            }),
        }
    }

    fn positive(&self, key: &str) -> Result<Option<u64>, String> {
        match self.uint(key)? {
            Some(0) => Err(format!("{} must be 1 or more", self.path(key))),
            other => Ok(other),
        }
    }

    fn required_id(&self, key: &str) -> Result<u64, String> {
        self.positive(key)?
            .ok_or_else(|| format!("{} is required (a positive whole number)", self.path(key)))
    }

    fn int(&self, key: &str) -> Result<Option<i64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("{} must be a whole number (got {v})", self.path(key))),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(format!(
                "{} must be true or false, not {}",
                self.path(key),
                kind_of(other)
            )),
        }
    }

    fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(format!(
                "{} must be an array, not {}",
                self.path(key),
                kind_of(other)
            )),
        }
    }

    fn strings(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        let Some(items) = self.array(key)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
                _ => Err(format!(
                    "{}[{i}] must be a non-empty string",
                    self.path(key)
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// How a place is named in messages; the top level has no path.
fn name(at: &str) -> &str {
    if at.is_empty() {
        "the file"
    } else {
        at
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

const TOP_KEYS: &[&str] = &["conversation_on_accept", "accounts", "capping", "campaigns"];
const ACCOUNT_KEYS: &[&str] = &["id", "app_installations"];
const CAPPING_KEYS: &[&str] = &[
    "sessions_per_visitor",
    "sessions_per_account",
    "window_minutes",
    "status",
];
const CAMPAIGN_KEYS: &[&str] = &["id", "name", "goal", "priority", "account", "engagements"];
const ENGAGEMENT_KEYS: &[&str] = &[
    "id",
    "name",
    "revision",
    "connector_id",
    "window_id",
    "language",
    "skill",
    "targeting",
    "availability",
    "shown_when",
];
const TARGETING_KEYS: &[&str] = &["entry_points", "sdes", "identity"];
const CONDITION_KEYS: &[&str] = &[
    "type",
    "field",
    "equals",
    "one_of",
    "greater_than",
    "less_than",
    "exists",
];
const COMPARISONS: &[&str] = &["equals", "one_of", "greater_than", "less_than", "exists"];
const SCHEDULE_KEYS: &[&str] = &["schedule", "otherwise", "utc_offset"];
const WINDOW_KEYS: &[&str] = &["days", "from", "to", "state"];
const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Reader {
    fn catalog(&mut self, value: &Value) -> Result<Catalog, String> {
        let top = Table::new(value, "", TOP_KEYS)?;
        let accounts = self.accounts(&top)?;
        let capping = match top.get("capping") {
            Some(v) => capping(v)?,
            None => CappingFile::default(),
        };
        let mut campaigns = Vec::new();
        let mut campaign_ids = HashSet::new();
        let mut engagement_ids = HashSet::new();
        for (i, item) in top.array("campaigns")?.into_iter().flatten().enumerate() {
            let at = format!("campaigns[{i}]");
            let campaign = self.campaign(item, &at, &accounts)?;
            if !campaign_ids.insert(campaign.id) {
                return Err(format!("{at}: campaign id {} is used twice", campaign.id));
            }
            for (j, engagement) in campaign.engagements.iter().enumerate() {
                if !engagement_ids.insert(engagement.id) {
                    return Err(format!(
                        "{at}.engagements[{j}]: engagement id {} is used twice (engagement ids must be unique in the file)",
                        engagement.id
                    ));
                }
            }
            campaigns.push(campaign);
        }
        if campaigns.is_empty() {
            self.warnings
                .push("no [[campaigns]]: every engagement answer will be empty".to_owned());
        }
        Ok(Catalog {
            accounts,
            campaigns,
            capping,
            conversation_on_accept: top.boolean("conversation_on_accept")?.unwrap_or(false),
        })
    }

    fn accounts(&mut self, top: &Table<'_>) -> Result<Vec<Account>, String> {
        let items = top
            .array("accounts")?
            .filter(|items| !items.is_empty())
            .ok_or("at least one [[accounts]] entry is required (id and app_installations)")?;
        let mut accounts: Vec<Account> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let table = Table::new(item, &format!("accounts[{i}]"), ACCOUNT_KEYS)?;
            let id = table
                .id_text("id")?
                .ok_or_else(|| format!("{} is required", table.path("id")))?;
            if accounts.iter().any(|a| a.id == id) {
                return Err(format!("{}: account {id} is listed twice", table.at));
            }
            let app_installations = table
                .strings("app_installations")?
                .filter(|list| !list.is_empty())
                .ok_or_else(|| {
                    format!(
                        "{} is required: the app installation ids (app keys) to accept",
                        table.path("app_installations")
                    )
                })?;
            accounts.push(Account {
                id,
                app_installations,
            });
        }
        Ok(accounts)
    }

    fn campaign(
        &mut self,
        value: &Value,
        at: &str,
        accounts: &[Account],
    ) -> Result<Campaign, String> {
        let table = Table::new(value, at, CAMPAIGN_KEYS)?;
        let id = table.required_id("id")?;
        let account = match (table.id_text("account")?, accounts) {
            (Some(account), _) => {
                if !accounts.iter().any(|a| a.id == account) {
                    return Err(format!(
                        "{}: account {account} is not among the [[accounts]]",
                        table.path("account")
                    ));
                }
                account
            }
            (None, [only]) => only.id.clone(),
            (None, _) => {
                return Err(format!(
                    "{} is required when the file lists several accounts",
                    table.path("account")
                ))
            }
        };
        let items = table
            .array("engagements")?
            .filter(|items| !items.is_empty())
            .ok_or_else(|| {
                format!(
                    "{}: a campaign needs at least one [[campaigns.engagements]] entry",
                    table.at
                )
            })?;
        let engagements = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.engagement(item, &format!("{at}.engagements[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Campaign {
            id,
            name: table
                .string("name")?
                .unwrap_or_else(|| format!("campaign {id}")),
            goal: table.string("goal")?.unwrap_or_default(),
            priority: table.int("priority")?.unwrap_or(0),
            account,
            engagements,
        })
    }

    fn engagement(&mut self, value: &Value, at: &str) -> Result<Engagement, String> {
        let table = Table::new(value, at, ENGAGEMENT_KEYS)?;
        let id = table.required_id("id")?;
        let targeting = match table.get("targeting") {
            Some(v) => self.targeting(v, &table.path("targeting"))?,
            None => Targeting::default(),
        };
        let availability = match table.get("availability") {
            Some(v) => availability(v, &table.path("availability"))?,
            None => Availability::Fixed(AgentState::Online),
        };
        let shown_when = match table.strings("shown_when")? {
            None => vec![AgentState::Online],
            Some(list) if list.is_empty() => {
                return Err(format!(
                    "{} must name at least one state (online, busy, offline)",
                    table.path("shown_when")
                ))
            }
            Some(list) => list
                .iter()
                .map(|s| state(s, &table.path("shown_when")))
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(Engagement {
            id,
            name: table
                .string("name")?
                .unwrap_or_else(|| format!("engagement {id}")),
            revision: table.uint("revision")?.unwrap_or(1),
            connector_id: table.required_id("connector_id")?,
            window_id: table.required_id("window_id")?,
            language: table
                .string("language")?
                .unwrap_or_else(|| "en-US".to_owned()),
            skill: table.string("skill")?,
            targeting,
            availability,
            shown_when,
        })
    }

    fn targeting(&mut self, value: &Value, at: &str) -> Result<Targeting, String> {
        let table = Table::new(value, at, TARGETING_KEYS)?;
        let entry_points = table
            .strings("entry_points")?
            .unwrap_or_default()
            .iter()
            .map(|text| entry_pattern(text))
            .collect();
        let mut sdes = Vec::new();
        for (i, item) in table.array("sdes")?.into_iter().flatten().enumerate() {
            sdes.push(self.condition(item, &format!("{at}.sdes[{i}]"))?);
        }
        let identity = match table.string("identity")?.as_deref() {
            None | Some("any") => Identity::Any,
            Some("authenticated") => Identity::Authenticated,
            Some("unauthenticated") => Identity::Unauthenticated,
            Some(other) => {
                return Err(format!(
                "{}: unknown identity \"{other}\" (expected any, authenticated or unauthenticated)",
                table.path("identity")
            ))
            }
        };
        Ok(Targeting {
            entry_points,
            sdes,
            identity,
        })
    }

    fn condition(&mut self, value: &Value, at: &str) -> Result<Condition, String> {
        let table = Table::new(value, at, CONDITION_KEYS)?;
        let sde_type = table.string("type")?.ok_or_else(|| {
            format!(
                "{} is required: the SDE type, e.g. \"ctmrinfo\"",
                table.path("type")
            )
        })?;
        if !sde::is_attribute_type(&sde_type) {
            return Err(format!(
                "{}: \"{sde_type}\" is not an SDE type (expected one of cart, purchase, prodView, ctmrinfo, mrktInfo, personal, lead, service, error, searchInfo)",
                table.path("type")
            ));
        }
        let path: Vec<String> = match table.string("field")? {
            None => Vec::new(),
            Some(field) => {
                let parts: Vec<String> = field.split('.').map(str::to_owned).collect();
                if parts.iter().any(|p| p.trim().is_empty()) {
                    return Err(format!(
                        "{}: \"{field}\" is not a field path (names separated by dots, e.g. \"info.ctype\")",
                        table.path("field")
                    ));
                }
                parts
            }
        };
        let given: Vec<&str> = COMPARISONS
            .iter()
            .copied()
            .filter(|k| table.get(k).is_some())
            .collect();
        let comparison = match given.as_slice() {
            [one] => *one,
            [] => {
                return Err(format!(
                    "{at}: give one comparison: {}",
                    COMPARISONS.join(", ")
                ))
            }
            several => {
                return Err(format!(
                    "{at}: give only one comparison, not {} (use two conditions for a range)",
                    several.join(" and ")
                ))
            }
        };
        let test = match comparison {
            "equals" => Test::Equals(scalar(table.get("equals"), &table.path("equals"))?),
            "one_of" => {
                let items = table
                    .array("one_of")?
                    .filter(|items| !items.is_empty())
                    .ok_or_else(|| {
                        format!("{} must list at least one value", table.path("one_of"))
                    })?;
                let values = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(Some(v), &format!("{}[{i}]", table.path("one_of"))))
                    .collect::<Result<Vec<_>, _>>()?;
                Test::OneOf(values)
            }
            "greater_than" => Test::GreaterThan(number(&table, "greater_than")?),
            "less_than" => Test::LessThan(number(&table, "less_than")?),
            _ => Test::Exists(table.boolean("exists")?.unwrap_or(true)),
        };
        if path.is_empty() && !matches!(test, Test::Exists(_)) {
            return Err(format!(
                "{}: only \"exists\" can test an SDE without a field; name a field, e.g. field = \"total\"",
                at
            ));
        }
        if !path.is_empty() && !sde::knows_path(&sde_type, &path) {
            self.warnings.push(format!(
                "{}: {sde_type} has no documented field \"{}\"; the condition only matches if pages send it",
                table.path("field"),
                path.join(".")
            ));
        }
        Ok(Condition {
            sde: sde_type,
            path,
            test,
        })
    }
}

fn scalar(value: Option<&Value>, at: &str) -> Result<Value, String> {
    match value {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => Ok(v.clone()),
        Some(other) => Err(format!(
            "{at} must be a string, number or boolean, not {}",
            kind_of(other)
        )),
        None => Err(format!("{at} is required")),
    }
}

fn number(table: &Table<'_>, key: &str) -> Result<f64, String> {
    table
        .get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("{} must be a number", table.path(key)))
}

fn entry_pattern(text: &str) -> EntryPattern {
    if let Some(section) = strip_scheme(text, "sec://") {
        EntryPattern::Section(section.to_owned())
    } else if let Some(language) = strip_scheme(text, "lang://") {
        EntryPattern::Language(language.to_owned())
    } else {
        EntryPattern::Url(text.to_owned())
    }
}

/// The rest of `text` after a case-insensitive scheme prefix.
pub fn strip_scheme<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    let head = text.get(..scheme.len())?;
    head.eq_ignore_ascii_case(scheme)
        .then(|| text.get(scheme.len()..))
        .flatten()
}

fn state(text: &str, at: &str) -> Result<AgentState, String> {
    AgentState::parse(text)
        .ok_or_else(|| format!("{at}: unknown state \"{text}\" (expected online, busy or offline)"))
}

fn availability(value: &Value, at: &str) -> Result<Availability, String> {
    if let Value::String(text) = value {
        return Ok(Availability::Fixed(state(text, at)?));
    }
    let table = Table::new(value, at, SCHEDULE_KEYS).map_err(|e| {
        format!("{e}; availability is \"online\", \"busy\", \"offline\" or a table with schedule, otherwise and utc_offset")
    })?;
    let items = table
        .array("schedule")?
        .filter(|items| !items.is_empty())
        .ok_or_else(|| format!("{} must list at least one window", table.path("schedule")))?;
    let windows = items
        .iter()
        .enumerate()
        .map(|(i, item)| window(item, &format!("{}[{i}]", table.path("schedule"))))
        .collect::<Result<Vec<_>, _>>()?;
    let otherwise = match table.string("otherwise")? {
        Some(text) => state(&text, &table.path("otherwise"))?,
        None => AgentState::Offline,
    };
    let utc_offset_minutes = match table.string("utc_offset")? {
        Some(text) => utc_offset(&text).ok_or_else(|| {
            format!(
                "{}: \"{text}\" is not an offset like \"+02:00\", \"-05:30\" or \"Z\"",
                table.path("utc_offset")
            )
        })?,
        None => 0,
    };
    Ok(Availability::Schedule(Schedule {
        utc_offset_minutes,
        windows,
        otherwise,
    }))
}

fn window(value: &Value, at: &str) -> Result<Window, String> {
    let table = Table::new(value, at, WINDOW_KEYS)?;
    let days = match table.get("days") {
        None => [true; 7],
        Some(Value::String(text)) => days(text, &table.path("days"))?,
        Some(Value::Array(items)) => {
            let mut all = [false; 7];
            for (i, item) in items.iter().enumerate() {
                let text = item.as_str().ok_or_else(|| {
                    format!(
                        "{}[{i}] must be a string like \"mon-fri\"",
                        table.path("days")
                    )
                })?;
                let some = days(text, &format!("{}[{i}]", table.path("days")))?;
                for (slot, on) in all.iter_mut().zip(some) {
                    *slot |= on;
                }
            }
            all
        }
        Some(other) => {
            return Err(format!(
                "{} must be a string like \"mon-fri\" or an array of them, not {}",
                table.path("days"),
                kind_of(other)
            ))
        }
    };
    let time = |key: &str, default: u32| -> Result<u32, String> {
        match table.string(key)? {
            None => Ok(default),
            Some(text) => minute_of_day(&text).ok_or_else(|| {
                format!(
                    "{}: \"{text}\" is not a time like \"09:00\" (00:00 to 24:00)",
                    table.path(key)
                )
            }),
        }
    };
    let from_minute = time("from", 0)?;
    let to_minute = time("to", 24 * 60)?;
    if to_minute <= from_minute {
        return Err(format!(
            "{at}: \"to\" must be later than \"from\" (split a window that crosses midnight in two)"
        ));
    }
    let state = match table.string("state")? {
        Some(text) => state(&text, &table.path("state"))?,
        None => AgentState::Online,
    };
    Ok(Window {
        days,
        from_minute,
        to_minute,
        state,
    })
}

/// `"mon-fri"`, `"sat,sun"`, `"tue"`, `"*"` → which days (Monday first).
fn days(text: &str, at: &str) -> Result<[bool; 7], String> {
    let bad =
        || format!("{at}: \"{text}\" is not a list of days like \"mon-fri\", \"sat,sun\" or \"*\"");
    // Three-letter abbreviations or full names, any case.
    let index = |name: &str| {
        let name = name.trim().to_ascii_lowercase();
        DAYS.iter()
            .position(|full| *full == name || (name.len() == 3 && full.starts_with(&name)))
    };
    let mut set = [false; 7];
    for part in text.split(',') {
        let part = part.trim();
        if part == "*" {
            set = [true; 7];
            continue;
        }
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (index(a).ok_or_else(bad)?, index(b).ok_or_else(bad)?);
                // A range may wrap around the week end ("fri-mon").
                let mut d = a;
                loop {
                    if let Some(slot) = set.get_mut(d) {
                        *slot = true;
                    }
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => {
                let d = index(part).ok_or_else(bad)?;
                if let Some(slot) = set.get_mut(d) {
                    *slot = true;
                }
            }
        }
    }
    Ok(set)
}

/// `"09:30"` → 570; `"24:00"` is the end of the day.
fn minute_of_day(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let total = h * 60 + m;
    (m < 60 && total <= 24 * 60).then_some(total)
}

/// `"+02:00"`, `"-05:30"`, `"Z"` → minutes east of UTC.
fn utc_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, text.get(1..)?),
        b'-' => (-1, text.get(1..)?),
        _ => return None,
    };
    let minutes = i32::try_from(minute_of_day(rest)?).ok()?;
    (minutes <= 14 * 60).then_some(sign * minutes)
}

fn capping(value: &Value) -> Result<CappingFile, String> {
    let table = Table::new(value, "capping", CAPPING_KEYS)?;
    let limit = |key: &str| -> Result<Option<u32>, String> {
        match table.positive(key)? {
            None => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| format!("{} is too large", table.path(key))),
        }
    };
    let status = match table.uint("status")? {
        None => None,
        Some(s @ 500..=599) => u16::try_from(s).ok(),
        Some(other) => {
            return Err(format!(
                "{}: {other} is not a 5xx status (the real server answers capped calls with 5xx)",
                table.path("status")
            ))
        }
    };
    Ok(CappingFile {
        sessions_per_visitor: limit("sessions_per_visitor")?,
        sessions_per_account: limit("sessions_per_account")?,
        window_minutes: table.positive("window_minutes")?,
        status,
    })
}

#[cfg(test)]
#[path = "campaign_file_tests.rs"]
mod tests;
