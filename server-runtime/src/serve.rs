//! One `main` for every place a service runs: [`run`] serves the router on AWS Lambda
//! when the process is a Lambda function, and as a plain HTTP server elsewhere.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `AWS_LAMBDA_RUNTIME_API` | set by Lambda: serve through the Lambda runtime | |
//! | `OAPI_GEN_LAMBDA_MODE` | `buffered` (API Gateway, Function URLs) or `streaming` (Function URLs in the `RESPONSE_STREAM` invoke mode) | `buffered` |
//! | `HOST` | the address the HTTP server binds | `127.0.0.1` |
//! | `PORT` | its port | `8000` |

use axum::Router;

/// Set by Lambda in a function's environment.
pub const LAMBDA_RUNTIME_API: &str = "AWS_LAMBDA_RUNTIME_API";
/// Chooses buffered or streamed responses on Lambda.
pub const LAMBDA_MODE: &str = "OAPI_GEN_LAMBDA_MODE";

/// Why a service could not be served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `PORT` is not a port number.
    #[error("PORT={0} is not a port number")]
    Port(String),
    /// `OAPI_GEN_LAMBDA_MODE` is neither `buffered` nor `streaming`.
    #[cfg(feature = "lambda")]
    #[error("{LAMBDA_MODE}={0} is neither `buffered` nor `streaming`")]
    LambdaMode(String),
    /// The process runs on Lambda, but was built without the `lambda` feature.
    #[cfg(not(feature = "lambda"))]
    #[error(
        "running on AWS Lambda ({LAMBDA_RUNTIME_API} is set) needs the `lambda` feature of oapi-gen-server-runtime"
    )]
    LambdaNotBuiltIn,
    /// The Lambda runtime stopped.
    #[cfg(feature = "lambda")]
    #[error(transparent)]
    Lambda(#[from] crate::lambda::Error),
    /// The observability stack could not be installed.
    #[error(transparent)]
    Observability(#[from] crate::observability::InitError),
    /// The HTTP server could not bind its address or stopped.
    #[error("the HTTP server failed")]
    Io(#[from] std::io::Error),
}

/// Serves `router`: through the Lambda runtime when `AWS_LAMBDA_RUNTIME_API` is set
/// (`OAPI_GEN_LAMBDA_MODE` chooses buffered or streamed responses), else over HTTP on
/// `HOST:PORT` until Ctrl-C or SIGTERM, letting requests in flight finish.
///
/// Unless the program installed a `tracing` subscriber of its own first, it installs
/// the [observability](crate::observability) stack configured by the environment:
/// JSON logs on stdout and, when tracing, the X-Ray exporter.
pub async fn run(router: Router) -> Result<(), Error> {
    if !tracing::dispatcher::has_been_set() {
        crate::observability::install(&crate::observability::Config::from_env())?;
    }
    if std::env::var_os(LAMBDA_RUNTIME_API).is_some() {
        return lambda(router).await;
    }
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| Error::Port(port))?,
        Err(_) => 8000,
    };
    let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await?;
    let address = listener.local_addr()?;
    println!("Listening on http://{address} (API docs at http://{address}/docs)");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

#[cfg(feature = "lambda")]
async fn lambda(router: Router) -> Result<(), Error> {
    match std::env::var(LAMBDA_MODE).as_deref() {
        Err(_) | Ok("buffered") => Ok(crate::lambda::run(router).await?),
        Ok("streaming") => Ok(crate::lambda::run_streaming(router).await?),
        Ok(other) => Err(Error::LambdaMode(other.to_owned())),
    }
}

#[cfg(not(feature = "lambda"))]
async fn lambda(_: Router) -> Result<(), Error> {
    Err(Error::LambdaNotBuiltIn)
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what `docker stop` and ECS send).
async fn shutdown() {
    let ctrl_c = async {
        // Without a handler there is nothing to wait for: serve until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    println!("Shutting down");
}
