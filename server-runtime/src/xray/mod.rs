//! X-Ray tracing for generated servers: a [`tracing_subscriber::Layer`] that sends
//! each sampled request to the X-Ray daemon over UDP, as Lambda functions do.
//!
//! The request layer runs every request inside a span with target
//! [`oapi_gen::request`](REQUEST_SPAN_TARGET) and name [`request`](REQUEST_SPAN_NAME)
//! that records `xray_trace_id`, `xray_parent_id` and `xray_sampled` from the
//! trace header. When that span closes, its request is sent as a **segment** named
//! after the service (with `http`, annotations `route`, `method`, `status`,
//! `correlation_id`, and `fault`/`error`/`throttle` from the status), and every
//! span opened inside it (`#[tracing::instrument]` functions, `info_span!`s, spans
//! of `.instrument()`ed tasks) as a nested **subsegment** carrying its fields as
//! metadata. On Lambda, where Lambda writes the invocation's segment, the request
//! becomes a subsegment of it instead.
//!
//! Unsampled requests (`xray_sampled = false`) and requests without a trace id send
//! nothing. Documents go to a background thread through a bounded queue: requests
//! never wait on the network, and when the queue is full documents are dropped and
//! counted. Call [`XrayHandle::flush`] before the process may freeze (on Lambda,
//! after each response).
//!
//! ```no_run
//! use oapi_gen_server_runtime::xray::{self, XrayConfig};
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let (layer, handle) = xray::layer(XrayConfig::from_env("items-service")?)?;
//! tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))?;
//! // … serve; on Lambda, after each response:
//! handle.flush(std::time::Duration::from_millis(200));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod daemon;
mod datagram;
mod exporter;
mod fields;
mod layer;
mod segment;

pub use config::{LAMBDA_FUNCTION_NAME_ENV, XrayConfig};
pub use daemon::{ADDRESS_ENV, DEFAULT_ADDRESS, DaemonAddress};
pub use exporter::XrayHandle;
pub use layer::{REQUEST_SPAN_NAME, REQUEST_SPAN_TARGET, XrayLayer};

/// What can go wrong setting up X-Ray tracing.
#[derive(Debug, thiserror::Error)]
pub enum XrayError {
    /// `AWS_XRAY_DAEMON_ADDRESS` (or the given address) is not `host:port` nor
    /// `tcp:host:port udp:host:port`.
    #[error(
        "invalid X-Ray daemon address {0:?}: expected host:port or tcp:host:port udp:host:port"
    )]
    InvalidDaemonAddress(String),
    /// The UDP socket could not be bound.
    #[error("cannot bind the X-Ray UDP socket")]
    Socket(#[source] std::io::Error),
    /// The sending thread could not be started.
    #[error("cannot start the X-Ray exporter thread")]
    Spawn(#[source] std::io::Error),
}

/// The X-Ray layer for this configuration, and the handle of its exporter (which
/// binds its UDP socket and starts its sending thread now).
pub fn layer(config: XrayConfig) -> Result<(XrayLayer, XrayHandle), XrayError> {
    let (exporter, handle) = exporter::Exporter::start(config.daemon, config.queue_capacity)?;
    let layer = XrayLayer::new(
        &config.service_name,
        config.on_lambda,
        config.origin.as_deref(),
        exporter,
    );
    Ok((layer, handle))
}
