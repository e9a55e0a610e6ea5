//! Visit Information (seed 003): `GET /api/account/{accountId}/monitoring/visitors/{vid}/visits/
//! current/state?v=1&sid=…`; the model's `visit_state` builds the answer.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::http::answer::Kind;
use crate::http::extract::{AgentRequest, QueryPairs};
use crate::http::state::AppState;
use crate::model::{visit_state, Status};

/// `GET /api/account/{accountId}/monitoring/visitors/{visitorId}/visits/current/state`
pub async fn visit_state(
    State(app): State<AppState>,
    Path((account, vid)): Path<(String, String)>,
    QueryPairs(query): QueryPairs,
    agent: AgentRequest,
) -> Response {
    let outcome = agent
        .authorize(&app)
        .and_then(|()| visit_state::lookup(&app.lock(), app.settings(), &account, &vid, &query));
    Kind::Json.result(outcome.map(|v| (Status::OK, v)), app.now_ms())
}
