//! CORS as the reference FastAPI service configures it: the origins allowed by the
//! `ALLOWED_ORIGINS` environment variable (comma-separated), plus any `localhost`
//! origin, with preflight requests answered.

use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The environment variable listing the allowed origins.
pub const ALLOWED_ORIGINS: &str = "ALLOWED_ORIGINS";

/// Request headers a browser may send: JSON bodies, SigV4 and Cognito authentication,
/// and the correlation id.
const ALLOWED_HEADERS: [&str; 6] = [
    "authorization",
    "content-type",
    "x-amz-content-sha256",
    "x-amz-date",
    "x-amz-security-token",
    "x-correlation-id",
];

/// The CORS layer for the origins in `ALLOWED_ORIGINS`.
pub fn from_env() -> CorsLayer {
    layer(&std::env::var(ALLOWED_ORIGINS).unwrap_or_default())
}

/// The CORS layer for a comma-separated list of origins (`*` allows any origin).
pub fn layer(allowed_origins: &str) -> CorsLayer {
    let origins: Vec<String> = allowed_origins
        .split(',')
        .map(|origin| origin.trim().trim_end_matches('/').to_owned())
        .filter(|origin| !origin.is_empty())
        .collect();
    let any = origins.iter().any(|origin| origin == "*");
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            any || is_localhost(origin) || origins.iter().any(|allowed| allowed == origin)
        }))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
        ])
        .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .expose_headers([HeaderName::from_static("x-correlation-id")])
}

/// Whether an origin is `http(s)://localhost` or a loopback address, on any port.
fn is_localhost(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => rest,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_on_any_port_is_recognised() {
        assert!(is_localhost("http://localhost:3000"));
        assert!(is_localhost("https://127.0.0.1"));
        assert!(is_localhost("http://[::1]:8080"));
        assert!(!is_localhost("http://localhost.evil.com"));
        assert!(!is_localhost("http://example.com"));
    }
}
