//! One call of an operation: the generated client builds the [`Request`]
//! synchronously and hands it, with the operation's decoder, to one generic future
//! written here once, so that generated code holds no `async` state machine of its
//! own (each would cost rustc a type check and a `Send` proof per operation).

use std::convert::Infallible;
use std::ops::RangeInclusive;

use crate::client::BoxFuture;
use crate::error::Error;
use crate::request::Request;
use crate::response::{Response, ResponseValue};
use crate::stream::ChunkStream;

/// An operation's decoder: turns the received response, by its status, into the
/// operation's success value or its error.
pub type Decoder<T, E> = fn(Response) -> Result<ResponseValue<T>, Error<E>>;

/// Sends `request`, reads the whole response and decodes it with `decode`.
pub fn call<T, E>(
    request: Request,
    decode: Decoder<T, E>,
) -> BoxFuture<'static, Result<ResponseValue<T>, Error<E>>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    Box::pin(async move {
        match exchange(request).await {
            Ok(response) => decode(response),
            Err(error) => Err(Error::widen(error)),
        }
    })
}

/// Sends `request`; a response whose status is in `streams` is opened as a stream of
/// chunks with `open` (the body is then read as it is consumed), any other is read
/// whole and decoded as an error by `errors`.
pub fn call_stream<T, E>(
    request: Request,
    streams: RangeInclusive<u16>,
    open: fn(reqwest::Response) -> ChunkStream<T>,
    errors: fn(Response) -> Error<E>,
) -> BoxFuture<'static, Result<ChunkStream<T>, Error<E>>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    Box::pin(async move {
        match open_stream(request, streams).await {
            Ok(Ok(response)) => Ok(open(response)),
            Ok(Err(response)) => Err(errors(response)),
            Err(error) => Err(Error::widen(error)),
        }
    })
}

/// Sends `request` and reads the whole response.
async fn exchange(request: Request) -> Result<Response, Error<Infallible>> {
    let response = request.execute().await?;
    Ok(Response::read(response).await?)
}

/// Sends `request`; a response whose status is in `streams` is returned unread, any
/// other read whole.
async fn open_stream(
    request: Request,
    streams: RangeInclusive<u16>,
) -> Result<Result<reqwest::Response, Response>, Error<Infallible>> {
    let response = request.execute().await?;
    if streams.contains(&response.status().as_u16()) {
        Ok(Ok(response))
    } else {
        Ok(Err(Response::read(response).await?))
    }
}
