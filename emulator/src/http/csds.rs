//! CSDS: the domain look-up that tells clients which host serves a service for an account.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::http::answer::Kind;
use crate::http::state::AppState;
use crate::model::Status;

/// `GET /api/account/{accountId}/service/{service}/baseURI.json?version=1.0`
pub async fn base_uri(
    State(app): State<AppState>,
    Path((account, service)): Path<(String, String)>,
) -> Response {
    let outcome = crate::model::csds::base_uri(app.settings(), &account, &service);
    Kind::Json.result(outcome.map(|v| (Status::OK, v)), app.now_ms())
}
