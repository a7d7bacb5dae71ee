//! What a call can fail with: a declared error response, an undeclared status, a body
//! that does not decode, a request that cannot be built, or the transport.

use std::convert::Infallible;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::response::{ResponseValue, correlation_id};

/// A boxed error of a pluggable part (an authorizer, a hook, a token provider).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How many bytes of a body an error keeps for its message.
const EXCERPT_LEN: usize = 512;

/// Why a call failed. `E` is the operation's enum of declared error responses.
#[derive(Debug)]
pub enum Error<E> {
    /// The server answered with an error status the document declares; the decoded
    /// body is inside, with the status and headers.
    Api(ResponseValue<E>),
    /// The server answered with a status the document does not declare for the
    /// operation.
    UnexpectedStatus(Box<UnexpectedResponse>),
    /// The response body does not decode as the declared type.
    Decode(Box<DecodeError>),
    /// The request could not be built (a parameter or body that does not serialise,
    /// an invalid header value, a failing authorizer).
    Request(RequestError),
    /// Sending the request or receiving the response failed (connection, timeout,
    /// TLS, a body cut short).
    Transport(reqwest::Error),
}

impl<E> Error<E> {
    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(response) => Some(response.status()),
            Error::UnexpectedStatus(response) => Some(response.status),
            Error::Decode(error) => Some(error.status),
            Error::Request(_) => None,
            Error::Transport(error) => error.status(),
        }
    }

    /// The `x-correlation-id` the server answered with, when a response arrived.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Error::Api(response) => response.correlation_id(),
            Error::UnexpectedStatus(response) => correlation_id(&response.headers),
            Error::Decode(error) => correlation_id(&error.headers),
            Error::Request(_) | Error::Transport(_) => None,
        }
    }

    /// The declared error response, if that is what this is.
    pub fn into_api(self) -> Option<ResponseValue<E>> {
        match self {
            Error::Api(response) => Some(response),
            _ => None,
        }
    }

    /// The same failure as the error of an operation with declared errors `E`.
    pub(crate) fn widen(error: Error<Infallible>) -> Self {
        error.map_api(|never| match never {})
    }

    /// Converts the declared error body; other variants are kept as they are.
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(response) => Error::Api(response.map(f)),
            Error::UnexpectedStatus(response) => Error::UnexpectedStatus(response),
            Error::Decode(error) => Error::Decode(error),
            Error::Request(error) => Error::Request(error),
            Error::Transport(error) => Error::Transport(error),
        }
    }
}

// Each error either says its cause in its message or returns it from `source()`,
// never both, so a report that walks the chain (`a: b: c`) says each thing once.
// The variants that wrap an error whose message already says what failed are
// transparent: their message and source are the wrapped error's.
impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(response) => {
                write!(
                    f,
                    "the server answered {}: {:?}",
                    response.status(),
                    **response
                )
            }
            Error::UnexpectedStatus(response) => fmt::Display::fmt(response, f),
            Error::Decode(error) => fmt::Display::fmt(error, f),
            Error::Request(error) => fmt::Display::fmt(error, f),
            Error::Transport(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(_) | Error::UnexpectedStatus(_) => None,
            Error::Decode(error) => Some(&error.source),
            Error::Request(error) => std::error::Error::source(error),
            Error::Transport(error) => std::error::Error::source(error),
        }
    }
}

impl<E> From<RequestError> for Error<E> {
    fn from(error: RequestError) -> Self {
        Error::Request(error)
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error)
    }
}

/// A response with a status the operation does not declare.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected status {}", self.status)?;
        if !self.body.is_empty() {
            write!(f, ": {}", excerpt(&self.body))?;
        }
        Ok(())
    }
}

/// A response body that does not decode as its declared type.
#[derive(Debug)]
pub struct DecodeError {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// What serde reported.
    pub source: serde_json::Error,
    /// The start of the body (at most 512 bytes, lossily decoded as UTF-8).
    pub excerpt: String,
}

impl DecodeError {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        source: serde_json::Error,
        body: &[u8],
    ) -> Self {
        DecodeError {
            status,
            headers,
            source,
            excerpt: excerpt(body),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body does not decode as the declared type; the body starts with: {}",
            self.status, self.excerpt
        )
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A request that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// A parameter value cannot be written in its place.
    #[error("parameter `{name}`: {message}")]
    Parameter {
        /// The parameter's name on the wire.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The body does not serialise in its media type.
    #[error("the request body does not serialise as {media_type}: {message}")]
    Body {
        /// The media type of the body.
        media_type: String,
        /// What the serialiser reported.
        message: String,
    },
    /// The URL built from the base URL, path and query is invalid.
    #[error("the request URL `{url}` is invalid: {message}")]
    Url {
        /// The URL as built.
        url: String,
        /// What the parser reported.
        message: String,
    },
    /// An authorizer (SigV4, bearer token) or a request hook failed.
    #[error("authorizing the request failed")]
    Authorize(#[source] BoxError),
}

/// Why an item of a streamed response could not be produced. The stream ends after
/// yielding one.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Receiving the body failed (the connection broke, the server aborted the body).
    #[error("the stream broke")]
    Transport(#[from] reqwest::Error),
    /// A chunk does not decode as the declared type.
    #[error("a stream chunk does not decode as the declared type; it starts with: {excerpt}")]
    Decode {
        /// What serde reported.
        source: serde_json::Error,
        /// The start of the offending text.
        excerpt: String,
    },
    /// The body ended inside a value.
    #[error("the stream ended inside a value: {excerpt}")]
    Truncated {
        /// The start of the incomplete value.
        excerpt: String,
    },
    /// A server-sent event is malformed.
    #[error("{0}")]
    Event(String),
    /// One value is larger than the decoder's limit.
    #[error("a stream chunk exceeds {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

/// The start of `body` for a message, lossily decoded.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let mut end = body.len().min(EXCERPT_LEN);
    // Do not cut a UTF-8 sequence in two.
    while end < body.len() && end > 0 && (body[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    if end < body.len() {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_keep_utf8_whole() {
        assert_eq!(excerpt(b"{\"a\":1}"), "{\"a\":1}");
        let long = "é".repeat(400);
        let cut = excerpt(long.as_bytes());
        assert!(cut.ends_with('…'));
        assert!(!cut.contains('\u{FFFD}'));
        assert!(cut.len() <= EXCERPT_LEN + '…'.len_utf8());
    }

    /// The messages of `error` and its sources, outermost first.
    fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
        std::iter::successors(Some(error), |e| e.source())
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn causes_are_said_once_in_the_chain() {
        let serde = serde_json::from_str::<u8>("\"x\"").unwrap_err();
        let serde_message = serde.to_string();
        let decode: Error<()> = Error::Decode(Box::new(DecodeError::new(
            StatusCode::OK,
            HeaderMap::new(),
            serde,
            b"\"x\"",
        )));
        let authorize: Error<()> = RequestError::Authorize("no token".into()).into();
        let chunk = StreamError::Decode {
            source: serde_json::from_str::<u8>("[").unwrap_err(),
            excerpt: "[".to_owned(),
        };
        let chains = [chain(&decode), chain(&authorize), chain(&chunk)];
        assert_eq!(
            chains[0],
            [
                "the 200 OK response body does not decode as the declared type; the body \
                 starts with: \"x\"",
                serde_message.as_str(),
            ]
        );
        assert_eq!(chains[1], ["authorizing the request failed", "no token"]);
        for links in &chains {
            for pair in links.windows(2) {
                assert!(!pair[0].contains(&pair[1]), "{links:?}");
            }
        }
    }
}
