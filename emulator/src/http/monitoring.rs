//! Handlers of the Monitoring API calls `engagement` and `report` (PROTOCOL.md §1); the model's
//! `monitoring` module decides the answers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use crate::http::answer::Kind;
use crate::http::extract::QueryPairs;
use crate::http::state::AppState;
use crate::model::monitoring::{self, CallRequest};
use crate::model::ApiError;

/// `POST /api/account/{accountId}/app/{appInstallationId}/engagement`
pub async fn engagement(
    State(app): State<AppState>,
    Path((account, installation)): Path<(String, String)>,
    QueryPairs(query): QueryPairs,
    body: Bytes,
) -> Response {
    let call = CallRequest {
        account: &account,
        installation: &installation,
        query: &query,
        body: &body,
    };
    let mut model = app.lock();
    let outcome = monitoring::engage(&mut model, app.settings(), &call);
    Kind::Monitoring.result(outcome, model.now_ms())
}

/// `PUT /api/account/{accountId}/app/{appInstallationId}/report`, or the POST with
/// `X-HTTP-Method-Override: PUT` that browsers must send (the CORS answer does not allow PUT).
pub async fn report(
    State(app): State<AppState>,
    Path((account, installation)): Path<(String, String)>,
    QueryPairs(query): QueryPairs,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let call = CallRequest {
        account: &account,
        installation: &installation,
        query: &query,
        body: &body,
    };
    let mut model = app.lock();
    let outcome = check_put(&method, &headers)
        .and_then(|()| monitoring::report(&mut model, app.settings(), &call));
    Kind::Monitoring.result(outcome, model.now_ms())
}

/// A PUT, or a POST overridden to one.
fn check_put(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let overridden = headers
        .get("x-http-method-override")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("PUT"));
    if method == Method::PUT || overridden {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "report is a PUT: a POST must carry the header X-HTTP-Method-Override: PUT",
        ))
    }
}
