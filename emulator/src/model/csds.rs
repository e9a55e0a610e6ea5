//! CSDS: which host serves a service for an account. The emulator serves its services itself,
//! so it names the api listener.

use serde_json::{json, Value};

use crate::model::config::Settings;
use crate::model::error::{ApiError, Status};

/// Services the emulator serves itself, so CSDS points them at the api listener.
const SERVICES: &[&str] = &["smt", "leDataReporting"];

/// The `baseURI.json` answer, or a 404 (without internal code) naming what is unknown.
pub fn base_uri(settings: &Settings, account: &str, service: &str) -> Result<Value, ApiError> {
    let missing = if !settings.catalog.accounts.iter().any(|a| a.id == account) {
        Some(format!("account {account} not found"))
    } else if !SERVICES.contains(&service) {
        Some(format!("service {service} not found"))
    } else {
        None
    };
    if let Some(message) = missing {
        return Err(ApiError::new(Status::NOT_FOUND, None, message));
    }
    Ok(json!({ "service": service, "account": account, "baseURI": settings.api_host }))
}
