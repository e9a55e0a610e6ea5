//! The api listener's CORS answer, copied from the real server's.

use std::time::Duration;

use axum::http::{header, HeaderName, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Mirrors the request origin, allows credentials, and allows `GET, POST, PATCH` but not PUT:
/// that is why browsers must send `report` as a POST with `X-HTTP-Method-Override: PUT`.
pub fn layer() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PATCH])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::AUTHORIZATION,
            HeaderName::from_static("x-http-method-override"),
            HeaderName::from_static("lp-domain-referer"),
            HeaderName::from_static("lp-url"),
        ])
        .expose_headers([header::RETRY_AFTER])
        // Preflights are never cached, so a changed answer shows at once.
        .max_age(Duration::ZERO)
}
