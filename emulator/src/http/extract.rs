//! Extractors: what handlers take from a request besides axum's own `Path`, `State` and `Bytes`.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Uri};

use crate::http::state::AppState;
use crate::model::agent::{self, Credentials};
use crate::model::ApiError;

/// The query parameters of a URI, in order; an unparsable query counts as empty.
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// The query as pairs, in order (the model reads the last value of a repeated name).
#[derive(Debug, Clone)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(query_pairs(&parts.uri)))
    }
}

/// What the agent APIs' credentials check reads: method, Host, path, query, `Authorization`.
#[derive(Debug, Clone)]
pub struct AgentRequest {
    method: String,
    host: Option<String>,
    path: String,
    query: String,
    authorization: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for AgentRequest {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let text = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(Self {
            method: parts.method.as_str().to_owned(),
            host: text(header::HOST),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().unwrap_or("").to_owned(),
            authorization: text(header::AUTHORIZATION),
        })
    }
}

impl AgentRequest {
    /// The model's credentials check for this request.
    pub fn authorize(&self, app: &AppState) -> Result<(), ApiError> {
        let settings = app.settings();
        let credentials = Credentials {
            method: &self.method,
            host: self.host.as_deref(),
            path: &self.path,
            query: &self.query,
            authorization: self.authorization.as_deref(),
        };
        agent::authorize(
            &settings.agent,
            &mut app.lock().agent,
            &credentials,
            &settings.api_host,
            agent::wall_seconds(),
        )
    }
}
