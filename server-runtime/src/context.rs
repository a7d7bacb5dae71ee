//! What a handler knows about its request besides its typed input.

use http::{Extensions, HeaderMap, Method};

/// The header that carries a request's correlation id, in and out.
pub const CORRELATION_ID_HEADER: &str = "x-correlation-id";

/// The request context passed to every handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The correlation id: the `x-correlation-id` header, else a new UUID.
    pub correlation_id: String,
    /// The request method.
    pub method: Method,
    /// The path as requested (not the route template).
    pub path: String,
    /// All request headers.
    pub headers: HeaderMap,
    /// Request extensions set by middleware (authentication results, Lambda context, …).
    pub extensions: Extensions,
}

impl RequestContext {
    /// The context of a request with these parts (taken, not copied).
    pub fn new(parts: http::request::Parts) -> Self {
        let correlation_id = parts
            .headers
            .get(CORRELATION_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
        RequestContext {
            correlation_id,
            path: parts.uri.path().to_owned(),
            method: parts.method,
            headers: parts.headers,
            extensions: parts.extensions,
        }
    }
}
