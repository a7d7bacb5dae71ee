//! Building the responses of generated operations.

use std::pin::Pin;

use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use http::{HeaderName, HeaderValue, StatusCode, header};
use serde::Serialize;

use crate::error::HandlerError;
pub use crate::error::json;

/// The chunks a streaming operation produces: an error ends the stream and aborts the
/// response, so the client sees a failure rather than a truncated success.
pub type ChunkStream<T> = Pin<Box<dyn Stream<Item = Result<T, HandlerError>> + Send>>;

/// A JSON Lines response: one JSON value and `\n` per chunk, sent as each chunk is
/// produced, with the declared media type (`application/jsonl`, `application/x-ndjson`,
/// or `application/json` for the reference's `x-streaming` operations).
pub fn json_lines<T: Serialize + Send + 'static>(
    status: StatusCode,
    media_type: &'static str,
    chunks: ChunkStream<T>,
) -> Response {
    let body = chunks.map(|chunk| {
        let chunk = chunk?;
        let mut line = serde_json::to_vec(&chunk)?;
        line.push(b'\n');
        Ok::<_, HandlerError>(bytes::Bytes::from(line))
    });
    streamed(status, media_type, body)
}

/// A server-sent events response (`text/event-stream`): one event per chunk, its
/// `data` the chunk's JSON.
pub fn event_stream<T: Serialize + Send + 'static>(
    status: StatusCode,
    chunks: ChunkStream<T>,
) -> Response {
    let body = chunks.map(|chunk| {
        let chunk = chunk?;
        let json = serde_json::to_string(&chunk)?;
        Ok::<_, HandlerError>(bytes::Bytes::from(format!("data: {json}\n\n")))
    });
    streamed(status, "text/event-stream", body)
}

fn streamed(
    status: StatusCode,
    content_type: &'static str,
    body: impl Stream<Item = Result<bytes::Bytes, HandlerError>> + Send + 'static,
) -> Response {
    // A stream that panics (after the head was sent, out of reach of the panic
    // layer) fails like one that yields an error: logged, and the response aborted.
    let body = std::panic::AssertUnwindSafe(body)
        .catch_unwind()
        .map(|item| {
            let item = item.unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|message| (*message).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-text panic".to_owned());
                Err(format!("the stream panicked: {message}").into())
            });
            item.map_err(|error| {
                tracing::error!(error = %error, "stream failed; aborting the response");
                error
            })
        });
    let mut response = (status, axum::body::Body::from_stream(body)).into_response();
    // The media type comes from the document, which may hold any text: one that is
    // not a valid header value is logged and left out, not a panic.
    match HeaderValue::from_str(content_type) {
        Ok(value) => {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        Err(error) => {
            tracing::error!(%error, media_type = content_type, "invalid Content-Type value");
        }
    }
    response
}

/// The status `code` (a declared response's; never out of range in practice, else
/// 500).
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response with no body.
pub fn empty(status: StatusCode) -> Response {
    status.into_response()
}

/// A `text/plain` response.
pub fn text(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// An `application/octet-stream` response.
pub fn binary(status: StatusCode, body: bytes::Bytes) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    response
}

/// Sets a response header from a typed value: strings as they are, other values as
/// their JSON text (numbers, booleans), arrays comma-separated (simple style). A value
/// that is not a valid header value is left out and logged, and so is a header whose
/// name (the document's) is not a valid header name.
pub fn set_header<T: Serialize>(response: &mut Response, name: &'static str, value: &T) {
    let Ok(header_name) = HeaderName::try_from(name) else {
        tracing::error!(header = name, "invalid response header name");
        return;
    };
    let text = match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        Ok(serde_json::Value::Null) => return,
        Ok(other) => other.to_string(),
        Err(error) => {
            tracing::error!(%error, header = name, "response header does not serialise");
            return;
        }
    };
    match HeaderValue::from_str(&text) {
        Ok(value) => {
            response.headers_mut().insert(header_name, value);
        }
        Err(error) => tracing::error!(%error, header = name, "invalid response header value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_stream_aborts_the_response_after_its_chunks() {
        let chunks: ChunkStream<u32> = Box::pin(futures_util::stream::iter(0..3).map(|n| {
            assert!(n < 2, "chunk {n} is unlucky");
            Ok(n)
        }));
        let response = json_lines(StatusCode::OK, "application/jsonl", chunks);
        let mut body = response.into_body().into_data_stream();
        assert_eq!(body.next().await.unwrap().unwrap(), "0\n");
        assert_eq!(body.next().await.unwrap().unwrap(), "1\n");
        let error = body.next().await.unwrap().unwrap_err();
        assert!(error.to_string().contains("chunk 2 is unlucky"), "{error}");
        assert!(body.next().await.is_none());
    }

    #[test]
    fn header_names_and_media_types_that_http_rejects_are_left_out() {
        let chunks: ChunkStream<u32> = Box::pin(futures_util::stream::iter([Ok(1)]));
        // `HeaderValue::from_static` panicked on the bidi control (bytes past ASCII,
        // which a header value may hold), and would on a line break.
        let chunks_2: ChunkStream<u32> = Box::pin(futures_util::stream::iter([Ok(1)]));
        let bidi = json_lines(StatusCode::OK, "application/x\u{202e}+json", chunks_2);
        assert_eq!(
            bidi.headers()[header::CONTENT_TYPE].as_bytes(),
            "application/x\u{202e}+json".as_bytes()
        );
        let mut response = json_lines(StatusCode::OK, "application/x\r\n+json", chunks);
        assert!(response.headers().get(header::CONTENT_TYPE).is_none());
        set_header(&mut response, "x-rate\u{202e}-limit", &"1");
        set_header(&mut response, "x-ok", &"1\r\n");
        set_header(&mut response, "x-count", &2);
        assert_eq!(response.headers().len(), 1, "{:?}", response.headers());
        assert_eq!(response.headers()["x-count"], "2");
    }
}
