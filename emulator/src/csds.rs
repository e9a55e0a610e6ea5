//! CSDS: the domain look-up that tells clients which host serves a service for an account.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::answer::{self, ApiError};
use crate::state::AppState;

/// Services the emulator serves itself, so CSDS points them at the api listener.
const SERVICES: &[&str] = &["smt", "leDataReporting"];

/// `GET /api/account/{accountId}/service/{service}/baseURI.json?version=1.0`
pub async fn base_uri(
    State(app): State<AppState>,
    Path((account, service)): Path<(String, String)>,
) -> Response {
    let settings = app.settings();
    let missing = if !settings.catalog.accounts.iter().any(|a| a.id == account) {
        Some(format!("account {account} not found"))
    } else if !SERVICES.contains(&service.as_str()) {
        Some(format!("service {service} not found"))
    } else {
        None
    };
    if let Some(message) = missing {
        let error = ApiError::new(StatusCode::NOT_FOUND, None, message);
        return answer::json(error.status, &error.body(app.lock().now_ms()));
    }
    answer::json(
        StatusCode::OK,
        &json!({ "service": service, "account": account, "baseURI": settings.api_host }),
    )
}
