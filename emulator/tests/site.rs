//! The site listener: static files, HTML placeholders, CSP on demand, no caching.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use axum::http::{Method, StatusCode};
use axum::Router;
use common::*;
use lpmon_emulator::site::{router, SiteSettings};

const PAGE: &str = r#"<!doctype html><script src="/dist/lpmon.js" data-domain="%LPMON_API%"
 data-host="%LPMON_API_HOST%" data-account-id="%LPMON_ACCOUNT%" data-app-installation-id="%LPMON_APP%"></script>
<meta name="agent-token" content="%LPMON_AGENT_TOKEN%">"#;

fn site(root: &Path) -> Router {
    router(SiteSettings {
        root: root.to_path_buf(),
        api_origin: "http://127.0.0.1:8031".to_owned(),
        api_host: "127.0.0.1:8031".to_owned(),
        account: ACCOUNT.to_owned(),
        app_installation_id: APP.to_owned(),
        agent_token: "token-for-tests".to_owned(),
    })
}

fn tree() -> std::path::PathBuf {
    let root = temp_dir("site");
    for dir in ["www/examples", "pkg", "dist"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(root.join("www/index.html"), PAGE).unwrap();
    std::fs::write(root.join("www/examples/spa.html"), "<p>%LPMON_ACCOUNT%</p>").unwrap();
    std::fs::write(root.join("www/app.js"), "const api = '%LPMON_API%';").unwrap();
    std::fs::write(root.join("pkg/lpmon_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(root.join("dist/lpmon.js"), "window.lpmon = {};").unwrap();
    std::fs::write(root.join("secret.txt"), "outside www").unwrap();
    root
}

#[tokio::test]
async fn html_placeholders_are_filled() {
    let root = tree();
    let site = site(&root);
    let page = get(&site, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.header("content-security-policy").is_none());
    assert!(!page.text.contains("%LPMON_"), "{}", page.text);
    assert!(
        page.text.contains(r#"data-domain="http://127.0.0.1:8031""#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"data-host="127.0.0.1:8031""#));
    assert!(page
        .text
        .contains(r#"<meta name="agent-token" content="token-for-tests">"#));
    assert!(page
        .text
        .contains(&format!(r#"data-account-id="{ACCOUNT}""#)));
    assert!(page
        .text
        .contains(&format!(r#"data-app-installation-id="{APP}""#)));

    let nested = get(&site, "/examples/spa.html").await;
    assert_eq!(nested.text, format!("<p>{ACCOUNT}</p>"));

    // Only HTML is rewritten.
    let script = get(&site, "/app.js").await;
    assert_eq!(script.text, "const api = '%LPMON_API%';");
}

#[tokio::test]
async fn csp_is_added_on_request() {
    let root = tree();
    let site = site(&root);
    let strict = get(&site, "/?csp=strict").await;
    assert_eq!(
        strict.header("content-security-policy"),
        Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http://127.0.0.1:8031")
    );
    let nowasm = get(&site, "/index.html?csp=nowasm").await;
    assert_eq!(
        nowasm.header("content-security-policy"),
        Some("default-src 'self'; script-src 'self'; connect-src 'self' http://127.0.0.1:8031")
    );
    let script = get(&site, "/app.js?csp=strict").await;
    assert!(script.header("content-security-policy").is_none());
}

#[tokio::test]
async fn packages_are_served_with_their_types_and_never_cached() {
    let root = tree();
    let site = site(&root);
    let wasm = get(&site, "/pkg/lpmon_bg.wasm").await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.header("cache-control"), Some("no-store"));

    let script = get(&site, "/dist/lpmon.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.text, "window.lpmon = {};");
    assert_eq!(script.header("cache-control"), Some("no-store"));

    let missing = get(&site, "/pkg/nope.wasm").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), Some("no-store"));

    for path in ["/../secret.txt", "/%2e%2e/secret.txt"] {
        let escape = send(&site, request(Method::GET, path, &[], "")).await;
        assert_ne!(escape.status, StatusCode::OK, "{path}");
        assert!(!escape.text.contains("outside www"));
    }
}
