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
