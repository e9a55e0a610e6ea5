//! The site listener: the demo pages and built packages as static files, with placeholders in
//! HTML filled in so pages know where the api listener is.

use std::path::PathBuf;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::http::access_log;
use crate::http::extract::query_pairs;
use crate::model::query::param as query_param;

/// HTML larger than this is not rewritten (demo pages are far smaller).
const HTML_LIMIT: usize = 8 << 20;

/// What the site needs to know: where files are, and what to fill into pages.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    pub root: PathBuf,
    /// e.g. `http://127.0.0.1:8031`
    pub api_origin: String,
    /// e.g. `127.0.0.1:8031`
    pub api_host: String,
    pub account: String,
    pub app_installation_id: String,
    /// The bearer token the agent APIs accept (for the ops dashboard).
    pub agent_token: String,
}

/// `/` from `<root>/www`, `/pkg/`, `/dist/` and `/js/` (the npm entry) from the package; never
/// cached.
pub fn router(site: SiteSettings) -> Router {
    Router::new()
        .nest_service("/js", ServeDir::new(site.root.join("js")))
        .nest_service("/pkg", ServeDir::new(site.root.join("pkg")))
        .nest_service("/dist", ServeDir::new(site.root.join("dist")))
        .fallback_service(ServeDir::new(site.root.join("www")))
        .layer(middleware::from_fn_with_state(site, fill_html))
        // Tests rebuild files between runs; a cached stale .wasm would hide the change.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(middleware::from_fn(access_log::log))
}

/// The Content-Security-Policy a page asks for with `?csp=strict` or `?csp=nowasm`, used to
/// check that lpmon works under a strict policy and fails clearly without `'wasm-unsafe-eval'`.
/// `connect-src` names `'self'` too: the browser fetches lpmon's `.wasm` from where lpmon.js is
/// served (the site here), and connect-src governs that fetch.
fn policy(mode: Option<&str>, api_origin: &str) -> Option<String> {
    let script = match mode? {
        "strict" => "script-src 'self' 'wasm-unsafe-eval'",
        "nowasm" => "script-src 'self'",
        _ => return None,
    };
    // 'self' in connect-src: the page fetches lpmon's .wasm from its own origin.
    Some(format!(
        "default-src 'self'; {script}; connect-src 'self' {api_origin}"
    ))
}

/// Fills `%LPMON_API%`, `%LPMON_API_HOST%`, `%LPMON_ACCOUNT%`, `%LPMON_APP%` and
/// `%LPMON_AGENT_TOKEN%`.
pub fn fill(text: &str, site: &SiteSettings) -> String {
    text.replace("%LPMON_AGENT_TOKEN%", &site.agent_token)
        .replace("%LPMON_API_HOST%", &site.api_host)
        .replace("%LPMON_API%", &site.api_origin)
        .replace("%LPMON_ACCOUNT%", &site.account)
        .replace("%LPMON_APP%", &site.app_installation_id)
}

/// Middleware: rewrites successful HTML answers and adds the asked-for CSP header.
async fn fill_html(State(site): State<SiteSettings>, request: Request, next: Next) -> Response {
    let csp = policy(
        query_param(&query_pairs(request.uri()), "csp"),
        &site.api_origin,
    );
    // `?isolate`: a cross-origin isolated page, whose performance.now() ticks in microseconds
    // rather than tenths of a millisecond (the benchmark pages ask for it).
    let isolate = query_param(&query_pairs(request.uri()), "isolate").is_some();
    let response = next.run(request).await;
    let is_html = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }

    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, HTML_LIMIT).await else {
        let mut failed = Response::new(Body::from("page too large or unreadable"));
        *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return failed;
    };
    let text = fill(&String::from_utf8_lossy(&bytes), &site);
    // The length changed, and the content now depends on the ports, not only on the file.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::LAST_MODIFIED);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Some(value) = csp.and_then(|p| HeaderValue::from_str(&p).ok()) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if isolate {
        parts.headers.insert(
            "cross-origin-opener-policy",
            HeaderValue::from_static("same-origin"),
        );
        parts.headers.insert(
            "cross-origin-embedder-policy",
            HeaderValue::from_static("require-corp"),
        );
    }
    Response::from_parts(parts, Body::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies() {
        let api = "http://127.0.0.1:8031";
        assert_eq!(
            policy(Some("strict"), api).as_deref(),
            Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http://127.0.0.1:8031")
        );
        assert_eq!(
            policy(Some("nowasm"), api).as_deref(),
            Some("default-src 'self'; script-src 'self'; connect-src 'self' http://127.0.0.1:8031")
        );
        assert_eq!(policy(Some("other"), api), None);
        assert_eq!(policy(None, api), None);
    }
}
