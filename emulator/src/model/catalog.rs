//! What the emulator offers: accounts, campaigns and their engagements with targeting rules.
//!
//! Built from a campaign file (`campaign_file.rs`) or, without one, from `--account` and
//! `--app-installation-id` with the single built-in campaign. Never changes while running; what
//! does change (availability overrides, conversations) lives in the shared state.

use serde_json::Value;

/// Everything a campaign file describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub accounts: Vec<Account>,
    /// In file order; that order breaks ties between campaigns of equal priority.
    pub campaigns: Vec<Campaign>,
    pub capping: CappingFile,
    /// Whether an `impAccept` opens a conversation for the visitor.
    pub conversation_on_accept: bool,
}

/// An account and the app installations (app keys) the Monitoring API accepts for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub app_installations: Vec<String>,
}

/// A campaign: a goal, a priority, and engagements.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: u64,
    pub name: String,
    pub goal: String,
    /// Higher wins.
    pub priority: i64,
    pub account: String,
    /// In file order; the first eligible one of a campaign is the campaign's candidate.
    pub engagements: Vec<Engagement>,
}

/// One engagement and the rules that decide who is offered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Engagement {
    pub id: u64,
    pub name: String,
    pub revision: u64,
    pub connector_id: u64,
    pub window_id: u64,
    pub language: String,
    /// The skill that answers its conversations (a name, shown in traces and the funnel).
    pub skill: Option<String>,
    pub targeting: Targeting,
    pub availability: Availability,
    /// The agent states in which the engagement is offered; `[Online]` unless the file says.
    pub shown_when: Vec<AgentState>,
}

/// Who an engagement is for. Every part must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Targeting {
    /// Empty: every page. Otherwise one of the call's entry points must match one pattern.
    pub entry_points: Vec<EntryPattern>,
    /// All must hold.
    pub sdes: Vec<Condition>,
    pub identity: Identity,
}

/// An entry point pattern. Sections and languages compare without regard to case; URL patterns
/// are globs in which `*` stands for any run of characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryPattern {
    Section(String),
    Language(String),
    Url(String),
}

impl EntryPattern {
    /// The pattern as written in the file.
    pub fn text(&self) -> String {
        match self {
            EntryPattern::Section(name) => format!("sec://{name}"),
            EntryPattern::Language(name) => format!("lang://{name}"),
            EntryPattern::Url(glob) => glob.clone(),
        }
    }
}

/// A test on the SDEs the session has: `type` + field path + comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The SDE type, e.g. `ctmrinfo`.
    pub sde: String,
    /// Field names below the SDE object, e.g. `["info", "ctype"]`; empty for the SDE itself.
    pub path: Vec<String>,
    pub test: Test,
}

/// How a field is compared.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Equals(Value),
    OneOf(Vec<Value>),
    GreaterThan(f64),
    LessThan(f64),
    /// `true`: the field is there (not null); `false`: it is not.
    Exists(bool),
}

impl Condition {
    /// The condition in the short form traces and the README use: `cart.total > 100`.
    pub fn text(&self) -> String {
        let mut subject = self.sde.clone();
        for part in &self.path {
            subject.push('.');
            subject.push_str(part);
        }
        match &self.test {
            Test::Equals(v) => format!("{subject} == {v}"),
            Test::OneOf(vs) => format!("{subject} in {}", Value::Array(vs.clone())),
            Test::GreaterThan(n) => format!("{subject} > {}", number_text(*n)),
            Test::LessThan(n) => format!("{subject} < {}", number_text(*n)),
            Test::Exists(true) => format!("{subject} exists"),
            Test::Exists(false) => format!("{subject} is absent"),
        }
    }
}

/// `100` rather than `100.0` for whole numbers.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether an engagement is for authenticated consumers, unauthenticated ones, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Identity {
    #[default]
    Any,
    Authenticated,
    Unauthenticated,
}

impl Identity {
    pub fn as_str(self) -> &'static str {
        match self {
            Identity::Any => "any",
            Identity::Authenticated => "authenticated",
            Identity::Unauthenticated => "unauthenticated",
        }
    }
}

/// Whether agents can take conversations from an engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentState {
    Online,
    Busy,
    Offline,
}

impl AgentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Online => "online",
            AgentState::Busy => "busy",
            AgentState::Offline => "offline",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "online" => Some(AgentState::Online),
            "busy" => Some(AgentState::Busy),
            "offline" => Some(AgentState::Offline),
            _ => None,
        }
    }
}

/// An engagement's agent state: fixed, or following a weekly schedule on the emulator clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Fixed(AgentState),
    Schedule(Schedule),
}

/// A weekly schedule: the first window that contains the moment gives the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Minutes east of UTC in which the windows are written.
    pub utc_offset_minutes: i32,
    pub windows: Vec<Window>,
    /// The state outside every window.
    pub otherwise: AgentState,
}

/// Days of the week (Monday = 0) and minutes of the day `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub days: [bool; 7],
    pub from_minute: u32,
    pub to_minute: u32,
    pub state: AgentState,
}

/// Capping limits a file may set (flags take precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CappingFile {
    pub sessions_per_visitor: Option<u32>,
    pub sessions_per_account: Option<u32>,
    pub window_minutes: Option<u64>,
    pub status: Option<u16>,
}

/// The engagement offered to everyone when no campaign file is given. Ids are numbers above
/// 2^31, like the real ones.
pub fn builtin(account: &str, app_installation_id: &str) -> Catalog {
    Catalog {
        accounts: vec![Account {
            id: account.to_owned(),
            app_installations: vec![app_installation_id.to_owned()],
        }],
        campaigns: vec![Campaign {
            id: 2_739_012_212,
            name: "Built-in campaign".to_owned(),
            goal: "Engage every visitor".to_owned(),
            priority: 0,
            account: account.to_owned(),
            engagements: vec![Engagement {
                id: 2_739_012_312,
                name: "Message us".to_owned(),
                revision: 4,
                connector_id: 2_739_011_112,
                window_id: 2_739_011_012,
                language: "en-US".to_owned(),
                skill: None,
                targeting: Targeting::default(),
                availability: Availability::Fixed(AgentState::Online),
                shown_when: vec![AgentState::Online],
            }],
        }],
        capping: CappingFile::default(),
        conversation_on_accept: false,
    }
}

impl Catalog {
    /// Whether the account exists and accepts this app installation.
    pub fn accepts(&self, account: &str, installation: &str) -> bool {
        self.accounts
            .iter()
            .any(|a| a.id == account && a.app_installations.iter().any(|i| i == installation))
    }

    /// The first account and its first app installation: what the demo pages are filled with.
    pub fn first_pair(&self) -> Option<(&str, &str)> {
        let account = self.accounts.first()?;
        Some((
            account.id.as_str(),
            account.app_installations.first()?.as_str(),
        ))
    }

    /// The campaign and engagement with this engagement id.
    pub fn engagement(&self, id: u64) -> Option<(&Campaign, &Engagement)> {
        self.campaigns
            .iter()
            .find_map(|c| c.engagements.iter().find(|e| e.id == id).map(|e| (c, e)))
    }

    /// Every engagement with its campaign, in file order.
    pub fn engagements(&self) -> impl Iterator<Item = (&Campaign, &Engagement)> {
        self.campaigns
            .iter()
            .flat_map(|c| c.engagements.iter().map(move |e| (c, e)))
    }
}
