//! The built binary: its ready line, its --help, and a clean stop on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_lpmon-emulator");

fn addr_of(url: &str) -> SocketAddr {
    url.strip_prefix("http://").unwrap().parse().unwrap()
}

#[tokio::test]
async fn prints_one_ready_line_serves_and_stops_on_sigterm() {
    let root = temp_dir("bin");
    std::fs::create_dir_all(root.join("www")).unwrap();
    std::fs::write(root.join("www/index.html"), "<p>%LPMON_API%</p>").unwrap();

    let mut child = Command::new(BIN)
        .args([
            "--site-port",
            "0",
            "--api-port",
            "0",
            "--log",
            "warn",
            "--root",
        ])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("ready line in time")
        .unwrap()
        .expect("a line");

    let ready: Value = serde_json::from_str(&line).unwrap();
    let site = ready["site"].as_str().unwrap().to_owned();
    let api = ready["api"].as_str().unwrap().to_owned();
    assert!(line.starts_with(r#"{"site":"http://127.0.0.1:"#), "{line}");
    assert!(api.starts_with("http://127.0.0.1:"));
    assert_ne!(site, api);

    let page = raw(addr_of(&site), &http("GET", "/", &[], "")).await;
    assert_eq!(raw_status(&page), Some(200), "{page}");
    assert!(page.ends_with(&format!("<p>{api}</p>")), "{page}");

    let stats = raw(addr_of(&api), &http("GET", "/__emulator/stats", &[], "")).await;
    assert_eq!(raw_status(&stats), Some(200), "{stats}");

    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops in time")
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        lines.next_line().await.unwrap(),
        None,
        "nothing else on stdout"
    );
}

#[tokio::test]
async fn help_documents_every_flag() {
    let output = Command::new(BIN).arg("--help").output().await.unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--host",
        "--site-port",
        "--api-port",
        "--root",
        "--account",
        "--app-installation-id",
        "--stale",
        "--session-idle-minutes",
        "--session-max-hours",
        "--no-engagement",
        "--log",
        "--campaigns",
        "--check",
        "--conversation-on-accept",
        "--cap-sessions-per-visitor",
        "--cap-sessions-per-account",
        "--cap-window-minutes",
        "--cap-status",
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} missing from --help:\n{help}"));
        // The doc text follows the flag on its line or the next.
        let documented = line.trim().len() > flag.len() + 12
            || help
                .split(line)
                .nth(1)
                .and_then(|rest| rest.lines().nth(1))
                .is_some_and(|l| !l.trim().is_empty());
        assert!(documented, "{flag} has no doc in --help:\n{help}");
    }
    assert!(help.contains("new-session"), "{help}");
    assert!(help.contains("not-found"), "{help}");
}

#[tokio::test]
async fn a_bad_campaign_file_stops_the_emulator_with_the_place_named() {
    let dir = temp_dir("bad-campaigns");
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "[[accounts]]\nid = \"1\"\napp_installations = [\"a\"]\n[[campaigns]]\nid = 1\n[[campaigns.engagements]]\nid = 2\nconnector_id = 3\nwindow_id = 4\navailability = \"away\"\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["--site-port", "0", "--api-port", "0", "--campaigns"])
        .arg(&file)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "no ready line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.toml: campaigns[0].engagements[0].availability: unknown state \"away\" (expected online, busy or offline)"),
        "{stderr}"
    );

    let missing = Command::new(BIN)
        .args(["--campaigns", "/nonexistent/campaigns.toml"])
        .output()
        .await
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr)
        .contains("cannot read campaign file /nonexistent/campaigns.toml"));
}

#[tokio::test]
async fn check_prints_what_the_example_file_defines() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/campaigns.example.toml");
    let output = Command::new(BIN)
        .args(["--campaigns", example, "--check"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.starts_with(&format!("{example}: ok\n")), "{out}");
    assert!(
        out.contains("engagement 3100000031 \"B · VIP concierge\": ctmrinfo.info.ctype == \"vip\""),
        "{out}"
    );
    // Campaigns are listed in the order rules are tried: highest priority first.
    let video = out.find("\"Video advice\"").unwrap();
    let welcome = out.find("\"Welcome\"").unwrap();
    assert!(video < welcome, "{out}");
    assert!(!out.contains("warning"), "{out}");

    let needs_file = Command::new(BIN).arg("--check").output().await.unwrap();
    assert_eq!(needs_file.status.code(), Some(2));
    let both = Command::new(BIN)
        .args(["--campaigns", example, "--account", "1"])
        .output()
        .await
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}
