//! One log line per request: method, path, status, duration. Never the query or the body, which
//! carry visitor ids and consumer data.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::http::faults::DropMark;

/// Middleware that logs each request once its answer is ready.
pub async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if response.extensions().get::<DropMark>().is_some() {
        tracing::info!("{method} {path} dropped {ms:.1}ms");
    } else {
        tracing::info!("{method} {path} {} {ms:.1}ms", response.status().as_u16());
    }
    response
}
