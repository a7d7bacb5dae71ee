//! Request throughput of the generated router against the hand-written axum router of
//! `oapi_gen_tests::bench` (same operations, same validation, same error bodies),
//! measured in the same run, in process (no sockets): what our decoding, validation
//! and encoding cost over axum's own extractors. `scripts/bench-server` measures the
//! same two routers over HTTP under load.
//!
//! Run with `cargo bench -p oapi-gen-tests --bench router [-- WORD]`; with a word,
//! only the operations whose name contains it (`GET`, `POST`, `limit`, …).
//!
//! For instruction counts, `-- --profile ROUTER OPERATION --requests N` runs one
//! router (`generated` or `hand-written`) alone on the first operation whose name
//! contains OPERATION, N times, silently; `scripts/bench-callgrind router …` runs it
//! under callgrind.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oapi_gen_server_runtime::axum::body::Body;
use oapi_gen_server_runtime::axum::{self, Router};
use oapi_gen_server_runtime::http::{Request, StatusCode};
use oapi_gen_tests::bench::{CREATE_BODY, LIST_QUERY, Store, hand_written};
use oapi_gen_tests::fixtures::fastapi_items_server::server::router;
use tower::ServiceExt;

/// Requests per measured round.
const REQUESTS: usize = 20_000;
/// Rounds per router, alternating; the best is reported.
const ROUNDS: usize = 5;

fn get_request() -> Request<Body> {
    Request::get("/items/1").body(Body::empty()).unwrap()
}

fn list_request() -> Request<Body> {
    Request::get(format!("/items?{LIST_QUERY}"))
        .body(Body::empty())
        .unwrap()
}

fn post_request() -> Request<Body> {
    Request::post("/items")
        .header("content-type", "application/json")
        .body(Body::from(CREATE_BODY))
        .unwrap()
}

/// The time of one round of [`REQUESTS`] requests, each answered fully.
async fn round(router: &Router, request: fn() -> Request<Body>, expected: StatusCode) -> Duration {
    let start = Instant::now();
    for _ in 0..REQUESTS {
        let response = router.clone().oneshot(request()).await.unwrap();
        assert_eq!(response.status(), expected);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        black_box(body);
    }
    start.elapsed()
}

/// One benchmarked operation: name, request, expected status.
type Operation = (&'static str, fn() -> Request<Body>, StatusCode);

/// The operations.
const OPERATIONS: [Operation; 3] = [
    ("GET /items/{item_id}", get_request, StatusCode::OK),
    ("GET /items?limit&tags&status", list_request, StatusCode::OK),
    ("POST /items (JSON body)", post_request, StatusCode::CREATED),
];

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let generated = router(Store::seeded());
    let baseline = hand_written(Arc::new(Store::seeded()));
    if let Some(at) = args.iter().position(|arg| arg == "--profile") {
        let which = &args[at + 1];
        let operation = &args[at + 2];
        let count: usize = args
            .iter()
            .position(|arg| arg == "--requests")
            .map_or(10_000, |at| args[at + 1].parse().expect("a count"));
        let router = match which.as_str() {
            "generated" => &generated,
            "hand-written" => &baseline,
            other => panic!("{other}: generated or hand-written"),
        };
        let (_, request, status) = OPERATIONS
            .iter()
            .find(|(name, ..)| name.contains(operation.as_str()))
            .expect("an operation of that name");
        for _ in 0..count {
            let response = router.clone().oneshot(request()).await.unwrap();
            assert_eq!(response.status(), *status);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            black_box(body);
        }
        return;
    }
    let filter = args
        .iter()
        .find(|arg| !arg.starts_with("--"))
        .cloned()
        .unwrap_or_default();
    println!(
        "router benchmark: {REQUESTS} requests per round, best of {ROUNDS} alternating, in process"
    );
    println!(
        "{:<30} {:>14} {:>14} {:>8}",
        "operation", "hand-written", "generated", "ratio"
    );
    for (name, request, status) in OPERATIONS {
        if !name.contains(&filter) {
            continue;
        }
        let (mut base, mut ours) = (Duration::MAX, Duration::MAX);
        for _ in 0..ROUNDS {
            base = base.min(round(&baseline, request, status).await);
            ours = ours.min(round(&generated, request, status).await);
        }
        let per = |d: Duration| d.as_secs_f64() * 1e6 / REQUESTS as f64;
        println!(
            "{name:<30} {:>11.2} us {:>11.2} us {:>7.3}x",
            per(base),
            per(ours),
            base.as_secs_f64() / ours.as_secs_f64()
        );
    }
    println!(
        "ratio = hand-written time / generated time: the generated router's throughput relative to hand-written axum"
    );
}
