//! AWS Lambda entry points (feature `lambda`): an axum router served behind API
//! Gateway (HTTP API with payload v2, REST API with payload v1) or a Function URL.
//!
//! [`run`] answers each invocation with one buffered response (API Gateway, and
//! Function URLs in the `BUFFERED` invoke mode); [`run_streaming`] sends the body as
//! it is produced (Function URLs in the `RESPONSE_STREAM` invoke mode), so a JSON
//! Lines operation reaches the client chunk by chunk. Before the router sees a
//! request, its extensions get the [`LambdaInvocation`](crate::LambdaInvocation) and,
//! when the event names one, the [`CallerIdentity`](crate::CallerIdentity), which
//! handlers read with [`RequestContext::lambda`](crate::RequestContext::lambda) and
//! [`RequestContext::identity`](crate::RequestContext::identity).

mod identity;
mod invocation;

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use futures_util::StreamExt;
use http::{Response, StatusCode, Uri};
use http_body_util::BodyExt;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use tower_service::Service;

use invocation::ColdStart;

/// How long the end of an invocation waits for its traces to be sent.
const FLUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(200);

/// The Lambda runtime stopped: it could not reach the Runtime API, or the function's
/// environment is not Lambda's.
#[derive(Debug, thiserror::Error)]
#[error("the Lambda runtime failed")]
pub struct Error(#[source] lambda_http::Error);

/// The error a streamed response ends with when its body fails midway (what the
/// failure was is logged, not sent).
#[derive(Debug, thiserror::Error)]
#[error("the response stream failed")]
pub struct StreamFailed;

/// Serves `router` on Lambda with buffered responses, one invocation at a time, until
/// the runtime stops.
pub async fn run(router: Router) -> Result<(), Error> {
    let handler = Handler::new(router);
    lambda_http::run(lambda_http::service_fn(move |request| {
        let handler = handler.clone();
        async move { Ok::<_, Infallible>(handler.buffered(request).await) }
    }))
    .await
    .map_err(Error)
}

/// Serves `router` on Lambda with streamed responses (a Function URL in the
/// `RESPONSE_STREAM` invoke mode), until the runtime stops.
///
/// A body that fails midway ends the stream with [`StreamFailed`]: `lambda_runtime`
/// then writes its error trailer (`Lambda-Runtime-Function-Error-Type:
/// Runtime.StreamError` and `Lambda-Runtime-Function-Error-Body`, the message in
/// base64) after the chunks already sent, so a JSON Lines client fails on a line that
/// is not JSON instead of seeing a clean end.
pub async fn run_streaming(router: Router) -> Result<(), Error> {
    let handler = Handler::new(router);
    lambda_http::run_with_streaming_response(lambda_http::service_fn(move |request| {
        let handler = handler.clone();
        async move { Ok::<_, Infallible>(handler.streaming(request).await) }
    }))
    .await
    .map_err(Error)
}

/// What [`run`] and [`run_streaming`] do with each request `lambda_http` makes of an
/// event: add the invocation and the caller to its extensions, then call the router.
#[derive(Debug, Clone)]
pub struct Handler {
    router: Router,
    cold_start: Arc<ColdStart>,
}

impl Handler {
    /// A handler calling `router`; its first request is the cold start.
    pub fn new(router: Router) -> Self {
        Handler {
            router,
            cold_start: Arc::new(ColdStart::new()),
        }
    }

    /// The router's response with its body read in full; a body that fails is
    /// answered with `500 {"detail":"Internal Server Error"}` (nothing was sent yet).
    pub async fn buffered(&self, request: lambda_http::Request) -> Response<Body> {
        let (parts, body) = self.call(request).await.into_parts();
        let body = body.collect().await;
        // The request is over (its span closed): send its trace before Lambda may
        // freeze the process.
        crate::observability::flush(FLUSH_TIMEOUT);
        match body {
            Ok(body) => Response::from_parts(parts, Body::from(body.to_bytes())),
            Err(_) => {
                let mut response = crate::error::detail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                );
                if let Some(id) = parts.headers.get(crate::correlation::HEADER) {
                    let id = id.clone();
                    response
                        .headers_mut()
                        .insert(crate::correlation::HEADER, id);
                }
                response
            }
        }
    }

    /// The router's response with its body passed on as produced; a body that fails
    /// ends with [`StreamFailed`] and nothing after it.
    pub async fn streaming(&self, request: lambda_http::Request) -> Response<Body> {
        self.call(request).await.map(|body| {
            let chunks = body.into_data_stream().scan(false, |failed, chunk| {
                let next = if *failed {
                    None
                } else {
                    *failed = chunk.is_err();
                    Some(chunk.map_err(|_| StreamFailed))
                };
                std::future::ready(next)
            });
            // Once the body has ended (its request span closed), send its trace
            // before Lambda may freeze the process.
            let flush = futures_util::stream::poll_fn(|_| {
                crate::observability::flush(FLUSH_TIMEOUT);
                std::task::Poll::Ready(None)
            });
            Body::from_stream(chunks.chain(flush))
        })
    }

    async fn call(&self, request: lambda_http::Request) -> Response<Body> {
        let request = self.prepare(request);
        match self.router.clone().call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    /// The request the router sees: the invocation and the caller in its extensions,
    /// and its path as API Gateway reported it (without the stage `lambda_http` puts
    /// in front of REST API paths).
    fn prepare(&self, request: lambda_http::Request) -> http::Request<Body> {
        let (mut parts, body) = request.into_parts();
        if let Some(context) = parts.extensions.lambda_context_ref() {
            let invocation = invocation::invocation(context, self.cold_start.take());
            parts.extensions.insert(invocation);
        }
        if let Some(context) = parts.extensions.request_context_ref() {
            if let Some(uri) = without_stage(&parts.uri, parts.extensions.raw_http_path(), context)
            {
                parts.uri = uri;
            }
            if let Some(caller) = identity::caller(context) {
                parts.extensions.insert(caller);
            }
        }
        http::Request::from_parts(parts, Body::new(body))
    }
}

/// `uri` without the `/{stage}` prefix `lambda_http` added to the event's path, if
/// it added one.
fn without_stage(uri: &Uri, raw_path: &str, context: &RequestContext) -> Option<Uri> {
    let stage = match context {
        RequestContext::ApiGatewayV1(context) => context.stage.as_deref(),
        RequestContext::ApiGatewayV2(context) => context.stage.as_deref(),
        _ => None,
    }
    .filter(|stage| *stage != "$default")?;
    let prefix = format!("/{stage}");
    if raw_path
        .strip_prefix(&prefix)
        .is_some_and(|rest| rest.starts_with('/'))
    {
        return None;
    }
    let path = uri
        .path()
        .strip_prefix(&prefix)
        .filter(|rest| rest.starts_with('/'))?;
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().ok()?);
    Uri::from_parts(parts).ok()
}
