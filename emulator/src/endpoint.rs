//! Which emulated endpoint a request path names; faults, stats and the journal key on it.

use serde::{Deserialize, Serialize};

/// An emulated (non-control) endpoint of the api listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    Engagement,
    Report,
    Csds,
    /// Visit Information.
    Visit,
    /// Engagement Activity.
    Engactivity,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Engagement => "engagement",
            Endpoint::Report => "report",
            Endpoint::Csds => "csds",
            Endpoint::Visit => "visit",
            Endpoint::Engactivity => "engactivity",
        }
    }
}

/// Classifies a path; `None` for control endpoints and anything unknown.
///
/// Shapes: `/api/account/{a}/app/{app}/engagement|report` and
/// `/api/account/{a}/service/{s}/baseURI.json`.
pub fn classify(path: &str) -> Option<Endpoint> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["", "api", "account", _, "app", _, "engagement"] => Some(Endpoint::Engagement),
        ["", "api", "account", _, "app", _, "report"] => Some(Endpoint::Report),
        ["", "api", "account", _, "service", _, "baseURI.json"] => Some(Endpoint::Csds),
        ["", "api", "account", _, "monitoring", "visitors", _, "visits", "current", "state"] => {
            Some(Endpoint::Visit)
        }
        ["", "operations", "api", "account", _, "engactivity"] => Some(Endpoint::Engactivity),
        _ => None,
    }
}

/// The query parameters of a URI, in order; an unparsable query counts as empty.
pub fn query_pairs(uri: &axum::http::Uri) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// The last value of a query parameter, if present.
pub fn query_param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        assert_eq!(
            classify("/api/account/1/app/x/engagement"),
            Some(Endpoint::Engagement)
        );
        assert_eq!(
            classify("/api/account/1/app/x/report"),
            Some(Endpoint::Report)
        );
        assert_eq!(
            classify("/api/account/1/service/smt/baseURI.json"),
            Some(Endpoint::Csds)
        );
        assert_eq!(
            classify("/api/account/1/monitoring/visitors/V/visits/current/state"),
            Some(Endpoint::Visit)
        );
        assert_eq!(
            classify("/operations/api/account/1/engactivity"),
            Some(Endpoint::Engactivity)
        );
        assert_eq!(classify("/__emulator/stats"), None);
        assert_eq!(classify("/api/account/1/app/x/other"), None);
    }
}
