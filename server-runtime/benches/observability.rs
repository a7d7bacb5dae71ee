//! Per-request cost of the observability stack: the same trivial router called
//! in-process with and without `catch_panics` + `observability::layer` +
//! `correlation::layer` (logs at INFO and EMF documents written to `io::sink`),
//! in one run, reporting the ratio to the bare router (and, to show the
//! observability layer's own share, the router with only `catch_panics` and
//! `correlation::layer`, and the full stack as generated routers run it by default:
//! no subscriber, metrics off).
//!
//! `cargo bench -p oapi-gen-server-runtime --bench observability`
//!
//! For instruction counts (repeatable on a loaded machine), one stack can be run
//! alone for a fixed number of requests: `-- --profile NAME --requests N` (the first
//! stack whose name contains NAME, no warm-up, no output); `scripts/bench-callgrind`
//! runs it under callgrind twice and prints the instructions per request.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::Request;
use oapi_gen_server_runtime::observability::{self, Config, Unit, Writer};
use oapi_gen_server_runtime::xray::{self, DaemonAddress, XrayConfig};
use oapi_gen_server_runtime::{RequestContext, correlation, error};
use tower_service::Service;
use tracing::Dispatch;

/// Requests per measured round (fewer than the X-Ray queue holds).
const REQUESTS: u32 = 1_000;
/// Rounds per stack, the stacks taking turns (the best round counts, against noise
/// on a shared machine; taking turns spreads slow periods over all stacks).
const ROUNDS: usize = 40;

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

/// Runs `requests` requests through `router`, each answered fully.
async fn requests(router: &Router, requests: u32) {
    for _ in 0..requests {
        let request = Request::get("/items/7").body(Body::empty()).unwrap();
        let response = router.clone().call(request).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        std::hint::black_box(body.unwrap());
    }
}

/// The time per request of one round of [`REQUESTS`].
fn measure(runtime: &tokio::runtime::Runtime, router: &Router) -> Duration {
    let started = Instant::now();
    runtime.block_on(requests(router, REQUESTS));
    started.elapsed() / REQUESTS
}

/// The value of `--name VALUE` on the command line.
fn argument(name: &str) -> Option<String> {
    let mut args = std::env::args().skip_while(|arg| arg != name);
    args.next()?;
    args.next()
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
    let logs = Dispatch::new(observability::subscriber(
        &config,
        tracing_subscriber::layer::Identity::new(),
    ));
    // X-Ray sending to a bound port nobody reads (the kernel discards what
    // overflows), every request sampled (`tracing` starts a sampled root).
    let sink = UdpSocket::bind("127.0.0.1:0").expect("a sink socket");
    let address = DaemonAddress::parse(&sink.local_addr().unwrap().to_string()).unwrap();
    let (xray_layer, xray_handle) =
        xray::layer(XrayConfig::new("bench").daemon_address(address)).expect("the X-Ray layer");
    let traced = Dispatch::new(observability::subscriber(&config, xray_layer));
    let none = Dispatch::none();
    let traced_config = Config {
        tracing: true,
        ..config.clone()
    };
    let no_metrics = Config {
        metrics: false,
        ..config.clone()
    };
    let quiet = Config {
        log_level: tracing::Level::WARN,
        ..config.clone()
    };
    let quiet_logs = Dispatch::new(observability::subscriber(
        &quiet,
        tracing_subscriber::layer::Identity::new(),
    ));
    let without_observability = bare()
        .layer(error::catch_panics())
        .layer(correlation::layer());
    let stacks = [
        ("bare router", &logs, bare()),
        ("catch_panics + correlation", &logs, without_observability),
        ("full stack", &logs, full(&config, bare())),
        (
            "full stack + custom metric",
            &logs,
            full(
                &config,
                Router::new().route("/items/{item_id}", get(item_with_metric)),
            ),
        ),
        (
            "full stack, metrics disabled",
            &logs,
            full(&no_metrics, bare()),
        ),
        ("full stack, level WARN", &quiet_logs, full(&quiet, bare())),
        (
            "full stack + X-Ray sampled",
            &traced,
            full(&traced_config, bare()),
        ),
        (
            "no subscriber, metrics off",
            &none,
            full(&no_metrics, bare()),
        ),
    ];
    if let Some(profile) = argument("--profile") {
        let count = argument("--requests").map_or(10_000, |n| n.parse().expect("a count"));
        let (_, dispatch, router) = stacks
            .iter()
            .find(|(name, ..)| name.contains(&profile))
            .expect("a stack of that name");
        tracing::dispatcher::with_default(dispatch, || {
            runtime.block_on(requests(router, count));
        });
        xray_handle.flush(Duration::from_secs(10));
        return;
    }
    let mut best = vec![Duration::MAX; stacks.len()];
    // Round 0 warms up.
    for round in 0..=ROUNDS {
        for ((_, dispatch, router), best) in stacks.iter().zip(&mut best) {
            let time = tracing::dispatcher::with_default(dispatch, || measure(&runtime, router));
            // Untimed: the exporter catches up, so that no document is dropped.
            xray_handle.flush(Duration::from_secs(10));
            if round > 0 {
                *best = (*best).min(time);
            }
        }
    }
    println!("{REQUESTS} requests per round, best of {ROUNDS} rounds, stacks taking turns");
    for ((name, ..), time) in stacks.iter().zip(&best) {
        println!(
            "{name:<30} {:>8.0} ns/request  ratio {:.3}",
            time.as_nanos() as f64,
            time.as_secs_f64() / best[0].as_secs_f64()
        );
    }
    println!(
        "X-Ray documents dropped (queue full): {}",
        xray_handle.dropped()
    );
}
