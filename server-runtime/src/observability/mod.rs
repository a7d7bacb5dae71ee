//! Observability of generated servers, the Rust counterpart of AWS Lambda
//! Powertools: structured JSON logs with the request's correlation id, X-Ray trace id
//! and Lambda context on every line, and CloudWatch metrics in Embedded Metric
//! Format (EMF), both written to stdout.
//!
//! A service calls [`install`] once (the global `tracing` subscriber with the
//! [`JsonLogLayer`], and the X-Ray exporter when tracing) and wraps its router in [`layer`], inside the
//! [correlation layer](crate::correlation::layer) and outside
//! [`catch_panics`](crate::error::catch_panics):
//!
//! ```
//! use oapi_gen_server_runtime::{correlation, error, observability};
//!
//! let config = observability::Config::from_env();
//! # let config = observability::Config { writer: observability::Writer::new(std::io::sink), ..config };
//! observability::init(&config).expect("no other global subscriber");
//! let app: axum::Router = axum::Router::new()
//!     .route("/items/{item_id}", axum::routing::get(|| async { "{}" }))
//!     .layer(error::catch_panics())
//!     .layer(observability::layer(&config))
//!     .layer(correlation::layer());
//! # drop(app);
//! ```

mod config;
mod encode;
mod log;
mod metrics;
mod request;
mod route;
mod writer;

use tracing::Subscriber;
use tracing_subscriber::layer::{Identity, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{Registry, registry};

pub use config::{Config, DEFAULT_NAMESPACE, DEFAULT_SERVICE};
pub use log::{JsonLogLayer, LogFilter, REDACTED, REQUEST_TARGET};
pub use metrics::{Metrics, Unit};
pub use request::{ObservedBody, ObservedFuture, RequestLayer, RequestService, request_span};
pub use route::NOT_FOUND;
pub use writer::Writer;

/// Why [`init`] or [`install`] failed.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Another global `tracing` subscriber was installed first.
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled(#[from] tracing::subscriber::SetGlobalDefaultError),
    /// The X-Ray exporter could not start (a bad `AWS_XRAY_DAEMON_ADDRESS`, no socket).
    #[cfg(feature = "xray")]
    #[error(transparent)]
    Xray(#[from] crate::xray::XrayError),
}

/// What [`install`] set up that a Lambda entry point must flush before the
/// invocation ends (the process may freeze right after the response).
#[derive(Debug, Clone, Default)]
pub struct Telemetry {
    #[cfg(feature = "xray")]
    xray: Option<crate::xray::XrayHandle>,
}

impl Telemetry {
    /// Sends what is queued (X-Ray documents), waiting at most `timeout`; whether
    /// everything went out.
    pub fn flush(&self, timeout: std::time::Duration) -> bool {
        #[cfg(feature = "xray")]
        if let Some(xray) = &self.xray {
            return xray.flush(timeout);
        }
        let _ = timeout;
        true
    }
}

/// Installs everything a service's `main` needs, from `config` (usually
/// [`Config::from_env`]): the global subscriber with the JSON log layer and, when
/// `config.tracing` (on Lambda, or with `AWS_XRAY_DAEMON_ADDRESS` set), the X-Ray
/// exporter sending to the daemon of `AWS_XRAY_DAEMON_ADDRESS`.
///
/// The [`Telemetry`] is also kept for [`flush`], which the Lambda entry points call
/// at the end of every invocation.
pub fn install(config: &Config) -> Result<Telemetry, InitError> {
    #[cfg(feature = "xray")]
    if config.tracing {
        let xray_config = crate::xray::XrayConfig::from_env(config.service.clone())?;
        let (layer, handle) = crate::xray::layer(xray_config)?;
        init_with(config, layer)?;
        let telemetry = Telemetry { xray: Some(handle) };
        let _ = INSTALLED.set(telemetry.clone());
        return Ok(telemetry);
    }
    init(config)?;
    Ok(Telemetry::default())
}

/// What [`install`] set up, for [`flush`].
static INSTALLED: std::sync::OnceLock<Telemetry> = std::sync::OnceLock::new();

/// Flushes what [`install`] set up (see [`Telemetry::flush`]); `true` when nothing
/// was installed.
pub fn flush(timeout: std::time::Duration) -> bool {
    INSTALLED
        .get()
        .is_none_or(|telemetry| telemetry.flush(timeout))
}

/// The request layer for `config`: a request span, the `Received request` line and
/// the request's metrics (see the [module docs](self)).
pub fn layer(config: &Config) -> RequestLayer {
    RequestLayer::new(config)
}

/// Installs the global `tracing` subscriber: a [`Registry`] with the JSON log layer
/// at `config.log_level`.
pub fn init(config: &Config) -> Result<(), InitError> {
    init_with(config, Identity::new())
}

/// [`init`] with one more layer on the registry (an X-Ray exporter, say); several
/// combine into one with [`Layer::and_then`].
pub fn init_with<L>(config: &Config, extra: L) -> Result<(), InitError>
where
    L: Layer<Registry> + Send + Sync + 'static,
{
    tracing::subscriber::set_global_default(subscriber(config, extra))?;
    Ok(())
}

/// The subscriber [`init_with`] installs, for scoped use
/// (`tracing::subscriber::set_default`, `with_default`) in tests and tools.
pub fn subscriber<L>(
    config: &Config,
    extra: L,
) -> impl Subscriber + for<'a> LookupSpan<'a> + Send + Sync + 'static
where
    L: Layer<Registry> + Send + Sync + 'static,
{
    registry()
        .with(extra)
        .with(JsonLogLayer::new(config).with_filter(LogFilter::new(config.log_level)))
}
