//! The route table of the emulated endpoints: one line per endpoint names it, gives its path
//! and says how it answers; the handler beside it does the rest. The server wraps every route
//! of this table in the journal and the fault injection, keyed on the route's own endpoint, so
//! a new line here is counted, recorded and faultable without anything else.

use std::sync::OnceLock;

use axum::routing::{get, post, MethodRouter};

use crate::http::answer::Kind;
use crate::http::state::AppState;
use crate::http::{csds, engactivity, monitoring, visit_state};
use crate::model::endpoint::Endpoint;

/// One emulated endpoint as routed.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The name faults match and the journal and stats use.
    pub endpoint: Endpoint,
    /// The axum path pattern.
    pub path: &'static str,
    /// How its answers (and the faults and refusals standing in for them) are labelled.
    pub kind: Kind,
}

const fn route(name: &'static str, path: &'static str, kind: Kind) -> Route {
    Route {
        endpoint: Endpoint::new(name),
        path,
        kind,
    }
}

/// Every emulated endpoint with its handlers.
pub fn table() -> Vec<(Route, MethodRouter<AppState>)> {
    use Kind::{Json, Monitoring};
    vec![
        (
            route(
                "engagement",
                "/api/account/{account}/app/{app}/engagement",
                Monitoring,
            ),
            post(monitoring::engagement),
        ),
        (
            route(
                "report",
                "/api/account/{account}/app/{app}/report",
                Monitoring,
            ),
            post(monitoring::report).put(monitoring::report),
        ),
        (
            route(
                "csds",
                "/api/account/{account}/service/{service}/baseURI.json",
                Json,
            ),
            get(csds::base_uri),
        ),
        (
            route(
                "visit",
                "/api/account/{account}/monitoring/visitors/{vid}/visits/current/state",
                Json,
            ),
            get(visit_state::visit_state),
        ),
        (
            route(
                "engactivity",
                "/operations/api/account/{account}/engactivity",
                Json,
            ),
            get(engactivity::engactivity),
        ),
    ]
}

/// The endpoints of the table, in its order.
pub fn endpoints() -> &'static [Endpoint] {
    static ENDPOINTS: OnceLock<Vec<Endpoint>> = OnceLock::new();
    ENDPOINTS.get_or_init(|| table().into_iter().map(|(r, _)| r.endpoint).collect())
}
