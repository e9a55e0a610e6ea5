//! Campaign files: the example parses to what it says; bad files fail with a message that
//! names the place and the fix.

use super::*;
use serde_json::json;

const ACCOUNT: &str = r#"
[[accounts]]
id = "12345678"
app_installations = ["app-1"]
"#;

fn toml(body: &str) -> Result<Loaded, String> {
    parse(&format!("{ACCOUNT}{body}"), Format::Toml)
}

fn error(body: &str) -> String {
    match toml(body) {
        Ok(loaded) => panic!("expected an error, got {loaded:?}"),
        Err(e) => e,
    }
}

const ENGAGEMENT: &str = "id = 11\nconnector_id = 5\nwindow_id = 6\n";

#[test]
fn the_example_file_parses_and_tells_the_demo_story() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns.example.toml");
    let loaded = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.warnings, Vec::<String>::new());
    let catalog = loaded.catalog;
    assert!(catalog.conversation_on_accept);
    assert!(catalog.accepts("12345678", "8de29e3d-25b1-4d08-b713-8331ab222bfa"));
    assert!(!catalog.accepts("12345678", "other"));
    let names: Vec<&str> = catalog
        .engagements()
        .map(|(_, e)| e.name.get(..1).unwrap_or(""))
        .collect();
    assert_eq!(names, ["A", "D", "B", "C", "E", "F", "G"]);
    let (vip_campaign, vip) = catalog
        .engagement(3_100_000_031)
        .unwrap_or_else(|| panic!("B"));
    assert_eq!(vip_campaign.priority, 30);
    assert_eq!(
        vip.targeting.sdes,
        [Condition {
            sde: "ctmrinfo".to_owned(),
            path: vec!["info".to_owned(), "ctype".to_owned()],
            test: Test::Equals(json!("vip")),
        }]
    );
    let (_, sport) = catalog
        .engagement(3_100_000_041)
        .unwrap_or_else(|| panic!("C"));
    assert_eq!(
        sport.targeting.entry_points,
        [EntryPattern::Section("Sport".to_owned())]
    );
    let (_, video) = catalog
        .engagement(3_100_000_051)
        .unwrap_or_else(|| panic!("E"));
    assert_eq!(video.availability, Availability::Fixed(AgentState::Offline));
    let (_, members) = catalog
        .engagement(3_100_000_061)
        .unwrap_or_else(|| panic!("F"));
    assert_eq!(members.targeting.identity, Identity::Authenticated);
    assert_eq!(members.shown_when, [AgentState::Online, AgentState::Busy]);
    match &members.availability {
        Availability::Schedule(s) => {
            assert_eq!(s.utc_offset_minutes, 60);
            assert_eq!(s.windows.len(), 2);
            assert_eq!(
                s.windows
                    .first()
                    .map(|w| (w.days, w.from_minute, w.to_minute)),
                Some(([true, true, true, true, true, false, false], 540, 1020))
            );
        }
        other => panic!("schedule expected, got {other:?}"),
    }
    assert_eq!(catalog.capping.sessions_per_visitor, Some(20));
    assert_eq!(catalog.capping.status, Some(503));
}

#[test]
fn json_files_use_the_same_schema() {
    let text = json!({
        "accounts": [{"id": 12345678, "app_installations": ["app-1"]}],
        "campaigns": [{
            "id": 1, "priority": 5,
            "engagements": [{
                "id": 11, "connector_id": 5, "window_id": 6,
                "targeting": {
                    "entry_points": ["lang://English", "https://shop.example/*"],
                    "sdes": [
                        {"type": "cart", "field": "total", "greater_than": 100},
                        {"type": "mrktInfo", "field": "info.channel", "one_of": [1, "2"]},
                        {"type": "purchase", "exists": true}
                    ],
                    "identity": "unauthenticated"
                },
                "availability": "busy",
                "shown_when": ["busy"]
            }]
        }]
    })
    .to_string();
    let loaded = parse(&text, Format::Json).unwrap_or_else(|e| panic!("{e}"));
    let catalog = loaded.catalog;
    // A numeric account id is read as its digits.
    assert!(catalog.accepts("12345678", "app-1"));
    let (campaign, e) = catalog
        .engagement(11)
        .unwrap_or_else(|| panic!("engagement"));
    assert_eq!(campaign.account, "12345678");
    assert_eq!(campaign.name, "campaign 1");
    assert_eq!(e.language, "en-US");
    assert_eq!(e.revision, 1);
    assert_eq!(
        e.targeting.entry_points,
        [
            EntryPattern::Language("English".to_owned()),
            EntryPattern::Url("https://shop.example/*".to_owned())
        ]
    );
    let rules: Vec<String> = e.targeting.sdes.iter().map(Condition::text).collect();
    assert_eq!(
        rules,
        [
            "cart.total > 100",
            "mrktInfo.info.channel in [1,\"2\"]",
            "purchase exists"
        ]
    );
    assert_eq!(e.targeting.identity, Identity::Unauthenticated);
    assert_eq!(e.availability, Availability::Fixed(AgentState::Busy));
}

#[test]
fn syntax_errors_name_the_line() {
    let e = parse("[[accounts]\nid = 1", Format::Toml)
        .err()
        .unwrap_or_default();
    assert!(e.starts_with("not valid TOML"), "{e}");
    assert!(e.contains("line 1"), "{e}");
    let e = parse("{\"accounts\": [}", Format::Json)
        .err()
        .unwrap_or_default();
    assert!(e.starts_with("not valid JSON"), "{e}");
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn bad_files_say_where_and_what() {
    let cases: &[(&str, &str)] = &[
        (
            "[[campaigns]]\nid = 1\npriorty = 3\n",
            "campaigns[0]: unknown key \"priorty\" (expected one of: id, name, goal, priority, account, engagements)",
        ),
        (
            "[[campaigns]]\nid = 1\n",
            "campaigns[0]: a campaign needs at least one [[campaigns.engagements]] entry",
        ),
        (
            "[[campaigns]]\nid = 0\n",
            "campaigns[0].id must be 1 or more",
        ),
        (
            "[[campaigns]]\nid = \"x\"\n",
            "campaigns[0].id must be a whole number, 0 or more (got \"x\")",
        ),
        (
            "[[campaigns]]\nid = 1\naccount = \"999\"\n[[campaigns.engagements]]\nid = 11\n",
            "campaigns[0].account: account 999 is not among the [[accounts]]",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\n",
            "campaigns[0].engagements[0].connector_id is required (a positive whole number)",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\navailability = \"away\"\n",
            "campaigns[0].engagements[0].availability: unknown state \"away\" (expected online, busy or offline)",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.identity = \"guest\"\n",
            "campaigns[0].engagements[0].targeting.identity: unknown identity \"guest\" (expected any, authenticated or unauthenticated)",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"basket\", field = \"total\", equals = 1 }]\n",
            "campaigns[0].engagements[0].targeting.sdes[0].type: \"basket\" is not an SDE type",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"impDisplay\", exists = true }]\n",
            "\"impDisplay\" is not an SDE type",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"cart\", field = \"total\" }]\n",
            "campaigns[0].engagements[0].targeting.sdes[0]: give one comparison: equals, one_of, greater_than, less_than, exists",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"cart\", field = \"total\", greater_than = 1, less_than = 5 }]\n",
            "give only one comparison, not greater_than and less_than (use two conditions for a range)",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"cart\", field = \"total\", greater_than = \"100\" }]\n",
            "campaigns[0].engagements[0].targeting.sdes[0].greater_than must be a number",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"cart\", equals = 3 }]\n",
            "only \"exists\" can test an SDE without a field",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\ntargeting.sdes = [{ type = \"cart\", field = \"a..b\", exists = true }]\n",
            "is not a field path",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\n[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 12\nconnector_id = 5\nwindow_id = 6\n",
            "campaigns[1]: campaign id 1 is used twice",
        ),
        (
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\n[[campaigns]]\nid = 2\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\n",
            "campaigns[1].engagements[0]: engagement id 11 is used twice",
        ),
        (
            "[capping]\nstatus = 429\n",
            "capping.status: 429 is not a 5xx status",
        ),
        (
            "[capping]\nsessions_per_visitr = 3\n",
            "capping: unknown key \"sessions_per_visitr\"",
        ),
    ];
    for (body, want) in cases {
        let got = error(body);
        assert!(
            got.contains(want),
            "for\n{body}\nwanted …{want}…\ngot {got}"
        );
    }
    let e = parse("[[campaigns]]\nid = 1\n", Format::Toml)
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("at least one [[accounts]] entry is required"),
        "{e}"
    );
    let e = parse("[[accounts]]\nid = \"1\"\n", Format::Toml)
        .err()
        .unwrap_or_default();
    assert_eq!(
        e,
        "accounts[0].app_installations is required: the app installation ids (app keys) to accept"
    );
}

#[test]
fn schedules_and_their_mistakes() {
    let with = |availability: &str| {
        toml(&format!(
            "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\n{ENGAGEMENT}{availability}\n"
        ))
    };
    let loaded = with(
        "availability = { utc_offset = \"-05:30\", otherwise = \"busy\", schedule = [{ days = [\"sat\", \"Sunday\"], from = \"10:00\", to = \"24:00\" }, { days = \"fri-mon\" }] }",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, e) = loaded
        .catalog
        .engagement(11)
        .unwrap_or_else(|| panic!("11"));
    let Availability::Schedule(s) = &e.availability else {
        panic!("schedule expected");
    };
    assert_eq!(s.utc_offset_minutes, -330);
    assert_eq!(s.otherwise, AgentState::Busy);
    let days: Vec<[bool; 7]> = s.windows.iter().map(|w| w.days).collect();
    assert_eq!(
        days,
        [
            [false, false, false, false, false, true, true],
            [true, false, false, false, true, true, true]
        ]
    );
    assert_eq!(
        s.windows
            .iter()
            .map(|w| (w.from_minute, w.to_minute, w.state))
            .collect::<Vec<_>>(),
        [
            (600, 1440, AgentState::Online),
            (0, 1440, AgentState::Online)
        ]
    );

    for (bad, want) in [
        (
            "availability = { schedule = [] }",
            "availability.schedule must list at least one window",
        ),
        (
            "availability = { schedule = [{ days = \"someday\" }] }",
            "availability.schedule[0].days: \"someday\" is not a list of days",
        ),
        (
            "availability = { schedule = [{ from = \"9\" }] }",
            "availability.schedule[0].from: \"9\" is not a time like \"09:00\"",
        ),
        (
            "availability = { schedule = [{ from = \"18:00\", to = \"09:00\" }] }",
            "\"to\" must be later than \"from\"",
        ),
        (
            "availability = { schedule = [{ state = \"away\" }] }",
            "unknown state \"away\"",
        ),
        (
            "availability = { utc_offset = \"CET\", schedule = [{}] }",
            "availability.utc_offset: \"CET\" is not an offset",
        ),
        ("availability = { when = 1 }", "unknown key \"when\""),
        ("availability = 3", "availability must be a table"),
        ("shown_when = []", "shown_when must name at least one state"),
    ] {
        let got = with(bad).err().unwrap_or_default();
        assert!(got.contains(want), "for {bad}: wanted …{want}…, got {got}");
    }
}

#[test]
fn undocumented_fields_only_warn() {
    let loaded = toml(&format!(
        "[[campaigns]]\nid = 1\n[[campaigns.engagements]]\n{ENGAGEMENT}targeting.sdes = [{{ type = \"ctmrinfo\", field = \"info.cytpe\", equals = \"vip\" }}, {{ type = \"cart\", field = \"products.product.price\", greater_than = 5 }}]\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        loaded.warnings,
        ["campaigns[0].engagements[0].targeting.sdes[0].field: ctmrinfo has no documented field \"info.cytpe\"; the condition only matches if pages send it"]
    );
}

#[test]
fn several_accounts_need_campaigns_to_say_which() {
    let text = "[[accounts]]\nid = \"1\"\napp_installations = [\"a\"]\n[[accounts]]\nid = \"2\"\napp_installations = [\"b\", \"c\"]\n[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 11\nconnector_id = 5\nwindow_id = 6\n";
    let e = parse(text, Format::Toml).err().unwrap_or_default();
    assert_eq!(
        e,
        "campaigns[0].account is required when the file lists several accounts"
    );
    let fixed = text.replace(
        "[[campaigns]]\nid = 1\n",
        "[[campaigns]]\nid = 1\naccount = \"2\"\n",
    );
    let catalog = parse(&fixed, Format::Toml)
        .unwrap_or_else(|e| panic!("{e}"))
        .catalog;
    assert!(catalog.accepts("2", "c"));
    assert!(!catalog.accepts("1", "c"));
    assert_eq!(catalog.first_pair(), Some(("1", "a")));
    assert_eq!(
        catalog.campaigns.first().map(|c| c.account.as_str()),
        Some("2")
    );
}

#[test]
fn the_readme_sample_parses() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap_or_else(|e| panic!("{e}"));
    let start = readme
        .find("```toml\n")
        .unwrap_or_else(|| panic!("no toml sample"))
        + 8;
    let sample = readme.get(start..).unwrap_or_default();
    let sample = sample
        .get(..sample.find("```").unwrap_or(0))
        .unwrap_or_default();
    let loaded = toml(sample).unwrap_or_else(|e| panic!("{e}\n{sample}"));
    assert_eq!(loaded.warnings, Vec::<String>::new());
    let (campaign, e) = loaded
        .catalog
        .engagement(3_100_000_031)
        .unwrap_or_else(|| panic!("engagement"));
    assert_eq!(campaign.priority, 30);
    assert_eq!(e.targeting.sdes.len(), 2);
    assert_eq!(e.shown_when, [AgentState::Online, AgentState::Busy]);
    assert!(matches!(e.availability, Availability::Schedule(_)));
}
