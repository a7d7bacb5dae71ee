//! The X-Ray layer, checked by what a stand-in daemon on loopback receives.
#![cfg(feature = "xray")]

mod daemon;
mod documents;
mod end_to_end;
mod large_traces;
mod schema;

use oapi_gen_server_runtime::trace_context::TraceContext;
use oapi_gen_server_runtime::xray::{self, XrayConfig};
use tracing::Span;
use tracing_subscriber::layer::SubscriberExt;

use crate::daemon::{Daemon, Datagram};

/// The trace id of the upstream header the tests use.
pub const TRACE_ID: &str = "1-5759e988-bd862e3fe1be46a994272793";

/// The parent id of the upstream header the tests use.
pub const PARENT_ID: &str = "53995c3f42cd8ad8";

/// A sampled upstream header.
pub const SAMPLED_HEADER: &str =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

/// Opens the request span as the request layer does.
pub fn request_span(method: &str, route: &str, path: &str, correlation_id: &str) -> Span {
    oapi_gen_server_runtime::observability::request_span(method, route, path, correlation_id)
}

/// Records a trace header's context on a request span, as the request layer does.
pub fn record_trace(span: &Span, header: &str) {
    let context = TraceContext::parse(header).expect("a valid header");
    span.record("xray_trace_id", context.trace_id.as_str());
    if let Some(parent) = &context.parent_id {
        span.record("xray_parent_id", parent.as_str());
    }
    if let Some(sampled) = context.sampled {
        span.record("xray_sampled", sampled);
    }
}

/// Records a response status, and `error` on 5xx, as the request layer does.
pub fn record_status(span: &Span, status: u16) {
    span.record("http.status_code", status);
    if status >= 500 {
        span.record("error", true);
    }
}

/// Runs `body` under a subscriber with only the X-Ray layer (configured by
/// `configure`, sending to a fresh stand-in daemon), then returns the datagrams
/// received, each already checked against the document rules.
pub fn traced(
    configure: impl FnOnce(XrayConfig) -> XrayConfig,
    body: impl FnOnce(),
) -> Vec<Datagram> {
    let daemon = Daemon::start();
    let config = configure(XrayConfig::new("items-service").daemon_address(daemon.address()));
    let (layer, handle) = xray::layer(config).expect("the layer starts");
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), body);
    let datagrams = daemon.receive(&handle);
    assert_eq!(handle.dropped(), 0, "nothing dropped");
    schema::assert_valid_datagrams(&datagrams);
    datagrams
}

/// Runs a future to completion on a single-threaded runtime (so spawned tasks see
/// the test's subscriber).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(future)
}
