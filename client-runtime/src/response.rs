//! Responses: the typed value handed to callers, and the decoding steps generated
//! clients apply according to the status.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, UnexpectedResponse};

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

/// A received response with its whole body, before it is decoded: an operation's
/// decoder (see [`call`](crate::call)) picks the decoding step by
/// [`Response::status`].
#[derive(Debug)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    /// Reads the whole body of `response`.
    pub(crate) async fn read(response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Decodes a JSON body as `T`.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(ResponseValue::new(self.status, self.headers, value)),
            Err(source) => Err(Error::Decode(Box::new(DecodeError::new(
                self.status,
                self.headers,
                source,
                &self.body,
            )))),
        }
    }

    /// A text body (invalid UTF-8 is replaced).
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let text = match String::from_utf8(self.body.into()) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        };
        Ok(ResponseValue::new(self.status, self.headers, text))
    }

    /// The body as bytes.
    pub fn bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        Ok(ResponseValue::new(self.status, self.headers, self.body))
    }

    /// A response declared without a body; whatever body came was read (so the
    /// connection can be reused) and is dropped.
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(ResponseValue::new(self.status, self.headers, ()))
    }

    /// A status the operation does not declare.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(Box::new(UnexpectedResponse {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }))
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
