//! Observability of generated servers, the Rust counterpart of AWS Lambda
//! Powertools: structured JSON logs with the request's correlation id, X-Ray trace id
//! and Lambda context on every line, and CloudWatch metrics in Embedded Metric
//! Format (EMF), both written to stdout.
//!
//! A service calls [`init`] once (the global `tracing` subscriber with the
//! [`JsonLogLayer`]) and wraps its router in [`layer`], inside the
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
pub use request::{ObservedBody, ObservedFuture, RequestLayer, RequestService};
pub use route::NOT_FOUND;
pub use writer::Writer;

/// Why [`init`] failed.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Another global `tracing` subscriber was installed first.
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled(#[from] tracing::subscriber::SetGlobalDefaultError),
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
