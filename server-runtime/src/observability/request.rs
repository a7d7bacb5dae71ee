//! The request layer: a span per request (the contract X-Ray and the log layer
//! read), the `Received request` line, and the request's EMF documents when its
//! response body ends.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use axum::extract::MatchedPath;
use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;
use tracing::Span;
use tracing::field::Empty;

use super::Config;
use super::log::with_cold_start;
use super::metrics::{Emitter, Metrics, Outcome};
use super::route::RouteLabels;
use crate::context::LambdaInvocation;
use crate::correlation::CorrelationId;
use crate::trace_context::{self, TraceContext};

/// The request layer (see [`layer`](super::layer)). Cheap to clone; clones share
/// the cold start and the route labels.
#[derive(Debug, Clone)]
pub struct RequestLayer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// `None` when metrics are disabled.
    emitter: Option<Emitter>,
    tracing: bool,
    routes: RouteLabels,
    /// Whether no request has been served yet.
    cold: AtomicBool,
}

impl RequestLayer {
    /// The layer for `config`.
    pub fn new(config: &Config) -> Self {
        RequestLayer {
            shared: Arc::new(Shared {
                emitter: config.metrics.then(|| {
                    Emitter::new(&config.namespace, &config.service, config.writer.clone())
                }),
                tracing: config.tracing,
                routes: RouteLabels::default(),
                cold: AtomicBool::new(true),
            }),
        }
    }
}

impl<S> Layer<S> for RequestLayer {
    type Service = RequestService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service of [`RequestLayer`].
#[derive(Debug, Clone)]
pub struct RequestService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, B, R> Service<Request<B>> for RequestService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    R: Body,
{
    type Response = Response<ObservedBody<R>>;
    type Error = S::Error;
    type Future = ObservedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let shared = &self.shared;
        let cold_start =
            shared.cold.load(Ordering::Relaxed) && shared.cold.swap(false, Ordering::Relaxed);
        if request.extensions().get::<CorrelationId>().is_none() {
            let id = CorrelationId::from_request(request.headers(), request.extensions());
            request.extensions_mut().insert(id);
        }
        let metrics = shared.emitter.as_ref().map(|_| {
            let template = request
                .extensions()
                .get::<MatchedPath>()
                .map(MatchedPath::as_str);
            let label = shared.routes.label(request.method(), template);
            (label, Metrics::collecting())
        });
        if let Some((_, metrics)) = &metrics {
            request.extensions_mut().insert(metrics.clone());
        }
        let extensions = request.extensions();
        let correlation_id = extensions
            .get::<CorrelationId>()
            .map_or("", CorrelationId::as_str);
        let route = extensions
            .get::<MatchedPath>()
            .map_or("", MatchedPath::as_str);
        let method = request.method().as_str();
        let path = request.uri().path();
        let span = with_cold_start(cold_start, || {
            request_span(method, route, path, correlation_id)
        });
        if !span.is_disabled() {
            record_invocation(&span, &request, shared.tracing);
        }
        let finish = Finish {
            outcome: Outcome::Cancelled,
            metrics,
            cold_start,
            shared: shared.clone(),
            span,
        };
        let future = {
            let _entered = finish.span.enter();
            tracing::info!(method, path, route, "Received request");
            self.inner.call(request)
        };
        ObservedFuture {
            inner: future,
            finish: Some(finish),
        }
    }
}

/// The X-Ray trace header's name (looked up without parsing the name each time).
static TRACE_HEADER: http::HeaderName = http::HeaderName::from_static(trace_context::HEADER);

/// Fills the span's X-Ray and Lambda fields.
fn record_invocation<B>(span: &Span, request: &Request<B>, tracing: bool) {
    let lambda = request.extensions().get::<LambdaInvocation>();
    let trace = request
        .headers()
        .get(&TRACE_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(TraceContext::parse)
        .or_else(|| {
            lambda
                .and_then(|lambda| lambda.xray_trace_header.as_deref())
                .and_then(TraceContext::parse)
        })
        .or_else(|| tracing.then(|| TraceContext::new_root(true)));
    if let Some(trace) = trace {
        span.record("xray_trace_id", trace.trace_id.as_str());
        if let Some(parent) = &trace.parent_id {
            span.record("xray_parent_id", parent.as_str());
        }
        if let Some(sampled) = trace.sampled {
            span.record("xray_sampled", sampled);
        }
    }
    if let Some(lambda) = lambda {
        span.record("function_request_id", lambda.request_id.as_str());
        span.record("function_name", lambda.function_name.as_str());
        span.record("function_arn", lambda.function_arn.as_str());
        span.record("function_memory_size", u64::from(lambda.memory_size_mb));
    }
}

/// The end of a request: closes its span and writes its metrics when dropped (when
/// the response body ends, fails or is dropped; or with the response future when
/// the client goes away first).
#[derive(Debug)]
struct Finish {
    outcome: Outcome,
    /// The route label and the handlers' metrics, when metrics are enabled.
    metrics: Option<(Arc<str>, Metrics)>,
    cold_start: bool,
    shared: Arc<Shared>,
    span: Span,
}

impl Finish {
    fn fail(&mut self) {
        self.outcome = Outcome::Failure;
        self.span.record("error", true);
    }
}

impl Drop for Finish {
    fn drop(&mut self) {
        let Some(emitter) = &self.shared.emitter else {
            return;
        };
        if self.cold_start {
            emitter.cold_start();
        }
        if let Some((route, metrics)) = &self.metrics {
            emitter.request(route, self.outcome, &metrics.take());
        }
    }
}

pin_project! {
    /// The response future of [`RequestService`]: polls the inner future inside
    /// the request span, then records the status.
    pub struct ObservedFuture<F> {
        #[pin]
        inner: F,
        finish: Option<Finish>,
    }
}

impl<F> std::fmt::Debug for ObservedFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObservedFuture")
            .field("finish", &self.finish)
            .finish_non_exhaustive()
    }
}

impl<F, R, E> Future for ObservedFuture<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = Result<Response<ObservedBody<R>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = {
            let _entered = this.finish.as_ref().map(|finish| finish.span.enter());
            ready!(this.inner.poll(cx))
        };
        let Some(mut finish) = this.finish.take() else {
            // Polled after completion: the inner future's own behaviour applies.
            return Poll::Ready(result.map(|response| response.map(ObservedBody::done)));
        };
        match result {
            Ok(response) => {
                let status = response.status();
                finish.span.record("http.status_code", status.as_u16());
                if status.is_server_error() {
                    finish.fail();
                } else {
                    finish.outcome = Outcome::Success;
                }
                Poll::Ready(Ok(response.map(|body| ObservedBody {
                    inner: body,
                    finish: Some(finish),
                })))
            }
            Err(error) => {
                finish.fail();
                Poll::Ready(Err(error))
            }
        }
    }
}

pin_project! {
    /// A response body that ends its request when it ends (or fails, or is
    /// dropped); polled inside the request span, so a streaming body's log lines
    /// carry the request's keys.
    pub struct ObservedBody<B> {
        #[pin]
        inner: B,
        finish: Option<Finish>,
    }
}

impl<B> ObservedBody<B> {
    fn done(inner: B) -> Self {
        ObservedBody {
            inner,
            finish: None,
        }
    }
}

impl<B> std::fmt::Debug for ObservedBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObservedBody")
            .field("finish", &self.finish)
            .finish_non_exhaustive()
    }
}

impl<B: Body> Body for ObservedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        // A body at its end produces nothing more (no log line to key): its last
        // poll skips entering the span.
        let ended = self.inner.is_end_stream();
        let this = self.project();
        let frame = {
            let _entered = this
                .finish
                .as_ref()
                .filter(|_| !ended)
                .map(|finish| finish.span.enter());
            ready!(this.inner.poll_frame(cx))
        };
        match &frame {
            None => drop(this.finish.take()),
            Some(Err(_)) => {
                if let Some(mut finish) = this.finish.take() {
                    finish.fail();
                }
            }
            Some(Ok(_)) => {}
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Opens a request's span: target `oapi_gen::request`, name `request`, the fields the
/// log layer and the X-Ray layer read (`http.method`, `http.route` (the template, or
/// empty), `http.path`, `correlation_id`), and the ones recorded later (`http.status_code`,
/// `xray_trace_id`, `xray_parent_id`, `xray_sampled`, `function_request_id`,
/// `function_name`, `function_arn`, `function_memory_size`, `error`).
pub fn request_span(method: &str, route: &str, path: &str, correlation_id: &str) -> Span {
    tracing::info_span!(
        target: "oapi_gen::request",
        "request",
        http.method = method,
        http.route = route,
        http.path = path,
        http.status_code = Empty,
        correlation_id = correlation_id,
        xray_trace_id = Empty,
        xray_parent_id = Empty,
        xray_sampled = Empty,
        function_request_id = Empty,
        function_name = Empty,
        function_arn = Empty,
        function_memory_size = Empty,
        error = Empty,
    )
}
