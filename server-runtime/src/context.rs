//! What a handler knows about its request besides its typed input.

use http::{Extensions, HeaderMap, Method};

use crate::correlation::CorrelationId;

/// The header that carries a request's correlation id, in and out.
pub const CORRELATION_ID_HEADER: &str = crate::correlation::HEADER;

/// The request context passed to every handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The correlation id: the `x-correlation-id` header, else a new UUID (the same
    /// one the response carries when the router has the [correlation
    /// layer](crate::correlation::layer)).
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
        let correlation_id = match parts.extensions.get::<CorrelationId>() {
            Some(id) => id.as_str().to_owned(),
            None => CorrelationId::from_headers(&parts.headers)
                .as_str()
                .to_owned(),
        };
        RequestContext {
            correlation_id,
            path: parts.uri.path().to_owned(),
            method: parts.method,
            headers: parts.headers,
            extensions: parts.extensions,
        }
    }
}
