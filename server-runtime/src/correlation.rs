//! Correlation ids (DESIGN): taken from the request's `x-correlation-id`, else the
//! Lambda request id, else a new UUID; available to handlers through [`RequestContext`](crate::RequestContext) and
//! echoed on every response, fallbacks, rejections and panics included.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderName, HeaderValue, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::context::LambdaInvocation;

/// The header that carries a request's correlation id, in and out.
pub const HEADER: &str = "x-correlation-id";

/// [`HEADER`] as a header name (looked up without parsing the name each time).
static HEADER_NAME: HeaderName = HeaderName::from_static(HEADER);

/// The longest correlation id taken from a request; longer ones are replaced.
const MAX_LEN: usize = 256;

/// A request's correlation id, in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrelationId(HeaderValue);

impl CorrelationId {
    /// The id of a request with these headers: its `x-correlation-id` when that is
    /// non-empty printable text of at most 256 bytes, else a new UUID.
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        let given = headers.get(&HEADER_NAME).filter(|value| {
            let bytes = value.as_bytes();
            !bytes.is_empty() && bytes.len() <= MAX_LEN && value.to_str().is_ok()
        });
        match given {
            Some(value) => CorrelationId(value.clone()),
            None => CorrelationId::generate(),
        }
    }

    /// The id of a request: its `x-correlation-id` (as [`from_headers`]), else the
    /// request id of the [`LambdaInvocation`] in its extensions, else a new UUID.
    ///
    /// [`from_headers`]: CorrelationId::from_headers
    pub fn from_request(headers: &http::HeaderMap, extensions: &http::Extensions) -> Self {
        if headers.contains_key(&HEADER_NAME) {
            return CorrelationId::from_headers(headers);
        }
        extensions
            .get::<LambdaInvocation>()
            .and_then(|lambda| HeaderValue::from_str(&lambda.request_id).ok())
            .filter(|value| !value.is_empty() && value.len() <= MAX_LEN)
            .map_or_else(CorrelationId::generate, CorrelationId)
    }

    /// A new random id (UUID v4).
    pub fn generate() -> Self {
        let mut buffer = uuid::Uuid::encode_buffer();
        let text = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buffer);
        CorrelationId(HeaderValue::from_str(text).expect("a UUID is a valid header value"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Checked to be visible ASCII (or generated) on construction.
        self.0.to_str().unwrap_or_default()
    }
}

impl std::ops::Deref for CorrelationId {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for CorrelationId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for CorrelationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for CorrelationId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CorrelationId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Gives every request a [`CorrelationId`] extension and echoes it as the
/// `x-correlation-id` response header.
#[derive(Debug, Clone, Copy, Default)]
pub struct CorrelationLayer;

/// The layer of [`CorrelationLayer`]; generated routers apply it outermost.
pub fn layer() -> CorrelationLayer {
    CorrelationLayer
}

impl<S> Layer<S> for CorrelationLayer {
    type Service = Correlation<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Correlation { inner }
    }
}

/// The service of [`CorrelationLayer`].
#[derive(Debug, Clone)]
pub struct Correlation<S> {
    inner: S,
}

impl<S, B, R> Service<Request<B>> for Correlation<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = CorrelationFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let id = match request.extensions().get::<CorrelationId>() {
            Some(id) => id.clone(),
            None => {
                let id = CorrelationId::from_request(request.headers(), request.extensions());
                request.extensions_mut().insert(id.clone());
                id
            }
        };
        CorrelationFuture {
            inner: self.inner.call(request),
            id: Some(id.0),
        }
    }
}

pin_project! {
    /// The response future of [`Correlation`].
    pub struct CorrelationFuture<F> {
        #[pin]
        inner: F,
        id: Option<HeaderValue>,
    }
}

impl<F, R, E> Future for CorrelationFuture<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        if let Some(id) = this.id.take() {
            response.headers_mut().insert(HEADER_NAME.clone(), id);
        }
        Poll::Ready(Ok(response))
    }
}

impl<F> std::fmt::Debug for CorrelationFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorrelationFuture")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_header_or_are_generated() {
        let mut headers = http::HeaderMap::new();
        let generated = CorrelationId::from_headers(&headers);
        assert_eq!(generated.as_str().len(), 36);
        assert_ne!(generated, CorrelationId::from_headers(&headers));
        headers.insert(HEADER, HeaderValue::from_static("abc-123"));
        assert_eq!(CorrelationId::from_headers(&headers).as_str(), "abc-123");
        headers.insert(HEADER, HeaderValue::from_str(&"x".repeat(300)).unwrap());
        assert_eq!(CorrelationId::from_headers(&headers).as_str().len(), 36);
        headers.insert(HEADER, HeaderValue::from_static(""));
        assert_eq!(CorrelationId::from_headers(&headers).as_str().len(), 36);
    }

    #[test]
    fn lambda_request_ids_come_after_the_header() {
        let mut extensions = http::Extensions::new();
        extensions.insert(LambdaInvocation::new("req-1", "fn"));
        let mut headers = http::HeaderMap::new();
        let id = CorrelationId::from_request(&headers, &extensions);
        assert_eq!(id.as_str(), "req-1");
        headers.insert(HEADER, HeaderValue::from_static("abc-123"));
        let id = CorrelationId::from_request(&headers, &extensions);
        assert_eq!(id.as_str(), "abc-123");
        let id = CorrelationId::from_request(&headers, &http::Extensions::new());
        assert_eq!(id.as_str(), "abc-123");
        headers.remove(HEADER);
        let id = CorrelationId::from_request(&headers, &http::Extensions::new());
        assert_eq!(id.as_str().len(), 36);
    }
}
