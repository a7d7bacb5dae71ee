//! Per-request cost of the observability stack: the same trivial router called
//! in-process with and without `catch_panics` + `observability::layer` +
//! `correlation::layer` (logs at INFO and EMF documents written to `io::sink`),
//! in one run, reporting the ratio to the bare router (and, to show the
//! observability layer's own share, the router with only `catch_panics` and
//! `correlation::layer`).
//!
//! `cargo bench -p oapi-gen-server-runtime --bench observability`

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::Request;
use oapi_gen_server_runtime::observability::{self, Config, Unit, Writer};
use oapi_gen_server_runtime::{RequestContext, correlation, error};
use tower_service::Service;

/// Requests per measured round.
const REQUESTS: u32 = 20_000;
/// Rounds per stack (the best one counts, against noise on a shared machine).
const ROUNDS: usize = 7;

async fn item() -> &'static str {
    r#"{"id":7}"#
}

async fn item_with_metric(request: Request<Body>) -> &'static str {
    let context = RequestContext::new(request.into_parts().0);
    context.metrics().add("ItemViewed", Unit::Count, 1.0);
    r#"{"id":7}"#
}

fn bare() -> Router {
    Router::new().route("/items/{item_id}", get(item))
}

fn full(config: &Config, router: Router) -> Router {
    router
        .layer(error::catch_panics())
        .layer(observability::layer(config))
        .layer(correlation::layer())
}

/// The best time per request over [`ROUNDS`] rounds of [`REQUESTS`].
fn measure(runtime: &tokio::runtime::Runtime, router: &Router) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        runtime.block_on(async {
            for _ in 0..REQUESTS {
                let request = Request::get("/items/7").body(Body::empty()).unwrap();
                let response = router.clone().call(request).await.unwrap();
                let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
                std::hint::black_box(body.unwrap());
            }
        });
        best = best.min(started.elapsed() / REQUESTS);
    }
    best
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let config = Config {
        service: "bench".to_owned(),
        namespace: "Bench".to_owned(),
        writer: Writer::new(std::io::sink),
        ..Config::default()
    };
    let _subscriber = tracing::subscriber::set_default(observability::subscriber(
        &config,
        tracing_subscriber::layer::Identity::new(),
    ));
    let no_metrics = Config {
        metrics: false,
        ..config.clone()
    };
    let quiet = Config {
        log_level: tracing::Level::WARN,
        ..config.clone()
    };
    let without_observability = bare()
        .layer(error::catch_panics())
        .layer(correlation::layer());
    let stacks = [
        ("bare router", bare()),
        ("catch_panics + correlation", without_observability),
        ("full stack", full(&config, bare())),
        (
            "full stack + custom metric",
            full(
                &config,
                Router::new().route("/items/{item_id}", get(item_with_metric)),
            ),
        ),
        ("full stack, metrics disabled", full(&no_metrics, bare())),
        ("full stack, level WARN", full(&quiet, bare())),
    ];
    let mut baseline = None;
    for (name, router) in &stacks {
        let _ = measure(&runtime, router); // warm-up
        let time = measure(&runtime, router);
        let base = *baseline.get_or_insert(time);
        println!(
            "{name:<30} {:>8.0} ns/request  ratio {:.3}",
            time.as_nanos() as f64,
            time.as_secs_f64() / base.as_secs_f64()
        );
    }
}
