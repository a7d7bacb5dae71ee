//! Typed streams of a streaming response: JSON Lines (and the delimiter-less form of
//! older servers) and server-sent events, decoded chunk by chunk in bounded memory.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{StreamError, excerpt};
use crate::response::correlation_id;

/// The largest single chunk a decoder buffers before giving up (64 MiB).
pub const DEFAULT_CHUNK_LIMIT: usize = 64 * 1024 * 1024;

/// How a streamed body is cut into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// One JSON value per line, or values back to back.
    JsonLines,
    /// Server-sent events, one JSON value per event's `data`.
    EventStream,
}

/// The typed chunks of a streaming response, with the status and headers it came
/// with. Each item is a chunk or the error that ends the stream: a connection that
/// breaks or a body that ends inside a value is an error item, never a silent end.
pub struct ChunkStream<T> {
    status: StatusCode,
    headers: HeaderMap,
    inner: Pin<Box<dyn Stream<Item = Result<T, StreamError>> + Send>>,
}

impl<T: DeserializeOwned + Send + 'static> ChunkStream<T> {
    /// The chunks of a JSON Lines body (also values written back to back with no
    /// newline, as older servers of the reference do), decoded lazily.
    pub fn json_lines(response: reqwest::Response) -> Self {
        ChunkStream::new(response, Framing::JsonLines)
    }

    /// The chunks of a `text/event-stream` body whose events each carry one JSON
    /// chunk as `data`, decoded lazily.
    pub fn event_stream(response: reqwest::Response) -> Self {
        ChunkStream::new(response, Framing::EventStream)
    }

    fn new(response: reqwest::Response, framing: Framing) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes_stream();
        let inner: Pin<Box<dyn Stream<Item = Result<T, StreamError>> + Send>> = match framing {
            Framing::JsonLines => Box::pin(JsonLines::new(body)),
            Framing::EventStream => Box::pin(events(body)),
        };
        ChunkStream {
            status,
            headers,
            inner,
        }
    }
}

impl<T> ChunkStream<T> {
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
}

impl<T> Stream for ChunkStream<T> {
    type Item = Result<T, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for ChunkStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkStream")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl From<Infallible> for StreamError {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

/// Decodes JSON Lines from a stream of byte buffers of any sizes: values split across
/// buffers are reassembled, several values in one buffer are split, a last value
/// without `\n` is accepted, and so are objects, arrays and strings written back to
/// back with no delimiter (the reference's older servers). Memory holds at most one
/// incomplete value and the values of one buffer.
pub struct JsonLines<S, T> {
    body: S,
    buffer: BytesMut,
    ready: VecDeque<T>,
    failed: Option<StreamError>,
    done: bool,
    limit: usize,
    item: PhantomData<fn() -> T>,
}

// Decoded values are never pinned: they are moved out of the queue.
impl<S: Unpin, T> Unpin for JsonLines<S, T> {}

impl<S, T> JsonLines<S, T> {
    /// A decoder of `body` with the [default chunk limit](DEFAULT_CHUNK_LIMIT).
    pub fn new(body: S) -> Self {
        JsonLines::with_limit(body, DEFAULT_CHUNK_LIMIT)
    }

    /// A decoder of `body` that fails when one value exceeds `limit` bytes.
    pub fn with_limit(body: S, limit: usize) -> Self {
        JsonLines {
            body,
            buffer: BytesMut::new(),
            ready: VecDeque::new(),
            failed: None,
            done: false,
            limit,
            item: PhantomData,
        }
    }
}

impl<S, T: DeserializeOwned> JsonLines<S, T> {
    /// Decodes every complete value of the buffered bytes and `data`, keeping the
    /// incomplete rest.
    fn push(&mut self, data: Bytes) -> Result<(), StreamError> {
        let data = if self.buffer.is_empty() {
            data
        } else {
            self.buffer.extend_from_slice(&data);
            self.buffer.split().freeze()
        };
        // Everything up to the last newline is decoded in one pass, as serde_json
        // iterates values (newlines are whitespace between them); a value that
        // runs past the last newline waits for more bytes.
        let lines_end = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
        let mut start = decode_values(&data[..lines_end], &mut self.ready, true)?;
        if start == lines_end {
            let rest = &data[start..];
            // Values written back to back without newlines: decode what is complete
            // when the bytes end like a value does. Scalars cannot be told complete
            // (`12` may continue as `123`), so they wait for a newline or the end.
            let starts_delimited = rest
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| matches!(b, b'{' | b'[' | b'"'));
            let ends_like_value = rest
                .iter()
                .rev()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| matches!(b, b'}' | b']' | b'"'));
            if starts_delimited && ends_like_value {
                start += decode_values(rest, &mut self.ready, true)?;
            }
        }
        let rest = &data[start..];
        if rest.len() > self.limit {
            return Err(StreamError::TooLarge { limit: self.limit });
        }
        if rest.iter().any(|b| !b.is_ascii_whitespace()) {
            self.buffer.extend_from_slice(rest);
        }
        Ok(())
    }

    /// Decodes what remains when the body has ended.
    fn finish(&mut self) -> Result<(), StreamError> {
        let rest = self.buffer.split().freeze();
        decode_values(&rest, &mut self.ready, false).map(|_| ())
    }
}

/// Decodes the values of `bytes`, back to back or separated by whitespace, into
/// `out`, and returns how many bytes were consumed. With `partial`, a value cut
/// short by the end of `bytes` stops decoding (to be completed by more bytes);
/// without, it is an error.
fn decode_values<T: DeserializeOwned>(
    bytes: &[u8],
    out: &mut VecDeque<T>,
    partial: bool,
) -> Result<usize, StreamError> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    let mut consumed = 0;
    loop {
        match values.next() {
            None => return Ok(bytes.len()),
            Some(Ok(value)) => {
                out.push_back(value);
                consumed = values.byte_offset();
            }
            Some(Err(error)) if error.is_eof() && partial => return Ok(consumed),
            Some(Err(error)) if error.is_eof() => {
                return Err(StreamError::Truncated {
                    excerpt: excerpt(bytes[consumed..].trim_ascii()),
                });
            }
            Some(Err(source)) => {
                return Err(StreamError::Decode {
                    source,
                    excerpt: excerpt(bytes[consumed..].trim_ascii()),
                });
            }
        }
    }
}

impl<S, E, T> Stream for JsonLines<S, T>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<StreamError>,
    T: DeserializeOwned,
{
    type Item = Result<T, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(value) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(value)));
            }
            if let Some(error) = this.failed.take() {
                this.done = true;
                return Poll::Ready(Some(Err(error)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match ready!(this.body.poll_next_unpin(cx)) {
                Some(Ok(data)) => {
                    if let Err(error) = this.push(data) {
                        this.failed = Some(error);
                    }
                }
                Some(Err(error)) => this.failed = Some(error.into()),
                None => {
                    this.done = true;
                    if let Err(error) = this.finish() {
                        this.failed = Some(error);
                    }
                }
            }
        }
    }
}

/// Server-sent events whose `data` is one JSON value each. A stream that fails stops
/// after its error item.
fn events<S, E, T>(body: S) -> impl Stream<Item = Result<T, StreamError>> + Send
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<StreamError> + Send + 'static,
    T: DeserializeOwned + Send + 'static,
{
    let mut failed = false;
    body.eventsource()
        .filter_map(|event| async move {
            match event {
                Ok(event) if event.data.is_empty() => None,
                Ok(event) => Some(serde_json::from_str::<T>(&event.data).map_err(|source| {
                    StreamError::Decode {
                        source,
                        excerpt: excerpt(event.data.as_bytes()),
                    }
                })),
                Err(EventStreamError::Transport(error)) => Some(Err(error.into())),
                Err(EventStreamError::Utf8(error)) => Some(Err(StreamError::Event(format!(
                    "an event is not UTF-8: {error}"
                )))),
                Err(EventStreamError::Parser(error)) => Some(Err(StreamError::Event(format!(
                    "an event does not parse: {error}"
                )))),
            }
        })
        .take_while(move |item| {
            let go = !failed;
            failed |= item.is_err();
            async move { go }
        })
}

#[cfg(test)]
mod tests {
    use futures_util::stream;

    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Chunk {
        n: u32,
    }

    /// Decodes `parts` as a body arriving in those pieces.
    async fn decode<T: DeserializeOwned>(parts: &[&str]) -> Vec<Result<T, String>> {
        let body = stream::iter(
            parts
                .iter()
                .map(|p| Ok::<_, Infallible>(Bytes::copy_from_slice(p.as_bytes())))
                .collect::<Vec<_>>(),
        );
        JsonLines::new(body)
            .map(|item| item.map_err(|e| e.to_string()))
            .collect()
            .await
    }

    fn ok(ns: &[u32]) -> Vec<Result<Chunk, String>> {
        ns.iter().map(|&n| Ok(Chunk { n })).collect()
    }

    #[tokio::test]
    async fn values_split_across_reads_are_reassembled() {
        let parts = ["{\"n\"", ":1}\n{\"n\":", "2}\n", "{", "\"n\":3", "}\n"];
        assert_eq!(decode::<Chunk>(&parts).await, ok(&[1, 2, 3]));
    }

    #[tokio::test]
    async fn several_values_in_one_read_are_split() {
        let parts = ["{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n"];
        assert_eq!(decode::<Chunk>(&parts).await, ok(&[1, 2, 3]));
    }

    #[tokio::test]
    async fn a_last_value_without_newline_is_accepted() {
        assert_eq!(
            decode::<Chunk>(&["{\"n\":1}\n{\"n\":2}"]).await,
            ok(&[1, 2])
        );
        assert_eq!(
            decode::<u32>(&["1\n2\n", "3"]).await,
            vec![Ok(1), Ok(2), Ok(3)]
        );
    }

    #[tokio::test]
    async fn values_back_to_back_without_delimiter_are_accepted() {
        let parts = ["{\"n\":1}", "{\"n\":2}{\"n\":3}", "{\"n\"", ":4}"];
        assert_eq!(decode::<Chunk>(&parts).await, ok(&[1, 2, 3, 4]));
    }

    #[tokio::test]
    async fn scalars_split_across_reads_are_not_cut() {
        assert_eq!(
            decode::<u32>(&["12", "3\n4", "5\n"]).await,
            vec![Ok(123), Ok(45)]
        );
    }

    #[tokio::test]
    async fn a_body_ending_inside_a_value_is_an_error() {
        let items = decode::<Chunk>(&["{\"n\":1}\n{\"n\":"]).await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Ok(Chunk { n: 1 }));
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .contains("ended inside a value")
        );
    }

    #[tokio::test]
    async fn an_ill_typed_chunk_is_an_error_that_ends_the_stream() {
        let items = decode::<Chunk>(&["{\"n\":1}\n{\"n\":\"x\"}\n{\"n\":3}\n"]).await;
        assert_eq!(items.len(), 2);
        assert!(items[1].as_ref().unwrap_err().contains("does not decode"));
    }

    #[tokio::test]
    async fn a_value_over_the_limit_is_an_error() {
        let body = stream::iter(vec![
            Ok::<_, Infallible>(Bytes::from_static(b"[1,2,3,")),
            Ok(Bytes::from_static(b"4,5,6,7,8")),
        ]);
        let items: Vec<_> = JsonLines::<_, Vec<u32>>::with_limit(body, 8)
            .collect()
            .await;
        assert!(matches!(
            items[..],
            [Err(StreamError::TooLarge { limit: 8 })]
        ));
    }

    #[tokio::test]
    async fn blank_lines_and_crlf_are_ignored() {
        let parts = ["{\"n\":1}\r\n\r\n", "\n{\"n\":2}\r\n"];
        assert_eq!(decode::<Chunk>(&parts).await, ok(&[1, 2]));
    }
}
