//! Responses: the typed value handed to callers, and the decoding steps generated
//! clients apply according to the status.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, UnexpectedResponse};
use crate::stream::{ChunkStream, Framing};

/// The header carrying the correlation id (DESIGN: echoed by generated servers).
pub const CORRELATION_ID: &str = "x-correlation-id";

/// A decoded response body with the status and headers it came with. It dereferences
/// to the body.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseValue<T> {
    status: StatusCode,
    headers: HeaderMap,
    inner: T,
}

impl<T> ResponseValue<T> {
    /// A value as if received with `status` and `headers`.
    pub fn new(status: StatusCode, headers: HeaderMap, inner: T) -> Self {
        ResponseValue {
            status,
            headers,
            inner,
        }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-correlation-id` the server answered with.
    pub fn correlation_id(&self) -> Option<&str> {
        correlation_id(&self.headers)
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// Converts the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            inner: f(self.inner),
        }
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

/// The `x-correlation-id` of `headers`, if present and text.
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(CORRELATION_ID)?.to_str().ok()
}

/// A received response, before its body is read. Generated clients pick the decoding
/// step by [`Response::status`].
#[derive(Debug)]
pub struct Response {
    inner: reqwest::Response,
}

impl Response {
    pub(crate) fn new(inner: reqwest::Response) -> Self {
        Response { inner }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.inner.status().as_u16()
    }

    /// Reads the whole body.
    async fn read(self) -> Result<(StatusCode, HeaderMap, Bytes), reqwest::Error> {
        let status = self.inner.status();
        let headers = self.inner.headers().clone();
        let body = self.inner.bytes().await?;
        Ok((status, headers, body))
    }

    /// Decodes a JSON body as `T`.
    pub async fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        let (status, headers, body) = self.read().await?;
        match serde_json::from_slice(&body) {
            Ok(value) => Ok(ResponseValue::new(status, headers, value)),
            Err(source) => Err(Error::Decode(Box::new(DecodeError::new(
                status, headers, source, &body,
            )))),
        }
    }

    /// Reads a text body (invalid UTF-8 is replaced).
    pub async fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let (status, headers, body) = self.read().await?;
        let text = match String::from_utf8(body.into()) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        };
        Ok(ResponseValue::new(status, headers, text))
    }

    /// Reads a body as bytes.
    pub async fn bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        let (status, headers, body) = self.read().await?;
        Ok(ResponseValue::new(status, headers, body))
    }

    /// A response declared without a body; whatever body came is read and dropped so
    /// the connection can be reused.
    pub async fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        let (status, headers, _) = self.read().await?;
        Ok(ResponseValue::new(status, headers, ()))
    }

    /// A status the operation does not declare.
    pub async fn unexpected<E>(self) -> Error<E> {
        match self.read().await {
            Ok((status, headers, body)) => Error::UnexpectedStatus(Box::new(UnexpectedResponse {
                status,
                headers,
                body,
            })),
            Err(error) => Error::Transport(error),
        }
    }

    /// A JSON Lines body (also values written back to back with no newline, as older
    /// servers of the reference do), decoded lazily chunk by chunk.
    pub fn json_lines<T: DeserializeOwned + Send + 'static>(self) -> ChunkStream<T> {
        ChunkStream::new(self.inner, Framing::JsonLines)
    }

    /// A `text/event-stream` body whose events each carry one JSON chunk as `data`.
    pub fn event_stream<T: DeserializeOwned + Send + 'static>(self) -> ChunkStream<T> {
        ChunkStream::new(self.inner, Framing::EventStream)
    }
}

/// A declared error response: `result` (the body decoded by one of [`Response`]'s
/// methods) wrapped by `variant` becomes [`Error::Api`]; a failure to read or decode
/// stays what it is.
pub fn declared_error<T, E>(
    result: Result<ResponseValue<T>, Error<E>>,
    variant: impl FnOnce(T) -> E,
) -> Error<E> {
    match result {
        Ok(value) => Error::Api(value.map(variant)),
        Err(error) => error,
    }
}

/// One of several declared success responses: `result` (the body decoded by one of
/// [`Response`]'s methods) wrapped by `variant`, the operation's success enum variant.
pub fn declared_success<T, U, E>(
    result: Result<ResponseValue<T>, Error<E>>,
    variant: impl FnOnce(T) -> U,
) -> Result<ResponseValue<U>, Error<E>> {
    result.map(|value| value.map(variant))
}
