//! Rule evaluation against the example campaign file and small hand-made catalogs.

use super::*;
use crate::model::campaign_file::{self, Format};
use crate::model::catalog::AgentState;
use serde_json::json;

const A: u64 = 3_100_000_011;
const D: u64 = 3_100_000_021;
const B: u64 = 3_100_000_031;
const C: u64 = 3_100_000_041;
const E: u64 = 3_100_000_051;
const F: u64 = 3_100_000_061;
const G: u64 = 3_100_000_071;

fn example() -> Catalog {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns.example.toml");
    campaign_file::load(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .catalog
}

/// 2024-01-01 00:00 UTC, a Monday; 10:00 at UTC+01:00 is 09:00 UTC.
const MONDAY: u64 = 1_704_067_200_000;
const HOUR: u64 = 3_600_000;

struct Case<'a> {
    entry_points: &'a [&'a str],
    sdes: &'a [Value],
    authenticated: bool,
    now: u64,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Self {
            entry_points: &["https://shop.example/"],
            sdes: &[],
            authenticated: false,
            // Sunday 03:00: the members line is offline.
            now: MONDAY - 21 * HOUR,
        }
    }
}

fn winner(catalog: &Catalog, overrides: &Overrides, case: &Case<'_>) -> Option<u64> {
    let entry_points: Vec<String> = case.entry_points.iter().map(|s| (*s).to_owned()).collect();
    let sdes = MergedSdes::from_events(
        case.sdes
            .iter()
            .map(|s| (s["type"].as_str().unwrap_or(""), s)),
    );
    let visit = Visit {
        account: "12345678",
        entry_points: &entry_points,
        sdes: &sdes,
        authenticated: case.authenticated,
        now_ms: case.now,
    };
    let decision = decide(catalog, overrides, &visit);
    assert_eq!(
        decision.candidates.len(),
        7,
        "every engagement is evaluated"
    );
    decision.chosen().map(|c| c.engagement.id)
}

fn vip() -> Value {
    json!({"type": "ctmrinfo", "info": {"ctype": "vip"}})
}

fn cart(total: f64) -> Value {
    json!({"type": "cart", "total": total, "numItems": 2})
}

#[test]
fn the_example_story() {
    let catalog = example();
    let none = Overrides::default();
    let win = |case: Case<'_>| winner(&catalog, &none, &case);
    assert_eq!(win(Case::default()), Some(A), "plain visitor");
    assert_eq!(
        win(Case {
            sdes: &[cart(250.0)],
            ..Case::default()
        }),
        Some(D)
    );
    assert_eq!(
        win(Case {
            sdes: &[cart(100.0)],
            ..Case::default()
        }),
        Some(A),
        "> is strict"
    );
    assert_eq!(
        win(Case {
            sdes: &[cart(250.0), vip()],
            ..Case::default()
        }),
        Some(B)
    );
    assert_eq!(
        win(Case {
            entry_points: &["https://shop.example/run", "sec://Sport"],
            sdes: &[cart(250.0), vip()],
            ..Case::default()
        }),
        Some(C)
    );
    assert_eq!(
        win(Case {
            entry_points: &["SEC://sport"],
            ..Case::default()
        }),
        Some(C),
        "sections ignore case"
    );
    assert_eq!(
        win(Case {
            entry_points: &["https://shop.example/Sport"],
            ..Case::default()
        }),
        Some(A),
        "a URL is not a section"
    );
}

#[test]
fn the_offline_engagement_is_never_chosen_unless_agents_come_online() {
    let catalog = example();
    let mut overrides = Overrides::default();
    let all_sdes = [
        cart(999.0),
        vip(),
        json!({"type": "mrktInfo", "info": {"channel": 1}}),
    ];
    for sdes in [&[][..], &all_sdes[..]] {
        for authenticated in [false, true] {
            for entry_points in [
                &["https://shop.example/help"][..],
                &["sec://Sport"][..],
                &[][..],
            ] {
                let case = Case {
                    entry_points,
                    sdes,
                    authenticated,
                    now: MONDAY + 9 * HOUR,
                };
                assert_ne!(winner(&catalog, &overrides, &case), Some(E));
            }
        }
    }
    overrides.set(E, Some(AgentState::Online));
    assert_eq!(winner(&catalog, &overrides, &Case::default()), Some(E));
    overrides.set(E, Some(AgentState::Busy));
    assert_eq!(
        winner(&catalog, &overrides, &Case::default()),
        Some(A),
        "shown only when online"
    );
    overrides.set(E, None);
    assert_eq!(winner(&catalog, &overrides, &Case::default()), Some(A));
}

#[test]
fn identity_and_schedule() {
    let catalog = example();
    let none = Overrides::default();
    let at = |now: u64, authenticated: bool| {
        winner(
            &catalog,
            &none,
            &Case {
                authenticated,
                now,
                ..Case::default()
            },
        )
    };
    // Monday 10:00 at UTC+01:00 = 09:00 UTC: online, authenticated only.
    assert_eq!(at(MONDAY + 9 * HOUR, true), Some(F));
    assert_eq!(at(MONDAY + 9 * HOUR, false), Some(A));
    // 08:59 local: before the window.
    assert_eq!(at(MONDAY + 8 * HOUR - 60_000, true), Some(A));
    // Saturday 11:00 local: busy, and F is shown when busy too.
    assert_eq!(at(MONDAY + 5 * 24 * HOUR + 10 * HOUR, true), Some(F));
    // Sunday: offline.
    assert_eq!(at(MONDAY + 6 * 24 * HOUR + 10 * HOUR, true), Some(A));
}

#[test]
fn url_patterns_and_loose_numbers() {
    let catalog = example();
    let none = Overrides::default();
    let search = json!({"type": "mrktInfo", "info": {"channel": "1"}});
    let social = json!({"type": "mrktInfo", "info": {"channel": 2}});
    let case = |entry_points, sdes| Case {
        entry_points,
        sdes,
        ..Case::default()
    };
    let sdes = [search];
    assert_eq!(
        winner(
            &catalog,
            &none,
            &case(&["https://shop.example/help/returns"], &sdes)
        ),
        Some(G),
        "\"1\" equals 1"
    );
    assert_eq!(
        winner(&catalog, &none, &case(&["sec://help"], &sdes)),
        Some(G)
    );
    assert_eq!(
        winner(
            &catalog,
            &none,
            &case(&["https://shop.example/shoes"], &sdes)
        ),
        Some(A)
    );
    assert_eq!(
        winner(
            &catalog,
            &none,
            &case(&["https://shop.example/help"], &[social])
        ),
        Some(A)
    );
}

#[test]
fn replace_and_append_decide_what_rules_see() {
    let text = r#"
[[accounts]]
id = "12345678"
app_installations = ["app"]
[[campaigns]]
id = 1
priority = 2
  [[campaigns.engagements]]
  id = 11
  connector_id = 1
  window_id = 1
  targeting.sdes = [{ type = "purchase", field = "total", greater_than = 100 }]
[[campaigns]]
id = 2
priority = 1
  [[campaigns.engagements]]
  id = 21
  connector_id = 1
  window_id = 1
  targeting.sdes = [{ type = "ctmrinfo", field = "info.ctype", equals = "vip" }]
"#;
    let catalog = campaign_file::parse(text, Format::Toml)
        .unwrap_or_else(|e| panic!("{e}"))
        .catalog;
    let none = Overrides::default();
    let pick = |sdes: &[Value]| {
        let merged =
            MergedSdes::from_events(sdes.iter().map(|s| (s["type"].as_str().unwrap_or(""), s)));
        let visit = Visit {
            account: "12345678",
            entry_points: &[],
            sdes: &merged,
            authenticated: false,
            now_ms: 0,
        };
        decide(&catalog, &none, &visit)
            .chosen()
            .map(|c| c.engagement.id)
    };
    // ctmrinfo replaces: a later one without ctype "vip" ends the VIP status.
    assert_eq!(pick(&[vip()]), Some(21));
    assert_eq!(
        pick(&[vip(), json!({"type": "ctmrinfo", "info": {"cstatus": "x"}})]),
        None
    );
    // purchase appends: an early large purchase still counts after a small one.
    let big = json!({"type": "purchase", "total": 500});
    let small = json!({"type": "purchase", "total": 5});
    assert_eq!(pick(&[big.clone(), small.clone()]), Some(11));
    assert_eq!(pick(&[small]), None);
    // The same priority order applies: the purchase campaign (2) beats VIP (1).
    assert_eq!(pick(&[vip(), big]), Some(11));
}

#[test]
fn checks_explain_each_rule() {
    let catalog = example();
    let none = Overrides::default();
    let sdes = MergedSdes::from_events([(
        "ctmrinfo",
        &json!({"type": "ctmrinfo", "info": {"ctype": "regular"}}),
    )]);
    let visit = Visit {
        account: "12345678",
        entry_points: &["https://shop.example/".to_owned()],
        sdes: &sdes,
        authenticated: false,
        now_ms: 0,
    };
    let decision = decide(&catalog, &none, &visit);
    let find = |id: u64| {
        decision
            .candidates
            .iter()
            .find(|c| c.engagement.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let b = find(B);
    assert!(!b.eligible());
    let failed: Vec<(&str, &str)> = b
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| (c.rule.as_str(), c.detail.as_str()))
        .collect();
    assert_eq!(
        failed,
        [("ctmrinfo.info.ctype == \"vip\"", "got \"regular\"")]
    );
    let c = find(C);
    assert_eq!(
        c.checks
            .first()
            .map(|c| (c.rule.as_str(), c.passed, c.detail.as_str())),
        Some(("sec://Sport", false, "the call had https://shop.example/"))
    );
    let d = find(D);
    assert_eq!(
        d.checks.get(1).map(|c| c.detail.as_str()),
        Some("no cart SDE received")
    );
    let e = find(E);
    assert_eq!(
        e.checks
            .last()
            .map(|c| (c.rule.as_str(), c.passed, c.detail.as_str())),
        Some(("shown when online", false, "agents are offline (file)"))
    );
    let f = find(F);
    assert!(f.checks.iter().any(|c| c.kind == "identity"
        && !c.passed
        && c.detail == "the consumer is unauthenticated"));
    assert_eq!(decision.chosen().map(|c| c.engagement.id), Some(A));
}

#[test]
fn comparisons() {
    let check = |test: Test, field: &str, sde: Value| {
        let condition = Condition {
            sde: sde["type"].as_str().unwrap_or("").to_owned(),
            path: field
                .split('.')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            test,
        };
        let merged = MergedSdes::from_events([(condition.sde.as_str(), &sde)]);
        sde_check(&condition, &merged).passed
    };
    let cart = json!({"type": "cart", "total": 250, "numItems": 2,
        "products": [{"product": {"price": 20, "category": "shoes"}}, {"product": {"price": 230, "category": "tents"}}]});
    assert!(check(Test::GreaterThan(100.0), "total", cart.clone()));
    assert!(!check(Test::LessThan(100.0), "total", cart.clone()));
    assert!(check(Test::LessThan(251.0), "total", cart.clone()));
    assert!(check(Test::Equals(json!(250.0)), "total", cart.clone()));
    assert!(!check(Test::Equals(json!("250")), "numItems", cart.clone()));
    // Arrays are stepped through: any product.
    assert!(check(
        Test::Equals(json!("tents")),
        "products.product.category",
        cart.clone()
    ));
    assert!(check(
        Test::GreaterThan(200.0),
        "products.product.price",
        cart.clone()
    ));
    assert!(!check(
        Test::GreaterThan(300.0),
        "products.product.price",
        cart.clone()
    ));
    assert!(check(
        Test::OneOf(vec![json!("bikes"), json!("shoes")]),
        "products.product.category",
        cart.clone()
    ));
    assert!(!check(
        Test::OneOf(vec![json!("bikes")]),
        "products.product.category",
        cart.clone()
    ));
    assert!(check(Test::Exists(true), "numItems", cart.clone()));
    assert!(check(Test::Exists(false), "currency", cart.clone()));
    assert!(!check(Test::Exists(true), "currency", cart.clone()));
    assert!(check(Test::Exists(true), "", cart.clone()));
    // Strings compare exactly; booleans with booleans.
    let info = json!({"type": "ctmrinfo", "info": {"ctype": "VIP", "loginStatus": true, "storeNumber": "007"}});
    assert!(!check(
        Test::Equals(json!("vip")),
        "info.ctype",
        info.clone()
    ));
    assert!(check(
        Test::Equals(json!(true)),
        "info.loginStatus",
        info.clone()
    ));
    assert!(!check(
        Test::Equals(json!("true")),
        "info.loginStatus",
        info.clone()
    ));
    assert!(check(
        Test::Equals(json!(7)),
        "info.storeNumber",
        info.clone()
    ));
    assert!(!check(Test::Equals(json!("7")), "info.storeNumber", info));
}

#[test]
fn globs() {
    for (glob, text, want) in [
        ("https://shop.example/", "https://shop.example/", true),
        ("https://shop.example/", "https://shop.example/x", false),
        ("https://shop.example/*", "https://shop.example/", true),
        ("*/help*", "https://a.example/help/returns", true),
        ("*/help*", "https://a.example/helpdesk", true),
        ("*/help*", "https://a.example/x", false),
        (
            "https://*.example/*/cart",
            "https://www.example/en/cart",
            true,
        ),
        (
            "https://*.example/*/cart",
            "https://www.example/en/cart/x",
            false,
        ),
        ("a*b*b", "abb", true),
        ("a*b*b", "ab", false),
        ("*", "", true),
    ] {
        assert_eq!(glob_matches(glob, text), want, "{glob} vs {text}");
    }
}

#[test]
fn authentication() {
    assert!(!is_authenticated(
        &[json!({"iss": "LivePerson", "acr": "0", "sub": "x"})],
        None
    ));
    assert!(is_authenticated(
        &[json!({"iss": "brand", "acr": "loa1", "sub": "x"})],
        None
    ));
    assert!(is_authenticated(&[], Some("c-1")));
    assert!(!is_authenticated(&[], Some("")));
}
