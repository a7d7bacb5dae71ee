//! Request throughput of the generated router against the hand-written axum router of
//! `oapi_gen_tests::bench` (same operations, same validation, same error bodies),
//! measured in the same run, in process (no sockets): what our decoding, validation
//! and encoding cost over axum's own extractors. `scripts/bench-server` measures the
//! same two routers over HTTP under load.
//!
//! Run with `cargo bench -p oapi-gen-tests --bench router [-- WORD]`; with a word,
//! only the operations whose name contains it (`GET`, `POST`, `limit`, …).

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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .unwrap_or_default();
    let generated = router(Store::seeded());
    let baseline = hand_written(Arc::new(Store::seeded()));
    println!(
        "router benchmark: {REQUESTS} requests per round, best of {ROUNDS} alternating, in process"
    );
    println!(
        "{:<30} {:>14} {:>14} {:>8}",
        "operation", "hand-written", "generated", "ratio"
    );
    for (name, request, status) in [
        (
            "GET /items/{item_id}",
            get_request as fn() -> Request<Body>,
            StatusCode::OK,
        ),
        ("GET /items?limit&tags&status", list_request, StatusCode::OK),
        ("POST /items (JSON body)", post_request, StatusCode::CREATED),
    ] {
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
